"""The condition language: checking, three-valued evaluation, evidence and plain words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from cramp_cli.engine.conditions import ConditionProblem, parse


@dataclass(frozen=True)
class Q:
    id: str
    type: str
    choice_values: tuple[Any, ...] = ()


QUESTIONS = {
    "age": Q("age", "integer"),
    "sex": Q("sex", "choice", ("female", "male", "other", "unspecified")),
    "smoker": Q("smoker", "boolean"),
    "symptoms": Q("symptoms", "multi_choice", ("dark_urine", "muscle_weakness", "fatigue")),
    "medications": Q("medications", "medicines"),
}
CLASSES = ("statin", "loop_diuretic", "quinine")


@dataclass
class Med:
    input: str
    classes: tuple[str, ...]


@dataclass
class Facts:
    answers: dict[str, Any]
    medicines: tuple[Med, ...] = field(default=())


def evaluate(condition: Any, answers: dict[str, Any], medicines: tuple[Med, ...] = ()):
    return parse(condition, QUESTIONS, CLASSES).compile()(Facts(answers, medicines))


def test_a_test_on_an_unanswered_question_is_unknown_not_false():
    assert evaluate({"question": "smoker", "equals": True}, {})[0] is None
    assert evaluate({"not": {"question": "smoker", "equals": True}}, {})[0] is None


def test_kleene_logic_for_all_and_any():
    unknown = {"question": "smoker", "equals": True}
    false = {"question": "age", "gt": 50}
    true = {"question": "age", "gte": 40}
    answers = {"age": 40}
    assert evaluate({"all": [unknown, false]}, answers)[0] is False
    assert evaluate({"all": [unknown, true]}, answers)[0] is None
    assert evaluate({"any": [unknown, true]}, answers)[0] is True
    assert evaluate({"any": [unknown, false]}, answers)[0] is None
    assert evaluate({"any": [false, false]}, answers)[0] is False


def test_evidence_names_the_matching_list_elements():
    value, evidence = evaluate(
        {"question": "symptoms", "contains_any": ["dark_urine", "muscle_weakness"]},
        {"symptoms": ["fatigue", "dark_urine"]},
    )
    assert value is True
    assert evidence == (("symptoms", "dark_urine"),)


def test_evidence_of_all_collects_every_part():
    value, evidence = evaluate(
        {"all": [{"question": "age", "gt": 50}, {"question": "sex", "not_in": ["male"]}]},
        {"age": 67, "sex": "female"},
    )
    assert value is True
    assert evidence == (("age", 67), ("sex", "female"))


def test_classes_any_reports_the_medicine_as_typed():
    value, evidence = evaluate(
        {"question": "medications", "classes_any": ["statin"]},
        {"medications": ["Lipitor 40 mg", "metformin"]},
        (Med("Lipitor 40 mg", ("statin",)), Med("metformin", ())),
    )
    assert value is True
    assert evidence == (("medications", "Lipitor 40 mg"),)
    assert (
        evaluate({"question": "medications", "classes_any": ["statin"]}, {"medications": []})[0]
        is False
    )


def test_answered_is_never_unknown():
    assert evaluate({"question": "smoker", "answered": True}, {})[0] is False
    assert evaluate({"question": "smoker", "answered": False}, {})[0] is True


@pytest.mark.parametrize(
    ("op", "value", "answer", "expected"),
    [
        ("gt", 50, 50, False),
        ("gte", 50, 50, True),
        ("lt", 3, 2, True),
        ("lte", 3, 4, False),
        ("between", [10, 60], 10, True),
        ("between", [10, 60], 61, False),
        ("in", [30, 40], 40, True),
        ("not_in", [30, 40], 40, False),
        ("equals", 40, 40, True),
    ],
)
def test_numeric_comparisons(op: str, value: Any, answer: int, expected: bool):
    assert evaluate({"question": "age", op: value}, {"age": answer})[0] is expected


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"question": "agee", "gt": 1}, "unknown question 'agee' (did you mean 'age'?)"),
        ({"question": "sex", "equals": "femal"}, "'femal' is not a value of 'sex'"),
        ({"question": "age", "greater": 1}, "unknown key 'greater'"),
        ({"question": "smoker", "gt": 1}, "'gt' does not apply to 'smoker'"),
        ({"question": "smoker", "equals": "yes"}, "compare with true or false"),
        ({"question": "medications", "classes_any": ["statn"]}, "did you mean 'statin'"),
        ({"all": []}, "non-empty list"),
        ({"all": [{"question": "age", "gt": 1}], "any": []}, "stands alone"),
        ({"question": "age", "between": [60, 10]}, "low <= high"),
        ("age > 50", "a condition is a mapping"),
    ],
)
def test_mistakes_are_reported_in_plain_words(condition: Any, message: str):
    with pytest.raises(ConditionProblem) as caught:
        parse(condition, QUESTIONS, CLASSES)
    assert message in caught.value.message


def test_plain_words():
    condition = parse(
        {
            "all": [
                {"question": "age", "gte": 51},
                {"question": "sex", "not_in": ["male"]},
                {
                    "any": [
                        {"question": "smoker", "equals": True},
                        {"question": "symptoms", "contains_any": ["dark_urine"]},
                    ]
                },
            ]
        },
        QUESTIONS,
        CLASSES,
    )
    assert condition.describe() == (
        "age is at least 51 and sex is not male and (smoker is yes or symptoms include dark urine)"
    )


def test_a_false_part_without_evidence_still_makes_all_false():
    condition = {
        "all": [
            {"question": "age", "gte": 1},
            {"question": "medications", "classes_any": ["quinine"]},
        ]
    }
    assert (
        evaluate(condition, {"age": 40, "medications": ["metformin"]}, (Med("metformin", ()),))[0]
        is False
    )
