"""Plain words shared by the text and Markdown renderings, so both say the same thing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TRIAGE_HEADINGS = {
    "emergency": "EMERGENCY",
    "urgent": "URGENT: see a doctor today",
    "routine": "ROUTINE: book an appointment",
    "self_care": "SELF-CARE",
}


def plain(word: Any) -> str:
    if isinstance(word, bool):
        return "yes" if word else "no"
    return str(word).replace("_", " ")


def because(items: list[Mapping[str, Any]]) -> str:
    """'age 67; medications Lipitor' from a `because` list."""
    return "; ".join(f"{plain(b['question'])}: {plain(b['answer'])}" for b in items)


def medicine(m: Mapping[str, Any]) -> str:
    if m["match"] == "unknown":
        return f"{m['input']}: not recognised"
    what = " + ".join(m["generics"])
    classes = ", ".join(plain(c) for c in m["classes"]) or "not linked to cramps"
    how = {"exact": "", "brand": " (brand name)", "fuzzy": " (closest spelling)"}[m["match"]]
    return f"{m['input']} -> {what}{how}: {classes}"


def test_label(test_id: str, labels: Mapping[str, str] | None) -> str:
    return (labels or {}).get(test_id, plain(test_id))
