"""The report for a doctor as one standalone HTML file, meant to print on one or two pages.

No network assets: the style is inline, the chart is inline SVG (browsers print SVG fills,
while CSS backgrounds are dropped by default), and a Content-Security-Policy forbids
everything else, scripts included. Every piece of text, the person's and the knowledge
base's alike, goes through html.escape.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from .diary_text import count_rows, summary_rows, window_words
from .report_md import (
    ENTRY_COLUMNS,
    NO_ASSESSMENT,
    TITLE,
    ReportData,
    Section,
    assessment_sections,
    disclaimer,
    entry_cells,
    made_line,
    saved_line,
    triage_item,
)

CSS = """
:root { color-scheme: light; }
body { font: 11pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: #111; background: #fff; max-width: 52rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 .2rem; }
h2 { font-size: 1.15rem; border-bottom: 1px solid #888; margin: 1.2rem 0 .4rem; }
h3 { font-size: 1rem; margin: .8rem 0 .2rem; }
p, ul, ol, dl { margin: .2rem 0 .4rem; }
li { margin: .1rem 0; }
.meta, .note { color: #444; font-size: .9rem; }
p.triage { border: 2px solid #111; padding: .3rem .5rem; }
dl.stats { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; }
dl.stats dt { font-weight: bold; }
dl.stats dd { margin: 0; }
figure { margin: .4rem 0; }
svg text { font: 11px system-ui, Arial, sans-serif; fill: #111; }
svg .bar { fill: #333; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
th, td { border: 1px solid #999; padding: .15rem .35rem; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; }
thead { display: table-header-group; }
footer { margin-top: 1rem; font-style: italic; }
@page { size: A4; margin: 12mm; }
@media print {
  body { font-size: 9.5pt; margin: 0; max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  tr, li, figure, dl.stats { break-inside: avoid; }
}
"""
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
NUMERIC = {"ID", "Minutes", "Severity"}


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def _section(section: Section) -> list[str]:
    tag = "ol" if section.numbered else "ul"
    out = [f"<h3>{_e(section.heading)}</h3>", f"<{tag}>"]
    for item in section.items:
        lead = f"<strong>{_e(item.lead)}</strong> " if item.lead else ""
        out.append(f"<li>{lead}{_e(item.text)}</li>")
    return [*out, f"</{tag}>"]


def _assessment(data: ReportData) -> list[str]:
    out = ['<section id="assessment">']
    if data.assessment is None:
        return [
            *out,
            "<h2>Assessment</h2>",
            f'<p class="note">{_e(NO_ASSESSMENT)}</p>',
            "</section>",
        ]
    doc = data.assessment.document
    triage = triage_item(doc)
    out.append(f'<h2>Assessment <span class="meta">({_e(saved_line(data.assessment))})</span></h2>')
    out.append(f'<p class="triage"><strong>{_e(triage.lead)}</strong> {_e(triage.text)}</p>')
    for section in assessment_sections(doc, data.labels):
        out += _section(section)
    return [*out, "</section>"]


def chart_svg(nights_per_week: Mapping[str, int]) -> str:
    """Horizontal bars, one per ISO week, each with its number written after it."""
    row, label_w, scale = 18, 76, 40  # 40 px per night: 7 nights = 280 px
    weeks = list(nights_per_week.items())
    width, height = label_w + 7 * scale + 70, row * len(weeks) + 4
    desc = "; ".join(f"{week}: {nights}" for week, nights in weeks)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-labelledby="chart-title '
        'chart-desc">',
        '<title id="chart-title">Nights with cramps per week</title>',
        f'<desc id="chart-desc">{_e(desc)}</desc>',
    ]
    for n, (week, nights) in enumerate(weeks):
        y = n * row + 2
        so_far = " (so far)" if n == len(weeks) - 1 else ""
        out.append(f'<text x="0" y="{y + 13}">{_e(week)}</text>')
        out.append(
            f'<rect class="bar" x="{label_w}" y="{y + 2}" width="{nights * scale}" '
            f'height="{row - 5}"/>'
        )
        out.append(
            f'<text x="{label_w + nights * scale + 6}" y="{y + 13}">{nights}{_e(so_far)}</text>'
        )
    return "\n".join([*out, "</svg>"])


def _stats(data: ReportData) -> list[str]:
    stats = data.stats
    out = [
        '<section id="diary">',
        f"<h2>Cramp diary: {_e(window_words(stats))}</h2>",
        '<dl class="stats">',
    ]
    for label, value in summary_rows(stats) + count_rows(stats):
        out.append(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>")
    out += [
        "</dl>",
        "<h3>Nights with cramps per week</h3>",
        "<figure>",
        chart_svg(stats["nights_per_week"]),
        "</figure>",
        "</section>",
    ]
    return out


def _entries(data: ReportData) -> list[str]:
    out = ['<section id="entries">', "<h2>Entries</h2>"]
    if not data.entries:
        return [*out, '<p class="note">No entries in these weeks.</p>', "</section>"]
    head = "".join(
        f'<th{" class=num" if c in NUMERIC else ""} scope="col">{_e(c)}</th>' for c in ENTRY_COLUMNS
    )
    out += ["<table>", f"<thead><tr>{head}</tr></thead>", "<tbody>"]
    for entry in data.entries:
        cells = "".join(
            f"<td{' class=num' if c in NUMERIC else ''}>{_e(v)}</td>"
            for c, v in zip(ENTRY_COLUMNS, entry_cells(entry), strict=True)
        )
        out.append(f"<tr>{cells}</tr>")
    return [*out, "</tbody>", "</table>", "</section>"]


def render_html(data: ReportData) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(TITLE)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{_e(TITLE)}</h1>",
        f'<p class="meta">{_e(made_line(data))}</p>',
        "</header>",
    ]
    out += _assessment(data) + _stats(data) + _entries(data)
    out += [f"<footer><p>{_e(disclaimer(data))}</p></footer>", "</body>", "</html>", ""]
    return "\n".join(out)
