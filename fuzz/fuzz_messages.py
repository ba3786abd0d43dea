"""Hypothesis at length: throw generated messages at advisor for a fixed time.

    python fuzz/fuzz_messages.py --seconds 60

Messages mix words from the rule book, slang, punctuation, control and escape codes,
other scripts and emoji, from empty to a few thousand characters; each goes through the
one-shot API and a running conversation. A finding is any exception, an empty reply, a
confidence outside 0..1, a terminal escape or NUL in what would be shown, or dating advice
in a safety reply. Hypothesis shrinks each finding to a small message before printing it.
Runs outside CI: the tests hold the same properties for a few hundred messages.
"""

from __future__ import annotations

import argparse
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import Advisor
from advisor.dialogue import Conversation

ODDITIES = [
    "\x00",
    "\x1b[31m",
    "\x1b]0;x\x07",
    "\u202e",
    "\u200b",
    "\r\n",
    "\t",
    "😭",
    "💔",
    "彼",
    "ñ",
    "ß",
    "\ud800",
    "<script>",
    "{quote}",
    "{0}",
    "%s",
    "\\",
    "'",
    '"',
    "?",
    "!",
    "...",
    "--",
    "/why",
    "/save",
    "I",
    "he",
    "she",
    "they",
    "never",
    "not",
]


def messages(vocabulary: list[str]) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(vocabulary), st.sampled_from(ODDITIES), st.text(max_size=3))
    joiner = st.sampled_from([" ", "", ". ", "\n", "? "])
    return st.tuples(joiner, st.lists(piece, max_size=400)).map(lambda t: t[0].join(t[1]))


def problems(advisor: Advisor, conversation: Conversation, text: str) -> list[str]:
    found = []
    for name, advice in (
        ("advise", advisor.advise(text)),
        ("send", conversation.send(text).advice),
    ):
        if not advice.reply.strip():
            found.append(f"{name}: empty reply")
        if not 0.0 <= advice.confidence <= 1.0:
            found.append(f"{name}: confidence {advice.confidence}")
        if any(c in advice.reply + advice.question for c in ("\x1b", "\x00", "\u202e")):
            found.append(f"{name}: an escape or control code would be shown")
        if advice.safety and advice.rules:
            found.append(f"{name}: dating advice in a safety reply")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    advisor = Advisor()
    vocabulary = sorted(
        {w for i in advisor.book.intents.values() for e in i.examples for w in e.text.split()}
    )
    conversation = Conversation(advisor, seed=0)
    runs = 0

    @settings(
        max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(messages(vocabulary))
    def holds(text: str) -> None:
        nonlocal runs
        runs += 1
        if runs % 500 == 0:
            conversation.reset()
        found = problems(advisor, conversation, text)
        assert not found, found

    findings = 0
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        try:
            holds()
        except Exception as err:  # a finding: hypothesis has shrunk it already
            findings += 1
            print(f"finding: {err!r}"[:2000])
    print(f"{runs} messages in {args.seconds:.0f} s, {findings} finding(s)")


if __name__ == "__main__":
    main()
