"""The one question-flag table, and what --batch accepts.

check and why take their question flags from one table; a rules file cannot rename them. A
batch run is always JSON Lines and refuses the options it cannot honour instead of exiting 0
having done nothing with them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cramp_cli.commands.answer_flags import FLAGS, Kind
from cramp_cli.contract import QUESTION_IDS
from tests.conftest import RULES, invoke, one_error_line


def test_the_table_has_one_flag_per_contract_question():
    assert sorted(row.question for row in FLAGS) == sorted(QUESTION_IDS)
    assert len({row.flag for row in FLAGS}) == len(FLAGS)


def test_the_shipped_rules_use_the_tables_flags(kb):
    assert {q.id: q.flag for q in kb.questions} == {r.question: r.flag for r in FLAGS}


@pytest.mark.parametrize("row", [r for r in FLAGS if r.kind is Kind.SWITCH], ids=lambda r: r.flag)
def test_each_yes_no_flag_answers_yes_and_no(row):
    woman = ("--age", "30", "--sex", "female")  # so the pregnancy questions apply
    on = invoke("check", *woman, f"--{row.flag}", "--no-input", "-f", "json")
    off = invoke("check", *woman, f"--{row.off}", "--no-input", "-f", "json")
    assert on.code == 0 and off.code == 0, on.stderr + off.stderr
    assert on.json()["answers"][row.question] is True
    assert off.json()["answers"][row.question] is False


def test_gave_birth_recently_is_a_flag_of_check_and_why():
    woman = ("--age", "31", "--sex", "female", "--not-pregnant")
    signs = ("--symptom", "sudden_swelling_face_hands")
    found = invoke("check", *woman, *signs, "--gave-birth-recently", "-f", "json").json()
    assert found["answers"]["gave_birth_recently"] is True
    assert "possible_preeclampsia" in [f["id"] for f in found["red_flags"]]
    why = invoke("why", "possible_preeclampsia", *woman, *signs, "--gave-birth-recently")
    assert why.code == 0, why.stderr
    assert "verdict: fires" in why.stdout
    why_not = invoke("why", "possible_preeclampsia", *woman, *signs, "--no-gave-birth-recently")
    assert "verdict: does not fire" in why_not.stdout


def _renamed(tmp_path: Path, old: str = "smoker", new: str = "smokes") -> Path:
    text = RULES.read_text(encoding="utf-8")
    assert f"    flag: {old}\n" in text
    path = tmp_path / "renamed.yaml"
    path.write_text(text.replace(f"    flag: {old}\n", f"    flag: {new}\n"), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "command",
    [
        ("check", "--age", "40"),
        ("why", "smoking", "--age", "40"),
        ("rules", "list"),
        ("rules", "test"),
        ("history",),
    ],
    ids=lambda c: c[0] + (f" {c[1]}" if c[0] == "rules" else ""),
)
def test_a_rules_file_that_renames_a_flag_is_refused(tmp_path, command):
    rules = _renamed(tmp_path)
    result = invoke(*command, "--rules", str(rules))
    assert result.code == 3
    line = one_error_line(result.stderr)
    assert str(rules) in line
    assert "'smoker'" in line and "'smokes'" in line
    assert result.stdout == ""


def test_rules_validate_refuses_a_renamed_flag(tmp_path):
    rules = _renamed(tmp_path, "age", "years")
    result = invoke("rules", "validate", str(rules))
    assert result.code == 3
    assert "question 'age'" in one_error_line(result.stderr)


# --------------------------------------------------------------------------- --batch

LINES = json.dumps({"age": 60, "symptoms": []}) + "\n" + json.dumps({"age": 30}) + "\n"


@pytest.mark.parametrize(
    "extra", [("--save",), ("--save-answers", "saved.json"), ("--from-diary",)], ids=str
)
def test_batch_refuses_what_it_cannot_honour(tmp_path, monkeypatch, extra):
    monkeypatch.chdir(tmp_path)
    result = invoke("check", "--batch", "-", *extra, input=LINES)
    assert result.code == 2
    assert extra[0] in one_error_line(result.stderr)
    assert result.stdout == ""
    assert not (tmp_path / "saved.json").exists()
    assert list(tmp_path.iterdir()) == []  # no diary, no answers file


@pytest.mark.parametrize("environment", ["text", "markdown", "json"])
def test_cramps_format_does_not_leak_into_batch(environment):
    result = invoke("check", "--batch", "-", input=LINES, env={"CRAMPS_FORMAT": environment})
    assert result.code == 0, result.stderr
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["answers"]["age"] for d in documents] == [60, 30]


def test_cramps_format_still_applies_to_a_single_check():
    result = invoke("check", "--age", "60", input="", env={"CRAMPS_FORMAT": "markdown"})
    assert result.code == 0
    assert result.stdout.startswith("#")


@pytest.mark.parametrize("typed", ["text", "markdown"])
def test_batch_refuses_a_typed_format_other_than_json(typed):
    result = invoke("check", "--batch", "-", "--format", typed, input=LINES)
    assert result.code == 2
    assert "--format" in one_error_line(result.stderr)


def test_batch_accepts_a_typed_json_format_whatever_the_environment():
    result = invoke(
        "check", "--batch", "-", "-f", "json", input=LINES, env={"CRAMPS_FORMAT": "text"}
    )
    assert result.code == 0
    assert len(result.stdout.splitlines()) == 2
