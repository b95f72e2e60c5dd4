"""The interview of `cramps check` through a scripted fake Prompter: what is asked, in which
order, what is skipped, what the person is offered, and which answers come back, as a tired
person (or a parent typing for a child) at a terminal would meet it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cramp_cli.engine.answers import normalise
from cramp_cli.frontends.interview import (
    DONT_KNOW,
    NONE_OF_THESE,
    NOW_PROMPT,
    SIGNS_PER_SCREEN,
    STOP_HERE,
    checklist_validator,
    choice_keys,
    drinks_to_units,
    number_validator,
    run_interview,
    split_medicines,
    warning_sign_screens,
)
from cramp_cli.frontends.prompts import GoBack
from tests.conftest import advice_as_shown, as_shown, assess

DONT = "Don't know"
NONE = "None of these"
BACK = "<BACK>"  # in a script: the person asks for the previous question
STOP = "Stop here and read the advice"
GO_ON = "Go on to find what may be adding to the cramps"


class FakePrompter:
    """Answers each prompt from a script of (text the message must contain, answer).

    Choices are answered by their labels, as a person picks them; typed text goes through the
    prompt's validator, and a list of texts is typed one after another until one is accepted.
    BACK asks for the previous question (only where the prompt offers it). Asking a question
    the script did not expect fails the test. `log` keeps prompts and messages in order.
    """

    def __init__(self, script: list[tuple[str, Any]]):
        self.script = list(script)
        self.messages: list[str] = []
        self.said: list[str] = []
        self.log: list[str] = []
        self.refusals: list[str] = []
        self.defaults: dict[str, Any] = {}
        self.keys: dict[str, list[Any]] = {}
        self.shown: dict[str, list[str]] = {}  # the choices of each select or checklist
        self.empties: dict[str, str] = {}  # how each checklist echoes nothing ticked

    def _next(self, message: str, back: bool) -> Any:
        assert self.script, f"not in the script: {message!r}"
        expected, answer = self.script.pop(0)
        assert expected.lower() in message.lower(), f"expected {expected!r}, asked {message!r}"
        self.messages.append(message)
        self.log.append(f"ask: {message}")
        if answer == BACK:
            assert back, f"{message!r} offers no Back"
            raise GoBack
        return answer

    def text(self, message, *, validate=None, default="", instruction=None, back=False):
        answer = self._next(message, back)
        self.defaults[message] = default
        for attempt in answer if isinstance(answer, list) else [answer]:
            verdict = True if validate is None else validate(attempt)
            if verdict is True:
                return attempt
            self.refusals.append(verdict)
        raise AssertionError(f"every answer to {message!r} was refused: {self.refusals}")

    def select(self, message, choices, *, default=None, instruction=None, keys=None, back=False):
        self.shown[message] = [title for title, _ in choices]
        self.defaults[message] = default
        self.keys[message] = list(keys) if keys is not None else []
        label = self._next(message, back)
        if label.endswith("..."):  # a review line picked by its start
            label = next(t for t in self.shown[message] if t.startswith(label[:-3]))
        found = [value for title, value in choices if title == label]
        assert found, f"{label!r} is not a choice of {message!r}: {[t for t, _ in choices]}"
        return found[0]

    def checkbox(
        self,
        message,
        choices,
        *,
        validate=None,
        instruction=None,
        checked=(),
        back=False,
        empty="Nothing ticked",
    ):
        self.shown[message] = [title for title, _ in choices]
        self.empties[message] = empty
        self.defaults[message] = list(checked)
        labels = self._next(message, back)
        by_label = dict(choices)
        picked = [by_label[label] for label in labels]
        verdict = True if validate is None else validate(picked)
        assert verdict is True, verdict
        return picked

    def confirm(self, message, *, default=True, back=False):
        self.defaults[message] = default
        return self._next(message, back)

    def say(self, text):
        self.said.append(text)
        self.log.append(f"say: {text}")

    def done(self) -> bool:
        return not self.script


def label(kb, qid: str, value: Any) -> str:
    return kb.question_by_id[qid].label_of(value)


def finish() -> tuple[str, str]:
    return ("Check the answers", "No, show my assessment")


def screens(kb):
    return warning_sign_screens(kb, kb.question_by_id["symptoms"])


def signs(kb, *values: str) -> list[tuple[str, list[str]]]:
    """Every warning-sign screen answered: these signs ticked where they are, else "None"."""
    script = []
    for message, items in screens(kb):
        ticked = [c.label for c in items if c.value in values]
        script.append((message, ticked or [NONE]))
    return script


def signs_unknown(kb) -> list[tuple[str, list[str]]]:
    """Enter on every warning-sign screen with nothing ticked."""
    return [(message, []) for message, _ in screens(kb)]


def all_questions_for_a_woman_of_67(kb) -> list[tuple[str, Any]]:
    """Every question that applies to a woman of 67 (no pregnancy questions), answered."""
    return [
        ("How old is the person with cramps?", "67"),
        ("What is your sex?", "Female"),
        *signs(kb),
        ("Which medicines", "Lipitor 40 mg, furosemide"),
        ("start or change a medicine", "No"),
        ("How active", label(kb, "activity_level", "light")),
        ("hard or unusually long workout", "No"),
        ("lost a lot of sweat", "No"),
        ("plain water", "No"),
        ("diarrhoea or vomiting", "No"),
        ("on your feet", "8.5"),
        ("shoes", [label(kb, "footwear", "supportive")]),
        ("units of alcohol", "I will give a number of UK units"),
        ("How many UK units", "4"),
        ("Do you smoke?", "No"),
        ("Has a doctor told you", [label(kb, "conditions", "diabetes")]),
        ("how many nights", "3"),
        ("How long does a typical cramp last?", "From 1 to 10 minutes"),
    ]


def rest_unknown(*, smoker: bool = True) -> list[tuple[str, Any]]:
    """Medicines to cramp length, every one "Don't know" or empty."""
    return [
        ("Which medicines", ""),
        ("start or change", DONT),
        ("How active", DONT),
        ("workout", DONT),
        ("sweat", DONT),
        ("plain water", DONT),
        ("diarrhoea", DONT),
        ("on your feet", ""),
        ("shoes", []),
        *([("units of alcohol", DONT), ("Do you smoke?", DONT)] if smoker else []),
        ("Has a doctor told you", []),
        ("how many nights", ""),
        ("How long does a typical cramp last?", DONT),
    ]


def test_full_interview_returns_every_answer_in_contract_form(kb):
    prompter = FakePrompter([*all_questions_for_a_woman_of_67(kb), finish()])
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    assert raw == {
        "age": 67,
        "sex": "female",
        "symptoms": [],
        "medications": ["Lipitor 40 mg", "furosemide"],
        "started_new_medicine_recently": False,
        "activity_level": "light",
        "recent_strenuous_exercise": False,
        "heavy_sweating": False,
        "large_plain_water_intake": False,
        "diarrhoea_or_vomiting": False,
        "standing_hours": 8.5,
        "footwear": ["supportive"],
        "alcohol_units_per_week": 4,
        "smoker": False,
        "conditions": ["diabetes"],
        "cramps_per_week": 3,
        "cramp_minutes": 5,
    }
    doc = assess(kb, raw)
    assert doc["unanswered"] == []
    assert {m["match"] for m in doc["medications"]} == {"brand", "exact"}


def test_the_first_line_says_to_call_the_emergency_numbers(kb):
    prompter = FakePrompter([*all_questions_for_a_woman_of_67(kb), finish()])
    run_interview(kb, {}, prompter)
    assert prompter.said[0] == f"In an emergency, call {as_shown(kb, kb.emergency_numbers)} now."


def test_the_age_question_says_the_answers_can_be_for_someone_else(kb):
    prompter = FakePrompter([*all_questions_for_a_woman_of_67(kb), finish()])
    run_interview(kb, {}, prompter)
    first = prompter.log.index("ask: " + prompter.messages[0])
    before = " ".join(prompter.log[:first])
    assert "person with cramps" in prompter.messages[0]
    assert "someone else" in before  # said with the first question, not asked as another one


def test_questions_come_age_sex_then_the_dangerous_warning_signs(kb):
    prompter = FakePrompter([*all_questions_for_a_woman_of_67(kb), finish()])
    run_interview(kb, {}, prompter)
    asked = prompter.messages
    assert "How old" in asked[0]
    assert "What is your sex?" in asked[1]
    assert asked[2] == NOW_PROMPT
    assert not any(m.startswith("(") for m in asked)  # no count that changes as answers do


def test_nothing_is_chosen_for_the_person(kb):
    """Every single choice starts on "Don't know", and yes/no answer with y / n / d."""
    prompter = FakePrompter([*all_questions_for_a_woman_of_67(kb), finish()])
    run_interview(kb, {}, prompter)
    selects = [m for m in prompter.keys if not m.startswith("Check the answers")]
    assert len(selects) >= 9
    for message in selects:
        assert prompter.defaults[message] is DONT_KNOW, message
        assert prompter.shown[message][-1] == DONT, message
        assert prompter.keys[message][-1] == "d", message
    assert prompter.keys["Do you smoke?"] == ["y", "n", "d"]
    activity = next(m for m in selects if "How active" in m)
    assert prompter.keys[activity] == ["s", "l", "m", "v", "d"]


def test_enter_on_an_empty_checklist_is_dont_know_never_none(kb):
    prompter = FakePrompter(
        [
            ("How old", "70"),
            ("What is your sex?", "Male"),
            *signs_unknown(kb),
            *rest_unknown(),
            finish(),
        ]
    )
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    assert raw == {"age": 70, "sex": "male"}  # no yes, no no, no "none of these"
    doc = assess(kb, raw)
    assert doc["triage"]["level"] != "self_care"
    assert "warning_signs_not_checked" in doc["triage"]["because"]


def test_warning_signs_come_in_short_screens_dangerous_first(kb):
    question = kb.question_by_id["symptoms"]
    parts = screens(kb)
    assert len(parts) >= 2
    seen = [c.value for _, items in parts for c in items]
    assert sorted(seen) == sorted(question.choice_values)  # each sign once
    assert all(len(items) <= SIGNS_PER_SCREEN for _, items in parts)
    now = [c.value for message, items in parts if message == NOW_PROMPT for c in items]
    assert parts[0][0] == NOW_PROMPT
    assert seen[: len(now)] == now  # the "happening now" screens come first
    for sign in ("breathless_or_chest_pain", "one_leg_swollen", "cold_pale_numb_leg"):
        assert sign in now
    for sign in ("fatigue", "nausea_vomiting", "urge_to_move_legs"):
        assert sign not in now


def test_which_signs_are_dangerous_comes_from_the_knowledge_base(kb):
    """Without the clot red flag, a swollen calf is no longer among the urgent signs."""
    rules = tuple(r for r in kb.rules if r.id != "possible_dvt")
    changed = kb._replace(rules=rules)
    now = [
        c.value
        for message, items in warning_sign_screens(changed, kb.question_by_id["symptoms"])
        if message == NOW_PROMPT
        for c in items
    ]
    assert "one_leg_swollen" not in now
    assert "breathless_or_chest_pain" in now


def _swollen_calf_script(kb, after: str, *also: str) -> list[tuple[str, Any]]:
    """Age, sex, then the warning-sign screens up to the one with the swollen calf ticked
    (and the signs `also`), then the answer to "stop here or go on"."""
    script: list[tuple[str, Any]] = [("How old", "58"), ("What is your sex?", "Male")]
    for entry in signs(kb, "one_leg_swollen", *also):
        script.append(entry)
        if label(kb, "symptoms", "one_leg_swollen") in entry[1]:
            break
    return [*script, ("Stop here", after)]


def test_each_screen_has_none_first_and_dont_know_last_and_echoes_nothing_as_dont_know(kb):
    """The ticks themselves are echoed by the prompter (test_interview_prompts/_lines); the
    interview tells it that nothing ticked reads "Don't know", and echoes nothing twice."""
    prompter = FakePrompter(_swollen_calf_script(kb, STOP, "calf_red_warm_tender"))
    run_interview(kb, {}, prompter)
    assert prompter.done()
    lists = [m for m in prompter.messages if m == NOW_PROMPT]
    assert lists
    for message in lists:
        assert prompter.shown[message][0] == NONE
        assert prompter.shown[message][-1] == DONT
        assert prompter.empties[message] == DONT
    assert not any("ticked" in line for line in prompter.said)


def test_an_urgent_sign_shows_its_advice_at_once_and_stopping_is_the_default(kb):
    prompter = FakePrompter(_swollen_calf_script(kb, STOP))
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()  # nothing asked after "stop here", and no review
    assert raw["symptoms"] == ["one_leg_swollen"]
    stop_question = prompter.log.index(f"ask: {prompter.messages[-1]}")
    advice_at = prompter.log.index(f"say:   {advice_as_shown(kb, 'possible_dvt')}")
    calf_screen = max(
        i for i, line in enumerate(prompter.log[:stop_question]) if line.startswith("ask: ")
    )
    assert calf_screen < advice_at < stop_question  # straight after the screen, before more
    assert prompter.defaults[prompter.messages[-1]] is STOP_HERE


def test_going_on_after_an_urgent_sign_asks_the_rest(kb):
    script = _swollen_calf_script(kb, GO_ON)
    asked_signs = sum(
        1 for m, _ in script if m in (NOW_PROMPT, kb.question_by_id["symptoms"].prompt)
    )
    rest = signs(kb)[asked_signs:]
    prompter = FakePrompter([*script, *rest, *rest_unknown(), finish()])
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    assert raw == {"age": 58, "sex": "male", "symptoms": ["one_leg_swollen"]}
    dvt_advice = f"  {advice_as_shown(kb, 'possible_dvt')}"
    assert prompter.said.count(dvt_advice) == 1  # shown once, not after every answer


def test_ctrl_c_after_a_red_flag_prints_its_advice_again(kb):
    prompter = FakePrompter(_swollen_calf_script(kb, GO_ON))  # then Ctrl-C at the next one

    def interrupt(*_args: Any, **_kwargs: Any) -> Any:
        if not prompter.script:
            raise KeyboardInterrupt
        return original(*_args, **_kwargs)

    original = prompter.checkbox
    prompter.checkbox = interrupt  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        run_interview(kb, {}, prompter)
    advice = f"  {advice_as_shown(kb, 'possible_dvt')}"
    assert prompter.said.count(advice) == 2
    assert prompter.said[-1] == "" and advice in prompter.said[-3:]


def test_ctrl_c_before_any_red_flag_repeats_nothing(kb):
    class Interrupt(FakePrompter):
        def select(self, *args, **kwargs):
            raise KeyboardInterrupt

    prompter = Interrupt([("How old", "50")])
    with pytest.raises(KeyboardInterrupt):
        run_interview(kb, {}, prompter)
    assert not any("advice" in line for line in prompter.said)


def test_a_child_of_9_is_not_asked_the_adult_questions_and_hears_the_note_first(kb):
    prompter = FakePrompter(
        [
            ("How old", "9"),
            ("What is your sex?", "Female"),
            *signs(kb),
            *rest_unknown(smoker=False),
            finish(),
        ]
    )
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    asked = " ".join(prompter.messages).lower()
    for qid in ("alcohol_units_per_week", "smoker", "pregnant", "gave_birth_recently"):
        assert kb.question_by_id[qid].prompt.lower() not in asked
    note = kb.see_doctor[kb.children_see_doctor].text
    first_after_age = prompter.log.index(f"ask: {prompter.messages[1]}")
    assert f"say:   {note}" in prompter.log[:first_after_age]
    assert raw == {"age": 9, "sex": "female", "symptoms": []}


def test_an_answer_given_for_a_child_by_a_flag_still_counts(kb):
    prompter = FakePrompter(
        [("What is your sex?", "Male"), *signs(kb), *rest_unknown(smoker=False), finish()]
    )
    raw = run_interview(kb, {"age": 11, "smoker": True}, prompter)
    assert raw["smoker"] is True


def test_pregnancy_is_asked_in_weeks_and_stored_as_the_trimester(kb):
    weeks = label(kb, "pregnancy_trimester", 2)
    prompter = FakePrompter(
        [
            ("How old", "30"),
            ("What is your sex?", "Female"),
            *signs(kb),
            ("Are you pregnant?", "Yes"),
            ("How many weeks pregnant", weeks),
            *rest_unknown(),
            finish(),
        ]
    )
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    assert raw["pregnancy_trimester"] == 2
    message = next(m for m in prompter.messages if "weeks pregnant" in m)
    assert "weeks" in weeks and "second trimester" in weeks
    assert prompter.shown[message][-1] == DONT
    assert prompter.defaults[message] is DONT_KNOW


def test_pregnancy_weeks_become_the_contracts_trimester(kb):
    question = kb.question_by_id["pregnancy_trimester"]
    assert [c.value for c in question.choices] == [1, 2, 3]
    assert all("weeks" in c.label for c in question.choices)


def _asked_after_symptoms(kb, age: str, sex: str) -> list[str]:
    prompter = FakePrompter([("How old", age), ("What is your sex?", sex), *signs(kb), ("", DONT)])
    with pytest.raises(AssertionError, match=r"not in the script|not a choice"):
        run_interview(kb, {}, prompter)
    return prompter.messages


@pytest.mark.parametrize(("age", "sex"), [("30", "Male"), ("65", "Female"), ("70", "Other")])
def test_pregnancy_is_not_asked_of_men_or_over_60s(kb, age, sex):
    after = _asked_after_symptoms(kb, age, sex)[2 + len(screens(kb))]
    assert "pregnant" not in after
    assert kb.question_by_id["medications"].prompt in after


def test_pregnancy_is_asked_of_a_woman_of_30(kb):
    after = _asked_after_symptoms(kb, "30", "Female")[2 + len(screens(kb))]
    assert "Are you pregnant?" in after


def test_birth_is_asked_only_when_not_pregnant_and_weeks_only_when_pregnant(kb):
    prompter = FakePrompter(
        [
            ("How old", "30"),
            ("What is your sex?", "Female"),
            *signs(kb),
            ("Are you pregnant?", "No"),
            ("given birth", "No"),
            ("Which medicines", ""),
            ("start or change", "STOP"),
        ]
    )
    with pytest.raises(AssertionError, match="not a choice"):
        run_interview(kb, {}, prompter)
    assert not any("weeks pregnant" in m for m in prompter.messages)


def test_answers_given_by_flags_are_not_asked(kb):
    given = {
        "age": 45,
        "sex": "male",
        "symptoms": [],
        "medications": ["Lipitor"],
        "smoker": True,
        "cramp_minutes": 1,
    }
    script = [
        ("Did you start or change", "No"),
        ("How active", DONT),
        ("workout", DONT),
        ("sweat", DONT),
        ("plain water", DONT),
        ("diarrhoea", DONT),
        ("on your feet", ""),
        ("shoes", [DONT]),
        ("units of alcohol", DONT),
        ("Has a doctor told you", [DONT]),
        ("In a typical week, on how many nights", ""),
        finish(),
    ]
    prompter = FakePrompter(script)
    raw = run_interview(kb, given, prompter)
    assert prompter.done()
    asked = " ".join(prompter.messages)
    for qid in given:
        assert kb.question_by_id[qid].prompt not in asked
    assert raw == {**given, "started_new_medicine_recently": False}


def test_dont_know_leaves_the_question_unanswered_never_no(kb):
    script = [
        ("How old", "52"),
        ("What is your sex?", DONT),
        *[(m, [DONT]) for m, _ in screens(kb)],
        ("Are you pregnant?", DONT),
        ("given birth", DONT),
        *rest_unknown(),
        finish(),
    ]
    prompter = FakePrompter(script)
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    assert raw == {"age": 52}
    doc = assess(kb, raw)
    assert "symptoms" in doc["unanswered"]
    assert "smoker" in doc["unanswered"]


def test_none_of_these_on_every_screen_and_no_medicines_are_answers(kb):
    prompter = FakePrompter(alcohol_script(("units of alcohol", DONT)))
    raw = run_interview(kb, {}, prompter)
    assert raw == {"age": 70, "sex": "male", "symptoms": [], "medications": []}
    unanswered = assess(kb, raw)["unanswered"]
    assert "symptoms" not in unanswered
    assert "medications" not in unanswered


def test_a_sign_ticked_on_one_screen_counts_when_another_is_dont_know(kb):
    fatigue = label(kb, "symptoms", "fatigue")
    script = [
        (m, [fatigue] if fatigue in [c.label for c in items] else []) for m, items in screens(kb)
    ]
    prompter = FakePrompter(
        [("How old", "70"), ("What is your sex?", "Male"), *script, *rest_unknown(), finish()]
    )
    raw = run_interview(kb, {}, prompter)
    assert raw["symptoms"] == ["fatigue"]


def test_cramp_length_is_asked_as_ranges_mapped_onto_minutes(kb):
    question = kb.question_by_id["cramp_minutes"]
    longer = next(c for c in question.choices if c.label.startswith("Longer than 10"))
    prompter = FakePrompter(
        [
            *all_questions_for_a_woman_of_67(kb)[:-1],
            ("How long does a typical cramp last?", longer.label),
            ("Stop here", STOP),
        ]
    )  # an urgent red flag: its advice, at once
    raw = run_interview(kb, {}, prompter)
    assert raw["cramp_minutes"] == longer.value
    assert "prolonged_cramp" in [f["id"] for f in assess(kb, raw)["red_flags"]]


def test_age_must_be_answered(kb):
    prompter = FakePrompter([("How old", ["", "abc", "200", "12.5", "67"])])
    with pytest.raises(AssertionError, match="not in the script"):
        run_interview(kb, {}, prompter)
    assert prompter.refusals == [
        "An answer is needed: enter a whole number from 1 to 120",
        "Enter a whole number from 1 to 120",
        "Enter a whole number from 1 to 120",
        "Enter a whole number from 1 to 120",
    ]


def test_back_goes_to_the_previous_question_with_its_answer(kb):
    prompter = FakePrompter(
        [
            ("How old", "70"),
            ("What is your sex?", BACK),
            ("How old", "71"),
            ("What is your sex?", "Male"),
            (NOW_PROMPT, BACK),
            ("What is your sex?", "Female"),
            *signs(kb),
            ("Which medicines", BACK),
            *signs(kb),
            ("Which medicines", "none"),
            ("start or change", "STOP"),
        ]
    )
    with pytest.raises(AssertionError, match="not a choice"):
        run_interview(kb, {}, prompter)
    assert prompter.defaults[prompter.messages[2]] == "70"  # the old age, ready to edit
    sex_again = [m for m in prompter.messages if "What is your sex?" in m]
    assert len(sex_again) == 3


def test_back_on_a_later_screen_goes_to_the_screen_before(kb):
    parts = screens(kb)
    swollen = label(kb, "symptoms", "one_leg_swollen")
    first = [c.label for c in parts[0][1]][1]
    prompter = FakePrompter(
        [
            ("How old", "58"),
            ("What is your sex?", "Male"),
            (parts[0][0], [DONT]),
            (parts[1][0], BACK),
            (parts[0][0], [NONE]),
            *signs(kb)[1:],
            *rest_unknown(),
            finish(),
        ]
    )
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    assert raw["symptoms"] == []
    assert swollen and first  # the screens have signs to show


def test_an_emergency_symptom_stops_the_questions_at_once(kb):
    numb_leg = label(kb, "symptoms", "cold_pale_numb_leg")
    script = [("How old", "58"), ("What is your sex?", "Male")]
    for message, items in screens(kb):
        if numb_leg in [c.label for c in items]:
            script.append((message, [numb_leg]))
            break
        script.append((message, [NONE]))
    prompter = FakePrompter(script)
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()  # nothing asked after that screen, no stop question, no review
    assert raw == {"age": 58, "sex": "male", "symptoms": ["cold_pale_numb_leg"]}
    assert any("emergency" in line and "stop" in line for line in prompter.said)
    doc = assess(kb, raw)
    assert doc["triage"]["level"] == "emergency"
    assert doc["red_flags"][0]["id"] == "possible_limb_ischaemia"


def test_an_emergency_made_by_a_later_answer_stops_there(kb):
    headache = label(kb, "symptoms", "severe_headache_or_vision_changes")
    script: list[tuple[str, Any]] = [("How old", "30"), ("What is your sex?", "Female")]
    for entry in signs(kb, "severe_headache_or_vision_changes"):
        script.append(entry)
        if headache in entry[1]:
            script.append(("Stop here", GO_ON))  # urgent on its own: the advice, then go on
    prompter = FakePrompter([*script, ("Are you pregnant?", "Yes")])
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()  # the weeks are not asked: an unknown stage is no reason to wait
    assert "pregnancy_trimester" not in raw
    assert assess(kb, raw)["red_flags"][0]["id"] == "possible_preeclampsia"


def test_an_emergency_given_by_flags_stops_after_the_age(kb):
    prompter = FakePrompter([("How old", "40")])
    raw = run_interview(kb, {"symptoms": ["seizure"]}, prompter)
    assert prompter.done()
    assert raw == {"symptoms": ["seizure"], "age": 40}


def test_the_review_lists_whole_answers_and_changes_one(kb):
    prompter = FakePrompter(
        [
            *all_questions_for_a_woman_of_67(kb)[:2],
            *signs(kb, "fatigue", "nausea_vomiting", "loss_of_appetite"),
            *all_questions_for_a_woman_of_67(kb)[2 + len(screens(kb)) :],
            ("Check the answers", "Do you smoke?..."),
            ("Do you smoke?", "Yes"),
            finish(),
        ]
    )
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    assert raw["smoker"] is True
    review = [m for m in prompter.messages if m.startswith("Check the answers")]
    assert len(review) == 2  # shown again after the change
    shown = prompter.shown[review[0]]
    assert shown[0] == "No, show my assessment"
    assert len(shown) == 1 + 17
    assert any(line.startswith("How old") and line.endswith("67") for line in shown)
    assert any(line.startswith("Which medicines") and "furosemide" in line for line in shown)
    signs_line = next(line for line in shown if line.startswith("Do you have any of these"))
    for value in ("fatigue", "nausea_vomiting", "loss_of_appetite"):
        assert label(kb, "symptoms", value) in signs_line  # every sign, none cut off
    assert prompter.defaults["Do you smoke?"] is False  # the old answer is offered


def test_changing_sex_in_the_review_drops_the_pregnancy_answer(kb):
    prompter = FakePrompter(
        [
            ("How old", "30"),
            ("What is your sex?", "Female"),
            *signs(kb),
            ("Are you pregnant?", "No"),
            ("given birth", DONT),
            *rest_unknown(),
            ("Check the answers", "What is your sex?..."),
            ("What is your sex?", "Male"),
            finish(),
        ]
    )
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    assert raw == {"age": 30, "sex": "male", "symptoms": []}
    assert normalise(raw, kb).warnings == []  # nothing left over to warn about


def test_changing_the_age_in_the_review_asks_the_questions_that_now_apply(kb):
    prompter = FakePrompter(
        [
            *all_questions_for_a_woman_of_67(kb),
            ("Check the answers", "How old..."),
            ("How old", "31"),
            ("Are you pregnant?", "No"),
            ("given birth", "No"),
            finish(),
        ]
    )
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    assert raw["age"] == 31
    assert raw["pregnant"] is False
    assert prompter.defaults[next(m for m in prompter.messages if "How old" in m)] == "67"


def test_a_change_in_the_review_that_is_an_emergency_ends_the_interview(kb):
    seizure = label(kb, "symptoms", "seizure")
    script: list[tuple[str, Any]] = []
    for message, items in screens(kb):
        if seizure in [c.label for c in items]:
            script.append((message, [seizure]))
            break
        script.append((message, [NONE]))
    prompter = FakePrompter(
        [
            *all_questions_for_a_woman_of_67(kb),
            ("Check the answers", "Do you have any of these..."),
            *script,
        ]
    )
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    assert raw["symptoms"] == ["seizure"]


def medicines_script(kb, typed: str, *more: tuple[str, Any]) -> list[tuple[str, Any]]:
    return [
        ("How old", "70"),
        ("What is your sex?", "Male"),
        *signs(kb),
        ("Which medicines", typed),
        *more,
    ]


def _run_until_after_medicines(kb, prompter: FakePrompter) -> None:
    prompter.script.append(("start or change a medicine", "STOP"))
    with pytest.raises(AssertionError, match="is not a choice"):
        run_interview(kb, {}, prompter)


def test_the_medicines_prompt_gives_one_instruction(kb):
    assert "separately" not in kb.question_by_id["medications"].prompt.lower()


def test_medicines_are_shown_as_recognised_with_their_class(kb):
    prompter = FakePrompter(medicines_script(kb, "Lipitor 40 mg, Glucophage; Dyazide"))
    _run_until_after_medicines(kb, prompter)
    statin = kb.medicine_classes["statin"]["label"]
    assert f"  Lipitor 40 mg -> atorvastatin, {statin}" in prompter.said
    assert "  Glucophage -> metformin, recognised" in prompter.said
    assert any(
        line.startswith("  Dyazide -> triamterene + hydrochlorothiazide, ")
        for line in prompter.said
    )


def test_a_near_miss_is_confirmed_or_retyped_and_an_unknown_name_is_kept(kb):
    prompter = FakePrompter(
        medicines_script(
            kb,
            "atorvastatn, Lasixx, xyzzyfloxin",
            ("Did you mean atorvastatin for 'atorvastatn'?", True),
            ("Did you mean Lasix for 'Lasixx'?", False),
            ("Retype 'Lasixx'", "furosemide 40mg"),
            ("Retype 'xyzzyfloxin'", ""),
        )
    )
    _run_until_after_medicines(kb, prompter)
    assert (
        "  atorvastatin -> atorvastatin, " + kb.medicine_classes["statin"]["label"] in prompter.said
    )
    assert any(line.startswith("  furosemide 40mg -> furosemide, ") for line in prompter.said)
    assert any(line.startswith("  xyzzyfloxin -> not recognised") for line in prompter.said)
    assert "  xyzzyfloxin -> kept as typed" in prompter.said
    confirms = [m for m in prompter.messages if m.startswith("Did you mean")]
    assert len(confirms) == 2
    assert all(prompter.defaults[m] is None for m in confirms)  # y or n, not Enter alone


def test_medicines_end_up_in_the_answers_and_an_unknown_is_reported(kb):
    script = medicines_script(
        kb, "Liptor, xyzzyfloxin", ("Did you mean Lipitor", True), ("Retype 'xyzzyfloxin'", "")
    )
    script += [*rest_unknown()[1:], finish()]
    prompter = FakePrompter(script)
    raw = run_interview(kb, {}, prompter)
    assert raw["medications"] == ["Lipitor", "xyzzyfloxin"]
    doc = assess(kb, raw)
    assert [(m["input"], m["match"]) for m in doc["medications"]] == [
        ("Lipitor", "brand"),
        ("xyzzyfloxin", "unknown"),
    ]


def alcohol_script(*answers: tuple[str, Any], kb=None) -> list[tuple[str, Any]]:
    from cramp_cli.knowledge.loader import load

    kb = kb or load()
    return [
        ("How old", "70"),
        ("What is your sex?", "Male"),
        *signs(kb),
        ("Which medicines", "none"),
        ("start or change", DONT),
        ("How active", DONT),
        ("workout", DONT),
        ("sweat", DONT),
        ("plain water", DONT),
        ("diarrhoea", DONT),
        ("on your feet", ""),
        ("shoes", [DONT]),
        *answers,
        ("Do you smoke?", DONT),
        ("Has a doctor told you", [DONT]),
        ("how many nights", ""),
        ("How long does a typical cramp last?", DONT),
        finish(),
    ]


def test_alcohol_counted_in_drinks_is_converted_to_uk_units(kb):
    drinks = kb.question_by_id["alcohol_units_per_week"].drink_units
    labels = list(drinks)
    counts = ["4", "", "3"] + [""] * (len(labels) - 3)
    answers = [("units of alcohol", "Count the drinks instead (cramps works out the units)")]
    answers += [(lab, count) for lab, count in zip(labels, counts, strict=True)]
    prompter = FakePrompter(alcohol_script(*answers, kb=kb))
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    expected = round(4 * drinks[labels[0]] + 3 * drinks[labels[2]], 1)
    assert raw["alcohol_units_per_week"] == pytest.approx(expected)
    assert f"  That is about {expected:g} UK units a week." in prompter.said


def test_back_from_a_drink_goes_to_how_to_answer_the_alcohol_question(kb):
    first = next(iter(kb.question_by_id["alcohol_units_per_week"].drink_units))
    answers = [
        ("units of alcohol", "Count the drinks instead (cramps works out the units)"),
        (first, BACK),
        ("units of alcohol", "None: no alcohol"),
    ]
    raw = run_interview(kb, {}, FakePrompter(alcohol_script(*answers, kb=kb)))
    assert raw["alcohol_units_per_week"] == 0


def test_alcohol_in_units_or_none(kb):
    units = FakePrompter(
        alcohol_script(
            ("units of alcohol", "I will give a number of UK units"),
            ("How many UK units", ["-2", "12.5"]),
            kb=kb,
        )
    )
    assert run_interview(kb, {}, units)["alcohol_units_per_week"] == 12.5
    assert units.refusals == ["Enter a number of at least 0, or leave it empty"]
    none = FakePrompter(alcohol_script(("units of alcohol", "None: no alcohol"), kb=kb))
    assert run_interview(kb, {}, none)["alcohol_units_per_week"] == 0


def test_ctrl_d_ends_the_interview_as_an_interruption(kb):
    class EndOfInput(FakePrompter):
        def text(self, *args, **kwargs):
            raise EOFError

    with pytest.raises(KeyboardInterrupt):
        run_interview(kb, {}, EndOfInput([]))


def test_ctrl_c_propagates(kb):
    class Interrupt(FakePrompter):
        def select(self, *args, **kwargs):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_interview(kb, {}, Interrupt([("How old", "50")]))


# --------------------------------------------------------------------------- small pieces


def test_number_validator_gives_the_reason_from_the_bounds(kb):
    hours = number_validator(kb.question_by_id["standing_hours"])
    assert hours("25") == "Enter a number from 0 to 24, or leave it empty"
    assert hours("7,5") is True
    assert hours("") is True  # don't know
    assert hours("two") == hours("25")


def test_an_empty_checklist_is_accepted_and_none_and_dont_know_stand_alone():
    assert checklist_validator([]) is True  # the interview reads it as "don't know"
    assert "None of these" in checklist_validator(["fatigue", NONE_OF_THESE])
    assert "Don't know" in checklist_validator([DONT_KNOW, "fatigue"])
    assert checklist_validator([NONE_OF_THESE]) is True
    assert checklist_validator(["fatigue", "dark_urine"]) is True


def test_choice_keys_are_first_letters_never_d_or_b():
    assert choice_keys(["Yes", "No"]) == ["y", "n"]
    assert choice_keys(["Dairy", "Bread", "Milk", "Meat"]) == ["1", "2", "3", "4"]
    assert choice_keys(["Under a minute", "1 to 10 minutes", "Longer"]) == ["u", "2", "l"]
    assert choice_keys(["Up to 13", "From 14", "28 or more"]) == ["u", "f", "3"]


def test_split_medicines():
    assert split_medicines("Lipitor 40 mg, furosemide;  Lasix\nLipitor 40 mg") == [
        "Lipitor 40 mg",
        "furosemide",
        "Lasix",
    ]
    assert split_medicines("None") == []
    assert split_medicines("  ") is None


def test_drinks_to_units_rounds_to_one_decimal():
    assert drinks_to_units({"a": 2.3, "b": 2.1}, {"a": 3}) == 6.9
    assert drinks_to_units({"a": 1.0}, {"a": 3}) == 3


# --------------------------------------------------------------------------- with cramps check


@pytest.fixture
def interview_in_check(monkeypatch):
    """`cramps check` as if at a terminal, asking through the given fake prompter."""
    import cramp_cli.console.terminal
    import cramp_cli.frontends.interview

    def use(prompter: FakePrompter) -> None:
        monkeypatch.setattr(
            cramp_cli.console.terminal, "prompt_style", lambda no_input=False: "widgets"
        )
        monkeypatch.setattr(cramp_cli.frontends.interview, "make_prompter", lambda style: prompter)

    return use


def test_save_answers_writes_the_interview_answers_that_answers_reads_back(
    kb, cli, tmp_path, interview_in_check
):
    prompter = FakePrompter(
        [*all_questions_for_a_woman_of_67(kb), finish(), ("Save this assessment", "Not now")]
    )
    interview_in_check(prompter)
    saved = tmp_path / "saved.json"
    first = cli("check", "--format", "json", "--save-answers", str(saved))
    assert first.code == 0, first.stderr
    assert prompter.done()
    assert json.loads(saved.read_text()) == first.json()["answers"]
    assert first.json()["answers"]["medications"] == ["Lipitor 40 mg", "furosemide"]
    assert any("cramps report" in line for line in prompter.said)  # how to make a report
    again = cli("check", "--answers", str(saved), "--format", "json")
    assert again.code == 0, again.stderr
    assert again.stdout == first.stdout


def test_the_end_offers_to_save_in_the_diary_for_a_report(kb, cli, interview_in_check):
    prompter = FakePrompter(
        [*all_questions_for_a_woman_of_67(kb), finish(), ("Save this assessment", "Yes, save it")]
    )
    interview_in_check(prompter)
    result = cli("check", "--format", "json")
    assert result.code == 0, result.stderr
    assert prompter.done()
    message = next(m for m in prompter.messages if "Save this assessment" in m)
    assert prompter.defaults[message] is False  # Enter alone saves nothing
    report = cli("report")
    assert report.code == 0, report.stderr
    assert "No saved assessment" not in report.stdout + report.stderr
    assert json.loads(result.stdout)["triage"]["level"] in report.stdout.lower().replace(
        "-", "_"
    ).replace(" ", "_")


def test_no_save_offer_after_an_emergency(kb, cli, interview_in_check):
    prompter = FakePrompter([("How old", "40")])
    interview_in_check(prompter)
    result = cli("check", "--symptom", "seizure", "--format", "json")
    assert result.code == 0, result.stderr
    assert prompter.done()  # asked nothing more: the advice stays last on the screen


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            '{value: 15, label: "Longer than 10 minutes"}',
            '{value: 2000, label: "Longer than 10 minutes"}',
            "outside the question's bounds",
        ),
        (
            '{value: 0.5, label: "Under a minute"}',
            '{value: 0, label: "Under a minute"}',
            "outside the question's bounds",
        ),
        ('{value: 2, label: "From 14', '{value: 2.5, label: "From 14', "whole number"),
        ('{value: 1, label: "Up to 13', '{value: "one", label: "Up to 13', "must be a number"),
    ],
)
def test_a_range_offered_by_a_number_question_must_be_an_answer_it_accepts(
    cli, tmp_path, old, new, message
):
    from tests.conftest import RULES

    text = RULES.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "rules.yaml"
    broken.write_text(text.replace(old, new), encoding="utf-8")
    result = cli("rules", "validate", "--rules", str(broken))
    assert result.code == 3
    assert message in result.stderr
