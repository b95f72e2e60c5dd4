"""The report for a doctor as Markdown, and what the Markdown and HTML reports share.

The report is short on purpose (one or two printed pages): the latest saved assessment as a
doctor reads it (triage, red flags first, causes with the answers behind them, medicines as
recognised, tests to discuss, the answers given; self-care tips are for the person and stay
in `cramps check`), then the diary's statistics and chart, then the entries. Its pieces come
from render/words.py, so the report says what `cramps check` says, in the same words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from .diary_text import chart_lines, count_rows, summary_rows, window_words
from .words import TRIAGE_HEADINGS, because, medicine, plain, test_label, visible

if TYPE_CHECKING:
    from ..diary.store import Entry, SavedAssessment

TITLE = "Leg cramp report"
NO_ASSESSMENT = (
    "No saved assessment. Run cramps check --save to include one "
    "(red flags, likely causes, medicines as recognised)."
)
DEFAULT_DISCLAIMER = "This report is not a diagnosis and does not replace a doctor's assessment."
ENTRY_COLUMNS = ("ID", "When", "Leg", "Muscle", "Minutes", "Severity", "Helped", "Note")


class ReportData(NamedTuple):
    made_at: datetime
    version: str
    assessment: SavedAssessment | None
    labels: Mapping[str, str] | None
    stats: Mapping[str, Any]
    entries: Sequence[Entry]


class Item(NamedTuple):
    """One line of a section: an optional lead in bold, then the rest."""

    lead: str
    text: str


class Section(NamedTuple):
    heading: str
    items: list[Item]
    numbered: bool = False


def _answer(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(plain(v) for v in value) or "none"
    return plain(value)


def _cause(cause: Mapping[str, Any]) -> Item:
    parts = [f"({cause['likelihood']})."]
    if cause["because"]:
        parts.append(f"Because: {because(cause['because'])}.")
    drugs = [
        f"{d['input']} -> {d['generic']} ({plain(d['class'])})" for d in cause.get("drugs", [])
    ]
    if drugs:
        parts.append(f"Medicines: {'; '.join(drugs)}.")
    return Item(cause["title"], " ".join(parts))


def _red_flag(flag: Mapping[str, Any]) -> Item:
    text = flag["advice"]
    if flag["because"]:
        text += f" Because: {because(flag['because'])}."
    return Item(f"{TRIAGE_HEADINGS[flag['triage']]} - {flag['title']}.", text)


def triage_item(doc: Mapping[str, Any]) -> Item:
    """'ROUTINE: book an appointment.' and the summary: the first thing a doctor reads."""
    triage = doc["triage"]
    return Item(f"Triage: {TRIAGE_HEADINGS[triage['level']]}.", triage["summary"])


def assessment_sections(
    doc: Mapping[str, Any],
    labels: Mapping[str, str] | None,
) -> list[Section]:
    """The assessment after its triage line, red flags first (contract section 3)."""
    sections = []
    if doc["red_flags"]:
        sections.append(Section("Red flags", [_red_flag(f) for f in doc["red_flags"]]))
    sections.append(
        Section("Likely contributing causes", [_cause(c) for c in doc["causes"]], numbered=True)
    )
    if doc["medications"]:
        sections.append(
            Section("Medicines as recognised", [Item("", medicine(m)) for m in doc["medications"]])
        )
    if doc["tests_to_discuss"]:
        sections.append(
            Section(
                "Tests to discuss",
                [Item("", test_label(t, labels)) for t in doc["tests_to_discuss"]],
            )
        )
    answers = [Item(f"{plain(key)}:", _answer(value)) for key, value in doc["answers"].items()]
    if answers:
        sections.append(Section("Answers given", answers))
    return sections


def disclaimer(data: ReportData) -> str:
    return data.assessment.document["disclaimer"] if data.assessment else DEFAULT_DISCLAIMER


def stamp(moment: datetime) -> str:
    """'2026-11-29 19:35 +01:00': local time with its UTC offset, to the minute."""
    return f"{moment:%Y-%m-%d %H:%M} {moment.isoformat()[19:] or 'local time'}"


def made_line(data: ReportData) -> str:
    return (
        f"Made by cramps {data.version} on {stamp(data.made_at)} to take to an "
        "appointment. Not a diagnosis."
    )


def saved_line(assessment: SavedAssessment) -> str:
    return f"saved {stamp(assessment.saved_at)}"


def entry_cells(entry: Entry) -> list[str]:
    from ..diary.values import number

    return [
        str(entry.id),
        f"{entry.when:%Y-%m-%d %H:%M}",
        entry.leg,
        entry.muscle,
        str(number(entry.minutes)),
        f"{entry.severity}/10",
        ", ".join(entry.helped) or "-",
        entry.note or "",
    ]


# --------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<|~])")


def md(text: str) -> str:
    """Person-typed text made literal in Markdown: no emphasis, links, tables or raw HTML,
    and on one line, so a note cannot end a table row or start a heading of its own."""
    return _MD_SPECIAL.sub(r"\\\1", visible(text.replace("\r\n", " ").replace("\n", " ")))


def _md_section(section: Section) -> list[str]:
    out = [f"### {section.heading}", ""]
    for n, item in enumerate(section.items, 1):
        bullet = f"{n}." if section.numbered else "-"
        lead = f"**{md(item.lead)}** " if item.lead else ""
        out.append(f"{bullet} {lead}{md(item.text)}")
    return [*out, ""]


def _md_assessment(data: ReportData) -> list[str]:
    if data.assessment is None:
        return ["## Assessment", "", NO_ASSESSMENT, ""]
    triage = triage_item(data.assessment.document)
    out = [f"## Assessment ({saved_line(data.assessment)})", ""]
    out += [f"**{md(triage.lead)}** {md(triage.text)}", ""]
    for section in assessment_sections(data.assessment.document, data.labels):
        out += _md_section(section)
    return out


def _md_diary(data: ReportData) -> list[str]:
    stats = data.stats
    out = [f"## Cramp diary: {window_words(stats)}", ""]
    out += [f"- {label}: {value}" for label, value in summary_rows(stats) + count_rows(stats)]
    out += ["", "### Nights with cramps per week", "", "```text", *chart_lines(stats), "```", ""]
    out += ["### Entries", ""]
    if not data.entries:
        return [*out, "No entries in these weeks.", ""]
    out += ["| " + " | ".join(ENTRY_COLUMNS) + " |", "|---:|---|---|---|---:|---:|---|---|"]
    out += ["| " + " | ".join(md(cell) for cell in entry_cells(e)) + " |" for e in data.entries]
    return [*out, ""]


def render_markdown(data: ReportData) -> str:
    out = [f"# {TITLE}", "", md(made_line(data)), ""]
    out += _md_assessment(data) + _md_diary(data)
    out += ["---", "", f"*{md(disclaimer(data))}*", ""]
    return "\n".join(out)
