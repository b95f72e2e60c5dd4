"""`cramps why`, `cramps schema` and `cramps medicines` as a person or a script uses them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cramp_cli import contract
from tests.conftest import (
    CONTRACT_KEYS,
    DOCUMENT_KEYS,
    EXAMPLES,
    RULES,
    assess,
    invoke,
    one_error_line,
    write_answers,
)

CRAMPS = Path(sys.executable).parent / "cramps"


def broken_rules(folder: Path) -> tuple[Path, int]:
    """A copy of rules.yaml with a misspelled question id in older_age, and its line."""
    lines = RULES.read_text(encoding="utf-8").splitlines(True)
    start = lines.index("  - id: older_age\n")
    index = next(i for i in range(start, len(lines)) if "{question: age," in lines[i])
    lines[index] = lines[index].replace("{question: age,", "{question: agee,")
    path = folder / "broken.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    return path, index + 1


@pytest.mark.parametrize(
    "args",
    [
        ("why", "older_age", "--age", "40"),
        ("schema", "answers"),
        ("schema", "assessment"),
        ("medicines",),
        ("medicines", "Lipitor"),
        ("rules", "show", "older_age"),
    ],
)
def test_an_invalid_rules_file_stops_every_command(tmp_path, args):
    path, line = broken_rules(tmp_path)
    result = invoke(*args, "--rules", str(path))
    assert result.code == 3
    assert result.stdout == ""
    assert one_error_line(result.stderr).startswith(f"cramps: error: {path}:{line}:")


# --------------------------------------------------------------------------- why


def test_why_marks_a_met_condition_and_fires():
    result = invoke("why", "older_age", "--age", "67")
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "older_age: Age over 50 (cause)",
        "  met         age is more than 50",
        "answers: age = 67",
        "verdict: fires: its condition is met",
    ]


def test_why_marks_a_condition_not_met():
    result = invoke("why", "older_age", "--age", "50")
    assert result.code == 0
    assert "  not met     age is more than 50\n" in result.stdout
    assert result.stdout.endswith("verdict: does not fire: its condition is not met\n")


def test_why_shows_unanswered_questions_as_unknown_never_as_no(tmp_path):
    answers = {"age": 30, "sex": "female", "symptoms": ["confusion"]}
    result = invoke(
        "why", "possible_heatstroke", "--answers", str(write_answers(tmp_path, answers))
    )
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == "  unknown     any of:"
    assert "  not met       symptoms include hot skin stopped sweating" in lines
    assert "  met             symptoms include confusion" in lines
    assert "  unanswered        heavy sweating is yes" in lines
    assert "heavy sweating: not answered" in lines[-2]
    assert lines[-1].startswith("verdict: does not fire: an answer it needs is missing")


def test_why_reads_answers_from_standard_input_as_json(kb):
    answers = {"age": 30, "symptoms": ["one_leg_swollen"]}
    result = invoke(
        "why", "possible_dvt", "--answers", "-", "--format", "json", input=json.dumps(answers)
    )
    assert result.code == 0, result.stderr
    report = result.json()
    assert report["rule"] == "possible_dvt"
    assert report["fires"] is True
    assert report["answers"] == {"symptoms": ["one_leg_swollen"]}
    words = kb.rule("possible_dvt").when.describe()
    assert report["conditions"] == [{"depth": 0, "condition": words, "result": "met"}]


def test_flags_override_the_answers_file(tmp_path):
    path = write_answers(tmp_path, {"age": 40, "smoker": False})
    result = invoke("why", "smoking", "--answers", str(path), "--smoker")
    assert result.code == 0
    assert result.stdout.endswith("verdict: fires: its condition is met\n")


def test_why_for_the_fallback_cause_names_the_other_causes():
    quiet = invoke("why", "idiopathic", "--age", "35")
    assert quiet.code == 0
    assert "no condition: fires only when no other cause does" in quiet.stdout
    assert quiet.stdout.endswith("verdict: fires: no other cause was found\n")
    busy = invoke("why", "idiopathic", "--age", "35", "--smoker", "--activity", "sedentary")
    assert busy.stdout.endswith(
        "verdict: does not fire: other causes were found: inactivity, smoking\n"
    )


def test_why_agrees_with_check_for_every_shipped_example(kb):
    from cramp_cli.commands.why import report
    from cramp_cli.engine.answers import normalise

    for path in sorted(EXAMPLES.glob("**/*.json")):
        answers = json.loads(path.read_text())["answers"]
        doc = assess(kb, answers)
        found = {c["id"] for c in doc["causes"]} | {f["id"] for f in doc["red_flags"]}
        for rule in kb.rules:
            if rule.kind != "advice":
                verdict = report(kb, rule, normalise(answers, kb))["fires"]
                assert verdict is (rule.id in found), (path.stem, rule.id)


def test_why_gives_a_red_flag_its_triage_level():
    urgent = invoke(
        "why", "possible_electrolyte_emergency", "--age", "60", "--symptom", "palpitations"
    )
    assert urgent.stdout.endswith("verdict: fires: its condition is met (triage: urgent)\n")
    emergency = invoke(
        "why",
        "possible_electrolyte_emergency",
        "--age",
        "60",
        "--symptom",
        "palpitations",
        "--symptom",
        "fainting",
        "-f",
        "json",
    )
    assert emergency.json()["triage"] == "emergency"


def test_why_for_an_advice_rule():
    result = invoke("why", "kidney_magnesium", "--age", "60", "--condition", "dialysis")
    assert result.code == 0
    assert result.stdout.endswith("verdict: fires: its condition is met\n")


def test_why_reads_yaml_answers_and_refuses_yes_for_true(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("age: 40\nsmoker: true\n", encoding="utf-8")
    assert invoke("why", "smoking", "--answers", str(good)).stdout.endswith(
        "verdict: fires: its condition is met\n"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text("age: 40\nsmoker: yes\n", encoding="utf-8")
    result = invoke("why", "smoking", "--answers", str(bad))
    assert result.code == 2
    assert one_error_line(result.stderr) == (
        f"cramps: error: {bad}:2:9: not valid JSON or YAML: "
        "write true or false, not 'yes' (quote it if you mean "
        "the word)"
    )


def _long_options(command: str) -> set[str]:
    """Every --option spelling a command's help lists (both halves of a --x/--no-x pair)."""
    import re

    result = invoke(command, "--help", env={"COLUMNS": "300", "TERMINAL_WIDTH": "300"})
    assert result.code == 0, result.stderr
    return set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", result.stdout))


def test_why_takes_every_question_flag_of_check(kb):
    check_options, why_options = _long_options("check"), _long_options("why")
    for question in kb.questions:
        assert f"--{question.flag}" in check_options, question.id
        assert f"--{question.flag}" in why_options, question.id
    # the "no" halves too: --not-pregnant, --non-smoker, --no-gave-birth-recently, ...
    for spelling in ("--not-pregnant", "--non-smoker", "--no-gave-birth-recently"):
        assert spelling in check_options and spelling in why_options


def test_why_without_age_exits_4_and_never_asks():
    result = invoke("why", "smoking", "--smoker")
    assert result.code == 4
    assert one_error_line(result.stderr).startswith("cramps: error: missing answers: age (--age)")
    assert result.stdout == ""


def test_why_rejects_bad_answers_and_unknown_rules(tmp_path):
    bad = invoke("why", "older_age", "--age", "old")
    assert bad.code == 2
    assert one_error_line(bad.stderr).startswith("cramps: error: --age: ")
    path = write_answers(tmp_path, {"age": 40, "medication": ["Lipitor"]})
    typo = invoke("why", "medication", "--answers", str(path))
    assert typo.code == 2
    assert "did you mean 'medications'?" in one_error_line(typo.stderr)
    unknown = invoke("why", "smokng", "--age", "40")
    assert unknown.code == 2
    assert "no rule 'smokng' (did you mean 'smoking'?)" in one_error_line(unknown.stderr)


@pytest.mark.slow
def test_installed_why_without_answers_exits_4():
    result = subprocess.run(
        [str(CRAMPS), "why", "older_age"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 4
    assert result.stderr.startswith("cramps: error: missing answers: age")


# --------------------------------------------------------------------------- schema


def schema_of(document: str) -> dict:
    result = invoke("schema", document)
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    return result.json()


def test_answers_schema_describes_canonical_answers(kb):
    schema = schema_of("answers")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["age"]
    assert list(schema["properties"]) == [q.id for q in kb.questions]
    assert set(schema["properties"]) == set(contract.QUESTION_IDS)
    props = schema["properties"]
    assert {k: props["age"][k] for k in ("type", "minimum", "maximum")} == {
        "type": "integer",
        "minimum": 1,
        "maximum": 120,
    }
    sex = props["sex"]["anyOf"]
    assert sex[0]["enum"] == ["female", "male", "other", "unspecified"]
    assert sex[1] == {"type": "null"}
    assert props["pregnant"]["anyOf"][0] == {"type": "boolean"}
    assert props["pregnancy_trimester"]["anyOf"][0] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 3,
    }
    assert props["medications"]["anyOf"][0] == {"type": "array", "items": {"type": "string"}}
    symptoms = props["symptoms"]["anyOf"][0]
    assert symptoms["type"] == "array"
    assert "one_leg_swollen" in symptoms["items"]["enum"]
    assert props["cramp_minutes"]["anyOf"][0]["exclusiveMinimum"] == 0
    assert props["alcohol_units_per_week"]["anyOf"][0] == {"type": "number", "minimum": 0}


def test_assessment_schema_matches_the_contract(kb):
    schema = schema_of("assessment")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    keys = CONTRACT_KEYS
    # `region` (version 1.1, additive) is there whenever the knowledge base defines regions
    assert list(schema["properties"]) == [*keys[:3], "region", *keys[3:]]
    assert schema["required"] == keys
    assert schema["additionalProperties"] is False
    defs = schema["$defs"]
    assert defs["Triage"]["properties"]["level"]["enum"] == list(contract.TRIAGE_LEVELS)
    assert defs["RedFlag"]["properties"]["id"]["enum"] == list(contract.RED_FLAG_IDS)
    assert defs["Cause"]["properties"]["id"]["enum"] == list(contract.CAUSE_IDS)
    assert set(defs["Drug"]["properties"]) == {"input", "generic", "class"}
    assert defs["MedicationInfo"]["properties"]["match"]["enum"] == list(contract.MATCH_KINDS)
    assert defs["SelfCare"]["properties"]["evidence"]["enum"] == list(contract.EVIDENCE_LEVELS)
    # every shipped example's assessment is valid under the model the schema comes from
    from cramp_cli.schemas import Assessment

    for path in sorted(EXAMPLES.glob("**/*.json")):
        doc = assess(kb, json.loads(path.read_text())["answers"])
        assert list(doc) == DOCUMENT_KEYS
        Assessment.model_validate(doc)


def test_check_json_output_is_valid_under_the_assessment_model(tmp_path):
    from cramp_cli.schemas import Assessment

    path = write_answers(
        tmp_path,
        {"age": 67, "medications": ["Lipitor", "Moduretic"], "symptoms": ["one_leg_swollen"]},
    )
    result = invoke("check", "--answers", str(path), "--format", "json")
    assert result.code == 0, result.stderr
    Assessment.model_validate(result.json())


def test_schema_of_an_unknown_document_is_a_usage_error():
    result = invoke("schema", "diary")
    assert result.code == 2
    assert "diary" in one_error_line(result.stderr)


@pytest.mark.slow
def test_installed_schema_is_plain_json():
    result = subprocess.run(
        [str(CRAMPS), "schema", "answers"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["required"] == ["age"]
    assert "\x1b[" not in result.stdout


# --------------------------------------------------------------------------- medicines


def test_a_brand_with_a_dose_is_recognised_with_class_and_evidence(kb):
    result = invoke("medicines", "Lipitor 40 mg")
    assert result.code == 0
    statin = kb.medicine_classes["statin"]
    assert result.stdout.splitlines() == [
        "Lipitor 40 mg: Lipitor, a brand of atorvastatin (match: brand)",
        "  atorvastatin",
        f"    statin: {statin['label']} (evidence: {statin['evidence']})",
    ]


def test_a_combination_yields_every_class_as_json(kb):
    result = invoke("medicines", "Moduretic", "--format", "json")
    assert result.code == 0
    found = result.json()
    assert found["match"] == "brand"
    assert [g["generic"] for g in found["generics"]] == ["amiloride", "hydrochlorothiazide"]
    classes = {c["id"]: c for g in found["generics"] for c in g["classes"]}
    assert set(classes) == {"potassium_sparing_diuretic", "thiazide_diuretic"}
    for cls, info in classes.items():
        assert info["evidence"] == kb.medicine_classes[cls]["evidence"]
        assert info["label"] == kb.medicine_classes[cls]["label"]


@pytest.mark.parametrize(
    ("name", "match", "first_line"),
    [
        ("frusemide", "exact", "frusemide: frusemide, another name for furosemide (match: exact)"),
        ("atorvastatn", "fuzzy", "atorvastatn: atorvastatin, a generic name (match: fuzzy)"),
        ("metformin", "exact", "metformin: metformin, a generic name (match: exact)"),
    ],
)
def test_how_a_name_matched(name, match, first_line):
    result = invoke("medicines", name)
    assert result.code == 0
    assert result.stdout.splitlines()[0] == first_line
    assert invoke("medicines", name, "-f", "json").json()["match"] == match


def test_a_medicine_not_linked_to_cramps_says_so():
    result = invoke("medicines", "metformin")
    assert "no class linked to cramps" in result.stdout


def test_an_unknown_name_gets_the_nearest_names_and_exit_0():
    result = invoke("medicines", "atorva")
    assert result.code == 0
    assert result.stdout.startswith("atorva: not recognised (nearest known names: atorvastatin")
    found = invoke("medicines", "atorva", "--format", "json").json()
    assert found["match"] == "unknown"
    assert found["generics"] == []
    assert found["suggestions"][0] == "atorvastatin"


def test_the_whole_dictionary_as_json(kb):
    result = invoke("medicines", "--format", "json")
    assert result.code == 0
    rows = result.json()
    by_name = {row["name"]: row for row in rows}
    assert by_name["Lipitor"] == {
        "name": "Lipitor",
        "kind": "brand",
        "generics": ["atorvastatin"],
        "classes": ["statin"],
    }
    assert by_name["frusemide"]["kind"] == "alias"
    assert by_name["metformin"] == {**by_name["metformin"], "kind": "generic", "classes": []}
    assert by_name["Moduretic"]["kind"] == "combination"
    assert set(by_name["Moduretic"]["classes"]) == {
        "potassium_sparing_diuretic",
        "thiazide_diuretic",
    }
    assert len(rows) == len(kb.medicines)  # every name the matcher knows, once
    assert [row["name"].lower() for row in rows] == sorted(row["name"].lower() for row in rows)


def test_the_whole_dictionary_as_a_table(kb):
    result = invoke("medicines")
    assert result.code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "kind", "generics", "classes"]
    assert len(lines) == len(kb.medicines) + 1
    lipitor = next(line for line in lines if line.startswith("Lipitor "))
    assert lipitor.split() == ["Lipitor", "brand", "atorvastatin", "statin"]


@pytest.mark.slow
def test_installed_medicines_lookup():
    result = subprocess.run(
        [str(CRAMPS), "medicines", "Symbicort"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 0
    assert "budesonide and formoterol" in result.stdout
    assert "long_acting_beta_agonist" in result.stdout
