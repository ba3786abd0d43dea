"""The `advise` command: parse arguments, call the API, print, turn errors into exit codes."""

from __future__ import annotations

import sys
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from advisor.engine import Advisor
from advisor.errors import AdvisorError, RuleError


class ExitStatus(IntEnum):
    """What `advise` exits with."""

    OK = 0
    FAILED = 1
    """Rule tests failed, or `--strict` found warnings."""
    USAGE = 2
    RULES = 3
    """The rule book did not load."""
    INTERRUPTED = 130


class _AskByDefault(TyperGroup):
    """Treat `advise some words` as `advise ask some words`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args:
            args = ["chat"]
        elif args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["ask", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_AskByDefault,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Dating advice drawn from an advice column, answered on this machine.\n\n"
    "Ask in your own words (advise QUESTION), paste a whole letter (advise -), or run "
    "advise alone to talk it through in a chat. Nothing leaves this machine.\n\n"
    'Example: advise "He didn\'t call after we exchanged numbers. Should I text him?"',
)
rules_app = typer.Typer(
    add_completion=False,
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Check, test and measure a rule book.",
)
app.add_typer(rules_app, name="rules")

RulesOption = Annotated[
    Path | None,
    typer.Option("--rules", help="Use the rule book in this folder instead of the bundled one."),
]
DebugOption = Annotated[bool, typer.Option("--debug", hidden=True)]
FolderArgument = Annotated[
    Path | None, typer.Argument(help="The rule book folder (default: the bundled rules).")
]


def _show_version(value: bool) -> None:
    if value:
        import advisor

        typer.echo(f"advise {advisor.__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Options before any command (the app's own help is set on `app`)."""


def _fail(err: Exception, debug: bool) -> NoReturn:
    if debug:
        raise err
    if isinstance(err, RuleError):
        typer.echo(
            f"advise: the rule book did not load ({len(err.problems)} problem(s)):", err=True
        )
        typer.echo(str(err), err=True)
        raise typer.Exit(ExitStatus.RULES)
    typer.echo(f"advise: {err}", err=True)
    raise typer.Exit(ExitStatus.USAGE)


def _read_question(words: list[str]) -> str:
    if words == ["-"]:
        return sys.stdin.buffer.read().decode("utf-8", errors="replace")
    return " ".join(words)


@app.command(short_help="Answer one question (the default: advise QUESTION).")
def ask(
    question: Annotated[
        list[str] | None,
        typer.Argument(help="Your question, in your own words; '-' reads it from standard input."),
    ] = None,
    *,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Also say why: matched phrases, scores, runners-up.")
    ] = False,
    rules: RulesOption = None,
    debug: DebugOption = False,
) -> None:
    """Answer one question (the default command: `advise QUESTION` is `advise ask QUESTION`).

    Example: advise "he never called, should I text him?"
    """
    from advisor.render import explain as explanation

    text = _read_question(question or [])
    if not text.strip():
        typer.echo(
            'advise: the question is empty; write it after the command, as in advise "he never '
            'called", or pipe a letter into advise -',
            err=True,
        )
        raise typer.Exit(ExitStatus.USAGE)
    try:
        advice = Advisor(rules).advise(text)
    except AdvisorError as err:
        _fail(err, debug)
    if as_json:
        import json

        data = advice.to_dict()
        if explain:
            data["explanation"] = explanation(advice)
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(advice.reply)
    if explain:
        typer.echo("\n" + explanation(advice))


@app.command(short_help="Talk it through in a conversation (the default: advise alone).")
def chat(
    *,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per turn (JSON Lines).")
    ] = False,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            help="Vary replies reproducibly: the same seed and messages give "
            "the same conversation.",
        ),
    ] = None,
    plain: Annotated[bool, typer.Option("--plain", help="No colour or styles.")] = False,
    keep_history: Annotated[
        bool,
        typer.Option(
            "--keep-history",
            help="Keep what you type between chats, in a file only "
            "you can read (see the README's Privacy section).",
        ),
    ] = False,
    rules: RulesOption = None,
    debug: DebugOption = False,
) -> None:
    """Talk it through: advisor remembers the conversation, asks, and explains itself.

    In a terminal this is an interactive chat (/help lists its commands). With standard
    input from a pipe it reads one message per line and prints each reply.

    Example: printf 'hi\\nhe never called\\nI took his\\nwhy?\\nbye\\n' | advise chat
    """
    import io

    from advisor.chat import Chat, plain_output, printer, run_lines, run_terminal
    from advisor.dialogue import Conversation

    conversation = Conversation(_load(rules, debug), seed=seed)
    if as_json or not sys.stdin.isatty():
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        run_lines(Chat(conversation, printer(sys.stdout), as_json=as_json), stream)
        return
    run_terminal(conversation, plain=plain or plain_output(), keep_history=keep_history)


@app.command(short_help="Delete everything advisor has stored for you.")
def forget() -> None:
    """Delete everything advisor has stored for you: history, transcripts and its cache.

    Example: advise forget
    """
    from advisor import storage

    removed = storage.forget()
    if not removed:
        typer.echo(
            f"Nothing to forget: advisor has stored nothing in {storage.data_dir()} "
            f"or {storage.cache_dir()}."
        )
        return
    for path in removed:
        typer.echo(f"removed {path}")
    typer.echo(f"advisor has forgotten everything it kept ({len(removed)} file(s)).")


def _load(rules_dir: Path | None, debug: bool) -> Advisor:
    try:
        return Advisor(rules_dir)
    except AdvisorError as err:
        _fail(err, debug)


@rules_app.command("check", short_help="Validate a rule book: every problem, file and line.")
def rules_check(
    folder: FolderArgument = None,
    *,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
) -> None:
    """Validate a rule book and report every problem at once, with file and line.

    Example: advise rules check rules/
    """
    from advisor import report, rulebook
    from advisor.evaluate import keyword_problems, misrouted

    book, found = rulebook.check(folder)
    if book is not None and not any(not p.warning for p in found):
        found = found + keyword_problems(book) + misrouted(book)
    if found:
        typer.echo(report.problems(found))
    if book is None or any(not p.warning for p in found):
        errors = sum(not p.warning for p in found)
        typer.echo(f"{folder or 'rules'}: {errors} error(s); the rule book does not load", err=True)
        raise typer.Exit(ExitStatus.RULES)
    typer.echo(report.summary(book, found))
    if strict and found:
        raise typer.Exit(ExitStatus.FAILED)


@rules_app.command("test", short_help="Test a rule book and measure its matching.")
def rules_test(
    folder: FolderArgument = None,
    *,
    eval_file: Annotated[
        Path | None,
        typer.Option(
            "--eval", help="An evaluation file of messages and the intents they should reach."
        ),
    ] = None,
    sweep: Annotated[
        bool, typer.Option("--sweep", help="Show accuracy and fallback over threshold and margin.")
    ] = False,
    show_mistakes: Annotated[
        bool, typer.Option("--mistakes", help="List every message the matcher got wrong.")
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Run the rule book's own tests, cross-validate its examples, and score an evaluation file.

    Example: advise rules test --eval tests/eval.yaml --sweep
    """
    from advisor import evaluate, report

    advisor = _load(folder, debug)
    cases: list[evaluate.Case] = []
    if eval_file is not None:
        try:
            cases = evaluate.load_cases(eval_file)
            unknown = evaluate.unknown_intents(cases, advisor.book)
            if unknown:
                raise RuleError(unknown)
        except AdvisorError as err:
            _fail(err, debug)
    text, failed = report.rule_test(
        advisor, cases, str(eval_file), with_sweep=sweep, with_mistakes=show_mistakes
    )
    typer.echo(text)
    if failed:
        raise typer.Exit(ExitStatus.FAILED)


@rules_app.command("coverage", short_help="Which principles each situation gives.")
def rules_coverage(
    folder: FolderArgument = None,
    *,
    debug: DebugOption = False,
) -> None:
    """Show which principles each situation uses, and which principles nothing reaches.

    Example: advise rules coverage
    """
    from advisor import evaluate, report

    advisor = _load(folder, debug)
    typer.echo(report.coverage(*evaluate.coverage(advisor.book)))


def main() -> None:
    """Entry point: run the app, turning Ctrl-C and a closed pipe into quiet exits."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        sys.exit(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        # Someone closed the pipe (advise ... | head): leave quietly, without a second error.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(ExitStatus.OK)
