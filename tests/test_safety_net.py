"""Contract 5.2-5.4, the safety net, as properties over every warning sign and several people.

5.2: every symptom, ticked on its own, is named in the output and never gets self_care.
5.3: warning signs not answered are never an all-clear.
5.4: at urgent or emergency, nothing reassures, in JSON, text or Markdown.

The people are those a tired person at 3 a.m. might be: a man of 45 with nothing else, a
woman of 78 on furosemide, a woman in the first trimester of a pregnancy. Every symptom the
knowledge base lists is tried, so a new symptom is covered the day it is added.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml

from cramp_cli.contract import WARNING_SIGNS_NOT_CHECKED
from cramp_cli.engine.answers import normalise
from cramp_cli.engine.assess import evaluate
from tests.conftest import RULES, invoke

PEOPLE = {
    "man_45": {"age": 45, "sex": "male"},
    "woman_78_on_furosemide": {"age": 78, "sex": "female", "medications": ["furosemide"]},
    "pregnant_first_trimester": {
        "age": 29,
        "sex": "female",
        "pregnant": True,
        "pregnancy_trimester": 1,
    },
}


def _symptoms() -> list[str]:
    """The warning-sign choices of the shipped rules.yaml, read without loading (and caching)
    a knowledge base while tests are collected."""
    questions = yaml.safe_load(RULES.read_text(encoding="utf-8"))["questions"]
    signs = next(q for q in questions if q.get("warning_signs"))
    return [choice["value"] for choice in signs["choices"]]


SYMPTOMS = _symptoms()


def _doc(kb: Any, answers: dict[str, Any]) -> dict[str, Any]:
    return evaluate(kb, normalise(answers, kb)).to_document()


def _named(doc: dict[str, Any], symptom: str) -> bool:
    """Whether the symptom is in a red flag's, a cause's or a see-doctor item's because."""
    pair = {"question": "symptoms", "answer": symptom}
    items = [*doc["red_flags"], *doc["causes"], *doc["see_doctor"]]
    return any(pair in item.get("because", []) for item in items)


def _reassurance(kb: Any) -> list[str]:
    """Every text the knowledge base marks as reassuring (contract 5.4)."""
    texts = [
        item.text for item in (*kb.see_doctor.values(), *kb.cautions.values()) if item.reassures
    ]
    texts += [rule.reassurance for rule in kb.rules if rule.reassurance]
    assert texts, "the knowledge base marks nothing as reassuring: the tests below are empty"
    return texts


def _flat(text: str) -> str:
    """Text with every run of whitespace (and rich's box drawing) as one space."""
    return re.sub(r"[\s│┃╭╮╰╯─━]+", " ", text)


def _reassuring_items(kb: Any, doc: dict[str, Any]) -> list[str]:
    found = [
        i["id"]
        for i in doc["see_doctor"]
        if i["id"] in kb.see_doctor and kb.see_doctor[i["id"]].reassures
    ]
    found += [i["id"] for i in doc["cautions"] if kb.cautions[i["id"]].reassures]
    found += [
        c["id"]
        for c in doc["causes"]
        for rule in kb.rules
        if rule.id == c["id"] and rule.reassurance and rule.reassurance in c["explanation"]
    ]
    return found


# --------------------------------------------------------------------------- 5.2


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("symptom", SYMPTOMS)
def test_every_symptom_alone_is_named_and_never_self_care(kb, person, symptom):
    doc = _doc(kb, {**PEOPLE[person], "symptoms": [symptom]})
    assert doc["triage"]["level"] != "self_care"
    assert _named(doc, symptom)


@pytest.mark.parametrize("person", PEOPLE)
def test_all_symptoms_together_are_each_named(kb, person):
    doc = _doc(kb, {**PEOPLE[person], "symptoms": list(SYMPTOMS)})
    assert [s for s in SYMPTOMS if not _named(doc, s)] == []


# --------------------------------------------------------------------------- 5.3


@pytest.mark.parametrize("person", [*PEOPLE, "sedentary_30"])
@pytest.mark.parametrize("unanswered", ["missing", "null"])
def test_warning_signs_not_answered_are_never_an_all_clear(kb, person, unanswered):
    answers = PEOPLE.get(person, {"age": 30, "sex": "female", "activity_level": "sedentary"})
    if unanswered == "null":
        answers = {**answers, "symptoms": None}
    doc = _doc(kb, answers)
    assert doc["triage"]["level"] != "self_care"
    assert WARNING_SIGNS_NOT_CHECKED in doc["triage"]["because"]
    assert WARNING_SIGNS_NOT_CHECKED in [item["id"] for item in doc["see_doctor"]]
    assert _reassuring_items(kb, doc) == []


def test_none_of_these_is_a_real_answer_and_allows_self_care(kb):
    # The control for the test above: the same people with "none of these" can be reassured,
    # so the absence of reassurance there is the safety net's doing.
    doc = _doc(kb, {"age": 30, "sex": "female", "activity_level": "sedentary", "symptoms": []})
    assert doc["triage"]["level"] == "self_care"
    assert WARNING_SIGNS_NOT_CHECKED not in doc["triage"]["because"]
    assert _reassuring_items(kb, doc) != []


# --------------------------------------------------------------------------- 5.4

WIDE = {"COLUMNS": "400", "TERMINAL_WIDTH": "400"}


def _serious(kb: Any, person: str) -> dict[str, str]:
    """Each symptom that alone sets urgent or emergency for this person, with the level."""
    found = {}
    for symptom in SYMPTOMS:
        level = _doc(kb, {**PEOPLE[person], "symptoms": [symptom]})["triage"]["level"]
        if level in ("urgent", "emergency"):
            found[symptom] = level
    assert set(found.values()) == {"urgent", "emergency"}  # both levels are tried
    return found


@pytest.mark.parametrize("person", ["man_45", "pregnant_first_trimester"])
def test_nothing_reassures_beside_a_red_flag(kb, person):
    for symptom in _serious(kb, person):
        doc = _doc(kb, {**PEOPLE[person], "symptoms": [symptom]})
        assert _reassuring_items(kb, doc) == [], symptom


# Text is read in full: the short result shows items by their titles, the full one shows all.
_FULL = {"text": ("--full", "--no-pager")}


@pytest.mark.parametrize("output_format", ["json", "text", "markdown"])
@pytest.mark.parametrize("person", ["man_45", "pregnant_first_trimester"])
def test_no_format_shows_reassurance_beside_a_red_flag(kb, tmp_path, person, output_format):
    """What each renderer prints, for the first urgent and the first emergency sign (the
    document itself is checked for every sign above)."""
    serious = _serious(kb, person)
    firsts = {level: symptom for symptom, level in reversed(serious.items())}
    for symptom in firsts.values():
        path = tmp_path / f"{symptom}.json"
        path.write_text(json.dumps({**PEOPLE[person], "symptoms": [symptom]}), encoding="utf-8")
        result = invoke(
            "check",
            "--answers",
            str(path),
            "--format",
            output_format,
            *_FULL.get(output_format, ()),
            env=WIDE,
        )
        assert result.code == 0, result.stderr
        shown = _flat(result.stdout)
        for text in _reassurance(kb):
            assert _flat(text) not in shown, (symptom, text)


@pytest.mark.parametrize("output_format", ["json", "text", "markdown"])
def test_reassurance_is_found_in_each_format_when_it_belongs(kb, tmp_path, output_format):
    # The control: the search above would find reassurance in this format if it were shown.
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({**PEOPLE["man_45"], "symptoms": []}), encoding="utf-8")
    result = invoke(
        "check",
        "--answers",
        str(answers),
        "--format",
        output_format,
        *_FULL.get(output_format, ()),
        env=WIDE,
    )
    assert result.code == 0, result.stderr
    shown = _flat(result.stdout)
    assert any(_flat(text) in shown for text in _reassurance(kb))
