"""The assessment as a Markdown document, built as plain text.

Same order as the terminal: the short result first (the verdict, red flags with what to do,
one line per cause, tip, caution and doctor item, the signs to get help for, the next step),
then "The details": every item in full with its evidence and sources, the medicines as
recognised and the disclaimer.

Every string is escaped before it is written (`escape`): a medicine name typed as
`<img src=x onerror=...>` or `x\\n# Heading` is shown as typed, never turned into HTML or a
heading of its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .summary import Short
from .words import LEVEL_NAMES, Words, medicine, plain

_SPECIAL = re.compile(r"([\\`*_\[\]{}#|!~])")
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def escape(text: Any) -> str:
    """`text` as literal Markdown: one line, no HTML, no emphasis, links or headings."""
    flat = _BREAKS.sub(" ", str(text))
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _SPECIAL.sub(r"\\\1", flat)
    # a line starting "1. ", "- " or "+ " would become a list item; "=" or "-" a heading rule
    return re.sub(r"^(\s*)(\d+)\.(\s)", r"\1\2\\.\3", re.sub(r"^(\s*)([-+=])", r"\1\\\2", flat))


def _short(short: Short) -> list[str]:
    out = [f"**{escape(short.headline)}.** {escape(short.summary)}", ""]
    for flag in short.flags:
        out += [f"### {escape(LEVEL_NAMES[flag.level])}: {escape(flag.title)}", ""]
        out += [f"- {escape(s)}" for s in flag.instructions]
        if flag.because:
            out.append(f"- Because: {escape(flag.because)}")
        out.append("")
    for section in short.sections:
        more = f" ({section.more} more in the details below)" if section.more else ""
        out += [f"## {escape(section.heading)}{more}", ""]
        out += [f"- {escape(item)}" for item in section.items] + [""]
    if short.help_signs:
        out += [f"## {escape(short.help_now)}", ""]
        out += [f"- {escape(sign)}" for sign in short.help_signs] + [""]
    if short.next_step:
        out += [escape(short.next_step), ""]
    return out


def _details(doc: Mapping[str, Any], words: Words) -> list[str]:
    def sources(refs: list[str], indent: str = "  ") -> list[str]:
        return [f"{indent}- Source: {escape(ref)}" for ref in refs]

    out = ["## The details", ""]
    for flag in doc["red_flags"]:
        out += [f"### {escape(LEVEL_NAMES[flag['triage']])}: {escape(flag['title'])}", "",
                escape(flag["advice"]), ""]  # fmt: skip
        if flag["because"]:
            out.append(f"- Because: {escape(words.because(flag['because']))}")
        out += sources(flag.get("references", []), "") + [""]
    out += ["### What may be causing your cramps", ""]
    for n, cause in enumerate(doc["causes"], 1):
        out += [f"{n}. **{escape(cause['title'])}** ({escape(cause['likelihood'])}, "
                f"score {cause['score']})", f"   {escape(cause['explanation'])}"]  # fmt: skip
        reason = words.because(cause["because"], cause.get("drugs", []))
        if reason:
            out.append(f"   - Because: {escape(reason)}")
        out += ["  " + s for s in sources(cause.get("references", []))]
    out.append("")
    sections = (
        ("What you can do: self-care the evidence supports", doc["self_care"]),
        ("Take care", doc["cautions"]),
        ("When to see a doctor", doc["see_doctor"]),
    )
    for heading, items in sections:
        if not items:
            continue
        out += [f"### {heading}", ""]
        for item in items:
            if "evidence" in item:
                evidence = escape(plain(item["evidence"]))
                out.append(f"- **{escape(item['title'])}** (evidence: {evidence}). "
                           f"{escape(item['text'])}")  # fmt: skip
            elif "title" in item:
                out.append(f"- **{escape(item['title'].rstrip('.'))}.** {escape(item['text'])}")
            else:
                out.append(f"- {escape(item['text'])}")
            out += sources(item.get("references", []))
        out.append("")
    if doc["tests_to_discuss"]:
        out += ["### Tests to ask a doctor about", ""]
        out += [f"- {escape(words.test(t))}" for t in doc["tests_to_discuss"]] + [""]
    if doc["medications"]:
        out += ["### Your medicines as recognised", ""]
        out += [f"- {escape(medicine(m))}" for m in doc["medications"]] + [""]
    if doc["unanswered"]:
        out += ["### Not answered", "",
                escape(", ".join(plain(q) for q in doc["unanswered"])), ""]  # fmt: skip
    return out


def render(doc: Mapping[str, Any], words: Words, short: Short) -> str:
    out: list[str] = ["# Leg cramp assessment", ""]
    out += _short(short)
    out += _details(doc, words)
    out += ["---", "", f"*{escape(doc['disclaimer'])}*", "",
            f"**{escape(short.closing)}.**", ""]  # fmt: skip
    return "\n".join(out)
