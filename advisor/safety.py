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
from collections.abc import Iterable, Iterator, Sequence
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
CLIP = 4.0
"""No one word may count for more than this (in log odds): a rare word is weak evidence."""
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
_COMMON_WORDS = """not no do does did have has had will would can could should i my me he she they
you him her his them their we our us what when if because"""
_COMMON = _KEEP | _STOP | frozenset(_COMMON_WORDS.split())
"""Words in almost every message: a phrase is never indexed by them."""


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
        self._stems: dict[str, str] = {}
        self.shorthand = dict(safety.shorthand)
        self.words = {name: self._list(items) for name, items in safety.words.items()}
        self.phrases = [
            (number, self.compile(example))
            for number, category in enumerate(safety.categories)
            for example in category.phrases
        ]
        self.idioms = [self.compile(e) for e in safety.idioms]
        self.anchors = _anchors(p for _, p in self.phrases)
        """For each word, the phrases that cannot match a sentence without it."""
        self.idiom_anchors = _anchors(self.idioms)
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
            documents.append(self._features(tokens))
            labels.append(number)
        self.index = Index(documents, labels, guard + 1)
        self.evidence = _evidence(documents, labels, guard + 1)
        self.top = {f: max(w) for f, w in self.evidence.items() if max(w) > 0}
        """For each word, the most it can count towards any category."""
        self._bar = math.log(safety.bar / (1 - safety.bar)) if 0 < safety.bar < 1 else math.inf
        self._words: dict[str, tuple[str, ...]] = {}
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
        text = clean(text).lower().translate(_LOOKALIKES)
        if not text.isascii():
            text = unicodedata.normalize("NFKD", text)
            text = "".join(c for c in text if not unicodedata.combining(c))
        text = _HEIGHT.sub(r"\1 ft \2", text)  # 5'10 is a height, not the number 510
        tokens: list[str] = []
        words = self._words if correct else {}
        for raw in _TOKEN.findall(expand(text)):
            found = words.get(raw)
            if found is None:
                found = self._word(raw, correct)
                if correct and len(words) < 100_000:
                    words[raw] = found
            if found[0] == BREAK:
                if tokens and tokens[-1] != BREAK:
                    tokens.append(BREAK)
            elif found != (raw,) and tokens and tokens[-1].isdigit() and raw.isalpha():
                tokens.append(raw)  # a unit: "50 kms" is no shorthand
            else:
                tokens.extend(found)
        return Reading(tokens)

    def _word(self, raw: str, correct: bool) -> tuple[str, ...]:
        """How one raw word is read: the words it stands for."""
        if raw in ".!?\n":
            return (BREAK,)
        parts = [raw]
        if raw[0].isdigit() and not raw.isdigit():
            parts = list(_NUMBER_WORD.match(raw).groups())  # type: ignore[union-attr]
        elif not raw.isalpha() and not raw.isdigit():
            parts = [raw.translate(_LEET)]  # k1ll, su1c1de; ages stay numbers
        found: list[str] = []
        for part in parts:
            word = _REPEAT.sub(r"\1\1", part)  # sooo, killll
            if word != part and word not in self.known:
                word = _DOUBLE.sub(r"\1", word)  # hiiiit: hiit, then hit
            if correct:
                word = self.correct(word)
            found.extend(self.shorthand.get(word, word).split())
        return tuple(found)

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
        """Every rule that fires on a reading, each category once per kind of rule.

        Rules never reach across sentences, so each distinct sentence is read once: a long
        letter that repeats itself costs little more than one of its sentences.
        """
        categories = self.safety.categories
        found: set[tuple[int, str]] = set()
        done: set[tuple[str, ...]] = set()
        for sentence in _sentences(reading.tokens):
            if sentence in done:
                continue
            done.add(sentence)
            where: dict[str, list[int]] = defaultdict(list)
            for i, word in enumerate(sentence):
                where[word].append(i)
            excused = self._excused(sentence, where)
            for number, phrase, start, end in self._phrases(sentence, where, excused):
                if (number, "phrase") not in found:
                    found.add((number, "phrase"))
                    matched = " ".join(sentence[start:end])
                    yield SafetyHit(categories[number], matched, phrase.text, phrase.where)
            for number, words in self._model(sentence, excused):
                if (number, "example") not in found:
                    found.add((number, "example"))
                    example = self._nearest(number, words)
                    yield SafetyHit(
                        categories[number], " ".join(words), example.text, example.where
                    )
        text = reading.text
        for number, pattern, leads in self.patterns:
            if leads and not any(w in text for w in leads):
                continue
            match = re.search(pattern.text, text)
            if match and (number, "pattern") not in found:
                found.add((number, "pattern"))
                yield SafetyHit(categories[number], match.group(0), pattern.text, pattern.where)

    def _excused(self, sentence: tuple[str, ...], where: dict[str, list[int]]) -> set[int]:
        """The positions of the words that idioms cover."""
        excused: set[int] = set()
        for n in _candidates(where, self.idiom_anchors):
            for start, end in _spans(self.idioms[n].slots, sentence, where):
                excused.update(range(start, end))
        return excused

    def _phrases(
        self, sentence: tuple[str, ...], where: dict[str, list[int]], excused: set[int]
    ) -> Iterator[tuple[int, Phrase, int, int]]:
        for n in sorted(_candidates(where, self.anchors)):
            number, phrase = self.phrases[n]
            for start, end in _spans(phrase.slots, sentence, where):
                if excused.isdisjoint(range(start, end)):
                    yield number, phrase, start, end
                    break

    def _model(
        self, sentence: tuple[str, ...], excused: set[int]
    ) -> Iterator[tuple[int, list[str]]]:
        """Pieces of a sentence that the example model is sure enough are about a danger."""
        bar, evidence, top = self._bar, self.evidence, self.top
        kept = [w for i, w in enumerate(sentence) if i not in excused]
        pieces = [kept]
        if len(kept) > WINDOW:
            pieces = [
                kept[at : at + WINDOW] for at in range(0, len(kept) - WINDOW // 2, WINDOW // 2)
            ]
        for words in pieces:
            features = self._features(words)
            if sum(top.get(f, 0.0) for f in features) < bar:
                continue  # not even the most favourable reading could reach the bar
            odds = [0.0] * len(self.safety.categories)
            for feature in features:
                for number, weight in enumerate(evidence.get(feature, ())):
                    odds[number] += weight
            best = max(range(len(odds)), key=odds.__getitem__)
            if odds[best] >= bar:
                yield best, words

    def _features(self, words: list[str]) -> frozenset[str]:
        stems = self._stems
        kept: list[str] = []
        for word in words:
            if word in _STOP or word.isdigit():
                continue
            found = stems.get(word)
            if found is None:
                found = stem(word)
                if len(stems) < 100_000:
                    stems[word] = found
            kept.append(found)
        return frozenset(kept) | frozenset(f"{a} {b}" for a, b in pairwise(kept))

    def _nearest(self, number: int, words: list[str]) -> Example:
        """The category's example closest to some words, to explain a catch."""
        scores = self._similar(words)
        mine = [n for n in scores if self.examples[n][0] == number]
        if not mine:
            return Example("", Where(""))
        return self.examples[max(mine, key=scores.__getitem__)][1]

    def _similar(self, words: list[str]) -> dict[int, float]:
        """Cosine similarity of some words to each example that shares a word with them."""
        query = self._features(words)
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

    def weight(label: int, feature: str) -> float:
        return max(-CLIP, min(CLIP, log_p(label, feature) - log_p(ordinary, feature)))

    return {f: tuple(weight(c, f) for c in range(ordinary)) for f in vocabulary}


def _phrase_words(phrase: Phrase) -> Iterator[str]:
    for slot in phrase.slots:
        for first, rests in (slot or {}).items():
            if first == END:
                continue
            yield first
            for rest in rests:
                yield from rest


def _sentences(tokens: list[str]) -> Iterator[tuple[str, ...]]:
    start = 0
    for i, token in enumerate(tokens):
        if token == BREAK:
            if i > start:
                yield tuple(tokens[start:i])
            start = i + 1
    if start < len(tokens):
        yield tuple(tokens[start:])


def _anchors(phrases: Iterable[Phrase]) -> dict[str, list[int]]:
    """Index phrases by the words of their most selective slot: the one whose words are
    least often written (a word such as "me" or "he" is in almost every message)."""
    index: dict[str, list[int]] = defaultdict(list)
    for n, phrase in enumerate(phrases):
        slots = [s for s in phrase.slots if s and END not in s]
        if not slots:
            continue
        rarest = min(slots, key=lambda slot: sum(1000 if w in _COMMON else 1 for w in slot))
        for word in rarest:
            index[word].append(n)
    return dict(index)


def _spans(
    slots: tuple[Slot | None, ...], sentence: tuple[str, ...], where: dict[str, list[int]]
) -> Iterator[tuple[int, int]]:
    """Where a phrase matches in a sentence: (start, end) of each match, in order.

    `where` lists the positions of each word of the sentence.
    """
    present = where.keys()
    if any(slot is not None and END not in slot and present.isdisjoint(slot) for slot in slots):
        return  # some word the phrase needs is not in the sentence
    first = slots[0]
    assert first is not None
    if len(first) < len(where):
        starts = sorted(i for word in first if word in where for i in where[word])
    else:
        starts = [i for i, word in enumerate(sentence) if word in first]
    for i in starts:
        end = _match(slots, 0, sentence, i)
        if end is not None:
            yield i, end


def _match(slots: tuple[Slot | None, ...], k: int, tokens: Sequence[str], i: int) -> int | None:
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


def _candidates(words: Iterable[str], anchors: dict[str, list[int]]) -> set[int]:
    """The phrases whose most selective words are among some words."""
    found: set[int] = set()
    for word in words:
        found.update(anchors.get(word, ()))
    return found
