"""The assessment as a Markdown document, built as plain text.

Same order as every rendering: the triage level (emergency numbers first when it is an
emergency), red flags, causes, self-care, cautions, when to see a doctor, tests, the
disclaimer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .words import TRIAGE_HEADINGS, because, medicine, plain, test_label


def _sources(refs: list[str]) -> list[str]:
    return [f"  - Source: {ref}" for ref in refs]


def render(doc: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> str:
    out: list[str] = ["# Leg cramp assessment", ""]
    triage = doc["triage"]
    out += [f"**Triage: {TRIAGE_HEADINGS[triage['level']]}.** {triage['summary']}", ""]
    if doc["red_flags"]:
        out += ["## Red flags", ""]
        for flag in doc["red_flags"]:
            out += [f"### {TRIAGE_HEADINGS[flag['triage']]} - {flag['title']}", "",
                    flag["advice"], ""]  # fmt: skip
            if flag["because"]:
                out.append(f"- Because: {because(flag['because'])}")
            out += _sources(flag.get("references", [])) + [""]
    out += ["## Likely contributing causes", ""]
    for n, cause in enumerate(doc["causes"], 1):
        out += [f"{n}. **{cause['title']}** ({cause['likelihood']}, score {cause['score']})",
                f"   {cause['explanation']}"]  # fmt: skip
        if cause["because"]:
            out.append(f"   - Because: {because(cause['because'])}")
        for drug in cause.get("drugs", []):
            out.append(f"   - Medicine: {drug['input']} -> {drug['generic']} "
                       f"({plain(drug['class'])})")  # fmt: skip
        out += ["  " + s for s in _sources(cause.get("references", []))]
    out.append("")
    sections = (
        ("Self-care that the evidence supports", doc["self_care"]),
        ("Cautions", doc["cautions"]),
        ("When to see a doctor", doc["see_doctor"]),
    )
    for heading, items in sections:
        if not items:
            continue
        out += [f"## {heading}", ""]
        for item in items:
            if "evidence" in item:
                out.append(f"- **{item['title']}** (evidence: {plain(item['evidence'])}). "
                           f"{item['text']}")  # fmt: skip
            elif "title" in item:
                out.append(f"- **{item['title']}.** {item['text']}")
            else:
                out.append(f"- {item['text']}")
            out += ["  " + s for s in _sources(item.get("references", []))]
        out.append("")
    if doc["tests_to_discuss"]:
        out += ["## Tests to discuss with a doctor", ""]
        out += [f"- {test_label(t, labels)}" for t in doc["tests_to_discuss"]] + [""]
    if doc["medications"]:
        out += ["## Medicines as recognised", ""]
        out += [f"- {medicine(m)}" for m in doc["medications"]] + [""]
    if doc["unanswered"]:
        out += ["## Not answered", "",
                ", ".join(plain(q) for q in doc["unanswered"]), ""]  # fmt: skip
    out += ["---", "", f"*{doc['disclaimer']}*", ""]
    return "\n".join(out)
