"""Conversations: follow-ups, why, more, context, pronouns, safety, reset, variation."""

from __future__ import annotations

import pytest

from advisor import Advisor
from advisor.dialogue import Conversation, Turn


class Talk:
    """A conversation under test: `say(message, expected intent)` returns the turn."""

    def __init__(self, advisor: Advisor, seed: int = 7) -> None:
        self.conversation = Conversation(advisor, seed=seed)
        self.turns: list[Turn] = []

    def say(self, message: str, intent: str | None = "") -> Turn:
        turn = self.conversation.send(message)
        if intent != "":
            assert turn.advice.intent == intent, (message, turn.advice.reply)
        self.turns.append(turn)
        return turn


@pytest.fixture
def talk(advisor: Advisor) -> Talk:
    return Talk(advisor)


def test_a_follow_up_is_asked_and_answered(talk: Talk) -> None:
    talk.say("hey", "greeting")
    turn = talk.say(
        "met someone at a party, swapped numbers, and he never got in touch", "went-silent"
    )
    assert turn.awaiting == "Did you give him your number, or did you take his?"
    turn = talk.say("I took his", "went-silent")
    assert turn.answered == "took-his" and turn.awaiting is None
    assert turn.advice.rules[0].id == "give-your-number"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("mine", "gave-mine"),
        ("he has my number", "gave-mine"),
        ("both", "both"),
        ("his", "took-his"),
        ("I got his number", "took-his"),
    ],
)
def test_answers_in_the_users_own_words(advisor: Advisor, answer: str, expected: str) -> None:
    talk = Talk(advisor)
    talk.say("he never called me after our date", "went-silent")
    assert talk.say(answer).answered == expected


def test_yes_and_no_answer_a_yes_or_no_question(advisor: Advisor) -> None:
    for answer, expected in (("yes", "yes"), ("nope", "no")):
        talk = Talk(advisor)
        turn = talk.say("I'm always the one who texts first", "one-sided-effort")
        assert turn.awaiting is not None
        assert talk.say(answer).answered == expected


def test_an_answer_that_fits_nothing_is_a_new_message(talk: Talk) -> None:
    talk.say("he never called me after our date", "went-silent")
    turn = talk.say("he is married actually", "unavailable-partner")
    assert turn.answered is None


def test_a_pending_question_survives_a_message_that_matches_nothing(talk: Talk) -> None:
    first = talk.say("he never called me after our date", "went-silent")
    turn = talk.say("what's the weather like", None)
    assert turn.awaiting == first.awaiting
    assert first.awaiting is not None and first.awaiting in turn.advice.reply
    assert talk.say("mine").answered == "gave-mine"


def test_why_explains_the_source_and_the_users_words(talk: Talk) -> None:
    talk.say("he stopped replying after our second date", "went-silent")
    turn = talk.say("where does that come from?", "why")
    assert "Jane" in turn.advice.reply
    assert "He gives you his answer in his silence." in turn.advice.reply
    assert "replying" in turn.advice.reply


def test_more_until_nothing_is_left(talk: Talk) -> None:
    first = talk.say("maybe he's just shy", "making-excuses")
    given = {p.id for p in first.advice.rules}
    situation = talk.conversation.book.intents["making-excuses"]
    for _ in range(len(situation.principles)):
        turn = talk.say("tell me more")
        new = {p.id for p in turn.advice.rules}
        assert not new & given
        given |= new
    assert given == set(situation.principles)
    last = talk.say("anything else?")
    assert last.advice.rules == ()
    assert "That's everything I have" in last.advice.reply


def test_the_pronoun_set_earlier_stays(talk: Talk) -> None:
    talk.say("she stopped answering my messages after our date", "went-silent")
    turn = talk.say("what if it's because of work?")
    assert " her " in f" {turn.advice.reply} " or " she " in f" {turn.advice.reply} "
    assert " his " not in f" {turn.advice.reply} "


def test_safety_overrides_a_pending_question(talk: Talk) -> None:
    talk.say("he never called me after our date", "went-silent")
    turn = talk.say("honestly I want to die", "safety")
    assert turn.awaiting is None and turn.advice.safety
    assert talk.say("mine").answered is None


def test_ambiguity_asks_and_accepts_the_choice(advisor: Advisor) -> None:
    talk = Talk(advisor)
    matcher = advisor.matcher
    margin = matcher.margin
    matcher.margin = 1.0  # make every close call ask, to test the exchange
    try:
        turn = talk.say("he texts but never calls and I always text first")
        options = turn.advice.match.alternatives if turn.advice.match else ()
        assert turn.awaiting is not None and options
        answer = talk.say("the second one")
    finally:
        matcher.margin = margin
    assert answer.answered == options[0].intent
    assert answer.advice.intent == options[0].intent


def test_reset_forgets_everything(talk: Talk) -> None:
    talk.say("he never called me after our date", "went-silent")
    talk.conversation.reset()
    assert talk.conversation.state.situations == []
    assert talk.say("why?").advice.rules == ()


def test_no_reply_is_given_twice(talk: Talk) -> None:
    for message in [
        "hi",
        "hi",
        "hi",
        "hi",
        "he never called",
        "he never called",
        "he never called",
        "he never called",
        "thanks",
        "thanks",
    ]:
        talk.say(message)
    replies = [t.advice.reply for t in talk.turns]
    assert len(set(replies)) == len(replies)


def test_the_same_seed_gives_the_same_conversation(advisor: Advisor) -> None:
    script = ["hi", "he never called", "mine", "why?", "tell me more", "thanks", "bye"]
    first = [Talk(advisor, seed=3).say(m).advice.reply for m in script]
    second = [Talk(advisor, seed=3).say(m).advice.reply for m in script]
    assert first == second
