"""`cramps check` as a person or a script uses it: formats, sources of answers, exit codes."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from tests.conftest import EXAMPLES, RULES, one_error_line, write_answers

EXPECT_KEYS = {
    "causes_include",
    "causes_exclude",
    "red_flags_include",
    "no_red_flags",
    "red_flags_exactly",
    "drug_classes",
    "medications",
    "triage",
    "self_care_never_mentions",
    "triage_because_include",
    "text_mentions",
}


# The shared examples, contract section 5's (next/) included.
@pytest.mark.parametrize(
    "path",
    sorted(EXAMPLES.glob("**/*.json")),
    ids=lambda p: str(p.relative_to(EXAMPLES).with_suffix("")),
)
def test_shared_examples_hold(cli, tmp_path, path):
    case = json.loads(path.read_text())
    assert set(case["expect"]) <= EXPECT_KEYS
    result = cli(
        "check", "--answers", str(write_answers(tmp_path, case["answers"])), "--format", "json"
    )
    assert result.code == 0, result.stderr
    doc = result.json()
    expect = case["expect"]
    causes = [c["id"] for c in doc["causes"]]
    flags = [f["id"] for f in doc["red_flags"]]
    classes = {k for m in doc["medications"] for k in m["classes"]}
    assert set(expect.get("causes_include", [])) <= set(causes)
    assert not set(expect.get("causes_exclude", [])) & set(causes)
    assert set(expect.get("red_flags_include", [])) <= set(flags)
    assert not set(expect.get("no_red_flags", [])) & set(flags)
    if "red_flags_exactly" in expect:
        assert sorted(flags) == sorted(expect["red_flags_exactly"])
    assert set(expect.get("drug_classes", [])) <= classes
    for want in expect.get("medications", []):
        assert any(all(m.get(k) == v for k, v in want.items()) for m in doc["medications"])
    if "triage" in expect:
        assert doc["triage"]["level"] == expect["triage"]
    for word in expect.get("self_care_never_mentions", []):
        assert word not in json.dumps(doc["self_care"]).lower()
    assert set(expect.get("triage_because_include", [])) <= set(doc["triage"]["because"])
    for word in expect.get("text_mentions", []):
        assert word.lower() in json.dumps(doc).lower()


def test_json_goes_alone_to_stdout_indented_with_a_final_newline(cli):
    result = cli("check", "--age", "67", "--sex", "male", "--format", "json")
    assert result.code == 0
    assert result.stdout.endswith("}\n")
    assert result.stdout.startswith('{\n  "schema_version": 1,')
    assert result.json()["answers"] == {"age": 67, "sex": "male"}


def test_long_lines_are_not_wrapped_in_json(cli):
    result = cli("check", "--age", "67", "--format", "json")
    assert any(len(line) > 200 for line in result.stdout.splitlines())


def test_flags_answer_every_question(cli):
    result = cli(
        "check",
        "--age",
        "30",
        "--sex",
        "Female",
        "--pregnant",
        "--trimester",
        "3",
        "--medication",
        "Lipitor 40 mg",
        "--medication",
        "furosemide",
        "--no-new-medicine",
        "--activity",
        "light",
        "--no-strenuous-exercise",
        "--heavy-sweating",
        "--no-plain-water",
        "--no-diarrhoea-or-vomiting",
        "--standing-hours",
        "9.5",
        "--footwear",
        "high-heels",
        "--alcohol-units",
        "3",
        "--non-smoker",
        "--condition",
        "Kidney disease",
        "--symptom",
        "fatigue",
        "--cramps-per-week",
        "2",
        "--cramp-minutes",
        "3",
        "--format",
        "json",
    )
    assert result.code == 0, result.stderr
    doc = result.json()
    assert doc["unanswered"] == []
    assert doc["answers"]["footwear"] == ["high_heels"]
    assert doc["answers"]["conditions"] == ["kidney_disease"]
    assert doc["answers"]["standing_hours"] == 9.5
    assert doc["answers"]["pregnancy_trimester"] == 3


def test_a_list_flag_can_say_none(cli):
    doc = cli("check", "--age", "40", "--condition", "none", "--format", "json").json()
    assert doc["answers"]["conditions"] == []
    assert "conditions" not in doc["unanswered"]


def test_flags_override_the_answers_file(cli, tmp_path):
    path = write_answers(tmp_path, {"age": 40, "smoker": True})
    doc = cli("check", "--answers", str(path), "--non-smoker", "--format", "json").json()
    assert doc["answers"]["smoker"] is False


def test_answers_in_yaml_and_from_standard_input(cli, tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("age: 71\nconditions: [dialysis]\n")
    from_file = cli("check", "--answers", str(path), "--format", "json").json()
    from_stdin = cli(
        "check",
        "--answers",
        "-",
        "--format",
        "json",
        input=json.dumps({"age": 71, "conditions": ["dialysis"]}),
    ).json()
    assert from_file == from_stdin
    assert "dialysis" in [c["id"] for c in from_file["causes"]]


def test_the_same_answers_give_byte_identical_output(cli, tmp_path):
    path = write_answers(tmp_path, {"age": 58, "medications": ["Dyazide"], "cramps_per_week": 4})
    first = cli("check", "--answers", str(path), "--format", "json").stdout
    assert first == cli("check", "--answers", str(path), "--format", "json").stdout


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"age": "67"}, "age: must be a whole number from 1 to 120, not '67'"),
        ({"age": 0}, "age: must be a whole number from 1 to 120"),
        ({"age": 40, "smoker": "yes"}, "smoker: must be true or false"),
        (
            {"age": 40, "medication": ["x"]},
            "medication: not a question id (did you mean 'medications'?)",
        ),
        ({"age": 40, "sex": "mail"}, "'mail' is not allowed (did you mean 'male'?)"),
        ({"age": 40, "symptoms": ["one_leg_swolen"]}, "did you mean 'one_leg_swollen'?"),
        ({"age": 40, "cramps_per_week": 9}, "cramps_per_week: must be a number from 0 to 7"),
        ({"age": 40, "cramp_minutes": 0}, "cramp_minutes: must be a number greater than 0"),
        ([1, 2], "answers must be an object"),
    ],
)
def test_bad_answers_exit_2_with_one_line_naming_key_and_value(cli, tmp_path, answers, message):
    result = cli("check", "--answers", str(write_answers(tmp_path, answers)), "--format", "json")
    assert result.code == 2
    assert result.stdout == ""
    line = one_error_line(result.stderr)
    assert "answers.json: " in line
    assert message in line


def test_unreadable_answers_files(cli, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"age": 40,,}')
    assert "not valid JSON" in one_error_line(cli("check", "--answers", str(broken)).stderr)
    missing = cli("check", "--answers", str(tmp_path / "nope.json"))
    assert missing.code == 2
    assert "no such file" in one_error_line(missing.stderr)


def test_answers_that_do_not_apply_are_ignored_with_a_warning(cli):
    result = cli("check", "--age", "40", "--sex", "male", "--pregnant", "--format", "json")
    assert result.code == 0
    assert "pregnant" not in result.json()["answers"]
    assert "warning: pregnant" in result.stderr


def test_missing_age_without_a_terminal_exits_4_naming_the_flag(cli):
    result = cli("check", "--sex", "male", "--format", "json")
    assert result.code == 4
    assert result.stdout == ""
    assert "age (--age)" in one_error_line(result.stderr)


def test_no_input_never_prompts(cli):
    assert cli("check", "--no-input").code == 4


def test_save_answers_round_trips(cli, tmp_path):
    saved = tmp_path / "saved.json"
    first = cli(
        "check",
        "--age",
        "67",
        "--medication",
        "Lipitor",
        "--save-answers",
        str(saved),
        "--format",
        "json",
    )
    assert json.loads(saved.read_text()) == {"age": 67, "medications": ["Lipitor"]}
    again = cli("check", "--answers", str(saved), "--format", "json")
    assert again.stdout == first.stdout


def test_usage_errors_are_one_line_with_exit_2(cli):
    result = cli("check", "--agee", "40")
    assert result.code == 2
    line = one_error_line(result.stderr)
    assert "--agee" in line and "cramps check --help" in line
    assert cli("check", "--age", "40", "--format", "xml").code == 2
    assert cli("chek").code == 2


def test_bad_flag_values_name_the_flag(cli):
    result = cli("check", "--age", "forty")
    assert result.code == 2
    assert "--age: must be a whole number from 1 to 120, not 'forty'" in one_error_line(
        result.stderr
    )


def test_invalid_rules_file_exits_3(cli, tmp_path):
    broken = tmp_path / "rules.yaml"
    broken.write_text(RULES.read_text().replace("format: 1", "format: 1\nformat: 2", 1))
    result = cli("check", "--rules", str(broken), "--age", "40")
    assert result.code == 3
    assert re.search(r"rules\.yaml:\d+:\d+: duplicate key 'format'", result.stderr)
    assert cli("check", "--rules", str(tmp_path / "none.yaml"), "--age", "40").code == 3


def test_markdown_has_every_section_in_order(cli):
    result = cli(
        "check",
        "--age",
        "67",
        "--medication",
        "Lipitor",
        "--symptom",
        "breathless_or_chest_pain",
        "--format",
        "markdown",
    )
    text = result.stdout
    assert text.startswith("# Leg cramp assessment")
    order = [
        "**EMERGENCY",
        "999",
        "### EMERGENCY: ",
        "## The details",
        "### What may be causing your cramps",
        "### Take care",
        "### When to see a doctor",
        "not a diagnosis",
    ]
    positions = [text.find(marker) for marker in order]
    assert -1 not in positions and positions == sorted(positions)


def test_text_says_levels_in_words_and_has_no_colour_when_piped(cli):
    result = cli("check", "--age", "40", "--symptom", "one_leg_swollen")
    assert result.code == 0
    assert "\x1b[" not in result.stdout
    text = result.stdout
    assert text.index("URGENT: see a doctor today") < text.index("URGENT: Possible blood clot")
    assert text.index("URGENT: Possible blood clot") < text.index("now if you get:")
    assert "not a diagnosis" in text.lower()


def test_emergency_numbers_come_first_in_every_format(cli):
    args = ("check", "--age", "40", "--symptom", "cold_pale_numb_leg")
    text = cli(*args).stdout
    assert -1 < text.find("999") < text.find("EMERGENCY: Possible")
    markdown = cli(*args, "--format", "markdown").stdout
    assert -1 < markdown.find("999") < markdown.find("### EMERGENCY: Possible")
    doc = cli(*args, "--format", "json").json()
    assert list(doc).index("triage") < list(doc).index("red_flags")
    assert "999" in doc["triage"]["summary"]


def test_version_is_the_same_read_from_the_cache_or_from_the_file(cli):
    """--version reads the version from the cache when it can (it builds nothing else); the
    line must be the one a full load of the file gives."""
    from_cache = cli("--version")
    from_file = cli("--version", env={"CRAMPS_NO_CACHE": "1"})
    assert from_cache.code == from_file.code == 0
    assert from_cache.stdout == from_file.stdout
    assert yaml.safe_load(RULES.read_text())["version"] in from_cache.stdout


def test_version_names_the_knowledge_base(cli):
    result = cli("--version")
    assert result.code == 0
    from cramp_cli import __version__

    assert (
        result.stdout.strip() == f"cramps {__version__} (knowledge base "
        f"{yaml.safe_load(RULES.read_text())['version']})"
    )


def test_help_lists_examples_and_exit_codes(cli):
    result = cli("check", "--help")
    assert result.code == 0
    assert "cramps check --answers a.json --format json | jq .triage.level" in result.stdout
    assert "130 interrupted" in result.stdout


def test_urgent_advice_is_repeated_at_the_end_of_a_long_text_page(cli):
    text = cli("check", "--age", "40", "--symptom", "breathless_or_chest_pain").stdout
    tail = text.strip().splitlines()[-6:]
    assert any("EMERGENCY" in line for line in tail)
    assert "999" in "\n".join(tail)
    calm = cli("check", "--age", "40").stdout.strip().splitlines()[-3:]
    assert not any("SELF-CARE" in line for line in calm)


def test_missing_age_in_an_answers_file_says_where_to_add_it(cli, tmp_path):
    result = cli("check", "--answers", str(write_answers(tmp_path, {"sex": "male"})))
    assert result.code == 4
    line = one_error_line(result.stderr)
    assert "age (--age)" in line and "answers file" in line and "terminal" not in line
