"""The short result a tired person reads at 3 a.m., on personas that are not in the examples.

What a person notices: the verdict in words at the top and again at the bottom, a page that
fits a screen (45 lines routine or self-care, 35 urgent, 25 emergency, at 80 columns), no
reference markers, nothing general beside an emergency, the reason in their own words, and
every source still there with --full. Checked in text, --plain and Markdown.
"""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import write_answers

NAMES = {"emergency": "EMERGENCY", "urgent": "URGENT", "routine": "ROUTINE",
         "self_care": "SELF-CARE"}  # fmt: skip
ACTIONS = {"urgent": "URGENT: see a doctor today", "routine": "ROUTINE: book a GP appointment",
           "self_care": "SELF-CARE: you can look after this yourself"}  # fmt: skip
BUDGET = {"emergency": 25, "urgent": 35, "routine": 45, "self_care": 45}
TEXT_ENV = {"COLUMNS": "80", "TERM": "xterm-256color"}

PERSONAS = {
    # several medicines and conditions, nothing alarming
    "older-man-four-medicines": ({
        "age": 74, "sex": "male", "symptoms": [], "cramps_per_week": 2,
        "medications": ["Zocor 20 mg", "amlodipine", "furosemide 40mg", "Symbicort"],
        "conditions": ["diabetes", "osteoarthritis", "heart_failure"],
        "activity_level": "sedentary", "alcohol_units_per_week": 20, "smoker": True,
    }, "routine"),
    "liver-and-coeliac": ({
        "age": 57, "sex": "female", "symptoms": [],
        "conditions": ["liver_cirrhosis", "celiac_disease", "peripheral_neuropathy"],
        "medications": ["spironolactone", "omeprazole"],
    }, "routine"),
    "signs-not-answered": ({"age": 61, "sex": "female", "medications": ["atorvastatin"]},
                           "routine"),
    "child": ({"age": 8, "sex": "male", "symptoms": []}, "routine"),
    "young-runner": ({
        "age": 26, "sex": "female", "symptoms": [], "activity_level": "vigorous",
        "recent_strenuous_exercise": True, "heavy_sweating": True, "standing_hours": 9,
        "footwear": ["high_heels", "no_arch_support"],
    }, "self_care"),
    "healthy-35": ({"age": 35, "sex": "male", "symptoms": [], "activity_level": "moderate"},
                   "self_care"),
    # urgent: one and several urgent flags, with medicines
    "statin-weakness": ({
        "age": 64, "sex": "female", "symptoms": ["muscle_weakness"],
        "medications": ["Lipitor 80 mg", "bendroflumethiazide", "lisinopril"],
        "started_new_medicine_recently": True, "conditions": ["thyroid_disease"],
    }, "urgent"),
    "many-urgent-flags": ({
        "age": 69, "sex": "male", "cramp_minutes": 20,
        "symptoms": ["one_leg_swollen", "palpitations", "bruising_or_bleeding"],
        "medications": ["quinine sulfate 200 mg", "simvastatin", "furosemide"],
        "started_new_medicine_recently": True, "cramps_per_week": 5,
        "conditions": ["kidney_disease", "venous_insufficiency"],
    }, "urgent"),
    "pregnant-on-quinine": ({
        "age": 31, "sex": "female", "pregnant": True, "pregnancy_trimester": 2,
        "symptoms": [], "medications": ["quinine"],
    }, "urgent"),
    # emergencies, with conditions and medicines that bring general cautions elsewhere
    "after-birth-headache": ({
        "age": 29, "sex": "female", "gave_birth_recently": True,
        "symptoms": ["severe_headache_or_vision_changes", "sudden_swelling_face_hands"],
        "medications": ["ibuprofen"],
    }, "emergency"),
    "heat-on-dialysis": ({
        "age": 70, "sex": "male", "heavy_sweating": True, "conditions": ["dialysis"],
        "symptoms": ["confusion", "dark_urine", "muscle_weakness"],
        "medications": ["rosuvastatin", "furosemide"],
    }, "emergency"),
    "clot-and-lungs": ({
        "age": 52, "sex": "female", "medications": ["Yasmin", "salbutamol inhaler"],
        "symptoms": ["breathless_or_chest_pain", "one_leg_swollen", "fainting"],
    }, "emergency"),
}


def _run(cli, tmp_path, name: str, *extra: str, env: dict[str, str] | None = None):
    answers = write_answers(tmp_path, PERSONAS[name][0], f"{name}.json")
    result = cli("check", "--no-input", "--answers", str(answers), *extra,
                 env=env or TEXT_ENV)  # fmt: skip
    assert result.code == 0, result.stderr
    return result


@pytest.fixture(params=sorted(PERSONAS))
def persona(request):
    return request.param


def _docs(cli, tmp_path, name):
    return _run(cli, tmp_path, name, "--format", "json").json()


def test_the_level_is_what_the_persona_was_written_for(cli, tmp_path, persona):
    assert _docs(cli, tmp_path, persona)["triage"]["level"] == PERSONAS[persona][1]


@pytest.mark.parametrize("style", ["text", "plain", "markdown"])
def test_the_verdict_in_words_opens_and_closes_the_result(cli, tmp_path, persona, style):
    extra = {"text": (), "plain": ("--plain",), "markdown": ("--format", "markdown")}[style]
    out = _run(cli, tmp_path, persona, *extra).stdout
    lines = [line for line in out.splitlines()]
    level = PERSONAS[persona][1]
    name = NAMES[level]
    assert any(name in line for line in lines[:8]), out
    assert any(name in line for line in lines[-8:]), out
    if level in ACTIONS:
        assert ACTIONS[level] in out
    assert "RED FLAG" not in out
    assert not re.search(r"\[\d+\]", out.split("## The details")[0]), "reference markers"


@pytest.mark.parametrize("style", ["text", "plain"])
def test_the_short_result_fits_a_screen_at_80_columns(cli, tmp_path, persona, style):
    extra = ("--plain",) if style == "plain" else ()
    out = _run(cli, tmp_path, persona, *extra).stdout
    level = PERSONAS[persona][1]
    assert len(out.splitlines()) <= BUDGET[level], out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert not re.search(r"\[\d+\]", out)


@pytest.mark.parametrize("style", ["text", "plain", "markdown"])
def test_an_emergency_says_nothing_general(cli, tmp_path, kb, style):
    extra = {"text": (), "plain": ("--plain",), "markdown": ("--format", "markdown")}[style]
    general = [kb.cautions[i] for i in kb.general["cautions"]]
    for name, (_, level) in PERSONAS.items():
        if level != "emergency":
            continue
        out = _run(cli, tmp_path, name, *extra).stdout
        short = out.split("## The details")[0]
        flat = " ".join(short.split())
        for caution in general:
            assert caution.title not in flat, (name, caution.id)
        assert "footballers" not in flat and "FDA" not in flat
        assert "999" in flat  # the emergency numbers are there
        doc = _docs(cli, tmp_path, name)
        for flag in doc["red_flags"]:
            if flag["triage"] == "emergency":
                assert flag["title"] in flat


def test_a_red_flag_says_what_not_to_do_in_the_short_result(cli, tmp_path):
    out = _run(cli, tmp_path, "many-urgent-flags").stdout
    flat = " ".join(out.split())
    assert "Do not massage, stretch or heat that leg" in flat
    assert "Possible blood clot in the leg" in flat


def test_because_speaks_in_the_persons_words(cli, tmp_path, kb):
    out = " ".join(_run(cli, tmp_path, "statin-weakness").stdout.split())
    assert "You take Lipitor 80 mg" in out
    assert kb.question_by_id["symptoms"].label_of("muscle_weakness") in out
    assert "Because: symptoms:" not in out and "medications:" not in out
    full = " ".join(_run(cli, tmp_path, "statin-weakness", "--full").stdout.split())
    assert "You take Lipitor 80 mg (atorvastatin)" in full


def test_the_emergency_of_pre_eclampsia_sends_to_the_maternity_unit_first(cli, tmp_path):
    out = _run(cli, tmp_path, "after-birth-headache").stdout
    lines = out.splitlines()
    first = " ".join(" ".join(lines[:8]).split())
    assert "maternity unit or midwife" in first
    assert first.index("maternity unit") < first.index("999")


@pytest.mark.parametrize("style", ["text", "plain", "markdown"])
def test_full_holds_every_reference_the_json_carries(cli, tmp_path, persona, style):
    doc = _docs(cli, tmp_path, persona)
    references = {r for section in ("red_flags", "causes", "self_care", "cautions", "see_doctor")
                  for item in doc[section] for r in item.get("references", [])}  # fmt: skip
    assert references
    extra = {"text": ("--full",), "plain": ("--full", "--plain"),
             "markdown": ("--format", "markdown")}[style]  # fmt: skip
    out = _run(cli, tmp_path, persona, *extra).stdout
    # a long address may wrap inside a word, and Markdown escapes what it writes
    flat = "".join(html.unescape(out.replace("\\", "")).split())
    for ref in references:
        assert "".join(ref.split()) in flat, ref


def test_the_short_and_full_text_agree_on_the_verdict(cli, tmp_path, persona):
    short = _run(cli, tmp_path, persona).stdout.splitlines()
    full = _run(cli, tmp_path, persona, "--full").stdout.splitlines()
    assert short[-1] == full[-1]
    assert len(full) > len(short)


def test_json_keeps_every_field_and_gains_the_caution_titles(cli, tmp_path, persona):
    doc = _docs(cli, tmp_path, persona)
    for key in ("schema_version", "tool", "knowledge_base", "answers", "medications", "triage",
                "red_flags", "causes", "self_care", "cautions", "see_doctor",
                "tests_to_discuss", "unanswered", "disclaimer"):  # fmt: skip
        assert key in doc
    assert all(c["title"] and c["text"] for c in doc["cautions"])


def test_markdown_puts_the_short_part_before_the_details(cli, tmp_path):
    out = _run(cli, tmp_path, "older-man-four-medicines", "--format", "markdown").stdout
    assert out.startswith("# Leg cramp assessment")
    short_at = out.index("**ROUTINE: book a GP appointment.**")
    details_at = out.index("## The details")
    sources_at = out.index("Source: ")
    assert short_at < out.index("## What may be causing your cramps") < details_at < sources_at
    assert "not a diagnosis" in out[details_at:]
