"""The assessment for a person at a terminal, through rich.

Nothing is said by colour alone: every level is also written in words (EMERGENCY, URGENT...),
so the output reads the same with NO_COLOR, --no-color or through a pipe.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .words import TRIAGE_HEADINGS, because, medicine, plain, test_label

_STYLE = {"emergency": "bold white on red", "urgent": "bold red", "routine": "bold yellow",
          "self_care": "bold green"}  # fmt: skip
_BORDER = {"emergency": "red", "urgent": "red", "routine": "yellow", "self_care": "green"}


def render(console: Any, doc: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> None:
    from rich.markup import escape
    from rich.panel import Panel
    from rich.text import Text

    triage = doc["triage"]
    level = triage["level"]
    heading = Text(f"{TRIAGE_HEADINGS[level]}", style=_STYLE[level])
    heading.append(f"\n{triage['summary']}", style="")
    console.print(Panel(heading, title="Triage", border_style=_BORDER[level], expand=True))

    for flag in doc["red_flags"]:
        body = Text(flag["advice"])
        if flag["because"]:
            body.append(f"\nBecause: {because(flag['because'])}", style="italic")
        title = f"RED FLAG - {TRIAGE_HEADINGS[flag['triage']]}: {flag['title']}"
        console.print(Panel(body, title=escape(title), title_align="left",
                            border_style=_BORDER[flag["triage"]]))  # fmt: skip

    console.print()
    console.rule("Likely contributing causes", align="left")
    for n, cause in enumerate(doc["causes"], 1):
        console.print(f"[bold]{n}. {escape(cause['title'])}[/bold] "
                      f"({cause['likelihood']}, score {cause['score']})")  # fmt: skip
        console.print(f"   {escape(cause['explanation'])}")
        if cause["because"]:
            console.print(f"   [italic]Because:[/italic] {escape(because(cause['because']))}")
        for drug in cause.get("drugs", []):
            console.print(f"   Medicine: {escape(drug['input'])} -> {drug['generic']} "
                          f"({plain(drug['class'])})")  # fmt: skip
        for ref in cause.get("references", []):
            console.print(f"   [dim]Source: {escape(ref)}[/dim]")

    def section(heading: str, items: list[Mapping[str, Any]]) -> None:
        if not items:
            return
        console.print()
        console.rule(heading, align="left")
        for item in items:
            if "title" in item:
                console.print(f"- [bold]{escape(item['title'])}[/bold] "
                              f"[evidence: {plain(item['evidence'])}]\n  {escape(item['text'])}",
                              highlight=False)  # fmt: skip
            else:
                console.print(f"- {escape(item['text'])}")

    section("Self-care that the evidence supports", doc["self_care"])
    section("Cautions", doc["cautions"])
    section("When to see a doctor", doc["see_doctor"])
    if doc["tests_to_discuss"]:
        console.print()
        console.rule("Tests to discuss with a doctor", align="left")
        for test in doc["tests_to_discuss"]:
            console.print(f"- {escape(test_label(test, labels))}")
    if doc["medications"]:
        console.print()
        console.rule("Medicines as recognised", align="left")
        for m in doc["medications"]:
            console.print(f"- {escape(medicine(m))}")
    if doc["unanswered"]:
        console.print()
        missing = ", ".join(plain(q) for q in doc["unanswered"])
        console.print(f"[dim]Not answered: {escape(missing)}[/dim]")
    console.print()
    console.print(f"[italic]{escape(doc['disclaimer'])}[/italic]")
