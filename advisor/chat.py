"""The console chat: a prompt_toolkit session, or one message per line from a pipe."""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from advisor import storage
from advisor.dialogue import Conversation, Turn
from advisor.normalise import clean

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

COMMANDS = {
    "/help": "what advisor can do, and these commands",
    "/topics": "the situations advisor knows about",
    "/why": "where the last advice came from",
    "/more": "more advice on the same situation",
    "/reset": "forget this conversation and start again",
    "/save": "/save [FILE]: keep this conversation as a Markdown file",
    "/quit": "end the chat",
}
STYLE = {
    "title": "bold",
    "quote": "italic #888888",
    "question": "#5f87af",
    "notice": "#888888",
    "you": "bold",
}


@dataclass
class Chat:
    """What a chat does with each line, whatever the terminal: commands, turns, a transcript."""

    conversation: Conversation
    say: Callable[[list[tuple[str, str]]], None]
    """Shows styled lines: (style name, text) pairs."""
    as_json: bool = False
    width: int = 80
    transcript: list[tuple[str, str]] = field(default_factory=list)
    done: bool = False

    def handle(self, line: str) -> None:
        """One line from the user: a slash command or a message."""
        text = line.strip()
        if not text:
            return
        name, _, argument = text.partition(" ")
        if name in COMMANDS and (not argument or name == "/save"):
            # Only a known command, exactly, is a command: "/r/relationships says my bf hits
            # me" is a message, and goes through the safety screen like any other.
            self.command(text)
            return
        if name.startswith("/") and not argument and self.conversation.advisor.danger(text) is None:
            # A mistyped command ("/hlep"), and nothing else: say so rather than advise on it.
            self.notice(f"There is no command {name}; /help lists them.")
            return
        turn = self.conversation.send(line)
        self.transcript += [("You", turn.advice.question.strip()), ("advisor", turn.advice.reply)]
        self.show(turn)
        intent = self.conversation.book.intents.get(turn.advice.intent or "")
        if intent is not None and intent.action == "end":
            self.done = True

    def show(self, turn: Turn) -> None:
        """A turn as styled paragraphs, or one JSON line."""
        if self.as_json:
            self.say([("", json.dumps(turn.to_dict(), ensure_ascii=False))])
            return
        advice = turn.advice
        renderer = self.conversation.advisor.renderer
        titles = {p.advice: p.title for p in advice.rules}
        quotes = {renderer.quote(p) for p in advice.rules}
        lines: list[tuple[str, str]] = []
        for paragraph in advice.reply.split("\n\n"):
            if paragraph in titles:
                lines.append(("title", titles[paragraph]))
            style = "quote" if paragraph in quotes else ""
            style = "question" if paragraph in (turn.awaiting, advice.follow_up) else style
            lines += [(style, row) for row in self.wrap(paragraph)]
            lines.append(("", ""))
        self.say(lines)

    def wrap(self, paragraph: str) -> list[str]:
        """Wrap a paragraph to the terminal, keeping list lines as they are."""
        rows: list[str] = []
        for line in paragraph.split("\n"):
            indent = "  " if line.startswith("- ") else ""
            rows += textwrap.wrap(line, self.width, subsequent_indent=indent) or [""]
        return rows

    def notice(self, text: str) -> None:
        """A line about the chat itself, never carrying control characters a user typed."""
        self.say([("notice", row) for row in self.wrap(clean(text))] + [("", "")])

    def command(self, text: str) -> None:
        name, _, argument = text.partition(" ")
        book = self.conversation.book
        if name == "/quit":
            self.done = True
        elif name == "/help":
            rows = [f"{c:8} {d}" for c, d in COMMANDS.items()]
            self.say(
                [("", "Tell me what happened, in your own words. Commands:")]
                + [("notice", r) for r in rows]
                + [("", "")]
            )
        elif name == "/topics":
            self.say([("", f"- {s.title}") for s in book.situations] + [("", "")])
        elif name in ("/why", "/more"):
            asked = next((i for i in book.intents.values() if i.action == name[1:]), None)
            if asked is None:
                self.notice(f"This rule book has no small talk with 'action: {name[1:]}'.")
            else:
                self.handle(asked.examples[0].text)
        elif name == "/reset":
            self.conversation.reset()
            self.transcript.clear()
            self.notice("Starting afresh: this conversation has been forgotten.")
        elif name == "/save":
            self.save(argument.strip())

    def save(self, argument: str) -> None:
        """Write the transcript as Markdown, atomically and owner-only."""
        if argument:
            path = Path(argument).expanduser()
        else:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            path = storage.private_dir(storage.transcripts_dir()) / f"advisor-{stamp}.md"
        lines = ["# A conversation with advisor", ""]
        for speaker, text in self.transcript:
            lines += [f"**{speaker}:**", "", text, ""]
        try:
            storage.write_atomically(path, "\n".join(lines))
        except (OSError, ValueError) as err:
            reason = getattr(err, "strerror", None) or str(err)
            self.notice(f"Could not save to {path}: {reason}. Nothing was written.")
            return
        self.notice(
            f"Saved to {path} (readable by you only). Delete it when you no longer need it."
        )


def plain_output() -> bool:
    """True when colour should be left out (NO_COLOR is set, or the terminal is dumb)."""
    return "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb"


def run_lines(chat: Chat, lines: Iterable[str]) -> None:
    """Scripted use: one message per line, until the lines run out or the chat ends."""
    for line in lines:
        chat.handle(line.rstrip("\r\n"))
        if chat.done:
            break


def printer(stream: TextIO) -> Callable[[list[tuple[str, str]]], None]:
    """Plain lines to a stream."""

    def say(lines: list[tuple[str, str]]) -> None:
        for _, text in lines:
            stream.write(text + "\n")
        stream.flush()

    return say


def run_terminal(
    conversation: Conversation,
    *,
    plain: bool = False,
    keep_history: bool = False,
    input: Input | None = None,
    output: Output | None = None,
) -> Chat:
    """The interactive chat: history, suggestions, completion, colour, Ctrl-C and Ctrl-D."""
    from prompt_toolkit import PromptSession, print_formatted_text
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.completion import ConditionalCompleter, WordCompleter
    from prompt_toolkit.filters import Condition
    from prompt_toolkit.formatted_text import FormattedText
    from prompt_toolkit.history import FileHistory, History, InMemoryHistory
    from prompt_toolkit.styles import Style

    history: History = InMemoryHistory()
    if keep_history:
        history = FileHistory(str(storage.private_file(storage.history_file())))
    session: PromptSession[str] = PromptSession(
        history=history,
        auto_suggest=AutoSuggestFromHistory(),
        # Offer commands only once a line starts with "/", so Up still walks the history.
        completer=ConditionalCompleter(
            WordCompleter(list(COMMANDS), sentence=True),
            Condition(lambda: session.default_buffer.text.startswith("/")),
        ),
        complete_while_typing=True,
        enable_history_search=False,
        input=input,
        output=output,
    )
    style = Style.from_dict({} if plain else STYLE)

    def say(lines: list[tuple[str, str]]) -> None:
        for name, text in lines:
            fragments = [("" if plain or not name else f"class:{name}", text)]
            print_formatted_text(FormattedText(fragments), style=style, output=output)

    width = min(shutil.get_terminal_size((80, 24)).columns - 2, 100)
    if output is not None:
        width = min(output.get_size().columns - 2, 100)
    chat = Chat(conversation, say, width=max(width, 30))
    chat.notice(
        "advisor: dating advice drawn from an advice column. Nothing you type leaves this "
        "machine or is kept after you close the chat"
        + (" (except your typed history, as you asked)." if keep_history else ".")
        + " /help lists commands; Ctrl-D ends."
    )
    prompt = FormattedText([("" if plain else "class:you", "you> ")])
    while not chat.done:
        try:
            line = session.prompt(prompt, style=style)
        except KeyboardInterrupt:
            continue
        except EOFError:
            farewell = next(
                (i for i in conversation.book.intents.values() if i.action == "end"), None
            )
            if farewell is not None:
                chat.handle(farewell.examples[0].text)
            break
        chat.handle(line)
    return chat
