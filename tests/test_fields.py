"""`--fields PATHS`: a pipeline keeps only the parts of the assessment it reads, as with
`gh --json FIELDS`; a path it cannot use is a usage error that says what it can."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cramp_cli import contract
from cramp_cli.render.fields import FIELD_PATHS, parse_fields
from tests.conftest import EXAMPLES, one_error_line, write_answers

PIPELINE = "triage.level,red_flags.id,causes.id,medications"
DVT = {"age": 70, "sex": "female", "symptoms": ["one_leg_swollen"], "medications": ["Lipitor"]}


def test_check_keeps_only_the_paths_asked_for_lists_element_wise(cli, tmp_path):
    answers = write_answers(tmp_path, DVT)
    full = cli("check", "--answers", str(answers), "--format", "json").json()
    result = cli("check", "--answers", str(answers), "--fields", PIPELINE)
    assert result.code == 0
    assert result.stdout.startswith('{\n  "medications": [')  # indented by 2, document order
    assert result.stdout.endswith("}\n")
    assert result.json() == {
        "medications": full["medications"],
        "triage": {"level": full["triage"]["level"]},
        "red_flags": [{"id": flag["id"]} for flag in full["red_flags"]],
        "causes": [{"id": cause["id"]} for cause in full["causes"]],
    }
    assert result.json()["red_flags"][0] == {"id": "possible_dvt"}


def test_paths_reach_into_lists_of_lists(cli, tmp_path):
    answers = write_answers(tmp_path, DVT)
    full = cli("check", "--answers", str(answers), "-f", "json").json()
    result = cli(
        "check",
        "--answers",
        str(answers),
        "-f",
        "json",
        "--fields",
        " causes.drugs.generic , red_flags.because.answer ,answers.age",
    )
    assert result.code == 0
    assert result.json() == {
        "answers": {"age": 70},
        "red_flags": [
            {"because": [{"answer": b["answer"]} for b in f["because"]]} for f in full["red_flags"]
        ],
        "causes": [
            {"drugs": [{"generic": d["generic"]} for d in c["drugs"]]} for c in full["causes"]
        ],
    }
    assert {"generic": "atorvastatin"} in result.json()["causes"][0]["drugs"]


def test_a_whole_part_wins_over_a_narrower_path():
    doc = {"causes": [{"id": "a", "title": "A"}], "triage": {"level": "routine", "summary": "s"}}
    assert parse_fields("causes.id,causes")(doc) == {"causes": doc["causes"]}
    assert parse_fields("causes,causes.id")(doc) == {"causes": doc["causes"]}
    assert parse_fields("triage.level")(doc) == {"triage": {"level": "routine"}}
    # an optional part a document lacks is left out, not invented
    assert parse_fields(["see_doctor.because"])({"see_doctor": [{"id": "x"}]}) == {
        "see_doctor": [{}]
    }


def test_batch_narrows_assessments_and_keeps_error_lines_whole(cli, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(
            [json.dumps(DVT), json.dumps({"age": "forty"}), json.dumps({"age": 30, "symptoms": []})]
        )
        + "\n"
    )
    result = cli("check", "--batch", str(source), "--fields", "triage.level,red_flags.id")
    assert result.code == 2
    lines = result.stdout.splitlines()
    assert lines[0] == '{"triage":{"level":"urgent"},"red_flags":[{"id":"possible_dvt"}]}'
    assert json.loads(lines[1]) == {
        "line": 2,
        "error": {"message": "age: must be a whole number from 1 to 120, not 'forty'"},
    }
    assert json.loads(lines[2]) == {"triage": {"level": "self_care"}, "red_flags": []}
    assert result.stderr.strip() == "2 assessed, 1 error"
    full = cli("check", "--batch", str(source))
    assert sum(map(len, lines)) * 10 < len(full.stdout)  # the point: much leaner lines


@pytest.mark.parametrize(
    "fields, wanted",
    [
        ("triage.lvl", "unknown field 'triage.lvl' (did you mean 'triage.level'?)"),
        ("red_flag.id", "unknown field 'red_flag.id' (did you mean 'red_flags.id'?)"),
        ("causes.id,zzz", "unknown field 'zzz'"),
        (" , ", "give a comma list of fields"),
    ],
)
def test_an_unknown_path_is_a_usage_error_listing_the_valid_ones(cli, tmp_path, fields, wanted):
    answers = write_answers(tmp_path, {"age": 40})
    for args in (["--answers", str(answers)], ["--batch", str(answers)]):
        result = cli("check", *args, "--fields", fields)
        assert result.code == 2
        assert result.stdout == ""
        line = one_error_line(result.stderr)
        assert line.startswith(f"cramps: error: --fields: {wanted}")
        assert line.endswith("valid fields: " + ", ".join(FIELD_PATHS))


def test_fields_take_no_text_or_markdown_format(cli, tmp_path):
    answers = write_answers(tmp_path, {"age": 40})
    for fmt in ("text", "markdown"):
        result = cli("check", "--answers", str(answers), "--fields", "triage.level", "-f", fmt)
        assert result.code == 2 and result.stdout == ""
        assert "--fields selects parts of the JSON output" in one_error_line(result.stderr)


def _schema_paths(schema: dict[str, Any]) -> set[str]:
    """Every dotted path of the assessment's JSON Schema, lists walked into."""
    defs = schema["$defs"]

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while True:
            if "$ref" in node:
                node = defs[node["$ref"].rsplit("/", 1)[-1]]
            elif node.get("type") == "array" and "items" in node:
                node = node["items"]
            elif "anyOf" in node:
                node = next(n for n in node["anyOf"] if n.get("type") != "null")
            else:
                return node

    def walk(node: dict[str, Any], prefix: str) -> set[str]:
        found = set()
        for key, sub in resolve(node).get("properties", {}).items():
            found.add(prefix + key)
            found |= walk(sub, f"{prefix}{key}.")
        return found

    return walk(schema, "")


def test_schema_assessment_lists_exactly_the_paths_of_the_document(cli):
    result = cli("schema", "assessment")
    assert result.code == 0
    schema = result.json()
    listed = schema["x-cramps-fields"]["paths"]
    assert listed == list(FIELD_PATHS)
    answers = {f"answers.{q}" for q in contract.QUESTION_IDS}
    assert set(listed) == _schema_paths(schema) | answers
    assert "--fields" in schema["x-cramps-fields"]["description"]


@pytest.mark.parametrize("path", sorted(EXAMPLES.rglob("*.json")), ids=lambda p: p.stem)
def test_every_path_keeps_what_the_full_document_holds_there(kb, path):
    from tests.conftest import assess

    doc = assess(kb, json.loads(path.read_text())["answers"])
    everything = parse_fields(",".join(FIELD_PATHS))(doc)
    assert everything == doc
    for field in ("triage.level", "causes.id", "self_care.title", "see_doctor.id"):
        top, key = field.split(".")
        kept = parse_fields(field)(doc)[top]
        wanted = (
            {key: doc[top][key]}
            if isinstance(doc[top], dict)
            else [{key: item[key]} for item in doc[top]]
        )
        assert kept == wanted
