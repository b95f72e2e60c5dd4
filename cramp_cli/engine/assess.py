"""The engine: canonical answers + a compiled knowledge base -> one assessment document.

It implements contract section 2 and nothing else: it never prints and never reads files.
Red flags come first and are all listed, most serious first; causes are ordered by their
fixed score; the triage level is the most serious red flag, else routine when a cause calls
for a doctor, else self-care. The same answers and knowledge base always give the same
document, key for key.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .. import __version__
from ..contract import SCHEMA_VERSION, TRIAGE_LEVELS
from .answers import Answers, unanswered
from .model import KnowledgeBase, Rule

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


def assess(kb: KnowledgeBase, answers: Answers) -> dict[str, Any]:
    """Evaluate every rule once and assemble the contract's assessment document."""
    red_flags: list[tuple[Rule, dict[str, Any]]] = []
    causes: list[tuple[Rule, dict[str, Any]]] = []
    advice: list[Rule] = []
    fallback: Rule | None = None
    for rule in kb.rules:
        if rule.fallback:
            fallback = rule
            continue
        assert rule.check is not None
        value, evidence = rule.check(answers)
        if value is not True:
            continue
        if rule.kind == "red_flag":
            red_flags.append((rule, {
                "id": rule.id, "title": rule.title, "advice": rule.advice,
                "triage": _red_flag_level(rule, answers), "because": _because(evidence),
                "references": kb.citations[rule.id],
            }))  # fmt: skip
        elif rule.kind == "cause":
            causes.append((rule, _cause(kb, rule, evidence, answers)))
        else:
            advice.append(rule)
    if not causes and fallback is not None:
        causes.append((fallback, _cause(kb, fallback, (), answers)))
    red_flags.sort(key=lambda pair: _RANK[pair[1]["triage"]])
    causes.sort(key=lambda pair: -(pair[0].score or 0.0))

    child = answers.values.get("age", 99) < kb.children_under_age
    level, because = _triage(red_flags, causes, child, kb)
    contributing = [r for r, _ in red_flags] + [r for r, _ in causes] + advice
    self_care = _self_care(kb, [r for r, _ in causes] + advice, answers, level, child)
    see_doctor = [kb.children_see_doctor] if child else []
    see_doctor += [i for r in contributing for i in r.see_doctor]
    see_doctor += kb.general.get("see_doctor", ())
    cautions = [i for r in contributing for i in r.cautions] + list(kb.general.get("cautions", ()))
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "cramps", "version": __version__},
        "knowledge_base": {"version": kb.version, "sha256": kb.sha256},
        "answers": answers.values,
        "medications": [m.to_json() for m in answers.medicines],
        "triage": {"level": level, "summary": kb.triage_summaries[level], "because": because},
        "red_flags": [item for _, item in red_flags],
        "causes": [item for _, item in causes],
        "self_care": self_care,
        "cautions": [dict(kb.item_json["cautions"][i]) for i in _unique(cautions)],
        "see_doctor": [dict(kb.item_json["see_doctor"][i]) for i in _unique(see_doctor)],
        "tests_to_discuss": _unique(t for r in contributing for t in r.tests),
        "unanswered": unanswered(answers, kb),
        "disclaimer": kb.disclaimer,
    }


def _cause(
    kb: KnowledgeBase, rule: Rule, evidence: Iterable[tuple[str, Any]], answers: Answers
) -> dict[str, Any]:
    return {
        "id": rule.id, "title": rule.title, "likelihood": rule.likelihood, "score": rule.score,
        "explanation": rule.explanation, "because": _because(evidence),
        "drugs": _drugs(rule, answers) if rule.drug_classes else [],
        "references": kb.citations[rule.id],
    }  # fmt: skip


def _triage(
    red_flags: list[tuple[Rule, dict[str, Any]]],
    causes: list[tuple[Rule, dict[str, Any]]],
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
    kb: KnowledgeBase, rules: list[Rule], answers: Answers, level: str, child: bool
) -> list[dict[str, Any]]:
    if child:
        return []
    ids = _unique([*kb.general.get("self_care", ()), *(i for r in rules for i in r.self_care)])
    clot_safe_only = _RANK[level] <= _RANK["urgent"]
    tips = []
    for tip in (kb.self_care[i] for i in ids):
        if clot_safe_only and not tip.safe_with_red_flags:
            continue
        if tip.unless_check is not None and tip.unless_check(answers)[0] is True:
            continue
        tips.append(dict(kb.item_json["self_care"][tip.id]))
    return tips

