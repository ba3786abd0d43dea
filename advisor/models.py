"""The typed rule book: immutable records that the loader fills from `rules/`.

They are NamedTuples rather than frozen dataclasses: just as immutable and typed, and
several times cheaper to define, which the one-shot command's start-up budget needs.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

from advisor.errors import Where


class Principle(NamedTuple):
    """One piece of the column's wisdom."""

    id: str
    """Stable name other rules refer to, such as `give-your-number`."""
    title: str
    """A short heading, a few words."""
    advice: str
    """Two to four sentences in our own words, written about "he" and mirrored for the user."""
    quote: str
    """A short verbatim line from the column, never changed."""
    source: str
    """Who said the quote: Jane, or the reader who wrote it."""
    where: Where


class Example(NamedTuple):
    """A phrasing a user might write, and where it was written."""

    text: str
    where: Where


class Answer(NamedTuple):
    """One expected answer to a follow-up question."""

    id: str
    """Name of the answer, reported in `answered`."""
    phrasings: tuple[Example, ...]
    """Ways a user might give this answer ("I took his", "his", "yes")."""
    principles: tuple[str, ...]
    """Principles to give when the user answers this way."""
    reply: str
    """An optional sentence said before the principles."""
    where: Where


class FollowUp(NamedTuple):
    """A question asked after a situation's advice, with the answers it expects."""

    question: str
    answers: tuple[Answer, ...]
    where: Where


class Intent(NamedTuple):
    """Something a user can write about: a dating situation or small talk."""

    id: str
    """Stable name, such as `went-silent` or `greeting`."""
    kind: str
    """`situation`, `smalltalk` or `out-of-scope`."""
    title: str
    """A short noun phrase naming it ("someone going quiet after you met")."""
    description: str
    """One sentence for authors: what belongs here."""
    examples: tuple[Example, ...]
    """Varied phrasings that should reach this intent."""
    keywords: tuple[str, ...] = ()
    """Optional phrases that strongly suggest this intent wherever they appear."""
    principles: tuple[str, ...] = ()
    """Principles to give, most important first."""
    acknowledge: tuple[str, ...] = ()
    """Opening sentences that show the situation was understood (small talk: the replies)."""
    follow_up: FollowUp | None = None
    """A question to ask next, if any."""
    must_match: tuple[Example, ...] = ()
    """Test phrasings that must reach this intent."""
    must_not_match: tuple[Example, ...] = ()
    """Test phrasings that must not reach this intent."""
    action: str = ""
    """For small talk in a conversation: `why` explains, `more` continues, `end` ends it."""
    where: Where = Where("")


class Resource(NamedTuple):
    """A place to get help, labelled with the country it serves."""

    kind: str
    """`crisis`, `abuse`, `assault`, `youth` or `parent`."""
    country: str
    name: str
    contact: str
    url: str = ""
    """The page the contact was checked against."""


class SafetyCategory(NamedTuple):
    """One kind of danger, the rules that recognise it and the help it gets."""

    id: str
    title: str
    """A short noun phrase ("thoughts of suicide or self-harm"), used when advisor explains."""
    tier: str
    """`alarm` gives the full help reply; `check-in` asks first whether the writer is safe."""
    message: str
    """The calm sentence that opens the reply (for a check-in: the question it asks)."""
    resources: tuple[str, ...]
    """Kinds of resource to show, in order; `emergency` for the emergency numbers."""
    plan: tuple[str, ...]
    """A few short steps for right now."""
    phrases: tuple[Example, ...] = ()
    """Words, `{lists}` and `...` gaps: "{partner} {harm} me"."""
    patterns: tuple[Example, ...] = ()
    """Regular expressions, for what phrases cannot say."""
    examples: tuple[Example, ...] = ()
    """Plain phrasings: a sentence close enough to one is caught."""
    must_match: tuple[Example, ...] = ()
    must_not_match: tuple[Example, ...] = ()
    escalate: str = ""
    """For a check-in: the category whose help a "yes" gets."""
    where: Where = Where("")


class SafetyMode(NamedTuple):
    """What a conversation says after a safety reply, until the writer says they are safe."""

    still: tuple[str, ...]
    """Replies to anything else: gentle, short, pointing back to the help."""
    safe: tuple[str, ...]
    """Phrasings that mean "I am safe, I meant something else"."""
    no: tuple[str, ...]
    """Plain noes: they answer a check-in, but alone do not end safety mode."""
    unsafe: tuple[str, ...]
    """Phrasings that answer a check-in with "yes, I am not safe"."""
    left: str
    """Said when the writer leaves safety mode."""
    why: str
    """Why advisor answered as it did; {words} and {title} are filled in."""


class Safety(NamedTuple):
    """Everything about messages that must never get dating advice."""

    categories: tuple[SafetyCategory, ...]
    resources: tuple[Resource, ...]
    emergency: str
    program: str
    """Says plainly that advisor is a program, not a crisis service."""
    trusted_person: str
    resources_heading: str
    plan_heading: str
    shorthand: dict[str, str]
    """The screen's own shorthand and misspellings: it never reads a rule book's lexicon."""
    words: dict[str, tuple[str, ...]]
    """Named word lists that phrases use as `{name}`."""
    idioms: tuple[Example, ...]
    """Phrases that are never danger ("hit me up"); they excuse only the words they cover."""
    guards: tuple[Example, ...]
    """Ordinary phrasings that near examples must beat to count."""
    never_correct: frozenset[str]
    """Real words that look like a misspelt key word ("rapped")."""
    bar: float
    """How close (cosine, 0 to 1) a sentence must be to an example to count."""
    mode: SafetyMode


class Lexicon(NamedTuple):
    """Words the normaliser rewrites, and words that mark context."""

    contractions: dict[str, str]
    """Contractions typed without an apostrophe ("dont"), expanded for matching and safety."""
    shorthand: dict[str, str]
    """Single words rewritten: misspellings, texting shorthand, slang, synonyms."""
    phrases: dict[str, str]
    """Phrases of several words rewritten to a canonical phrase."""
    stopwords: frozenset[str]
    negations: frozenset[str]
    negation_breaks: frozenset[str]
    romance: frozenset[str]
    """Words that show a message is about dating."""
    other_roles: frozenset[str]
    """People a message may be about who are not dates (boss, landlord)."""
    pronouns: dict[str, dict[str, str]]
    """For `she` and `they`: how to rewrite the rule book's he/him/his words."""
    pronoun_cues: dict[str, str]
    """Words in a message that tell which pronoun the user uses."""


class Dialogue(NamedTuple):
    """The sentences a conversation needs beyond single answers."""

    why: str
    more: tuple[str, ...]
    more_none: str
    ask_again: tuple[str, ...]
    chosen: tuple[str, ...]
    again: tuple[str, ...]
    first_choice: tuple[str, ...]
    second_choice: tuple[str, ...]


class Replies(NamedTuple):
    """The sentences advisor says that belong to no situation."""

    fallback: tuple[str, ...]
    foreign: tuple[str, ...]
    """Said, in English, to a message in another language."""
    ambiguous: str
    letter_more: str
    quote: str
    dialogue: Dialogue


class Settings(NamedTuple):
    """Matcher thresholds, tuned with `advise rules test --sweep`."""

    threshold: float
    """Confidence below which advisor falls back."""
    margin: float
    """How close (in confidence) the top two situations may be before advisor asks."""
    max_situations: int
    """How many situations of a letter one reply answers."""
    calibration: tuple[tuple[float, float], ...] = ((0.0, 0.0), (1.0, 1.0))
    """Points (raw score, confidence) that turn a raw match score into a probability."""

    def confidence(self, raw: float) -> float:
        """The calibrated confidence for a raw score, interpolating between points."""
        points = self.calibration
        if raw <= points[0][0]:
            return points[0][1]
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            if raw <= x1:
                return y0 + (y1 - y0) * (raw - x0) / ((x1 - x0) or 1.0)
        return points[-1][1]


class RuleBook(NamedTuple):
    """A whole, validated rule book."""

    root: str
    principles: dict[str, Principle]
    intents: dict[str, Intent]
    safety: Safety
    lexicon: Lexicon
    replies: Replies
    settings: Settings

    @property
    def situations(self) -> list[Intent]:
        """The dating situations, in id order."""
        return [i for i in self.intents.values() if i.kind == "situation"]
