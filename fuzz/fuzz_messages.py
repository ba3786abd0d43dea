"""Throw random messages at advisor for a fixed time and report anything that breaks.

    python fuzz/fuzz_messages.py --seconds 60

Messages mix words from the rule book, slang, punctuation, control and escape codes,
other scripts and emoji, at lengths up to a few thousand characters; each goes through
the one-shot API and a running conversation. A finding is any exception, an empty reply,
a confidence outside 0..1, a terminal escape or NUL in what would be shown, or dating
advice in a safety reply. Findings are printed with the seed that reproduces them.
"""

from __future__ import annotations

import argparse
import random
import time
import traceback

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


def message(rng: random.Random, vocabulary: list[str]) -> str:
    size = rng.choice([0, 1, 2, 5, 10, 40, 200, 1000])
    parts = []
    for _ in range(size):
        roll = rng.random()
        if roll < 0.7:
            parts.append(rng.choice(vocabulary))
        elif roll < 0.9:
            parts.append(rng.choice(ODDITIES))
        else:
            parts.append(chr(rng.randrange(0x20, 0x2FFF)))
    return rng.choice([" ", "", ". ", "\n"]).join(parts)


def problems(advisor: Advisor, text: str, conversation: Conversation) -> list[str]:
    found = []
    for name, advice in (
        ("advise", advisor.advise(text)),
        ("send", conversation.send(text).advice),
    ):
        if not advice.reply.strip():
            found.append(f"{name}: empty reply")
        if not 0.0 <= advice.confidence <= 1.0:
            found.append(f"{name}: confidence {advice.confidence}")
        shown = advice.reply + advice.question
        if any(c in shown for c in ("\x1b", "\x00", "\u202e")):
            found.append(f"{name}: an escape or control code would be shown")
        if advice.safety and advice.rules:
            found.append(f"{name}: dating advice in a safety reply")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    advisor = Advisor()
    vocabulary = sorted(
        {w for i in advisor.book.intents.values() for e in i.examples for w in e.text.split()}
    )
    rng = random.Random(args.seed)
    conversation = Conversation(advisor, seed=args.seed)
    runs = findings = 0
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        case_seed = rng.randrange(2**32)
        text = message(random.Random(case_seed), vocabulary)
        runs += 1
        try:
            found = problems(advisor, text, conversation)
        except Exception:  # a crash is exactly what we are looking for
            found = ["exception:\n" + traceback.format_exc()]
        if runs % 500 == 0:
            conversation.reset()
        for finding in found:
            findings += 1
            print(f"seed {case_seed}: {finding}\n  message: {text[:200]!r}")
    print(f"{runs} messages in {args.seconds:.0f} s, {findings} finding(s)")


if __name__ == "__main__":
    main()
