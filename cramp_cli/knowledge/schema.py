"""The pydantic models of rules.yaml: the shape of every section and field.

Imported only when a rules file is validated (a cache miss, `cramps rules validate`) or a
schema is printed, because defining pydantic models costs tens of milliseconds at start-up.
Cross-references (ids, question names, values in conditions) are checked by checks.py.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..contract import EVIDENCE_LEVELS, RED_FLAG_TRIAGE_LEVELS, TRIAGE_LEVELS

Evidence = Literal[EVIDENCE_LEVELS]  # type: ignore[valid-type]
TriageLevel = Literal[TRIAGE_LEVELS]  # type: ignore[valid-type]
RedFlagLevel = Literal[RED_FLAG_TRIAGE_LEVELS]  # type: ignore[valid-type]
Id = str
References = list[str]
ConditionData = dict[str, Any]
AnswersData = dict[str, Any]


class Strict(BaseModel):
    """Unknown keys are errors (a misspelled `severty:` must not pass silently)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class TriageSummary(Strict):
    summary: str = Field(min_length=1)


class Children(Strict):
    under_age: int = Field(ge=1, le=18)
    see_doctor: Id


class MedicineClassSpec(Strict):
    label: str
    evidence: Literal["strong", "moderate", "weak", "reported"]
    cramp_associated: bool
    references: References = Field(min_length=1)


class MedicineSpec(Strict):
    generic: str = Field(min_length=2)
    classes: list[Id]
    brands: list[str] = []
    aliases: list[str] = []


class CombinationSpec(Strict):
    name: str = Field(min_length=2)
    generics: list[str] = Field(min_length=2)
    aliases: list[str] = []


class LayNameSpec(Strict):
    """What people call a medicine ('blue inhaler', 'statins', 'water tablet'): exactly one of
    `generics` (one product), `classes` (one class, no product named) or `group` with
    `choices` (several medicines: asked, never guessed)."""

    name: str = Field(min_length=2)
    aliases: list[str] = []
    generics: list[str] = []
    classes: list[Id] = []
    group: str | None = None
    choices: list[str] = []


class AffixSpec(Strict):
    """'Plus', 'Comp', 'Co-': a word that adds `adds` to one of the generics `applies_to`."""

    word: str = Field(min_length=1)
    position: Literal["prefix", "suffix"]
    adds: str
    applies_to: list[str] = Field(min_length=1)


class MatchingSpec(Strict):
    ignore_words: list[str] = []
    # words that separate the medicines of one entry ("and", "with"); punctuation always does
    list_words: list[str] = ["and", "with"]
    # makers' names set aside ("Apo-", "Teva", "Sandoz")
    makers: list[str] = []
    # salt words set aside after a name ("losartan potassium"); alone they can be a medicine
    salts: list[str] = []
    affixes: list[AffixSpec] = []
    # near misses: names of fuzzy_min_length letters or more allow one edit, of
    # fuzzy_long_from letters or more two (transpositions count one)
    fuzzy_min_length: int = Field(ge=3, le=30)
    fuzzy_long_from: int = Field(default=10, ge=4, le=40)
    # an entry longer than this is not read (reported as not recognised)
    max_length: int = Field(default=200, ge=20, le=2000)
    # no longer used (near misses are counted in edits); accepted so older files still load
    fuzzy_min_score: float | None = Field(default=None, ge=50, le=100)


class ChoiceSpec(Strict):
    # a number question's choices are ranges the interview offers, each mapped onto a number
    value: str | int | float
    label: str


class QuestionSpec(Strict):
    id: Id
    type: Literal["integer", "number", "boolean", "choice", "multi_choice", "medicines"]
    prompt: str = Field(min_length=1)
    help: str = ""
    flag: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    choices: list[ChoiceSpec] = []
    min: float | None = None
    max: float | None = None
    exclusive_min: bool = False
    required: bool = False
    warning_signs: bool = False
    applies_when: ConditionData | None = None
    # When the interview asks it (contract 5.1: not the adult questions under 12); an answer
    # given in a file or flag still counts, unlike `applies_when`.
    ask_when: ConditionData | None = None
    drink_units: dict[str, float] = {}


class TipSpec(Strict):
    id: Id
    title: str = Field(min_length=1)
    text: str = Field(min_length=1)
    evidence: Evidence
    safe_with_red_flags: bool = False
    unless: ConditionData | None = None
    references: References = Field(min_length=1)


class TextItemSpec(Strict):
    """A see-doctor item: `unless` withholds it, `reassures` marks it as reassurance."""

    id: Id
    text: str = Field(min_length=1)
    unless: ConditionData | None = None
    # Reassurance is withheld at urgent or emergency triage and when the warning signs were
    # not checked (contract 5.3, 5.4).
    reassures: bool = False
    references: References = Field(min_length=1)


class CautionSpec(TextItemSpec):
    """A caution has a title a tired person can act on (contract 5.5)."""

    title: str = Field(min_length=1)


class RegionSpec(Strict):
    """A reader's country: its emergency numbers and the phrases that name its services."""

    name: str = Field(min_length=1)
    emergency: list[str] = Field(min_length=1)
    locales: list[str] = []
    must_not_say: list[str] = []
    phrases: dict[str, str] = {}


class GeneralSpec(Strict):
    self_care: list[Id] = []
    cautions: list[Id] = []
    see_doctor: list[Id] = []


class TriageWhen(Strict):
    level: RedFlagLevel
    when: ConditionData


class CasesSpec(Strict):
    fires: list[AnswersData] = []
    does_not_fire: list[AnswersData] = []


class RuleSpec(Strict):
    id: Id
    kind: Literal["cause", "red_flag", "advice"]
    title: str = Field(min_length=1)
    explanation: str | None = None
    # Sentences of a cause's explanation that reassure, shown only when reassurance is allowed.
    reassurance: str | None = None
    advice: str | None = None
    # A red flag's own triage summary, used when it alone sets the level (pre-eclampsia: the
    # maternity unit first).
    summary: str | None = None
    # Red flags whose presence stops this one firing, so one sign is not reported twice.
    unless_flags: list[Id] = []
    when: ConditionData | None = None
    fallback: bool = False
    likelihood: Literal["likely", "possible"] | None = None
    score: float | None = Field(default=None, ge=0, le=1)
    calls_for_doctor: bool = False
    triage: RedFlagLevel | None = None
    triage_when: list[TriageWhen] = []
    self_care: list[Id] = []
    cautions: list[Id] = []
    see_doctor: list[Id] = []
    tests: list[Id] = []
    references: References = []
    cases: CasesSpec = CasesSpec()


class RulesFile(Strict):
    """The whole of rules.yaml."""

    format: Literal[1]
    version: str = Field(min_length=1)
    disclaimer: str = Field(min_length=1)
    emergency_numbers: str = Field(min_length=1)
    triage_levels: dict[TriageLevel, TriageSummary]
    children: Children
    references: dict[str, str]
    medicine_classes: dict[Id, MedicineClassSpec]
    medicines: list[MedicineSpec]
    combinations: list[CombinationSpec] = []
    lay_names: list[LayNameSpec] = []
    # names never to be taken for each other: a near miss close to both is not guessed
    look_alikes: list[list[str]] = []
    medicine_matching: MatchingSpec
    questions: list[QuestionSpec]
    tests: dict[Id, str] = {}
    self_care: list[TipSpec] = []
    cautions: list[CautionSpec] = []
    see_doctor: list[TextItemSpec] = []
    general: GeneralSpec = GeneralSpec()
    # region code -> RegionSpec, and `default: CODE`
    regions: dict[str, RegionSpec | Id] = {}
    rules: list[RuleSpec]
