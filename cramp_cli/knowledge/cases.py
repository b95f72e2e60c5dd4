"""Every rule's example cases run through the whole engine, for `cramps rules test` and tests.

A case is an answers document written beside its rule in rules.yaml. It is normalised and
assessed exactly as `cramps check` would, so a case passes only if the rule, its condition,
the answers model and the engine agree. A `fires` case passes when the rule's id is among the
assessment's causes or red flags (for an advice rule: when its condition holds); a
`does_not_fire` case when it is not. Every case's assessment must also keep the safety rules
of contract section 3, whatever the rule says.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from ..engine.assess import Assessment
    from ..engine.model import KnowledgeBase, Rule

FIRES = "fires"
QUIET = "does_not_fire"


class CaseResult(NamedTuple):
    """The outcome of one example case; `problems` is empty when it passes."""

    rule: str
    expectation: str  # fires | does_not_fire
    number: int  # 1-based, in file order within its list
    answers: Mapping[str, Any]
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems

    def describe(self) -> list[str]:
        """One line per problem: `rule 'ID': fires case 2: expected to fire; ...`."""
        return [
            f"rule '{self.rule}': {self.expectation} case {self.number}: {p}" for p in self.problems
        ]


def cases_of(rule: Rule) -> Iterator[tuple[str, int, Mapping[str, Any]]]:
    """(expectation, 1-based number, answers) for each example case of a rule."""
    for number, case in enumerate(rule.cases_fire, 1):
        yield FIRES, number, case
    for number, case in enumerate(rule.cases_quiet, 1):
        yield QUIET, number, case


def _fired(assessment: Assessment) -> dict[str, list[str]]:
    """What the assessment found, by kind: what a person would see fire."""
    return {kind: assessment.fired(kind) for kind in ("cause", "red_flag", "advice")}


def _what_fired(fired: Mapping[str, list[str]], rule: Rule) -> str:
    text = f"causes [{', '.join(fired['cause'])}], red flags [{', '.join(fired['red_flag'])}]"
    if rule.kind == "advice":
        text += f", advice [{', '.join(fired['advice'])}]"
    return text


def run_case(
    kb: KnowledgeBase, rule: Rule, expectation: str, number: int, case: Mapping[str, Any]
) -> CaseResult:
    """Assess one case as `cramps check` would and judge it against its expectation."""
    from ..engine.answers import normalise
    from ..engine.assess import evaluate
    from ..errors import AnswersError
    from .safety import check_assessment

    def result(*problems: str) -> CaseResult:
        return CaseResult(rule.id, expectation, number, case, tuple(problems))

    try:
        answers = normalise(case, kb)
    except AnswersError as error:
        return result(f"the case is not a valid answers document: {error}")
    assessment = evaluate(kb, answers)
    fired = _fired(assessment)
    did_fire = rule.id in fired[rule.kind]
    problems = []
    if expectation == FIRES and not did_fire:
        problems.append(f"expected to fire; fired instead: {_what_fired(fired, rule)}")
    if expectation == QUIET and did_fire:
        problems.append(f"expected not to fire; fired: {_what_fired(fired, rule)}")
    breaches = check_assessment(assessment.to_document())
    problems += [f"breaks a safety rule: {breach}" for breach in breaches]
    return result(*problems)


def run_all(kb: KnowledgeBase) -> list[CaseResult]:
    """Every example case of every rule, in file order."""
    return [
        run_case(kb, rule, expectation, number, case)
        for rule in kb.rules
        for expectation, number, case in cases_of(rule)
    ]
