"""A conversation: remembers what was said, asks follow-up questions, explains itself."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rapidfuzz import fuzz

from advisor.engine import Advice, Advisor
from advisor.matcher import Candidate, Match
from advisor.models import Answer, Intent, Principle
from advisor.normalise import clean, pronoun
from advisor.safety import SafetyHit

ANSWER_CUTOFF = 80
"""How closely (rapidfuzz, 0-100) a reply must fit an expected answer to count as one."""
ANSWER_MAX_WORDS = 8
"""Longer replies are read as new messages, not as answers."""
CONTEXT_SHARE = 0.5
"""A weak match to a situation already discussed is accepted at this share of the threshold."""


@dataclass(frozen=True)
class Pending:
    """A question advisor is waiting on: a follow-up, or a choice between two situations."""

    question: str
    situation: str
    answers: tuple[Answer, ...] = ()
    choices: tuple[str, ...] = ()
    """For a choice: the two situation ids, in the order they were offered."""


@dataclass(frozen=True)
class Turn:
    """One exchange: the advice plus what the conversation adds to it."""

    advice: Advice
    turn: int
    awaiting: str | None
    answered: str | None = None
    words: tuple[str, ...] = ()
    """The user's words that led to this turn's advice, for `why`."""
    safety_mode: bool = False
    """True when the turn was answered in safety mode: no dating advice."""

    def to_dict(self) -> dict[str, Any]:
        """The one-shot JSON object plus `turn`, `awaiting` and `answered`."""
        return {
            **self.advice.to_dict(),
            "turn": self.turn,
            "awaiting": self.awaiting,
            "answered": self.answered,
            "safety_mode": self.safety_mode,
        }


@dataclass
class State:
    """Everything a conversation remembers."""

    situations: list[str] = field(default_factory=list)
    """Situations discussed, in order."""
    given: set[str] = field(default_factory=set)
    """Principles already given."""
    pending: Pending | None = None
    pronoun: str | None = None
    last: Turn | None = None
    """The last turn that gave principles."""
    said: set[str] = field(default_factory=set)
    """Every reply so far, so none is repeated."""
    turn: int = 0
    safety: SafetyHit | None = None
    """The danger the writer told of: until they say they are safe, no dating advice."""
    safety_words: str = ""
    """What they wrote then, for `why`."""
    checking: SafetyHit | None = None
    """A check-in whose question waits for its answer."""


class Conversation:
    """A conversation with one person; `send` a message, get a `Turn` back."""

    def __init__(self, advisor: Advisor, *, seed: int | None = None) -> None:
        self.advisor = advisor
        self.book = advisor.book
        self.seed = seed
        self.random = random.Random(seed)
        self.state = State()
        self._answer_forms: dict[str, str] = {}

    def reset(self) -> None:
        """Forget everything and start again (the same seed gives the same conversation)."""
        self.random = random.Random(self.seed)
        self.state = State()

    def choose(self, options: Sequence[str]) -> str:
        """One of several phrasings, preferring those not said yet; reproducible with a seed."""
        fresh = [o for o in options if not any(o in said for said in self.state.said)]
        return self.random.choice(fresh or list(options))

    def _finish(
        self, advice: Advice, answered: str | None = None, words: Sequence[str] = ()
    ) -> Turn:
        state = self.state
        if advice.reply in state.said and not advice.safety:
            opener = self.choose(self.book.replies.dialogue.again)
            advice = replace(advice, reply=f"{opener} {advice.reply}")
        state.said.add(advice.reply)
        awaiting = state.pending.question if state.pending else None
        if state.checking is not None:
            awaiting = state.checking.category.message
        turn = Turn(advice, state.turn, awaiting, answered, tuple(words), state.safety is not None)
        if advice.rules:
            state.given.update(p.id for p in advice.rules)
            state.last = turn
        return turn

    def send(self, text: str) -> Turn:
        """Answer one message in the light of the conversation so far."""
        state = self.state
        state.turn += 1
        text = clean(text)  # no terminal escapes or invisible characters go any further
        hit = self.advisor.danger(text)
        if hit is not None:
            return self._danger(text, hit)
        if state.safety is not None:
            return self._in_safety(text)
        state.pronoun = pronoun(text, self.book.lexicon) or state.pronoun
        if state.pending is not None:
            turn = self._answer(text, state.pending)
            if turn is not None:
                return turn
        match = self._in_context(self.advisor.matcher.match(text))
        intent = self.book.intents[match.intent] if match.intent else None
        if intent is not None and intent.action in ("why", "more"):
            return self._why(text, intent) if intent.action == "why" else self._more(text, intent)
        if intent is None or intent.kind != "situation":
            if intent is None and state.pending is not None:
                again = self.choose(self.book.replies.dialogue.ask_again)
                advice = Advice(
                    text, None, match.confidence, again.format(question=state.pending.question)
                )
                return self._finish(advice)
            advice = self.advisor.compose(text, match, state.pronoun, choose=self.choose)
            return self._finish(advice)
        return self._situation(text, match, intent)

    def _danger(self, text: str, hit: SafetyHit) -> Turn:
        """A message about danger: help, and safety mode until the writer says they are safe."""
        state = self.state
        state.pending = None  # safety overrides any question about dating
        if state.safety is None or not hit.check_in or state.safety.check_in:
            state.safety = hit  # a check-in never downgrades an alarm already given
        state.safety_words = " ".join(text.split()[:30])
        state.checking = hit if hit.check_in else None
        return self._finish(self.advisor.safe(text, hit))

    def _in_safety(self, text: str) -> Turn:
        """Any message after a safety reply: no dating advice until the writer is safe."""
        state = self.state
        assert state.safety is not None
        mode = self.book.safety.mode
        short = len(text.split()) <= ANSWER_MAX_WORDS
        if short and state.checking and self._fits(text, mode.unsafe) >= ANSWER_CUTOFF:
            escalate = state.checking.category.escalate
            category = next(c for c in self.book.safety.categories if c.id == escalate)
            return self._danger(text, SafetyHit(category, text.strip()))
        noes = mode.no if state.checking else ()
        words = self._plain(text).split()
        # "no, I was being dramatic" answers a check-in as plainly as "no" does; but not
        # "no, I'm not ok", which is no answer to leave on
        plain_no = (
            bool(words)
            and words[0] in {n.lower() for n in noes if " " not in n}
            and not {"not", "never", "no", "nothing"} & set(words[1:])
        )
        if short and (plain_no or self._fits(text, [*mode.safe, *noes]) >= ANSWER_CUTOFF):
            hit = state.safety
            state.safety, state.checking = None, None
            return self._finish(self._safety_reply(text, mode.left, hit))
        match = self.advisor.matcher.match(text)
        intent = self.book.intents[match.intent] if match.intent else None
        if intent is not None and intent.action == "why":
            title = state.safety.category.title
            reply = mode.why.format(words=state.safety_words, title=title)
            return self._finish(self._safety_reply(text, reply, state.safety))
        if intent is not None and intent.kind == "smalltalk" and intent.action in ("", "end"):
            advice = self.advisor.compose(text, match, state.pronoun, choose=self.choose)
            return self._finish(replace(advice, safety=True, safety_hit=state.safety))
        return self._finish(self._safety_reply(text, self.choose(mode.still), state.safety))

    def _safety_reply(self, text: str, reply: str, hit: SafetyHit) -> Advice:
        return Advice(text, "safety", 1.0, reply, safety=True, safety_hit=hit)

    def _situation(self, text: str, match: Match, intent: Intent) -> Turn:
        state = self.state
        advice = self.advisor.compose(
            text, match, state.pronoun, given=frozenset(state.given), choose=self.choose
        )
        for situation in advice.situations:
            if situation not in state.situations:
                state.situations.append(situation)
        if not advice.rules:
            return self._nothing_left(text, intent)
        state.pending = None
        if match.ambiguous and match.alternatives and advice.follow_up:
            state.pending = Pending(
                advice.follow_up, intent.id, choices=(intent.id, match.alternatives[0].intent)
            )
        elif advice.follow_up and intent.follow_up:
            state.pending = Pending(advice.follow_up, intent.id, answers=intent.follow_up.answers)
        return self._finish(advice, words=self._words(text, match))

    def _in_context(self, match: Match) -> Match:
        """Read a weak or unclear message against the situations already discussed."""
        discussed = self.state.situations
        if not discussed or (match.intent is not None and not match.ambiguous):
            return match
        floor = self.advisor.matcher.threshold * CONTEXT_SHARE
        ranked: list[Candidate] = [*match.alternatives]
        if match.segments and match.segments[0].top is not None:
            ranked = [*match.segments[0].ranked, *ranked]
        for candidate in ranked:
            if candidate.intent in discussed and candidate.score >= floor:
                others = tuple(c for c in match.alternatives if c.intent != candidate.intent)
                return Match(
                    candidate.intent,
                    candidate.score,
                    others,
                    (candidate.intent,),
                    False,
                    match.segments,
                )
        return match

    def _plain(self, text: str) -> str:
        words = self.advisor.matcher.normaliser.words(text)
        return " ".join(w for w in words if w.isalnum())

    def _fits(self, text: str, phrasings: Sequence[str]) -> float:
        said = self._plain(text)
        best = 0.0
        for phrasing in phrasings:
            form = self._answer_forms.get(phrasing)
            if form is None:
                form = self._answer_forms.setdefault(phrasing, self._plain(phrasing))
            score = fuzz.ratio(said, form)
            if len(form.split()) > 1 and form in said:
                score = 100.0
            best = max(best, score)
        return best

    def _answer(self, text: str, pending: Pending) -> Turn | None:
        if len(text.split()) > ANSWER_MAX_WORDS:
            return None
        if pending.choices:
            return self._choice(text, pending)
        scored = sorted(
            ((self._fits(text, [p.text for p in a.phrasings]), a.id, a) for a in pending.answers),
            key=lambda t: (-t[0], t[1]),
        )
        if not scored or scored[0][0] < ANSWER_CUTOFF:
            return None
        if len(scored) > 1 and scored[1][0] == scored[0][0]:
            return None
        answer = scored[0][2]
        self.state.pending = None
        chosen = self._fresh(answer.principles) or [
            self.book.principles[p] for p in answer.principles
        ]
        chosen = chosen[:2]
        who = self.state.pronoun
        renderer = self.advisor.renderer
        parts = [renderer.mirror(answer.reply, who)] if answer.reply else []
        parts += [renderer.advice(p, who) for p in chosen]
        parts += [renderer.quote(chosen[0])] if chosen else []
        advice = Advice(
            text,
            pending.situation,
            1.0,
            "\n\n".join(parts),
            situations=(pending.situation,),
            rules=tuple(self.advisor.mirrored(p, who) for p in chosen),
            pronoun=who,
        )
        return self._finish(advice, answered=answer.id, words=(text.strip(),))

    def _choice(self, text: str, pending: Pending) -> Turn | None:
        dialogue = self.book.replies.dialogue
        options = [self.book.intents[i] for i in pending.choices]
        scores = [
            self._fits(text, [*ordinal, option.title, option.id.replace("-", " ")])
            for option, ordinal in zip(
                options, (dialogue.first_choice, dialogue.second_choice), strict=False
            )
        ]
        best = max(range(len(scores)), key=scores.__getitem__)
        if scores[best] < ANSWER_CUTOFF - 15 or scores.count(scores[best]) > 1:
            match = self.advisor.matcher.match(text)
            if match.intent not in pending.choices:
                return None
            best = pending.choices.index(match.intent)
        chosen = options[best]
        self.state.pending = None
        match = Match(chosen.id, 1.0, (), (chosen.id,), False, ())
        turn = self._situation(text, match, chosen)
        thanks = self.choose(dialogue.chosen)
        advice = replace(turn.advice, reply=f"{thanks}\n\n{turn.advice.reply}")
        self.state.said.add(advice.reply)
        return replace(turn, advice=advice, answered=chosen.id)

    def _why(self, text: str, asked: Intent) -> Turn:
        last = self.state.last
        dialogue = self.book.replies.dialogue
        if last is None or not last.advice.rules:
            reply = self.choose(asked.acknowledge)
            return self._finish(Advice(text, asked.id, 1.0, reply, pronoun=self.state.pronoun))
        principle = last.advice.rules[0]
        situation = last.advice.intent or ""
        title = self.book.intents[situation].title if situation in self.book.intents else ""
        words = ", ".join(last.words) or last.advice.question.strip()
        reply = dialogue.why.format(
            source=principle.source,
            quote=principle.quote,
            words=words,
            title=self.advisor.renderer.mirror(title, self.state.pronoun),
        )
        return self._finish(
            Advice(
                text,
                asked.id,
                1.0,
                reply,
                situations=last.advice.situations,
                pronoun=self.state.pronoun,
            )
        )

    def _more(self, text: str, asked: Intent) -> Turn:
        last = self.state.last
        if last is None or not last.advice.situations:
            reply = self.choose(asked.acknowledge)
            return self._finish(Advice(text, asked.id, 1.0, reply, pronoun=self.state.pronoun))
        situation = self.book.intents[last.advice.situations[-1]]
        fresh = self._fresh(situation.principles)[:1]
        if not fresh:
            return self._nothing_left(text, situation)
        who = self.state.pronoun
        renderer = self.advisor.renderer
        reply = "\n\n".join(
            [
                self.choose(self.book.replies.dialogue.more),
                renderer.advice(fresh[0], who),
                renderer.quote(fresh[0]),
            ]
        )
        advice = Advice(
            text,
            situation.id,
            1.0,
            reply,
            situations=(situation.id,),
            rules=(self.advisor.mirrored(fresh[0], who),),
            pronoun=who,
        )
        return self._finish(advice, words=last.words)

    def _nothing_left(self, text: str, situation: Intent) -> Turn:
        related = [
            s.title
            for s in self.book.situations
            if s.id != situation.id
            and s.id not in self.state.situations
            and set(s.principles) & set(situation.principles)
        ][:2]
        reply = self.book.replies.dialogue.more_none.format(
            title=self.advisor.renderer.mirror(situation.title, self.state.pronoun),
            related=self.advisor.renderer.mirror(" or ".join(related), self.state.pronoun),
        )
        return self._finish(
            Advice(
                text,
                situation.id,
                1.0,
                reply,
                situations=(situation.id,),
                pronoun=self.state.pronoun,
            )
        )

    def _fresh(self, ids: Sequence[str]) -> list[Principle]:
        return [self.book.principles[p] for p in ids if p not in self.state.given]

    def _words(self, text: str, match: Match) -> list[str]:
        """The user's own words behind a match: those sharing a stem with the closest example."""
        shared = {
            word.removeprefix("not_")
            for segment in match.segments
            if segment.top is not None and segment.top.intent in match.situations
            for word in segment.top.shared
        }
        normaliser = self.advisor.matcher.normaliser
        pronouns = {*self.book.lexicon.pronoun_cues, "i", "me", "my"}
        raw = re.findall(r"[A-Za-z']+", text)
        alone = [{t.removeprefix("not_") for t in normaliser.tokens(w)} for w in raw]
        used: set[int] = set()
        found: list[tuple[int, str]] = []
        # Single words first, then longer spans for phrases ("left me on read").
        for size in (1, 2, 3, 4):
            for start in range(len(raw) - size + 1):
                span = range(start, start + size)
                if used & set(span) or (size == 1 and raw[start].lower() in pronouns):
                    continue
                tokens = {
                    t.removeprefix("not_")
                    for t in normaliser.tokens(" ".join(raw[start : start + size]))
                }
                tokens -= set().union(*(alone[k] for k in span)) if size > 1 else set()
                if tokens & shared:
                    used.update(span)
                    found.append((start, " ".join(raw[start : start + size])))
        return [words for _, words in sorted(found)] or [" ".join(text.split()[:12])]
