"""The `advise` command, in-process with CliRunner and once as the installed program."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, Cli

from advisor import __version__
from advisor.cli import ExitStatus


def test_a_question_gets_a_reply(cli: Cli) -> None:
    out = cli("He didn't call after we exchanged numbers. Should I text him?")
    assert "As Jane put it" in out


def test_unquoted_words_are_joined(cli: Cli) -> None:
    assert cli("he", "never", "called") == cli("he never called")


def test_json_prints_one_object(cli: Cli) -> None:
    data = json.loads(cli("--json", "she never texted back"))
    assert data["intent"] == "went-silent" and data["safety"] is False
    assert "her" in data["reply"]


def test_explain_says_why(cli: Cli) -> None:
    out = cli("--explain", "he ghosted me")
    assert "closest example:" in out and "went-silent.yaml:" in out
    assert "runners-up:" in out


def test_a_letter_from_standard_input(cli: Cli) -> None:
    letter = "I met a guy.\nHe never called.\nShould I text him?\n"
    data = json.loads(cli("-", "--json", stdin=letter))
    assert data["situations"][:2] == ["went-silent", "should-i-reach-out"]


@pytest.mark.parametrize("args", [[""], ["   "], ["-"]], ids=["empty", "spaces", "empty-stdin"])
def test_an_empty_question_is_a_usage_error(cli: Cli, args: list[str]) -> None:
    out = cli(*args, code=ExitStatus.USAGE, stdin="")
    assert "the question is empty" in out
    assert "Traceback" not in out


def test_version(cli: Cli) -> None:
    assert cli("--version").strip() == f"advise {__version__}"


def test_rules_check_passes_on_the_bundled_rules(cli: Cli) -> None:
    out = cli("rules", "check")
    assert "OK" in out and "17" not in out.split(":")[0]


def test_rules_check_lists_every_problem(cli: Cli, make_book: Callable[..., Path]) -> None:
    root = make_book(principles_yaml="principles:\n  - id: Bad Id\n    title: x\n")
    out = cli("rules", "check", str(root), code=ExitStatus.RULES)
    assert "principles.yaml:2: the id 'Bad Id'" in out
    assert "is missing the field 'advice'" in out
    assert "Traceback" not in out


def test_a_broken_rule_book_stops_advice(cli: Cli, make_book: Callable[..., Path]) -> None:
    root = make_book(replies_yaml="fallback: [\n")
    out = cli("--rules", str(root), "he never called", code=ExitStatus.RULES)
    assert "replies.yaml:" in out and "did not load" in out


def test_rules_test_with_an_eval_file_and_sweep(cli: Cli) -> None:
    out = cli("rules", "test", "--eval", str(REPO / "tests" / "eval.yaml"), "--sweep")
    assert "rule tests: all pass" in out
    assert "cross-validation" in out and "precision" in out
    assert "recommended: threshold" in out


def test_rules_coverage(cli: Cli) -> None:
    out = cli("rules", "coverage")
    assert "went-silent: silence-is-an-answer" in out


COMMANDS = [
    [],
    ["ask"],
    ["chat"],
    ["forget"],
    ["rules"],
    ["rules", "check"],
    ["rules", "test"],
    ["rules", "coverage"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "advise")
def test_every_command_and_option_has_help_and_is_in_the_readme(
    cli: Cli, command: list[str]
) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    out = cli(*command, "--help")
    assert "Usage:" in out
    if command:
        assert f"advise {' '.join(command)}" in readme
    for line in out.splitlines():
        option = line.strip().split(" ")[0]
        if option.startswith("--") and option not in ("--help",):
            assert option.split("=")[0] in readme, option


ADVISE = shutil.which("advise", path=str(Path(sys.executable).parent)) or shutil.which("advise")


@pytest.mark.skipif(ADVISE is None, reason="advise is not installed")
def test_the_installed_program_runs_from_another_directory(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": ""}
    done = subprocess.run(
        [str(ADVISE), "--json", "he never called"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["intent"] == "went-silent"


def test_import_advisor_loads_neither_typer_nor_prompt_toolkit() -> None:
    code = "import sys, advisor; print('typer' in sys.modules, 'prompt_toolkit' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
