"""The interview of `cramps check` through a scripted fake Prompter: what is asked, in which
order, what is skipped, and which answers come back, as a person at a terminal would see it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cramp_cli.engine.answers import normalise
from cramp_cli.frontends.interview import (
    checklist_validator,
    drinks_to_units,
    number_validator,
    run_interview,
    split_medicines,
)
from tests.conftest import assess

DONT = "Don't know"
NONE = "None of these"


class FakePrompter:
    """Answers each prompt from a script of (text the message must contain, answer).

    Choices are answered by their labels, as a person picks them; typed text goes through the
    prompt's validator, and a list of texts is typed one after another until one is accepted.
    Asking a question the script did not expect fails the test.
    """

    def __init__(self, script: list[tuple[str, Any]]):
        self.script = list(script)
        self.messages: list[str] = []
        self.said: list[str] = []
        self.refusals: list[str] = []
        self.defaults: dict[str, Any] = {}
        self.shown: dict[str, list[str]] = {}  # the choices of each select, as labels

    def _next(self, message: str) -> Any:
        assert self.script, f"not in the script: {message!r}"
        expected, answer = self.script.pop(0)
        assert expected.lower() in message.lower(), f"expected {expected!r}, asked {message!r}"
        self.messages.append(message)
        return answer

    def text(self, message, *, validate=None, default="", instruction=None):
        answer = self._next(message)
        self.defaults[message] = default
        for attempt in answer if isinstance(answer, list) else [answer]:
            verdict = True if validate is None else validate(attempt)
            if verdict is True:
                return attempt
            self.refusals.append(verdict)
        raise AssertionError(f"every answer to {message!r} was refused: {self.refusals}")

    def select(self, message, choices, *, default=None, instruction=None):
        label = self._next(message)
        self.defaults[message] = default
        self.shown[message] = [title for title, _ in choices]
        if label.endswith("..."):  # a review line picked by its start
            label = next(t for t in self.shown[message] if t.startswith(label[:-3]))
        found = [value for title, value in choices if title == label]
        assert found, f"{label!r} is not a choice of {message!r}: {[t for t, _ in choices]}"
        return found[0]

    def checkbox(self, message, choices, *, validate=None, instruction=None, checked=()):
        labels = self._next(message)
        by_label = dict(choices)
        picked = [by_label[label] for label in labels]
        verdict = True if validate is None else validate(picked)
        assert verdict is True, verdict
        return picked

    def confirm(self, message, *, default=True):
        return self._next(message)

    def say(self, text):
        self.said.append(text)

    def done(self) -> bool:
        return not self.script


def label(kb, qid: str, value: Any) -> str:
    return kb.question_by_id[qid].label_of(value)


def finish() -> tuple[str, str]:
    return ("Check your answers", "No, show my assessment")


def all_questions_for_a_woman_of_67(kb) -> list[tuple[str, Any]]:
    """Every question that applies to a woman of 67 (no pregnancy questions), answered."""
    return [
        ("How old are you?", "67"),
        ("What is your sex?", "Female"),
        ("Do you have any of these", [NONE]),
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
        ("How many minutes", "2"),
    ]


def test_full_interview_returns_every_answer_in_contract_form(kb):
    prompter = FakePrompter([*all_questions_for_a_woman_of_67(kb), finish()])
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    assert raw == {
        "age": 67, "sex": "female", "symptoms": [], "medications": ["Lipitor 40 mg", "furosemide"],
        "started_new_medicine_recently": False, "activity_level": "light",
        "recent_strenuous_exercise": False, "heavy_sweating": False,
        "large_plain_water_intake": False, "diarrhoea_or_vomiting": False,
        "standing_hours": 8.5, "footwear": ["supportive"], "alcohol_units_per_week": 4,
        "smoker": False, "conditions": ["diabetes"], "cramps_per_week": 3, "cramp_minutes": 2,
    }  # fmt: skip
    doc = assess(kb, raw)
    assert doc["unanswered"] == []
    assert {m["match"] for m in doc["medications"]} == {"brand", "exact"}


def test_the_first_line_says_to_call_the_emergency_numbers(kb):
    prompter = FakePrompter([*all_questions_for_a_woman_of_67(kb), finish()])
    run_interview(kb, {}, prompter)
    assert prompter.said[0] == f"In an emergency, call {kb.emergency_numbers} now."


def test_questions_come_in_rules_order_age_sex_then_warning_signs(kb):
    prompter = FakePrompter([*all_questions_for_a_woman_of_67(kb), finish()])
    run_interview(kb, {}, prompter)
    asked = prompter.messages[:3]
    assert "How old are you?" in asked[0]
    assert "What is your sex?" in asked[1]
    assert kb.question_by_id["symptoms"].prompt in asked[2]


def test_progress_counts_the_questions_that_apply(kb):
    prompter = FakePrompter([*all_questions_for_a_woman_of_67(kb), finish()])
    run_interview(kb, {}, prompter)
    numbered = [m for m in prompter.messages if m.startswith("(")]
    # before the age is known the pregnancy and birth questions may apply (19); at 67 they
    # do not (17)
    assert numbered[0].startswith("(1 of 19) ")
    assert numbered[1].startswith("(2 of 17) ")
    assert numbered[-1].startswith("(17 of 17) ")
    assert [int(m[1:].split(" ")[0]) for m in numbered] == list(range(1, 18))


def test_progress_grows_when_the_trimester_starts_to_apply(kb):
    prompter = FakePrompter([
        ("How old are you?", "30"), ("What is your sex?", "Female"),
        ("Do you have any of these", [NONE]), ("Are you pregnant?", "Yes"),
        ("Which trimester", "2"),
    ])  # fmt: skip
    with pytest.raises(AssertionError, match="not in the script"):
        run_interview(kb, {}, prompter)
    # pregnant: the birth question stops applying and the trimester starts to
    assert prompter.messages[3].startswith("(4 of 19) ")
    assert prompter.messages[4].startswith("(5 of 19) ")


def _asked_after_symptoms(kb, age: str, sex: str) -> list[str]:
    prompter = FakePrompter([("How old are you?", age), ("What is your sex?", sex),
                             ("Do you have any of these", [NONE]), ("", DONT)])  # fmt: skip
    with pytest.raises(AssertionError, match="not in the script"):
        run_interview(kb, {}, prompter)
    return prompter.messages


@pytest.mark.parametrize(("age", "sex"), [("30", "Male"), ("65", "Female"), ("70", "Other")])
def test_pregnancy_is_not_asked_of_men_or_over_60s(kb, age, sex):
    fourth = _asked_after_symptoms(kb, age, sex)[3]
    assert "pregnant" not in fourth
    assert kb.question_by_id["medications"].prompt in fourth


def test_pregnancy_is_asked_of_a_woman_of_30(kb):
    assert "Are you pregnant?" in _asked_after_symptoms(kb, "30", "Female")[3]


def test_trimester_is_asked_only_when_pregnant(kb):
    prompter = FakePrompter([
        ("How old are you?", "30"), ("What is your sex?", "Female"),
        ("Do you have any of these", [NONE]), ("Are you pregnant?", "No"),
        ("given birth", "No"), ("Which medicines", ""),
    ])  # fmt: skip
    with pytest.raises(AssertionError, match="not in the script"):
        run_interview(kb, {}, prompter)
    assert "given birth in the last 6 weeks" in prompter.messages[4]
    assert kb.question_by_id["medications"].prompt in prompter.messages[5]
    assert not any("trimester" in m for m in prompter.messages)


def test_answers_given_by_flags_are_not_asked(kb):
    given = {"age": 45, "sex": "male", "symptoms": [], "medications": ["Lipitor"],
             "smoker": True, "cramp_minutes": 1}  # fmt: skip
    script = [
        ("(1 of 11) Did you start or change", "No"),
        ("How active", DONT), ("workout", DONT), ("sweat", DONT), ("plain water", DONT),
        ("diarrhoea", DONT), ("on your feet", ""), ("shoes", [DONT]),
        ("units of alcohol", DONT), ("Has a doctor told you", [DONT]),
        ("(11 of 11) In a typical week, on how many nights", ""), finish(),
    ]  # fmt: skip
    prompter = FakePrompter(script)
    raw = run_interview(kb, given, prompter)
    assert prompter.done()
    asked = " ".join(prompter.messages)
    for qid in given:
        assert kb.question_by_id[qid].prompt not in asked
    assert raw == {**given, "started_new_medicine_recently": False}


def test_dont_know_leaves_the_question_unanswered_never_no(kb):
    script = [
        ("How old are you?", "52"), ("What is your sex?", DONT),
        ("Do you have any of these", [DONT]), ("Are you pregnant?", DONT), ("given birth", DONT),
        ("Which medicines", ""),
        ("start or change", DONT), ("How active", DONT), ("workout", DONT), ("sweat", DONT),
        ("plain water", DONT), ("diarrhoea", DONT), ("on your feet", ""), ("shoes", [DONT]),
        ("units of alcohol", DONT), ("Do you smoke?", DONT), ("Has a doctor told you", [DONT]),
        ("how many nights", ""), ("How many minutes", ""), finish(),
    ]  # fmt: skip
    prompter = FakePrompter(script)
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    assert raw == {"age": 52}
    doc = assess(kb, raw)
    assert "symptoms" in doc["unanswered"]
    assert "smoker" in doc["unanswered"]


def test_none_of_these_and_no_medicines_are_answers_not_dont_know(kb):
    prompter = FakePrompter(alcohol_script(("units of alcohol", DONT)))
    raw = run_interview(kb, {}, prompter)
    assert raw == {"age": 70, "sex": "male", "symptoms": [], "medications": []}
    unanswered = assess(kb, raw)["unanswered"]
    assert "symptoms" not in unanswered
    assert "medications" not in unanswered


def test_age_must_be_answered(kb):
    prompter = FakePrompter([("How old are you?", ["", "abc", "200", "12.5", "67"])])
    with pytest.raises(AssertionError, match="not in the script"):
        run_interview(kb, {}, prompter)
    assert prompter.refusals == [
        "An answer is needed: enter a whole number from 1 to 120",
        "Enter a whole number from 1 to 120",
        "Enter a whole number from 1 to 120",
        "Enter a whole number from 1 to 120",
    ]


def test_an_emergency_symptom_stops_the_questions_at_once(kb):
    numb_leg = label(kb, "symptoms", "cold_pale_numb_leg")
    prompter = FakePrompter([("How old are you?", "58"), ("What is your sex?", "Male"),
                             ("Do you have any of these", [numb_leg])])  # fmt: skip
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()  # nothing asked after the symptoms, and no review
    assert raw == {"age": 58, "sex": "male", "symptoms": ["cold_pale_numb_leg"]}
    assert any("emergency" in line and "stop" in line for line in prompter.said)
    doc = assess(kb, raw)
    assert doc["triage"]["level"] == "emergency"
    assert doc["red_flags"][0]["id"] == "possible_limb_ischaemia"


def test_an_emergency_made_by_a_later_answer_stops_there(kb):
    headache = label(kb, "symptoms", "severe_headache_or_vision_changes")
    prompter = FakePrompter([
        ("How old are you?", "30"), ("What is your sex?", "Female"),
        ("Do you have any of these", [headache]), ("Are you pregnant?", "Yes"),
    ])  # fmt: skip
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()  # the trimester is not asked: an unknown stage is no reason to wait
    assert "pregnancy_trimester" not in raw
    assert assess(kb, raw)["red_flags"][0]["id"] == "possible_preeclampsia"


def test_an_emergency_given_by_flags_stops_after_the_age(kb):
    prompter = FakePrompter([("How old are you?", "40")])
    raw = run_interview(kb, {"symptoms": ["seizure"]}, prompter)
    assert prompter.done()
    assert raw == {"symptoms": ["seizure"], "age": 40}


def test_the_review_lists_the_answers_and_changes_one(kb):
    prompter = FakePrompter([*all_questions_for_a_woman_of_67(kb),
                             ("Check your answers", "Do you smoke?..."), ("Do you smoke?", "Yes"),
                             finish()])  # fmt: skip
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    assert raw["smoker"] is True
    review = [m for m in prompter.messages if m.startswith("Check your answers")]
    assert len(review) == 2  # shown again after the change
    shown = prompter.shown[review[0]]
    assert shown[0] == "No, show my assessment"
    assert len(shown) == 1 + 17
    assert any(line.startswith("How old are you?") and line.endswith("67") for line in shown)
    assert any(line.startswith("Which medicines") and "furosemide" in line for line in shown)
    assert any(line.startswith("Do you have any of these") and line.endswith(NONE)
               for line in shown)  # fmt: skip
    assert all(len(line) <= 76 for line in shown)
    assert prompter.defaults["Do you smoke?"] is False  # the old answer is offered


def test_changing_sex_in_the_review_drops_the_pregnancy_answer(kb):
    prompter = FakePrompter([
        ("How old are you?", "30"), ("What is your sex?", "Female"),
        ("Do you have any of these", [NONE]), ("Are you pregnant?", "No"),
        ("given birth", DONT), ("Which medicines", ""), ("start or change", DONT),
        ("How active", DONT),
        ("workout", DONT), ("sweat", DONT), ("plain water", DONT), ("diarrhoea", DONT),
        ("on your feet", ""), ("shoes", [DONT]), ("units of alcohol", DONT),
        ("Do you smoke?", DONT), ("Has a doctor told you", [DONT]), ("how many nights", ""),
        ("How many minutes", ""),
        ("Check your answers", "What is your sex?..."), ("What is your sex?", "Male"),
        finish(),
    ])  # fmt: skip
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    assert raw == {"age": 30, "sex": "male", "symptoms": []}
    assert normalise(raw, kb).warnings == []  # nothing left over to warn about


def test_changing_the_age_in_the_review_asks_the_questions_that_now_apply(kb):
    prompter = FakePrompter([*all_questions_for_a_woman_of_67(kb),
                             ("Check your answers", "How old are you?..."),
                             ("How old are you?", "31"), ("Are you pregnant?", "No"),
                             ("given birth", "No"), finish()])  # fmt: skip
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    assert raw["age"] == 31
    assert raw["pregnant"] is False
    assert prompter.defaults["How old are you?"] == "67"  # the old answer can be edited


def test_a_change_in_the_review_that_is_an_emergency_ends_the_interview(kb):
    seizure = label(kb, "symptoms", "seizure")
    prompter = FakePrompter([*all_questions_for_a_woman_of_67(kb),
                             ("Check your answers", "Do you have any of these..."),
                             ("Do you have any of these", [seizure])])  # fmt: skip
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    assert raw["symptoms"] == ["seizure"]


def medicines_script(typed: str, *more: tuple[str, Any]) -> list[tuple[str, Any]]:
    return [("How old are you?", "70"), ("What is your sex?", "Male"),
            ("Do you have any of these", [NONE]), ("Which medicines", typed), *more]  # fmt: skip


def _run_until_after_medicines(kb, prompter: FakePrompter) -> None:
    prompter.script.append(("start or change a medicine", "STOP"))
    with pytest.raises(AssertionError, match="is not a choice"):
        run_interview(kb, {}, prompter)


def test_medicines_are_shown_as_recognised_with_their_class(kb):
    prompter = FakePrompter(medicines_script("Lipitor 40 mg, Glucophage; Dyazide"))
    _run_until_after_medicines(kb, prompter)
    statin = kb.medicine_classes["statin"]["label"]
    assert f"  Lipitor 40 mg -> atorvastatin, {statin}" in prompter.said
    assert "  Glucophage -> metformin, recognised" in prompter.said
    assert any(line.startswith("  Dyazide -> triamterene + hydrochlorothiazide, ")
               for line in prompter.said)  # fmt: skip


def test_a_near_miss_is_confirmed_or_retyped_and_an_unknown_name_is_kept(kb):
    prompter = FakePrompter(medicines_script(
        "atorvastatn, Lasixx, xyzzyfloxin",
        ("Did you mean atorvastatin for 'atorvastatn'?", True),
        ("Did you mean Lasix for 'Lasixx'?", False),
        ("Retype 'Lasixx'", "furosemide 40mg"),
        ("Retype 'xyzzyfloxin'", ""),
    ))  # fmt: skip
    _run_until_after_medicines(kb, prompter)
    assert "  atorvastatin -> atorvastatin, " + kb.medicine_classes["statin"]["label"] \
        in prompter.said  # fmt: skip
    assert any(line.startswith("  furosemide 40mg -> furosemide, ") for line in prompter.said)
    assert any(line.startswith("  xyzzyfloxin -> not recognised") for line in prompter.said)
    assert "  xyzzyfloxin -> kept as typed" in prompter.said


def test_medicines_end_up_in_the_answers_and_an_unknown_is_reported(kb):
    script = medicines_script("Liptor, xyzzyfloxin", ("Did you mean Lipitor", True),
                              ("Retype 'xyzzyfloxin'", ""))  # fmt: skip
    script += [("start or change", DONT), ("How active", DONT), ("workout", DONT),
               ("sweat", DONT), ("plain water", DONT), ("diarrhoea", DONT), ("on your feet", ""),
               ("shoes", [DONT]), ("units of alcohol", DONT), ("Do you smoke?", DONT),
               ("Has a doctor told you", [DONT]), ("how many nights", ""),
               ("How many minutes", ""), finish()]  # fmt: skip
    prompter = FakePrompter(script)
    raw = run_interview(kb, {}, prompter)
    assert raw["medications"] == ["Lipitor", "xyzzyfloxin"]
    doc = assess(kb, raw)
    assert [(m["input"], m["match"]) for m in doc["medications"]] == [
        ("Lipitor", "brand"), ("xyzzyfloxin", "unknown")]


def alcohol_script(*answers: tuple[str, Any]) -> list[tuple[str, Any]]:
    return [("How old are you?", "70"), ("What is your sex?", "Male"),
            ("Do you have any of these", [NONE]), ("Which medicines", "none"),
            ("start or change", DONT), ("How active", DONT), ("workout", DONT), ("sweat", DONT),
            ("plain water", DONT), ("diarrhoea", DONT), ("on your feet", ""), ("shoes", [DONT]),
            *answers, ("Do you smoke?", DONT), ("Has a doctor told you", [DONT]),
            ("how many nights", ""), ("How many minutes", ""), finish()]  # fmt: skip


def test_alcohol_counted_in_drinks_is_converted_to_uk_units(kb):
    drinks = kb.question_by_id["alcohol_units_per_week"].drink_units
    labels = list(drinks)
    counts = ["4", "", "3"] + [""] * (len(labels) - 3)
    answers = [("units of alcohol", "Count my drinks instead (cramps works out the units)")]
    answers += [(lab, count) for lab, count in zip(labels, counts, strict=True)]
    prompter = FakePrompter(alcohol_script(*answers))
    raw = run_interview(kb, {}, prompter)
    assert prompter.done()
    expected = round(4 * drinks[labels[0]] + 3 * drinks[labels[2]], 1)
    assert raw["alcohol_units_per_week"] == pytest.approx(expected)
    assert f"  That is about {expected:g} UK units a week." in prompter.said


def test_alcohol_in_units_or_none(kb):
    units = FakePrompter(alcohol_script(("units of alcohol", "I will give a number of UK units"),
                                        ("How many UK units", ["-2", "12.5"])))  # fmt: skip
    assert run_interview(kb, {}, units)["alcohol_units_per_week"] == 12.5
    assert units.refusals == ["Enter a number of at least 0, or leave it empty"]
    none = FakePrompter(alcohol_script(("units of alcohol", "None: I do not drink alcohol")))
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
        run_interview(kb, {}, Interrupt([("How old are you?", "50")]))


# --------------------------------------------------------------------------- small pieces


def test_number_validator_gives_the_reason_from_the_bounds(kb):
    minutes = number_validator(kb.question_by_id["cramp_minutes"])
    assert minutes("0") == "Enter a number greater than 0 and at most 1440, or leave it empty"
    assert minutes("0,5") is True
    assert minutes("") is True  # don't know
    assert minutes("two") == minutes("0")


def test_checklist_needs_an_answer_and_keeps_none_and_dont_know_alone():
    from cramp_cli.frontends.interview import DONT_KNOW, NONE_OF_THESE

    assert "Tick at least one" in checklist_validator([])
    assert "None of these" in checklist_validator(["fatigue", NONE_OF_THESE])
    assert "Don't know" in checklist_validator([DONT_KNOW, "fatigue"])
    assert checklist_validator([NONE_OF_THESE]) is True
    assert checklist_validator(["fatigue", "dark_urine"]) is True


def test_split_medicines():
    assert split_medicines("Lipitor 40 mg, furosemide;  Lasix\nLipitor 40 mg") == [
        "Lipitor 40 mg", "furosemide", "Lasix"]
    assert split_medicines("None") == []
    assert split_medicines("  ") is None


def test_drinks_to_units_rounds_to_one_decimal():
    assert drinks_to_units({"a": 2.3, "b": 2.1}, {"a": 3}) == 6.9
    assert drinks_to_units({"a": 1.0}, {"a": 3}) == 3


# --------------------------------------------------------------------------- with cramps check


def test_save_answers_writes_the_interview_answers_that_answers_reads_back(
    kb, cli, tmp_path, monkeypatch
):
    import cramp_cli.console.terminal
    import cramp_cli.frontends.prompts

    prompter = FakePrompter([*all_questions_for_a_woman_of_67(kb), finish()])
    monkeypatch.setattr(cramp_cli.console.terminal, "can_prompt", lambda no_input=False: True)
    monkeypatch.setattr(cramp_cli.frontends.prompts, "QuestionaryPrompter", lambda: prompter)
    saved = tmp_path / "saved.json"
    first = cli("check", "--format", "json", "--save-answers", str(saved))
    assert first.code == 0, first.stderr
    assert prompter.done()
    assert json.loads(saved.read_text()) == first.json()["answers"]
    assert first.json()["answers"]["medications"] == ["Lipitor 40 mg", "furosemide"]
    again = cli("check", "--answers", str(saved), "--format", "json")
    assert again.code == 0, again.stderr
    assert again.stdout == first.stdout
