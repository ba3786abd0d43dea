"""Match what a user wrote to the rule book's intents: explainable scores, fast retrieval."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from itertools import pairwise
from typing import NamedTuple

from advisor.index import Index
from advisor.models import Example, Intent, RuleBook
from advisor.normalise import Normaliser, sentences

KEYWORD_BONUS = 0.15
OTHER_ROLE_PENALTY = 0.4
EXAMPLE_WEIGHT = 0.4
SECOND_EXAMPLE_WEIGHT = 0.1
CENTROID_WEIGHT = 0.5
SMALLTALK_EXTRA = 0.25
SMALLTALK_MAX_WORDS = 6
SMALLTALK_LIKENESS = 60
UNSEEN_WEIGHT = 1.0
UNKNOWN_CAP = 3
UNANCHORED_PENALTY = 0.8
MAX_SENTENCES = 60
MAX_CHARS = 20_000
FOREIGN_MIN_WORDS = 3
FOREIGN_SHARE = 0.3
"""Below this share of words advisor knows, a message is taken to be in another language."""
"""How much of a message is matched (safety always reads all of it)."""
MIN_SENTENCE_WORDS = 2
SHORT_SENTENCE_CONFIDENCE = 0.8
QUESTION_WORDS = 3
QUESTION_CONFIDENCE = 0.75
QUESTION_FIT = 0.6
"""A letter's question decides its topic only if it fits the whole letter this well, relatively."""
CANDIDATES = 8
"""How many intents `rank` returns, best first."""
POSTING_CAP = 300
"""Words in more examples than this only add to the scores of examples found by rarer words."""
CORRECTION_CUTOFF = 84


class Candidate(NamedTuple):
    """One intent's score for a piece of text, with the evidence behind it."""

    intent: str
    score: float
    """Calibrated confidence in 0..1."""
    example: Example | None
    """The rule example closest to the text."""
    shared: tuple[str, ...]
    """Normalised words the text shares with that example."""
    raw: float = 0.0
    """The score before calibration."""


class Segment(NamedTuple):
    """One sentence of a message and how it matched."""

    text: str
    question: bool
    ranked: tuple[Candidate, ...]
    words: int = 0
    """How many content words it has: a sentence of one word says too little on its own."""

    @property
    def top(self) -> Candidate | None:
        """The best candidate, if any intent scored at all."""
        return self.ranked[0] if self.ranked else None


class Match(NamedTuple):
    """The matcher's verdict on a whole message."""

    intent: str | None
    """The intent the message asks about most directly, or None to fall back."""
    confidence: float
    alternatives: tuple[Candidate, ...]
    """Runners-up, best first."""
    situations: tuple[str, ...]
    """Every dating situation found, in the order the message raises them."""
    ambiguous: bool
    """True when the top two situations are too close to call."""
    segments: tuple[Segment, ...]
    """Each sentence's own match (a single sentence is one segment)."""


class Matcher:
    """Scores text against every intent's examples.

    Words are normalised and misspellings corrected against the rule book's vocabulary with
    rapidfuzz; an inverted index then finds the examples that share words with the message,
    and each intent is scored by its closest examples (TF-IDF cosine) and its centroid.
    """

    def __init__(
        self,
        book: RuleBook,
        *,
        threshold: float | None = None,
        margin: float | None = None,
        skip: Callable[[Example], bool] | None = None,
    ) -> None:
        self.book = book
        self.threshold = book.settings.threshold if threshold is None else threshold
        self.margin = book.settings.margin if margin is None else margin
        self.normaliser = Normaliser(book.lexicon)
        lex = book.lexicon
        self._romance = frozenset(self._stems(lex.romance | frozenset(lex.pronoun_cues)))
        self._roles = frozenset(self._stems(lex.other_roles))
        self._examples: list[tuple[Intent, Example]] = []
        self._vocabulary: set[str] = set(lex.romance | lex.other_roles) | self.normaliser.known()
        self._keywords: list[tuple[str, tuple[str, ...]]] = []
        self._exact: dict[str, int] = {}
        self._smalltalk: dict[str, list[str]] = defaultdict(list)
        documents: list[frozenset[str]] = []
        for intent in book.intents.values():
            for example in intent.examples:
                if skip is not None and skip(example):
                    continue
                self._vocabulary.update(self.normaliser.spellings(example.text))
                self._exact.setdefault(self._plain(example.text), len(self._examples))
                if intent.kind == "smalltalk":
                    self._smalltalk[intent.id].append(self._plain(example.text))
                self._examples.append((intent, example))
                documents.append(_features(self.normaliser.tokens(example.text)))
            for keyword in intent.keywords:
                self._keywords.append((intent.id, tuple(self.normaliser.tokens(keyword))))
        self._vocabulary = {w for w in self._vocabulary if w.isalpha()}
        self._vocab_list: list[str] = []
        """The vocabulary in order, for spelling correction; sorted on first need."""
        self._corrections: dict[str, str] = {}
        self._intent_ids = list(book.intents)
        number_of = {intent_id: n for n, intent_id in enumerate(self._intent_ids)}
        labels = [number_of[intent.id] for intent, _ in self._examples]
        self._index = Index(documents, labels, len(self._intent_ids))

    def _stems(self, words: frozenset[str]) -> list[str]:
        return [t for w in words for t in self.normaliser.tokens(w)]

    def correct(self, word: str) -> str:
        """A word the rule book knows that a misspelt word was probably meant to be."""
        if len(word) < 4 or word in self._vocabulary or not word.isalpha():
            return word
        found = self._corrections.get(word)
        if found is None:
            from rapidfuzz import fuzz, process  # imported on first need: start-up stays fast

            best = process.extractOne(
                word,
                self._vocab_list or self._sorted_vocabulary(),
                scorer=fuzz.ratio,
                score_cutoff=CORRECTION_CUTOFF,
            )
            found = best[0] if best else word
            if len(self._corrections) < 50_000:
                self._corrections[word] = found
        return found

    def _sorted_vocabulary(self) -> list[str]:
        self._vocab_list = sorted(self._vocabulary)
        return self._vocab_list

    def _small(self, text: str, intent_id: str) -> bool:
        """Small talk is short and close to an example as a whole: "good morning" inside a
        story is no greeting, and "explain quantum physics" is no question about advice."""
        plain = self._plain(text)
        if len(plain.split()) > SMALLTALK_MAX_WORDS:
            return False
        from rapidfuzz import fuzz, process

        best = process.extractOne(plain, self._smalltalk[intent_id], scorer=fuzz.ratio)
        return best is not None and best[1] >= SMALLTALK_LIKENESS

    def _plain(self, text: str) -> str:
        return " ".join(w for w in self.normaliser.words(text) if w.isalnum())

    def foreign(self, text: str) -> bool:
        """True when a message of a few words is mostly not English, as advisor knows it."""
        letters = [c for c in text[:MAX_CHARS] if c.isalpha()]
        if len(letters) >= FOREIGN_MIN_WORDS and sum(not c.isascii() for c in letters) * 2 > len(
            letters
        ):
            return True  # mostly another script
        words = [w for w in self.normaliser.words(text[:MAX_CHARS]) if w.isalpha()]
        if len(words) < FOREIGN_MIN_WORDS:
            return False
        lex = self.book.lexicon
        known = sum(
            w in self._vocabulary
            or w in lex.stopwords
            or w in lex.negations
            or w in lex.negation_breaks
            or self.correct(w) != w
            for w in words
        )
        return known < len(words) * FOREIGN_SHARE

    def tokens(self, text: str) -> list[str]:
        """The normalised, spelling-corrected tokens the matcher compares."""
        return self.normaliser.tokens(text, self.correct)

    def rank(self, text: str, tokens: list[str] | None = None) -> list[Candidate]:
        """The intents that share most with the text, best first."""
        exact = self._exact.get(self._plain(text)) if len(text) < 200 else None
        if exact is not None:
            # A message that is one of the examples, word for word, is that intent.
            intent, example = self._examples[exact]
            return [Candidate(intent.id, self.book.settings.confidence(1.0), example, (), 1.0)]
        tokens = self.tokens(text) if tokens is None else tokens
        if not tokens:
            return []
        query = _features(tokens)
        index = self._index
        known = {index.ids[f]: f for f in query if f in index.ids}
        weights = {k: index.idf[k] for k in known}
        # Words the rule book has never seen still count towards the message's length, so a
        # message mostly about something else scores low even when a few words are shared.
        unknown = sum(1 for f in query if f not in index.ids and " " not in f)
        unknown = min(unknown, UNKNOWN_CAP)  # a long letter's stray words must not drown it
        norm = (
            math.sqrt(
                sum(w * w for w in weights.values()) + unknown * (UNSEEN_WEIGHT * index.unseen) ** 2
            )
            or 1.0
        )
        # Retrieval: only examples sharing a word that is not too common are candidates, so
        # the work per message stays bounded however large the rule book grows.
        common = [k for k in weights if index.frequency(k) > POSTING_CAP]
        norms = index.norms
        scores: dict[int, float] = defaultdict(float)
        for k, weight in weights.items():
            if k not in common:
                share = weight * weight / norm
                for number in index.documents(k):
                    scores[number] += share / norms[number]
        for k in common:
            share = weights[k] ** 2 / norm
            for number in scores:
                if k in index.features_of(number):
                    scores[number] += share / norms[number]
        central: dict[str, float] = defaultdict(float)
        for k, weight in weights.items():
            for label, centroid_weight in index.centroid(k):
                central[self._intent_ids[label]] += weight / norm * centroid_weight
        # The two closest examples of each intent.
        best: dict[str, list[tuple[float, int]]] = {}
        for number, score in scores.items():
            pair = best.setdefault(self._examples[number][0].id, [(0.0, -1), (0.0, -1)])
            if score > pair[0][0]:
                pair[0], pair[1] = (score, number), pair[0]
            elif score > pair[1][0]:
                pair[1] = (score, number)
        token_set = set(tokens)
        anchored = bool(token_set & self._romance)
        gate = bool(token_set & self._roles) and not anchored
        keyed = {
            owner for owner, kw in self._keywords if kw[0] in token_set and _contains(tokens, kw)
        }
        totals: dict[str, float] = {}
        for intent_id, ((cosine, _), (second, _)) in best.items():
            score = (
                EXAMPLE_WEIGHT * cosine
                + SECOND_EXAMPLE_WEIGHT * second
                + CENTROID_WEIGHT * central[intent_id]
            )
            if intent_id in keyed:
                score += KEYWORD_BONUS
            if not anchored and self.book.intents[intent_id].kind == "situation":
                score *= OTHER_ROLE_PENALTY if gate else UNANCHORED_PENALTY
            totals[intent_id] = min(score, 1.0)
        for owner in keyed - totals.keys():
            totals[owner] = KEYWORD_BONUS
        # Only the leaders become candidates with their evidence; the rest cannot matter.
        calibrate = self.book.settings.confidence
        ranked: list[Candidate] = []
        for intent_id in sorted(totals, key=lambda i: (-totals[i], i)):
            if self.book.intents[intent_id].kind == "smalltalk" and not self._small(
                text, intent_id
            ):
                continue
            raw = totals[intent_id]
            if intent_id in best:
                number = best[intent_id][0][1]
                example = self._examples[number][1]
                shared = tuple(
                    sorted(
                        f
                        for k, f in known.items()
                        if " " not in f and k in index.features_of(number)
                    )
                )
                ranked.append(Candidate(intent_id, calibrate(raw), example, shared, raw))
            else:
                ranked.append(Candidate(intent_id, calibrate(raw), None, (), raw))
            if len(ranked) == CANDIDATES:
                break
        return ranked

    def match(self, text: str) -> Match:
        """Find the intent a message asks about, and every situation a letter raises."""
        return self.decide(*self.segments(text))

    def segments(self, text: str) -> tuple[Segment, list[Segment]]:
        """The whole message and each of its sentences, ranked."""
        text = text[:MAX_CHARS]  # a letter's opening says what it is about; bounds the time
        parts = sentences(text)[:MAX_SENTENCES]
        tokens = self.tokens(text)
        whole = Segment(
            text, any(q for _, q in parts), tuple(self.rank(text, tokens)[:5]), len(tokens)
        )
        if len(parts) < 2:
            return whole, [whole]
        found = []
        for sentence, question in parts:
            tokens = self.tokens(sentence)
            ranked = tuple(self.rank(sentence, tokens)[:5])
            found.append(Segment(sentence, question, ranked, len(tokens)))
        return whole, found

    def _asked_most(
        self, whole: Segment, segments: list[Segment], situations: list[str]
    ) -> Candidate:
        """The situation a letter asks about most directly.

        That is its clearest question ("Should I call him or text him?"), if the question
        says enough on its own and fits the letter as a whole too; otherwise the situation
        that fits the whole letter best.
        """
        whole_score = {c.intent: c.score for c in whole.ranked}
        best_whole = max((whole_score.get(i, 0.0) for i in situations), default=0.0)
        questions = [
            s.top
            for s in segments
            if s.question
            and s.top
            and s.top.intent in situations
            and s.words >= QUESTION_WORDS
            and s.top.score >= QUESTION_CONFIDENCE
            and whole_score.get(s.top.intent, 0.0) >= best_whole * QUESTION_FIT
        ]
        if questions:
            return max(questions, key=lambda c: c.score)
        fits = [c for c in whole.ranked if c.intent in situations]
        if fits:
            return fits[0]
        return max(
            (s.top for s in segments if s.top and s.top.intent in situations), key=lambda c: c.score
        )

    def _kind(self, candidate: Candidate | None, threshold: float) -> str:
        if candidate is None:
            return ""
        kind = self.book.intents[candidate.intent].kind
        # Small talk must match nearly all of a message: "good night texts" is no goodbye.
        needed = threshold + SMALLTALK_EXTRA if kind == "smalltalk" else threshold
        return kind if candidate.score >= needed else ""

    def decide(
        self,
        whole: Segment,
        segments: list[Segment],
        threshold: float | None = None,
        margin: float | None = None,
    ) -> Match:
        """Turn ranked segments into a verdict; the threshold and margin may be overridden."""
        threshold = self.threshold if threshold is None else threshold
        margin = self.margin if margin is None else margin

        def kind(candidate: Candidate | None) -> str:
            return self._kind(candidate, threshold)

        situations: list[str] = []
        for segment in segments:
            top = segment.top
            # "what gives?" alone raises no situation, unless it is as plain as "nada."
            short = segment.words < MIN_SENTENCE_WORDS and len(segments) > 1
            if short and (not top or top.score < SHORT_SENTENCE_CONFIDENCE):
                continue
            if kind(top) == "situation" and top and top.intent not in situations:
                situations.append(top.intent)
        if kind(whole.top) == "situation" and whole.top and not situations:
            situations.append(whole.top.intent)
        # Small talk below its stricter bar is no candidate at all.
        ranked = [
            c for c in whole.ranked if kind(c) or self.book.intents[c.intent].kind != "smalltalk"
        ]
        if len(segments) > 1 and situations:
            chosen = self._asked_most(whole, segments, situations)
            ranked = [chosen] + [c for c in ranked if c.intent != chosen.intent]
        elif len(segments) > 1 and kind(whole.top) in ("", "out-of-scope"):
            small = [s.top for s in segments if kind(s.top) == "smalltalk" and s.top]
            if small:
                ranked = [small[0]] + [c for c in ranked if c.intent != small[0].intent]
        top = ranked[0] if ranked else None
        top_kind = kind(top)
        if top is None or top_kind in ("", "out-of-scope"):
            confidence = top.score if top and top_kind == "" else 0.0
            alternatives = tuple(
                c for c in ranked[:3] if self.book.intents[c.intent].kind == "situation"
            )
            return Match(None, confidence, alternatives, (), False, tuple(segments))
        others = [c for c in ranked[1:] if self.book.intents[c.intent].kind != "out-of-scope"]
        ambiguous = (
            top_kind == "situation"
            and len(situations) <= 1
            and bool(others)
            and kind(others[0]) == "situation"
            and top.score - others[0].score < margin
        )
        if top_kind == "situation" and top.intent not in situations:
            situations.insert(0, top.intent)
        return Match(
            top.intent, top.score, tuple(others[:3]), tuple(situations), ambiguous, tuple(segments)
        )


def _features(tokens: list[str]) -> frozenset[str]:
    return frozenset(tokens) | frozenset(f"{a} {b}" for a, b in pairwise(tokens))


def _contains(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return size > 0 and any(
        tuple(tokens[i : i + size]) == phrase for i in range(len(tokens) - size + 1)
    )


__all__ = ["Candidate", "Match", "Matcher", "Segment"]
