"""The assessment for a person at a terminal, through rich: the short result by default, the
full one (evidence and sources) with --full.

Nothing is said by colour alone: every level is written in words with its action ("URGENT:
see a doctor today"), so the output reads the same with NO_COLOR, --no-color or through a
pipe. The short result has no reference markers; the full one numbers its sources once, at
the end, so the advice stays readable. Anything the person typed is echoed with its control
characters made visible (render/words.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .summary import Short, fit
from .words import LEVEL_NAMES, Words, heading, medicine, plain

_STYLE = {"emergency": "bold white on red", "urgent": "bold red", "routine": "bold yellow",
          "self_care": "bold green"}  # fmt: skip
_BORDER = {"emergency": "red", "urgent": "red", "routine": "yellow", "self_care": "green"}


def _bullet(console: Any, text: Any, mark: str = "-") -> None:
    """A list item whose wrapped lines hang under its first word."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(mark, text)
    console.print(grid)


def render_short(console: Any, short: Short) -> None:
    """The short result: verdict, red flags, one line per item, the verdict again; trimmed
    (summary.fit) to the level's number of lines at the console's width.

    The lines are wrapped here (textwrap) rather than by rich, so the page is measured
    exactly and cheaply before it is drawn: `fit` may try several layouts.
    """
    from rich.panel import Panel
    from rich.text import Text

    width = console.width
    fit(short, lambda candidate: sum(len(b[1]) + (2 if b[0] == "box" else 0)
                                     for b in _layout(candidate, width)))  # fmt: skip
    for kind, lines, style, bold in _layout(short, width):
        if kind == "box":
            body = Text("\n".join(lines))
            body.stylize(style, 0, len(lines[0]))
            console.print(Panel(body, border_style=_BORDER[short.level]))
            continue
        for n, line in enumerate(lines):
            text = Text(line, style=style)
            if n == 0 and bold:
                text.stylize("bold", 0, min(bold, len(line)))
            console.print(text)


Block = tuple[str, list[str], str, int]  # kind, wrapped lines, style, bold prefix length


def _layout(short: Short, width: int) -> list[Block]:
    """The short result as blocks of wrapped lines: one box, then lines and list items."""
    import textwrap

    def wrap(text: str, indent: int = 0, first: str = "") -> list[str]:
        pad = " " * indent
        return textwrap.wrap(text, max(10, width), initial_indent=first or pad,
                             subsequent_indent=pad, break_on_hyphens=False) or [""]  # fmt: skip

    def line(text: str, style: str = "", bold: int = 0) -> Block:
        return ("line", wrap(text), style, bold)

    def item(text: str, style: str = "") -> Block:
        return ("line", wrap(text, 2, "- "), style, 0)

    gap: list[Block] = [] if short.compact else [("line", [""], "", 0)]
    inner = width - 4  # a border and a space each side
    box = [*textwrap.wrap(short.headline, inner), *textwrap.wrap(short.summary, inner)]
    blocks: list[Block] = [("box", box, _STYLE[short.level], 0)]
    for flag in short.flags:
        blocks.append(line(f"{LEVEL_NAMES[flag.level]}: {flag.title}", _STYLE[flag.level]))
        blocks += [item(sentence) for sentence in flag.instructions]
        if flag.because:
            blocks.append(item(f"Because: {flag.because}", "italic"))
    for section in short.sections:
        more = f" ({section.more} more with --full)" if section.more else ""
        head = f"{section.heading}{more}"
        if section.inline:
            blocks += [*gap, line(f"{head}: " + "; ".join(section.items), "", len(head))]
            continue
        blocks += [*gap, line(head, "bold"), *(item(i) for i in section.items)]
    if short.help_signs:
        blocks += [*gap, line(f"{short.help_now} " + "; ".join(short.help_signs), "",
                              len(short.help_now))]  # fmt: skip
    if short.next_step:  # the next step and the disclaimer close the page together
        blocks += [*gap, line(short.next_step)]
    else:
        blocks += gap
    return [*blocks, line(short.disclaimer, "italic"),
            line(short.closing, _STYLE[short.level])]


class _Sources:
    """Numbers each distinct citation the first time it is used."""

    def __init__(self) -> None:
        self.order: dict[str, int] = {}

    def marks(self, refs: list[str]) -> str:
        numbers = [self.order.setdefault(ref, len(self.order) + 1) for ref in refs]
        return " ".join(f"[{n}]" for n in numbers)


def render_full(console: Any, doc: Mapping[str, Any], words: Words) -> None:
    """The complete result: every item in full, its evidence, and the sources at the end."""
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.text import Text

    sources = _Sources()

    def block(text: Text, indent: int = 3) -> None:
        console.print(Padding(text, (0, 0, 0, indent), expand=False))

    def section(title: str) -> None:
        console.print()
        console.rule(Text(title, style="bold"), align="left")

    triage = doc["triage"]
    level = triage["level"]
    headline = heading(level, words.emergency_numbers, triage["summary"])
    head = Text(headline, style=_STYLE[level])
    head.append(f"\n{triage['summary']}")
    console.print(Panel(head, title="What to do", border_style=_BORDER[level]))

    for flag in doc["red_flags"]:
        body = Text(flag["advice"])
        if flag["because"]:
            body.append(f"\nBecause: {words.because(flag['because'])}", style="italic")
        if flag.get("references"):
            body.append(f"\nSources: {sources.marks(flag['references'])}", style="dim")
        title = Text(f"{LEVEL_NAMES[flag['triage']]}: {flag['title']}",
                     style=_STYLE[flag["triage"]])  # fmt: skip
        console.print(Panel(body, title=title, title_align="left",
                            border_style=_BORDER[flag["triage"]]))  # fmt: skip

    section("What may be causing your cramps")
    for n, cause in enumerate(doc["causes"], 1):
        console.print(Text(f"{n}. ") + Text(cause["title"], style="bold") +
                      Text(f" ({cause['likelihood']})"))  # fmt: skip
        body = Text(cause["explanation"])
        reason = words.because(cause["because"], cause.get("drugs", []))
        if reason:
            body.append(f"\nBecause: {reason}", style="italic")
        if cause.get("references"):
            body.append(f"\nSources: {sources.marks(cause['references'])}", style="dim")
        block(body)

    def items(title: str, entries: list[Mapping[str, Any]]) -> None:
        if not entries:
            return
        section(title)
        for item in entries:
            line = Text()
            if "title" in item:
                line.append(item["title"], style="bold")
                if "evidence" in item:
                    line.append(f" (evidence: {plain(item['evidence'])})")
                line.append("\n")
            line.append(item["text"])
            if item.get("references"):
                line.append(f" {sources.marks(item['references'])}", style="dim")
            _bullet(console, line)

    items("What you can do: self-care the evidence supports", doc["self_care"])
    items("Take care", doc["cautions"])
    items("When to see a doctor", doc["see_doctor"])
    if doc["tests_to_discuss"]:
        section("Tests to ask a doctor about")
        for test in doc["tests_to_discuss"]:
            _bullet(console, Text(words.test(test)))
    if doc["medications"]:
        section("Your medicines as recognised")
        for m in doc["medications"]:
            _bullet(console, Text(medicine(m)))
    if doc["unanswered"]:
        console.print()
        missing = ", ".join(plain(q) for q in doc["unanswered"])
        console.print(Text(f"Not answered: {missing}", style="dim"))
    if sources.order:
        section("Sources")
        for ref, n in sources.order.items():
            block(Text(f"[{n}] {ref}", style="dim"), 0)
    console.print()
    console.print(Text(doc["disclaimer"], style="italic"))
    # A terminal leaves the reader at the end of a long page: say the verdict there too.
    console.print(Text(headline, style=_STYLE[level]))
