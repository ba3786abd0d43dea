"""Safety comes first: danger gets help, never dating advice, and heartache is not danger."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import COLUMN, REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import Advisor
from advisor.errors import RuleError
from advisor.storage import bundled_rules

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
    ("he threatened to hurt me if I go out with anyone else", "threats"),
    ("he pressured me to have sex even though I said no", "sexual-violence"),
    ("he said he would share my nudes with everyone", "threats"),
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


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("i want to k\u0456ll myself", "self-harm"),  # a Cyrillic i
        ("my bf h1t me again", "violence"),
        ("he hiiiit me", "violence"),
        ("thinking about sucide since she left", "self-harm"),
        ("he stragled me last night", "violence"),
        ("wanna kms tbh", "self-harm"),
        ("he threatend to post my nudes", "threats"),
        (
            "\uff28\uff25 \uff23\uff28\uff2f\uff2b\uff25\uff24 \uff2d\uff25",
            "violence",
        ),  # HE CHOKED ME, full width
        ("he hit me up last week and then hit me when I said no", "violence"),
    ],
)
def test_the_screen_sees_through_how_people_type(
    advisor: Advisor, text: str, category: str
) -> None:
    hit = advisor.danger(text)
    assert hit is not None and hit.category.id == category, text


@pytest.mark.parametrize(
    "text",
    [
        "he hit me with the 'let's be friends' line",
        "I'm scared he will hurt my feelings again",
        "I'm 5 foot 2 and he is 25",
        "I'm 5'10 and she's taller",
        "we live 50 kms apart",
        "he rapped the whole song at karaoke",
        "she slays me every time she laughs",
        "my ex is dead to me",
        "I'm dying of curiosity, did he like me?",
        "this wait is torture",
        "I'm 26 and he's 31",
    ],
)
def test_idioms_and_ordinary_numbers_raise_no_alarm(advisor: Advisor, text: str) -> None:
    assert advisor.danger(text) is None, advisor.danger(text)


@pytest.mark.parametrize(
    ("text", "must", "must_not"),
    [
        ("I want to end my life", ["Put distance between yourself", "988"], ["ShelterSafe"]),
        ("he forced himself on me last night", ["RAINN", "medical care"], ["988 Suicide"]),
        ("he choked me", ["Domestic Violence Hotline", "can be watched"], ["RAINN"]),
        (
            "my daughter is 14 and her boyfriend is 22",
            ["your child", "NSPCC", "child-protection"],
            ["a school counsellor"],
        ),
        ("I'm 14 and he's 23", ["a school counsellor", "Childline"], ["NSPCC"]),
    ],
)
def test_each_danger_gets_its_own_help(
    advisor: Advisor, text: str, must: list[str], must_not: list[str]
) -> None:
    reply = advisor.advise(text).reply
    for words in must:
        assert words in reply, (words, reply)
    for words in must_not:
        assert words not in reply, (words, reply)
    assert "not a crisis service" in reply


def test_ambiguous_distress_gets_a_gentle_question_not_the_whole_plan(advisor: Advisor) -> None:
    advice = advisor.advise("I just want to disappear")
    assert advice.safety and advice.safety_hit is not None and advice.safety_hit.check_in
    assert "are you thinking about suicide" in advice.reply
    assert "988" in advice.reply
    assert "For right now" not in advice.reply


def test_every_help_line_names_the_page_it_was_checked_against(advisor: Advisor) -> None:
    for resource in advisor.book.safety.resources:
        assert resource.url.startswith(("https://", "http://")), resource


def test_a_custom_lexicon_cannot_switch_off_the_screen(make_book: Callable[..., Path]) -> None:
    lexicon = (bundled_rules() / "lexicon.yaml").read_text(encoding="utf-8")
    lexicon = lexicon.replace(
        "shorthand:\n", "shorthand:\n  myself: me\n  kill: hug\n  hit: pat\n", 1
    )
    root = make_book(lexicon_yaml=lexicon)
    custom = Advisor(root)
    assert custom.danger("I want to kill myself") is not None
    assert custom.danger("he hit me") is not None


def test_a_custom_book_may_add_to_safety(
    make_book: Callable[..., Path],
) -> None:
    root = make_book(
        safety_yaml="""
        categories:
          - id: violence
            title: someone hurting you
            tier: alarm
            message: m
            resources: [emergency]
            phrases: ["{partner} bonked me"]
        """
    )
    assert Advisor(root).danger("my boyfriend bonked me on the head") is not None


def test_a_custom_book_cannot_weaken_safety(make_book: Callable[..., Path]) -> None:
    weakened = make_book(safety_yaml="idioms: ['kill myself']\nbar: 0.99999999\n")
    with pytest.raises(RuleError) as caught:
        Advisor(weakened)
    text = str(caught.value)
    assert "safety.yaml:1: a custom rule book cannot set 'idioms'" in text
    assert "cannot set 'bar'" in text


def test_a_phrase_naming_a_list_that_does_not_exist_is_reported(
    make_book: Callable[..., Path],
) -> None:
    root = make_book(
        safety_yaml="""
        categories:
          - id: extra
            title: t
            tier: alarm
            message: m
            resources: [emergency]
            phrases: ["{nosuchlist} me"]
        """
    )
    with pytest.raises(RuleError, match=r"safety.yaml:7: the phrase uses \{nosuchlist\}"):
        Advisor(root)


def test_the_development_half_stays_above_its_floor(advisor: Advisor) -> None:
    """A "still fires" check on the safety set we tune on; held-out figures are in the README."""
    from advisor.evaluate import load_cases, screen

    results = screen(advisor, load_cases(REPO / "tests" / "safety" / "dev.yaml"))
    crisis = [r for r in results if r.case.expected == "safety"]
    calm = [r for r in results if r.case.expected != "safety"]
    assert len(crisis) >= 250 and len(calm) >= 200
    assert sum(r.alarmed for r in crisis) / len(crisis) >= 0.93
    assert sum(r.alarmed for r in calm) / len(calm) <= 0.03
