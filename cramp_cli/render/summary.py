"""The short result: what a tired person needs, in the order they need it.

One structure, built here from the assessment and rendered three ways (render/text.py through
rich, render/plain.py as plain lines for screen readers, render/markdown.py), so every format
says the same thing in the same order: the verdict; the red flags with what to do about each;
then, below an emergency only, each likely cause in a line with the reason in the person's
words, the best few tips, the cautions by their titles, when to see a doctor and the tests to
ask about; the signs that would change the verdict ("get help now if"); the next step; the
verdict again in one line. At an emergency nothing general is said: the verdict, the red
flags with what to do, the emergency numbers.

It selects and shortens the knowledge base's own sentences and adds no clinical fact: a red
flag's instruction is the first sentence of its advice that fits the level the flag holds (below
an emergency, one that does not name the emergency numbers), with the sentences that say what
not to do or when to call the emergency numbers (`instructions`); an item is its title, or its
first sentence. Reference markers belong to the full result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .words import Words, first_sentence, heading, sentences, unread_medicine, visible

# At most this many items of each kind (causes, tips, cautions, see-a-doctor items) per level;
# the rest are counted and left to --full. Beside an urgent red flag the flag comes first and
# the rest is shorter, so the page fits a screen (35 lines at 80 columns; 45 otherwise).
LIMITS = {"urgent": (2, 2, 2, 1), "routine": (3, 3, 3, 2), "self_care": (3, 3, 3, 2)}
# The most lines a short result may take at 80 columns; `fit` trims to it.
ALSO = "Also tell the doctor about"
# A medicine not read cannot show the cause linked to it, so the short result says which.
UNREAD = "Medicines cramps could not read"
MAX_UNREAD = 3
NEXT = (
    "Next: add --save to keep this in your diary, run cramps report to take to your "
    "appointment, or add --full for all the advice and its sources."
)
NEXT_SHORT = "Next: add --full for all the advice and its sources."
BUDGET = {"emergency": 25, "urgent": 35, "routine": 45, "self_care": 45}


@dataclass
class Flag:
    level: str
    heading: str  # "URGENT: see a doctor today"
    title: str
    instructions: list[str]
    because: str


@dataclass
class Section:
    heading: str
    items: list[str]
    more: int = 0  # items left to --full
    trim: int = 0  # order in which a too-long page gives up items (1 first); 0 never
    inline: bool = False  # a list of titles, written in one paragraph


@dataclass
class Short:
    level: str
    headline: str  # "ROUTINE: book a GP appointment"
    summary: str
    flags: list[Flag] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    help_now: str = ""
    help_signs: list[str] = field(default_factory=list)
    next_step: str = ""
    disclaimer: str = ""
    closing: str = ""
    compact: bool = False  # no blank lines between sections: the last resort of `fit`


def instructions(advice: str, numbers: str, level: str, digits: Sequence[str] = ()) -> list[str]:
    """The sentences of a red flag's advice a person must act on, at the level the flag holds.

    A sentence naming the emergency numbers (`numbers` as the region says them, or one of
    `digits` standing alone) is the emergency's; the others belong below it. So what to do now
    is, at an emergency, the advice's first sentence (with the first sentence naming the
    numbers, when that one does not); below an emergency, the first sentence that does not
    name them: an advice that opens "If you have fainted ..., call 999 now" before "With
    palpitations alone, see a doctor today" says the second to a person with palpitations
    alone. A first sentence of a few words ("See a doctor today.") keeps the next one, saying
    how. Then, in the advice's order, the sentences starting "Do not" (what could do harm: do
    not massage that leg) and, below an emergency, those naming the numbers: when it becomes
    one. The knowledge checks hold such a sentence to saying when ("if"), so it is never the
    action of a flag below an emergency.
    """
    said = sentences(advice)

    def calls(sentence: str) -> bool:
        if numbers and numbers in sentence:
            return True
        return any(re.search(rf"(?<!\w){re.escape(d)}(?!\w)", sentence) for d in digits)

    act = ("Do not", "Take no more", "While you wait")
    if level == "emergency":
        start = 0
    else:
        start = next((n for n, sentence in enumerate(said) if not calls(sentence)), 0)
    keep: list[str] = []
    rest: list[str] = []
    for n, sentence in enumerate(said):
        if n == start:
            keep.append(sentence)
        elif n == start + 1 and len(said[start].split()) < 6 and not calls(sentence):
            keep.append(sentence)  # "See a doctor today." keeps the sentence saying how
        elif sentence.startswith(act):
            rest.append(sentence)
        elif calls(sentence) and (level != "emergency" or not any(map(calls, keep + rest))):
            rest.append(sentence)  # below an emergency: when it becomes one
    return keep + rest


def _cut(items: list[str], limit: int) -> tuple[list[str], int]:
    return items[:limit], max(0, len(items) - limit)


def build(doc: Mapping[str, Any], words: Words) -> Short:
    triage = doc["triage"]
    level = triage["level"]
    numbers = words.numbers(doc.get("region"))
    digits = words.emergency_digits(doc.get("region"))
    head = words.verdict(doc)
    short = Short(level=level, headline=head, summary=triage["summary"])
    for flag in doc["red_flags"]:
        if level == "emergency" and flag["triage"] != "emergency":
            continue  # nothing but the emergency itself at an emergency
        short.flags.append(
            Flag(
                level=flag["triage"],
                heading=heading(flag["triage"]),
                title=flag["title"],
                # a sentence the verdict above already says is not said twice
                instructions=[
                    s
                    for s in instructions(flag["advice"], numbers, flag["triage"], digits)
                    if s not in triage["summary"]
                ],
                because=words.because(flag["because"]),
            )
        )
    others = [f for f in doc["red_flags"] if level == "emergency" and f["triage"] != "emergency"]
    if level == "emergency":
        if others:
            short.sections.append(Section(ALSO, [f["title"] for f in others], inline=True))
        short.disclaimer = _not_a_diagnosis(doc["disclaimer"])
        short.closing = head
        return short

    max_causes, max_tips, max_cautions, max_doctor = LIMITS[level]
    causes = []
    for cause in doc["causes"]:
        reason = words.because(cause["because"], cause.get("drugs", []))
        if reason:
            causes.append(f"{cause['title']}. {reason}")
        elif level != "urgent":  # beside a red flag, a cause with no reason says nothing
            causes.append(cause["title"])
    if causes:
        items, more = _cut(causes, max_causes)
        short.sections.append(Section("What may be causing your cramps", items, more, 2))
    unread = [line for m in doc["medications"] if (line := unread_medicine(m))]
    if unread:
        items, more = _cut(unread, MAX_UNREAD)
        short.sections.append(Section(UNREAD, items, more, 5))
    tips = [tip["title"] for tip in doc["self_care"]]
    if tips:
        items, more = _cut(tips, max_tips)
        short.sections.append(Section("What you can do", items, more, 1))
    cautions = [c.get("title") or first_sentence(c["text"]) for c in doc["cautions"]]
    if cautions:
        items, more = _cut(cautions, max_cautions)
        short.sections.append(Section("Take care", items, more, 3))
    doctor = [item.get("title") or first_sentence(item["text"]) for item in doc["see_doctor"]]
    items, more = _cut(doctor, max_doctor)
    if doc["tests_to_discuss"]:
        items.append(
            "Tests to ask about: " + ", ".join(words.test(t) for t in doc["tests_to_discuss"])
        )
    if items:
        short.sections.append(Section("When to see a doctor", items, more, 4))

    reported = {(b["question"], b["answer"]) for f in doc["red_flags"] for b in f["because"]}
    signs = [label for q, value, label in words.emergency_signs if (q, value) not in reported]
    if signs:
        short.help_now = f"Call {numbers} now if you get:" if numbers else "Get help now if:"
        short.help_signs = signs
    short.next_step = NEXT
    short.disclaimer = _not_a_diagnosis(doc["disclaimer"])
    short.closing = head
    return short


def fit(short: Short, count: Callable[[Short], int]) -> Short:
    """Trim `short` until `count` (its rendered lines) is within the level's budget.

    In this order, each step only while the page is still too long: tips, causes, cautions
    and doctor items go from the end of each list down to one per section; red flags below
    the verdict's level shrink to their titles; the next step shrinks to --full; a later red
    flag's sentence on when to call the emergency numbers (the "get help now" line says it
    too) and the blank lines go; then whole sections, in the same order (--full has them
    all), so a region's longer wording costs form before content; last, the red flags'
    `because` lines. The verdict, the red flags of the verdict's level with what to do, the
    signs to get help for and the closing verdict always stay.
    """
    budget = BUDGET[short.level]
    steps = [
        _shorten_section,
        _collapse_lower_flag,
        _short_next_step,
        _trim_later_flag,
        _compact,
        _drop_section,
        _drop_because,
    ]
    for step in steps:
        while count(short) > budget and step(short):
            pass
    return short


def _shorten_section(short: Short) -> bool:
    trimmable = sorted(
        (s for s in short.sections if s.trim and len(s.items) > 1), key=lambda s: s.trim
    )
    if not trimmable:
        return False
    trimmable[0].items.pop()
    trimmable[0].more += 1
    return True


def _collapse_lower_flag(short: Short) -> bool:
    lower = [f for f in short.flags if f.level != short.level]
    if not lower:
        return False
    flag = lower[-1]
    short.flags.remove(flag)
    also = next((s for s in short.sections if s.heading == ALSO), None)
    if also is None:
        also = Section(ALSO, [], inline=True)
        short.sections.insert(0, also)
    also.items.insert(0, flag.title)
    return True


def _drop_because(short: Short) -> bool:
    flag = next((f for f in reversed(short.flags) if f.because), None)
    if flag is None:
        return False
    flag.because = ""
    return True


def _compact(short: Short) -> bool:
    if short.compact:
        return False
    short.compact = True
    return True


def _short_next_step(short: Short) -> bool:
    if short.next_step == NEXT_SHORT:
        return False
    short.next_step = NEXT_SHORT
    return True


def _trim_later_flag(short: Short) -> bool:
    """A later red flag keeps what to do and what not to do; when to call the emergency
    numbers stays in its --full advice and in the "get help now" line."""
    for flag in reversed(short.flags[1:]):
        if len(flag.instructions) > 1 and not flag.instructions[-1].startswith("Do not"):
            flag.instructions.pop()
            return True
    return False


def _drop_section(short: Short) -> bool:
    trimmable = sorted((s for s in short.sections if s.trim), key=lambda s: s.trim)
    if not trimmable:
        return False
    short.sections.remove(trimmable[0])
    return True


def _not_a_diagnosis(disclaimer: str) -> str:
    """The disclaimer's sentence that says this is not a diagnosis (all of it if none does).

    Its other sentences (general information; the emergency numbers) are said by the short
    result's own lines; --full and every other format carry the disclaimer whole.
    """
    return next((s for s in sentences(disclaimer) if "diagnosis" in s.lower()), disclaimer)


def shown(text: str) -> str:
    """Text from the assessment, safe to echo on a terminal."""
    return visible(text)
