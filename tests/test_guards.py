"""Guards that keep one sign from being reported twice, one medicine from becoming another,
and a failed diary upgrade from leaving a half-changed file.

Each test here is one that a one-line breakage of the guard makes fail: the engine's
`unless_flags`, the look-alike guard of medicine matching, the diary migration's rollback.
"""

from __future__ import annotations

import sqlite3
from typing import Any, NamedTuple

import pytest

from cramp_cli.contract import WARNING_SIGNS_NOT_CHECKED
from cramp_cli.diary import store as diary
from cramp_cli.diary import values as diary_values
from cramp_cli.engine.answers import normalise
from cramp_cli.engine.assess import evaluate
from cramp_cli.engine.conditions import parse
from cramp_cli.engine.medicines import Component, MedicineDictionary, Product
from cramp_cli.errors import DiaryError

# --------------------------------------------------------------------------- unless_flags

MAN = {"age": 45, "sex": "male"}
PREGNANT = {"age": 30, "sex": "female", "pregnant": True, "pregnancy_trimester": 2}

# (the flag marked "unless", answers where only it holds, extra answers that make a named flag
# hold too, that named flag): contract 5.2's table.
STAND_DOWN = [
    (
        "sudden_confusion",
        {**MAN, "symptoms": ["confusion"]},
        {"heavy_sweating": True},
        "possible_heatstroke",
    ),
    (
        "severe_headache_or_vision",
        {**MAN, "symptoms": ["severe_headache_or_vision_changes"]},
        {**PREGNANT, "symptoms": ["severe_headache_or_vision_changes"]},
        "possible_preeclampsia",
    ),
    (
        "sudden_swelling",
        {**MAN, "symptoms": ["sudden_swelling_face_hands"]},
        {**PREGNANT, "symptoms": ["sudden_swelling_face_hands"]},
        "possible_preeclampsia",
    ),
    (
        "dark_or_little_urine",
        {**MAN, "symptoms": ["dark_urine"]},
        {"recent_strenuous_exercise": True},
        "possible_rhabdomyolysis",
    ),
    (
        "new_muscle_weakness",
        {**MAN, "symptoms": ["muscle_weakness"]},
        {"symptoms": ["muscle_weakness", "dark_urine"]},
        "possible_rhabdomyolysis",
    ),
    (
        "new_muscle_weakness",
        {**MAN, "symptoms": ["muscle_weakness"]},
        {"medications": ["atorvastatin"]},
        "statin_muscle_symptoms",
    ),
    (
        "unexplained_bleeding",
        {**MAN, "symptoms": ["bruising_or_bleeding"]},
        {"medications": ["quinine"]},
        "quinine_bleeding",
    ),
]


def _flags(kb: Any, answers: dict[str, Any]) -> list[str]:
    return evaluate(kb, normalise(answers, kb)).fired("red_flag")


@pytest.mark.parametrize(("flag", "alone", "extra", "named"), STAND_DOWN)
def test_a_flag_fires_on_its_own_sign(kb, flag, alone, extra, named):
    flags = _flags(kb, alone)
    assert flag in flags
    assert named not in flags  # so the next test's stand-down is the named flag's doing


@pytest.mark.parametrize(("flag", "alone", "extra", "named"), STAND_DOWN)
def test_a_flag_stands_down_when_the_named_flag_holds(kb, flag, alone, extra, named):
    assessment = evaluate(kb, normalise({**alone, **extra}, kb))
    flags = assessment.fired("red_flag")
    assert named in flags
    assert flag not in flags
    assert named in assessment.stood_down[flag]


def test_a_flag_does_not_stand_down_when_the_named_flag_is_only_unknown(kb):
    # Heatstroke needs heavy sweating or a hard workout; unanswered, it is unknown, not true,
    # so sudden confusion still speaks for itself.
    assessment = evaluate(kb, normalise({**MAN, "symptoms": ["confusion"]}, kb))
    assert assessment.values["possible_heatstroke"] is not True
    assert "sudden_confusion" in assessment.fired("red_flag")
    assert "sudden_confusion" not in assessment.stood_down


def test_every_flag_marked_unless_is_covered_here(kb):
    marked = {(r.id, named) for r in kb.rules for named in r.unless_flags}
    covered = {(flag, named) for flag, _, _, named in STAND_DOWN}
    assert marked == covered


def test_the_sign_of_a_flag_that_stands_down_is_still_named(kb):
    answers = {**MAN, "symptoms": ["confusion"], "heavy_sweating": True}
    doc = evaluate(kb, normalise(answers, kb)).to_document()
    named = [b for f in doc["red_flags"] for b in f["because"]]
    assert {"question": "symptoms", "answer": "confusion"} in named


# --------------------------------------------------------------------------- look-alikes


def _dictionary(
    *names: tuple[str, str, tuple[str, ...]], min_length: int = 5
) -> MedicineDictionary:
    """A small made-up dictionary: names far from any real medicine, so the test is the
    guard's and not the knowledge base's."""
    products = [
        (name, Product(name, kind, tuple(Component(g, ("made_up_class",)) for g in members)))
        for name, kind, members in names
    ]
    return MedicineDictionary(products, (), fuzzy_min_length=min_length)


def test_a_near_miss_of_one_name_is_recognised():
    medicines = _dictionary(("fenoprazine", "exact", ("fenoprazine",)))
    found = medicines.match("fenoprazane")
    assert (found.match, found.generics) == ("fuzzy", ("fenoprazine",))


def test_a_near_miss_between_two_different_medicines_is_not_guessed():
    medicines = _dictionary(
        ("fenoprazine", "exact", ("fenoprazine",)), ("fenoprazone", "exact", ("fenoprazone",))
    )
    found = medicines.match("fenoprazane")
    assert found.match == "unknown"
    assert found.generics == ()


def test_two_names_of_the_same_medicine_do_not_block_the_guess():
    medicines = _dictionary(
        ("fenoprazine", "exact", ("fenoprazine",)), ("fenoprazone", "brand", ("fenoprazine",))
    )
    found = medicines.match("fenoprazane")
    assert (found.match, found.generics) == ("fuzzy", ("fenoprazine",))


def test_a_clearly_nearer_name_wins_over_a_distant_look_alike():
    medicines = _dictionary(
        ("abcdefghij", "exact", ("abcdefghij",)), ("abcdefgxyz", "exact", ("abcdefgxyz",))
    )
    found = medicines.match("abcdefghix")
    assert (found.match, found.generics) == ("fuzzy", ("abcdefghij",))


def test_an_exact_name_is_never_replaced_by_a_look_alike():
    medicines = _dictionary(
        ("fenoprazine", "exact", ("fenoprazine",)), ("fenoprazone", "exact", ("fenoprazone",))
    )
    assert medicines.match("Fenoprazone 10 mg").generics == ("fenoprazone",)
    assert medicines.match("fenoprazone").match == "exact"


def test_a_short_misspelling_is_never_guessed():
    names = ("abcdef", "exact", ("abcdef",))
    assert _dictionary(names, min_length=6).match("abcdxf").match == "fuzzy"
    assert _dictionary(names, min_length=7).match("abcdxf").match == "unknown"  # too short


def test_a_poor_match_is_never_guessed():
    medicines = _dictionary(("fenoprazine", "exact", ("fenoprazine",)))
    assert medicines.match("fenolaxatone").match == "unknown"


# --------------------------------------------------------------------------- migrations


def _add(**values: Any) -> int:
    base = {"leg": "left", "muscle": "calf", "minutes": 3, "severity": 5}
    return diary.add_entry(diary_values.local_now(), **{**base, **values})


def _schema(path: Any) -> tuple[int, list[str]]:
    conn = sqlite3.connect(path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        columns = [row[1] for row in conn.execute("PRAGMA table_info(entries)")]
        return version, columns
    finally:
        conn.close()


def test_a_migration_that_fails_half_way_changes_nothing(monkeypatch):
    _add(note="kept")
    before = _schema(diary.diary_path())
    broken = (
        "ALTER TABLE entries ADD COLUMN side_effects TEXT",
        "ALTER TABLE no_such_table ADD COLUMN x TEXT",
    )
    monkeypatch.setattr(diary, "MIGRATIONS", (*diary.MIGRATIONS, broken))
    monkeypatch.setattr(diary, "SCHEMA_VERSION", len(diary.MIGRATIONS))
    with pytest.raises(DiaryError):
        diary.list_entries()
    assert _schema(diary.diary_path()) == before  # no half-added column, same version
    assert "side_effects" not in before[1]

    monkeypatch.setattr(diary, "MIGRATIONS", (*diary.MIGRATIONS[:-1], broken[:1]))
    assert [e.note for e in diary.list_entries()] == ["kept"]  # a fixed migration then runs
    version, columns = _schema(diary.diary_path())
    assert version == before[0] + 1 and "side_effects" in columns


# --------------------------------------------------------------------------- conditions
# Found by a mutation run over engine/conditions.py: `not` that did not negate, `in` read as
# a range, and off-by-one bounds all passed the earlier tests.


class _Facts(NamedTuple):
    answers: dict[str, Any]
    medicines: tuple[Any, ...] = ()


def _value(kb: Any, condition: Any, answers: dict[str, Any]) -> bool | None:
    compiled = parse(condition, kb.question_by_id, kb.medicine_classes).compile()
    return compiled(_Facts(answers))[0]


SMOKER = {"question": "smoker", "equals": True}


@pytest.mark.parametrize(
    ("answers", "expected"), [({"smoker": True}, False), ({"smoker": False}, True), ({}, None)]
)
def test_not_negates_and_keeps_unknown(kb, answers, expected):
    assert _value(kb, {"not": SMOKER}, answers) is expected


@pytest.mark.parametrize(
    ("group", "answers", "expected"),
    [
        ("all", {"smoker": True, "age": 70}, True),
        ("all", {"smoker": False}, False),  # a false part settles all, even beside an unknown
        ("all", {"smoker": True}, None),
        ("any", {"smoker": True}, True),  # a true part settles any, even beside an unknown
        ("any", {"smoker": False, "age": 40}, False),
        ("any", {"smoker": False}, None),
    ],
)
def test_all_and_any_follow_kleene_logic(kb, group, answers, expected):
    condition = {group: [SMOKER, {"question": "age", "gt": 60}]}
    assert _value(kb, condition, answers) is expected


@pytest.mark.parametrize(
    ("test", "age", "expected"),
    [
        ({"in": [30, 40]}, 35, False),  # a list of values, not a range
        ({"in": [30, 40]}, 30, True),
        ({"not_in": [30, 40]}, 35, True),
        ({"lt": 50}, 50, False),
        ({"lt": 50}, 49, True),
        ({"lte": 50}, 50, True),
        ({"gt": 50}, 51, True),
        ({"gte": 50}, 49, False),
        ({"between": [10, 60]}, 60, True),  # both ends included
        ({"between": [10, 60]}, 9, False),
        ({"equals": 40}, 41, False),
    ],
)
def test_number_tests_at_their_bounds(kb, test, age, expected):
    assert _value(kb, {"question": "age", **test}, {"age": age}) is expected


# --------------------------------------------------------------------------- the assessment
# Also found by the mutation run, over engine/assess.py.


def test_items_carry_the_contracts_fields(kb):
    doc = evaluate(kb, normalise({**MAN, "symptoms": ["one_leg_swollen"]}, kb)).to_document()
    flag_keys = {"id", "title", "advice", "triage", "because", "references"}
    assert [set(flag) for flag in doc["red_flags"]] == [flag_keys]
    cause_keys = {
        "id",
        "title",
        "likelihood",
        "score",
        "explanation",
        "because",
        "drugs",
        "references",
    }
    assert all(set(cause) == cause_keys for cause in doc["causes"])


def test_a_sign_named_by_a_flag_or_cause_gets_no_second_see_doctor_item(kb):
    """Every sign is named once: by its red flag or cause, else by the see-doctor item."""
    for symptom in kb.question_by_id["symptoms"].choice_values:
        doc = evaluate(kb, normalise({**MAN, "symptoms": [symptom]}, kb)).to_document()
        pair = {"question": "symptoms", "answer": symptom}
        named = [
            item["id"] for item in (*doc["red_flags"], *doc["causes"]) if pair in item["because"]
        ]
        items = [item["id"] for item in doc["see_doctor"] if pair in item.get("because", [])]
        assert len(named) + len(items) >= 1, symptom
        assert not (named and items), (symptom, named, items)


def test_unchecked_signs_keep_the_causes_that_set_the_level(kb):
    answers = {"age": 78, "sex": "female", "medications": ["furosemide"]}
    assessment = evaluate(kb, normalise(answers, kb))
    assert assessment.level == "routine"
    assert assessment.because == ["medication", WARNING_SIGNS_NOT_CHECKED]


def test_reassurance_is_given_at_self_care_and_withheld_otherwise(kb):
    idiopathic = kb.rule("idiopathic")
    assert idiopathic is not None and idiopathic.reassurance
    for symptoms, reassured in (([], True), (None, False), (["one_leg_swollen"], False)):
        doc = evaluate(kb, normalise({**MAN, "symptoms": symptoms}, kb)).to_document()
        [cause] = [c for c in doc["causes"] if c["id"] == "idiopathic"]
        assert (idiopathic.reassurance in cause["explanation"]) is reassured, symptoms


CHILD_ITEM = "children_need_doctor"


@pytest.mark.parametrize(("age", "child"), [(11, True), (12, False), (45, False)])
def test_the_childrens_item_is_for_children_only(kb, age, child):
    assert kb.children_under_age == 12  # the boundary this test is written for
    doc = evaluate(kb, normalise({"age": age, "symptoms": []}, kb)).to_document()
    assert (CHILD_ITEM in [item["id"] for item in doc["see_doctor"]]) is child
    assert (doc["self_care"] == []) is child


def _ids(doc: dict[str, Any], section: str) -> list[str]:
    return [item["id"] for item in doc[section]]


def test_a_causes_own_see_doctor_items_are_shown(kb):
    answers = {"age": 78, "sex": "female", "medications": ["furosemide"], "symptoms": []}
    doc = evaluate(kb, normalise(answers, kb)).to_document()
    assert "medication_review" in _ids(doc, "see_doctor")


def test_an_item_withheld_as_reassurance_does_not_hide_the_next(kb):
    # At urgent, "ask about blood tests" (reassuring) is withheld; the medicine review that
    # follows it in the same list must still be shown.
    answers = {**MAN, "medications": ["furosemide"], "symptoms": ["one_leg_swollen"]}
    doc = evaluate(kb, normalise(answers, kb)).to_document()
    assert doc["triage"]["level"] == "urgent"
    assert "ask_about_blood_tests" not in _ids(doc, "see_doctor")
    assert "medication_review" in _ids(doc, "see_doctor")
    # idiopathic lists "no routine blood tests" (reassuring) before its magnesium caution
    alone = evaluate(kb, normalise({**MAN, "symptoms": ["one_leg_swollen"]}, kb)).to_document()
    assert "idiopathic" in _ids(alone, "causes")
    assert "no_routine_blood_tests" not in _ids(alone, "cautions")
    wanted = ["no_magnesium_for_idiopathic", *kb.general["cautions"]]
    assert set(wanted) <= set(_ids(alone, "cautions"))


def test_an_items_unless_withholds_it_only_when_it_holds(kb):
    woman = {"age": 30, "sex": "female", "medications": ["quinine"], "symptoms": []}
    pregnant = evaluate(kb, normalise({**woman, "pregnant": True}, kb)).to_document()
    not_pregnant = evaluate(kb, normalise({**woman, "pregnant": False}, kb)).to_document()
    assert "do_not_stop_medicines" not in _ids(pregnant, "cautions")
    assert "do_not_stop_medicines" in _ids(not_pregnant, "cautions")
    # a withheld caution does not hide the general ones after it
    general = [i for i in kb.general["cautions"] if not kb.cautions[i].reassures]
    assert set(general) <= set(_ids(pregnant, "cautions"))
