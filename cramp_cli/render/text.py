"""The assessment for a person at a terminal, through rich.

Nothing is said by colour alone: every level is also written in words (EMERGENCY, URGENT...),
so the output reads the same with NO_COLOR, --no-color or through a pipe. Sources are
numbered once at the end, so the advice stays readable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .words import TRIAGE_HEADINGS, because, medicine, plain, test_label

_STYLE = {"emergency": "bold white on red", "urgent": "bold red", "routine": "bold yellow",
          "self_care": "bold green"}  # fmt: skip
_BORDER = {"emergency": "red", "urgent": "red", "routine": "yellow", "self_care": "green"}


class _Sources:
    """Numbers each distinct citation the first time it is used."""

    def __init__(self) -> None:
        self.order: dict[str, int] = {}

    def marks(self, refs: list[str]) -> str:
        numbers = [self.order.setdefault(ref, len(self.order) + 1) for ref in refs]
        return " ".join(f"[{n}]" for n in numbers)


def render(console: Any, doc: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> None:
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.text import Text

    sources = _Sources()

    def block(text: Text, indent: int = 3) -> None:
        console.print(Padding(text, (0, 0, 0, indent), expand=False))

    def bullet(text: Text) -> None:
        """A list item whose wrapped lines hang under its first word."""
        from rich.table import Table

        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        grid.add_row("-", text)
        console.print(grid)

    def heading(title: str) -> None:
        console.print()
        console.rule(Text(title, style="bold"), align="left")

    triage = doc["triage"]
    level = triage["level"]
    head = Text(TRIAGE_HEADINGS[level], style=_STYLE[level])
    head.append(f"\n{triage['summary']}")
    console.print(Panel(head, title="Triage", border_style=_BORDER[level]))

    for flag in doc["red_flags"]:
        body = Text(flag["advice"])
        if flag["because"]:
            body.append(f"\nBecause: {because(flag['because'])}", style="italic")
        if flag.get("references"):
            body.append(f"\nSources: {sources.marks(flag['references'])}", style="dim")
        title = Text(f"RED FLAG, {TRIAGE_HEADINGS[flag['triage']]}: {flag['title']}",
                     style=_STYLE[flag["triage"]])  # fmt: skip
        console.print(Panel(body, title=title, title_align="left",
                            border_style=_BORDER[flag["triage"]]))  # fmt: skip

    heading("Likely contributing causes")
    for n, cause in enumerate(doc["causes"], 1):
        console.print(Text(f"{n}. ") + Text(cause["title"], style="bold") +
                      Text(f" ({cause['likelihood']})"))  # fmt: skip
        body = Text(cause["explanation"])
        if cause["because"]:
            body.append(f"\nBecause: {because(cause['because'])}", style="italic")
        for drug in cause.get("drugs", []):
            body.append(f"\nMedicine: {drug['input']} -> {drug['generic']} "
                        f"({plain(drug['class'])})")  # fmt: skip
        if cause.get("references"):
            body.append(f"\nSources: {sources.marks(cause['references'])}", style="dim")
        block(body)

    def items(title: str, entries: list[Mapping[str, Any]]) -> None:
        if not entries:
            return
        heading(title)
        for item in entries:
            line = Text()
            if "title" in item:
                line.append(item["title"], style="bold")
                if "evidence" in item:
                    line.append(f" [evidence: {plain(item['evidence'])}]")
                line.append("\n")
            line.append(item["text"])
            if item.get("references"):
                line.append(f" {sources.marks(item['references'])}", style="dim")
            bullet(line)

    items("Self-care that the evidence supports", doc["self_care"])
    items("Cautions", doc["cautions"])
    items("When to see a doctor", doc["see_doctor"])
    if doc["tests_to_discuss"]:
        heading("Tests to discuss with a doctor")
        for test in doc["tests_to_discuss"]:
            bullet(Text(test_label(test, labels)))
    if doc["medications"]:
        heading("Medicines as recognised")
        for m in doc["medications"]:
            bullet(Text(medicine(m)))
    if doc["unanswered"]:
        console.print()
        missing = ", ".join(plain(q) for q in doc["unanswered"])
        console.print(Text(f"Not answered: {missing}", style="dim"))
    if sources.order:
        heading("Sources")
        for ref, n in sources.order.items():
            block(Text(f"[{n}] {ref}", style="dim"), 0)
    console.print()
    console.print(Text(doc["disclaimer"], style="italic"))
    if level in ("emergency", "urgent"):
        # A terminal shows the end of a long page: say the most important thing there too.
        reminder = Text(f"{TRIAGE_HEADINGS[level]}: ", style=_STYLE[level])
        reminder.append(f"{triage['summary']} (red flags at the top)")
        console.print(Panel(reminder, border_style=_BORDER[level]))
