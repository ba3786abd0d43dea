"""Text normalisation: contractions, shorthand, stemming, negation, sentences, pronouns."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import Advisor
from advisor.normalise import Normaliser, clean, expand, pronoun, sentences, stem


@pytest.fixture(scope="module")
def norm(advisor: Advisor) -> Normaliser:
    return advisor.matcher.normaliser


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("he didn't call", "he did not call"),
        ("he won't, I can't", "he will not, i can not"),
        ("she's shy and I'm sad", "she is shy and i am sad"),
        ("we'd have, they're here", "we would have, they are here"),
    ],
)
def test_contractions_expand(text: str, expected: str) -> None:
    assert expand(text) == expected


@pytest.mark.parametrize(
    ("words", "stemmed"),
    [
        ("calls called calling call", "call"),
        ("texted texting texts", "text"),
        ("stopped stopping", "stop"),
        ("replies replied", "reply"),
    ],
)
def test_stemming_meets_at_one_stem(words: str, stemmed: str) -> None:
    assert {stem(w) for w in words.split()} == {stemmed}


def test_shorthand_and_misspellings_read_like_plain_english(norm: Normaliser) -> None:
    assert norm.tokens("shud i txt him") == norm.tokens("Should I text him?")
    assert norm.tokens("he didnt call") == norm.tokens("He didn't call.")


def test_pronouns_are_folded_so_she_and_they_match_he(norm: Normaliser) -> None:
    assert norm.tokens("she never called") == norm.tokens("he never called")
    assert norm.tokens("they never called") == norm.tokens("he never called")


def test_negation_marks_the_words_it_covers(norm: Normaliser) -> None:
    assert "not_call" in norm.tokens("he never called")
    assert "call" in norm.tokens("he did call")
    assert "not_call" not in norm.tokens("he did call")
    # the negation stops at "but"
    assert "text" in norm.tokens("I don't know, but should I text him")


def test_clean_strips_escapes_and_invisible_characters() -> None:
    assert clean("he\x1b[31m never\u200b called\u202e") == "he never called"
    assert clean("he\x00 called") == "he  called"


def test_sentences_split_and_mark_questions() -> None:
    found = sentences("I met a guy. He never called! Should I text him? Thanks")
    assert [q for _, q in found] == [False, False, True, False]
    assert found[2][0] == "Should I text him?"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("he never called", "he"),
        ("she never texted me back", "she"),
        ("they ghosted me", "they"),
        ("I met someone", None),
        ("she has a boyfriend but flirts with me", "she"),
        ("he told me they are just friends", "he"),
    ],
)
def test_pronoun_detection(advisor: Advisor, text: str, expected: str | None) -> None:
    assert pronoun(text, advisor.book.lexicon) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_normalising_twice_changes_nothing(advisor: Advisor, text: str) -> None:
    norm = advisor.matcher.normaliser
    once = norm.tokens(text)
    assert norm.tokens(" ".join(once)) == once
