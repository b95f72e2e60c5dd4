"""Properties over many answers documents, and the safety rules over every example case.

Documents are generated from the questions of the shipped knowledge base (the same source as
`cramps schema answers`), so the properties follow rules.yaml as it changes. `deadline=None`:
nothing here asserts timing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from cramp_cli.engine.answers import normalise
from cramp_cli.engine.assess import assess
from cramp_cli.errors import AnswersError
from cramp_cli.knowledge.cases import run_all, run_case
from cramp_cli.knowledge.safety import check_assessment
from cramp_cli.schemas import ASSESSMENT_KEYS, Assessment, answers_model
from tests.conftest import RULES, invoke, reworded


def shipped_knowledge():
    """The shipped knowledge base, validated afresh (collection runs before the fixtures that
    point the cache at a temporary folder, so the cache is not used here)."""
    import hashlib

    from cramp_cli.engine.model import build
    from cramp_cli.knowledge.loader import validate_bytes

    raw = RULES.read_bytes()
    data, problems = validate_bytes(raw, "rules.yaml")
    assert not problems, problems
    return build(data, "rules.yaml", hashlib.sha256(raw).hexdigest())


KB = shipped_knowledge()
MODEL = answers_model(KB)
QUESTIONS = KB.question_by_id
SOME_MEDICINES = (
    "Lipitor 40 mg",
    "furosemide",
    "Moduretic",
    "quinine sulfate 300mg",
    "metformin",
    "salbutamol inhaler",
    "atorvastatn",
    "xyzzyfloxin",
)
FAST = settings(
    deadline=None,
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
THROUGH_CLI = settings(
    deadline=None,
    max_examples=20,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


# --------------------------------------------------------------------------- strategies


def number_answers(question) -> st.SearchStrategy[Any]:
    """Values inside the question's bounds: whole numbers, and fractions for `number`."""
    low = question.min if question.min is not None else 0
    high = question.max if question.max is not None else 10_000
    if question.type == "integer":
        return st.integers(int(low) + (1 if question.exclusive_min else 0), int(high))
    whole = st.integers(int(low) + (1 if question.exclusive_min else 0), int(high))
    fraction = st.floats(low, high, exclude_min=question.exclusive_min, allow_nan=False)
    return whole | fraction


def canonical_answer(question) -> st.SearchStrategy[Any]:
    """One valid canonical answer to a question, from its declared type."""
    if question.type in ("integer", "number"):
        return number_answers(question)
    if question.type == "boolean":
        return st.booleans()
    if question.type == "choice":
        return st.sampled_from(question.choice_values)
    if question.type == "multi_choice":
        return st.lists(st.sampled_from(question.choice_values), unique=True, max_size=4)
    names = st.sampled_from(SOME_MEDICINES) | st.text(min_size=1, max_size=20)
    return st.lists(names, max_size=3)


def canonical_documents() -> st.SearchStrategy[dict[str, Any]]:
    """Canonical answers documents: age always; any other answer given, null or left out."""
    required = {q.id: canonical_answer(q) for q in KB.questions if q.required}
    optional = {q.id: st.none() | canonical_answer(q) for q in KB.questions if not q.required}
    return st.fixed_dictionaries(required, optional=optional)


def wrong_answers(question) -> st.SearchStrategy[Any]:
    """Values no reading of the question accepts: wrong JSON type, out of range, not allowed."""
    common = [st.just({"value": 1}), st.just([[1]])]
    if question.type in ("integer", "number"):
        out = [st.just(str(question.min or 1)), st.just(True), st.just([5])]
        low = question.min if question.min is not None else None
        if low is not None:
            out.append(st.just(low) if question.exclusive_min else st.just(low - 1))
        if question.max is not None:
            out.append(st.just(question.max + 1))
        if question.type == "integer":
            out.append(st.just(float(question.min or 1) + 0.5))
        return st.one_of(*out, *common)
    if question.type == "boolean":
        return st.one_of(st.sampled_from(["yes", "no", "true", 1, 0]), *common)
    if question.type == "choice":
        return st.one_of(st.sampled_from(["zzz_not_a_choice", 7, False]), *common)
    if question.type == "multi_choice":
        return st.one_of(st.sampled_from([["zzz_not_a_choice"], [3], True, 3]), *common)
    return st.one_of(st.sampled_from([3, True, [1], [None]]), st.just({"value": 1}))


NOT_QUESTION_IDS = ("medication", "agee", "severity", "symptom_list", "x")


@st.composite
def invalid_documents(draw) -> dict[str, Any]:
    """A valid document spoiled in one place: a wrong value or a key that is no question."""
    doc = dict(draw(canonical_documents()))
    if draw(st.booleans()):
        doc[draw(st.sampled_from(NOT_QUESTION_IDS))] = draw(st.integers(0, 3))
    else:
        question = draw(st.sampled_from(KB.questions))
        doc[question.id] = draw(wrong_answers(question))
    return doc


def normalises(doc: dict[str, Any]) -> bool:
    """Valid for `cramps check --answers`: normalises, and the required answers are there."""
    try:
        answers = normalise(doc, KB)
    except AnswersError:
        return False
    return all(q.id in answers.values for q in KB.questions if q.required)


def model_accepts(doc: dict[str, Any]) -> bool:
    try:
        MODEL.model_validate(doc)
    except ValidationError:
        return False
    return True


# --------------------------------------------------------------------------- properties


@pytest.mark.slow
@FAST
@given(canonical_documents())
def test_every_canonical_document_evaluates_without_error(doc):
    assert model_accepts(doc)
    answers = normalise(doc, KB)
    assessment = assess(KB, answers)
    assert tuple(assessment) == ASSESSMENT_KEYS
    Assessment.model_validate(assessment)
    assert check_assessment(assessment) == []
    assert json.dumps(assessment) == json.dumps(assess(KB, normalise(doc, KB)))


@FAST
@given(canonical_documents(), st.sampled_from(sorted(KB.regions)))
def test_every_region_says_what_rewording_the_document_would_say(doc, region):
    """The engine puts the knowledge base in a region's words once per run rather than each
    document: what a person reads must be exactly the document as written, reworded."""
    from cramp_cli.engine.assess import evaluate

    answers = normalise(doc, KB)
    written = evaluate(KB, answers).to_document()
    assert json.dumps(assess(KB, answers, region)) == json.dumps(reworded(KB, written, region))


@pytest.mark.slow
@FAST
@given(canonical_documents() | invalid_documents())
def test_the_answers_model_and_normalise_agree(doc):
    assert model_accepts(doc) == normalises(doc)


@pytest.mark.slow
@FAST
@given(invalid_documents())
def test_every_invalid_document_is_rejected_by_both(doc):
    assume(not normalises(doc))
    assert not model_accepts(doc)


@THROUGH_CLI
@given(doc=invalid_documents())
def test_check_rejects_an_invalid_document_with_exit_2(tmp_path, doc):
    assume(not normalises(doc))
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = invoke("check", "--answers", str(path), "--format", "json")
    assert result.code == 2, (doc, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"cramps: error: {path}: ")


# --------------------------------------------------------------------------- example cases


@pytest.mark.parametrize("rule", KB.rules, ids=lambda rule: rule.id)
def test_every_example_case_passes_and_keeps_the_safety_rules(rule):
    from cramp_cli.knowledge.cases import cases_of

    for expectation, number, case in cases_of(rule):
        result = run_case(KB, rule, expectation, number, case)
        assert result.passed, result.describe()
        assert check_assessment(assess(KB, normalise(case, KB))) == []


def test_every_rule_has_both_kinds_of_case():
    results = run_all(KB)
    for rule in KB.rules:
        kinds = {r.expectation for r in results if r.rule == rule.id}
        assert kinds == {"fires", "does_not_fire"}, rule.id


def test_a_safety_breach_fails_the_case(monkeypatch):
    from cramp_cli.knowledge import safety

    monkeypatch.setattr(safety, "check_assessment", lambda doc: ["the disclaimer is missing"])
    rule = KB.rule("older_age")
    result = run_case(KB, rule, "fires", 1, rule.cases_fire[0])
    assert result.describe() == [
        "rule 'older_age': fires case 1: breaks a safety rule: the disclaimer is missing"
    ]
