"""The Advisor facade: the Advice it returns, pronoun mirroring, and replies from the rule book."""

from __future__ import annotations

import re

import pytest

from advisor import Advisor

JSON_KEYS = [
    "question",
    "intent",
    "confidence",
    "alternatives",
    "situations",
    "safety",
    "safety_category",
    "rules",
    "reply",
    "follow_up",
]


def test_to_dict_is_exactly_the_json_object(advisor: Advisor) -> None:
    data = advisor.advise("He didn't call after we exchanged numbers. Should I text him?").to_dict()
    assert list(data) == JSON_KEYS
    assert data["intent"] == "should-i-reach-out"
    assert set(data["rules"][0]) == {"id", "title", "advice", "quote", "source"}
    assert all(set(a) == {"intent", "confidence"} for a in data["alternatives"])


def test_a_reply_is_short_and_built_from_rule_book_sentences(advisor: Advisor) -> None:
    advice = advisor.advise("he never called after our date")
    assert advice.intent == "went-silent"
    assert len(advice.reply.split()) <= 170
    book = advisor.book
    known = {a for i in book.intents.values() for a in i.acknowledge}
    known |= {p.advice for p in book.principles.values()}
    known |= {advisor.renderer.quote(p) for p in book.principles.values()}
    known |= {i.follow_up.question for i in book.situations if i.follow_up}
    for paragraph in advice.reply.split("\n\n"):
        assert paragraph in known, paragraph
    assert advice.follow_up == "Did you give him your number, or did you take his?"


@pytest.mark.parametrize(
    ("text", "pronoun", "expected", "absent"),
    [
        ("she never texted me back after our date", "she", "her", " his "),
        ("they ghosted me after our first date", "they", "their", " his "),
        ("he ghosted me after our first date", "he", "his", " her "),
    ],
)
def test_the_reply_mirrors_the_users_pronoun(
    advisor: Advisor, text: str, pronoun: str, expected: str, absent: str
) -> None:
    advice = advisor.advise(text)
    assert advice.pronoun == pronoun
    body = " ".join(p.advice for p in advice.rules)
    assert re.search(rf"\b{expected}\b", body)
    assert absent not in f" {body} "
    for principle in advice.rules:
        assert principle.quote == advisor.book.principles[principle.id].quote


def test_they_takes_plural_verbs(advisor: Advisor) -> None:
    text = advisor.renderer.mirror("He calls. He doesn't text, and he always follows up.", "they")
    assert text == "They call. They don't text, and they always follow up."


def test_small_talk_and_help(advisor: Advisor) -> None:
    assert advisor.advise("hi there").intent == "greeting"
    help_reply = advisor.advise("what can you do?").reply
    for situation in advisor.book.situations:
        assert situation.title in help_reply


def test_a_long_letter_says_how_many_situations_were_left(advisor: Advisor) -> None:
    letter = (
        "He never called after our date. Should I text him? He's married, by the way. "
        "We slept together once. What did I do wrong? How do I get over him?"
    )
    advice = advisor.advise(letter)
    assert len(advice.situations) > advisor.book.settings.max_situations
    assert "more things than I can answer" in advice.reply
    assert len(advice.rules) == advisor.book.settings.max_situations


def test_another_rule_book_can_be_loaded(make_book) -> None:  # type: ignore[no-untyped-def]
    root = make_book()
    replies = root / "replies.yaml"
    text = replies.read_text("utf-8")
    start = text.index("fallback:")
    end = text.index("# When a message seems")
    replies.write_text(text[:start] + 'fallback: ["Only dating, sorry."]\n' + text[end:], "utf-8")
    assert Advisor(rules_dir=root).advise("what's the weather").reply == "Only dating, sorry."
