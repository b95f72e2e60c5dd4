"""HL7 FHIR R4 views of cramps: the questions as a `Questionnaire`, an assessment as a
`Bundle` of the `QuestionnaireResponse` and a `RiskAssessment`.

Clinics and health apps speak FHIR; scripts speak the contract's JSON. Both are renderings of
the same knowledge base and assessment: nothing here evaluates a rule. Output is deterministic
(ids are derived from the content, never random or from the clock), like the JSON.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..contract import FHIR_ANSWER_SYSTEM
from ..contract import FHIR_NONE_CODE as NONE_CODE
from ..contract import FHIR_QUESTIONNAIRE_URL as QUESTIONNAIRE_URL

if TYPE_CHECKING:
    from ..engine.conditions import Condition
    from ..engine.model import KnowledgeBase, Question

RISK_PROBABILITY = "http://terminology.hl7.org/CodeSystem/risk-probability"
# The contract's likelihoods in FHIR's qualitative risk scale.
_QUALITATIVE = {"likely": "moderate", "possible": "low"}
_ITEM_TYPE = {
    "integer": "integer",
    "number": "decimal",
    "boolean": "boolean",
    "choice": "choice",
    "multi_choice": "choice",
    "medicines": "string",
}
# The condition tests FHIR's enableWhen can say, as its operators.
_OPERATORS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def value_system(question_id: str) -> str:
    """One code system per question's vocabulary, so a coding names the question it is for."""
    return f"{FHIR_ANSWER_SYSTEM}:{question_id}"


def _uuid(kind: str, content: Any) -> str:
    """A stable urn:uuid for a resource, from what it holds (same input, same id)."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'cramps:{kind}:{text}')}"


# --------------------------------------------------------------------------- Questionnaire


def _answer_key(question: Question) -> str:
    kind = question.type
    if kind in ("choice", "multi_choice"):
        return "valueCoding"
    return {"integer": "valueInteger", "number": "valueDecimal", "boolean": "valueBoolean"}.get(
        kind, "valueString"
    )


def _enable_when(
    condition: Condition | None, questions: Mapping[str, Question]
) -> list[dict[str, Any]] | None:
    """The condition as enableWhen clauses (all must hold), or None when FHIR cannot say it.

    A question whose condition cannot be said is left always enabled: the engine still drops an
    answer that does not apply, with a warning, so nothing unsafe follows from asking it.
    """
    from ..engine.conditions import All, Not, Test

    if condition is None:
        return []
    parts = condition.items if isinstance(condition, All) else (condition,)
    clauses: list[dict[str, Any]] = []
    for part in parts:
        negate = isinstance(part, Not)
        test = part.item if isinstance(part, Not) else part
        if not isinstance(test, Test) or test.question not in questions:
            return None
        question = questions[test.question]
        key = "answer" + _answer_key(question)[5:]
        values: list[tuple[str, Any]]
        if test.op == "answered":
            values = [("exists", bool(test.value) != negate)]
            key = "answerBoolean"
        elif test.op in ("equals", "in", "not_in"):
            listed = test.value if isinstance(test.value, list | tuple) else [test.value]
            equal = (test.op != "not_in") != negate
            if equal and len(listed) != 1:
                return None  # "one of several" needs enableBehavior any: not within an all
            values = [("=" if equal else "!=", v) for v in listed]
        elif test.op in _OPERATORS and not negate:
            values = [(_OPERATORS[test.op], test.value)]
        elif test.op == "between" and not negate:
            values = [(">=", test.value[0]), ("<=", test.value[1])]
        else:
            return None
        for operator, value in values:
            if key == "answerCoding":
                answer: Any = {"system": value_system(question.id), "code": str(value)}
            elif key == "answerDecimal":
                answer = float(value)
            elif key == "answerInteger":
                answer = int(value)
            else:
                answer = value
            clauses.append({"question": question.id, "operator": operator, key: answer})
    return clauses


def questionnaire(kb: KnowledgeBase) -> dict[str, Any]:
    """The knowledge base's questions as a FHIR R4 Questionnaire (linkId = question id)."""
    items = []
    for question in kb.questions:
        item: dict[str, Any] = {
            "linkId": question.id,
            "text": question.prompt,
            "type": _ITEM_TYPE[question.type],
            "required": question.required,
            "repeats": question.type in ("multi_choice", "medicines"),
        }
        if question.choices:
            item["answerOption"] = [
                {
                    "valueCoding": {
                        "system": value_system(question.id),
                        "code": str(c.value),
                        "display": c.label,
                    }
                }
                for c in question.choices
            ]
            if question.type == "multi_choice":
                item["answerOption"].insert(
                    0,
                    {
                        "valueCoding": {
                            "system": value_system(question.id),
                            "code": NONE_CODE,
                            "display": "None of these",
                        }
                    },
                )
        clauses = _enable_when(question.applies_when, kb.question_by_id)
        if clauses:
            item["enableWhen"] = clauses
            if len(clauses) > 1:
                item["enableBehavior"] = "all"
        items.append(item)
    return {
        "resourceType": "Questionnaire",
        "id": "cramps",
        "url": QUESTIONNAIRE_URL,
        "version": kb.version,
        "name": "CrampsNocturnalLegCramps",
        "title": "cramps: questions about nocturnal leg cramps",
        "status": "active",
        "subjectType": ["Patient"],
        "description": kb.disclaimer,
        "item": items,
    }


# --------------------------------------------------------------------------- the Bundle


def _answer_values(question: Question | None, value: Any) -> list[dict[str, Any]]:
    values = value if isinstance(value, list) else [value]
    if question is not None and question.type in ("multi_choice", "medicines") and not values:
        values = [NONE_CODE]  # "none of these", which an empty item could not say
    if question is None:
        return [{"valueString": str(v)} for v in values]
    key = _answer_key(question)
    answers: list[dict[str, Any]] = []
    for v in values:
        if key == "valueCoding":
            label = "None of these" if v == NONE_CODE else question.label_of(v)
            answers.append(
                {key: {"system": value_system(question.id), "code": str(v), "display": label}}
            )
        elif key == "valueDecimal":
            answers.append({key: float(v)})
        else:
            answers.append({key: v})
    return answers


def questionnaire_response(doc: Mapping[str, Any], kb: KnowledgeBase | None) -> dict[str, Any]:
    """The assessment's canonical answers as a completed QuestionnaireResponse."""
    questions = kb.question_by_id if kb is not None else {}
    items = []
    for qid, value in doc["answers"].items():
        answers = _answer_values(questions.get(qid), value)
        item: dict[str, Any] = {"linkId": qid}
        if answers:
            item["answer"] = answers
        items.append(item)
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{QUESTIONNAIRE_URL}|{doc['knowledge_base']['version']}",
        "status": "completed",
        "item": items,
    }


def bundle(doc: Mapping[str, Any], kb: KnowledgeBase | None = None) -> dict[str, Any]:
    """One assessment as a FHIR R4 Bundle: the answers and a RiskAssessment built on them."""
    response = questionnaire_response(doc, kb)
    response_url = _uuid("QuestionnaireResponse", response)
    triage = doc["triage"]
    notes = [{"text": f"{triage['level'].replace('_', ' ').upper()}: {triage['summary']}"}]
    notes += [{"text": f"Red flag: {flag['title']}. {flag['advice']}"} for flag in doc["red_flags"]]
    notes.append({"text": doc["disclaimer"]})
    risk = {
        "resourceType": "RiskAssessment",
        "status": "final",
        "subject": {"display": "the person the answers are about"},
        "method": {
            "text": f"cramps {doc['tool']['version']}, knowledge base "
            f"{doc['knowledge_base']['version']} "
            f"(sha256 {doc['knowledge_base']['sha256']})"
        },
        "basis": [{"reference": response_url}],
        "prediction": [
            {
                "outcome": {
                    "coding": [
                        {
                            "system": "urn:cramps:cause",
                            "code": cause["id"],
                            "display": cause["title"],
                        }
                    ],
                    "text": cause["title"],
                },
                "probabilityDecimal": cause["score"],
                "qualitativeRisk": {
                    "coding": [
                        {"system": RISK_PROBABILITY, "code": _QUALITATIVE[cause["likelihood"]]}
                    ]
                },
                "rationale": cause["explanation"],
            }
            for cause in doc["causes"]
        ],
        "mitigation": triage["summary"],
        "note": notes,
    }
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": response_url, "resource": response},
            {"fullUrl": _uuid("RiskAssessment", risk), "resource": risk},
        ],
    }
