"""Recognise messages about danger, which get help instead of dating advice."""

from __future__ import annotations

from dataclasses import dataclass

from advisor.models import Safety, SafetyCategory
from advisor.normalise import Normaliser


@dataclass(frozen=True)
class SafetyHit:
    """A message matched a safety category."""

    category: SafetyCategory
    matched: str
    """The words of the message that matched, for `--explain`."""


def check(text: str, safety: Safety, normaliser: Normaliser) -> SafetyHit | None:
    """The first safety category the text matches, or None."""
    plain = normaliser.plain(text)
    for category in safety.categories:
        for pattern in category.patterns:
            found = pattern.search(plain)
            if found:
                return SafetyHit(category, found.group(0))
    return None
