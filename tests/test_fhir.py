"""FHIR R4 in and out, as a clinic's system would use it: the Questionnaire, a
QuestionnaireResponse as answers, and the Bundle that `--format fhir` writes.

Validated with the `fhir.resources` package (its R4B models: R4B is the R4 technical correction
and keeps these resources as R4 defines them). It is a test dependency only.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from tests.conftest import EXAMPLES, one_error_line, write_answers

CASES = sorted(EXAMPLES.glob("**/*.json"))


def _answers(path):
    return json.loads(path.read_text())["answers"]


def test_the_questionnaire_is_valid_fhir_and_holds_every_question(cli, kb):
    result = cli("schema", "fhir-questionnaire")
    assert result.code == 0, result.stderr
    doc = result.json()
    Questionnaire.model_validate(doc)
    items = {item["linkId"]: item for item in doc["item"]}
    assert list(items) == [q.id for q in kb.questions]
    assert items["age"]["required"] is True and items["age"]["type"] == "integer"
    codes = [o["valueCoding"]["code"] for o in items["symptoms"]["answerOption"]]
    assert codes[0] == "none"  # "none of these" is an answer; an empty item is "don't know"
    assert set(codes[1:]) == set(kb.question_by_id["symptoms"].choice_values)
    assert items["symptoms"]["repeats"] is True


def test_questions_for_some_people_only_are_enabled_only_for_them(cli):
    items = {i["linkId"]: i for i in cli("schema", "fhir-questionnaire").json()["item"]}
    pregnant = items["pregnant"]["enableWhen"]
    assert {
        "question": "sex",
        "operator": "!=",
        "answerCoding": {"system": "urn:cramps:answer:sex", "code": "male"},
    } in pregnant
    assert {"question": "age", "operator": ">=", "answerInteger": 10} in pregnant
    assert items["pregnant"]["enableBehavior"] == "all"
    assert {"question": "pregnant", "operator": "=", "answerBoolean": True} in items[
        "pregnancy_trimester"
    ]["enableWhen"]
    assert "enableWhen" not in items["medications"]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_example_as_a_valid_bundle_whose_response_gives_the_same_assessment(
    cli, tmp_path, path
):
    answers_file = write_answers(tmp_path, _answers(path))
    fhir = cli("check", "--answers", str(answers_file), "--format", "fhir")
    assert fhir.code == 0, fhir.stderr
    bundle = fhir.json()
    Bundle.model_validate(bundle)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["QuestionnaireResponse", "RiskAssessment"]
    response = bundle["entry"][0]["resource"]
    QuestionnaireResponse.model_validate(response)
    (tmp_path / "response.json").write_text(json.dumps(response))
    again = cli("check", "--answers", str(tmp_path / "response.json"), "--format", "json")
    plain = cli("check", "--answers", str(answers_file), "--format", "json")
    assert again.code == 0, again.stderr
    assert again.stdout == plain.stdout


def test_the_risk_assessment_carries_causes_triage_and_red_flags(cli, tmp_path):
    answers = {
        "age": 44,
        "sex": "male",
        "symptoms": ["one_leg_swollen"],
        "medications": ["Lipitor 40 mg"],
    }
    path = write_answers(tmp_path, answers)
    doc = cli("check", "--answers", str(path), "--format", "json").json()
    risk = cli("check", "--answers", str(path), "--format", "fhir").json()["entry"][1]["resource"]
    assert [p["outcome"]["coding"][0]["code"] for p in risk["prediction"]] == [
        c["id"] for c in doc["causes"]
    ]
    assert risk["mitigation"] == doc["triage"]["summary"]
    notes = " ".join(n["text"] for n in risk["note"])
    assert "URGENT" in notes and "DVT" in notes and "not a diagnosis" in notes
    assert (
        risk["basis"][0]["reference"]
        == cli("check", "--answers", str(path), "--format", "fhir").json()["entry"][0]["fullUrl"]
    )


def test_the_bundle_is_deterministic(cli, tmp_path):
    path = write_answers(tmp_path, _answers(CASES[0]))
    first = cli("check", "--answers", str(path), "--format", "fhir").stdout
    assert cli("check", "--answers", str(path), "--format", "fhir").stdout == first


def test_a_response_from_another_system_with_groups_and_quantities(cli, tmp_path):
    """A clinic's form may nest questions in groups and send numbers as quantities."""
    response = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [
            {
                "linkId": "about-you",
                "item": [
                    {"linkId": "age", "answer": [{"valueInteger": 67}]},
                    {"linkId": "sex", "answer": [{"valueCoding": {"code": "female"}}]},
                ],
            },
            {"linkId": "symptoms", "answer": [{"valueCoding": {"code": "none"}}]},
            {"linkId": "medications", "answer": [{"valueString": "furosemide 40 mg"}]},
            {"linkId": "cramp_minutes", "answer": [{"valueQuantity": {"value": 2, "unit": "min"}}]},
        ],
    }
    QuestionnaireResponse.model_validate(response)
    (tmp_path / "r.json").write_text(json.dumps(response))
    doc = cli("check", "--answers", str(tmp_path / "r.json"), "--format", "json").json()
    assert doc["answers"] == {
        "age": 67,
        "sex": "female",
        "medications": ["furosemide 40 mg"],
        "symptoms": [],
        "cramp_minutes": 2,
    }
    assert "medication" in [c["id"] for c in doc["causes"]]


def test_an_unanswered_warning_sign_item_is_dont_know_not_none(cli, tmp_path):
    response = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [{"linkId": "age", "answer": [{"valueInteger": 50}]}, {"linkId": "symptoms"}],
    }
    (tmp_path / "r.json").write_text(json.dumps(response))
    doc = cli("check", "--answers", str(tmp_path / "r.json"), "--format", "json").json()
    assert "warning_signs_not_checked" in doc["triage"]["because"]


@pytest.mark.parametrize(
    ("resource", "words"),
    [
        ({"resourceType": "Patient", "id": "x"}, "a FHIR Patient is not answers"),
        ({"resourceType": "QuestionnaireResponse", "item": [{"answer": []}]}, "linkId"),
        (
            {
                "resourceType": "QuestionnaireResponse",
                "item": [{"linkId": "age", "answer": [{"valueInteger": 5}, {"valueInteger": 6}]}],
            },
            "takes one answer",
        ),
        (
            {
                "resourceType": "QuestionnaireResponse",
                "item": [{"linkId": "age", "answer": [{"valueString": "67"}]}],
            },
            "age: must be",
        ),
        (
            {
                "resourceType": "QuestionnaireResponse",
                "item": [{"linkId": "agee", "answer": [{"valueInteger": 67}]}],
            },
            "did you mean",
        ),
    ],
)
def test_a_bad_response_is_one_clear_line_and_exit_2(cli, tmp_path, resource, words):
    (tmp_path / "r.json").write_text(json.dumps(resource))
    result = cli("check", "--answers", str(tmp_path / "r.json"), "--format", "json")
    assert result.code == 2
    assert words in one_error_line(result.stderr)


def test_other_formats_never_load_the_fhir_code():
    code = (
        "import sys, io, contextlib\n"
        "from cramp_cli.cli import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    run(['check', '--age', '50', '--symptom', 'none', '--format', 'json'])\n"
        "print(sorted(m for m in sys.modules if 'fhir' in m))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
