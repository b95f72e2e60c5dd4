"""The interview through the REAL questionary widgets, fed keys by prompt_toolkit's pipe input
and drawn on DummyOutput: every question type, validation re-prompts, skip logic, keys that
answer at once, Back, Enter alone never choosing, the early stops, and Ctrl-C, as a person
pressing these keys would get them. The plain line prompter is driven the same way."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from typing import Any

import pyte
import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output

from cramp_cli.frontends.interview import NOW_PROMPT, run_interview, warning_sign_screens
from cramp_cli.frontends.prompts import QuestionaryPrompter
from tests.conftest import advice_as_shown, assess

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


class Terminal:
    """Where the widgets are drawn, read back as a person sees it: prompt_toolkit's VT100
    output into a buffer, replayed on a terminal emulator (pyte)."""

    def __init__(self, columns: int = 60, rows: int = 40):
        self.columns = columns
        self.buffer = io.StringIO()
        self.output = Vt100_Output(
            self.buffer, lambda: Size(rows=rows, columns=columns), term="xterm", enable_cpr=False
        )

    def lines(self) -> list[str]:
        """The screen's lines with text, top to bottom (a tall screen: nothing scrolls off)."""
        screen = pyte.Screen(self.columns, 500)
        # the terminal driver turns "\n" into "\r\n" (onlcr) once the widget has closed
        raw = self.buffer.getvalue().replace("\r\n", "\n").replace("\n", "\r\n")
        pyte.Stream(screen).feed(raw)
        return [line.rstrip() for line in screen.display if line.strip()]


@pytest.fixture
def drawn():
    """Pipe input, and the widgets drawn on a 60-column Terminal that tests can read."""
    terminal = Terminal()
    with create_pipe_input() as inp, create_app_session(input=inp, output=terminal.output):
        yield inp, terminal


def interview(kb, pipe, script, raw=None) -> tuple[dict[str, Any], KeyFeeder]:
    feeder = KeyFeeder(pipe, script)
    answers = run_interview(kb, raw or {}, feeder)
    assert not feeder.script, f"not asked: {feeder.script}"
    return answers, feeder


def typed(text: str) -> str:
    return text + ENTER


def pick(index: int) -> str:
    """Keys to choose the option at `index` of a list with the arrow keys."""
    return DOWN * index + ENTER


def key_of(kb, qid: str, value: Any) -> str:
    """The key that answers a choice at once: its first letter, as the list shows it."""
    from cramp_cli.frontends.interview import choice_keys

    question = kb.question_by_id[qid]
    return choice_keys([c.label for c in question.choices])[question.choice_values.index(value)]


def tick(values: list[Any], *wanted: Any) -> str:
    """Keys to tick these values of a checklist whose options are "None of these", `values`,
    "Don't know" (name them 'none' and 'dont_know')."""
    options = ["none", *values, "dont_know"]
    keys, at = "", 0
    for index in sorted(options.index(v) for v in wanted):
        keys += DOWN * (index - at) + SPACE
        at = index
    return keys + ENTER


def checklist(kb, qid: str, *wanted: Any) -> str:
    return tick(list(kb.question_by_id[qid].choice_values), *wanted)


def screens(kb) -> list[tuple[str, list[Any]]]:
    parts = warning_sign_screens(kb, kb.question_by_id["symptoms"])
    return [(message, [c.value for c in items]) for message, items in parts]


def signs(kb, *wanted: Any) -> list[tuple[str, str]]:
    """Every warning-sign screen: the wanted signs ticked where they are, else None of these."""
    return [
        (message, tick(values, *([w for w in wanted if w in values] or ["none"])))
        for message, values in screens(kb)
    ]


def rest_dont_know() -> list[tuple[str, str]]:
    """Medicines to cramp length for a man, every one left with Enter alone."""
    return [
        ("Which medicines", ENTER),
        ("start or change", ENTER),
        ("How active", ENTER),
        ("workout", ENTER),
        ("sweat", ENTER),
        ("plain water", ENTER),
        ("diarrhoea", ENTER),
        ("on your feet", ENTER),
        ("shoes", ENTER),
        ("units of alcohol", ENTER),
        ("Do you smoke?", ENTER),
        ("Has a doctor told you", ENTER),
        ("how many nights", ENTER),
        ("How long does a typical cramp last?", ENTER),
    ]


REVIEW_DONE = ("Check the answers", ENTER)


def test_every_question_type_through_the_real_widgets(kb, pipe):
    drinks = kb.question_by_id["alcohol_units_per_week"].drink_units
    drink_keys = [(label, typed("2") if i == 2 else ENTER) for i, label in enumerate(drinks)]
    script = [
        ("How old is the person", typed("29")),  # integer
        ("What is your sex?", key_of(kb, "sex", "female")),  # choice, by its key
        *signs(kb, "fatigue", "nausea_vomiting"),  # checklists
        ("Are you pregnant?", "y"),  # boolean, by its key
        ("weeks pregnant", key_of(kb, "pregnancy_trimester", 1)),  # number as ranges
        ("Which medicines", typed("Lipitor 40 mg, Liptor, xyzzyfloxin")),  # medicines
        ("Did you mean Lipitor for 'Liptor'?", "y"),  # confirm
        ("Retype 'xyzzyfloxin'", ENTER),
        ("start or change", "n"),
        ("How active", key_of(kb, "activity_level", "moderate")),
        ("workout", "n"),
        ("sweat", "y"),
        ("plain water", "n"),
        ("diarrhoea", "d"),
        ("on your feet", typed("7.5")),  # number
        ("shoes", checklist(kb, "footwear", "high_heels", "tight_shoes")),
        ("units of alcohol", "c"),
        *drink_keys,  # drinks -> units
        ("Do you smoke?", "n"),
        ("Has a doctor told you", checklist(kb, "conditions", "none")),
        ("how many nights", typed("2")),
        ("How long does a typical cramp last?", key_of(kb, "cramp_minutes", 0.5)),
        REVIEW_DONE,
    ]
    answers, feeder = interview(kb, pipe, script)
    assert answers == {
        "age": 29,
        "sex": "female",
        "symptoms": ["nausea_vomiting", "fatigue"],
        "pregnant": True,
        "pregnancy_trimester": 1,
        "medications": ["Lipitor 40 mg", "Lipitor", "xyzzyfloxin"],
        "started_new_medicine_recently": False,
        "activity_level": "moderate",
        "recent_strenuous_exercise": False,
        "heavy_sweating": True,
        "large_plain_water_intake": False,
        "standing_hours": 7.5,
        "footwear": ["high_heels", "tight_shoes"],
        "alcohol_units_per_week": round(2 * list(drinks.values())[2], 1),
        "smoker": False,
        "conditions": [],
        "cramps_per_week": 2,
        "cramp_minutes": 0.5,
    }
    assert any(line.startswith("  xyzzyfloxin -> not recognised") for line in feeder.said)
    assert assess(kb, answers)["unanswered"] == ["diarrhoea_or_vomiting"]


def test_enter_alone_after_the_age_answers_nothing_for_the_person(kb, pipe):
    """A person pressing Enter to move on gives no yes, no no, no level, no "none of these"."""
    script = [
        ("How old is the person", typed("58")),
        ("What is your sex?", ENTER),
        *[(message, ENTER) for message, _ in screens(kb)],
        ("Are you pregnant?", ENTER),
        ("given birth", ENTER),
        *rest_dont_know(),
        REVIEW_DONE,
    ]
    answers, _ = interview(kb, pipe, script)
    assert answers == {"age": 58}
    doc = assess(kb, answers)
    assert doc["triage"]["level"] != "self_care"
    assert "warning_signs_not_checked" in doc["triage"]["because"]


def test_a_bad_number_is_refused_and_asked_again(kb, pipe):
    script = [
        (
            "How old is the person",
            typed("abc") + BACKSPACE * 3 + typed("200") + BACKSPACE * 3 + ENTER + typed("45"),
        ),
        ("What is your sex?", key_of(kb, "sex", "male")),
        *signs(kb)[:-1],
        (
            screens(kb)[-1][0],
            tick(screens(kb)[-1][1], "fatigue", "none")
            + UP * (screens(kb)[-1][1].index("fatigue") + 1)
            + SPACE
            + ENTER,
        ),
        # fatigue with "None of these" is refused; back up to untick none
        *rest_dont_know(),
        REVIEW_DONE,
    ]
    answers, _ = interview(kb, pipe, script)
    assert answers == {"age": 45, "sex": "male", "symptoms": ["fatigue"]}


def test_b_goes_back_from_a_list_a_checklist_and_a_typed_answer(kb, pipe):
    first_screen = screens(kb)[0][0]
    script = [
        ("How old is the person", typed("40")),
        ("What is your sex?", "b"),  # a list: back to the age
        ("How old is the person", BACKSPACE * 2 + typed("41")),
        ("What is your sex?", key_of(kb, "sex", "male")),
        (first_screen, "b"),  # a checklist: back to sex
        ("What is your sex?", ENTER),  # the old answer, kept
        *signs(kb),
        ("Which medicines", typed("b")),  # typed: back to the signs
        *[(message, ENTER) for message, _ in screens(kb)[:-1]],  # "None of these" kept
        (
            screens(kb)[-1][0],  # untick it, tick fatigue
            SPACE + DOWN * (screens(kb)[-1][1].index("fatigue") + 1) + SPACE + ENTER,
        ),
        ("Which medicines", typed("none")),
        ("start or change", "n"),
        *rest_dont_know()[2:],
        REVIEW_DONE,
    ]
    answers, _ = interview(kb, pipe, script)
    assert answers == {
        "age": 41,
        "sex": "male",
        "symptoms": ["fatigue"],
        "medications": [],
        "started_new_medicine_recently": False,
    }


def test_a_stray_a_does_not_tick_every_warning_sign(kb, pipe):
    first, values = screens(kb)[0]
    script = [
        ("How old is the person", typed("40")),
        ("What is your sex?", "m"),
        (first, "a" + ENTER),
        *signs(kb)[1:],
        *rest_dont_know(),
        REVIEW_DONE,
    ]
    answers, _ = interview(kb, pipe, script)
    assert "symptoms" not in answers  # Enter with nothing ticked: don't know
    assert values


def test_flags_already_given_are_not_asked(kb, pipe):
    answers, feeder = interview(
        kb, pipe, [*rest_dont_know(), REVIEW_DONE], raw={"age": 50, "sex": "male", "symptoms": []}
    )
    assert answers == {"age": 50, "sex": "male", "symptoms": []}
    assert feeder.messages[0].startswith("Which medicines")


def test_an_emergency_symptom_stops_the_interview(kb, pipe):
    first, values = screens(kb)[0]
    assert "breathless_or_chest_pain" in values
    answers, feeder = interview(
        kb,
        pipe,
        [
            ("How old is the person", typed("61")),
            ("What is your sex?", "m"),
            (first, tick(values, "breathless_or_chest_pain")),
        ],
    )
    assert answers == {"age": 61, "sex": "male", "symptoms": ["breathless_or_chest_pain"]}
    assert len(feeder.messages) == 3
    assert assess(kb, answers)["triage"]["level"] == "emergency"


def test_a_swollen_calf_shows_the_clot_advice_and_enter_stops_there(kb, pipe):
    script: list[tuple[str, str]] = [
        ("How old is the person", typed("58")),
        ("What is your sex?", "m"),
    ]
    for message, values in screens(kb):
        if "one_leg_swollen" in values:
            script.append((message, tick(values, "one_leg_swollen")))
            break
        script.append((message, ENTER))
    answers, feeder = interview(kb, pipe, [*script, ("Stop here", ENTER)])
    assert answers["symptoms"] == ["one_leg_swollen"]
    assert f"  {advice_as_shown(kb, 'possible_dvt')}" in feeder.said
    assert len(feeder.messages) == len(script) + 1  # nothing asked after "stop here"


def test_the_review_changes_an_answer(kb, pipe):
    # the review lists the answers after "No, show my assessment"; age is the first of them
    answers, _ = interview(
        kb,
        pipe,
        [
            ("How old is the person", typed("30")),
            ("What is your sex?", "m"),
            *signs(kb),
            *rest_dont_know(),
            ("Check the answers", pick(1)),
            ("How old is the person", BACKSPACE * 2 + typed("31")),  # the old answer to edit
            REVIEW_DONE,
        ],
    )
    assert answers["age"] == 31


@pytest.mark.parametrize(
    "script",
    [
        [("How old is the person", "4" + CTRL_C)],
        [("How old is the person", typed("40")), ("What is your sex?", DOWN + CTRL_C)],
        [
            ("How old is the person", typed("40")),
            ("What is your sex?", "m"),
            (NOW_PROMPT, SPACE + CTRL_C),
        ],
    ],
    ids=["number", "select", "checklist"],
)
def test_ctrl_c_at_a_prompt_raises_keyboard_interrupt(kb, pipe, script):
    feeder = KeyFeeder(pipe, script)
    with pytest.raises(KeyboardInterrupt):
        run_interview(kb, {}, feeder)
    assert not feeder.script


def test_ctrl_c_at_a_medicine_confirmation_raises_keyboard_interrupt(kb, pipe):
    feeder = KeyFeeder(
        pipe,
        [
            ("How old is the person", typed("40")),
            ("What is your sex?", "m"),
            *signs(kb),
            ("Which medicines", typed("Liptor")),
            ("Did you mean", CTRL_C),
        ],
    )
    with pytest.raises(KeyboardInterrupt):
        run_interview(kb, {}, feeder)


def test_long_labels_are_wrapped_to_the_width_not_cut(kb):
    from cramp_cli.frontends.prompts import wrap_label

    longest = max((c.label for c in kb.question_by_id["symptoms"].choices), key=len)
    wrapped = wrap_label(longest, 60, 5)
    lines = wrapped.split("\n")
    assert len(lines) > 1
    assert all(5 + len(line.strip()) < 60 for line in lines)
    assert " ".join(line.strip() for line in lines) == longest


# --------------------------------------------------------------------------- what stays on screen


def _signs_screen(kb, at: int) -> tuple[str, list[tuple[str, Any]], list[Any]]:
    """A warning-sign screen as the interview shows it: message, choices, the signs' values."""
    message, items = warning_sign_screens(kb, kb.question_by_id["symptoms"])[at]
    values = [c.value for c in items]
    choices = [("None of these", "none"), *((c.label, c.value) for c in items)]
    return message, [*choices, ("Don't know", "dont_know")], values


def test_a_checklist_leaves_every_ticked_item_in_full_not_a_count(kb, drawn):
    inp, terminal = drawn
    message, choices, values = _signs_screen(kb, 1)
    wanted = ["tense_swollen_muscle", "one_leg_swollen"]  # the first is the longest label
    labels = [label for label, value in choices if value in wanted]
    inp.send_text(tick(values, *wanted))
    prompter = QuestionaryPrompter(input=inp, output=terminal.output)
    assert prompter.checkbox(message, choices, empty="Don't know") == wanted
    lines = terminal.lines()
    shown = "\n".join(lines)
    assert "selections" not in shown and "done" not in shown  # questionary's own echo is gone
    assert "None of these" not in shown and "○" not in shown  # so is the list
    assert lines[0] == f"? {message}"
    assert " ".join(line.strip() for line in lines[1:]) == " ".join(
        f"ticked: {label}" for label in labels
    )
    assert lines[2].startswith(" " * len("  ticked: "))  # the long label wrapped under itself
    assert len(lines) > 3


@pytest.mark.parametrize(
    "keys, echo",
    [(ENTER, "  Don't know"), (SPACE + ENTER, "  ticked: None of these")],
    ids=["nothing-ticked", "none-of-these"],
)
def test_a_checklist_with_nothing_ticked_reads_dont_know_not_none_of_these(kb, drawn, keys, echo):
    inp, terminal = drawn
    message, choices, _ = _signs_screen(kb, 0)
    inp.send_text(keys)
    picked = QuestionaryPrompter(input=inp, output=terminal.output).checkbox(
        message, choices, empty="Don't know"
    )
    assert picked == ([] if keys == ENTER else ["none"])
    assert terminal.lines() == [f"? {message}", echo]


def test_the_interview_echoes_the_signs_ticked_in_full(kb, drawn):
    inp, terminal = drawn
    message, _, values = _signs_screen(kb, 0)
    feeder = KeyFeeder(inp, [])
    feeder.real = QuestionaryPrompter(input=inp, output=terminal.output)
    feeder.script = [
        ("How old is the person", typed("61")),
        ("What is your sex?", "m"),
        (message, tick(values, "breathless_or_chest_pain", "fainting")),
    ]
    answers = run_interview(kb, {}, feeder)
    assert answers["symptoms"] == ["breathless_or_chest_pain", "fainting"]  # an emergency
    lines = terminal.lines()
    at = lines.index(f"? {message}")
    echo = " ".join(line.strip() for line in lines[at + 1 :])
    symptoms = kb.question_by_id["symptoms"]
    assert echo == (
        f"ticked: {symptoms.label_of('breathless_or_chest_pain')} "
        f"ticked: {symptoms.label_of('fainting')}"
    )


# --------------------------------------------------------------------------- "Did you mean"


@pytest.mark.parametrize(("key", "meant"), [("y", True), ("n", False)])
def test_a_confirm_without_a_default_waits_for_y_or_n(drawn, key, meant):
    inp, terminal = drawn
    inp.send_text(ENTER + ENTER + key)  # Enter alone must not answer (it would be False)
    prompter = QuestionaryPrompter(input=inp, output=terminal.output)
    assert prompter.confirm("Did you mean Lipitor for 'Liptor'?", default=None) is meant
    shown = "\n".join(terminal.lines())
    assert "(y or n)" in shown and "(Y/n)" not in shown and "(y/N)" not in shown
    assert terminal.lines()[-1].endswith("Yes" if meant else "No")


def test_enter_at_a_near_miss_keeps_nothing_for_the_person_until_n_is_typed(kb, pipe):
    script = [
        ("How old is the person", typed("58")),
        ("What is your sex?", "m"),
        *signs(kb),
        ("Which medicines", typed("Liptor")),
        ("Did you mean Lipitor for 'Liptor'?", ENTER + "n"),
        ("Retype 'Liptor'", ENTER),  # only asked when the guess was declined
        *rest_dont_know()[1:],
        REVIEW_DONE,
    ]
    answers, feeder = interview(kb, pipe, script)
    assert answers["medications"] == ["Liptor"]
    assert "  Liptor -> kept as typed" in feeder.said
