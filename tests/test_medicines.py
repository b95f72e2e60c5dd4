"""Medicine recognition against the shipped dictionary: doses, brands, combinations,
near misses, and look-alikes that must never be confused."""

from __future__ import annotations

import pytest

from cramp_cli.engine.medicines import clean


@pytest.mark.parametrize(
    ("typed", "generics", "classes", "match"),
    [
        ("Lipitor 40 mg", ["atorvastatin"], ["statin"], "brand"),
        ("naproxen 500mg bd", ["naproxen"], ["naproxen"], "exact"),
        ("quinine sulfate", ["quinine"], ["quinine"], "exact"),
        ("Quinine Sulphate 200 mg tablets", ["quinine"], ["quinine"], "exact"),
        ("Simvastatin 20mg", ["simvastatin"], ["statin"], "exact"),
        ("furosemide", ["furosemide"], ["loop_diuretic"], "exact"),
        ("Ventolin inhaler", ["salbutamol"], ["short_acting_beta_agonist"], "brand"),
        ("albuterol", ["salbutamol"], ["short_acting_beta_agonist"], "exact"),
        ("Adalat", ["nifedipine"], ["calcium_channel_blocker"], "brand"),
        ("losartan", ["losartan"], ["angiotensin_receptor_blocker"], "exact"),
        ("Evista", ["raloxifene"], ["raloxifene"], "brand"),
        ("Forteo", ["teriparatide"], ["teriparatide"], "brand"),
        ("Premarin", ["conjugated estrogens"], ["conjugated_estrogens"], "brand"),
        ("Venofer injection", ["iron sucrose"], ["iron_sucrose"], "brand"),
        ("atorvastatn", ["atorvastatin"], ["statin"], "fuzzy"),
        ("hydrochlorthiazide", ["hydrochlorothiazide"], ["thiazide_diuretic"], "fuzzy"),
        ("metformin 500 mg", ["metformin"], [], "exact"),
        ("xyzzyfloxin", [], [], "unknown"),
    ],
)
def test_recognises_what_people_type(kb, typed, generics, classes, match):
    found = kb.medicines.match(typed).to_json()
    assert [g.lower() for g in found["generics"]] == generics
    assert found["classes"] == classes
    assert found["match"] == match
    assert found["input"] == typed


@pytest.mark.parametrize(
    ("product", "classes"),
    [
        ("Dyazide", {"potassium_sparing_diuretic", "thiazide_diuretic"}),
        ("Moduretic", {"potassium_sparing_diuretic", "thiazide_diuretic"}),
        ("Symbicort", {"long_acting_beta_agonist"}),
        ("Advair", {"long_acting_beta_agonist"}),
    ],
)
def test_combination_products_yield_every_class(kb, product, classes):
    found = kb.medicines.match(product)
    assert found.match == "brand"
    assert len(found.generics) >= 2
    assert classes <= set(found.classes)


@pytest.mark.parametrize(
    ("typed", "generic"),
    [("quinapril", "quinapril"), ("amlodipine", "amlodipine"), ("amiloride", "amiloride"),
     ("lisinopril", "lisinopril"), ("metoprolol", "metoprolol"), ("diltiazem", "diltiazem"),
     ("verapamil", "verapamil")],
)  # fmt: skip
def test_look_alikes_are_recognised_exactly(kb, typed, generic):
    found = kb.medicines.match(typed)
    assert found.match == "exact"
    assert found.generics == (generic,)


def test_medicines_not_linked_to_cramps_have_no_class(kb):
    for name in ("quinapril", "amlodipine", "diltiazem", "verapamil", "omeprazole",
                 "levothyroxine", "sertraline", "paracetamol", "ibuprofen", "lisinopril"):
        assert kb.medicines.match(name).classes == (), name  # fmt: skip


def test_near_misses_never_turn_one_real_medicine_into_another(kb):
    assert kb.medicines.match("amlodipin").generics == ("amlodipine",)
    assert "quinine" not in kb.medicines.match("quinapri").classes
    assert kb.medicines.match("statin").match == "unknown"  # too vague to guess


def test_short_names_are_never_matched_fuzzily(kb):
    assert kb.medicines.match("asprn").match == "unknown"


def test_the_dictionary_is_large_enough(kb):
    assert len(kb.medicines) >= 100


def test_every_contract_class_has_a_medicine(kb):
    from cramp_cli.contract import MEDICINE_CLASSES

    covered = {c for classes in kb.medicines.classes_of.values() for c in classes}
    assert set(MEDICINE_CLASSES) <= covered


def test_cleaning_drops_doses_frequencies_and_forms():
    words = frozenset({"mg", "bd", "tablets", "sulfate"})
    assert clean("Naproxen 500mg BD", words) == "naproxen"
    assert clean("co-amilozide 5/50 tablets", words) == "co-amilozide"
    assert clean("quinine sulfate 300 mg", words) == "quinine"
