"""The matcher: phrasings unlike the rule examples reach the right situation, and only it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import Advisor

# Written for these tests; none is a rule example.
PHRASINGS = [
    ("we swapped numbers at a barbecue and he's been silent for a week", "went-silent"),
    ("shud i txt him or wait", "should-i-reach-out"),
    ("he gave me his number on a napkin, do I use it?", "number-exchange"),
    ("honestly I am always the first to text and I'm worn out", "one-sided-effort"),
    ("he messages me nonstop but won't pick up the phone", "texts-but-never-calls"),
    ("he ghosted me for a month then slid back into my dms", "hot-and-cold"),
    ("the guy I'm seeing just told me he's married", "unavailable-partner"),
    ("what is wrong with me that men always leave", "self-blame"),
    ("I still can't get over her, it's been a year", "cant-let-go"),
    ("we hooked up last weekend and now he barely replies", "just-physical"),
    ("eight months together and he still won't commit", "no-commitment"),
    ("no man ever asks me out, should I approach them?", "nobody-approaches"),
    ("maybe he lost my number though?", "making-excuses"),
    ("isn't waiting for him to call a bit old fashioned?", "right-to-initiate"),
    ("I'm 52 and wonder if I'll ever find love", "tired-of-waiting"),
    ("how do I get him to come back to me", "change-him"),
    ("how can I tell whether a man is worth my time", "what-to-look-for"),
]


@pytest.mark.parametrize(("text", "intent"), PHRASINGS, ids=[i for _, i in PHRASINGS])
def test_phrasings_reach_their_situation(advisor: Advisor, text: str, intent: str) -> None:
    assert advisor.advise(text).intent == intent


NEGATIONS = [
    ("he did call and we have a second date", "went-silent"),
    ("I don't want to text him, I want to stop thinking about him", "should-i-reach-out"),
    ("he isn't married, he is just slow to reply", "unavailable-partner"),
]


@pytest.mark.parametrize(("text", "wrong"), NEGATIONS)
def test_negation_is_told_apart(advisor: Advisor, text: str, wrong: str) -> None:
    assert advisor.advise(text).intent != wrong


@pytest.mark.parametrize(
    "text",
    [
        "my boss never calls me back",
        "what's the weather tomorrow",
        "asdfghjkl",
        "give me a recipe for lasagne",
        "my landlord ignores my texts",
    ],
)
def test_out_of_scope_falls_back(advisor: Advisor, text: str) -> None:
    advice = advisor.advise(text)
    assert advice.intent is None
    assert "dating" in advice.reply


def test_a_letter_is_answered_situation_by_situation_in_order(advisor: Advisor) -> None:
    letter = (
        "I met a guy a few weeks ago, we exchanged numbers. The same day we talked for a "
        "few hours outside in the car. After that night I never heard from him. "
        "Should I call him or text him? Is he not into me? "
        "What are some reason I didn't get any calls?"
    )
    advice = advisor.advise(letter)
    assert advice.situations[:2] == ("went-silent", "should-i-reach-out")
    assert advice.intent == "should-i-reach-out"
    ids = [p.id for p in advice.rules]
    assert ids.index("silence-is-an-answer") < ids.index("reaching-out-asks-why")


def test_confidence_is_in_range_and_alternatives_ranked(advisor: Advisor) -> None:
    advice = advisor.advise("he never called")
    assert 0.0 <= advice.confidence <= 1.0
    scores = [c for _, c in advice.alternatives]
    assert scores == sorted(scores, reverse=True)
    assert all(c <= advice.confidence for c in scores)


def test_close_calls_ask_which_situation_is_meant(advisor: Advisor) -> None:
    matcher = advisor.matcher
    whole, segments = matcher.segments("he texts but never calls and I always text first")
    wide = matcher.decide(whole, segments, margin=1.0)
    assert wide.ambiguous
    narrow = matcher.decide(whole, segments, margin=0.0)
    assert not narrow.ambiguous


def test_same_input_same_answer(advisor: Advisor) -> None:
    text = "He didn't call after we exchanged numbers. Should I text him?"
    assert advisor.advise(text) == advisor.advise(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500))
def test_any_text_gets_an_answer(advisor: Advisor, text: str) -> None:
    advice = advisor.advise(text)
    assert advice.reply.strip()
    assert 0.0 <= advice.confidence <= 1.0


WORDS = [
    "he",
    "never",
    "called",
    "text",
    "him",
    "married",
    "why",
    "hi",
    "the",
    "and",
    "not",
    "move",
    "on",
    "love",
    "sex",
    "number",
    "what",
    "gives",
    "?",
    ".",
    "!",
    "\n",
    "54",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join))
def test_any_letter_of_known_words_gets_an_answer(advisor: Advisor, text: str) -> None:
    advice = advisor.advise(text)
    assert advice.reply.strip()
    assert set(advice.situations) <= set(advisor.book.intents)
