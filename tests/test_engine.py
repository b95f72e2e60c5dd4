"""The engine against contract section 2 and the clinical reference, case by case."""

from __future__ import annotations

import json

import pytest

from cramp_cli.contract import CAUSE_IDS, RED_FLAG_IDS
from tests.conftest import DOCUMENT_KEYS, assess

BASE = {"age": 40, "sex": "male", "symptoms": []}  # "none of these" to the warning signs


def ids(items):
    return [item["id"] for item in items]


# --------------------------------------------------------------------------- red flags


@pytest.mark.parametrize(
    ("answers", "flag", "level"),
    [
        ({"symptoms": ["breathless_or_chest_pain"]}, "possible_pulmonary_embolism", "emergency"),
        (
            {"symptoms": ["one_leg_swollen", "breathless_or_chest_pain"]},
            "possible_pulmonary_embolism",
            "emergency",
        ),
        (
            {
                "sex": "female",
                "age": 30,
                "pregnant": True,
                "pregnancy_trimester": 3,
                "symptoms": ["severe_headache_or_vision_changes"],
            },
            "possible_preeclampsia",
            "emergency",
        ),
        (
            {
                "sex": "female",
                "age": 30,
                "pregnant": True,
                "pregnancy_trimester": 2,
                "symptoms": ["sudden_swelling_face_hands"],
            },
            "possible_preeclampsia",
            "emergency",
        ),
        (
            {
                "sex": "female",
                "age": 30,
                "pregnant": True,
                "symptoms": ["severe_headache_or_vision_changes"],
            },
            "possible_preeclampsia",
            "emergency",
        ),
        ({"symptoms": ["dark_urine", "muscle_weakness"]}, "possible_rhabdomyolysis", "emergency"),
        (
            {"symptoms": ["dark_urine"], "medications": ["Zocor"]},
            "possible_rhabdomyolysis",
            "emergency",
        ),
        ({"symptoms": ["hot_skin_stopped_sweating"]}, "possible_heatstroke", "emergency"),
        ({"symptoms": ["confusion"], "heavy_sweating": True}, "possible_heatstroke", "emergency"),
        ({"symptoms": ["cold_pale_numb_leg"]}, "possible_limb_ischaemia", "emergency"),
        ({"symptoms": ["saddle_numbness_or_bladder_change"]}, "possible_cauda_equina", "emergency"),
        ({"symptoms": ["tingling_mouth_or_hand_spasm"]}, "possible_tetany", "emergency"),
        ({"symptoms": ["palpitations", "fainting"]}, "possible_electrolyte_emergency", "emergency"),
        ({"symptoms": ["seizure"]}, "possible_electrolyte_emergency", "emergency"),
        ({"symptoms": ["palpitations"]}, "possible_electrolyte_emergency", "urgent"),
        ({"symptoms": ["calf_red_warm_tender"]}, "possible_dvt", "urgent"),
        ({"cramp_minutes": 15}, "prolonged_cramp", "urgent"),
        (
            {"medications": ["rosuvastatin"], "started_new_medicine_recently": True},
            "statin_muscle_symptoms",
            "urgent",
        ),
        (
            {"medications": ["quinine sulfate 300mg"], "symptoms": ["bruising_or_bleeding"]},
            "quinine_bleeding",
            "urgent",
        ),
        ({"symptoms": ["foot_pain_at_rest"]}, "critical_limb_ischaemia", "urgent"),
        ({"symptoms": ["muscle_wasting_or_twitching"]}, "neuromuscular_signs", "routine"),
        ({"symptoms": ["pain_walking_relieved_by_rest"]}, "possible_claudication", "routine"),
        ({"symptoms": ["urge_to_move_legs"]}, "possible_restless_legs", "routine"),
        ({"cramps_per_week": 3}, "very_frequent_cramps", "routine"),
        (
            {"medications": ["Lasix"], "started_new_medicine_recently": True},
            "started_after_new_medicine",
            "routine",
        ),
    ],
)
def test_each_red_flag_fires_with_its_triage(kb, answers, flag, level):
    doc = assess(kb, {**BASE, **answers})
    fired = {f["id"]: f for f in doc["red_flags"]}
    assert flag in fired
    assert fired[flag]["triage"] == level
    assert doc["triage"]["level"] == level
    assert flag in doc["triage"]["because"]


@pytest.mark.parametrize(
    ("answers", "flag"),
    [
        (
            {
                "sex": "female",
                "age": 30,
                "pregnant": True,
                "pregnancy_trimester": 1,
                "symptoms": ["severe_headache_or_vision_changes"],
            },
            "possible_preeclampsia",
        ),
        ({"symptoms": ["dark_urine"]}, "possible_rhabdomyolysis"),
        ({"symptoms": ["confusion"]}, "possible_heatstroke"),
        ({"cramp_minutes": 10}, "prolonged_cramp"),
        ({"cramps_per_week": 2.5}, "very_frequent_cramps"),
        (
            {"medications": ["simvastatin"], "started_new_medicine_recently": False},
            "statin_muscle_symptoms",
        ),
        ({"medications": ["simvastatin"]}, "statin_muscle_symptoms"),
        (
            {"medications": ["simvastatin"], "started_new_medicine_recently": True},
            "started_after_new_medicine",
        ),
        ({"medications": ["quinapril"], "symptoms": ["bruising_or_bleeding"]}, "quinine_bleeding"),
        ({"symptoms": ["one_leg_swollen"]}, "possible_pulmonary_embolism"),
    ],
)
def test_near_misses_do_not_fire(kb, answers, flag):
    doc = assess(kb, {**BASE, **answers})
    assert flag not in ids(doc["red_flags"])


def test_every_red_flag_is_listed_most_serious_first(kb):
    doc = assess(
        kb,
        {
            **BASE,
            "cramps_per_week": 5,
            "symptoms": ["one_leg_swollen", "breathless_or_chest_pain", "urge_to_move_legs"],
        },
    )
    fired = ids(doc["red_flags"])
    assert {
        "possible_pulmonary_embolism",
        "possible_dvt",
        "very_frequent_cramps",
        "possible_restless_legs",
    } <= set(fired)
    levels = [f["triage"] for f in doc["red_flags"]]
    order = ["emergency", "urgent", "routine"]
    assert levels == sorted(levels, key=order.index)
    assert doc["triage"]["level"] == "emergency"


def test_emergency_summary_names_the_numbers_to_call(kb):
    doc = assess(kb, {**BASE, "symptoms": ["cold_pale_numb_leg"]})
    for number in kb.regions[doc["region"]].emergency:  # the region's numbers (999 in the UK)
        assert number in doc["triage"]["summary"]


def test_clot_safe_self_care_only_at_urgent_triage(kb):
    calm = assess(kb, {**BASE})
    dvt = assess(kb, {**BASE, "symptoms": ["one_leg_swollen"]})
    assert "stretch" in json.dumps(calm["self_care"]).lower()
    for tip in dvt["self_care"]:
        text = f"{tip['title']} {tip['text']}".lower()
        for word in ("stretch", "massage", "heat", "walk"):
            assert word not in text, (tip["id"], word)


# --------------------------------------------------------------------------- causes


@pytest.mark.parametrize(
    ("answers", "cause"),
    [
        ({"recent_strenuous_exercise": True}, "muscle_fatigue"),
        ({"activity_level": "vigorous"}, "muscle_fatigue"),
        ({"standing_hours": 8}, "prolonged_standing"),
        ({"activity_level": "sedentary"}, "inactivity"),
        ({"age": 51}, "older_age"),
        ({"sex": "female", "age": 30, "pregnant": True}, "pregnancy"),
        ({"alcohol_units_per_week": 15}, "alcohol"),
        ({"conditions": ["alcohol_use_disorder"]}, "alcohol"),
        ({"smoker": True}, "smoking"),
        ({"footwear": ["high_heels"]}, "footwear"),
        ({"footwear": ["no_arch_support"]}, "footwear"),
        ({"heavy_sweating": True}, "dehydration"),
        ({"diarrhoea_or_vomiting": True}, "dehydration"),
        ({"conditions": ["celiac_disease"]}, "low_magnesium"),
        ({"conditions": ["chronic_diarrhoea"]}, "low_magnesium"),
        ({"conditions": ["alcohol_use_disorder"]}, "low_magnesium"),
        ({"medications": ["Lipitor"]}, "medication"),
        ({"medications": ["Symbicort"]}, "medication"),
        ({"conditions": ["dialysis"]}, "dialysis"),
        ({"conditions": ["kidney_disease"]}, "kidney_disease"),
        ({"conditions": ["liver_cirrhosis"]}, "liver_disease"),
        ({"conditions": ["thyroid_disease"]}, "thyroid_disease"),
        ({"conditions": ["diabetes"]}, "diabetes"),
        ({"conditions": ["peripheral_neuropathy"]}, "peripheral_neuropathy"),
        ({"conditions": ["parkinsons"]}, "parkinsons"),
        ({"conditions": ["lumbar_spinal_stenosis"]}, "lumbar_spinal_stenosis"),
        ({"conditions": ["osteoarthritis"]}, "osteoarthritis"),
        ({"conditions": ["heart_failure"]}, "vascular_disease"),
        ({"conditions": ["cardiovascular_disease"]}, "vascular_disease"),
        ({"conditions": ["peripheral_artery_disease"]}, "vascular_disease"),
        ({"conditions": ["venous_insufficiency"]}, "vascular_disease"),
    ],
)
def test_each_cause_fires_from_its_answers(kb, answers, cause):
    doc = assess(kb, {**BASE, **answers})
    assert cause in ids(doc["causes"])
    assert "idiopathic" not in ids(doc["causes"])
    fired = next(c for c in doc["causes"] if c["id"] == cause)
    assert fired["because"], "a cause names the answers behind it"
    assert fired["references"]


@pytest.mark.parametrize(
    ("answers", "cause"),
    [
        ({"age": 50}, "older_age"),
        ({"standing_hours": 7.5}, "prolonged_standing"),
        ({"activity_level": "light"}, "inactivity"),
        ({"activity_level": "moderate"}, "muscle_fatigue"),
        ({"alcohol_units_per_week": 14}, "alcohol"),
        ({"footwear": ["supportive"]}, "footwear"),
        ({"smoker": False}, "smoking"),
        ({"medications": ["metformin", "lisinopril"]}, "medication"),
        ({"medications": ["quinine sulfate"]}, "medication"),
        ({"medications": ["diltiazem"]}, "medication"),
        ({"heavy_sweating": True, "large_plain_water_intake": True}, "low_potassium"),
        ({"large_plain_water_intake": True}, "dehydration"),
    ],
)
def test_near_miss_causes_do_not_fire(kb, answers, cause):
    assert cause not in ids(assess(kb, {**BASE, **answers})["causes"])


def test_idiopathic_when_and_only_when_no_other_cause(kb):
    assert ids(assess(kb, {"age": 35, "sex": "male"})["causes"]) == ["idiopathic"]
    assert "idiopathic" not in ids(assess(kb, {"age": 35, "smoker": True})["causes"])


def test_causes_are_ordered_by_score(kb):
    doc = assess(
        kb,
        {
            "age": 70,
            "sex": "male",
            "smoker": True,
            "footwear": ["tight_shoes"],
            "conditions": ["dialysis"],
            "medications": ["furosemide"],
        },
    )
    scores = [c["score"] for c in doc["causes"]]
    assert scores == sorted(scores, reverse=True)
    assert all(c["likelihood"] in ("likely", "possible") for c in doc["causes"])


def test_medication_cause_names_each_component(kb):
    doc = assess(kb, {**BASE, "medications": ["Dyazide", "metformin"]})
    cause = next(c for c in doc["causes"] if c["id"] == "medication")
    assert {(d["input"], d["class"]) for d in cause["drugs"]} == {
        ("Dyazide", "potassium_sparing_diuretic"),
        ("Dyazide", "thiazide_diuretic"),
    }
    assert cause["because"] == [{"question": "medications", "answer": "Dyazide"}]


def test_triage_routine_when_a_cause_calls_for_a_doctor(kb):
    doc = assess(kb, {**BASE, "conditions": ["diabetes"]})
    assert doc["triage"]["level"] == "routine"
    assert doc["triage"]["because"] == ["diabetes"]


def test_lifestyle_causes_alone_are_self_care(kb):
    doc = assess(kb, {**BASE, "smoker": True, "activity_level": "sedentary"})
    assert doc["triage"]["level"] == "self_care"


def test_tests_are_suggested_only_for_secondary_causes(kb):
    assert assess(kb, {**BASE, "smoker": True})["tests_to_discuss"] == []
    assert assess(kb, {"age": 70, "sex": "female"})["tests_to_discuss"] == []
    assert assess(kb, {**BASE, "conditions": ["thyroid_disease"]})["tests_to_discuss"]


# --------------------------------------------------------------------------- safety


def test_quinine_is_reported_with_its_warnings_never_as_self_care(kb):
    doc = assess(kb, {**BASE, "medications": ["Qualaquin"]})
    assert doc["medications"][0]["classes"] == ["quinine"]
    assert "quinine" not in json.dumps(doc["self_care"]).lower()
    assert "quinine" in json.dumps(doc["cautions"]).lower()
    assert "medication" not in ids(doc["causes"])


def test_pregnancy_blocks_nsaids_and_advises_midwife(kb):
    doc = assess(kb, {"age": 29, "sex": "female", "pregnant": True, "pregnancy_trimester": 3})
    self_care = json.dumps(doc["self_care"]).lower()
    for word in ("ibuprofen", "naproxen", "nsaid", "quinine", "magnesium"):
        assert word not in self_care
    assert "ibuprofen" in json.dumps(doc["cautions"]).lower()


def test_kidney_disease_blocks_magnesium(kb):
    for condition in ("kidney_disease", "dialysis"):
        doc = assess(kb, {"age": 60, "sex": "female", "conditions": [condition]})
        assert "magnesium" not in json.dumps(doc["self_care"]).lower()
        assert "magnesium" in json.dumps(doc["cautions"]).lower()


def test_medicines_advice_never_says_stop_on_your_own(kb):
    doc = assess(
        kb, {**BASE, "medications": ["simvastatin"], "started_new_medicine_recently": True}
    )
    assert "do_not_stop_medicines" in ids(doc["cautions"])


def test_children_get_a_doctor_and_no_adult_self_care(kb):
    doc = assess(kb, {"age": 8, "sex": "female", "symptoms": []})
    assert doc["self_care"] == []
    assert doc["see_doctor"][0]["id"] == kb.children_see_doctor
    assert doc["triage"]["level"] != "self_care"


def test_self_care_never_speaks_of_drinking_more_water(kb):
    doc = assess(kb, {**BASE, "heavy_sweating": True, "large_plain_water_intake": True})
    text = json.dumps(doc["self_care"]).lower()
    for phrase in ("plenty of water", "lots of water", "more water", "extra water"):
        assert phrase not in text
    assert "water" in json.dumps(doc["cautions"]).lower()


def test_every_assessment_carries_the_disclaimer(kb):
    assert "not a diagnosis" in assess(kb, BASE)["disclaimer"].lower()


# --------------------------------------------------------------------------- the document


def test_unanswered_lists_only_questions_that_apply(kb):
    man = assess(kb, {"age": 40, "sex": "male"})["unanswered"]
    assert "pregnant" not in man and "pregnancy_trimester" not in man
    assert "medications" in man and "cramp_minutes" in man
    woman = assess(kb, {"age": 40, "sex": "female"})["unanswered"]
    assert "pregnant" in woman
    assert "pregnancy_trimester" not in woman
    older = assess(kb, {"age": 70, "sex": "female"})["unanswered"]
    assert "pregnant" not in older


def test_not_applicable_answers_are_ignored_with_a_warning(kb):
    from cramp_cli.engine.answers import normalise

    answers = normalise({"age": 40, "sex": "male", "pregnant": True}, kb)
    assert "pregnant" not in answers.values
    assert any("pregnant" in w for w in answers.warnings)
    man = assess(kb, {"age": 40, "sex": "male", "pregnant": True})
    assert "pregnancy" not in ids(man["causes"])


def test_same_answers_give_byte_identical_json(kb):
    from cramp_cli.render.json import document

    answers = {
        "age": 67,
        "sex": "female",
        "medications": ["Lipitor", "furosemide"],
        "symptoms": ["one_leg_swollen"],
        "cramps_per_week": 3,
    }
    assert document(assess(kb, answers)) == document(assess(kb, dict(reversed(answers.items()))))


def test_document_has_the_contract_keys_in_order(kb):
    doc = assess(kb, BASE)
    assert list(doc) == DOCUMENT_KEYS
    assert doc["schema_version"] == 1
    assert len(doc["knowledge_base"]["sha256"]) == 64


def test_every_contract_id_has_a_rule(kb):
    rule_ids = {r.id for r in kb.rules}
    assert set(CAUSE_IDS) <= rule_ids
    assert set(RED_FLAG_IDS) <= rule_ids


# --------------------------------------------------------------------------- look-alikes


def test_look_alikes_of_the_clinical_reference_are_pointed_out(kb):
    """Section 1.3: restless legs, claudication, neuropathy and dystonia are named."""
    restless = assess(kb, {**BASE, "symptoms": ["urge_to_move_legs"]})
    assert "possible_restless_legs" in ids(restless["red_flags"])
    walking = assess(kb, {**BASE, "symptoms": ["pain_walking_relieved_by_rest"]})
    assert "possible_claudication" in ids(walking["red_flags"])
    numb = assess(kb, {**BASE, "symptoms": ["numbness_tingling"]})
    assert "peripheral_neuropathy" in ids(numb["causes"])
    twisting = assess(kb, {**BASE, "symptoms": ["toe_curling_or_foot_twisting"]})
    assert twisting["see_doctor"], "a twisting foot is worth a doctor's look (dystonia)"
    assert "idiopathic" in ids(twisting["causes"])


def test_occasional_cramps_without_flags_are_self_care(kb):
    doc = assess(
        kb,
        {
            "age": 35,
            "sex": "female",
            "pregnant": False,
            "medications": [],
            "conditions": [],
            "symptoms": [],
            "cramps_per_week": 1,
            "cramp_minutes": 2,
        },
    )
    assert doc["triage"]["level"] == "self_care"
    assert doc["red_flags"] == []
    assert ids(doc["causes"]) == ["idiopathic"]
    assert doc["tests_to_discuss"] == []
    assert "activity_level" in doc["unanswered"]
    assert "pregnancy_trimester" not in doc["unanswered"]  # not pregnant: it does not apply
