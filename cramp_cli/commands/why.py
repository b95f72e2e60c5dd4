"""`cramps why RULE_ID`: each condition of one rule against the answers, and the verdict.

So a person (or the clinician editing rules.yaml) can see why a cause or red flag was, or was
not, found: every node of the rule's condition is marked met, not met or unanswered, with
Kleene logic as the engine uses it (a missing answer never counts as "no").

The question flags are those of `cramps check`, taken from its signature, so the two commands
accept exactly the same answers and cannot drift apart. Nothing is ever asked: a missing
required answer exits 4, as `cramps check` does without a terminal.

No `from __future__ import annotations` (see check.py).
"""

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..console.output import write_stdout
from . import check as check_command
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
MARKS = {True: "met", False: "not met", None: "unanswered"}
GROUP_MARKS = {True: "met", False: "not met", None: "unknown"}
GROUPS = ("all of:", "any of:", "not:")


def _option_info(param: inspect.Parameter) -> Any:
    """The typer OptionInfo of an `Annotated[..., typer.Option(...)]` parameter, or None."""
    for meta in getattr(param.annotation, "__metadata__", ()):
        if isinstance(meta, typer.models.OptionInfo):
            return meta
    return None


def _answer_parameters() -> list[inspect.Parameter]:
    """The question flags of `cramps check` (its "Answers" help panel), as parameters."""
    params = inspect.signature(check_command.check).parameters.values()
    return [p for p in params
            if (info := _option_info(p)) is not None
            and info.rich_help_panel == check_command.ANSWERS]  # fmt: skip


def flag_name(param: inspect.Parameter) -> str:
    """`--pregnant/--not-pregnant` -> `pregnant`: the question's `flag` in rules.yaml."""
    info = _option_info(param)
    names = [info.default] if isinstance(info.default, str) else []
    names += list(info.param_decls or ())
    first = next(name for name in names if name.startswith("--"))
    return first[2:].split("/")[0]


ANSWER_PARAMETERS = {p.name: p for p in _answer_parameters()}


def _with_answer_flags(func: Callable[..., None]) -> Callable[..., None]:
    """Give `func` the question flags of check: Typer reads `__signature__`."""
    own = inspect.signature(func)
    params = [p for p in own.parameters.values() if p.kind is not p.VAR_KEYWORD]
    func.__signature__ = own.replace(parameters=params + list(ANSWER_PARAMETERS.values()))  # type: ignore[attr-defined]
    return func


def _given_flags(kb: "KnowledgeBase", flags: dict[str, Any]) -> dict[str, Any]:
    """Flag values keyed by question id, as frontends.sources.gather takes them."""
    from ..errors import UsageError

    by_flag = {q.flag: q.id for q in kb.questions}
    given: dict[str, Any] = {}
    for name, value in flags.items():
        if value is None or value == []:
            continue
        flag = flag_name(ANSWER_PARAMETERS[name])
        if flag not in by_flag:
            raise UsageError(f"--{flag}: this knowledge base has no question for it")
        given[by_flag[flag]] = value
    return given


def _answers(kb: "KnowledgeBase", answers_file: str | None, flags: dict[str, Any]) -> "Answers":
    from ..console.output import warn
    from ..engine.answers import missing_required, normalise
    from ..errors import MissingAnswersError
    from ..frontends.sources import gather

    raw, name = gather(kb, answers_file, _given_flags(kb, flags))
    answers = normalise(raw, kb, name)
    missing = missing_required(answers.values, kb)
    if missing:
        names = ", ".join(f"{q.id} (--{q.flag})" for q in missing)
        raise MissingAnswersError(f"missing answers: {names}; give them as flags or in "
                                  "--answers FILE (cramps why never asks)")  # fmt: skip
    for message in answers.warnings:
        warn(message)
    return answers


# --------------------------------------------------------------------------- the report


def _rows(rule: "Rule", answers: "Answers") -> list[dict[str, Any]]:
    if rule.when is None:
        return []
    rows = []
    for depth, words, value in rule.when.explain(answers):
        marks = GROUP_MARKS if words in GROUPS else MARKS
        rows.append({"depth": depth, "condition": words, "result": marks[value]})
    return rows


def _verdict(rule: "Rule", answers: "Answers", assessment: dict[str, Any]) -> dict[str, Any]:
    """Whether the rule fires and why, in one sentence; the fallback depends on every cause."""
    if rule.fallback:
        others = [c["id"] for c in assessment["causes"] if c["id"] != rule.id]
        if others:
            return {"fires": False, "reason": f"other causes were found: {', '.join(others)}",
                    "others": others}  # fmt: skip
        return {"fires": True, "reason": "no other cause was found", "others": []}
    assert rule.check is not None
    value = rule.check(answers)[0]
    reasons = {
        True: "its condition is met",
        False: "its condition is not met",
        None: "an answer it needs is missing, and a missing answer never counts",
    }
    if value is True and rule.unless_flags:
        # Read from the assessment: the named flag that holds reports this sign instead.
        standing = [f["id"] for f in assessment["red_flags"] if f["id"] in rule.unless_flags]
        if standing:
            return {"fires": False, "others": standing,
                    "reason": f"its condition is met, but {', '.join(standing)} already "
                    "reports this sign"}  # fmt: skip
    return {"fires": value is True, "reason": reasons[value], "others": []}


def _triage(rule: "Rule", assessment: dict[str, Any]) -> str | None:
    """The level a red flag that fires sets (its triage_when may raise it)."""
    return next((f["triage"] for f in assessment["red_flags"] if f["id"] == rule.id), None)


def _used_answers(
    kb: "KnowledgeBase", rule: "Rule", answers: "Answers"
) -> tuple[dict[str, Any], list[str]]:
    """The answers the rule's condition reads (in interview order) and those it lacks."""
    if rule.when is None:
        return {}, []
    needed = rule.when.questions()
    wanted = [q.id for q in kb.questions if q.id in needed]
    given = {q: answers.values[q] for q in wanted if q in answers.values}
    return given, [q for q in wanted if q not in answers.values]


def report(kb: "KnowledgeBase", rule: "Rule", answers: "Answers") -> dict[str, Any]:
    """Everything `cramps why` says, as data (the JSON output, and the text's source)."""
    from ..engine.assess import assess

    assessment = assess(kb, answers)
    given, missing = _used_answers(kb, rule, answers)
    verdict = _verdict(rule, answers, assessment)
    return {
        "rule": rule.id, "kind": rule.kind, "title": rule.title,
        "fires": verdict["fires"], "reason": verdict["reason"],
        "triage": _triage(rule, assessment),
        "conditions": _rows(rule, answers), "answers": given, "unanswered": missing,
        "other_causes": verdict["others"],
    }  # fmt: skip


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


@_with_answer_flags
def why(
    rule_id: Annotated[str, typer.Argument(
        metavar="RULE_ID", help="A rule id (cramps rules list).")],
    answers_file: Annotated[str | None, typer.Option(
        "--answers", "-a", metavar="FILE",
        help="Answers as JSON or YAML (contract.md); - reads standard input.")] = None,
    output_format: TextFormatOption = TextFormat.text,
    rules: RulesOption = None,
    **flags: Any,
) -> None:  # fmt: skip
    kb = load_knowledge(rules)
    rule = find_rule(kb, rule_id)
    found = report(kb, rule, _answers(kb, answers_file, flags))
    if output_format is TextFormat.json:
        write_json(found)
    else:
        write_stdout(_text(found))
