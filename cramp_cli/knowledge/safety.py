"""Contract section 3: the safety rules no rules file may break.

This is the one place where clinical policy lives in Python, because a rules file cannot
police itself. `check_knowledge` runs on every file as it loads (a breach makes the file
invalid, exit 3); `check_assessment` is run by the tests and `cramps rules test` over the
assessment of every example case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..engine.model import KnowledgeBase

Where = tuple[Any, ...]  # a path into rules.yaml: ("self_care", 3, "text")

QUININE = re.compile(r"\bquinine\b|\btonic\b", re.IGNORECASE)
QUININE_WARNING = re.compile(r"\brisk|\bwarn|\bdanger|\bserious|\bharm", re.IGNORECASE)
NSAID = re.compile(
    r"\bibuprofen|\bnaproxen|\bnsaids?\b|anti-?inflammator|\bdiclofenac|\baspirin|\bcelecoxib",
    re.IGNORECASE,
)
MAGNESIUM = re.compile(r"\bmagnesium\b", re.IGNORECASE)
MORE_WATER = re.compile(
    r"\b(plenty|lots|more|extra|large amounts?|a lot)\b[^.;:]{0,20}\b(water|fluids?)\b"
    r"|\b(drink|drinking)\b[^.;:]{0,20}\b(plenty|lots|more|extra|a lot)\b",
    re.IGNORECASE,
)
STOP = re.compile(r"\bstop(s|ped|ping)?\b", re.IGNORECASE)
MEDICINE_WORD = re.compile(
    r"\bmedicines?\b|\bmedications?\b|\btablets?\b|\bpills?\b|\bdrugs?\b|\bstatins?\b"
    r"|\bdiuretics?\b|\binhalers?\b|\bquinine\b|\bprescri",
    re.IGNORECASE,
)
NEGATION_OR_PRESCRIBER = re.compile(
    r"\bnot\b|\bnever\b|n't\b|\bwithout\b|\bunless\b|\bprescriber|\bdoctor|\bpharmacist"
    r"|\bGP\b|\bmidwife",
    re.IGNORECASE,
)
NOT_A_DIAGNOSIS = re.compile(r"not a diagnosis", re.IGNORECASE)
EMERGENCY_NUMBERS = ("999", "112", "911")

# Answers that must withhold a tip mentioning NSAIDs or magnesium (contract section 3).
PREGNANCY_PROBE = {"age": 30, "sex": "female", "pregnant": True, "pregnancy_trimester": 2}
KIDNEY_PROBES = (
    {"age": 60, "conditions": ["kidney_disease"]},
    {"age": 60, "conditions": ["dialysis"]},
)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?;])\s+", text) if s.strip()]


def tells_to_stop_a_medicine(text: str) -> bool:
    """A sentence that tells a person to stop a medicine, not negated, not via a prescriber."""
    return any(
        STOP.search(s) and MEDICINE_WORD.search(s) and not NEGATION_OR_PRESCRIBER.search(s)
        for s in sentences(text)
    )


def _texts(kb: KnowledgeBase) -> Iterator[tuple[Where, str | None, str]]:
    """Every piece of text a person may read: (where, rule id, text)."""
    for i, tip in enumerate(kb.self_care.values()):
        yield ("self_care", i, "text"), None, f"{tip.title}. {tip.text}"
    for section in ("cautions", "see_doctor"):
        for i, item in enumerate(getattr(kb, section).values()):
            yield (section, i, "text"), None, item.text
            if item.title:  # read with its text, as a person reads them together
                yield (section, i, "title"), None, f"{item.title}. {item.text}"
    for i, rule in enumerate(kb.rules):
        for name in ("title", "explanation", "reassurance", "advice", "summary"):
            value = getattr(rule, name)
            if value:
                yield ("rules", i, name), rule.id, value
    for level, summary in kb.triage_summaries.items():
        yield ("triage_levels", level, "summary"), None, summary
    yield ("disclaimer",), None, kb.disclaimer


def _field(where: Where, tip: Any, pattern: re.Pattern[str]) -> Where:
    """The tip's field that holds the match (title or text), so the line is the one to edit."""
    return (*where, "title" if pattern.search(tip.title) else "text")


def check_knowledge(kb: KnowledgeBase) -> list[tuple[Where, str | None, str]]:
    """Every breach of contract section 3 in a knowledge base: (where, rule id, message)."""
    from ..engine.answers import normalise

    problems: list[tuple[Where, str | None, str]] = []
    for i, tip in enumerate(kb.self_care.values()):
        where, text = ("self_care", i), f"{tip.title}. {tip.text}"
        if QUININE.search(text):
            problems.append((_field(where, tip, QUININE), None, f"self-care '{tip.id}' mentions "
                             "quinine or tonic water; quinine is never self-care"))  # fmt: skip
        if MORE_WATER.search(text):
            problems.append((_field(where, tip, MORE_WATER), None, f"self-care '{tip.id}' speaks "
                             "of drinking plenty, lots, more or extra water; put warnings in "
                             "cautions"))  # fmt: skip
        probes = []
        if NSAID.search(text):
            probes.append(("pregnancy", PREGNANCY_PROBE))
        if MAGNESIUM.search(text):
            probes += [("kidney disease or dialysis", p) for p in KIDNEY_PROBES]
        for situation, probe in probes:
            withheld = tip.unless_check is not None and \
                tip.unless_check(normalise(probe, kb))[0] is True  # fmt: skip
            if not withheld:
                problems.append((where, None, f"self-care '{tip.id}' would be given in "
                                 f"{situation}; add an 'unless' that withholds it"))  # fmt: skip
    for where, rule_id, text in _texts(kb):
        if QUININE.search(text) and where[0] != "self_care" and not QUININE_WARNING.search(text):
            problems.append((where, rule_id, "quinine is mentioned without its risks or the "
                             "regulators' warnings"))  # fmt: skip
        if tells_to_stop_a_medicine(text):
            problems.append((where, rule_id, "tells a person to stop a medicine; advise "
                             "talking to the prescriber instead"))  # fmt: skip
    emergency = kb.triage_summaries.get("emergency", "")
    missing = [n for n in EMERGENCY_NUMBERS if n not in emergency]
    if missing:
        problems.append((("triage_levels", "emergency", "summary"), None,
                         f"emergency advice must name {', '.join(missing)}"))  # fmt: skip
    if not NOT_A_DIAGNOSIS.search(kb.disclaimer):
        problems.append((("disclaimer",), None, "the disclaimer must say it is not a diagnosis"))
    for i, rule in enumerate(kb.rules):
        if rule.drug_classes:
            texts = [kb.cautions[c].text for c in rule.cautions if c in kb.cautions]
            if not any(STOP.search(t) and NEGATION_OR_PRESCRIBER.search(t) for t in texts):
                message = "a rule about medicines needs a caution not to stop one unasked"
                problems.append((("rules", i, "cautions"), rule.id, message))
    return problems


def check_assessment(doc: Mapping[str, Any]) -> list[str]:
    """What an assessment breaks of contract section 3 (empty when it is safe)."""
    found = []
    answers = doc.get("answers", {})
    for tip in doc.get("self_care", []):
        text = f"{tip.get('title', '')} {tip.get('text', '')}"
        if QUININE.search(text):
            found.append(f"self-care '{tip['id']}' mentions quinine")
        if MORE_WATER.search(text):
            found.append(f"self-care '{tip['id']}' speaks of drinking more water")
        if answers.get("pregnant") is True and NSAID.search(text):
            found.append(f"self-care '{tip['id']}' mentions an NSAID in pregnancy")
        kidney = {"kidney_disease", "dialysis"} & set(answers.get("conditions", []))
        if kidney and MAGNESIUM.search(text):
            found.append(f"self-care '{tip['id']}' mentions magnesium with kidney disease")
    for section in ("red_flags", "causes", "self_care", "cautions", "see_doctor"):
        for item in doc.get(section, []):
            for key in ("title", "text", "advice", "explanation"):
                if tells_to_stop_a_medicine(str(item.get(key, ""))):
                    found.append(f"{section} '{item.get('id')}' tells to stop a medicine")
    if not NOT_A_DIAGNOSIS.search(doc.get("disclaimer", "")):
        found.append("the disclaimer is missing")
    level = doc.get("triage", {}).get("level")
    if level == "emergency" and not all(
        n in doc["triage"].get("summary", "") for n in EMERGENCY_NUMBERS
    ):
        found.append("emergency triage does not name 999, 112 and 911")
    return found
