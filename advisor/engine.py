"""The `Advisor` facade: load a rule book once, then answer messages."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from advisor import cache, storage
from advisor.errors import Problem
from advisor.matcher import Match, Matcher
from advisor.models import Principle, RuleBook
from advisor.normalise import clean, pronoun
from advisor.render import Choose, Renderer, first
from advisor.safety import SafetyHit, Screen

PRINCIPLES_PER_REPLY = 2


@dataclass(frozen=True)
class Advice:
    """advisor's answer to one message."""

    question: str
    intent: str | None
    """The intent id (a situation, small talk, or `safety`), or None when nothing fits."""
    confidence: float
    reply: str
    """The text shown to a person."""
    alternatives: tuple[tuple[str, float], ...] = ()
    situations: tuple[str, ...] = ()
    safety: bool = False
    """True when the reply is about safety, not dating: the message raised an alarm, or a
    conversation is still in safety mode."""
    rules: tuple[Principle, ...] = ()
    """The principles given, their advice in the user's pronoun."""
    follow_up: str | None = None
    pronoun: str | None = None
    match: Match | None = field(default=None, compare=False)
    safety_hit: SafetyHit | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The `--json` object."""
        return {
            "question": self.question,
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "alternatives": [
                {"intent": i, "confidence": round(c, 3)} for i, c in self.alternatives
            ],
            "situations": list(self.situations),
            "safety": self.safety,
            "safety_category": self.safety_hit.category.id if self.safety_hit else None,
            "rules": [
                {
                    "id": p.id,
                    "title": p.title,
                    "advice": p.advice,
                    "quote": p.quote,
                    "source": p.source,
                }
                for p in self.rules
            ],
            "reply": self.reply,
            "follow_up": self.follow_up,
        }


Compiled = tuple[RuleBook, list[Problem], Matcher, Screen]


def compile_rules(rules_dir: str | Path | None) -> Compiled:
    """A loaded rule book, its matcher and its safety screen, from the cache when the rule
    files are unchanged."""
    root = storage.bundled_rules() if rules_dir is None else Path(rules_dir)
    digest = None
    if cache.enabled():
        try:
            digest = cache.key(root, None if rules_dir is None else storage.bundled_rules())
        except (OSError, RecursionError):
            digest = None  # unreadable: the loader below reports exactly what is wrong
        found = cache.load(digest) if digest else None
        if isinstance(found, tuple) and len(found) == 4 and isinstance(found[3], Screen):
            return found
    from advisor import rulebook  # only when the cache cannot help: it brings the validator

    book, warnings = rulebook.load(rules_dir)
    # The screen learns ordinary talk from the bundled situations, whatever book is in use,
    # so that a custom book can never make it less watchful.
    bundled = book if rules_dir is None else rulebook.load(None)[0]
    ordinary = [e for intent in bundled.intents.values() for e in intent.examples]
    screen = Screen(book.safety, ordinary)
    # What the screen compiled need not be stored twice: the book keeps what replies need.
    book = book._replace(safety=screen.safety)
    compiled = (book, warnings, Matcher(book), screen)
    if digest:
        cache.save(digest, compiled)
    return compiled


class Advisor:
    """Answers dating questions from a rule book.

    >>> Advisor().advise("he never called").intent
    'went-silent'
    """

    def __init__(
        self,
        rules_dir: str | Path | None = None,
        *,
        threshold: float | None = None,
        margin: float | None = None,
    ) -> None:
        self.book, self.warnings, self.matcher, self.screen = compile_rules(rules_dir)
        if threshold is not None:
            self.matcher.threshold = threshold
        if margin is not None:
            self.matcher.margin = margin
        self.renderer = Renderer(self.book)

    def advise(self, text: str, *, choose: Choose = first) -> Advice:
        """Answer one message on its own."""
        text = clean(text)  # no terminal escapes or invisible characters go any further
        hit = self.danger(text)
        if hit is not None:
            return self.safe(text, hit)
        who = pronoun(text, self.book.lexicon)
        match = self.matcher.match(text)
        if match.intent is None and self.matcher.foreign(text):
            return Advice(text, None, match.confidence, choose(self.book.replies.foreign))
        return self.compose(text, match, who, choose=choose)

    def danger(self, text: str) -> SafetyHit | None:
        """The safety category a message falls under, if any; checked before anything else."""
        return self.screen.check(text)

    def safe(self, text: str, hit: SafetyHit) -> Advice:
        """The help reply for a message about danger: no dating advice."""
        reply = self.renderer.safety(hit)
        return Advice(text, "safety", 1.0, reply, safety=True, safety_hit=hit)

    def compose(
        self,
        text: str,
        match: Match,
        who: str | None,
        *,
        given: frozenset[str] = frozenset(),
        choose: Choose = first,
    ) -> Advice:
        """Turn a match into advice, skipping principles already `given` in a conversation."""
        alternatives = tuple((c.intent, c.score) for c in match.alternatives)
        context = Advice(text, None, match.confidence, "", alternatives, pronoun=who, match=match)
        if match.intent is None:
            return replace(context, reply=self.renderer.fallback(choose))
        intent = self.book.intents[match.intent]
        if intent.kind != "situation":
            return replace(context, intent=intent.id, reply=self.renderer.smalltalk(intent, choose))
        chosen, left_out = self.principles_for(match, given)
        if match.ambiguous and match.alternatives:
            second = self.book.intents[match.alternatives[0].intent]
            follow_up: str | None = self.renderer.ambiguous(intent, second, who)
            chosen = chosen[:1]
        else:
            question = intent.follow_up.question if intent.follow_up else None
            follow_up = self.renderer.mirror(question, who) if question else None
        reply = self.renderer.situation_reply(match, chosen, who, follow_up, choose, left_out)
        return replace(
            context,
            intent=intent.id,
            reply=reply,
            situations=match.situations,
            rules=tuple(self.mirrored(p, who) for p in chosen),
            follow_up=follow_up,
        )

    def principles_for(
        self, match: Match, given: frozenset[str] = frozenset()
    ) -> tuple[list[Principle], int]:
        """The principles to give, in the order the message raised its situations.

        A single situation gets its first two principles; a letter gets the first new
        principle of each situation it raises, up to `max_situations`. Returns them and
        how many situations were left out.
        """
        limit = self.book.settings.max_situations
        situations = list(match.situations)
        per = PRINCIPLES_PER_REPLY if len(situations) == 1 else 1
        chosen: list[Principle] = []
        for situation in situations[:limit]:
            fresh = [
                p
                for p in self.book.intents[situation].principles
                if p not in given and all(p != c.id for c in chosen)
            ]
            chosen += [self.book.principles[p] for p in fresh[:per]]
        return chosen, max(len(situations) - limit, 0)

    def mirrored(self, principle: Principle, who: str | None) -> Principle:
        """A principle with its title and advice in the user's pronoun; the quote untouched."""
        return Principle(
            principle.id,
            self.renderer.mirror(principle.title, who),
            self.renderer.advice(principle, who),
            principle.quote,
            principle.source,
            principle.where,
        )
