"""Why a rule fires or not for some answers: the data behind `cramps why`.

Each node of the rule's condition is marked met, not met or unanswered (Kleene logic, as the
engine uses it: a missing answer never counts as "no"), and the verdict is read from the
engine's `Assessment`, never worked out again here, so `why` cannot disagree with `check`.
Pure: no I/O; the command renders the result.
"""

from __future__ import annotations

from typing import Any

from .answers import Answers
from .assess import Assessment, evaluate
from .model import KnowledgeBase, Rule

MARKS = {True: "met", False: "not met", None: "unanswered"}
GROUP_MARKS = {True: "met", False: "not met", None: "unknown"}
GROUPS = ("all of:", "any of:", "not:")
REASONS = {
    True: "its condition is met",
    False: "its condition is not met",
    None: "an answer it needs is missing, and a missing answer never counts",
}


def conditions(rule: Rule, answers: Answers) -> list[dict[str, Any]]:
    """One row per node of the rule's condition: depth, plain words, met or not."""
    if rule.when is None:
        return []
    rows = []
    for depth, words, value in rule.when.explain(answers):
        marks = GROUP_MARKS if words in GROUPS else MARKS
        rows.append({"depth": depth, "condition": words, "result": marks[value]})
    return rows


def verdict(rule: Rule, assessment: Assessment) -> dict[str, Any]:
    """Whether the rule fires and why, in one sentence; the fallback depends on every cause."""
    if rule.fallback:
        others = [cause.rule.id for cause in assessment.causes if cause.rule.id != rule.id]
        if others:
            reason = f"other causes were found: {', '.join(others)}"
            return {"fires": False, "reason": reason, "others": others}
        return {"fires": True, "reason": "no other cause was found", "others": []}
    standing = list(assessment.stood_down.get(rule.id, ()))
    if standing:
        reason = f"its condition is met, but {', '.join(standing)} already reports this sign"
        return {"fires": False, "reason": reason, "others": standing}
    value = assessment.values.get(rule.id)
    return {"fires": value is True, "reason": REASONS[value], "others": []}


def triage(rule: Rule, assessment: Assessment) -> str | None:
    """The level a red flag that fires sets (its triage_when may raise it)."""
    return next((f.item["triage"] for f in assessment.red_flags if f.rule.id == rule.id), None)


def used_answers(
    kb: KnowledgeBase, rule: Rule, answers: Answers
) -> tuple[dict[str, Any], list[str]]:
    """The answers the rule's condition reads (in interview order) and those it lacks."""
    if rule.when is None:
        return {}, []
    needed = rule.when.questions()
    wanted = [q.id for q in kb.questions if q.id in needed]
    given = {q: answers.values[q] for q in wanted if q in answers.values}
    return given, [q for q in wanted if q not in answers.values]


def explain(kb: KnowledgeBase, rule: Rule, answers: Answers) -> dict[str, Any]:
    """Everything `cramps why` says, as data (its JSON output, and its text's source)."""
    assessment = evaluate(kb, answers)
    given, missing = used_answers(kb, rule, answers)
    found = verdict(rule, assessment)
    return {
        "rule": rule.id,
        "kind": rule.kind,
        "title": rule.title,
        "fires": found["fires"],
        "reason": found["reason"],
        "triage": triage(rule, assessment),
        "conditions": conditions(rule, answers),
        "answers": given,
        "unanswered": missing,
        "other_causes": found["others"],
    }
