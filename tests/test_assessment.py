"""The engine's typed result: one evaluation that check's JSON, `cramps why` and `rules test`
all read, so they cannot disagree about what fired."""

from __future__ import annotations

import json
import os

import pytest

from cramp_cli.engine.answers import normalise
from cramp_cli.engine.assess import assess, evaluate
from cramp_cli.engine.explain import explain
from cramp_cli.knowledge.cases import cases_of, run_case
from tests.conftest import CONTRACT_KEYS, EXAMPLES, invoke, reworded, write_answers


@pytest.mark.parametrize(
    "path",
    sorted(EXAMPLES.glob("**/*.json")),
    ids=lambda p: str(p.relative_to(EXAMPLES).with_suffix("")),
)
def test_check_json_is_the_assessments_document(kb, tmp_path, path):
    answers = json.loads(path.read_text())["answers"]
    result = invoke("check", "--answers", str(write_answers(tmp_path, answers)), "-f", "json")
    assert result.code == 0, result.stderr
    assessment = evaluate(kb, normalise(answers, kb))
    doc = assessment.to_document()
    # the command writes the document in the reader's region (the tests' CRAMPS_REGION)
    shown = reworded(kb, doc, os.environ["CRAMPS_REGION"])
    assert result.stdout == json.dumps(shown, indent=2, ensure_ascii=False) + "\n"
    assert list(doc) == CONTRACT_KEYS
    assert doc["triage"] == {
        "level": assessment.level,
        "summary": assessment.summary,
        "because": assessment.because,
    }
    assert [f["id"] for f in doc["red_flags"]] == assessment.fired("red_flag")
    assert [c["id"] for c in doc["causes"]] == assessment.fired("cause")
    assert assess(kb, normalise(answers, kb)) == reworded(kb, doc, None)  # the default region


def test_the_document_is_the_same_every_time(kb):
    answers = normalise({"age": 67, "medications": ["Lipitor"], "symptoms": ["dark_urine"]}, kb)
    first = json.dumps(evaluate(kb, answers).to_document())
    assert json.dumps(evaluate(kb, answers).to_document()) == first


def test_why_and_rules_test_agree_with_check_on_every_example_case(kb):
    """For every rule and every example case in rules.yaml: `why`'s verdict is what check shows,
    and `rules test` judges the case by the same result."""
    tried = 0
    for rule in kb.rules:
        for expectation, number, case in cases_of(rule):
            answers = normalise(case, kb)
            assessment = evaluate(kb, answers)
            shown = rule.id in assessment.fired(rule.kind)
            assert explain(kb, rule, answers)["fires"] is shown, (rule.id, case)
            expected = expectation == "fires"
            assert (shown is expected) is run_case(kb, rule, expectation, number, case).passed
            tried += 1
    assert tried > 100


def test_why_names_the_flag_that_reports_a_sign_instead(kb):
    answers = normalise({"age": 40, "symptoms": ["confusion"], "heavy_sweating": True}, kb)
    rule = kb.rule("sudden_confusion")
    assert rule is not None
    found = explain(kb, rule, answers)
    assert found["fires"] is False
    assert found["other_causes"] == ["possible_heatstroke"]
    assert "possible_heatstroke already reports this sign" in found["reason"]
    assert all(row["result"] == "met" for row in found["conditions"])


def test_the_advice_that_holds_is_in_the_result(kb):
    advice = [rule for rule in kb.rules if rule.kind == "advice" and rule.cases_fire]
    assert advice
    for rule in advice:
        assessment = evaluate(kb, normalise(rule.cases_fire[0], kb))
        assert rule.id in assessment.fired("advice")
        assert assessment.values[rule.id] is True
