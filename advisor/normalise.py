"""Text normalisation: clean, expand, rewrite, stem and mark negation, for rules and users alike."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from advisor.models import Lexicon

NEGATION_SCOPE = 3
"""How many content words after "not" or "never" count as negated."""

_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u02bc": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
    }
)
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NOT = re.compile(r"\b(\w+)n't\b")
_IRREGULAR_NOT = {"wo": "will", "ca": "can", "sha": "shall", "ai": "is"}
_SUFFIXES = {"'re": " are", "'ve": " have", "'ll": " will", "'d": " would", "'m": " am"}
_IS = re.compile(r"\b(he|she|it|that|there|what|who|where|how|here|everything)'s\b")
_TOKEN = re.compile(r"[a-z0-9_]+|[.!?;,:]")
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")
_BREAK = frozenset(".!?;,:")
_PERSONAL = frozenset({"i", "me", "myself", "he", "himself", "you", "yourself"})
"""Pronouns are never negated: "he never called" negates the calling, not him."""


def clean(text: str) -> str:
    """Remove terminal escapes, control, zero-width and direction characters; fold quotes."""
    text = _ANSI.sub("", text)
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_QUOTES)
    text = text.replace("\r\n", "\n").replace("\t", " ")
    return _CONTROL.sub(" ", text)


def expand(text: str) -> str:
    """Lowercase and expand English contractions written with an apostrophe."""
    text = text.lower()
    text = _NOT.sub(lambda m: f"{_IRREGULAR_NOT.get(m.group(1), m.group(1))} not", text)
    text = _IS.sub(r"\1 is", text)
    for suffix, full in _SUFFIXES.items():
        text = text.replace(suffix, full)
    return text.replace("'s", "").replace("'", "")


def stem(word: str) -> str:
    """Strip common English endings so that call, calls, called and calling meet."""
    while True:
        before = word
        if len(word) > 4 and word.endswith(("ies", "ied")):
            word = word[:-3] + "y"
        elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
        if len(word) > 5 and word.endswith("ing"):
            word = _undouble(word[:-3])
        elif len(word) > 4 and word.endswith("ed"):
            word = _undouble(word[:-2])
        if len(word) > 3 and word.endswith("e"):
            word = word[:-1]
        if word == before:
            return word


def _undouble(word: str) -> str:
    if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsz":
        return word[:-1]
    return word


class Normaliser:
    """Turns text into the content tokens the matcher compares, using one rule book's lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._short = {word: self._resolve(word) for word in lexicon.shorthand}
        self._table = {
            tuple(self._shorthand(k)): self._shorthand(v) for k, v in lexicon.phrases.items()
        }
        self._longest = max((len(k) for k in self._table), default=0)

    def _resolve(self, word: str) -> str:
        """Follow shorthand chains (bf -> boyfriend -> partner) to their end."""
        seen = {word}
        result = self.lexicon.shorthand[word]
        while result in self.lexicon.shorthand and result not in seen:
            seen.add(result)
            result = self.lexicon.shorthand[result]
        return result

    def _shorthand(self, text: str) -> list[str]:
        words: list[str] = []
        for token in _TOKEN.findall(expand(text)):
            for word in self.lexicon.contractions.get(token, token).split():
                words.extend(self._short.get(word, word).split())
        return words

    def plain(self, text: str) -> str:
        """Lowercase words with every contraction expanded and nothing else rewritten."""
        words: list[str] = []
        for token in _TOKEN.findall(expand(clean(text))):
            words.append(self.lexicon.contractions.get(token, token))
        return " ".join(words)

    def words(self, text: str, correct: Callable[[str], str] | None = None) -> list[str]:
        """Cleaned words and sentence punctuation with shorthand, spelling and phrases rewritten."""
        words = self._shorthand(clean(text))
        if correct is not None:
            words = [correct(w) for w in words]
        return self._phrases(words)

    def spellings(self, text: str) -> list[str]:
        """Every word form a text uses, before and after phrases are rewritten."""
        words = self._shorthand(clean(text))
        return words + self._phrases(words)

    def known(self) -> set[str]:
        """Words the lexicon itself knows: they are never taken for misspellings."""
        lex = self.lexicon
        found = set(lex.stopwords | lex.negations | lex.negation_breaks)
        for phrase in lex.phrases:
            found.update(self._shorthand(phrase))
        for word in (*lex.shorthand.values(), *lex.contractions.values()):
            found.update(word.split())
        return found

    def _phrases(self, words: list[str]) -> list[str]:
        table, longest = self._table, self._longest
        if not table:
            return words
        out: list[str] = []
        i = 0
        while i < len(words):
            for size in range(min(longest, len(words) - i), 0, -1):
                replacement = table.get(tuple(words[i : i + size]))
                if replacement is not None:
                    out.extend(replacement)
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def tokens(self, text: str, correct: Callable[[str], str] | None = None) -> list[str]:
        """Content tokens: stemmed, stopwords dropped, words after a negation marked `not_`."""
        lex = self.lexicon
        out: list[str] = []
        scope = 0
        for word in self.words(text, correct):
            if word in _BREAK or word in lex.negation_breaks:
                scope = 0
                continue
            if word in lex.negations:
                scope = NEGATION_SCOPE
                continue
            negated = word.startswith("not_")
            if negated:
                word = word[4:]
            if word in lex.stopwords:
                continue
            if word.isdigit():
                # Ages and counts matter as kinds, not values: "I'm 45" is like "I'm 50".
                word = "age" if 18 <= int(word[:3]) <= 120 else "few"
            elif word[:-1].isdigit() and word.endswith("s"):
                word = "age"  # in my 40s
            word = stem(word)
            if (scope or negated) and word not in _PERSONAL:
                word = "not_" + word
                scope = max(scope - 1, 0)
            out.append(word)
        return out


def sentences(text: str) -> list[tuple[str, bool]]:
    """Split text into sentences, each with whether it is a question."""
    found: list[tuple[str, bool]] = []
    for m in _SENTENCE.finditer(clean(text)):
        sentence = m.group(0).strip()
        if any(ch.isalnum() for ch in sentence):
            found.append((sentence, sentence.rstrip().endswith("?")))
    return found


def pronoun(text: str, lexicon: Lexicon) -> str | None:
    """The pronoun the user uses for the other person: he, she or they (None if none is used)."""
    counts = {"he": 0, "she": 0, "they": 0}
    for word in _TOKEN.findall(expand(clean(text))):
        cue = lexicon.pronoun_cues.get(word)
        if cue is not None:
            counts[cue] += 1
    if counts["he"] or counts["she"]:
        return "she" if counts["she"] > counts["he"] else "he"
    return "they" if counts["they"] else None
