"""The interview through the REAL questionary widgets, fed keys by prompt_toolkit's pipe input
and drawn on DummyOutput: every question type, validation re-prompts, skip logic, the early stop
on an emergency, and Ctrl-C, as a person pressing these keys would get them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from cramp_cli.frontends.interview import run_interview
from cramp_cli.frontends.prompts import QuestionaryPrompter
from tests.conftest import assess

# A pseudo-terminal, real widgets or the installed command: outside the inner loop.
pytestmark = pytest.mark.slow

ENTER, DOWN, UP, SPACE, CTRL_C, BACKSPACE = "\r", "\x1b[B", "\x1b[A", " ", "\x03", "\x7f"
STUCK_AFTER = 20.0  # seconds; generous, only to turn a hang into a failure


class KeyFeeder:
    """The real QuestionaryPrompter, with the keys for each prompt sent just before it runs.

    The script is a list of (text the prompt's message must contain, keys); a prompt that is
    not in the script fails the test, so it also checks what is asked and in which order.
    """

    def __init__(self, inp: Any, script: list[tuple[str, str]]):
        self.inp = inp
        self.real = QuestionaryPrompter(input=inp, output=DummyOutput())
        self.script = list(script)
        self.messages: list[str] = []
        self.said: list[str] = []

    def _run(self, widget: Callable[..., Any], message: str, *args: Any, **kwargs: Any) -> Any:
        """Send the keys, run the widget; a widget the keys do not finish fails, not hangs."""
        assert self.script, f"not in the script: {message!r}"
        expected, keys = self.script.pop(0)
        assert expected.lower() in message.lower(), f"expected {expected!r}, asked {message!r}"
        self.messages.append(message)
        self.inp.send_text(keys)
        stuck = threading.Event()

        def unstick() -> None:
            stuck.set()
            self.inp.send_text(CTRL_C)

        watchdog = threading.Timer(STUCK_AFTER, unstick)
        watchdog.start()
        try:
            return widget(message, *args, **kwargs)
        except KeyboardInterrupt:
            if stuck.is_set():
                raise AssertionError(f"{message!r} still waiting after keys {keys!r}") from None
            raise
        finally:
            watchdog.cancel()

    def text(self, message, **kwargs):
        return self._run(self.real.text, message, **kwargs)

    def select(self, message, choices, **kwargs):
        return self._run(self.real.select, message, choices, **kwargs)

    def checkbox(self, message, choices, **kwargs):
        return self._run(self.real.checkbox, message, choices, **kwargs)

    def confirm(self, message, **kwargs):
        return self._run(self.real.confirm, message, **kwargs)

    def say(self, text):
        self.said.append(text)


@pytest.fixture
def pipe():
    """A fresh prompt_toolkit session per test: pipe input, output thrown away."""
    with create_pipe_input() as inp, create_app_session(input=inp, output=DummyOutput()):
        yield inp


def interview(kb, pipe, script, raw=None) -> tuple[dict[str, Any], KeyFeeder]:
    feeder = KeyFeeder(pipe, script)
    answers = run_interview(kb, raw or {}, feeder)
    assert not feeder.script, f"not asked: {feeder.script}"
    return answers, feeder


def typed(text: str) -> str:
    return text + ENTER


def pick(index: int) -> str:
    """Keys to choose the option at `index` of a select list."""
    return DOWN * index + ENTER


def yes_no(answer: str) -> str:
    return pick(["Yes", "No", "Don't know"].index(answer))


def choice(kb, qid: str, value: Any) -> str:
    return pick(kb.question_by_id[qid].choice_values.index(value))


def tick(kb, qid: str, *values: Any) -> str:
    """Keys to tick these values of a checklist ('none' and 'dont_know' for the extra two)."""
    options = [*kb.question_by_id[qid].choice_values, "none", "dont_know"]
    keys, at = "", 0
    for index in sorted(options.index(v) for v in values):
        keys += DOWN * (index - at) + SPACE
        at = index
    return keys + ENTER


def rest_dont_know(kb) -> list[tuple[str, str]]:
    """Medicines to cramp minutes, for a man: everything skipped with Don't know or empty."""
    dont = "Don't know"
    return [
        ("Which medicines", ENTER), ("start or change", yes_no(dont)),
        ("How active", pick(len(kb.question_by_id["activity_level"].choices))),
        ("workout", yes_no(dont)), ("sweat", yes_no(dont)), ("plain water", yes_no(dont)),
        ("diarrhoea", yes_no(dont)), ("on your feet", ENTER),
        ("shoes", tick(kb, "footwear", "dont_know")), ("units of alcohol", pick(3)),
        ("Do you smoke?", yes_no(dont)), ("Has a doctor told you", tick(kb, "conditions",
                                                                       "dont_know")),
        ("how many nights", ENTER), ("How many minutes", ENTER),
    ]  # fmt: skip


REVIEW_DONE = ("Check your answers", ENTER)


def test_every_question_type_through_the_real_widgets(kb, pipe):
    drinks = kb.question_by_id["alcohol_units_per_week"].drink_units
    drink_keys = [(label, typed("2") if i == 2 else ENTER) for i, label in enumerate(drinks)]
    script = [
        ("How old are you?", typed("29")),                              # integer
        ("What is your sex?", choice(kb, "sex", "female")),             # choice
        ("Do you have any of these", tick(kb, "symptoms", "fatigue", "nausea_vomiting")),
        ("Are you pregnant?", yes_no("Yes")),                           # boolean
        ("Which trimester", typed("1")),
        ("Which medicines", typed("Lipitor 40 mg, Liptor, xyzzyfloxin")),  # medicines
        ("Did you mean Lipitor for 'Liptor'?", "y"),                    # confirm
        ("Retype 'xyzzyfloxin'", ENTER),
        ("start or change", yes_no("No")),
        ("How active", choice(kb, "activity_level", "moderate")),
        ("workout", yes_no("No")), ("sweat", yes_no("Yes")), ("plain water", yes_no("No")),
        ("diarrhoea", yes_no("Don't know")),
        ("on your feet", typed("7.5")),                                 # number
        ("shoes", tick(kb, "footwear", "high_heels", "tight_shoes")),   # multi_choice
        ("units of alcohol", pick(1)), *drink_keys,                     # drinks -> units
        ("Do you smoke?", yes_no("No")),
        ("Has a doctor told you", tick(kb, "conditions", "none")),
        ("how many nights", typed("2")), ("How many minutes", typed("0,5")),
        REVIEW_DONE,
    ]  # fmt: skip
    answers, feeder = interview(kb, pipe, script)
    assert answers == {
        "age": 29, "sex": "female", "symptoms": ["nausea_vomiting", "fatigue"],
        "pregnant": True, "pregnancy_trimester": 1,
        "medications": ["Lipitor 40 mg", "Lipitor", "xyzzyfloxin"],
        "started_new_medicine_recently": False, "activity_level": "moderate",
        "recent_strenuous_exercise": False, "heavy_sweating": True,
        "large_plain_water_intake": False, "standing_hours": 7.5,
        "footwear": ["high_heels", "tight_shoes"],
        "alcohol_units_per_week": round(2 * list(drinks.values())[2], 1),
        "smoker": False, "conditions": [], "cramps_per_week": 2, "cramp_minutes": 0.5,
    }  # fmt: skip
    assert feeder.messages[0].startswith("(1 of 19) ")
    assert any(line.startswith("  xyzzyfloxin -> not recognised") for line in feeder.said)
    assert assess(kb, answers)["unanswered"] == ["diarrhoea_or_vomiting"]


def test_a_bad_number_is_refused_and_asked_again(kb, pipe):
    script = [
        ("How old are you?", typed("abc") + BACKSPACE * 3 + typed("200") + BACKSPACE * 3
         + ENTER + typed("45")),
        ("What is your sex?", choice(kb, "sex", "male")),
        ("Do you have any of these", ENTER + tick(kb, "symptoms", "fatigue", "none")
         + SPACE + ENTER),  # empty, then fatigue + none: both refused; untick none
        *rest_dont_know(kb), REVIEW_DONE,
    ]  # fmt: skip
    answers, _ = interview(kb, pipe, script)
    assert answers == {"age": 45, "sex": "male", "symptoms": ["fatigue"]}


def test_pregnancy_is_skipped_for_a_man(kb, pipe):
    man, _ = interview(kb, pipe, [
        ("How old are you?", typed("30")), ("What is your sex?", choice(kb, "sex", "male")),
        ("Do you have any of these", tick(kb, "symptoms", "none")), *rest_dont_know(kb),
        REVIEW_DONE,
    ])  # fmt: skip
    assert man == {"age": 30, "sex": "male", "symptoms": []}


def test_trimester_is_skipped_when_not_pregnant(kb, pipe):
    woman, feeder = interview(kb, pipe, [
        ("How old are you?", typed("30")), ("What is your sex?", choice(kb, "sex", "female")),
        ("Do you have any of these", tick(kb, "symptoms", "none")),
        ("Are you pregnant?", yes_no("No")), ("given birth", yes_no("No")),
        *rest_dont_know(kb), REVIEW_DONE,
    ])  # fmt: skip
    assert woman == {"age": 30, "sex": "female", "symptoms": [], "pregnant": False,
                     "gave_birth_recently": False}  # fmt: skip
    assert not any("trimester" in m for m in feeder.messages)


def test_flags_already_given_are_not_asked(kb, pipe):
    answers, feeder = interview(kb, pipe, [*rest_dont_know(kb), REVIEW_DONE],
                                raw={"age": 50, "sex": "male", "symptoms": []})  # fmt: skip
    assert answers == {"age": 50, "sex": "male", "symptoms": []}
    assert feeder.messages[0].startswith("(1 of 14) Which medicines")


def test_an_emergency_symptom_stops_the_interview(kb, pipe):
    answers, feeder = interview(kb, pipe, [
        ("How old are you?", typed("61")), ("What is your sex?", choice(kb, "sex", "male")),
        ("Do you have any of these", tick(kb, "symptoms", "breathless_or_chest_pain")),
    ])  # fmt: skip
    assert answers == {"age": 61, "sex": "male", "symptoms": ["breathless_or_chest_pain"]}
    assert len(feeder.messages) == 3
    assert assess(kb, answers)["triage"]["level"] == "emergency"


def test_the_review_changes_an_answer(kb, pipe):
    # the review lists the answers after "No, show my assessment"; age is the first of them
    answers, _ = interview(kb, pipe, [
        ("How old are you?", typed("30")), ("What is your sex?", choice(kb, "sex", "male")),
        ("Do you have any of these", tick(kb, "symptoms", "none")), *rest_dont_know(kb),
        ("Check your answers", pick(1)),
        ("How old are you?", BACKSPACE * 2 + typed("31")),  # the old answer is there to edit
        REVIEW_DONE,
    ])  # fmt: skip
    assert answers["age"] == 31


@pytest.mark.parametrize(
    "script",
    [
        [("How old are you?", "4" + CTRL_C)],
        [("How old are you?", typed("40")), ("What is your sex?", DOWN + CTRL_C)],
        [("How old are you?", typed("40")), ("What is your sex?", pick(1)),
         ("Do you have any of these", SPACE + CTRL_C)],
    ],
    ids=["number", "select", "checklist"],
)  # fmt: skip
def test_ctrl_c_at_a_prompt_raises_keyboard_interrupt(kb, pipe, script):
    feeder = KeyFeeder(pipe, script)
    with pytest.raises(KeyboardInterrupt):
        run_interview(kb, {}, feeder)
    assert not feeder.script


def test_ctrl_c_at_a_medicine_confirmation_raises_keyboard_interrupt(kb, pipe):
    feeder = KeyFeeder(pipe, [
        ("How old are you?", typed("40")), ("What is your sex?", choice(kb, "sex", "male")),
        ("Do you have any of these", tick(kb, "symptoms", "none")),
        ("Which medicines", typed("Liptor")), ("Did you mean", CTRL_C),
    ])  # fmt: skip
    with pytest.raises(KeyboardInterrupt):
        run_interview(kb, {}, feeder)
