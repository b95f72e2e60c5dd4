"""`cramps rules validate | test | list | show`: tools for the people who edit rules.yaml.

Modelled on `semgrep --validate` / `--test`: validate prints every problem as
`FILE:LINE:COL: rule 'ID': message` (exit 3), test runs every rule's example cases through the
whole engine (exit 1 when one fails, as a test runner does). list and show read the rules for
a person (a table, plain text) or a script (JSON, never through rich).

No `from __future__ import annotations` (see check.py): Typer evaluates string annotations
on every run.
"""

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..console.output import write_stdout
from .common import EXIT_CODES_HELP, NoColorOption, RulesOption, load_knowledge

if TYPE_CHECKING:
    from ..engine.model import KnowledgeBase, Rule

app = typer.Typer(
    help="Check, test and read a rules file (the knowledge base).\n\n" + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

FileArgument = Annotated[
    str | None,
    typer.Argument(metavar="[FILE]", show_default=False,
                   help="A rules file; default: --rules FILE, else the shipped rules.yaml."),
]  # fmt: skip


class TableFormat(StrEnum):
    table = "table"
    json = "json"


class TextFormat(StrEnum):
    text = "text"
    json = "json"


TableFormatOption = Annotated[
    TableFormat,
    typer.Option("--format", "-f", case_sensitive=False,
                 help="table for a person, json for scripts."),
]  # fmt: skip
TextFormatOption = Annotated[
    TextFormat,
    typer.Option("--format", "-f", case_sensitive=False,
                 help="text for a person, json for scripts."),
]  # fmt: skip


def write_json(data: Any) -> None:
    """Plain JSON on standard output (indent 2, newline-terminated), never through rich."""
    write_stdout(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------- validate


@app.command("validate", epilog="Examples:\n\n  cramps rules validate\n\n"
             "  cramps rules validate my-rules.yaml\n\n" + EXIT_CODES_HELP)  # fmt: skip
def validate(file: FileArgument = None, rules: RulesOption = None) -> None:
    """Check a rules file: YAML, fields, ids, conditions, cases and the safety rules.

    Prints every problem as FILE:LINE:COL: rule 'ID': message and exits 3, or says the file
    is valid. Warns (on standard error, exit 0) about titles and first sentences above a
    reading grade of 8. Always reads the file itself, never the cache.
    """
    import hashlib

    from ..engine.model import build
    from ..errors import RulesError
    from ..knowledge.loader import (
        default_rules_path,
        display_name,
        read_rules_bytes,
        validate_bytes,
    )

    given = file if file is not None else rules
    path = Path(given) if given is not None else default_rules_path()
    name = display_name(given)
    raw = read_rules_bytes(path, name)
    data, problems = validate_bytes(raw, name)
    if problems:
        raise RulesError(problems)
    kb = build(data, name, hashlib.sha256(raw).hexdigest())
    from ..console.output import warn
    from ..knowledge.readability import hard_passages

    for problem in hard_passages(data):  # advice to the author, never a failure
        warn(f"{name}: {problem}")
    write_stdout(f"{name}: valid ({len(kb.rules)} rules, {len(kb.questions)} questions, "
                 f"{len(kb.medicines)} medicine names)\n")  # fmt: skip


# --------------------------------------------------------------------------- test


@app.command("test", epilog="Examples:\n\n  cramps rules test\n\n"
             "  cramps rules test my-rules.yaml\n\n" + EXIT_CODES_HELP)  # fmt: skip
def run_tests(file: FileArgument = None, rules: RulesOption = None) -> None:
    """Run every rule's example cases through the whole engine.

    Prints 'N cases pass', or each failing case with what fired instead and exits 1.
    """
    from ..knowledge.cases import run_all

    kb = load_knowledge(file if file is not None else rules)
    results = run_all(kb)
    failed = [result for result in results if not result.passed]
    for result in failed:
        write_stdout("".join(line + "\n" for line in result.describe()))
    if failed:
        write_stdout(f"{len(failed)} of {len(results)} cases fail\n")
        raise typer.Exit(1)
    write_stdout(f"{len(results)} cases pass\n")


# --------------------------------------------------------------------------- list


def triage_of(rule: "Rule") -> str | None:
    """The triage level a rule leads to on its own (contract section 2).

    A red flag has its own level; a cause makes triage routine when it calls for a doctor and
    self_care otherwise; advice rules never change the level (None).
    """
    if rule.kind == "red_flag":
        return rule.triage
    if rule.kind == "cause":
        return "routine" if rule.calls_for_doctor else "self_care"
    return None


def _triage_words(rule: "Rule") -> str:
    level = triage_of(rule) or "-"
    more = [t.level for t in rule.triage_when if t.level != level]
    return " or ".join([level, *dict.fromkeys(more)])


def _list_row(rule: "Rule") -> dict[str, Any]:
    return {
        "id": rule.id, "kind": rule.kind, "triage": triage_of(rule),
        "triage_when": [t.level for t in rule.triage_when], "title": rule.title,
        "references": list(rule.references),
    }  # fmt: skip


@app.command(
    "list",
    epilog="Examples:\n\n  cramps rules list\n\n"
    "  cramps rules list --format json | jq -r '.[].id'\n\n" + EXIT_CODES_HELP,
)
def list_rules(
    output_format: TableFormatOption = TableFormat.table,
    rules: RulesOption = None,
    no_color: NoColorOption = False,
) -> None:  # fmt: skip
    """List every rule: id, kind, triage, title and reference keys.

    Triage is the level the rule leads to on its own: a red flag's level (or a higher one
    when its triage_when holds), routine for a cause that calls for a doctor, self_care for
    other causes, and - for advice rules, which never change it.
    """
    kb = load_knowledge(rules)
    if output_format is TableFormat.json:
        write_json([_list_row(rule) for rule in kb.rules])
        return
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("id", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("triage", no_wrap=True)
    table.add_column("title")
    table.add_column("references")
    for rule in kb.rules:
        table.add_row(rule.id, rule.kind.replace("_", " "), _triage_words(rule), rule.title,
                      ", ".join(rule.references))  # fmt: skip
    print_rich(table, no_color)


def print_rich(renderable: Any, no_color: bool) -> None:
    """Print a rich renderable on standard output, quietly when the reader goes away."""
    import sys

    from ..console.output import OutputClosed, silence_stdout
    from ..console.terminal import is_tty, rich_console

    console = rich_console(no_color=no_color)
    if not is_tty(sys.stdout):  # piped: one line per row, for grep and friends
        from rich.measure import Measurement

        wide = console.options.update_width(10_000)
        console.width = max(console.width, Measurement.get(console, wide, renderable).maximum)
    try:
        console.print(renderable)
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        raise OutputClosed("output closed") from None


# --------------------------------------------------------------------------- show


def find_rule(kb: "KnowledgeBase", rule_id: str) -> "Rule":
    """The rule with this id, or a usage error (exit 2) with the nearest id."""
    from ..engine.conditions import did_you_mean
    from ..errors import UsageError

    rule = kb.rule(rule_id)
    if rule is None:
        hint = did_you_mean(rule_id, [r.id for r in kb.rules])
        raise UsageError(f"no rule '{rule_id}'{hint}; 'cramps rules list' lists them")
    return rule


def rule_details(kb: "KnowledgeBase", rule: "Rule") -> dict[str, Any]:
    """Everything about one rule, in words and ids, as `rules show` prints it."""
    return {
        "id": rule.id,
        "kind": rule.kind,
        "title": rule.title,
        "explanation": rule.explanation,
        "advice": rule.advice,
        "when": rule.when.describe() if rule.when is not None else None,
        "fallback": rule.fallback,
        "likelihood": rule.likelihood,
        "score": rule.score,
        "calls_for_doctor": rule.calls_for_doctor,
        "triage": triage_of(rule),
        "triage_when": [{"level": t.level, "when": t.when.describe()} for t in rule.triage_when],
        "self_care": [{"id": i, "title": kb.self_care[i].title} for i in rule.self_care],
        "cautions": [{"id": i, "text": kb.cautions[i].text} for i in rule.cautions],
        "see_doctor": [{"id": i, "text": kb.see_doctor[i].text} for i in rule.see_doctor],
        "tests": [{"id": i, "name": kb.tests[i]} for i in rule.tests],
        "references": [{"key": k, "citation": kb.references[k]} for k in rule.references],
        "cases": {"fires": [dict(c) for c in rule.cases_fire],
                  "does_not_fire": [dict(c) for c in rule.cases_quiet]},
    }  # fmt: skip


def _headline(d: dict[str, Any]) -> list[str]:
    kind = d["kind"].replace("_", " ")
    lines = [f"{d['id']}: {d['title']}", f"  kind: {kind}"]
    if d["kind"] == "cause":
        doctor = "calls for a doctor" if d["calls_for_doctor"] else "does not call for a doctor"
        lines[-1] += f" ({d['likelihood']}, score {d['score']}; {doctor})"
    if d["triage"]:
        lines.append(f"  triage: {d['triage']}")
    lines += [f"  triage: {t['level']} when {t['when']}" for t in d["triage_when"]]
    if d["fallback"]:
        lines.append("  fires when: no other cause is found")
    else:
        lines.append(f"  fires when: {d['when']}")
    for key in ("explanation", "advice"):
        if d[key]:
            lines.append(f"  {key}: {d[key]}")
    return lines


def _sections(d: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    sections = (("self-care", "self_care", "title"), ("cautions", "cautions", "text"),
                ("see a doctor", "see_doctor", "text"), ("tests to discuss", "tests", "name"),
                ("references", "references", "citation"))  # fmt: skip
    for heading, key, words in sections:
        if d[key]:
            lines.append(f"  {heading}:")
            ident = "key" if key == "references" else "id"
            lines += [f"    - {item[ident]}: {item[words]}" for item in d[key]]
    for heading, key in (("cases that fire", "fires"), ("cases that do not fire", "does_not_fire")):
        lines.append(f"  {heading}:")
        lines += [f"    {n}. {json.dumps(case, ensure_ascii=False)}"
                  for n, case in enumerate(d["cases"][key], 1)]  # fmt: skip
    return lines


@app.command(
    "show",
    epilog="Examples:\n\n  cramps rules show older_age\n\n"
    "  cramps rules show possible_dvt --format json\n\n" + EXIT_CODES_HELP,
)
def show(
    rule_id: Annotated[str, typer.Argument(metavar="ID", help="A rule id (cramps rules list).")],
    output_format: TextFormatOption = TextFormat.text,
    rules: RulesOption = None,
) -> None:  # fmt: skip
    """Everything about one rule: its conditions in plain words, advice, references, cases."""
    kb = load_knowledge(rules)
    details = rule_details(kb, find_rule(kb, rule_id))
    if output_format is TextFormat.json:
        write_json(details)
    else:
        write_stdout("".join(line + "\n" for line in _headline(details) + _sections(details)))
