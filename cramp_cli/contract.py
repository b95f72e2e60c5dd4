"""The public names of ../shared/contract.md that scripts depend on.

These are names, not clinical facts: which answers fire what, and every word said to a
person, live in rules.yaml. `cramps rules validate` checks a rules file against these lists so
that a knowledge base cannot silently drop a cause or red flag that scripts look for.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

QUESTION_IDS = (
    "age",
    "sex",
    "pregnant",
    "pregnancy_trimester",
    "medications",
    "started_new_medicine_recently",
    "activity_level",
    "recent_strenuous_exercise",
    "heavy_sweating",
    "large_plain_water_intake",
    "diarrhoea_or_vomiting",
    "standing_hours",
    "footwear",
    "alcohol_units_per_week",
    "smoker",
    "conditions",
    "symptoms",
    "cramps_per_week",
    "cramp_minutes",
    "gave_birth_recently",
)

CAUSE_IDS = (
    "muscle_fatigue",
    "prolonged_standing",
    "inactivity",
    "older_age",
    "pregnancy",
    "alcohol",
    "smoking",
    "footwear",
    "dehydration",
    "low_potassium",
    "low_magnesium",
    "low_calcium",
    "medication",
    "dialysis",
    "kidney_disease",
    "liver_disease",
    "thyroid_disease",
    "diabetes",
    "peripheral_neuropathy",
    "parkinsons",
    "lumbar_spinal_stenosis",
    "osteoarthritis",
    "vascular_disease",
    "idiopathic",
)

FALLBACK_CAUSE = "idiopathic"

RED_FLAG_IDS = (
    "possible_pulmonary_embolism",
    "possible_preeclampsia",
    "possible_rhabdomyolysis",
    "possible_heatstroke",
    "possible_limb_ischaemia",
    "possible_cauda_equina",
    "possible_tetany",
    "possible_electrolyte_emergency",
    "possible_dvt",
    "prolonged_cramp",
    "statin_muscle_symptoms",
    "quinine_bleeding",
    "critical_limb_ischaemia",
    "neuromuscular_signs",
    "possible_claudication",
    "possible_restless_legs",
    "very_frequent_cramps",
    "started_after_new_medicine",
    # contract 5.2 (version 1.1)
    "possible_compartment_syndrome",
    "sudden_confusion",
    "severe_headache_or_vision",
    "sudden_swelling",
    "dark_or_little_urine",
    "new_muscle_weakness",
    "unexplained_bleeding",
    "quinine_in_pregnancy",
)

# Contract 5.2 and 5.3: the ids the safety net puts in `triage.because`, which are also the ids
# of the see-doctor items (in rules.yaml) that name the signs behind them.
SYMPTOM_NEEDS_DOCTOR = "symptom_needs_doctor"
WARNING_SIGNS_NOT_CHECKED = "warning_signs_not_checked"
# The placeholder a see-doctor item may carry for the plain words of the answers behind it.
ANSWERS_PLACEHOLDER = "{answers}"

MEDICINE_CLASSES = (
    "statin",
    "loop_diuretic",
    "thiazide_diuretic",
    "potassium_sparing_diuretic",
    "long_acting_beta_agonist",
    "short_acting_beta_agonist",
    "raloxifene",
    "teriparatide",
    "conjugated_estrogens",
    "iron_sucrose",
    "naproxen",
    "calcium_channel_blocker",
    "angiotensin_receptor_blocker",
    "other_reported",
    "quinine",
)

# Most serious first; the order decides which red flag sets the triage level.
TRIAGE_LEVELS = ("emergency", "urgent", "routine", "self_care")
RED_FLAG_TRIAGE_LEVELS = ("emergency", "urgent", "routine")
LIKELIHOODS = ("likely", "possible")
EVIDENCE_LEVELS = ("strong", "moderate", "weak", "expert_opinion")
MATCH_KINDS = ("exact", "brand", "fuzzy", "unknown")

# FHIR R4 (cramps schema fhir-questionnaire, --format fhir, a QuestionnaireResponse as
# answers): the Questionnaire's canonical url, the code system of each question's answers
# (`urn:cramps:answer:<question id>`), and the answer option that says "none of these" to a
# list question (an item left unanswered is "don't know", contract 5.3).
FHIR_QUESTIONNAIRE_URL = "urn:cramps:questionnaire"
FHIR_ANSWER_SYSTEM = "urn:cramps:answer"
FHIR_NONE_CODE = "none"
