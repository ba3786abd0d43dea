"""After a message about danger, the conversation stays safe until the writer says so."""

from __future__ import annotations

import json

import pytest
from conftest import REPO, Cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import Advisor
from advisor.chat import Chat
from advisor.dialogue import Conversation, Turn
from advisor.evaluate import load_cases

FOLLOW_UPS = [
    "tell me more",
    "should I text him?",
    "should I give him another chance?",
    "what if he just lost my number?",
    "he never called me back",
    "and?",
    "I took his",
    "yes",
]


def dating_words(advisor: Advisor, reply: str) -> list[str]:
    """Every principle's advice or quote that appears in a reply."""
    return [
        p.id
        for p in advisor.book.principles.values()
        if p.advice in reply or p.quote in reply or p.title in reply
    ]


class Talk:
    def __init__(self, advisor: Advisor) -> None:
        self.advisor = advisor
        self.conversation = Conversation(advisor, seed=3)

    def say(self, message: str) -> Turn:
        turn = self.conversation.send(message)
        assert not dating_words(self.advisor, turn.advice.reply) or not turn.safety_mode
        return turn


@pytest.mark.parametrize("danger", ["he hit me last night", "I want to die"])
def test_no_dating_advice_follows_a_disclosure(advisor: Advisor, danger: str) -> None:
    talk = Talk(advisor)
    first = talk.say(danger)
    assert first.advice.safety and first.safety_mode
    for message in FOLLOW_UPS:
        turn = talk.say(message)
        assert turn.advice.safety and turn.safety_mode, message
        assert turn.advice.rules == () and dating_words(advisor, turn.advice.reply) == []
        assert "emergency" in turn.advice.reply or "lines" in turn.advice.reply


def test_why_explains_the_safety_reply(advisor: Advisor) -> None:
    talk = Talk(advisor)
    talk.say("he hit me last night")
    reply = talk.say("why?").advice.reply
    assert "“he hit me last night”" in reply and "someone hurting you" in reply


def test_saying_you_are_safe_ends_safety_mode(advisor: Advisor) -> None:
    talk = Talk(advisor)
    talk.say("he hit me last night")
    left = talk.say("I'm safe, I meant something else")
    assert not left.safety_mode and "glad you're safe" in left.advice.reply
    advice = talk.say("he never called me after our date").advice
    assert advice.intent == "went-silent" and advice.rules


def test_a_new_danger_in_safety_mode_gets_the_whole_reply_again(advisor: Advisor) -> None:
    talk = Talk(advisor)
    talk.say("he hit me last night")
    talk.say("tell me more")
    again = talk.say("he choked me")
    assert "Domestic Violence Hotline" in again.advice.reply


def test_reset_ends_safety_mode(advisor: Advisor) -> None:
    talk = Talk(advisor)
    talk.say("he hit me last night")
    talk.conversation.reset()
    assert talk.say("he never called").advice.intent == "went-silent"


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [("no, I'm ok", "left"), ("nope", "left"), ("yes", "self-harm"), ("kind of", "self-harm")],
)
def test_a_check_in_is_answered(advisor: Advisor, answer: str, outcome: str) -> None:
    talk = Talk(advisor)
    first = talk.say("I just want to disappear")
    assert first.awaiting is not None and "suicide" in first.awaiting
    turn = talk.say(answer)
    if outcome == "left":
        assert not turn.safety_mode and "glad you're safe" in turn.advice.reply
    else:
        hit = turn.advice.safety_hit
        assert hit is not None and hit.category.id == outcome and turn.safety_mode
        assert "988" in turn.advice.reply and "Put distance" in turn.advice.reply


def test_a_plain_no_does_not_end_an_alarm(advisor: Advisor) -> None:
    talk = Talk(advisor)
    talk.say("he hit me last night")
    assert talk.say("no").safety_mode


def test_a_line_is_a_command_only_when_it_is_exactly_one(advisor: Advisor) -> None:
    shown: list[str] = []
    chat = Chat(Conversation(advisor), lambda lines: shown.extend(t for _, t in lines))
    chat.handle("/r/relationships told me to leave because my bf hits me")
    text = "\n".join(shown)
    assert "no command" not in text and "Domestic Violence Hotline" in text
    shown.clear()
    chat.handle("/more")
    assert "won't give dating advice" in "\n".join(shown) or "lines above" in "\n".join(shown)


def test_json_lines_say_when_a_turn_was_answered_in_safety_mode(cli: Cli) -> None:
    out = cli("chat", "--json", stdin="he hit me\nshould I text him?\nI'm safe\nhi\n")
    turns = [json.loads(line) for line in out.splitlines()]
    assert [t["safety_mode"] for t in turns] == [True, True, False, False]
    assert turns[0]["safety_category"] == "violence" and turns[1]["safety"] is True
    assert turns[3]["intent"] == "greeting"


def test_one_shot_json_names_the_safety_category(cli: Cli) -> None:
    data = json.loads(cli("--json", "I want to disappear"))
    assert data["safety"] is True and data["safety_category"] == "distress"
    assert data["rules"] == [] and data["follow_up"] is None


CRISIS = [
    c.text for c in load_cases(REPO / "tests" / "safety" / "dev.yaml") if c.expected == "safety"
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(min_value=0),
    later=st.lists(st.sampled_from(FOLLOW_UPS), max_size=4),
)
def test_a_caught_crisis_message_never_leads_to_dating_advice(
    advisor: Advisor, index: int, later: list[str]
) -> None:
    message = CRISIS[index % len(CRISIS)]
    if advisor.danger(message) is None:
        return  # a miss is counted by the safety set's figures, not here
    one_shot = advisor.advise(message)
    assert one_shot.rules == () and dating_words(advisor, one_shot.reply) == []
    talk = Talk(advisor)
    talk.say(message)
    for follow_up in later:
        turn = talk.say(follow_up)
        assert turn.advice.rules == () and dating_words(advisor, turn.advice.reply) == []


def test_a_no_with_reasons_answers_a_check_in(advisor: Advisor) -> None:
    talk = Talk(advisor)
    talk.say("I just want to disappear")
    turn = talk.say("no, I was being dramatic about a date")
    assert not turn.safety_mode and "glad you're safe" in turn.advice.reply
    assert talk.say("he never called after our date").advice.intent == "went-silent"


def test_a_no_that_is_not_fine_keeps_safety_mode(advisor: Advisor) -> None:
    talk = Talk(advisor)
    talk.say("I just want to disappear")
    assert talk.say("no, I'm not ok").safety_mode


def test_a_mistyped_command_is_named_and_a_slash_message_is_screened(advisor: Advisor) -> None:
    shown: list[str] = []
    chat = Chat(Conversation(advisor), lambda lines: shown.extend(t for _, t in lines))
    chat.handle("/hlep")
    assert "There is no command /hlep" in "\n".join(shown)
    shown.clear()
    chat.handle("/kms")
    assert "988" in "\n".join(shown)
