"""The pydantic models of the two public documents, and their JSON Schemas (draft 2020-12).

The answers model is built from the questions of the knowledge base in use, so the schema
`cramps schema answers` prints is the same model the tests hold `answers.normalise` to: it
describes canonical answers (ids as written in the contract, JSON numbers and booleans, choice
values exactly as declared). The assessment model is written by hand to match contract
section 2 key for key, because it is the contract with scripts and must not follow the code.

Imported only by `cramps schema` and the tests: defining pydantic models costs start-up time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from . import contract

if TYPE_CHECKING:
    from .engine.model import KnowledgeBase, Question

DRAFT = "https://json-schema.org/draft/2020-12/schema"


# --------------------------------------------------------------------------- answers


def _number_field(question: Question) -> Any:
    """int or float with the question's bounds (exclusive_min becomes `gt`)."""
    bounds: dict[str, float] = {}
    if question.min is not None:
        bounds["gt" if question.exclusive_min else "ge"] = _whole(question.min)
    if question.max is not None:
        bounds["le"] = _whole(question.max)
    base: Any = int if question.type == "integer" else float
    return Annotated[base, Field(**bounds)]  # type: ignore[call-overload]


def _whole(bound: float) -> float:
    """1.0 -> 1, so the schema of an integer question reads `"minimum": 1`."""
    return int(bound) if float(bound).is_integer() else bound


def _answer_type(question: Question) -> Any:
    """The Python type of one canonical answer, from the question's declared type."""
    if question.type in ("integer", "number"):
        return _number_field(question)
    if question.type == "boolean":
        return bool
    if question.type == "medicines":
        return list[str]
    # A Literal built at run time from the knowledge base: Any to the type checker.
    values: Any = Literal[question.choice_values]
    return values if question.type == "choice" else list[values]


def _describe(question: Question) -> str:
    from .engine.answers import describe_allowed

    text = f"{question.prompt} {question.help}".strip()
    unknown = "required" if question.required else "null means don't know"
    return f"{text} ({describe_allowed(question)}; {unknown})"


def answers_model(kb: KnowledgeBase) -> type[BaseModel]:
    """The model of a canonical answers document for this knowledge base.

    Every answer but a required one may be null ("don't know", the same as leaving it out);
    unknown keys are errors, and nothing is coerced ("67" is not a number, "yes" not a boolean).
    """
    fields: dict[str, Any] = {}
    for question in kb.questions:
        kind = _answer_type(question)
        if question.required:
            fields[question.id] = (kind, Field(description=_describe(question)))
        else:
            fields[question.id] = (kind | None, Field(None, description=_describe(question)))
    config = ConfigDict(
        extra="forbid",
        strict=True,
        allow_inf_nan=False,
        title="cramps answers",
        json_schema_extra={
            "description": "Answers to cramps (contract section 1), canonical "
            "form: a missing key or null means not answered."
        },
    )
    return create_model("Answers", __config__=config, **fields)


# --------------------------------------------------------------------------- assessment


class _Doc(BaseModel):
    """Every part of the assessment is closed: a new key is a contract change."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


TriageLevel = Literal[contract.TRIAGE_LEVELS]  # type: ignore[valid-type]
RedFlagLevel = Literal[contract.RED_FLAG_TRIAGE_LEVELS]  # type: ignore[valid-type]
CauseId = Literal[contract.CAUSE_IDS]  # type: ignore[valid-type]
RedFlagId = Literal[contract.RED_FLAG_IDS]  # type: ignore[valid-type]
QuestionId = Literal[contract.QUESTION_IDS]  # type: ignore[valid-type]
Evidence = Literal[contract.EVIDENCE_LEVELS]  # type: ignore[valid-type]
Citations = Annotated[list[str], Field(description="canonical citations")]


class Tool(_Doc):
    name: Literal["cramps"]
    version: str


class KnowledgeBaseInfo(_Doc):
    version: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="sha256 of the rules file")


class MedicationPart(_Doc):
    text: str = Field(description="the part of the input it was read from, as typed")
    name: str = Field(description="the dictionary name it was read as")
    match: Literal["exact", "brand", "fuzzy"]
    generics: list[str]
    classes: list[str]


class AmbiguousName(_Doc):
    text: str = Field(description="a name that could be several medicines, as typed")
    group: str = Field(description="the group it names ('water tablets (diuretics)')")
    choices: list[str] = Field(description="the common medicines of the group")


class MedicationInfo(_Doc):
    input: str = Field(description="the name exactly as given (not trimmed; may be empty)")
    generics: list[str]
    classes: list[str] = Field(description="empty for a medicine not linked to cramps")
    match: Literal[contract.MATCH_KINDS]  # type: ignore[valid-type]
    components: list[MedicationPart] = Field(
        description="each recognised part of the input, with what it was read as (one for a "
        "single name or a combination brand, one per name in a list)"
    )
    unrecognised: list[str] = Field(
        description="parts of the input not recognised as a medicine, as typed; empty when "
        "everything was understood"
    )
    ambiguous: list[AmbiguousName] | None = Field(
        default=None,
        description="present when a name could be several medicines "
        "('water tablet'): it is not guessed",
    )


class Because(_Doc):
    question: QuestionId
    answer: Any = Field(description="the answer, or for a list the matching element")


class Triage(_Doc):
    level: TriageLevel
    summary: str
    because: list[str] = Field(
        description="the red flags, or else the causes, that set it; symptom_needs_doctor or "
        "warning_signs_not_checked when the safety net (contract 5.2, 5.3) set it"
    )


class RedFlag(_Doc):
    id: RedFlagId
    title: str
    advice: str
    triage: RedFlagLevel
    because: list[Because]
    references: Citations


class Drug(_Doc):
    input: str
    generic: str
    class_: str = Field(alias="class")


class Cause(_Doc):
    id: CauseId
    title: str
    likelihood: Literal[contract.LIKELIHOODS]  # type: ignore[valid-type]
    score: float = Field(ge=0, le=1)
    explanation: str
    because: list[Because]
    drugs: list[Drug]
    references: Citations


class SelfCare(_Doc):
    id: str
    title: str
    text: str
    evidence: Evidence
    references: Citations


class Caution(_Doc):
    id: str
    title: str = Field(description="the caution in one short sentence (contract 5.5)")
    text: str = Field(description="the caution with its evidence")
    references: Citations


class SeeDoctor(_Doc):
    id: str
    text: str
    references: Citations
    because: list[Because] | None = Field(
        None, description="the answers the item names (contract 5.2), when it names any"
    )


class Assessment(_Doc):
    """One assessment (contract section 2): red flags first, then causes and advice."""

    model_config = ConfigDict(title="cramps assessment")

    schema_version: Literal[contract.SCHEMA_VERSION]  # type: ignore[valid-type]
    tool: Tool
    knowledge_base: KnowledgeBaseInfo
    region: str | None = Field(
        None,
        description="the region whose emergency numbers and services the texts name "
        "(uk, ie, us, ca, au, nz, eu, neutral); absent when the knowledge base has no regions",
    )
    answers: dict[str, Any] = Field(description="the canonical answers (cramps schema answers)")
    medications: list[MedicationInfo]
    triage: Triage
    red_flags: list[RedFlag] = Field(description="every red flag that holds, most serious first")
    causes: list[Cause] = Field(description="most likely first")
    self_care: list[SelfCare]
    cautions: list[Caution]
    see_doctor: list[SeeDoctor]
    tests_to_discuss: list[str]
    unanswered: list[QuestionId]
    disclaimer: str


ASSESSMENT_KEYS = tuple(Assessment.model_fields)


# --------------------------------------------------------------------------- JSON Schema


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema with its draft named first (pydantic emits draft 2020-12)."""
    return {"$schema": DRAFT, **model.model_json_schema(by_alias=True, mode="validation")}
