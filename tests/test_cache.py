"""The compiled rule-book cache: keyed on content, safe to delete, never trusted blindly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from advisor.engine import Advisor


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("ADVISOR_NO_CACHE", raising=False)
    yield tmp_path / "cache" / "advisor"


MESSAGES = [
    "he never called",
    "she left me on read",
    "hi",
    "my boss never calls me back",
    "He didn't call after we exchanged numbers. Should I text him?",
]


def test_answers_are_identical_with_and_without_the_cache(
    private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Advisor()  # fills the cache
    assert list(private_cache.glob("rules-*.pickle"))
    cached = [Advisor().advise(m).to_dict() for m in MESSAGES]
    monkeypatch.setenv("ADVISOR_NO_CACHE", "1")
    fresh = [Advisor().advise(m).to_dict() for m in MESSAGES]
    assert cached == fresh


def test_the_cache_is_owner_only(private_cache: Path) -> None:
    Advisor()
    (entry,) = private_cache.glob("rules-*.pickle")
    assert entry.stat().st_mode & 0o777 == 0o600
    assert private_cache.stat().st_mode & 0o777 == 0o700


def test_an_edited_rule_file_is_seen_on_the_next_run(make_book: Callable[..., Path]) -> None:
    root = make_book()
    assert Advisor(root).advise("what's the weather").intent is None
    replies = root / "replies.yaml"
    text = replies.read_text("utf-8")
    start, end = text.index("fallback:"), text.index("# When a message seems")
    replies.write_text(text[:start] + 'fallback: ["Only dating here."]\n' + text[end:], "utf-8")
    assert Advisor(root).advise("what's the weather").reply == "Only dating here."


@pytest.mark.parametrize("damage", [b"", b"garbage", b"advisor-cache-1\nwrong-key\n..."])
def test_a_damaged_cache_is_ignored_and_rebuilt(private_cache: Path, damage: bytes) -> None:
    Advisor()
    (entry,) = private_cache.glob("rules-*.pickle")
    entry.write_bytes(damage)
    assert Advisor().advise("he never called").intent == "went-silent"


def test_a_cache_others_could_write_is_not_trusted(private_cache: Path) -> None:
    Advisor()
    (entry,) = private_cache.glob("rules-*.pickle")
    entry.chmod(0o666)
    assert Advisor().advise("he never called").intent == "went-silent"
    assert entry.stat().st_mode & 0o777 == 0o600  # rebuilt in place, owner-only again


def test_the_one_shot_path_imports_only_what_it_needs(private_cache: Path) -> None:
    code = (
        "import sys\n"
        "sys.argv = ['advise', 'he never called']\n"
        "from advisor.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "names = ['prompt_toolkit', 'rich', 'yaml', 'pydantic', 'advisor.chat', "
        "'advisor.dialogue', 'importlib.metadata', 'advisor.rulebook', 'advisor.yamlfile']\n"
        "sys.stderr.write(__import__('json').dumps([n for n in names if n in sys.modules]))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(private_cache.parent)}
    run = [sys.executable, "-c", code]
    subprocess.run(run, env=env, capture_output=True, check=True)  # warms the cache
    done = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    assert json.loads(done.stderr) == []
