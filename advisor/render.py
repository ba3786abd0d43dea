"""Turn a match into words: replies, pronoun mirroring, safety replies and explanations."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from advisor.matcher import Match
from advisor.models import Intent, Principle, RuleBook
from advisor.safety import SafetyHit

if TYPE_CHECKING:
    from advisor.engine import Advice

Choose = Callable[[Sequence[str]], str]
"""Picks one of several phrasings; the one-shot path always takes the first."""

_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
_THEY_VERBS = {
    "is": "are",
    "was": "were",
    "has": "have",
    "does": "do",
    "doesn't": "don't",
    "isn't": "aren't",
    "wasn't": "weren't",
    "hasn't": "haven't",
    "says": "say",
    "goes": "go",
}
_ADVERBS = {"always", "never", "only", "still", "just", "also", "really", "even", "truly"}


def first(options: Sequence[str]) -> str:
    """The first of several phrasings."""
    return options[0]


class Renderer:
    """Writes every reply from the rule book's own sentences."""

    def __init__(self, book: RuleBook) -> None:
        self.book = book

    def mirror(self, text: str, pronoun: str | None) -> str:
        """Rewrite advice written about "he" for the pronoun the user uses."""
        table = self.book.lexicon.pronouns.get(pronoun or "he")
        if not table:
            return text
        gaps = _WORD.split(text)
        out: list[str] = [gaps[0]]
        subject = False
        for word, gap in zip(_WORD.findall(text), gaps[1:], strict=True):
            lower = word.lower()
            # "take his?" stands alone: "take hers?", not "take her?"
            alone = gap[:1] in ("", ".", ",", ";", ":", "!", "?")
            new = (table.get(f"{lower}$") if alone else None) or table.get(lower)
            if new is None and subject and lower not in _ADVERBS:
                agreed = _agree(lower)
                new = agreed if agreed != lower else None
            subject = pronoun == "they" and (
                table.get(lower) == "they" or (subject and lower in _ADVERBS)
            )
            if new is not None:
                word = new[0].upper() + new[1:] if word[0].isupper() else new
            out += [word, gap]
        return "".join(out)

    def quote(self, principle: Principle) -> str:
        """A principle's quote with its source, word for word."""
        return self.book.replies.quote.format(quote=principle.quote, source=principle.source)

    def advice(self, principle: Principle, pronoun: str | None) -> str:
        """A principle's advice in the user's pronoun."""
        return self.mirror(principle.advice, pronoun)

    def situation_reply(
        self,
        match: Match,
        chosen: Sequence[Principle],
        pronoun: str | None,
        follow_up: str | None,
        choose: Choose = first,
        left_out: int = 0,
    ) -> str:
        """Acknowledge, give each chosen principle, quote the first, and ask what comes next."""
        assert match.intent is not None
        intent = self.book.intents[match.intent]
        lead = self.book.intents[match.situations[0]] if match.situations else intent
        parts = [self.mirror(choose(lead.acknowledge), pronoun)]
        parts += [self.advice(p, pronoun) for p in chosen]
        if chosen:
            parts.append(self.quote(chosen[0]))
        if left_out:
            parts.append(self.book.replies.letter_more.format(count=left_out))
        if follow_up:
            parts.append(follow_up)
        return "\n\n".join(parts)

    def ambiguous(self, first_intent: Intent, second: Intent, pronoun: str | None) -> str:
        """The question that asks which of two situations the user means."""
        text = self.book.replies.ambiguous.format(first=first_intent.title, second=second.title)
        return self.mirror(text, pronoun)

    def smalltalk(self, intent: Intent, choose: Choose = first) -> str:
        """A small-talk reply; `{topics}` lists what advisor can help with."""
        return choose(intent.acknowledge).format(topics=self.topics())

    def topics(self) -> str:
        """The situations advisor knows, one per line."""
        return "\n".join(f"- {s.title}" for s in self.book.situations)

    def fallback(self, choose: Choose = first) -> str:
        """What advisor says when nothing fits."""
        return choose(self.book.replies.fallback)

    def safety(self, hit: SafetyHit) -> str:
        """A calm reply that points to help and gives no dating advice.

        A check-in asks its question and gives the crisis lines; an alarm adds the
        emergency numbers and a few steps for right now.
        """
        safety = self.book.safety
        category = hit.category
        kinds = list(category.resources)
        kinds += [k for other in hit.others for k in other.resources if k not in kinds]
        parts = [category.message]
        if "emergency" in kinds and safety.emergency:
            parts.append(safety.emergency)
        if category.plan:
            parts.append("\n".join([safety.plan_heading, *(f"- {p}" for p in category.plan)]))
        lines = [
            f"- {r.country}: {r.name}, {r.contact}"
            for kind in kinds
            for r in safety.resources
            if r.kind == kind
        ]
        if lines:
            parts.append("\n".join([safety.program, *lines]))
        if not category.plan and not hit.check_in and safety.trusted_person:
            parts.append(safety.trusted_person)
        return "\n\n".join(p for p in parts if p)


def _agree(verb: str) -> str:
    """The plural form of a present-tense verb that followed "he"."""
    if verb in _THEY_VERBS:
        return _THEY_VERBS[verb]
    if len(verb) > 3 and verb.endswith("ies"):
        return verb[:-3] + "y"
    if verb.endswith(("sses", "shes", "ches", "xes")):
        return verb[:-2]
    if len(verb) > 2 and verb.endswith("s") and not verb.endswith(("ss", "us", "is")):
        return verb[:-1]
    return verb


def explain(advice: Advice) -> str:
    """Why advisor answered as it did: the match, its evidence and the runners-up."""
    lines: list[str] = []
    if advice.safety_hit is not None:
        hit = advice.safety_hit
        lines.append(f"safety: the words '{hit.matched}' match the '{hit.category.id}' rules")
        if hit.rule:
            lines.append(f"  rule: {hit.rule!r} ({hit.where})")
        if hit.check_in:
            lines.append(
                "so advisor asks whether the writer is safe instead of giving dating advice."
            )
        else:
            lines.append("so advisor gives help instead of dating advice.")
        return "\n".join(lines)
    lines.append(
        f"intent: {advice.intent or 'none (fallback)'}  confidence {advice.confidence:.2f}"
    )
    match = advice.match
    if match is None:
        return "\n".join(lines)
    if match.ambiguous:
        lines.append("ambiguous: the top two situations scored too close to call")
    for number, segment in enumerate(match.segments, start=1):
        top = segment.top
        label = f"sentence {number}" if len(match.segments) > 1 else "message"
        if top is None:
            lines.append(f"{label}: no words in common with any rule")
            continue
        lines.append(f"{label}: {_clip(segment.text)!r} -> {top.intent} {top.score:.2f}")
        if top.example is not None:
            lines.append(f"  closest example: {top.example.text!r} ({top.example.where})")
        if top.shared:
            lines.append(f"  shared words: {', '.join(top.shared)}")
        runners = ", ".join(f"{c.intent} {c.score:.2f}" for c in segment.ranked[1:4])
        if runners:
            lines.append(f"  runners-up: {runners}")
    if advice.situations:
        lines.append(f"situations, in order: {', '.join(advice.situations)}")
    if advice.rules:
        lines.append(f"principles given: {', '.join(p.id for p in advice.rules)}")
    if advice.pronoun:
        lines.append(f"pronoun: {advice.pronoun}")
    return "\n".join(lines)


def _clip(text: str, size: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 3] + "..."
