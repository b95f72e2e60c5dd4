"""`cramps why RULE_ID`: each condition of one rule against the answers, and the verdict.

So a person (or the clinician editing rules.yaml) can see why a cause or red flag was, or was
not, found: every node of the rule's condition is marked met, not met or unanswered, with
Kleene logic as the engine uses it (a missing answer never counts as "no").

The question flags are those of `cramps check`, built from the same table (answer_flags.py),
so the two commands accept exactly the same answers and cannot drift apart. Nothing is ever
asked: a missing required answer exits 4, as `cramps check` does without a terminal.

No `from __future__ import annotations` (see check.py).
"""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..console.output import write_stdout
from .answer_flags import given, with_answer_flags
from .common import EXIT_CODES_HELP, RulesOption, load_knowledge
from .rules import TextFormat, TextFormatOption, find_rule, write_json

if TYPE_CHECKING:
    from ..engine.answers import Answers
    from ..engine.model import KnowledgeBase, Rule

HELP = (
    "Show why a rule (a cause, red flag or advice) fires or not for some answers: each of "
    "its conditions marked met, not met or unanswered, then the verdict.\n\n"
    "Answers come from --answers FILE (- for standard input) and the same question flags as "
    "cramps check; nothing is asked."
)
EPILOG = (
    "Examples:\n\n"
    "  cramps why older_age --age 67\n\n"
    "  cramps why medication --answers visit.json\n\n"
    "  cramps why possible_dvt --answers - --format json < visit.json\n\n" + EXIT_CODES_HELP
)


def _answers(kb: "KnowledgeBase", answers_file: str | None, flags: dict[str, Any]) -> "Answers":
    from ..console.output import warn
    from ..engine.answers import missing_required, normalise
    from ..errors import MissingAnswersError
    from ..frontends.sources import gather

    raw, name = gather(kb, answers_file, given(flags))
    answers = normalise(raw, kb, name)
    missing = missing_required(answers.values, kb)
    if missing:
        names = ", ".join(f"{q.id} (--{q.flag})" for q in missing)
        raise MissingAnswersError(
            f"missing answers: {names}; give them as flags or in "
            "--answers FILE (cramps why never asks)"
        )
    for message in answers.warnings:
        warn(message)
    return answers


def report(kb: "KnowledgeBase", rule: "Rule", answers: "Answers") -> dict[str, Any]:
    """Everything `cramps why` says, as data (engine/explain.py works it out)."""
    from ..engine.explain import explain

    return explain(kb, rule, answers)


def _text(found: dict[str, Any]) -> str:
    from ..engine.conditions import plain

    lines = [f"{found['rule']}: {found['title']} ({found['kind'].replace('_', ' ')})"]
    if not found["conditions"]:
        lines.append("  no condition: fires only when no other cause does")
    for row in found["conditions"]:
        lines.append(f"  {row['result']:<10}  {'  ' * row['depth']}{row['condition']}")
    if found["answers"] or found["unanswered"]:
        used = [f"{plain(q)} = {_value(v)}" for q, v in found["answers"].items()]
        used += [f"{plain(q)}: not answered" for q in found["unanswered"]]
        lines.append("answers: " + "; ".join(used))
    verdict = "fires" if found["fires"] else "does not fire"
    triage = f" (triage: {found['triage']})" if found["triage"] else ""
    lines.append(f"verdict: {verdict}: {found['reason']}{triage}")
    return "".join(line + "\n" for line in lines)


def _value(value: Any) -> str:
    from ..engine.conditions import plain

    if isinstance(value, list):
        return ", ".join(plain(v) for v in value) if value else "none"
    return plain(value)


@with_answer_flags
def why(
    rule_id: Annotated[
        str, typer.Argument(metavar="RULE_ID", help="A rule id (cramps rules list).")
    ],
    answers_file: Annotated[
        str | None,
        typer.Option(
            "--answers",
            "-a",
            metavar="FILE",
            help="Answers as JSON or YAML (contract.md); - reads standard input.",
        ),
    ] = None,
    output_format: TextFormatOption = TextFormat.text,
    rules: RulesOption = None,
    **flags: Any,
) -> None:
    kb = load_knowledge(rules)
    rule = find_rule(kb, rule_id)
    found = report(kb, rule, _answers(kb, answers_file, flags))
    if output_format is TextFormat.json:
        write_json(found)
    else:
        write_stdout(_text(found))
