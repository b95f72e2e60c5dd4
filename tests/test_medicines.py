"""Medicine recognition against the shipped dictionary, family by family: names as people type
them (doses, devices, makers), combinations typed every way, brands by country, misspellings,
lay names, and look-alikes that must stay unknown or unlinked."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cramp_cli.engine.medicines import clean, key_of


def read(kb, typed):
    return kb.medicines.match(typed).to_json()


# --------------------------------------------------------------------------- single names


@pytest.mark.parametrize(
    ("typed", "generics", "classes", "match"),
    [
        ("Lipitor 40 mg", ["atorvastatin"], ["statin"], "brand"),
        ("naproxen 500mg bd", ["naproxen"], ["naproxen"], "exact"),
        ("quinine sulfate", ["quinine"], ["quinine"], "exact"),
        ("Quinine Sulphate 200 mg tablets", ["quinine"], ["quinine"], "exact"),
        ("Simvastatin 20mg nocte", ["simvastatin"], ["statin"], "exact"),
        ("furosemide 40mg mane", ["furosemide"], ["loop_diuretic"], "exact"),
        ("Ventolin inhaler 2 puffs prn", ["salbutamol"], ["short_acting_beta_agonist"], "brand"),
        ("salbutamol inh PRN", ["salbutamol"], ["short_acting_beta_agonist"], "exact"),
        ("HCTZ 25mg po qd", ["hydrochlorothiazide"], ["thiazide_diuretic"], "exact"),
        ("Simvastatin 40 mg po qhs", ["simvastatin"], ["statin"], "exact"),
        ("albuterol", ["salbutamol"], ["short_acting_beta_agonist"], "exact"),
        ("Adalat LA 30", ["nifedipine"], ["calcium_channel_blocker"], "brand"),
        ("losartan potassium 50mg od", ["losartan"], ["angiotensin_receptor_blocker"], "exact"),
        ("atorvastatin calcium", ["atorvastatin"], ["statin"], "exact"),
        ("Evista", ["raloxifene"], ["raloxifene"], "brand"),
        ("Forteo pen", ["teriparatide"], ["teriparatide"], "brand"),
        ("Premarin", ["conjugated estrogens"], ["conjugated_estrogens"], "brand"),
        ("Venofer injection", ["iron sucrose"], ["iron_sucrose"], "brand"),
        ("naproxen sodium 550mg", ["naproxen"], ["naproxen"], "exact"),
        (
            "Symbicort 200/6 Turbohaler 2 puffs bd",
            ["budesonide", "formoterol"],
            ["long_acting_beta_agonist"],
            "brand",
        ),
        (
            "Trelegy Ellipta 92/55/22",
            ["fluticasone", "umeclidinium", "vilanterol"],
            ["long_acting_beta_agonist"],
            "brand",
        ),
        (
            "Seretide 250 Evohaler",
            ["fluticasone", "salmeterol"],
            ["long_acting_beta_agonist"],
            "brand",
        ),
        ("Apo-Atorvastatin 20mg", ["atorvastatin"], ["statin"], "exact"),
        ("Losartan Teva", ["losartan"], ["angiotensin_receptor_blocker"], "exact"),
        ("PMS-Rosuvastatin", ["rosuvastatin"], ["statin"], "exact"),
        ("sodium valproate", ["sodium valproate"], [], "exact"),
        ("metformin 500 mg", ["metformin"], [], "exact"),
        ("xyzzyfloxin", [], [], "unknown"),
    ],
)
def test_recognises_what_people_type(kb, typed, generics, classes, match):
    found = read(kb, typed)
    assert found["generics"] == generics
    assert found["classes"] == classes
    assert found["match"] == match
    assert found["input"] == typed
    if match != "unknown":
        assert found["unrecognised"] == []


# --------------------------------------------------------------------------- combinations


@pytest.mark.parametrize(
    ("typed", "generics", "classes"),
    [
        (
            "fluticasone/salmeterol 250/50",
            {"fluticasone", "salmeterol"},
            {"long_acting_beta_agonist"},
        ),
        ("Fluticasone + Salmeterol", {"fluticasone", "salmeterol"}, {"long_acting_beta_agonist"}),
        (
            "salmeterol with fluticasone",
            {"fluticasone", "salmeterol"},
            {"long_acting_beta_agonist"},
        ),
        ("Advair Diskus 250/50", {"fluticasone", "salmeterol"}, {"long_acting_beta_agonist"}),
        ("Ezetimibe/Simvastatin 10mg/40mg", {"ezetimibe", "simvastatin"}, {"statin"}),
        ("Inegy 10/40", {"ezetimibe", "simvastatin"}, {"statin"}),
        ("Vytorin", {"ezetimibe", "simvastatin"}, {"statin"}),
        (
            "amlodipine/atorvastatin 5/10",
            {"amlodipine", "atorvastatin"},
            {"calcium_channel_blocker", "statin"},
        ),
        ("Caduet", {"amlodipine", "atorvastatin"}, {"calcium_channel_blocker", "statin"}),
        ("Spiriva and Serevent", {"tiotropium", "salmeterol"}, {"long_acting_beta_agonist"}),
        ("Spiriva & Serevent", {"tiotropium", "salmeterol"}, {"long_acting_beta_agonist"}),
        (
            "Lipitor 40mg and bendroflumethiazide",
            {"atorvastatin", "bendroflumethiazide"},
            {"statin", "thiazide_diuretic"},
        ),
        (
            "Lipitor 40mg; bendroflumethiazide 2.5mg od",
            {"atorvastatin", "bendroflumethiazide"},
            {"statin", "thiazide_diuretic"},
        ),
        (
            "Diovan HCT 160/12.5",
            {"valsartan", "hydrochlorothiazide"},
            {"angiotensin_receptor_blocker", "thiazide_diuretic"},
        ),
        (
            "Co-Diovan",
            {"valsartan", "hydrochlorothiazide"},
            {"angiotensin_receptor_blocker", "thiazide_diuretic"},
        ),
        ("Coversyl Plus", {"perindopril", "indapamide"}, {"thiazide_diuretic"}),
        (
            "Micardis Plus",
            {"telmisartan", "hydrochlorothiazide"},
            {"angiotensin_receptor_blocker", "thiazide_diuretic"},
        ),
        (
            "Atacand Plus 16/12.5",
            {"candesartan", "hydrochlorothiazide"},
            {"angiotensin_receptor_blocker", "thiazide_diuretic"},
        ),
        (
            "Cozaar Comp",
            {"losartan", "hydrochlorothiazide"},
            {"angiotensin_receptor_blocker", "thiazide_diuretic"},
        ),
        (
            "Olmetec Plus",
            {"olmesartan", "hydrochlorothiazide"},
            {"angiotensin_receptor_blocker", "thiazide_diuretic"},
        ),
        (
            "CoAprovel",
            {"irbesartan", "hydrochlorothiazide"},
            {"angiotensin_receptor_blocker", "thiazide_diuretic"},
        ),
        (
            "Telma-H",
            {"telmisartan", "hydrochlorothiazide"},
            {"angiotensin_receptor_blocker", "thiazide_diuretic"},
        ),
        ("Zestoretic 20/12.5", {"lisinopril", "hydrochlorothiazide"}, {"thiazide_diuretic"}),
        ("Prinzide", {"lisinopril", "hydrochlorothiazide"}, {"thiazide_diuretic"}),
        ("Tenoretic", {"atenolol", "chlortalidone"}, {"thiazide_diuretic"}),
        (
            "Dyazide",
            {"triamterene", "hydrochlorothiazide"},
            {"potassium_sparing_diuretic", "thiazide_diuretic"},
        ),
        (
            "co-amilozide 5/50 tablets",
            {"amiloride", "hydrochlorothiazide"},
            {"potassium_sparing_diuretic", "thiazide_diuretic"},
        ),
        (
            "Trimbow",
            {"beclometasone", "formoterol", "glycopyrronium"},
            {"long_acting_beta_agonist"},
        ),
        ("Ultibro Breezhaler", {"indacaterol", "glycopyrronium"}, {"long_acting_beta_agonist"}),
        ("Spiolto Respimat", {"tiotropium", "olodaterol"}, {"long_acting_beta_agonist"}),
        ("DuoResp Spiromax", {"budesonide", "formoterol"}, {"long_acting_beta_agonist"}),
        ("Prempro", {"conjugated estrogens", "medroxyprogesterone"}, {"conjugated_estrogens"}),
        ("Premique", {"conjugated estrogens", "medroxyprogesterone"}, {"conjugated_estrogens"}),
        (
            "Exforge HCT",
            {"amlodipine", "valsartan", "hydrochlorothiazide"},
            {"calcium_channel_blocker", "angiotensin_receptor_blocker", "thiazide_diuretic"},
        ),
    ],
)
def test_a_combination_yields_every_class_it_contains(kb, typed, generics, classes):
    found = read(kb, typed)
    assert set(found["generics"]) == generics
    assert set(found["classes"]) == classes
    assert found["unrecognised"] == []
    assert found["match"] in ("exact", "brand")


def test_each_part_of_a_list_is_reported_with_its_text(kb):
    found = read(kb, "Lipitor 40mg and bendroflumethiazide")
    assert [(c["text"], c["generics"], c["classes"]) for c in found["components"]] == [
        ("Lipitor", ["atorvastatin"], ["statin"]),
        ("bendroflumethiazide", ["bendroflumethiazide"], ["thiazide_diuretic"]),
    ]


def test_a_combination_brand_stays_whole(kb):
    found = read(kb, "Seretide 250 Accuhaler")
    assert len(found["components"]) == 1
    assert found["components"][0]["name"] == "Seretide"
    assert found["components"][0]["generics"] == ["fluticasone", "salmeterol"]


def test_a_part_not_understood_is_reported_not_dropped(kb):
    found = kb.medicines.match("Lipitor and xyzzyfloxin")
    assert found.classes == ("statin",)
    assert found.unrecognised == ("xyzzyfloxin",)
    assert any("xyzzyfloxin" in w for w in found.warnings)
    assert read(kb, "Premarin vaginal cream")["unrecognised"] == ["vaginal"]


# --------------------------------------------------------------------------- brands by country


@pytest.mark.parametrize(
    ("brand", "generic", "where"),
    [
        ("Lipitor", "atorvastatin", "UK, US, Canada, Australia"),
        ("Sortis", "atorvastatin", "DE"),
        ("Tahor", "atorvastatin", "FR"),
        ("Torvast", "atorvastatin", "IT"),
        ("Cardyl", "atorvastatin", "ES"),
        ("Lorstat", "atorvastatin", "AU"),
        ("Atorlip", "atorvastatin", "IN"),
        ("Zocor", "simvastatin", "UK, US"),
        ("Crestor", "rosuvastatin", "everywhere"),
        ("Rosuvas", "rosuvastatin", "IN"),
        ("Lipostat", "pravastatin", "UK"),
        ("Elisor", "pravastatin", "FR"),
        ("Frusid", "furosemide", "AU, NZ"),
        ("Lasix", "furosemide", "US"),
        ("Frusol", "furosemide", "UK"),
        ("Burinex", "bumetanide", "UK, IE"),
        ("Aprinox", "bendroflumethiazide", "UK"),
        ("Natrilix", "indapamide", "UK, AU"),
        ("Spiractin", "spironolactone", "AU"),
        ("Aldactone", "spironolactone", "UK, US"),
        ("Serevent", "salmeterol", "UK, US"),
        ("Oxis", "formoterol", "UK"),
        ("Salamol", "salbutamol", "UK"),
        ("Airomir", "salbutamol", "UK, EU"),
        ("Asmol", "salbutamol", "AU"),
        ("Asthalin", "salbutamol", "IN"),
        ("Bricanyl", "terbutaline", "UK"),
        ("Xopenex", "levosalbutamol", "US"),
        ("Istin", "amlodipine", "UK"),
        ("Norvasc", "amlodipine", "US"),
        ("Amlor", "amlodipine", "FR"),
        ("Stamlo", "amlodipine", "IN"),
        ("Plendil", "felodipine", "UK, US"),
        ("Renedil", "felodipine", "CA"),
        ("Zanidip", "lercanidipine", "UK"),
        ("Adalat", "nifedipine", "UK"),
        ("Amias", "candesartan", "UK"),
        ("Blopress", "candesartan", "DE"),
        ("Karvea", "irbesartan", "AU"),
        ("Aprovel", "irbesartan", "EU"),
        ("Olmetec", "olmesartan", "UK"),
        ("Benicar", "olmesartan", "US"),
        ("Telma", "telmisartan", "IN"),
        ("Naprosyn", "naproxen", "UK"),
        ("Naprogesic", "naproxen", "AU"),
        ("Forsteo", "teriparatide", "UK, EU"),
        ("Optruma", "raloxifene", "EU"),
        ("Cipramil", "citalopram", "UK"),
        ("Stilnox", "zolpidem", "FR, AU"),
        ("Tramal", "tramadol", "AU, DE"),
        ("Endone", "oxycodone", "AU"),
        ("Redipred", "prednisolone", "AU"),
        ("Glucophage", "metformin", "UK"),
        ("Diabex", "metformin", "AU"),
        ("Tritace", "ramipril", "UK"),
        ("Altace", "ramipril", "US"),
        ("Zestril", "lisinopril", "UK"),
        ("Losec", "omeprazole", "UK"),
        ("Somac", "pantoprazole", "AU"),
        ("Eltroxin", "levothyroxine", "UK, IE"),
        ("Oroxine", "levothyroxine", "AU"),
        ("Cardicor", "bisoprolol", "UK"),
    ],
)
def test_brands_by_country(kb, brand, generic, where):
    found = read(kb, brand)
    assert found["generics"] == [generic], where
    assert found["match"] == "brand"


def test_the_calcium_channel_blocker_class_is_the_dihydropyridines(kb):
    for name in (
        "amlodipine",
        "felodipine",
        "lercanidipine",
        "nifedipine",
        "nicardipine",
        "isradipine",
        "lacidipine",
        "nimodipine",
    ):
        assert read(kb, name)["classes"] == ["calcium_channel_blocker"], name
    for name in ("diltiazem", "verapamil"):  # tried as treatments, not causes
        assert read(kb, name)["classes"] == [], name


def test_medicines_not_linked_to_cramps_are_recognised_with_no_class(kb):
    for name in (
        "quinapril",
        "metformin",
        "levothyroxine",
        "omeprazole",
        "ramipril",
        "lisinopril",
        "bisoprolol",
        "paracetamol",
        "ibuprofen",
        "sertraline",
        "hydroxychloroquine",
        "tiotropium",
        "estradiol",
    ):
        found = read(kb, name)
        assert found["match"] == "exact", name
        assert found["classes"] == [], name


# --------------------------------------------------------------------------- misspellings


@pytest.mark.parametrize(
    ("typed", "generic", "cls"),
    [
        ("crestar", "rosuvastatin", "statin"),
        ("lipator", "atorvastatin", "statin"),
        ("ventalin", "salbutamol", "short_acting_beta_agonist"),
        ("Seritide", "salmeterol", "long_acting_beta_agonist"),
        ("Losartin", "losartan", "angiotensin_receptor_blocker"),
        ("amlodapine", "amlodipine", "calcium_channel_blocker"),
        ("atorvastatn", "atorvastatin", "statin"),
        ("Crestro", "rosuvastatin", "statin"),
        ("Vnetolin", "salbutamol", "short_acting_beta_agonist"),
        ("furosamide", "furosemide", "loop_diuretic"),
        ("spirinolactone", "spironolactone", "potassium_sparing_diuretic"),
        ("Symbicourt", "formoterol", "long_acting_beta_agonist"),
        ("bendroflumethiazde", "bendroflumethiazide", "thiazide_diuretic"),
        ("simvastatine 40mg", "simvastatin", "statin"),
    ],
)
def test_a_misspelling_is_read_as_the_medicine(kb, typed, generic, cls):
    found = read(kb, typed)
    assert generic in found["generics"]
    assert cls in found["classes"]


def test_tolerance_grows_with_length(kb):
    medicines = kb.medicines
    assert medicines.tolerance(4) == 0
    assert medicines.tolerance(5) == medicines.tolerance(9) == 1
    assert medicines.tolerance(10) == 2
    assert read(kb, "Zocr")["match"] == "unknown"  # too short to guess
    assert read(kb, "Lipittor")["generics"] == ["atorvastatin"]  # one edit
    assert read(kb, "Lpitr")["match"] == "unknown"  # two edits in a short name
    assert read(kb, "atrvastatn")["generics"] == ["atorvastatin"]  # two edits in a long one


def test_a_fuzzy_match_says_so(kb):
    found = read(kb, "crestar")
    assert found["match"] == "fuzzy"
    assert found["components"][0] == {
        "text": "crestar",
        "name": "Crestor",
        "match": "fuzzy",
        "generics": ["rosuvastatin"],
        "classes": ["statin"],
    }


# --------------------------------------------------------------------------- lay names


@pytest.mark.parametrize(
    ("typed", "classes"),
    [
        ("blue inhaler", ["short_acting_beta_agonist"]),
        ("my blue inhaler when needed", ["short_acting_beta_agonist"]),
        ("reliever inhaler", ["short_acting_beta_agonist"]),
        ("statins", ["statin"]),
        ("a statin", ["statin"]),
        ("brown inhaler", []),
        ("HRT patch", []),
        ("thyroid tablets", []),
        ("purple inhaler", ["long_acting_beta_agonist"]),
    ],
)
def test_a_lay_name_for_one_medicine_or_class_gets_it(kb, typed, classes):
    found = read(kb, typed)
    assert found["classes"] == classes
    assert found["match"] == "exact"
    assert found["unrecognised"] == []


@pytest.mark.parametrize(
    ("typed", "group", "choice"),
    [
        ("water tablet", "water tablets", "furosemide"),
        ("Water tablets", "water tablets", "bendroflumethiazide"),
        ("water pill", "water tablets", "indapamide"),
        ("cholesterol tablet", "cholesterol", "atorvastatin"),
        ("HRT", "HRT", "Premarin"),
        ("blood pressure tablets", "blood pressure", "amlodipine"),
    ],
)
def test_a_lay_name_for_several_is_unknown_with_a_warning_naming_the_group(
    kb, typed, group, choice
):
    found = kb.medicines.match(typed)
    assert found.match == "unknown"
    assert found.classes == ()
    assert found.unrecognised == (typed,)
    assert group in found.ambiguous[0].group
    assert choice in found.ambiguous[0].choices
    assert any(group in w and choice in w for w in found.warnings)


def test_a_lay_name_in_a_list_keeps_the_rest(kb):
    found = kb.medicines.match("Lipitor and a water tablet")
    assert found.classes == ("statin",)
    assert found.unrecognised == ("water tablet",)
    assert found.ambiguous[0].text == "water tablet"


# --------------------------------------------------------------------------- look-alikes


def test_every_declared_look_alike_pair_is_two_different_medicines(kb):
    pairs = kb.data["look_alikes"]
    assert len(pairs) >= 5
    for pair in pairs:
        found = [kb.medicines.match(name) for name in pair]
        assert all(f.match in ("exact", "brand") for f in found), pair
        assert len({f.generics for f in found}) == len(pair), pair


@pytest.mark.parametrize(
    "pair",
    [
        ("hydroxychloroquine", "hydrochlorothiazide"),
        ("Celebrex", "Celexa"),
        ("Losec", "Lasix"),
        ("quinapril", "quinine"),
        ("metoprolol", "metolazone"),
    ],
)
def test_the_issue_s_look_alikes_are_declared(kb, pair):
    declared = {tuple(key_of(n) for n in p) for p in kb.data["look_alikes"]}
    wanted = tuple(key_of(n) for n in pair)
    assert wanted in declared or wanted[::-1] in declared


@pytest.mark.parametrize(
    ("typed", "never"),
    [
        ("lasec", "loop_diuretic"),  # one edit from Losec, two from Lasix
        ("losix", "loop_diuretic"),
        ("quinapri", "quinine"),
        ("quinaprill", "quinine"),
        ("hydroxychloroquin", "thiazide_diuretic"),
        ("metoprolo", "thiazide_diuretic"),
        ("Zoloft", "statin"),
        ("Celexa", "naproxen"),
    ],
)
def test_a_look_alike_is_never_given_the_other_s_class(kb, typed, never):
    assert never not in read(kb, typed)["classes"]


def test_a_near_miss_between_two_medicines_is_not_guessed(kb):
    found = kb.medicines.match("lasec")
    assert found.match == "unknown"
    assert "Losec" in kb.medicines.suggestions("lasec")


def test_exact_names_always_win_over_near_misses(kb):
    for name in (
        "quinapril",
        "quinine",
        "amlodipine",
        "amiloride",
        "metolazone",
        "metoprolol",
        "hydroxychloroquine",
        "hydrochlorothiazide",
        "Celebrex",
        "Celexa",
    ):
        assert read(kb, name)["match"] in ("exact", "brand"), name


# --------------------------------------------------------------------------- hints


def test_hints_are_within_tolerance_or_complete_what_was_typed(kb):
    assert kb.medicines.suggestions("xyzzyfloxin") == []
    assert kb.medicines.suggestions("atorva")[0] == "atorvastatin"
    assert kb.medicines.suggestions("HRT patchez") == [] or all(
        "insulin" not in h.lower() for h in kb.medicines.suggestions("HRT patchez")
    )


@settings(deadline=None, max_examples=60)
@given(st.text(alphabet="abcdefghilmnoprstuvz", min_size=5, max_size=12))
def test_every_hint_is_near_what_was_typed(kb, typed):
    from rapidfuzz.distance import OSA

    key = clean(typed)
    for hint in kb.medicines.suggestions(typed):
        names = [k for k, p in kb.medicines.index.items() if p.name == hint]
        assert any(
            OSA.distance(key, k) <= kb.medicines.tolerance(len(k)) or k.startswith(key)
            for k in names
        ), (typed, hint)


# --------------------------------------------------------------------------- input as typed


def test_input_is_kept_exactly_as_typed(kb):
    for typed in ("  Lipitor 40 mg ", "", "   ", "LIPITOR"):
        assert read(kb, typed)["input"] == typed
    assert read(kb, "")["match"] == "unknown"


def test_cleaning_drops_doses_frequencies_and_forms():
    words = frozenset({"mg", "bd", "tablets", "sulfate"})
    assert clean("Naproxen 500mg BD", words) == "naproxen"
    assert clean("co-amilozide 5/50 tablets", words) == "coamilozide"
    assert clean("quinine sulfate 300 mg", words) == "quinine"


# --------------------------------------------------------------------------- work and length


def _work(medicines, text):
    before = medicines.lookups
    medicines._cache.clear()
    medicines.match(text)
    return medicines.lookups - before


def test_reading_is_linear_in_the_length_of_the_entry(kb):
    from cramp_cli.engine.model import build_medicines

    data = dict(kb.data)
    data["medicine_matching"] = {**data["medicine_matching"], "max_length": 10**6}
    medicines = build_medicines(data)
    unit = "Lipitor 40 mg and Seretide 250 Accuhaler bd, "
    small, large = _work(medicines, unit * 100), _work(medicines, unit * 400)
    assert small > 0
    assert large <= 4 * small * 1.05  # four times the words, about four times the lookups


def test_a_name_over_the_cap_is_unknown_without_being_read(kb):
    text = "amlodipine " * 600  # 6.6 KB: it once took 55 s
    before = kb.medicines.lookups
    found = kb.medicines.match(text)
    assert kb.medicines.lookups == before
    assert found.match == "unknown"
    assert found.input == text
    assert any("too long" in w for w in found.warnings)


# --------------------------------------------------------------------------- the dictionary


def test_the_dictionary_is_broad(kb):
    assert len(kb.medicines) >= 1000
    from cramp_cli.contract import MEDICINE_CLASSES

    covered = {c for classes in kb.medicines.classes_of.values() for c in classes}
    assert set(MEDICINE_CLASSES) <= covered


def test_the_dictionary_is_reviewable(kb):
    """One product a line with its names sorted, lines sorted within each commented group."""
    from tests.conftest import RULES

    text = RULES.read_text(encoding="utf-8")
    section = text[text.index("\nmedicines:\n") : text.index("\nlay_names:\n")]
    groups = re.split(r"\n\s*#[^\n]*", section)
    for group in groups:
        lines = [line for line in group.splitlines() if line.startswith("  - {")]
        heads = [
            re.sub(r"[\"']", "", line.split(",")[0].split(": ", 1)[1]).lower() for line in lines
        ]
        assert heads == sorted(heads), heads
        for line in lines:
            for names in re.findall(r"(?:brands|aliases): \[([^\]]*)\]", line):
                items = [n.strip().lower() for n in names.split(",") if n.strip()]
                assert items == sorted(items), line
    for cls in kb.medicine_classes.values():
        assert cls["references"], "every class names its source"


@settings(deadline=None, max_examples=300)
@given(st.text(max_size=120))
def test_any_text_is_read_without_error_and_echoed_exactly(kb, typed):
    found = kb.medicines.match(typed)
    doc = found.to_json()
    assert doc["input"] == typed
    assert doc["match"] in ("exact", "brand", "fuzzy", "unknown")
    for part in found.parts:
        assert typed[part.start : part.start + len(part.text)] == part.text
