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

from tests.conftest import CONTRACT_KEYS, write_answers

NAMES = {
    "emergency": "EMERGENCY",
    "urgent": "URGENT",
    "routine": "ROUTINE",
    "self_care": "SELF-CARE",
}
ACTIONS = {
    "urgent": "URGENT: see a doctor today",
    "routine": "ROUTINE: book a GP appointment",
    "self_care": "SELF-CARE: you can look after this yourself",
}
BUDGET = {"emergency": 25, "urgent": 35, "routine": 45, "self_care": 45}
TEXT_ENV = {"COLUMNS": "80", "TERM": "xterm-256color"}

PERSONAS = {
    # several medicines and conditions, nothing alarming
    "older-man-four-medicines": (
        {
            "age": 74,
            "sex": "male",
            "symptoms": [],
            "cramps_per_week": 2,
            "medications": ["Zocor 20 mg", "amlodipine", "furosemide 40mg", "Symbicort"],
            "conditions": ["diabetes", "osteoarthritis", "heart_failure"],
            "activity_level": "sedentary",
            "alcohol_units_per_week": 20,
            "smoker": True,
        },
        "routine",
    ),
    "liver-and-coeliac": (
        {
            "age": 57,
            "sex": "female",
            "symptoms": [],
            "conditions": ["liver_cirrhosis", "celiac_disease", "peripheral_neuropathy"],
            "medications": ["spironolactone", "omeprazole"],
        },
        "routine",
    ),
    "signs-not-answered": (
        {"age": 61, "sex": "female", "medications": ["atorvastatin"]},
        "routine",
    ),
    "child": ({"age": 8, "sex": "male", "symptoms": []}, "routine"),
    "young-runner": (
        {
            "age": 26,
            "sex": "female",
            "symptoms": [],
            "activity_level": "vigorous",
            "recent_strenuous_exercise": True,
            "heavy_sweating": True,
            "standing_hours": 9,
            "footwear": ["high_heels", "no_arch_support"],
        },
        "self_care",
    ),
    "healthy-35": (
        {"age": 35, "sex": "male", "symptoms": [], "activity_level": "moderate"},
        "self_care",
    ),
    # urgent: one and several urgent flags, with medicines
    "statin-weakness": (
        {
            "age": 64,
            "sex": "female",
            "symptoms": ["muscle_weakness"],
            "medications": ["Lipitor 80 mg", "bendroflumethiazide", "lisinopril"],
            "started_new_medicine_recently": True,
            "conditions": ["thyroid_disease"],
        },
        "urgent",
    ),
    "many-urgent-flags": (
        {
            "age": 69,
            "sex": "male",
            "cramp_minutes": 20,
            "symptoms": ["one_leg_swollen", "palpitations", "bruising_or_bleeding"],
            "medications": ["quinine sulfate 200 mg", "simvastatin", "furosemide"],
            "started_new_medicine_recently": True,
            "cramps_per_week": 5,
            "conditions": ["kidney_disease", "venous_insufficiency"],
        },
        "urgent",
    ),
    "pregnant-on-quinine": (
        {
            "age": 31,
            "sex": "female",
            "pregnant": True,
            "pregnancy_trimester": 2,
            "symptoms": [],
            "medications": ["quinine"],
        },
        "urgent",
    ),
    # emergencies, with conditions and medicines that bring general cautions elsewhere
    "after-birth-headache": (
        {
            "age": 29,
            "sex": "female",
            "gave_birth_recently": True,
            "symptoms": ["severe_headache_or_vision_changes", "sudden_swelling_face_hands"],
            "medications": ["ibuprofen"],
        },
        "emergency",
    ),
    "heat-on-dialysis": (
        {
            "age": 70,
            "sex": "male",
            "heavy_sweating": True,
            "conditions": ["dialysis"],
            "symptoms": ["confusion", "dark_urine", "muscle_weakness"],
            "medications": ["rosuvastatin", "furosemide"],
        },
        "emergency",
    ),
    "clot-and-lungs": (
        {
            "age": 52,
            "sex": "female",
            "medications": ["Yasmin", "salbutamol inhaler"],
            "symptoms": ["breathless_or_chest_pain", "one_leg_swollen", "fainting"],
        },
        "emergency",
    ),
}


def _run(cli, tmp_path, name: str, *extra: str, env: dict[str, str] | None = None):
    answers = write_answers(tmp_path, PERSONAS[name][0], f"{name}.json")
    result = cli("check", "--no-input", "--answers", str(answers), *extra, env=env or TEXT_ENV)
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
    references = {
        r
        for section in ("red_flags", "causes", "self_care", "cautions", "see_doctor")
        for item in doc[section]
        for r in item.get("references", [])
    }
    assert references
    extra = {
        "text": ("--full",),
        "plain": ("--full", "--plain"),
        "markdown": ("--format", "markdown"),
    }[style]
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
    for key in CONTRACT_KEYS:
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


# --------------------------------------------------------------------------- a red flag's line
#
# A red flag's lines in the short result say what to do at the level the flag holds for these
# answers (its `triage` in the JSON), never the action of another level: a flag at `urgent`
# shows an urgent action, and the emergency numbers only in a sentence that says when ("If
# ..., call 999"); a flag at `emergency` shows the call. Words that name each level's action,
# as the knowledge base writes them:
LEVEL_WORDS = {
    "urgent": re.compile(r"\b(today|urgent)\b", re.IGNORECASE),
    "routine": re.compile(r"\b(book|appointment)\b", re.IGNORECASE),
}
LOWER_ACTION = re.compile(r"\b(today|book|appointment)\b", re.IGNORECASE)
PLAIN_ENV = {"COLUMNS": "80", "TERM": "dumb"}


def _flag_block(out: str, level: str, title: str) -> tuple[list[str], int]:
    """The sentences under a red flag's heading in the plain short result (its `Because:`
    line left out), and the line the heading stands on."""
    from cramp_cli.render.words import sentences

    lines = out.splitlines()
    head = f"{NAMES[level]}: {title}."
    at = next((n for n, line in enumerate(lines) if line == head), None)
    assert at is not None, f"no line {head!r} in:\n{out}"
    body: list[str] = []
    for line in lines[at + 1 :]:
        if not line.startswith("  ") or line.strip().startswith("Because:"):
            break
        body.append(line.strip())
    return sentences(" ".join(body)), at


def _calls(sentence: str) -> bool:
    return re.search(r"(?<!\w)999(?!\w)", sentence) is not None


def _conditional(sentence: str) -> bool:
    return re.search(r"\bif\b", sentence, re.IGNORECASE) is not None


def _check_flag_line(out: str, doc: dict, flag: dict) -> None:
    """The short line of `flag` in `out` fits the level the JSON gives it."""
    level = flag["triage"]
    shown, at = _flag_block(out, level, flag["title"])
    said = " ".join(" ".join(out.splitlines()[:at]).split())  # the verdict above it
    if level == "emergency":
        assert _calls(" ".join(shown)) or _calls(said), (flag["id"], out)
        assert not any(LOWER_ACTION.search(s) for s in shown), (flag["id"], shown)
        return
    assert shown, (flag["id"], out)
    action = shown[0]
    assert not _calls(action), (flag["id"], level, action)
    assert LEVEL_WORDS[level].search(action), (flag["id"], level, action)
    for sentence in shown:
        # the emergency numbers only as a condition, after the action
        assert not _calls(sentence) or _conditional(sentence), (flag["id"], sentence)
    # red flags come before any cause, tip or caution
    for heading_ in ("What may be causing", "What you can do", "Take care", "When to see"):
        later = out.find(heading_)
        assert later == -1 or later > out.index(flag["title"]), (flag["id"], heading_)


def _check(cli, tmp_path, answers: dict, *extra: str):
    path = write_answers(tmp_path, answers, "flag.json")
    doc = cli("check", "--no-input", "--answers", str(path), "--format", "json").json()
    result = cli("check", "--no-input", "--answers", str(path), "--plain", *extra, env=PLAIN_ENV)
    assert result.code == 0, result.stderr
    return doc, result.stdout


PALPITATIONS = {"age": 50, "sex": "male", "symptoms": ["palpitations"]}


@pytest.mark.parametrize("style", ["text", "plain", "markdown"])
def test_palpitations_alone_show_the_urgent_action_not_a_call_to_999(cli, tmp_path, style):
    """possible_electrolyte_emergency holds at urgent on palpitations alone: its line says to
    see a doctor today, and 999 only under the condition that makes it an emergency."""
    path = write_answers(tmp_path, PALPITATIONS)
    doc = cli("check", "--no-input", "--answers", str(path), "--format", "json").json()
    (flag,) = doc["red_flags"]
    assert (flag["id"], flag["triage"], doc["triage"]["level"]) == (
        "possible_electrolyte_emergency",
        "urgent",
        "urgent",
    )
    extra = {"text": (), "plain": ("--plain",), "markdown": ("--format", "markdown")}[style]
    out = cli("check", "--no-input", "--answers", str(path), *extra, env=TEXT_ENV).stdout
    short = " ".join(out.split("## The details")[0].replace("*", "").split())
    from cramp_cli.render.words import sentences

    said = sentences(short)
    action = "With palpitations alone, see a doctor today"
    assert action in short, out
    for sentence in said:
        # every 999 on the page is conditional: no "call 999 now" said outright
        assert not _calls(sentence) or _conditional(sentence), sentence
    # the emergency instruction is still there as a condition, after the urgent action
    condition = "If you have fainted, had a fit or have chest pain or sudden breathlessness"
    assert condition in short
    assert short.index(action) < short.index(condition)


def test_palpitations_alone_in_the_plain_short_line(cli, tmp_path):
    doc, out = _check(cli, tmp_path, PALPITATIONS)
    shown, _ = _flag_block(out, "urgent", doc["red_flags"][0]["title"])
    assert shown[0].startswith("With palpitations alone, see a doctor today"), shown
    _check_flag_line(out, doc, doc["red_flags"][0])


def test_palpitations_alone_keep_the_whole_advice_in_full(cli, tmp_path, kb):
    from tests.conftest import advice_as_shown

    path = write_answers(tmp_path, PALPITATIONS)
    out = cli("check", "--no-input", "--answers", str(path), "--full", "--plain").stdout
    advice = advice_as_shown(kb, "possible_electrolyte_emergency", "uk")
    assert " ".join(advice.split()) in " ".join(out.split())


@pytest.mark.parametrize("sign", ["fainting", "seizure", "breathless_or_chest_pain"])
def test_palpitations_with_an_emergency_sign_show_the_call(cli, tmp_path, sign):
    doc, out = _check(cli, tmp_path, {**PALPITATIONS, "symptoms": ["palpitations", sign]})
    flag = next(f for f in doc["red_flags"] if f["id"] == "possible_electrolyte_emergency")
    assert flag["triage"] == "emergency" and doc["triage"]["level"] == "emergency"
    shown, _ = _flag_block(out, "emergency", flag["title"])
    assert shown and _calls(shown[0]), shown  # the call leads, not the urgent action
    assert not any("see a doctor today" in s.lower() for s in shown), shown
    _check_flag_line(out, doc, flag)


def _red_flag_examples():
    """(rule id, n) for every red flag's n-th firing example (`cases.fires`) in rules.yaml."""
    import yaml

    from tests.conftest import RULES

    data = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    for rule in data["rules"]:
        if rule.get("kind") == "red_flag":
            for n in range(len(rule["cases"]["fires"])):
                yield pytest.param(rule["id"], n, id=f"{rule['id']}-{n}")


@pytest.mark.parametrize(("rule_id", "n"), list(_red_flag_examples()))
def test_every_red_flags_short_line_fits_the_level_it_holds(cli, tmp_path, kb, rule_id, n):
    doc, out = _check(cli, tmp_path, dict(kb.rule(rule_id).cases_fire[n]))
    flag = next(f for f in doc["red_flags"] if f["id"] == rule_id)
    if doc["triage"]["level"] == "emergency" and flag["triage"] != "emergency":
        # beside an emergency a lower flag is named, not acted on
        also = " ".join(out.split())
        assert "Also tell the doctor about: " in also and flag["title"] in also
        assert f"{NAMES[flag['triage']]}: {flag['title']}." not in out
        return
    _check_flag_line(out, doc, flag)


def test_every_red_flag_is_tried_at_its_base_level(cli, tmp_path, kb):
    """The examples above reach every red flag in rules.yaml at the level the rule sets
    before any escalation, so each base level's line is checked."""
    flags = [r for r in kb.rules if r.kind == "red_flag"]
    assert len(flags) >= 25
    for rule in flags:
        levels = []
        for case in rule.cases_fire:
            path = write_answers(tmp_path, dict(case), "case.json")
            doc = cli("check", "--no-input", "--answers", str(path), "--format", "json").json()
            levels += [f["triage"] for f in doc["red_flags"] if f["id"] == rule.id]
        assert rule.triage in levels, (rule.id, rule.triage, levels)


# --------------------------------------------------------------------------- medicines not read


def _short_with(cli, tmp_path, medications, *extra: str) -> str:
    answers = {"age": 63, "sex": "female", "symptoms": [], "medications": medications}
    path = write_answers(tmp_path, answers, "medicines.json")
    result = cli("check", "--no-input", "--answers", str(path), *extra, env=TEXT_ENV)
    assert result.code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("style", ["text", "plain", "markdown"])
def test_a_medicine_not_read_is_named_in_the_short_result(cli, tmp_path, style):
    """A cause linked to a medicine cramps could not read cannot show: the short result says
    which entries it could not read, so silence is not taken for an all-clear."""
    extra = {"text": (), "plain": ("--plain",), "markdown": ("--format", "markdown")}[style]
    out = _short_with(cli, tmp_path, ["xyzzyfloxin", "water pill", "Lipitor"], *extra)
    short = " ".join(out.split("## The details")[0].split())  # undo wrapping
    assert "could not read" in short
    assert "'xyzzyfloxin' was not recognised" in short
    assert "'water pill' could be one of several" in short and "furosemide" in short
    assert "Lipitor" not in short.split("could not read")[1].split("What you can do")[0]


def test_a_partly_read_entry_names_the_part_not_read(cli, tmp_path):
    short = " ".join(_short_with(cli, tmp_path, ["simvastatin 20mg bluepill"]).split())
    assert "In 'simvastatin 20mg bluepill', not recognised: bluepill" in short


def test_medicines_all_read_add_no_such_section(cli, tmp_path):
    out = _short_with(cli, tmp_path, ["Zocor 20 mg", "furosemide 40mg", "Ventolin inhaler"])
    assert "could not read" not in out


def test_a_medicine_typed_with_control_characters_is_shown_harmless(cli, tmp_path):
    out = _short_with(cli, tmp_path, ["\x1b[2Jevil\x07"])
    assert "could not read" in out
    assert "\x1b" not in out and "\x07" not in out
