"""Recognise messages about danger, which get help instead of dating advice."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from advisor.models import Safety, SafetyCategory
from advisor.normalise import Normaliser

_LOOKBEHINDS = re.compile(r"(?<=^\\b)(?:\(\?<[!=][^()]*\))+")
_LEADING_WORDS = re.compile(r"^\\b\(([a-z '|]+)\)(?![?*{])|^\\b([a-z ']+)(?![?*{a-z])")


class SafetyHit(NamedTuple):
    """A message matched a safety category."""

    category: SafetyCategory
    matched: str
    """The words of the message that matched, for `--explain`."""


@lru_cache(maxsize=4096)
def _must_contain(pattern: str) -> tuple[str, ...]:
    """Words one of which every match of the pattern starts with, when that is plain to see.

    A pattern such as `\\b(hit|hits) me` cannot match a text holding neither "hit" nor
    "hits", so a long letter is only searched with the patterns that could match it.
    An empty answer means "no such words": the pattern is always searched.
    """
    # Lookbehinds consume nothing, so the words after them still start every match.
    found = _LEADING_WORDS.match(_LOOKBEHINDS.sub("", pattern, count=1))
    if found is None:
        return ()
    words = tuple((found.group(1) or found.group(2)).split("|"))
    return () if "" in words else words


def check(text: str, safety: Safety, normaliser: Normaliser) -> SafetyHit | None:
    """The first safety category the text matches, or None."""
    plain = normaliser.plain(text)
    for category in safety.categories:
        for pattern in category.patterns:
            words = _must_contain(pattern)
            if words and not any(w in plain for w in words):
                continue  # cannot match: not even compiled
            found = re.compile(pattern).search(plain)
            if found:
                return SafetyHit(category, found.group(0))
    return None
