"""The reader's country: the right emergency number and services, in every format.

A person in Sydney told to ring 999 or NHS 111 is sent nowhere. The region comes from
`--region`, `CRAMPS_REGION` or the locale, and rewrites the knowledge base's phrases in
everything a person reads (never in citations).
"""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import RULES, one_error_line, write_answers

DVT = {"age": 44, "sex": "male", "symptoms": ["one_leg_swollen"]}
PE = {"age": 44, "sex": "male", "symptoms": ["breathless_or_chest_pain"]}
FORMATS = ("text", "markdown", "json")


def _run(cli, tmp_path, answers, *extra):
    path = write_answers(tmp_path, answers)
    return {
        fmt: cli("check", "--answers", str(path), "--format", fmt, "--no-color", *extra)
        for fmt in FORMATS
    }


def _person_text(result, fmt: str) -> str:
    """What a person reads: the whole text or Markdown, or the JSON without its citations."""
    if fmt != "json":
        return result.stdout
    doc = result.json()
    for section in ("red_flags", "causes", "self_care", "cautions", "see_doctor"):
        for item in doc[section]:
            item.pop("references", None)
    return json.dumps(doc)


def _without_citations(markdown_or_text: str) -> str:
    """Drop the citations, which keep their publishers' names (NHS included) and years."""
    kept = []
    for line in markdown_or_text.splitlines():
        if re.match(r"\W*Sources\b", line.strip(" ─-#")):
            break  # the numbered list of sources closes the text result
        if "Source:" not in line:
            kept.append(line)
    return "\n".join(kept)


def _names(number: str, text: str) -> bool:
    return re.search(rf"(?<!\d){number}(?!\d)", text) is not None


@pytest.mark.parametrize("answers", [DVT, PE], ids=["urgent", "emergency"])
def test_australia_names_000_and_no_nhs_service(cli, tmp_path, answers):
    for fmt, result in _run(cli, tmp_path, answers, "--region", "au").items():
        assert result.code == 0, result.stderr
        text = _without_citations(_person_text(result, fmt))
        assert _names("000", text), fmt
        assert "NHS" not in text, fmt
        assert not _names("999", text), fmt


@pytest.mark.parametrize("answers", [DVT, PE], ids=["urgent", "emergency"])
def test_the_united_states_names_911_and_urgent_care(cli, tmp_path, answers):
    for fmt, result in _run(cli, tmp_path, answers, "--region", "us").items():
        text = _without_citations(_person_text(result, fmt))
        assert _names("911", text), fmt
        assert "NHS" not in text and not _names("999", text), fmt
    urgent = _run(cli, tmp_path, DVT, "--region", "us")["json"].json()
    assert "urgent care" in urgent["triage"]["summary"]


def test_the_json_carries_the_region_used(cli, tmp_path):
    for code in ("uk", "ie", "us", "ca", "au", "nz", "eu", "neutral"):
        doc = cli(
            "check", "--age", "50", "--symptom", "none", "--region", code, "--format", "json"
        ).json()
        assert doc["region"] == code
        assert list(doc)[:4] == ["schema_version", "tool", "knowledge_base", "region"]


@pytest.mark.parametrize(
    ("lang", "region"),
    [
        ("en_AU.UTF-8", "au"),
        ("en_NZ.UTF-8", "nz"),
        ("en_GB.UTF-8", "uk"),
        ("en_US", "us"),
        ("fr_CA.UTF-8", "ca"),
        ("de_DE.UTF-8", "eu"),
        ("en_IE.UTF-8", "ie"),
        ("ja_JP.UTF-8", "neutral"),
        ("C.UTF-8", "neutral"),
        ("POSIX", "neutral"),
    ],
)
def test_the_locale_chooses_the_region_when_none_is_asked_for(cli, monkeypatch, lang, region):
    monkeypatch.delenv("CRAMPS_REGION")
    monkeypatch.setenv("LANG", lang)
    doc = cli("check", "--age", "50", "--symptom", "none", "--format", "json").json()
    assert doc["region"] == region


def test_flag_beats_environment_beats_locale(cli, monkeypatch):
    monkeypatch.setenv("LANG", "en_AU.UTF-8")
    monkeypatch.setenv("CRAMPS_REGION", "nz")
    assert cli("check", "--age", "50", "--format", "json").json()["region"] == "nz"
    doc = cli("check", "--age", "50", "--region", "US", "--format", "json").json()
    assert doc["region"] == "us"


def test_neutral_wording_names_the_common_numbers_and_no_one_service(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("CRAMPS_REGION")
    doc = _run(cli, tmp_path, PE)["json"].json()
    assert doc["region"] == "neutral"
    summary = doc["triage"]["summary"]
    for number in ("999", "112", "911", "000"):
        assert number in summary
    assert "your local emergency number" in summary
    assert "NHS" not in _person_text(_run(cli, tmp_path, DVT)["json"], "json")


def test_pre_eclampsia_in_the_us_still_sends_her_to_her_maternity_care_first(cli, tmp_path):
    answers = {
        "age": 31,
        "sex": "female",
        "pregnant": True,
        "pregnancy_trimester": 3,
        "symptoms": ["severe_headache_or_vision_changes"],
    }
    doc = _run(cli, tmp_path, answers, "--region", "us")["json"].json()
    assert doc["triage"]["summary"].startswith("Call your obstetrician, midwife or labor and")
    assert "911" in doc["triage"]["summary"]


def test_batch_uses_the_region_too(cli, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(PE) + "\n")
    result = cli("check", "--batch", str(path), "--region", "au")
    doc = json.loads(result.stdout.splitlines()[0])
    assert doc["region"] == "au" and "000" in doc["triage"]["summary"]


def test_an_unknown_region_is_a_usage_error_listing_the_known_ones(cli):
    result = cli("check", "--age", "50", "--region", "mars")
    assert result.code == 2
    line = one_error_line(result.stderr)
    assert "mars" in line and "au" in line and "uk" in line


def test_a_rules_file_whose_region_would_still_name_the_nhs_is_invalid(cli, tmp_path):
    edited = RULES.read_text().replace('      "NHS 111": "healthdirect on 1800 022 222"\n', "", 1)
    (tmp_path / "rules.yaml").write_text(edited)
    result = cli("rules", "validate", str(tmp_path / "rules.yaml"))
    assert result.code == 3
    assert "region 'au' would still say 'NHS'" in result.stderr


def test_a_rules_file_whose_region_drops_its_emergency_number_is_invalid(cli, tmp_path):
    edited = RULES.read_text().replace(
        '      "999 (UK), 112 (EU) or 911 (North America)": "000"\n',
        '      "999 (UK), 112 (EU) or 911 (North America)": "the emergency services"\n',
        1,
    )
    (tmp_path / "rules.yaml").write_text(edited)
    result = cli("rules", "validate", str(tmp_path / "rules.yaml"))
    assert result.code == 3
    assert "does not name 000" in result.stderr


class _SayThenStop:
    """A prompter that records what is said and stops (Ctrl-C) at the first question."""

    def __init__(self) -> None:
        self.said: list[str] = []

    def say(self, text: str) -> None:
        self.said.append(text)

    def __getattr__(self, name: str):
        def ask(*args, **kwargs):
            raise KeyboardInterrupt

        return ask


@pytest.mark.parametrize(("region", "number"), [("au", "000"), ("us", "911"), ("nz", "111")])
def test_the_interview_opens_with_the_regions_emergency_number(kb, region, number):
    from cramp_cli.frontends.interview import run_interview

    prompter = _SayThenStop()
    with pytest.raises(KeyboardInterrupt):
        run_interview(kb, {}, prompter, region)
    assert prompter.said[0] == f"In an emergency, call {number} now."


@pytest.mark.parametrize("region", ["uk", "ie", "us", "ca", "au", "nz", "eu", "neutral"])
def test_every_regions_emergency_passes_the_safety_check_and_fails_without_its_number(kb, region):
    from cramp_cli.engine.answers import normalise
    from cramp_cli.engine.assess import assess
    from cramp_cli.knowledge.safety import check_assessment

    doc = assess(kb, normalise(PE, kb), region)
    assert check_assessment(doc, kb) == []
    number = kb.regions[region].emergency[0]
    broken = {
        **doc,
        "triage": {**doc["triage"], "summary": doc["triage"]["summary"].replace(number, "the")},
    }
    assert any("does not tell to call" in p for p in check_assessment(broken, kb))
