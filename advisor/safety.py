"""Recognise messages about danger, which get help instead of dating advice."""

from __future__ import annotations

import re
from typing import NamedTuple

from advisor.models import Safety, SafetyCategory
from advisor.normalise import Normaliser


class SafetyHit(NamedTuple):
    """A message matched a safety category."""

    category: SafetyCategory
    matched: str
    """The words of the message that matched, for `--explain`."""


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


def check(text: str, safety: Safety, normaliser: Normaliser) -> SafetyHit | None:
    """The first safety category the text matches, or None."""
    plain = normaliser.plain(text)
    for category in safety.categories:
        leads = category.leads or ((),) * len(category.patterns)
        for pattern, words in zip(category.patterns, leads, strict=True):
            if words and not any(w in plain for w in words):
                continue  # cannot match: not even compiled
            found = re.compile(pattern).search(plain)
            if found:
                return SafetyHit(category, found.group(0))
    return None
