"""The safety checker (contract section 3, issue #14): it reads meaning, not spelling.

One broken knowledge base per clause of `check_knowledge` and one bad document per clause of
`check_assessment` (issue #10), plus the obfuscations an attacker tried: look-alike letters,
zero-width characters, HTML entities, spelled-out letters, salts and brands. Each test breaks
the shipped knowledge base in one place and expects the checker to name the breach.
"""

from __future__ import annotations

import copy

import pytest

from cramp_cli.engine.model import build
from cramp_cli.knowledge import safety
from cramp_cli.knowledge.safety import check_assessment, check_knowledge, normalise_text
from tests.conftest import RULES, assess, invoke

QUININE_SPELLINGS = [
    "Take quinine at bedtime",
    "Take QUININE at bedtime",
    "Take qu\u0456n\u0456ne at bedtime",  # Cyrillic i
    "Take q\u0443inine at bedtime".replace("\u0443", "u").replace("qu", "q\u200bu"),  # zero-width
    "Take &#113;uinine at bedtime",  # an HTML entity
    "Take &amp;#113;uinine at bedtime",  # an entity inside an entity
    "Take Q-U-I-N-I-N-E at bedtime",
    "Take q u i n i n e at bedtime",
    "Take Q.U.I.N.I.N.E. at bedtime",
    "Take quinine_sulfate at bedtime",
    "Take quininesulfate tablets",
    "Take qu1n1ne at bedtime",
    "Take qui\u00adnine at bedtime",  # a soft hyphen
    "Take \uff51\uff55\uff49\uff4e\uff49\uff4e\uff45 at bedtime",  # full-width letters
    "Take qui\u0301nine at bedtime",  # a combining accent
    "Take Qualaquin at bedtime",
    "Take Quinbisul at bedtime",
    "Take Myoquin at bedtime",
    "A glass of tonic water before bed",
    "A glass of Tonic-Water before bed",
    "A gin and tonic before bed",
    "Sip bitter lemon before bed",
    "Take quinnine at bedtime",  # a misspelling a reader still reads as quinine
    "Take \u202equinine\u202c at bedtime",  # bidi override
    "Take qu<b></b>inine at bedtime",  # an HTML tag Markdown would hide
    "Drink an infusion of cinchona bark",  # quinine's natural source
]


@pytest.fixture
def data(kb):
    return copy.deepcopy(dict(kb.data))


def problems(data) -> list[str]:
    return [message for _, _, message in check_knowledge(build(data, "rules.yaml", ""))]


def rule(data, rule_id):
    return next(r for r in data["rules"] if r["id"] == rule_id)


def test_the_shipped_knowledge_base_breaks_no_safety_rule(kb):
    assert check_knowledge(kb) == []


@pytest.mark.parametrize("title", QUININE_SPELLINGS)
def test_quinine_in_self_care_is_caught_however_it_is_spelled(data, title):
    data["self_care"][0]["title"] = title
    assert any("quinine is never self-care" in p for p in problems(data)), title


@pytest.mark.parametrize("title", QUININE_SPELLINGS[:6])
def test_quinine_in_self_care_text_is_caught_too(data, title):
    data["self_care"][1]["text"] += " " + title + "."
    assert any("quinine is never self-care" in p for p in problems(data)), title


def test_a_brand_added_to_the_dictionary_is_covered_at_once(data):
    quinine = next(m for m in data["medicines"] if "quinine" in m["classes"])
    quinine["brands"].append("Sleepwell")
    data["self_care"][0]["title"] = "Take Sleepwell at bedtime"
    assert any("quinine is never self-care" in p for p in problems(data))


def test_self_care_citing_a_source_on_tonic_water_is_caught(data):
    data["self_care"][0]["references"].append("HONOLULU")
    assert any("cites a source on quinine" in p for p in problems(data))


@pytest.mark.parametrize(
    "text",
    [
        "Quinine is harmless for cramps.",
        "Quinine is safe for cramps.",
        "Take quinine for cramps; its risks are small.",
        "You can take qu\u0456nine: it is risk-free.",
        "Quinine is fine, regulators' warnings aside.",
        "Quinine is not dangerous for cramps.",
        "Quinine carries minimal risk; regulators warn otherwise.",
        "The warnings about quinine are overstated.",
    ],
)
def test_a_caution_that_calls_quinine_harmless_fails(data, text):
    caution = next(c for c in data["cautions"] if c["id"] == "no_quinine")
    caution["text"] = text
    assert any("calls quinine safe" in p or "without its risks" in p for p in problems(data))


def test_quinine_mentioned_without_its_risks_fails(data):
    data["see_doctor"][0]["text"] += " Quinine may help some people."
    assert any("without its risks" in p for p in problems(data))


@pytest.mark.parametrize("where", ["test", "class", "choice", "question", "caution_title"])
def test_every_text_a_person_reads_is_checked(data, where):
    sentence = "Quinine is harmless, take it nightly."
    if where == "test":
        data["tests"]["potassium"] = sentence
    elif where == "class":
        data["medicine_classes"]["statin"]["label"] = sentence
    elif where == "choice":
        data["questions"][1]["choices"][0]["label"] = sentence
    elif where == "question":
        data["questions"][0]["help"] = sentence
    else:
        data["cautions"][1]["title"] = sentence
    assert any("quinine" in p for p in problems(data)), where


def test_invisible_characters_in_any_text_fail(data):
    data["tests"]["potassium"] = "blood pot\u200bassium level"
    assert any("invisible" in p for p in problems(data))


@pytest.mark.parametrize(
    "numbers", ["nobody", "999 or 112", "9\u200b99, 112 or 911", "\uff19\uff19\uff19, 112 or 911"]
)
def test_the_emergency_numbers_must_be_present_and_well_formed(data, numbers):
    data["emergency_numbers"] = numbers
    assert any("emergency_numbers must name" in p for p in problems(data))


def test_the_emergency_summary_must_tell_to_call(data):
    data["triage_levels"]["emergency"]["summary"] = (
        "Do not call 999 (UK), 112 (EU) or 911 (North America); rest and see how it goes."
    )
    found = problems(data)
    assert any("emergency summary must tell the person to call" in p for p in found)
    assert any("not to call for help" in p for p in found)


def test_emergency_advice_must_tell_to_call(data):
    rule(data, "possible_limb_ischaemia")["advice"] = "Rest the leg and raise it."
    assert any("emergency advice must tell" in p for p in problems(data))


CALL_NOW = "Call 999 (UK), 112 (EU) or 911 (North America) now."


def test_an_urgent_red_flag_that_calls_999_outright_fails(data):
    """Below an emergency the short result shows a sentence naming the numbers as when to
    call: one that says to call now would read as the action of an urgent flag."""
    dvt = rule(data, "possible_dvt")
    dvt["advice"] = dvt["advice"] + " " + CALL_NOW
    found = problems(data)
    assert any("must say when to call them" in p and "now." in p for p in found), found


def test_an_urgent_red_flag_whose_every_sentence_calls_999_fails(data):
    rule(data, "prolonged_cramp")["advice"] = "If it lasts, call 999 (UK), 112 (EU) or 911 now."
    found = problems(data)
    assert any("needs a sentence that does not name the emergency numbers" in p for p in found)


def test_a_red_flag_raised_to_emergency_must_open_with_the_call(data):
    """possible_electrolyte_emergency with its urgent sentence first would lead with 'see a
    doctor today' at an emergency."""
    flag = rule(data, "possible_electrolyte_emergency")
    first, second, *rest = flag["advice"].split(". ")
    flag["advice"] = ". ".join([second, first, *rest])
    found = problems(data)
    assert any("must open its advice with the call" in p for p in found), found


def test_the_short_line_checks_read_each_regions_words(data):
    """In New Zealand 111 is the emergency number: an urgent action that says "ring 111"
    (the UK's non-emergency line) would read there as a call to it now."""
    rule(data, "prolonged_cramp")["advice"] = (
        "See a doctor today or ring 111. Ordinary night cramps last up to 10 minutes."
    )
    found = problems(data)
    assert any("(nz)" in p and "must say when to call them" in p for p in found), found
    assert not any("(uk)" in p for p in found), found


def test_rules_validate_refuses_an_urgent_flag_that_calls_999_now(tmp_path):
    text = RULES.read_text(encoding="utf-8")
    old = 'advice: "See a doctor today (urgent GP appointment or NHS 111). Ordinary night'
    assert old in text
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(old, f'advice: "{CALL_NOW} Ordinary night', 1))
    result = invoke("rules", "validate", str(path))
    assert result.code == 3
    assert "must say when to call them" in result.stderr


@pytest.mark.parametrize(
    "text",
    [
        "Do not call 999.",
        "There is no need to call 112 for this.",
        "Don't phone an ambulance.",
        "You never need to see a doctor.",
        "There is no point calling 911.",
        "Rest rather than calling an ambulance.",
    ],
)
def test_texts_that_dissuade_from_help_fail(data, text):
    data["see_doctor"][0]["text"] += " " + text
    assert any("not to call for help" in p for p in problems(data))


def test_a_red_flag_downgraded_from_its_contract_level_fails(data):
    rule(data, "possible_pulmonary_embolism")["triage"] = "routine"
    found = problems(data)
    assert any("sets this red flag at 'emergency'" in p for p in found)


def test_a_red_flag_that_stands_down_for_another_outside_the_contract_fails(data):
    rule(data, "possible_pulmonary_embolism")["unless_flags"] = ["possible_dvt"]
    assert any("stand down only for" in p for p in problems(data))


def test_a_red_flag_lowered_by_triage_when_fails(data):
    rule(data, "possible_pulmonary_embolism")["triage_when"] = [
        {"level": "routine", "when": {"question": "age", "gte": 1}}
    ]
    assert any("may not lower this red flag" in p for p in problems(data))


def test_a_contract_red_flag_turned_into_advice_fails(data):
    flag = rule(data, "possible_limb_ischaemia")
    flag.update(kind="advice", triage=None)
    assert any("the contract makes this a red flag" in p for p in problems(data))


def test_a_tip_that_massages_the_leg_cannot_be_safe_beside_a_red_flag(data):
    tip = next(t for t in data["self_care"] if t["safe_with_red_flags"])
    tip["text"] += " Massage the calf firmly."
    assert any("not safe beside a red flag" in p for p in problems(data))


def test_a_red_flag_that_no_longer_fires_on_its_sign_fails(data):
    rule(data, "possible_cauda_equina")["when"] = {"question": "age", "gte": 200}
    assert any("must raise 'possible_cauda_equina'" in p for p in problems(data))


def test_self_care_that_says_drink_more_water_fails(data):
    data["self_care"][0]["text"] += " Drink l\u043ets of water."
    assert any("drinking plenty" in p for p in problems(data))


def test_an_nsaid_tip_given_in_pregnancy_fails(data):
    data["self_care"][0]["text"] += " Ibupr\u043efen can ease the ache."
    data["self_care"][0]["unless"] = None
    assert any("would be given in pregnancy" in p for p in problems(data))


def test_a_magnesium_tip_given_with_kidney_disease_fails(data):
    data["self_care"][0]["text"] += " A magnesium supplement may help."
    data["self_care"][0]["unless"] = None
    assert any("kidney disease or dialysis" in p for p in problems(data))


@pytest.mark.parametrize(
    "text",
    [
        "Stop your statin tablets.",
        "Stop taking your pills.",
        "Quit the diuretic tablets for a week.",
    ],
)
def test_telling_to_stop_a_medicine_fails(data, text):
    data["see_doctor"][0]["text"] += " " + text
    assert any("stop a medicine" in p for p in problems(data))


def test_a_disclaimer_that_does_not_say_not_a_diagnosis_fails(data):
    data["disclaimer"] = "General information."
    assert any("not a diagnosis" in p for p in problems(data))


def test_a_medicine_rule_without_a_do_not_stop_caution_fails(data):
    rule(data, "medication")["cautions"] = []
    assert any("caution not to stop" in p for p in problems(data))


# --------------------------------------------------------------------------- the whole file


def test_rules_validate_refuses_an_obfuscated_quinine_tip(tmp_path):
    text = RULES.read_text(encoding="utf-8").replace(
        'title: "Build up exercise gradually and stretch afterwards"',
        'title: "Take Q-U-I-N-I-N-E (&#113;uinine) at bedtime"',
        1,
    )
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    result = invoke("rules", "validate", str(path))
    assert result.code == 3
    assert "quinine is never self-care" in result.stderr
    assert "valid" not in result.stdout


def test_check_refuses_a_rules_file_with_a_downgraded_emergency(tmp_path):
    text = RULES.read_text(encoding="utf-8")
    start = text.index("  - id: possible_pulmonary_embolism")
    end = text.index("triage: emergency", start)
    path = tmp_path / "rules.yaml"
    path.write_text(text[:end] + "triage: routine" + text[end + len("triage: emergency") :])
    result = invoke(
        "check",
        "--rules",
        str(path),
        "--age",
        "50",
        "--symptom",
        "breathless_or_chest_pain",
        "--format",
        "json",
    )
    assert result.code == 3
    assert result.stdout == ""


# --------------------------------------------------------------------------- assessments


@pytest.fixture
def doc(kb):
    return assess(kb, {"age": 50, "symptoms": ["breathless_or_chest_pain"]})


def test_the_shipped_assessment_is_safe(doc, kb):
    assert check_assessment(doc, kb) == []


def test_an_assessment_with_quinine_self_care_fails(kb):
    doc = assess(kb, {"age": 40, "symptoms": []})
    doc["self_care"][0]["title"] = "Take qu\u0456nine"
    assert any("mentions quinine" in f for f in check_assessment(doc, kb))


def test_an_assessment_without_a_call_to_action_fails(doc):
    doc["triage"]["summary"] = "Rest now."
    assert any("does not tell to call" in f for f in check_assessment(doc))


def test_an_emergency_red_flag_that_says_not_to_call_fails(doc):
    doc["red_flags"][0]["advice"] = "Do not call 999, 112 or 911."
    found = check_assessment(doc)
    assert any("does not say to call" in f for f in found)
    assert any("not to get help" in f for f in found)


def test_a_red_flag_at_a_lower_level_than_the_contract_fails(doc):
    doc["red_flags"][0]["triage"] = "routine"
    assert any("not 'emergency'" in f for f in check_assessment(doc))


def test_an_assessment_that_says_stop_your_tablets_fails(doc):
    doc["red_flags"][0]["advice"] += " Stop your statin tablets."
    assert any("stop a medicine" in f for f in check_assessment(doc))


def test_an_assessment_with_more_water_in_self_care_fails(kb):
    doc = assess(kb, {"age": 40, "symptoms": []})
    doc["self_care"][0]["text"] = "Drink plenty of water."
    assert any("drinking more water" in f for f in check_assessment(doc))


def test_an_assessment_without_the_disclaimer_fails(doc):
    doc["disclaimer"] = ""
    assert "the disclaimer is missing" in check_assessment(doc)


def test_nsaid_in_pregnancy_and_magnesium_with_kidney_disease_fail(kb):
    doc = assess(
        kb,
        {
            "age": 30,
            "sex": "female",
            "pregnant": True,
            "pregnancy_trimester": 2,
            "conditions": ["kidney_disease"],
            "symptoms": [],
        },
    )
    doc["self_care"] = [{"id": "x", "title": "Nur\u043efen", "text": "and magnesium"}]
    found = check_assessment(doc)
    assert any("NSAID in pregnancy" in f for f in found)
    assert any("magnesium with kidney disease" in f for f in found)


def test_normalising_reads_what_the_eye_reads():
    assert normalise_text("Q&#85;\u0406\u200bNINE") == "quinine"
    assert normalise_text("\uff31uinine") == "quinine"


def test_every_contract_red_flag_has_its_level_in_the_safety_table():
    from cramp_cli import contract

    assert set(safety.RED_FLAG_LEVELS) == set(contract.RED_FLAG_IDS)
