"""The console chat, driven through prompt_toolkit's pipe input, and its scripted mode."""

from __future__ import annotations

import io
import json
import os
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Cli
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput

from advisor import Advisor
from advisor.chat import Chat, run_terminal
from advisor.dialogue import Conversation

ENTER = "\r"
UP = "\x1b[A"
CTRL_C = "\x03"
CTRL_D = "\x04"


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Keep anything the chat might store inside the test's own folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    yield tmp_path / "data"


def chat_in_terminal(advisor: Advisor, keys: str | list[str], **options: bool) -> tuple[str, Chat]:
    """Run the real chat on a pipe; a list of key strings is typed one line at a time."""
    with create_pipe_input() as pipe:
        if isinstance(keys, str):
            pipe.send_text(keys)
        else:
            # Typed a line at a time, as a person would: each prompt reads its own keys.
            def typist() -> None:
                for chunk in keys:
                    time.sleep(0.3)
                    pipe.send_text(chunk)

            threading.Thread(target=typist, daemon=True).start()
        screen = io.StringIO()
        chat = run_terminal(
            Conversation(advisor, seed=1),
            plain=True,
            input=pipe,
            output=PlainTextOutput(screen),
            **options,
        )
    return screen.getvalue(), chat


def test_a_conversation_in_the_terminal(advisor: Advisor) -> None:
    keys = "hi" + ENTER + "he never called after our date" + ENTER + "mine" + ENTER + CTRL_D
    screen, chat = chat_in_terminal(advisor, keys)
    assert "Did you give him your number, or did you take his?" in screen
    assert "Then the next move was always his to make." in screen
    assert [speaker for speaker, _ in chat.transcript].count("You") == 4  # Ctrl-D says goodbye
    assert chat.transcript[-1][0] == "advisor"


def test_up_arrow_recalls_history(advisor: Advisor) -> None:
    keys = ["he never called after our date" + ENTER, UP + ENTER, CTRL_D]
    _, chat = chat_in_terminal(advisor, keys)
    said = [text for speaker, text in chat.transcript if speaker == "You"]
    assert said[:2] == ["he never called after our date"] * 2


def test_ctrl_c_cancels_only_the_line(advisor: Advisor) -> None:
    keys = "half a thought" + CTRL_C + "hi" + ENTER + CTRL_D
    _, chat = chat_in_terminal(advisor, keys)
    said = [text for speaker, text in chat.transcript if speaker == "You"]
    assert said[0] == "hi"
    assert "half a thought" not in said


def test_a_pasted_letter_arrives_as_one_message(advisor: Advisor) -> None:
    letter = (
        "I met a guy a few weeks ago.\nAfter that night I never heard from him.\nShould I text him?"
    )
    keys = "\x1b[200~" + letter + "\x1b[201~" + ENTER + CTRL_D
    _, chat = chat_in_terminal(advisor, keys)
    turn_text = chat.transcript[0][1]
    assert turn_text == letter
    assert chat.conversation.state.situations[:2] == ["went-silent", "should-i-reach-out"]


def test_slash_commands(advisor: Advisor, tmp_path: Path) -> None:
    saved = tmp_path / "talk.md"
    keys = (
        "/help"
        + ENTER
        + "/topics"
        + ENTER
        + "he ghosted me"
        + ENTER
        + "/why"
        + ENTER
        + f"/save {saved}"
        + ENTER
        + "/reset"
        + ENTER
        + "/quit"
        + ENTER
    )
    screen, chat = chat_in_terminal(advisor, keys)
    assert "/save" in screen and "- him going quiet after you met" in screen
    assert "That comes from Jane" in screen
    assert chat.transcript == []  # /reset forgot the conversation
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("# A conversation with advisor") and "**You:**" in text
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600


def test_bye_ends_the_chat(advisor: Advisor) -> None:
    _, chat = chat_in_terminal(advisor, "bye" + ENTER + "not read" + ENTER)
    assert chat.done
    assert [text for speaker, text in chat.transcript if speaker == "You"] == ["bye"]


def test_nothing_is_stored_unless_asked(advisor: Advisor, private_home: Path) -> None:
    chat_in_terminal(advisor, "he never called" + ENTER + CTRL_D)
    assert not private_home.exists()


def test_keep_history_stores_owner_only(advisor: Advisor, private_home: Path) -> None:
    chat_in_terminal(advisor, "he never called" + ENTER + CTRL_D, keep_history=True)
    history = private_home / "advisor" / "history"
    assert "he never called" in history.read_text(encoding="utf-8")
    assert stat.S_IMODE(history.stat().st_mode) == 0o600
    assert stat.S_IMODE(history.parent.stat().st_mode) == 0o700


def test_scripted_chat_reads_one_message_per_line(cli: Cli) -> None:
    out = cli("chat", "--seed", "2", stdin="hi\nhe never called\nI took his\nwhy?\nbye\n")
    assert "Did you give him your number, or did you take his?" in out
    assert "Give him yours." in out
    assert "That comes from Jane" in out


def test_scripted_chat_as_json_lines(cli: Cli) -> None:
    out = cli("chat", "--json", "--seed", "2", stdin="he never called\nI took his\nbye\n")
    turns = [json.loads(line) for line in out.splitlines()]
    assert [t["turn"] for t in turns] == [1, 2, 3]
    assert turns[0]["awaiting"] == "Did you give him your number, or did you take his?"
    assert turns[1]["answered"] == "took-his" and turns[1]["awaiting"] is None
    assert set(turns[0]) >= {"question", "intent", "rules", "reply", "follow_up"}


def test_the_same_seed_gives_the_same_transcript(cli: Cli) -> None:
    script = "hi\nhe never called\nmine\ntell me more\nthanks\n"
    assert cli("chat", "--seed", "5", stdin=script) == cli("chat", "--seed", "5", stdin=script)


def test_save_never_leaves_half_a_file(advisor: Advisor, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "old.md"
    target.write_text("older transcript", encoding="utf-8")
    chat = Chat(Conversation(advisor), lambda lines: None)
    chat.handle("he never called")

    def crash(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", crash)
    chat.handle(f"/save {target}")
    assert target.read_text(encoding="utf-8") == "older transcript"
    assert [p.name for p in tmp_path.iterdir()] == ["old.md"]


def test_forget_removes_everything_kept(advisor: Advisor, cli: Cli, private_home: Path) -> None:
    chat_in_terminal(advisor, "he never called" + ENTER + CTRL_D, keep_history=True)
    out = cli("forget")
    assert "removed" in out and "history" in out
    assert not private_home.joinpath("advisor").exists()
    assert "Nothing to forget" in cli("forget")


@pytest.mark.parametrize("target", ["/tmp/a\x00b.md", "/proc/nowhere/x.md", "/"])
def test_a_save_that_cannot_happen_is_explained(advisor: Advisor, target: str) -> None:
    lines: list[str] = []
    chat = Chat(Conversation(advisor), lambda rows: lines.extend(t for _, t in rows))
    chat.handle("he never called")
    chat.handle(f"/save {target}")
    shown = " ".join(lines)
    assert "Nothing was written" in shown
    assert "\x00" not in shown
