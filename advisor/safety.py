"""Recognise messages about danger, which get help instead of dating advice.

The screen reads a message its own way, never through a rule book's lexicon: look-alike
letters, leetspeak, shorthand and small misspellings of its key words are undone first.
Then three kinds of rule fire: phrases (words, `{lists}` of words and `...` gaps), regular
expressions for the few things phrases cannot say, and example phrasings, where a sentence
close enough to an example counts. Idioms ("hit me up") excuse only the words they cover.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import pairwise
from typing import NamedTuple

from advisor.errors import Where
from advisor.index import Index
from advisor.models import Example, Safety, SafetyCategory
from advisor.normalise import clean, expand, stem

GAP = 8
"""How many words `...` in a phrase may stand for, within one sentence."""
WINDOW = 14
"""Long sentences are also compared with examples a window of this many words at a time."""
UNSEEN_CAP = 2
SMOOTHING = 0.5
"""Laplace smoothing of the example model: how much an unseen word counts."""
BREAK = "."
"""The token that ends a sentence: gaps and windows never cross it."""
END = "$"
"""A phrase slot that matches the end of a sentence."""
ALARM = "alarm"
CHECK_IN = "check-in"

# Letters from other scripts that look like Latin ones (a Cyrillic i in "kill", U+0456).
_LOOKALIKES = str.maketrans(
    {
        **dict(zip("аеорсухіјѕԁӏкмтнвґ", "aeopcyxijsdlkmthbr", strict=True)),
        **dict(zip("αεικνορτυχ", "aeikvoptux", strict=True)),
        "@": "a",
        "$": "s",
    }
)
_LEET = str.maketrans("013457", "oieast")
_TOKEN = re.compile(r"[a-z0-9]+|[.!?\n]")
_REPEAT = re.compile(r"(.)\1{2,}")
_DOUBLE = re.compile(r"(.)\1")
_HEIGHT = re.compile(r"(\d)['\u2019](\d)")
_NUMBER_WORD = re.compile(r"^(\d+)(.*)$")
_NUMBER_RANGE = re.compile(r"^(\d{1,3})-(\d{1,3})$")
_KEEP_WORDS = """i me my he she him her his they them their you your we us our it a an the to
of and or is am are was were be been in on at so if"""
_KEEP = frozenset(_KEEP_WORDS.split())
"""Short words a phrase means exactly; other words also match their -s, -ed, -ing forms."""
_STOP_WORDS = """a an the and or but so to of in on at for with is am are was were be been being
it this that just really very like um lol ok okay"""
_STOP = frozenset(_STOP_WORDS.split())
"""Words too common to make two sentences alike."""


class SafetyHit(NamedTuple):
    """A message matched a safety category."""

    category: SafetyCategory
    matched: str
    """The words of the message that matched, for `--explain`."""
    rule: str = ""
    """The phrase, pattern or example that fired."""
    where: Where = Where("")
    """Where that rule is written."""

    @property
    def check_in(self) -> bool:
        """True for the gentler tier: advisor asks whether the writer is safe."""
        return self.category.tier == CHECK_IN


def must_contain(pattern: str) -> tuple[str, ...]:
    """Words one of which every match of the pattern starts with, when that is plain to see.

    A pattern such as `\\b(hit|hits) me` cannot match a text holding neither "hit" nor
    "hits", so a long letter is only searched with the patterns that could match it.
    An empty answer means "no such words": the pattern is always searched.
    """
    # Lookbehinds consume nothing, so the words after them still start every match.
    lookbehinds = re.compile(r"(?<=^\\b)(?:\(\?<[!=][^()]*\))+")
    leading = re.compile(r"^\\b\(([a-z '|]+)\)(?![?*{])|^\\b([a-z ']+)(?![?*{a-z])")
    found = leading.match(lookbehinds.sub("", pattern, count=1))
    if found is None:
        return ()
    words = tuple((found.group(1) or found.group(2)).split("|"))
    return () if "" in words else words


def inflections(word: str) -> set[str]:
    """A word with its regular -s, -ed and -ing forms ("grab": grabs, grabbed, grabbing)."""
    if word in _KEEP or not word.isalpha() or len(word) < 3:
        return {word}
    forms = {word}
    if word.endswith("e"):
        forms |= {word + "s", word + "d", word[:-1] + "ing"}
    elif word.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {word + "es", word + "ed", word + "ing"}
    elif word.endswith("y") and word[-2] not in "aeiou":
        forms |= {word[:-1] + "ies", word[:-1] + "ied", word + "ing"}
    else:
        forms |= {word + "s", word + "ed", word + "ing"}
        short = len(word) <= 4 and word[-1] not in "aeiouwxy" and word[-2] in "aeiou"
        if short and word[-3] not in "aeiou":
            forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    return forms


Slot = dict[str, tuple[tuple[str, ...], ...]]
"""One place in a phrase: its possible first words, each with the words that must follow."""


class Phrase(NamedTuple):
    """A compiled phrase: slots of alternatives, `None` for a gap."""

    slots: tuple[Slot | None, ...]
    text: str
    where: Where


class Reading(NamedTuple):
    """A message as the screen reads it."""

    tokens: list[str]
    """Words with look-alikes, leetspeak, shorthand and misspellings undone; "." ends a sentence."""

    @property
    def text(self) -> str:
        """The words joined by spaces, for regular expressions."""
        return " ".join(self.tokens)


class Screen:
    """Every safety rule of a rule book, compiled once; `check` reads a message."""

    def __init__(self, safety: Safety, ordinary: Iterable[Example] = ()) -> None:
        """Compile the rules; `ordinary` adds everyday sentences (the bundled dating
        examples) to the guards, so the example model knows what ordinary talk is like."""
        self.safety = safety
        self.known: frozenset[str] = frozenset()
        self.shorthand = dict(safety.shorthand)
        self.words = {name: self._list(items) for name, items in safety.words.items()}
        self.phrases: list[tuple[int, Phrase]] = []
        self.starts: dict[str, list[int]] = defaultdict(list)
        """For each word, the phrases that can start with it."""
        for number, category in enumerate(safety.categories):
            for example in category.phrases:
                self._add(number, self.compile(example))
        self.idioms = [self.compile(e) for e in safety.idioms]
        self.patterns = [
            (number, p, must_contain(p.text))
            for number, category in enumerate(safety.categories)
            for p in category.patterns
        ]
        known = {w for _, p in self.phrases for w in _phrase_words(p)}
        known |= {w for p in self.idioms for w in _phrase_words(p)}
        documents: list[frozenset[str]] = []
        labels: list[int] = []
        self.examples: list[tuple[int, Example]] = []
        guard = len(safety.categories)
        for number, category in enumerate(safety.categories):
            for example in category.examples:
                self.examples.append((number, example))
        self.examples += [(guard, e) for e in (*safety.guards, *ordinary)]
        for number, example in self.examples:
            tokens = self.read(example.text, correct=False).tokens
            known.update(tokens)
            documents.append(_features(tokens))
            labels.append(number)
        self.index = Index(documents, labels, guard + 1)
        self.evidence = _evidence(documents, labels, guard + 1)
        self.known = frozenset(known | set(self.shorthand))
        # A misspelt key word is one letter longer or shorter than it: index every key word
        # of five letters or more, and every form of it with one letter left out.
        self.spelling: dict[str, str] = {}
        for word in sorted(known - safety.never_correct, key=lambda w: (len(w), w)):
            if len(word) >= 5 and word.isalpha():
                self.spelling.setdefault(word, word)
                for i in range(len(word)):
                    self.spelling.setdefault(word[:i] + word[i + 1 :], word)
        self._corrected: dict[str, str] = {}

    def _list(self, items: tuple[str, ...]) -> tuple[str, ...]:
        found: list[str] = []
        for item in items:
            numbers = _NUMBER_RANGE.match(item)
            if numbers:
                low, high = int(numbers.group(1)), int(numbers.group(2))
                found += [str(n) for n in range(low, high + 1)]
            else:
                found.append(item)
        return tuple(found)

    def _add(self, number: int, phrase: Phrase) -> None:
        self.phrases.append((number, phrase))
        first = phrase.slots[0]
        assert first is not None  # compile_phrase strips gaps at the ends
        for word in first:
            self.starts[word].append(len(self.phrases) - 1)

    def compile(self, example: Example) -> Phrase:
        """Turn "he {harm} me ..." into slots; unknown `{lists}` are reported by the loader."""
        slots: list[Slot | None] = []
        for part in example.text.lower().split():
            if part == "...":
                if slots and slots[-1] is not None:
                    slots.append(None)
                continue
            if part == "$":
                slots.append({END: ((),)})
                continue
            if part.startswith("{") and part.endswith("}"):
                options = self.words.get(part[1:-1], ())
            else:
                options = (part,)
            slot: dict[str, set[tuple[str, ...]]] = defaultdict(set)
            for option in options:
                words = self.read(option, correct=False).tokens or [option]
                first, rest = words[0], tuple(words[1:])
                for form in inflections(first):
                    slot[form].add(rest)
            slots.append({w: tuple(sorted(r)) for w, r in slot.items()})
        while slots and slots[-1] is None:
            slots.pop()
        while slots and slots[0] is None:
            slots.pop(0)
        return Phrase(tuple(slots), example.text, example.where)

    def read(self, text: str, *, correct: bool = True) -> Reading:
        """The message's words as the screen compares them."""
        text = unicodedata.normalize("NFKD", clean(text).lower().translate(_LOOKALIKES))
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = _HEIGHT.sub(r"\1 ft \2", text)  # 5'10 is a height, not the number 510
        tokens: list[str] = []
        for raw in _TOKEN.findall(expand(text)):
            if raw in ".!?\n":
                if tokens and tokens[-1] != BREAK:
                    tokens.append(BREAK)
                continue
            parts = [raw]
            if raw[0].isdigit() and not raw.isdigit():
                parts = list(_NUMBER_WORD.match(raw).groups())  # type: ignore[union-attr]
            elif not raw.isalpha() and not raw.isdigit():
                parts = [raw.translate(_LEET)]  # k1ll, su1c1de; ages stay numbers
            for part in parts:
                word = _REPEAT.sub(r"\1\1", part)  # sooo, killll
                if word != part and word not in self.known:
                    word = _DOUBLE.sub(r"\1", word)  # hiiiit: hiit, then hit
                if correct:
                    word = self.correct(word)
                if tokens and tokens[-1].isdigit():
                    tokens.append(word)  # a unit: "50 kms" is no shorthand
                else:
                    tokens.extend(self.shorthand.get(word, word).split())
        return Reading(tokens)

    def correct(self, word: str) -> str:
        """A key word that a word a letter too long or too short was probably meant to be."""
        if word in self.known or len(word) < 5 or not word.isalpha():
            return word
        found = self._corrected.get(word)
        if found is None:
            single = word[:-1] if word[-1] == word[-2] else word  # hittt -> hitt -> hit
            found = self.spelling.get(word) or self.spelling.get(single)
            if found is None and len(word) >= 6:
                found = next(
                    (
                        self.spelling[s]
                        for i in range(len(word))
                        if (s := word[:i] + word[i + 1 :]) in self.spelling
                        and self.spelling[s] == s
                    ),
                    None,
                )
            found = found if found is not None and found not in self.safety.never_correct else word
            if len(self._corrected) < 50_000:
                self._corrected[word] = found
        return found

    def check(self, text: str) -> SafetyHit | None:
        """The most serious safety category the text falls under, or None."""
        hits = list(self.hits(self.read(text)))
        if not hits:
            return None
        alarms = [h for h in hits if not h.check_in]
        order = {c.id: n for n, c in enumerate(self.safety.categories)}
        return min(alarms or hits, key=lambda h: order[h.category.id])

    def hits(self, reading: Reading) -> Iterator[SafetyHit]:
        """Every rule that fires on a reading, each category at most once per kind of rule."""
        categories = self.safety.categories
        tokens = reading.tokens
        excused = self._idiom_spans(tokens)
        seen: set[int] = set()
        for i, word in enumerate(tokens):
            for n in self.starts.get(word, ()):
                number, phrase = self.phrases[n]
                if number in seen:
                    continue
                end = _match(phrase.slots, 0, tokens, i)
                if end is not None and not any(s < end and i < e for s, e in excused):
                    seen.add(number)
                    yield SafetyHit(
                        categories[number], " ".join(tokens[i:end]), phrase.text, phrase.where
                    )
        text = reading.text
        for number, pattern, leads in self.patterns:
            if number in seen or (leads and not any(w in text for w in leads)):
                continue
            found = re.search(pattern.text, text)
            if found:
                seen.add(number)
                yield SafetyHit(categories[number], found.group(0), pattern.text, pattern.where)
        for number, example, words in self._near(tokens, excused):
            if number not in seen:
                seen.add(number)
                yield SafetyHit(categories[number], " ".join(words), example.text, example.where)

    def _idiom_spans(self, tokens: list[str]) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for idiom in self.idioms:
            first = idiom.slots[0]
            assert first is not None
            for i, word in enumerate(tokens):
                if word in first:
                    end = _match(idiom.slots, 0, tokens, i)
                    if end is not None:
                        spans.append((i, end))
        return spans

    def _near(
        self, tokens: list[str], excused: list[tuple[int, int]]
    ) -> Iterator[tuple[int, Example, list[str]]]:
        """Sentences (and windows of long ones) close enough to a category's example."""
        bar = math.log(self.safety.bar / (1 - self.safety.bar)) if self.safety.bar < 1 else math.inf
        for words in _pieces(tokens, excused):
            odds = [0.0] * len(self.safety.categories)
            for feature in _features(words):
                for number, weight in enumerate(self.evidence.get(feature, ())):
                    odds[number] += weight
            best = max(range(len(odds)), key=odds.__getitem__)
            if odds[best] < bar:
                continue
            scores = self._similar(words)
            nearest = max(
                (n for n in scores if self.examples[n][0] == best),
                key=scores.__getitem__,
                default=None,
            )
            example = self.examples[nearest][1] if nearest is not None else Example("", Where(""))
            yield best, example, words

    def _similar(self, words: list[str]) -> dict[int, float]:
        """Cosine similarity of some words to each example that shares a word with them."""
        query = _features(words)
        index = self.index
        weights = {index.ids[f]: index.idf[index.ids[f]] for f in query if f in index.ids}
        if not weights:
            return {}
        unseen = min(sum(1 for f in query if f not in index.ids and " " not in f), UNSEEN_CAP)
        norm = math.sqrt(sum(w * w for w in weights.values()) + unseen * index.unseen**2)
        scores: dict[int, float] = defaultdict(float)
        for k, weight in weights.items():
            for number in index.documents(k):
                scores[number] += weight * weight / norm / index.norms[number]
        return scores


def _evidence(
    documents: list[frozenset[str]], labels: list[int], count: int
) -> dict[str, tuple[float, ...]]:
    """For each word, how much more likely each category makes it than ordinary talk.

    A naive Bayes model over the example sentences: the last label is the guards'
    ordinary talk, and each weight is log P(word | category) - log P(word | ordinary).
    """
    seen: list[dict[str, int]] = [defaultdict(int) for _ in range(count)]
    for features, label in zip(documents, labels, strict=True):
        for feature in features:
            seen[label][feature] += 1
    vocabulary = set().union(*documents) if documents else set()
    totals = [sum(c.values()) + SMOOTHING * len(vocabulary) for c in seen]
    ordinary = count - 1

    def log_p(label: int, feature: str) -> float:
        return math.log((seen[label].get(feature, 0) + SMOOTHING) / totals[label])

    return {f: tuple(log_p(c, f) - log_p(ordinary, f) for c in range(ordinary)) for f in vocabulary}


def _phrase_words(phrase: Phrase) -> Iterator[str]:
    for slot in phrase.slots:
        for first, rests in (slot or {}).items():
            if first == END:
                continue
            yield first
            for rest in rests:
                yield from rest


def _match(slots: tuple[Slot | None, ...], k: int, tokens: list[str], i: int) -> int | None:
    """Where a phrase that matches from token i ends, or None."""
    if k == len(slots):
        return i
    slot = slots[k]
    if slot is None:
        for j in range(i, min(i + GAP, len(tokens)) + 1):
            if j > i and tokens[j - 1] == BREAK:
                break
            end = _match(slots, k + 1, tokens, j)
            if end is not None:
                return end
        return None
    if END in slot:
        at_end = i >= len(tokens) or tokens[i] == BREAK
        return _match(slots, k + 1, tokens, i) if at_end else None
    if i >= len(tokens):
        return None
    for rest in slot.get(tokens[i], ()):
        after = i + 1 + len(rest)
        if tuple(tokens[i + 1 : after]) == rest:
            end = _match(slots, k + 1, tokens, after)
            if end is not None:
                return end
    return None


def _features(tokens: list[str]) -> frozenset[str]:
    # Numbers are left to phrases: whether 17 is an alarm depends on the other age.
    stems = [stem(t) for t in tokens if t not in _STOP and t != BREAK and not t.isdigit()]
    return frozenset(stems) | frozenset(f"{a} {b}" for a, b in pairwise(stems))


def _pieces(tokens: list[str], excused: list[tuple[int, int]]) -> Iterator[list[str]]:
    """Each sentence, and windows of a long one, with idiom words left out."""
    start = 0
    for end in [*(i for i, t in enumerate(tokens) if t == BREAK), len(tokens)]:
        kept = [tokens[i] for i in range(start, end) if not any(s <= i < e for s, e in excused)]
        start = end + 1
        if len(kept) < 2:
            continue
        yield kept
        if len(kept) > WINDOW:
            for at in range(0, len(kept) - WINDOW // 2, WINDOW // 2):
                yield kept[at : at + WINDOW]
