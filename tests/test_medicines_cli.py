"""Medicines end to end: `check`'s JSON for combinations, lay names and what was typed;
`cramps medicines` for a list, a lay name and a very long name; the interview asking which
water tablet; and the rules check that no name maps to two products."""

from __future__ import annotations

from typing import Any

import pytest

from cramp_cli.frontends.interview import run_interview
from tests.conftest import RULES, invoke, one_error_line, write_answers
from tests.test_interview_logic import FakePrompter, signs


def check_json(tmp_path, answers: dict[str, Any]) -> tuple[dict[str, Any], str]:
    path = write_answers(tmp_path, answers)
    result = invoke("check", "--answers", str(path), "--format", "json")
    assert result.code == 0, result.stderr
    from cramp_cli.schemas import Assessment

    doc = result.json()
    Assessment.model_validate(doc)
    return doc, result.stderr


def ids(items):
    return [item["id"] for item in items]


@pytest.mark.parametrize(
    "typed",
    [
        "Ezetimibe/Simvastatin 10mg/40mg",
        "Inegy 10/40",
        "simvastatin and ezetimibe",
        "Vytorin",
        "Zocor + Ezetrol",
    ],
)
def test_a_statin_in_a_combination_with_dark_urine_is_the_rhabdomyolysis_emergency(tmp_path, typed):
    doc, _ = check_json(tmp_path, {"age": 66, "medications": [typed], "symptoms": ["dark_urine"]})
    assert doc["triage"]["level"] == "emergency"
    assert "possible_rhabdomyolysis" in ids(doc["red_flags"])
    assert "statin" in doc["medications"][0]["classes"]


def test_each_component_of_a_list_makes_the_medicine_cause(tmp_path):
    typed = "Lipitor 40mg and bendroflumethiazide"
    doc, stderr = check_json(tmp_path, {"age": 70, "medications": [typed], "symptoms": []})
    medication = next(c for c in doc["causes"] if c["id"] == "medication")
    assert medication["drugs"] == [
        {"input": typed, "generic": "atorvastatin", "class": "statin"},
        {"input": typed, "generic": "bendroflumethiazide", "class": "thiazide_diuretic"},
    ]
    entry = doc["medications"][0]
    assert [c["text"] for c in entry["components"]] == ["Lipitor", "bendroflumethiazide"]
    assert entry["unrecognised"] == []
    assert stderr == ""


def test_the_long_acting_beta_agonist_of_a_typed_combination_is_not_lost(tmp_path):
    doc, _ = check_json(
        tmp_path, {"age": 55, "medications": ["fluticasone/salmeterol 250/50"], "symptoms": []}
    )
    medication = next(c for c in doc["causes"] if c["id"] == "medication")
    assert medication["drugs"] == [
        {
            "input": "fluticasone/salmeterol 250/50",
            "generic": "salmeterol",
            "class": "long_acting_beta_agonist",
        }
    ]


def test_inputs_are_echoed_exactly_and_an_empty_one_is_reported(tmp_path):
    typed = ["  Lipitor 40 mg ", "", "metformin"]
    doc, _ = check_json(tmp_path, {"age": 50, "medications": typed, "symptoms": []})
    assert [m["input"] for m in doc["medications"]] == typed
    assert doc["medications"][1]["match"] == "unknown"
    assert doc["answers"]["medications"] == typed


def test_a_water_tablet_is_unknown_with_a_warning_naming_the_group(tmp_path):
    doc, stderr = check_json(tmp_path, {"age": 72, "medications": ["water tablet"], "symptoms": []})
    entry = doc["medications"][0]
    assert entry["match"] == "unknown"
    assert entry["classes"] == []
    assert entry["ambiguous"][0]["group"] == "water tablets (diuretics)"
    assert "water tablets (diuretics)" in stderr
    assert "water tablets" not in result_stdout_text(doc)


def result_stdout_text(doc: dict[str, Any]) -> str:
    """The assessment without the medications echo: warnings belong on standard error."""
    return str({k: v for k, v in doc.items() if k not in ("medications", "answers")})


def test_a_partly_understood_entry_warns_on_stderr(tmp_path):
    doc, stderr = check_json(
        tmp_path, {"age": 60, "medications": ["Lipitor and xyzzyfloxin"], "symptoms": []}
    )
    assert doc["medications"][0]["unrecognised"] == ["xyzzyfloxin"]
    assert "xyzzyfloxin" in stderr


def test_a_6kb_name_is_reported_unknown_not_read(tmp_path):
    long_name = "amlodipine and " * 400
    doc, stderr = check_json(tmp_path, {"age": 60, "medications": [long_name], "symptoms": []})
    assert doc["medications"][0]["match"] == "unknown"
    assert "too long" in stderr
    result = invoke("medicines", long_name)
    assert result.code == 0
    assert "not recognised" in result.stdout


# --------------------------------------------------------------------------- cramps medicines


def test_medicines_reads_a_list_part_by_part():
    result = invoke("medicines", "Spiriva and Serevent", "--format", "json")
    assert result.code == 0
    found = result.json()
    assert [p["text"] for p in found["parts"]] == ["Spiriva", "Serevent"]
    assert [g["generic"] for g in found["generics"]] == ["tiotropium", "salmeterol"]
    text = invoke("medicines", "Spiriva and Serevent").stdout
    assert "tiotropium" in text and "salmeterol" in text
    assert "long_acting_beta_agonist" in text


def test_medicines_asks_which_for_a_lay_name_of_several():
    result = invoke("medicines", "water tablet")
    assert result.code == 0
    assert "could be one of several water tablets" in result.stdout
    assert "furosemide" in result.stdout
    assert invoke("medicines", "water tablet", "-f", "json").json()["match"] == "unknown"


def test_medicines_never_offers_unrelated_names():
    found = invoke("medicines", "HRT patch", "-f", "json").json()
    assert [g["generic"] for g in found["generics"]] == ["estradiol"]
    found = invoke("medicines", "zqxwvy", "-f", "json").json()
    assert found["suggestions"] == []


def test_the_dictionary_lists_lay_names():
    rows = invoke("medicines", "--format", "json").json()
    by_name = {row["name"]: row for row in rows}
    assert by_name["blue inhaler"]["classes"] == ["short_acting_beta_agonist"]
    assert by_name["water tablet"]["group"] == "water tablets (diuretics)"


# --------------------------------------------------------------------------- rules checks


def test_a_name_given_to_two_products_is_an_invalid_rules_file(tmp_path):
    text = RULES.read_text(encoding="utf-8")
    text = text.replace("brands: [Altoprev, Mevacor,", "brands: [Altoprev, Lasix, Mevacor,", 1)
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    result = invoke("rules", "validate", "--rules", str(path))
    assert result.code == 3
    assert "'Lasix' is given twice" in result.stderr


def test_a_look_alike_that_is_not_a_medicine_is_an_invalid_rules_file(tmp_path):
    text = RULES.read_text(encoding="utf-8")
    text = text.replace("  - [Losec, Lasix]", "  - [Losec, Lasixx]", 1)
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    result = invoke("check", "--rules", str(path), "--age", "40", "--no-input")
    assert result.code == 3
    assert "Lasixx" in one_error_line(result.stderr)


# --------------------------------------------------------------------------- interview


def _medicines_interview(kb, typed: str, *more: tuple[str, Any]) -> FakePrompter:
    prompter = FakePrompter(
        [
            ("How old is the person with cramps?", "70"),
            ("What is your sex?", "Male"),
            *signs(kb),
            ("Which medicines", typed),
            *more,
            ("start or change a medicine", "STOP"),
        ]
    )
    with pytest.raises(AssertionError, match=r"is not a choice|not in the script"):
        run_interview(kb, {}, prompter)
    return prompter


def test_the_interview_asks_which_water_tablet(kb):
    prompter = _medicines_interview(kb, "water tablet", ("Which water tablet?", "furosemide"))
    assert any(line.startswith("  furosemide -> furosemide, ") for line in prompter.said)
    shown = next(v for k, v in prompter.shown.items() if "Which water tablet" in k)
    assert "bendroflumethiazide" in shown and "Not sure: keep it as typed" in shown


def test_the_interview_keeps_a_water_tablet_the_person_cannot_name(kb):
    prompter = _medicines_interview(
        kb, "Lipitor and a water tablet", ("Which water tablet?", "Not sure: keep it as typed")
    )
    assert any("water tablet -> not recognised" in line for line in prompter.said)
    assert any(
        line.startswith("  Lipitor and a water tablet -> atorvastatin") for line in prompter.said
    )


def test_the_interview_names_the_part_it_did_not_understand(kb):
    prompter = _medicines_interview(kb, "Lipitor and zqxwvy", ("Retype", ""))
    assert any("not recognised: zqxwvy" in line for line in prompter.said)
    assert not any("nearest known" in line for line in prompter.said)
