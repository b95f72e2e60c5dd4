"""The assessment as plain lines, for screen readers and dumb terminals (--plain, TERM=dumb).

The same result in the same order as the text rendering, with nothing a screen reader trips
on: no box drawing, no bullets or rules, no colour; headings are words ending in a colon and
every level is its name in words with its action. Wrapped at the given width with Python's
textwrap, never through rich.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from .summary import Short, fit
from .words import LEVEL_NAMES, Words, heading, medicine, plain


class _Lines:
    def __init__(self, width: int) -> None:
        self.width = width
        self.out: list[str] = []

    def say(self, text: str, indent: int = 0) -> None:
        pad = " " * indent
        # words are never broken: an address read aloud must stay whole
        self.out += textwrap.wrap(text, self.width, initial_indent=pad, subsequent_indent=pad,
                                  break_on_hyphens=False, break_long_words=False) or [""]

    def blank(self) -> None:
        if self.out and self.out[-1] != "":
            self.out.append("")

    def text(self) -> str:
        return "\n".join(self.out).rstrip("\n") + "\n"


def render_short(short: Short, width: int = 80) -> str:
    """The short result as plain lines, trimmed (summary.fit) to the level's number of lines."""
    fit(short, lambda candidate: _short_text(candidate, width).count("\n"))
    return _short_text(short, width)


def _short_text(short: Short, width: int) -> str:
    lines = _Lines(width)
    lines.say(f"{short.headline}.")
    lines.say(short.summary)
    def gap() -> None:
        if not short.compact:
            lines.blank()

    for flag in short.flags:
        gap()
        lines.say(f"{LEVEL_NAMES[flag.level]}: {flag.title}.")
        for sentence in flag.instructions:
            lines.say(sentence, 2)
        if flag.because:
            lines.say(f"Because: {flag.because}.", 2)
    for section in short.sections:
        gap()
        more = f" ({section.more} more with --full)" if section.more else ""
        if section.inline:
            lines.say(f"{section.heading}{more}: {'; '.join(section.items)}.")
            continue
        lines.say(f"{section.heading}{more}:")
        for item in section.items:
            lines.say(f"{item.rstrip('.')}.", 2)
    if short.help_signs:
        gap()
        lines.say(f"{short.help_now} {'; '.join(short.help_signs)}.")
    if short.next_step:  # the next step and the disclaimer close the page together
        gap()
        lines.say(short.next_step)
    else:
        gap()
    lines.say(short.disclaimer)
    lines.say(f"{short.closing}.")
    return lines.text()


def render_full(doc: Mapping[str, Any], words: Words, width: int = 80) -> str:
    """The complete result as plain lines; sources are named under each item, not numbered."""
    lines = _Lines(width)
    triage = doc["triage"]
    headline = heading(triage["level"], words.emergency_numbers, triage["summary"])
    lines.say(f"{headline}.")
    lines.say(triage["summary"])

    def sources(refs: list[str]) -> None:
        for ref in refs:
            lines.say(f"Source: {ref}", 4)

    for flag in doc["red_flags"]:
        lines.blank()
        lines.say(f"{LEVEL_NAMES[flag['triage']]}: {flag['title']}.")
        lines.say(flag["advice"], 2)
        if flag["because"]:
            lines.say(f"Because: {words.because(flag['because'])}.", 2)
        sources(flag.get("references", []))
    lines.blank()
    lines.say("What may be causing your cramps:")
    for n, cause in enumerate(doc["causes"], 1):
        lines.say(f"{n}. {cause['title']} ({cause['likelihood']}).", 2)
        lines.say(cause["explanation"], 4)
        reason = words.because(cause["because"], cause.get("drugs", []))
        if reason:
            lines.say(f"Because: {reason}.", 4)
        sources(cause.get("references", []))
    for title, entries in (("What you can do: self-care the evidence supports", doc["self_care"]),
                           ("Take care", doc["cautions"]),
                           ("When to see a doctor", doc["see_doctor"])):  # fmt: skip
        if not entries:
            continue
        lines.blank()
        lines.say(f"{title}:")
        for item in entries:
            if "title" in item:
                evidence = f" Evidence: {plain(item['evidence'])}." if "evidence" in item else ""
                lines.say(f"{item['title'].rstrip('.')}.{evidence}", 2)
                lines.say(item["text"], 4)
            else:
                lines.say(item["text"], 2)
            sources(item.get("references", []))
    if doc["tests_to_discuss"]:
        lines.blank()
        lines.say("Tests to ask a doctor about: "
                  + ", ".join(words.test(t) for t in doc["tests_to_discuss"]) + ".")  # fmt: skip
    if doc["medications"]:
        lines.blank()
        lines.say("Your medicines as recognised:")
        for m in doc["medications"]:
            lines.say(medicine(m).replace(" -> ", " is "), 2)
    if doc["unanswered"]:
        lines.blank()
        lines.say("Not answered: " + ", ".join(plain(q) for q in doc["unanswered"]) + ".")
    lines.blank()
    lines.say(doc["disclaimer"])
    lines.say(f"{headline}.")
    return lines.text()
