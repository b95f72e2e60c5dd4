"""The engine: canonical answers + a compiled knowledge base -> one assessment document.

It implements contract sections 2 and 5 and nothing else: it never prints and never reads
files. Red flags come first and are all listed, most serious first (a flag whose `unless_flags`
names one that holds stands down, so one sign is not reported twice); causes are ordered by their
fixed score; the triage level is the most serious red flag, else routine when a cause calls
for a doctor, else self-care. The safety net of contract 1.1 then applies: every warning sign
answered is named somewhere and lifts self-care to routine; an unanswered warning-sign question
is never an all-clear; and reassurance is withheld beside a red flag or unchecked signs. The same
answers and knowledge base always give the same document, key for key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from .. import __version__
from ..contract import (
    ANSWERS_PLACEHOLDER,
    SCHEMA_VERSION,
    SYMPTOM_NEEDS_DOCTOR,
    TRIAGE_LEVELS,
    WARNING_SIGNS_NOT_CHECKED,
)
from .answers import Answers, unanswered
from .by_identity import ByIdentity
from .candidates import candidate_rules
from .model import KnowledgeBase, Rule
from .region import in_words_of

_RANK = {level: rank for rank, level in enumerate(TRIAGE_LEVELS)}


def _because(evidence: Iterable[tuple[str, Any]]) -> list[dict[str, Any]]:
    seen: list[tuple[str, Any]] = []
    for pair in evidence:
        if pair not in seen:
            seen.append(pair)
    return [{"question": q, "answer": a} for q, a in seen]


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def _red_flag_level(rule: Rule, answers: Answers) -> str:
    level = rule.triage or "routine"
    for escalation in rule.triage_when:
        if escalation.check(answers)[0] is True and _RANK[escalation.level] < _RANK[level]:
            level = escalation.level
    return level


def _drugs(rule: Rule, answers: Answers) -> list[dict[str, str]]:
    """One row per medicine component whose class made the rule fire."""
    rows = []
    for medicine in answers.medicines:
        for component in medicine.components:
            hit = next((c for c in component.classes if c in rule.drug_classes), None)
            if hit is not None:
                rows.append({"input": medicine.input, "generic": component.generic, "class": hit})
    return rows


class Finding(NamedTuple):
    """A red flag or cause that holds, with the item it gives the document."""

    rule: Rule
    item: dict[str, Any]


class Assessment(NamedTuple):
    """What the engine found for one set of answers: every rule evaluated once.

    Readers that need to know what fired and why (`rules test`, `cramps why`, the interview's
    emergency stop) read this instead of running rule conditions again, so they cannot disagree
    with the engine. `to_document()` is the contract's JSON document (sections 2 and 5).
    A NamedTuple rather than a frozen dataclass: as immutable, and generating a dataclass of
    this many fields (and importing dataclasses) cost every start-up a millisecond.
    """

    kb_version: str
    kb_sha256: str
    answers: dict[str, Any]
    medications: list[dict[str, Any]]
    level: str
    summary: str
    because: list[str]
    red_flags: tuple[Finding, ...]  # shown, most serious first
    causes: tuple[Finding, ...]  # most likely first
    advice: tuple[Rule, ...]  # advice rules whose condition holds
    # The three-valued value of every rule's condition (the fallback cause has none).
    values: Mapping[str, bool | None]
    # A red flag whose condition holds but stands down -> the flags that report its sign.
    stood_down: Mapping[str, tuple[str, ...]]
    self_care: list[dict[str, Any]]
    cautions: list[dict[str, Any]]
    see_doctor: list[dict[str, Any]]
    tests_to_discuss: list[str]
    unanswered: list[str]
    disclaimer: str

    def fired(self, kind: str) -> list[str]:
        """The ids a person sees fire, of one kind: cause, red_flag or advice."""
        found = {"cause": self.causes, "red_flag": self.red_flags}
        if kind == "advice":
            return [rule.id for rule in self.advice]
        return [finding.rule.id for finding in found[kind]]

    def to_document(self, region: str | None = None) -> dict[str, Any]:
        """The assessment document of the contract, key for key; `region` after
        `knowledge_base` when the texts are in a region's words."""
        doc: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "cramps", "version": __version__},
            "knowledge_base": {"version": self.kb_version, "sha256": self.kb_sha256},
        }
        if region is not None:
            doc["region"] = region
        doc.update(
            answers=self.answers,
            medications=self.medications,
            triage={"level": self.level, "summary": self.summary, "because": self.because},
            red_flags=[finding.item for finding in self.red_flags],
            causes=[finding.item for finding in self.causes],
            self_care=self.self_care,
            cautions=self.cautions,
            see_doctor=self.see_doctor,
            tests_to_discuss=self.tests_to_discuss,
            unanswered=self.unanswered,
            disclaimer=self.disclaimer,
        )
        return doc


def assess(kb: KnowledgeBase, answers: Answers, region: str | None = None) -> dict[str, Any]:
    """The contract's assessment document for these answers, in the words of `region` (the
    knowledge base's default region when None; as written when the file defines none)."""
    if not kb.regions or kb.default_region is None:
        return evaluate(kb, answers).to_document()
    code = region or kb.default_region
    return evaluate(_in_region(kb, code), answers).to_document(code)


# Each knowledge base in use in each region's words, built on first use.
_in_words = ByIdentity(lambda kb, code: in_words_of(kb, kb.regions[code]))


def _in_region(kb: KnowledgeBase, code: str) -> KnowledgeBase:
    if code not in kb.regions:
        from ..errors import UsageError

        raise UsageError(f"no region '{code}'; choose one of {', '.join(sorted(kb.regions))}")
    return _in_words(kb, code)


def evaluate(kb: KnowledgeBase, answers: Answers) -> Assessment:
    """Evaluate every rule once and assemble the assessment."""
    red_flags: list[tuple[Rule, dict[str, Any]]] = []
    held: list[tuple[Rule, list[tuple[str, Any]]]] = []
    causes_held: list[tuple[Rule, list[tuple[str, Any]]]] = []
    advice: list[Rule] = []
    values: dict[str, bool | None] = {}
    fallback: Rule | None = None
    for rule in candidate_rules(kb, answers):  # the rules these answers could make fire
        if rule.fallback:
            fallback = rule
            continue
        assert rule.check is not None
        value, evidence = rule.check(answers)
        values[rule.id] = value
        if value is not True:
            continue
        if rule.kind == "red_flag":
            held.append((rule, list(evidence)))
        elif rule.kind == "cause":
            causes_held.append((rule, list(evidence)))
        else:
            advice.append(rule)
    held_ids = {rule.id for rule, _ in held}
    stood_down: dict[str, tuple[str, ...]] = {}
    for rule, support in held:
        standing = tuple(flag for flag in rule.unless_flags if flag in held_ids)
        if standing:
            stood_down[rule.id] = standing
            continue  # the named flag already reports this sign
        red_flags.append(
            (
                rule,
                {
                    "id": rule.id,
                    "title": rule.title,
                    "advice": rule.advice,
                    "triage": _red_flag_level(rule, answers),
                    "because": _because(support),
                    "references": kb.citations[rule.id],
                },
            )
        )
    red_flags.sort(key=lambda pair: _RANK[pair[1]["triage"]])
    if not causes_held and fallback is not None:
        causes_held.append((fallback, []))
    causes_held.sort(key=lambda pair: -(pair[0].score or 0.0))

    child = answers.values.get("age", 99) < kb.children_under_age
    level, because = _triage(red_flags, causes_held, child, kb)
    signs = _warning_signs(kb, answers)
    named = {
        item["answer"]
        for _, doc in red_flags
        for item in doc["because"]
        if signs is not None and item["question"] == signs[0]
    } | {a for _, evidence in causes_held for q, a in evidence if signs and q == signs[0]}
    net_items: list[dict[str, Any]] = []
    if signs is None:
        # Contract 5.3: "don't know" is not "none of these".
        if _RANK[level] > _RANK["routine"]:
            level, because = "routine", []
        because = [*because, WARNING_SIGNS_NOT_CHECKED]
        net_items.append(dict(kb.item_json["see_doctor"][WARNING_SIGNS_NOT_CHECKED]))
    else:
        question_id, reported = signs
        unexplained = [s for s in reported if s not in named]
        if reported and level == "self_care":
            level, because = "routine", [SYMPTOM_NEEDS_DOCTOR]
            unexplained = unexplained or list(reported)
        if unexplained:
            net_items.append(_symptom_item(kb, question_id, unexplained))
    # Contract 5.4: nothing reassures beside a red flag, or when the signs were not checked.
    reassure = _RANK[level] > _RANK["urgent"] and signs is not None
    clot_safe_only = not reassure

    causes = [
        (rule, _cause(kb, rule, evidence, answers, reassure)) for rule, evidence in causes_held
    ]

    contributing = [r for r, _ in red_flags] + [r for r, _ in causes] + advice
    self_care = _self_care(kb, [r for r, _ in causes] + advice, answers, clot_safe_only, child)
    children = [kb.children_see_doctor] if child else []
    see_doctor = [i for r in contributing for i in r.see_doctor]
    see_doctor += kb.general.get("see_doctor", ())
    cautions = [i for r in contributing for i in r.cautions] + list(kb.general.get("cautions", ()))
    return Assessment(
        kb_version=kb.version,
        kb_sha256=kb.sha256,
        answers=answers.values,
        medications=[m.to_json() for m in answers.medicines],
        level=level,
        summary=_summary(kb, level, red_flags),
        because=because,
        red_flags=tuple(Finding(rule, item) for rule, item in red_flags),
        causes=tuple(Finding(rule, item) for rule, item in causes),
        advice=tuple(advice),
        values=values,
        stood_down=stood_down,
        self_care=self_care,
        cautions=_items(kb, "cautions", cautions, answers, reassure),
        see_doctor=_items(kb, "see_doctor", children, answers, reassure)
        + net_items
        + _items(kb, "see_doctor", see_doctor, answers, reassure),
        tests_to_discuss=_unique(t for r in contributing for t in r.tests),
        unanswered=unanswered(answers, kb),
        disclaimer=kb.disclaimer,
    )


def _warning_signs(kb: KnowledgeBase, answers: Answers) -> tuple[str, list[str]] | None:
    """The warning-sign question's id and the signs reported, or None when not answered.

    A knowledge base without such a question has nothing to check: it counts as answered.
    """
    question = next((q for q in kb.questions if q.warning_signs), None)
    if question is None:
        return ("", [])
    if question.id not in answers.values:
        return None
    return question.id, list(answers.values[question.id])


def _symptom_item(kb: KnowledgeBase, question_id: str, signs: list[str]) -> dict[str, Any]:
    """Contract 5.2: the see-doctor item that names each sign nothing else explains."""
    question = kb.question_by_id[question_id]
    item = dict(kb.item_json["see_doctor"][SYMPTOM_NEEDS_DOCTOR])
    words = "; ".join(question.label_of(sign) for sign in signs)
    item["text"] = item["text"].replace(ANSWERS_PLACEHOLDER, words)
    if kb.words_of is not None:  # kept as written until filled (region.in_words_of)
        item["text"] = kb.words_of.rewrite(item["text"])
    item["because"] = [{"question": question_id, "answer": sign} for sign in signs]
    return item


def _summary(kb: KnowledgeBase, level: str, red_flags: list[tuple[Rule, dict[str, Any]]]) -> str:
    """The level's summary, or the red flag's own when it alone sets the level."""
    top = [rule for rule, item in red_flags if item["triage"] == level]
    if len(top) == 1 and top[0].summary:
        return top[0].summary
    return kb.triage_summaries[level]


def _items(
    kb: KnowledgeBase, section: str, ids: list[str], answers: Answers, reassure: bool
) -> list[dict[str, Any]]:
    """Cautions or see-doctor items, less those withheld by `unless` or as reassurance."""
    shown = []
    for item_id in _unique(ids):
        item = getattr(kb, section)[item_id]
        if item.reassures and not reassure:
            continue
        if item.unless_check is not None and item.unless_check(answers)[0] is True:
            continue
        shown.append(dict(kb.item_json[section][item_id]))
    return shown


def _cause(
    kb: KnowledgeBase,
    rule: Rule,
    evidence: Iterable[tuple[str, Any]],
    answers: Answers,
    reassure: bool,
) -> dict[str, Any]:
    explanation = rule.explanation
    if reassure and rule.reassurance:
        explanation = f"{explanation} {rule.reassurance}"
    return {
        "id": rule.id,
        "title": rule.title,
        "likelihood": rule.likelihood,
        "score": rule.score,
        "explanation": explanation,
        "because": _because(evidence),
        "drugs": _drugs(rule, answers) if rule.drug_classes else [],
        "references": kb.citations[rule.id],
    }


def _triage(
    red_flags: list[tuple[Rule, dict[str, Any]]],
    causes: list[tuple[Rule, list[tuple[str, Any]]]],
    child: bool,
    kb: KnowledgeBase,
) -> tuple[str, list[str]]:
    if red_flags:
        level = red_flags[0][1]["triage"]
        return level, [item["id"] for _, item in red_flags if item["triage"] == level]
    doctor = [rule.id for rule, _ in causes if rule.calls_for_doctor]
    if doctor:
        return "routine", doctor
    if child:
        # A child's cramps need a doctor's view (contract section 2): book an appointment.
        return "routine", [kb.children_see_doctor]
    return "self_care", [rule.id for rule, _ in causes]


def _self_care(
    kb: KnowledgeBase, rules: list[Rule], answers: Answers, clot_safe_only: bool, child: bool
) -> list[dict[str, Any]]:
    """Tips of the rules that hold; only those safe beside a possible clot when a red flag
    holds or the warning signs were not checked (contract sections 2 and 5.3)."""
    if child:
        return []
    ids = _unique([*kb.general.get("self_care", ()), *(i for r in rules for i in r.self_care)])
    tips = []
    for tip in (kb.self_care[i] for i in ids):
        if clot_safe_only and not tip.safe_with_red_flags:
            continue
        if tip.unless_check is not None and tip.unless_check(answers)[0] is True:
            continue
        tips.append(dict(kb.item_json["self_care"][tip.id]))
    return tips
