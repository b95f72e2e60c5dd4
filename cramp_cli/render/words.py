"""Plain words shared by every rendering (short, full, plain, Markdown, the report), so all say
the same thing in the same words.

Levels are written as their name with what to do ("URGENT: see a doctor today"), never as a
code. "Because" lines speak in the person's words, built from the questions' own wording in the
knowledge base (`Words`, made once per run from the knowledge model): the program adds no
clinical fact of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..engine.model import KnowledgeBase

LEVEL_NAMES = {
    "emergency": "EMERGENCY",
    "urgent": "URGENT",
    "routine": "ROUTINE",
    "self_care": "SELF-CARE",
}
LEVEL_ACTIONS = {
    "emergency": "get help now",
    "urgent": "see a doctor today",
    "routine": "book a GP appointment",
    "self_care": "you can look after this yourself",
}
# Kept for the report (render/report_md.py): the level with its action.
TRIAGE_HEADINGS = {level: f"{LEVEL_NAMES[level]}: {LEVEL_ACTIONS[level]}" for level in LEVEL_NAMES}

# C0 and C1 control characters, DEL included: a medicine name typed as "\x1b[2J" must not
# clear the reader's screen, and a newline must not forge a line of the result.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def visible(text: Any) -> str:
    """`text` with every control character shown as an escape (`\\x1b`), for echoing input."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


# A sentence ends at . ! ? before a space and a capital, digit or quote ("0.5" does not end one).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def sentences(text: str) -> list[str]:
    """The sentences of a passage of the knowledge base."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def first_sentence(text: str) -> str:
    parts = sentences(text)
    return parts[0] if parts else ""


def plain(word: Any) -> str:
    if isinstance(word, bool):
        return "yes" if word else "no"
    return visible(word).replace("_", " ")


def heading(
    level: str, numbers: str | None = None, summary: str = "", say: str | None = None
) -> str:
    """'URGENT: see a doctor today'; an emergency names its numbers when the summary does
    (`say`: the numbers in short, "999" or "999, 112, 911 or 000", when the summary's phrase
    is long).

    Pre-eclampsia's summary sends the person to the maternity unit first: its heading then
    says "get help now", and the summary below says whom to call.
    """
    action = LEVEL_ACTIONS[level]
    if level == "emergency" and numbers and summary.lower().startswith(f"call {numbers}".lower()):
        action = f"call {say or numbers} now"
    return f"{LEVEL_NAMES[level]}: {action}"


def _either(numbers: tuple[str, ...]) -> str:
    """("999", "112", "911") -> "999, 112 or 911"."""
    return numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} or {numbers[-1]}"


@dataclass(frozen=True)
class Words:
    """What the renderings need from the knowledge base besides the assessment.

    Built once from the knowledge model (`from_knowledge`); a rendering never evaluates a rule.
    """

    prompts: Mapping[str, str] = field(default_factory=dict)
    types: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, Mapping[Any, str]] = field(default_factory=dict)
    class_labels: Mapping[str, str] = field(default_factory=dict)
    tests: Mapping[str, str] = field(default_factory=dict)
    emergency_numbers: str = ""
    # region code -> (its rewrite of the knowledge base's texts, its emergency numbers)
    regions: Mapping[str, tuple[Callable[[str], str], tuple[str, ...]]] = field(
        default_factory=dict
    )
    # (question id, value, words) of the signs that alone make a result an emergency
    emergency_signs: tuple[tuple[str, Any, str], ...] = ()

    def numbers(self, region: str | None) -> str:
        """The emergency numbers as the region's texts say them."""
        found = self.regions.get(region or "")
        return found[0](self.emergency_numbers) if found else self.emergency_numbers

    def emergency_digits(self, region: str | None) -> tuple[str, ...]:
        """The emergency numbers themselves ("999"), as a phone needs them: the region's, or
        without one, those the knowledge base's phrase names."""
        found = self.regions.get(region or "")
        return found[1] if found else tuple(re.findall(r"(?<!\w)\d{3}(?!\w)", self.numbers(None)))

    def verdict(self, doc: Mapping[str, Any]) -> str:
        """The level in words with its action, in the words of the document's region."""
        triage, region = doc["triage"], doc.get("region")
        found = self.regions.get(region or "")
        say = _either(found[1]) if found else None
        verdict = heading(triage["level"], self.numbers(region), triage["summary"], say)
        return found[0](verdict) if found else verdict  # "book a GP appointment" too

    def answer(self, question: str, value: Any) -> str:
        """One `because` item in the person's words."""
        kind = self.types.get(question)
        if kind == "medicines":
            return f"You take {visible(value)}"
        if question in self.labels and value in self.labels[question]:
            return f"You said: {visible(self.labels[question][value])}"
        prompt = self.prompts.get(question)
        if prompt is None:
            return f"{plain(question)}: {plain(value)}"
        return f'You answered {plain(value)} to "{prompt}"'

    def because(
        self, items: Sequence[Mapping[str, Any]], drugs: Sequence[Mapping[str, Any]] = ()
    ) -> str:
        """'You take atorvastatin (a statin ...); You said: Diabetes' from a `because` list."""
        named = {d["input"]: d for d in drugs}
        parts = []
        for b in items:
            line = self.answer(b["question"], b["answer"])
            drug = named.get(b["answer"]) if self.types.get(b["question"]) == "medicines" else None
            if drug is not None:
                label = self.class_labels.get(drug["class"], plain(drug["class"]))
                if drug["generic"].lower() != str(drug["input"]).lower():
                    line += f" ({drug['generic']})"
                line += f", {label}"
            parts.append(line)
        return "; ".join(dict.fromkeys(parts))

    def test(self, test_id: str) -> str:
        return test_label(test_id, self.tests)


def _symptom_tests(condition: Any, question: str) -> set[Any]:
    """Values a condition tests directly on `question`: alone or as one option of an `any`."""
    from ..engine.conditions import Any_, Test

    if isinstance(condition, Test):
        if condition.question == question and condition.op in ("contains_any", "equals"):
            values = (
                condition.value if isinstance(condition.value, list | tuple) else [condition.value]
            )
            return set(values)
        return set()
    if isinstance(condition, Any_):
        return set().union(*(_symptom_tests(item, question) for item in condition.items))
    return set()


def from_knowledge(kb: KnowledgeBase) -> Words:
    """The words of one knowledge base: prompts, labels and the emergency signs.

    An emergency sign is a warning-sign answer that on its own makes a red flag an emergency
    (the symptom labels of emergency red flags): what the "get help now" list names.
    """
    question = next((q for q in kb.questions if q.warning_signs), None)
    signs: list[Any] = []
    if question is not None:
        for rule in kb.rules:
            if rule.kind != "red_flag" or rule.when is None:
                continue
            direct = _symptom_tests(rule.when, question.id)
            found = set(direct) if rule.triage == "emergency" else set()
            for escalation in rule.triage_when:
                if escalation.level == "emergency":
                    found |= direct & _symptom_tests(escalation.when, question.id)
            signs += [v for v in question.choice_values if v in found and v not in signs]
        order = {v: n for n, v in enumerate(question.choice_values)}
        signs.sort(key=order.__getitem__)
    return Words(
        prompts={q.id: q.prompt for q in kb.questions},
        types={q.id: q.type for q in kb.questions},
        labels={q.id: {c.value: c.label for c in q.choices} for q in kb.questions if q.choices},
        class_labels={k: str(v.get("label", plain(k))) for k, v in kb.medicine_classes.items()},
        tests=dict(kb.tests),
        emergency_numbers=kb.emergency_numbers,
        regions={code: (r.rewrite, r.emergency) for code, r in kb.regions.items()},
        emergency_signs=tuple((question.id, v, question.label_of(v)) for v in signs)
        if question is not None
        else (),
    )


def because(items: list[Mapping[str, Any]]) -> str:
    """'age: 67; medications: Lipitor' from a `because` list, without a knowledge base."""
    return "; ".join(f"{plain(b['question'])}: {plain(b['answer'])}" for b in items)


def medicine(m: Mapping[str, Any]) -> str:
    name = visible(m["input"])
    if m["match"] == "unknown":
        return f"{name}: not recognised"
    what = " + ".join(m["generics"])
    classes = ", ".join(plain(c) for c in m["classes"]) or "not linked to cramps"
    how = {"exact": "", "brand": " (brand name)", "fuzzy": " (closest spelling)"}[m["match"]]
    return f"{name} -> {what}{how}: {classes}"


def unread_medicine(m: Mapping[str, Any]) -> str | None:
    """A line for a medicine entry cramps could not read in full, or None when it could.

    The short result says so, because a cause linked to a medicine it did not read cannot
    show: a person who typed their water tablet with a slip must not take the silence for an
    all-clear."""
    name = visible(m["input"].strip())
    groups = m.get("ambiguous") or []
    if groups:
        return "; ".join(
            f"'{visible(a['text'])}' could be one of several {a['group']}: name it "
            f"(for example {', '.join(a['choices'][:3])})"
            for a in groups
        )
    if m["match"] == "unknown":
        return f"'{name}' was not recognised: check the spelling, or ask a pharmacist"
    if m["unrecognised"]:
        parts = ", ".join(visible(u) for u in m["unrecognised"])
        return f"In '{name}', not recognised: {parts}"
    return None


def test_label(test_id: str, labels: Mapping[str, str] | None) -> str:
    return (labels or {}).get(test_id, plain(test_id))
