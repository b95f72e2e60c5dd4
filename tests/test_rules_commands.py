"""`cramps rules validate | test | list | show` as the clinician editing rules.yaml uses them.

Each broken copy of rules.yaml carries one kind of mistake; the test finds the line it broke
in the current file (others edit rules.yaml too) and asserts the exact FILE:LINE the person
is sent to, the rule named, and exit 3 from both `rules validate` and `check`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import RULES, invoke

CRAMPS = Path(sys.executable).parent / "cramps"


def break_rules(
    folder: Path,
    item: str,
    old: str,
    new: str,
    *,
    text: str | None = None,
    name: str = "broken.yaml",
) -> tuple[Path, int]:
    """Copy rules.yaml with `old` replaced by `new` on the first line at or after `- id: ITEM`
    that holds it; return the copy and the 1-based number of the line changed."""
    lines = (text if text is not None else RULES.read_text(encoding="utf-8")).splitlines(True)
    start = lines.index(f"  - id: {item}\n")
    index = next(i for i in range(start, len(lines)) if old in lines[i])
    lines[index] = lines[index].replace(old, new, 1)
    path = folder / name
    path.write_text("".join(lines), encoding="utf-8")
    return path, index + 1


def error_lines(stderr: str) -> list[str]:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines and all(line.startswith("cramps: error: ") for line in lines), stderr
    return lines


# --------------------------------------------------------------------------- validate


def test_the_shipped_rules_are_valid(kb):
    result = invoke("rules", "validate")
    assert result.code == 0, result.stderr
    assert result.stdout == (
        f"rules.yaml: valid ({len(kb.rules)} rules, {len(kb.questions)} "
        f"questions, {len(kb.medicines)} medicine names)\n"
    )
    assert result.stderr == ""


def test_a_valid_copy_is_named_as_given(tmp_path):
    copy = tmp_path / "mine.yaml"
    copy.write_bytes(RULES.read_bytes())
    for args in (("rules", "validate", str(copy)), ("rules", "validate", "--rules", str(copy))):
        result = invoke(*args)
        assert result.code == 0, result.stderr
        assert result.stdout.startswith(f"{copy}: valid (")


MISTAKES = {
    # name: (item, old, new, expected message, rule named or None)
    "yaml_syntax": (
        "older_age",
        'title: "Age over 50"',
        "title: Age: over 50",
        "mapping values are not allowed",
        None,
    ),
    "unknown_field": (
        "older_age",
        "    kind: cause\n",
        "    kind: cause\n    severty: high\n",
        "unknown field 'severty'",
        "older_age",
    ),
    "misspelled_field": (
        "older_age",
        "    explanation:",
        "    explantion:",
        "unknown field 'explantion' (did you mean 'explanation'?)",
        "older_age",
    ),
    "misspelled_question": (
        "older_age",
        "{question: age,",
        "{question: agee,",
        "unknown question 'agee' (did you mean 'age'?)",
        "older_age",
    ),
    "unknown_value": (
        "inactivity",
        "equals: sedentary",
        "equals: sedentry",
        "'sedentry' is not a value of 'activity_level' (did you mean 'sedentary'?)",
        "inactivity",
    ),
    "no_reference": (
        "older_age",
        "references: [CKS, BPJ49, GRAND17]",
        "references: []",
        "a rule needs at least one reference",
        "older_age",
    ),
    "unknown_reference": (
        "older_age",
        "references: [CKS,",
        "references: [CSK,",
        "unknown reference 'CSK' (did you mean 'CKS'?)",
        "older_age",
    ),
    "quinine_in_self_care": (
        "calf_stretch_before_bed",
        'text: "',
        'text: "Tonic water helps. ',
        "self-care 'calf_stretch_before_bed' mentions quinine",
        None,
    ),
    "more_water_in_self_care": (
        "calf_stretch_before_bed",
        'text: "',
        'text: "Drink plenty of water. ',
        "speaks of drinking plenty, lots, more or extra water",
        None,
    ),
    "duplicate_key": (
        "older_age",
        "    likelihood: likely\n",
        "    likelihood: likely\n    likelihood: possible\n",
        "duplicate key 'likelihood'",
        None,
    ),
    "alias": (
        "older_age",
        "    likelihood: likely\n",
        "    likelihood: &level likely\n    advice: *level\n",
        "aliases are not allowed",
        None,
    ),
    "yes_for_true": (
        "older_age",
        "calls_for_doctor: false",
        "calls_for_doctor: no",
        "write true or false, not 'no'",
        None,
    ),
    "unknown_value_in_case": (
        "older_age",
        "{age: 67, sex: female}",
        "{age: 67, sex: femal}",
        "'femal' is not allowed (did you mean 'female'?)",
        "older_age",
    ),
    "string_number_in_case": (
        "older_age",
        "{age: 67, sex: female}",
        "{age: '67', sex: female}",
        "age: must be a whole number from 1 to 120, not '67'",
        "older_age",
    ),
}
# The line a mistake is reported on, relative to the line changed (an inserted line is below).
LINE_OFFSET = {"unknown_field": 1, "duplicate_key": 1, "alias": 1}


@pytest.mark.slow  # every command on each broken file: a full validation each time
@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_each_kind_of_mistake_is_placed_and_stops_every_command(tmp_path, mistake):
    item, old, new, message, rule = MISTAKES[mistake]
    path, line = break_rules(tmp_path, item, old, new)
    line += LINE_OFFSET.get(mistake, 0)
    for args in (
        ("rules", "validate", str(path)),
        ("check", "--rules", str(path), "--age", "40"),
        ("rules", "list", "--rules", str(path)),
    ):
        result = invoke(*args)
        assert result.code == 3, (args, result.stderr)
        assert result.stdout == ""
        lines = error_lines(result.stderr)
        hit = [entry for entry in lines if message in entry]
        assert hit, (message, lines)
        assert hit[0].startswith(f"cramps: error: {path}:{line}:"), (line, hit[0])
        if rule is not None:
            assert f"rule '{rule}':" in hit[0]


def test_a_duplicate_rule_id_names_the_second_one(tmp_path):
    path, line = break_rules(tmp_path, "smoking", "  - id: smoking", "  - id: older_age")
    result = invoke("rules", "validate", str(path))
    assert result.code == 3
    lines = error_lines(result.stderr)
    assert (
        f"cramps: error: {path}:{line}:5: rule 'older_age': duplicate rule id 'older_age'" in lines
    )
    assert any("no rule for the contract's id 'smoking'" in entry for entry in lines)


def test_a_rule_needs_a_firing_case(tmp_path):
    text = RULES.read_text(encoding="utf-8")
    start = text.index("  - id: smoking\n")
    cases = text.index("    cases:\n", start)
    old = "      fires:\n        - {age: 40, sex: male, smoker: true}\n"
    assert text.index(old, start) > cases
    path = tmp_path / "broken.yaml"
    path.write_text(text[:start] + text[start:].replace(old, "      fires: []\n", 1))
    result = invoke("rules", "validate", str(path))
    assert result.code == 3
    line = text[:cases].count("\n") + 1
    assert error_lines(result.stderr) == [
        f"cramps: error: {path}:{line}:5: rule 'smoking': needs at least one 'fires' case"
    ]


def test_validate_lists_every_problem_at_once(tmp_path):
    first, line_a = break_rules(tmp_path, "older_age", "{question: age,", "{question: agee,")
    path, line_b = break_rules(
        tmp_path,
        "inactivity",
        "equals: sedentary",
        "equals: sedentry",
        text=first.read_text(encoding="utf-8"),
        name="two.yaml",
    )
    result = invoke("rules", "validate", str(path))
    assert result.code == 3
    lines = error_lines(result.stderr)
    assert len(lines) == 2
    assert any(entry.startswith(f"cramps: error: {path}:{line_a}:") for entry in lines)
    assert any(entry.startswith(f"cramps: error: {path}:{line_b}:") for entry in lines)


def test_a_missing_file_is_an_invalid_rules_file(tmp_path):
    missing = tmp_path / "nope.yaml"
    result = invoke("rules", "validate", str(missing))
    assert result.code == 3
    assert error_lines(result.stderr) == [f"cramps: error: {missing}: no such file"]


# --------------------------------------------------------------------------- test


def count_cases(kb) -> int:
    return sum(len(r.cases_fire) + len(r.cases_quiet) for r in kb.rules)


def test_every_shipped_case_passes(kb):
    result = invoke("rules", "test")
    assert result.code == 0, result.stdout
    assert result.stdout == f"{count_cases(kb)} cases pass\n"


def test_a_wrong_firing_case_fails_with_what_fired_instead(tmp_path, kb):
    path, _ = break_rules(
        tmp_path, "older_age", "{age: 67, sex: female}", "{age: 40, sex: female, smoker: true}"
    )
    result = invoke("rules", "test", str(path))
    assert result.code == 1
    assert result.stdout.splitlines() == [
        "rule 'older_age': fires case 1: expected to fire; fired instead: causes [smoking], "
        "red flags []",
        f"1 of {count_cases(kb)} cases fail",
    ]


def test_a_wrong_quiet_case_fails_with_what_fired(tmp_path):
    path, _ = break_rules(
        tmp_path, "older_age", "{age: 50, sex: female}", "{age: 60, sex: female, cramp_minutes: 20}"
    )
    result = invoke("rules", "test", "--rules", str(path))
    assert result.code == 1
    assert (
        "rule 'older_age': does_not_fire case 1: expected not to fire; fired: causes "
        "[older_age], red flags [prolonged_cramp]" in result.stdout
    )


def test_rules_test_refuses_an_invalid_file(tmp_path):
    path, line = break_rules(tmp_path, "older_age", "{question: age,", "{question: agee,")
    result = invoke("rules", "test", str(path))
    assert result.code == 3
    assert error_lines(result.stderr)[0].startswith(f"cramps: error: {path}:{line}:")


def test_exit_code_help_documents_a_failing_rules_test():
    result = invoke("rules", "test", "--help")
    assert result.code == 0
    assert "a failing example case in cramps rules test" in " ".join(result.stdout.split())


# --------------------------------------------------------------------------- list and show


def test_list_as_json_is_every_rule_in_file_order(kb):
    result = invoke("rules", "list", "--format", "json")
    assert result.code == 0
    rows = result.json()
    assert [row["id"] for row in rows] == [rule.id for rule in kb.rules]
    by_id = {row["id"]: row for row in rows}
    assert set(by_id["older_age"]) == {"id", "kind", "triage", "triage_when", "title", "references"}
    assert by_id["older_age"]["kind"] == "cause"
    assert by_id["older_age"]["triage"] == "self_care"
    assert by_id["medication"]["triage"] == "routine"  # a cause that calls for a doctor
    assert by_id["possible_dvt"] == {
        **by_id["possible_dvt"],
        "kind": "red_flag",
        "triage": "urgent",
    }
    assert by_id["possible_electrolyte_emergency"]["triage_when"] == ["emergency"]
    assert by_id["kidney_magnesium"]["triage"] is None
    assert by_id["older_age"]["references"] == list(kb.rule("older_age").references)


def test_list_as_a_table_has_one_row_per_rule(kb):
    result = invoke("rules", "list")
    assert result.code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["id", "kind", "triage"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == {rule.id for rule in kb.rules}
    assert "red flag" in rows["possible_dvt"]
    assert "urgent or emergency" in rows["possible_electrolyte_emergency"]
    assert kb.rule("older_age").title in rows["older_age"]


def test_show_puts_the_conditions_in_plain_words(kb):
    result = invoke("rules", "show", "older_age")
    assert result.code == 0
    text = result.stdout
    rule = kb.rule("older_age")
    assert text.startswith(f"older_age: {rule.title}\n")
    assert f"  fires when: {rule.when.describe()}\n" in text
    assert "age is more than 50" in text
    for key in rule.references:
        assert f"    - {key}: {kb.references[key]}\n" in text
    assert f"    1. {json.dumps(dict(rule.cases_fire[0]))}\n" in text
    assert text.index("cases that fire:") < text.index("cases that do not fire:")


def test_show_a_red_flag_with_its_escalation_as_json(kb):
    result = invoke("rules", "show", "possible_electrolyte_emergency", "--format", "json")
    assert result.code == 0
    details = result.json()
    assert details["triage"] == "urgent"
    assert [t["level"] for t in details["triage_when"]] == ["emergency"]
    assert "symptoms include" in details["when"]
    rule = kb.rule("possible_electrolyte_emergency")
    assert details["cases"]["fires"] == [dict(c) for c in rule.cases_fire]


def test_show_an_unknown_rule_suggests_the_nearest(kb):
    result = invoke("rules", "show", "older_ag")
    assert result.code == 2
    assert error_lines(result.stderr) == [
        "cramps: error: no rule 'older_ag' (did you mean 'older_age'?); "
        "'cramps rules list' lists them"
    ]


# --------------------------------------------------------------------------- installed


def run_installed(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CRAMPS), *args], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )


@pytest.mark.slow
def test_installed_validate_and_test():
    valid = run_installed("rules", "validate")
    assert valid.returncode == 0, valid.stderr
    assert valid.stdout.startswith("rules.yaml: valid (")
    passing = run_installed("rules", "test")
    assert passing.returncode == 0
    assert passing.stdout.endswith(" cases pass\n")


@pytest.mark.slow
def test_installed_validate_of_a_broken_file(tmp_path):
    path, line = break_rules(
        tmp_path, "older_age", "    kind: cause\n", "    kind: cause\n    severty: high\n"
    )
    result = run_installed("rules", "validate", str(path))
    assert result.returncode == 3
    assert result.stdout == ""
    expected = f"cramps: error: {path}:{line + 1}:5: rule 'older_age': unknown field 'severty'\n"
    assert result.stderr == expected
