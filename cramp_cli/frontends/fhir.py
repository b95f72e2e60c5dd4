"""A FHIR R4 QuestionnaireResponse for cramps' Questionnaire, read as answers.

`cramps check --answers FILE` recognises one by its `resourceType`. Each item's linkId is a
question id; its answers become the value the contract's answers document would hold, and then
go through the same normalisation and errors as any answers file, so a response and the
equivalent answers file give the same assessment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..contract import FHIR_NONE_CODE as NONE_CODE
from ..errors import AnswersError

if TYPE_CHECKING:
    from ..engine.model import KnowledgeBase

RESPONSE = "QuestionnaireResponse"
_VALUE_KEYS = (
    "valueCoding",
    "valueInteger",
    "valueDecimal",
    "valueBoolean",
    "valueString",
    "valueQuantity",
)


def is_fhir_resource(data: Any) -> bool:
    return isinstance(data, Mapping) and "resourceType" in data


def _value(answer: Any, where: str) -> Any:
    if not isinstance(answer, Mapping):
        raise AnswersError(f'{where}: each answer must be an object such as {{"valueInteger": 67}}')
    present = [k for k in _VALUE_KEYS if k in answer]
    if len(present) != 1:
        raise AnswersError(f"{where}: each answer needs one of {', '.join(_VALUE_KEYS)}")
    value = answer[present[0]]
    if present[0] == "valueCoding":
        if not isinstance(value, Mapping) or not isinstance(value.get("code"), str):
            raise AnswersError(f"{where}: valueCoding needs a code")
        return value["code"]
    if present[0] == "valueQuantity":
        if not isinstance(value, Mapping) or "value" not in value:
            raise AnswersError(f"{where}: valueQuantity needs a value")
        return value["value"]
    return value


def _items(items: Any, name: str) -> list[Mapping[str, Any]]:
    """Every item with a linkId, groups flattened (a form may nest questions in groups)."""
    if not isinstance(items, list):
        raise AnswersError(f"{name}: QuestionnaireResponse.item must be a list")
    found: list[Mapping[str, Any]] = []
    pending = list(items)
    while pending:
        item = pending.pop(0)
        if not isinstance(item, Mapping) or not isinstance(item.get("linkId"), str):
            raise AnswersError(f"{name}: every QuestionnaireResponse item needs a linkId")
        found.append(item)
        nested = item.get("item")
        if isinstance(nested, list):
            pending[:0] = nested
    return found


def answers_from_response(kb: KnowledgeBase, data: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The answers document a QuestionnaireResponse holds (not yet normalised)."""
    kind = data.get("resourceType")
    if kind != RESPONSE:
        raise AnswersError(
            f"{name}: a FHIR {kind} is not answers; give a {RESPONSE} for "
            "cramps' Questionnaire (cramps schema fhir-questionnaire)"
        )
    answers: dict[str, Any] = {}
    for item in _items(data.get("item", []), name):
        qid = item["linkId"]
        if "answer" not in item and isinstance(item.get("item"), list):
            continue  # a group
        question = kb.question_by_id.get(qid)
        where = f"{name}: item {qid}"
        if qid in answers:
            raise AnswersError(f"{where}: answered twice")
        raw = item.get("answer", [])
        if not isinstance(raw, list):
            raise AnswersError(f"{where}: answer must be a list")
        values = [_value(a, where) for a in raw]
        many = question is not None and question.type in ("multi_choice", "medicines")
        if many and not values:
            answers[qid] = None
        elif many:
            answers[qid] = [] if values == [NONE_CODE] else values
        elif len(values) > 1:
            raise AnswersError(f"{where}: takes one answer, not {len(values)}")
        elif values:
            answers[qid] = values[0]
        else:
            answers[qid] = None  # asked, no answer: don't know
    return answers
