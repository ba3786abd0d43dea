"""Recognise messages about danger, which get help instead of dating advice.

The screen reads a message its own way, never through a rule book's lexicon: look-alike
letters, leetspeak, shorthand and small misspellings of its key words are undone first.
Then three kinds of rule fire: phrases (words, `{lists}` of words and `...` gaps), regular
expressions for the few things phrases cannot say, and an example model that learns from each
category's example sentences, against ordinary talk, which words signal it. Idioms ("hit me
up") excuse only the words they cover.
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, KeysView, Sequence
from itertools import pairwise
from typing import NamedTuple

from advisor.errors import Where
from advisor.index import HashIndex
from advisor.models import Example, Safety, SafetyCategory
from advisor.normalise import clean, expand, stem

GAP = 8
"""How many words `...` in a phrase may stand for, within one sentence."""
WINDOW = 14
"""Long sentences are also compared with examples a window of this many words at a time."""
PARTS = 1_000_000
"""Where the parts of `&&` combinations start among the unpacked phrases' keys."""
CACHE_LIMIT = 100_000
"""How many words each of the screen's caches keeps."""
CLIP = 4.0
"""No one word may count for more than this (in log odds): a rare word is weak evidence."""
CALM = 2.0
"""Ordinary words count against danger, but less: dating talk must not veto a disclosure."""
PRUNE = 1.0
"""Words whose weight stays below this for every category are left out of the model."""
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
# Patterns most messages never need: `re` compiles them on first use, not at start-up.
_REPEAT = r"(.)\1{2,}"
_DOUBLE = r"(.)\1"
_HEIGHT = r"(\d)['\u2019](\d)"
_NUMBER_WORD = r"^(\d+)(.*)$"
_NUMBER_RANGE = r"^(\d{1,3})-(\d{1,3})$"
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
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_CACHES = frozenset(
    {"_slots", "_words", "_stems", "_corrected", "_correctable", "_parsed", "_anchored", "_names"}
)
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
    model: bool = False
    """True when the example model caught it, rather than a phrase or pattern."""
    others: tuple[SafetyCategory, ...] = ()
    """Other kinds of danger the message raised: their help lines are shown too."""

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
    """A compiled phrase: each slot its forms joined by "|", `None` for a gap, `$` for the end."""

    slots: tuple[str | None, ...]
    text: str
    where: Where


class Screen:
    """Every safety rule, compiled once; `check` reads a message.

    What is kept is compact (strings and flat arrays) because it is loaded from the cache
    on every run; the forms matching needs are unpacked on first use.
    """

    def __init__(self, safety: Safety, ordinary: Iterable[Example] = ()) -> None:
        """Compile the rules; `ordinary` adds everyday sentences (the bundled dating
        examples) to the ordinary talk the example model learns from."""
        self.shorthand = dict(safety.shorthand)
        self.known = HashIndex([])
        self._reset()
        words = {name: _expand_ranges(items) for name, items in safety.words.items()}
        self.lists: dict[str, str] = {}
        """Every form of each word list that phrases use, joined by "|"."""
        phrases: list[tuple[int, Phrase]] = []
        parts: list[tuple[int, Phrase]] = []
        self.combinations: list[tuple[int, int, str, Where]] = []
        """Phrases joined by `&&`: (category, how many parts, text, where)."""
        for number, category in enumerate(safety.categories):
            for example in category.phrases:
                pieces = example.text.split("&&")
                if len(pieces) == 1:
                    phrases.append((number, self._compile(example, words)))
                    continue
                combination = len(self.combinations)
                self.combinations.append((number, len(pieces), example.text, example.where))
                for piece in pieces:
                    part = self._compile(Example(piece.strip(), example.where), words)
                    parts.append((combination, part))
        idioms = [(-1, self._compile(e, words)) for e in safety.idioms]
        # Stored packed, one string each: unpacked when a message could match them.
        self.phrases = [_pack(number, phrase) for number, phrase in phrases]
        self.parts = [_pack(combination, part) for combination, part in parts]
        self.idioms = [_pack(number, phrase) for number, phrase in idioms]
        self.anchors = self._anchors([p for _, p in phrases])
        """For each word, the phrases that cannot match a sentence without it."""
        self.part_anchors = self._anchors([p for _, p in parts])
        self.idiom_anchors = self._anchors([p for _, p in idioms])
        self.patterns = [
            (number, p, must_contain(p.text))
            for number, category in enumerate(safety.categories)
            for p in category.patterns
        ]
        known = {w for _, p in [*phrases, *idioms] for w in self._words_of(p)}
        labelled = [(n, e) for n, c in enumerate(safety.categories) for e in c.examples]
        ordinary_label = len(safety.categories)
        labelled += [(ordinary_label, e) for e in (*safety.guards, *ordinary)]
        documents: list[frozenset[str]] = []
        for _, example in labelled:
            tokens = self.read(example.text, correct=False)
            known.update(tokens)
            documents.append(self._features(tokens))
        names, self.weights = _evidence(documents, [n for n, _ in labelled], ordinary_label)
        self.features = HashIndex([(f, row) for row, f in enumerate(names)])
        """Each word or pair the model knows, to its row of weights."""
        self.names = "\n".join(names)
        """The same words in row order, to explain a catch."""
        count = ordinary_label
        self.top = array(
            "f", (max(0.0, *self.weights[k * count : (k + 1) * count]) for k in range(len(names)))
        )
        """For each feature, the most it can count towards any category."""
        words_known = sorted(known | set(self.shorthand))
        self.known = HashIndex([(w, 0) for w in words_known])
        """Every word the rules use: never taken for a misspelling."""
        self.known_words = "\n".join(words_known)
        self.never_correct = safety.never_correct
        self.bar = math.log(safety.bar / (1 - safety.bar)) if 0 < safety.bar < 1 else math.inf
        """The log odds the example model needs."""
        self.safety = _slim(safety)
        self._reset()

    def _reset(self) -> None:
        """Empty the caches, which are never stored."""
        self._slots: dict[str, Slot] = {}
        self._words: dict[str, tuple[str, ...]] = {}
        self._stems: dict[str, str] = {}
        self._corrected: dict[str, str] = {}
        self._correctable: frozenset[str] | None = None
        self._parsed: dict[int, tuple[int, Phrase, tuple[Slot | None, ...]]] = {}
        self._anchored: dict[tuple[int, str], list[int]] = {}
        self._names: list[str] | None = None

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k not in _CACHES}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._reset()

    def _compile(self, example: Example, words: dict[str, tuple[str, ...]]) -> Phrase:
        """Turn "he {harm} me ..." into slots; unknown `{lists}` are reported by the loader."""
        slots: list[str | None] = []
        for part in example.text.lower().split():
            if part == "...":
                if slots and slots[-1] is not None:
                    slots.append(None)
                continue
            if part == END:
                slots.append(END)
                continue
            if part.startswith("{") and part.endswith("}"):
                name = part[1:-1]
                if name not in self.lists:  # every form of a list, written once however often used
                    self.lists[name] = self._forms(words.get(name, ()))
                slots.append(part)
            else:
                slots.append(self._forms((part,)))
        while slots and slots[-1] is None:
            slots.pop()
        while slots and slots[0] is None:
            slots.pop(0)
        return Phrase(tuple(slots), example.text, example.where)

    def _forms(self, options: Iterable[str]) -> str:
        """Every form of some words, as read and inflected, joined by "|"."""
        forms: set[str] = set()
        for option in options:
            first, *rest = self.read(option, correct=False) or [option]
            forms.update(" ".join([form, *rest]) for form in inflections(first))
        return "|".join(sorted(forms))

    def _unpack(
        self, packed: list[str], n: int, key: int
    ) -> tuple[int, Phrase, tuple[Slot | None, ...]]:
        """A packed phrase, its category and its slots, unpacked once."""
        found = self._parsed.get(key)
        if found is None:
            number, phrase = _unpack(packed[n])
            found = self._parsed[key] = (number, phrase, self.slots(phrase))
        return found

    def _candidates(self, where: dict[str, list[int]], anchors: HashIndex, key: int) -> set[int]:
        """The phrases whose most selective words are in a sentence (and perhaps a few more)."""
        found: set[int] = set()
        cache = self._anchored
        for word in where:
            ids = cache.get((key, word))
            if ids is None:
                ids = anchors.candidates(word)
                if len(cache) < CACHE_LIMIT:
                    cache[key, word] = ids
            found.update(ids)
        return found

    def slots(self, phrase: Phrase) -> tuple[Slot | None, ...]:
        """A phrase's slots as matching needs them: first words, each with the words after."""
        found: list[Slot | None] = []
        for text in phrase.slots:
            if text is None:
                found.append(None)
                continue
            slot = self._slots.get(text)
            if slot is None:
                options: dict[str, list[tuple[str, ...]]] = defaultdict(list)
                forms = self.lists[text[1:-1]] if text.startswith("{") else text
                for option in forms.split("|"):
                    first, *rest = option.split(" ")
                    options[first].append(tuple(rest))
                slot = self._slots[text] = {w: tuple(r) for w, r in options.items()}
            found.append(slot)
        return tuple(found)

    def _words_of(self, phrase: Phrase) -> Iterator[str]:
        for text in phrase.slots:
            if text is not None and text != END:
                forms = self.lists[text[1:-1]] if text.startswith("{") else text
                yield from forms.replace("|", " ").split()

    def _anchors(self, phrases: list[Phrase]) -> HashIndex:
        """Index phrases by the words of their most selective slot: the one whose words are
        least often written ("me" and "he" are in almost every message)."""
        pairs: list[tuple[str, int]] = []
        for n, phrase in enumerate(phrases):
            slots = [s for s in self.slots(phrase) if s and END not in s]
            if slots:
                rarest = min(slots, key=lambda s: sum(1000 if w in _COMMON else 1 for w in s))
                pairs += [(word, n) for word in rarest]
        return HashIndex(pairs)

    def read(self, text: str, *, correct: bool = True) -> list[str]:
        """The message's words as the screen compares them, with look-alikes, leetspeak,
        shorthand and misspellings undone; "." ends a sentence."""
        text = clean(text).lower().translate(_LOOKALIKES)
        if not text.isascii():
            text = unicodedata.normalize("NFKD", text)
            text = "".join(c for c in text if not unicodedata.combining(c))
        if "'" in text or "\u2019" in text:
            text = re.sub(_HEIGHT, r"\1 ft \2", text)  # 5'10 is a height, not the number 510
        tokens: list[str] = []
        words = self._words if correct else {}
        for raw in _TOKEN.findall(expand(text)):
            found = words.get(raw)
            if found is None:
                found = self._word(raw, correct)
                if correct and len(words) < CACHE_LIMIT:
                    words[raw] = found
            if not found:
                continue
            if found[0] == BREAK:
                if tokens and tokens[-1] != BREAK:
                    tokens.append(BREAK)
            elif found != (raw,) and tokens and tokens[-1].isdigit() and raw.isalpha():
                tokens.append(raw)  # a unit: "50 kms" is no shorthand
            else:
                tokens.extend(found)
        return tokens

    def _word(self, raw: str, correct: bool) -> tuple[str, ...]:
        """How one raw word is read: the words it stands for."""
        if raw in ".!?\n":
            return (BREAK,)
        parts = [raw]
        if raw[0].isdigit() and not raw.isdigit():
            parts = list(re.match(_NUMBER_WORD, raw).groups())  # type: ignore[union-attr]
            if parts[1] in ("st", "nd", "rd", "th"):
                parts = parts[:1]  # 9th grade: the number is what counts
        elif not raw.isalpha() and not raw.isdigit():
            parts = [raw.translate(_LEET)]  # k1ll, su1c1de; ages stay numbers
        found: list[str] = []
        for part in parts:
            word = part
            if any(a == b == c for a, b, c in zip(part, part[1:], part[2:], strict=False)):
                word = re.sub(_REPEAT, r"\1\1", part)  # sooo, killll
                if word not in self.known:
                    word = re.sub(_DOUBLE, r"\1", word)  # hiiiit: hiit, then hit
            if correct:
                word = self.correct(word)
            found.extend(self.shorthand.get(word, word).split())
        return tuple(found)

    def correct(self, word: str) -> str:
        """The word a misspelling one letter short or one letter long was meant to be."""
        if word in self.known or len(word) < 5 or not word.isalpha():
            return word
        found = self._corrected.get(word)
        if found is None:
            targets = self._targets()
            candidates = {word[:i] + c + word[i:] for i in range(len(word) + 1) for c in _LETTERS}
            if len(word) >= 6:
                candidates |= {word[:i] + word[i + 1 :] for i in range(len(word))}
            found = min(candidates & targets, default=word)
            if len(self._corrected) < CACHE_LIMIT:
                self._corrected[word] = found
        return found

    def _targets(self) -> frozenset[str]:
        """Words a misspelling may be corrected to, worked out on first need."""
        if self._correctable is None:
            self._correctable = frozenset(
                w
                for w in self.known_words.split("\n")
                if len(w) >= 5 and w.isalpha() and w not in self.never_correct
            )
        return self._correctable

    def check(self, text: str) -> SafetyHit | None:
        """The most serious safety category the text falls under, or None."""
        hits = list(self.hits(self.read(text)))
        if not hits:
            return None
        alarms = [h for h in hits if not h.check_in] or hits
        order = {c.id: n for n, c in enumerate(self.safety.categories)}
        # A phrase is surer evidence than the example model; then the more serious danger.
        first = min(alarms, key=lambda h: (h.model, order[h.category.id]))
        others = {h.category.id: h.category for h in alarms if h.category.id != first.category.id}
        return first._replace(others=tuple(others.values()))

    def hits(self, tokens: list[str]) -> Iterator[SafetyHit]:
        """Every rule that fires on a reading, each category once per kind of rule.

        Rules never reach across sentences, so each distinct sentence is read once: a long
        letter that repeats itself costs little more than one of its sentences.
        """
        categories = self.safety.categories
        found: set[tuple[int, str]] = set()
        done: set[tuple[str, ...]] = set()
        parts: dict[int, dict[str, str]] = defaultdict(dict)
        """For each combination, the parts found so far and the words they matched."""
        for sentence in _sentences(tokens):
            if sentence in done:
                continue
            done.add(sentence)
            where: dict[str, list[int]] = defaultdict(list)
            for i, word in enumerate(sentence):
                where[word].append(i)
            excused = self._excused(sentence, where)
            for combination, part, start, end in self._phrases(
                sentence, where, excused, self.parts, self.part_anchors, PARTS
            ):
                parts[combination].setdefault(part.text, " ".join(sentence[start:end]))
            for number, phrase, start, end in self._phrases(
                sentence, where, excused, self.phrases, self.anchors, 0
            ):
                if (number, "phrase") not in found:
                    found.add((number, "phrase"))
                    matched = " ".join(sentence[start:end])
                    yield SafetyHit(categories[number], matched, phrase.text, phrase.where)
            for number, words, telling in self._model(sentence, excused):
                if (number, "example") not in found:
                    found.add((number, "example"))
                    rule = f"its examples, most of all: {', '.join(telling)}"
                    category = categories[number]
                    yield SafetyHit(category, " ".join(words), rule, category.where, True)
        for combination, pieces in parts.items():
            number, needed, text, at = self.combinations[combination]
            if len(pieces) == needed and (number, "phrase") not in found:
                found.add((number, "phrase"))
                yield SafetyHit(categories[number], " ... ".join(pieces.values()), text, at)
        text = " ".join(tokens)
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
        for n in self._candidates(where, self.idiom_anchors, -1):
            _, _, slots = self._unpack(self.idioms, n, -1 - n)
            for start, end in _spans(slots, sentence, where, where.keys()):
                excused.update(range(start, end))
        return excused

    def _phrases(
        self,
        sentence: tuple[str, ...],
        where: dict[str, list[int]],
        excused: set[int],
        packed: list[str],
        anchors: HashIndex,
        offset: int,
    ) -> Iterator[tuple[int, Phrase, int, int]]:
        """The phrases of a packed list that match a sentence, each at its first match."""
        present = where.keys()
        for n in sorted(self._candidates(where, anchors, offset)):
            number, phrase, slots = self._unpack(packed, n, offset + n)
            for start, end in _spans(slots, sentence, where, present):
                if excused.isdisjoint(range(start, end)):
                    yield number, phrase, start, end
                    break

    def _model(
        self, sentence: tuple[str, ...], excused: set[int]
    ) -> Iterator[tuple[int, list[str], list[str]]]:
        """Pieces of a sentence the example model is sure enough are about a danger, with
        the words that told it most."""
        count = len(self.safety.categories)
        kept = [w for i, w in enumerate(sentence) if i not in excused]
        pieces = [kept]
        if len(kept) > WINDOW:
            pieces = [kept[at : at + WINDOW] for at in range(0, len(kept), WINDOW // 2)]
        for words in pieces:
            ids = [k for f in self._features(words) if (k := self.features.get(f)) is not None]
            if sum(self.top[k] for k in ids) < self.bar:
                continue  # not even the most favourable reading could reach the bar
            odds = [sum(self.weights[k * count + c] for k in ids) for c in range(count)]
            best = max(range(count), key=odds.__getitem__)
            if odds[best] >= self.bar:
                if self._names is None:
                    self._names = self.names.split("\n")
                names = {k: self._names[k] for k in ids}
                strongest = sorted(ids, key=lambda k: -self.weights[k * count + best])[:3]
                written = {self._stems.get(w, w): w for w in reversed(words)}
                yield (
                    best,
                    words,
                    [
                        " ".join(written.get(part, part) for part in names[k].split())
                        for k in strongest
                    ],
                )

    def _features(self, words: list[str]) -> frozenset[str]:
        """Stems and pairs of stems: what the example model compares."""
        stems = self._stems
        kept: list[str] = []
        for word in words:
            if word in _STOP or word.isdigit():
                continue  # numbers are left to phrases: 17 matters only beside another age
            found = stems.get(word)
            if found is None:
                found = stem(word)
                if len(stems) < CACHE_LIMIT:
                    stems[word] = found
            kept.append(found)
        pairs = frozenset(f"{a} {b}" for a, b in pairwise(kept))
        # Words in every message ("he", "me") count only in pairs: "hit me", not "me".
        return frozenset(w for w in kept if w not in _COMMON) | pairs


def _pack(number: int, phrase: Phrase) -> str:
    slots = "\x1e".join("" if s is None else s for s in phrase.slots)
    where = phrase.where
    return "\x1f".join([str(number), phrase.text, where.file, str(where.line), slots])


def _unpack(packed: str) -> tuple[int, Phrase]:
    number, text, file, line, slots = packed.split("\x1f")
    parts = tuple(s or None for s in slots.split("\x1e"))
    return int(number), Phrase(parts, text, Where(file, int(line)))


def _expand_ranges(items: tuple[str, ...]) -> tuple[str, ...]:
    """A word list with number ranges (18-99) written out."""
    found: list[str] = []
    for item in items:
        numbers = re.match(_NUMBER_RANGE, item)
        if numbers:
            found += [str(n) for n in range(int(numbers.group(1)), int(numbers.group(2)) + 1)]
        else:
            found.append(item)
    return tuple(found)


def _slim(safety: Safety) -> Safety:
    """The safety rules without what the screen has compiled: what a reply needs."""
    categories = tuple(c._replace(phrases=(), examples=()) for c in safety.categories)
    return safety._replace(categories=categories, words={}, idioms=(), guards=())


def _evidence(
    documents: list[frozenset[str]], labels: list[int], ordinary: int
) -> tuple[list[str], array[float]]:
    """For each feature, how much more likely each category makes it than ordinary talk.

    A naive Bayes model over the example sentences (label `ordinary` is ordinary talk):
    each weight is log P(feature | category) - log P(feature | ordinary), clipped so that
    no single rare word decides. Returns the features kept, in row order, and a flat array
    of weights, one row of `ordinary` categories per feature.
    """
    seen: list[dict[str, int]] = [defaultdict(int) for _ in range(ordinary + 1)]
    for features, label in zip(documents, labels, strict=True):
        for feature in features:
            seen[label][feature] += 1
    vocabulary = sorted(set().union(*documents)) if documents else []
    totals = [sum(c.values()) + SMOOTHING * len(vocabulary) for c in seen]

    def log_p(label: int, feature: str) -> float:
        return math.log((seen[label].get(feature, 0) + SMOOTHING) / totals[label])

    weights: array[float] = array("f")
    names: list[str] = []
    for feature in vocabulary:
        calm = log_p(ordinary, feature)
        row = [max(-CALM, min(CLIP, log_p(c, feature) - calm)) for c in range(ordinary)]
        if max(abs(w) for w in row) >= PRUNE:  # a word about as common everywhere says little
            names.append(feature)
            weights.extend(row)
    return names, weights


def _sentences(tokens: list[str]) -> Iterator[tuple[str, ...]]:
    start = 0
    for i, token in enumerate(tokens):
        if token == BREAK:
            if i > start:
                yield tuple(tokens[start:i])
            start = i + 1
    if start < len(tokens):
        yield tuple(tokens[start:])


def _spans(
    slots: tuple[Slot | None, ...],
    sentence: tuple[str, ...],
    where: dict[str, list[int]],
    present: KeysView[str],
) -> Iterator[tuple[int, int]]:
    """Where a phrase matches in a sentence: (start, end) of each match, in order.

    `where` lists the positions of each word of the sentence, and `present` is its keys.
    """
    for slot in slots:
        if slot is not None and END not in slot and present.isdisjoint(slot):
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
