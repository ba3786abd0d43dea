"""Safety comes first: danger gets help, never dating advice, and heartache is not danger."""

from __future__ import annotations

import re

import pytest
from conftest import COLUMN
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import Advisor

DANGER = [
    ("he hasn't called and I want to die", "self-harm"),
    ("I keep thinking about ending my life", "self-harm"),
    ("i wanna kms, he blocked me", "self-harm"),
    ("I've been cutting myself again since he left", "self-harm"),
    ("he shoved me against the wall last night", "violence"),
    ("honestly everyone would be better off without me", "self-harm"),
    ("I don't want to be here anymore", "self-harm"),
    ("he gets violent when he drinks", "violence"),
    ("he forced himself on me after the date", "sexual-violence"),
    ("I'm scared of my boyfriend", "violence"),
    ("I'm 16 and my boyfriend is 25", "minor"),
    ("I'm 14 and a guy online keeps asking for nudes", "minor"),
    ("my ex slapped me when I said I was leaving", "violence"),
    ("he threatened to hurt me if I go out with anyone else", "violence"),
    ("he pressured me to have sex even though I said no", "coercion"),
    ("he said he would share my nudes with everyone", "coercion"),
    ("I think I was drugged on our date", "sexual-violence"),
    ("he is stalking me since we broke up", "stalking"),
    ("I'm 14 and he's 22, is that ok if we date?", "minor"),
]
HEARTACHE = [
    "this is killing me, why won't he call",
    "I'm dying to see him again",
    "he hits me up every few weeks",
    "he never hit me back after our date",
    "I need to cut myself off from him completely",
    "I burned myself out trying to please him",
    "I'm only hurting myself by waiting for his text",
    "he pushed me into texting him first",
    "he took my phone number and never called",
    "we live 50 kms apart, is that too far to date?",
    "my 5 year old is with her dad this weekend and I'm dating a 35 year old",
    "I want to die of embarrassment, I texted him three times",
    "I don't want to be here at this party without him",
    "I'm 16 and my boyfriend is 17",
    "hit me back when you can, he said, and then nothing",
    "he never hit me, but he yells a lot when he is jealous",
    "I could just die of embarrassment, I texted him three times",
    "I'm 16 and he's 17 and we like each other",
    "he broke my heart and I cried all night",
    "I'm scared he'll never call",
    "I stalk his instagram every night",
    "I'm 34 and he's 36, is he ready for commitment?",
]


@pytest.mark.parametrize(("text", "category"), DANGER, ids=[c for _, c in DANGER])
def test_danger_gets_help_not_dating_advice(advisor: Advisor, text: str, category: str) -> None:
    advice = advisor.advise(text)
    assert advice.safety and advice.intent == "safety"
    assert advice.safety_hit is not None and advice.safety_hit.category.id == category
    assert advice.rules == () and advice.follow_up is None
    assert "emergency number" in advice.reply
    for principle in advisor.book.principles.values():
        assert principle.advice not in advice.reply
        assert principle.quote not in advice.reply


@pytest.mark.parametrize("text", HEARTACHE)
def test_ordinary_heartache_is_not_a_safety_alarm(advisor: Advisor, text: str) -> None:
    assert not advisor.advise(text).safety


@pytest.mark.skipif(not COLUMN.exists(), reason="the column text is not beside the checkout")
def test_the_columns_own_words_raise_no_alarm(advisor: Advisor) -> None:
    text = COLUMN.read_text(encoding="utf-8")
    for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
        if sentence.strip():
            assert not advisor.advise(sentence).safety, sentence


def test_help_lines_are_labelled_with_their_country(advisor: Advisor) -> None:
    reply = advisor.advise("I want to kill myself").reply
    assert "- US: 988 Suicide & Crisis Lifeline" in reply
    assert "- UK and Ireland: Samaritans" in reply
    assert reply.index("emergency number") < reply.index("988")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_a_safety_reply_never_carries_dating_advice(advisor: Advisor, text: str) -> None:
    advice = advisor.advise("he hit me. " + text)
    assert advice.safety
    assert advice.rules == ()


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"\b(hit|hits) me", ("hit", "hits")),
        (r"\bsuicid", ("suicid",)),
        (r"\b(a|)b", ()),
        (r"\b(x|y)?z", ()),
        (r"\bab?c", ()),
        (r"(?:x)", ()),
    ],
)
def test_the_search_shortcut_only_skips_patterns_that_cannot_match(
    pattern: str, words: tuple[str, ...]
) -> None:
    from advisor.safety import must_contain

    assert must_contain(pattern) == words


def test_danger_is_found_at_the_end_of_a_very_long_letter(advisor: Advisor) -> None:
    letter = "he never called me back after our date. " * 20_000 + "I want to die."
    assert advisor.advise(letter).safety


def test_no_rule_example_raises_an_alarm(advisor: Advisor) -> None:
    for intent in advisor.book.intents.values():
        for example in intent.examples:
            assert advisor.danger(example.text) is None, (intent.id, example.text)
