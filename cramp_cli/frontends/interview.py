"""The interview of `cramps check`: ask a person, one question at a time, what the flags left out.

Everything it asks comes from rules.yaml (texts, help, choices, bounds, conditions, drink units),
so this module holds no clinical fact; it only knows how to ask each type of question. It talks
to the person through a Prompter (prompts.py), so tests drive it with a fake and the real
questionary widgets are drawn on standard error.

Order and safety: the emergency numbers first, then the questions in file order (age and sex,
the warning signs, then the rest), skipping those already answered and those that do not apply.
As soon as the answers make an emergency red flag fire, the questions stop: the person needs the
advice now, not more questions. Otherwise a review lets them change any answer before the result.

"Don't know" leaves a question unanswered (the key is absent), never "no" or "none", because the
rules treat a missing answer as unknown and a "no" as evidence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from ..engine.answers import describe_allowed, missing_required, normalise, normalise_value
from ..errors import AnswersError

if TYPE_CHECKING:
    from ..engine.answers import Answers
    from ..engine.medicines import MedicineMatch
    from ..engine.model import KnowledgeBase, Question
    from .prompts import Prompter


class _Marker:
    """A named answer that is not a value: distinct from every choice value in rules.yaml."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


DONT_KNOW = _Marker("DONT_KNOW")
NONE_OF_THESE = _Marker("NONE_OF_THESE")
SHOW_ASSESSMENT = _Marker("SHOW_ASSESSMENT")

DONT_KNOW_LABEL = "Don't know"
NONE_LABEL = "None of these"
FINISH_LABEL = "No, show my assessment"
IN_UNITS, IN_DRINKS = "units", "drinks"
# words a person may type for "I take no medicines" (an empty list, which is an answer)
NO_MEDICINES = frozenset({"none", "no", "nothing", "nil", "n/a"})
_SPLIT_MEDICINES = re.compile(r"[,;\n]+")
# a review line (question, answer) fits an 80-column terminal after questionary's pointer
REVIEW_QUESTION, REVIEW_ANSWER = 46, 28


def run_interview(
    kb: KnowledgeBase, raw: Mapping[str, Any], prompter: Prompter | None = None
) -> dict[str, Any]:
    """Ask for the answers `raw` (from flags) lacks; return the completed raw answers.

    Ctrl-C raises KeyboardInterrupt from the prompt (the CLI exits 130); Ctrl-D (EOFError) is
    turned into the same interruption, so the person sees one way of stopping.
    """
    if prompter is None:
        from .prompts import QuestionaryPrompter

        prompter = QuestionaryPrompter()
    try:
        return Interview(kb, dict(raw), prompter).run()
    except EOFError:
        raise KeyboardInterrupt from None


@dataclass
class Interview:
    """The state of one interview: answers so far and which questions were put to the person."""

    kb: KnowledgeBase
    raw: dict[str, Any]
    prompter: Prompter
    given: frozenset[str] = field(init=False)  # answered by flags before the interview
    asked: set[str] = field(default_factory=set)  # put to the person (answered or don't know)

    def __post_init__(self) -> None:
        self.given = frozenset(self.raw)

    # ----------------------------------------------------------------- the whole interview

    def run(self) -> dict[str, Any]:
        """Emergency line, the questions, then the review; stop early on an emergency."""
        self.prompter.say(f"In an emergency, call {self.kb.emergency_numbers} now.")
        self.prompter.say("Answer what you can: \"Don't know\" or an empty answer skips a "
                          "question. Ctrl-C stops.")  # fmt: skip
        if self.ask_pending(show_progress=True) or self.review():
            self.prompter.say("One of your answers can be a sign of an emergency, so the "
                              "questions stop here: read the advice below.")  # fmt: skip
        self.prompter.say("")
        return self.raw

    def facts(self) -> Answers:
        """The answers so far as the rules see them (what does not apply is dropped)."""
        return normalise(self.raw, self.kb)

    def next_question(self) -> Question | None:
        """The first question that applies and was neither given by a flag nor asked yet."""
        facts = self.facts()
        for question in self.kb.questions:
            if question.id in self.raw or question.id in self.asked:
                continue
            if question.asks(facts):
                return question
        return None

    def ask_pending(self, *, show_progress: bool) -> bool:
        """Ask every question still open, in order; True when an emergency stopped them."""
        while (question := self.next_question()) is not None:
            progress = self.progress(question) if show_progress else None
            self.record(question, self.ask(question, progress))
            if self.emergency():
                return True
        return False

    def progress(self, question: Question) -> str:
        """'5 of 18': this question's place among those that apply and are asked here.

        The total follows the answers: it drops when, say, the pregnancy questions stop applying.
        """
        facts = self.facts()
        to_ask = [q.id for q in self.kb.questions
                  if q.id not in self.given and q.asks(facts)]  # fmt: skip
        return f"{to_ask.index(question.id) + 1} of {len(to_ask)}"

    def record(self, question: Question, value: Any) -> None:
        """Store an answer (don't know removes it), then forget answers that stopped applying."""
        self.asked.add(question.id)
        if value is DONT_KNOW:
            self.raw.pop(question.id, None)
        else:
            self.raw[question.id] = value
        self.forget_not_applicable()

    def forget_not_applicable(self) -> None:
        """Drop what the person told us for questions that no longer apply (a changed sex
        makes the pregnancy answers moot) and let them be asked again if they apply again.
        Answers given by flags are left to `normalise`, which warns about them."""
        changed = True
        while changed:
            changed = False
            facts = self.facts()
            for question in self.kb.questions:
                if question.id in self.given or question.applies(facts):
                    continue
                if question.id in self.asked or question.id in self.raw:
                    self.asked.discard(question.id)
                    changed = self.raw.pop(question.id, None) is not None or changed

    def emergency(self) -> bool:
        """Whether the answers so far make an emergency red flag fire (age must be known)."""
        if missing_required(self.raw, self.kb):
            return False
        from ..engine.assess import assess

        return assess(self.kb, self.facts())["triage"]["level"] == "emergency"

    # ----------------------------------------------------------------- review

    def review(self) -> bool:
        """Show the answers and let the person change any; True when a change is an emergency."""
        while True:
            facts = self.facts()
            shown = [q for q in self.kb.questions
                     if (q.id in self.raw or q.id in self.asked) and q.applies(facts)]  # fmt: skip
            choices: list[tuple[str, Any]] = [(FINISH_LABEL, SHOW_ASSESSMENT)]
            choices += [(self.review_line(q), q.id) for q in shown]
            picked = self.prompter.select(
                "Check your answers. Choose one to change it, or see your assessment:",
                choices, instruction="(arrow keys and Enter)")  # fmt: skip
            if picked is SHOW_ASSESSMENT:
                return False
            question = self.kb.question_by_id[picked]
            self.record(question, self.ask(question, None))
            if self.emergency() or self.ask_pending(show_progress=False):
                return True

    def review_line(self, question: Question) -> str:
        """'How old are you?            67': question and answer in two columns, one line."""
        return f"{_clip(question.prompt, REVIEW_QUESTION):<{REVIEW_QUESTION}}  " \
            f"{_clip(self.describe(question), REVIEW_ANSWER)}"  # fmt: skip

    def describe(self, question: Question) -> str:
        """An answer in the person's words: choice labels, Yes/No, "Don't know"."""
        if question.id not in self.raw:
            return DONT_KNOW_LABEL
        value = self.raw[question.id]
        if question.type == "boolean":
            return "Yes" if value else "No"
        if question.type == "choice":
            return question.label_of(normalise_value(question, value, None))
        if question.type in ("multi_choice", "medicines"):
            items = normalise_value(question, value, None)
            if not items:
                return NONE_LABEL if question.type == "multi_choice" else "None"
            labels = [question.label_of(v) if question.type == "multi_choice" else v for v in items]
            return "; ".join(labels)
        return _number_text(value)

    # ----------------------------------------------------------------- one question

    def ask(self, question: Question, progress: str | None) -> Any:
        """Ask one question with the widget its type calls for; DONT_KNOW when not answered."""
        message = question.prompt if progress is None else f"({progress}) {question.prompt}"
        if question.help:
            self.prompter.say("")
            self.prompter.say(f"  {question.help}")
        ask: dict[str, Callable[[Question, str], Any]] = {
            "integer": self.ask_number, "number": self.ask_number,
            "boolean": self.ask_boolean, "choice": self.ask_choice,
            "multi_choice": self.ask_checklist, "medicines": self.ask_medicines,
        }  # fmt: skip
        if question.drink_units:
            return self.ask_alcohol(question, message)
        return ask[question.type](question, message)

    def ask_number(self, question: Question, message: str) -> Any:
        """A number checked against the question's bounds; empty means don't know."""
        current = self.raw.get(question.id)
        default = "" if current is None else _number_text(current)
        skip = "" if question.required else "; empty if you don't know"
        text = self.prompter.text(
            message, validate=number_validator(question), default=default,
            instruction=f"({describe_allowed(question)}{skip})")  # fmt: skip
        return DONT_KNOW if not text.strip() else parse_number(question, text)

    def ask_boolean(self, question: Question, message: str) -> Any:
        """Yes / No / Don't know."""
        choices = [("Yes", True), ("No", False), (DONT_KNOW_LABEL, DONT_KNOW)]
        return self.prompter.select(message, choices, default=self.raw.get(question.id))

    def ask_choice(self, question: Question, message: str) -> Any:
        """One of the question's choices, or don't know."""
        choices = [(c.label, c.value) for c in question.choices]
        choices.append((DONT_KNOW_LABEL, DONT_KNOW))
        current = self.raw.get(question.id)
        default = None if current is None else normalise_value(question, current, None)
        return self.prompter.select(message, choices, default=default)

    def ask_checklist(self, question: Question, message: str) -> Any:
        """Any of the choices, or an explicit "None of these", or "Don't know".

        An empty submission is refused: for the warning signs, pressing Enter without reading
        must not count as "none of these".
        """
        choices = [(c.label, c.value) for c in question.choices]
        choices += [(NONE_LABEL, NONE_OF_THESE), (DONT_KNOW_LABEL, DONT_KNOW)]
        current = self.raw.get(question.id)
        checked: list[Any] = []
        if current is not None:
            checked = normalise_value(question, current, None) or [NONE_OF_THESE]
        picked = self.prompter.checkbox(
            message, choices, validate=checklist_validator, checked=checked,
            instruction=f"(arrows to move, Space to tick, Enter when done; '{NONE_LABEL}' "
                        "is at the end)")  # fmt: skip
        if DONT_KNOW in picked:
            return DONT_KNOW
        return [] if NONE_OF_THESE in picked else list(picked)

    # ----------------------------------------------------------------- medicines

    def ask_medicines(self, question: Question, message: str) -> Any:
        """Free text, several names separated by commas; each is shown as recognised."""
        current = self.raw.get(question.id)
        default = ", ".join(current) if current else ""
        text = self.prompter.text(
            message, default=default,
            instruction="(separate them with commas; none if you take none; "
                        "empty if you don't know)")  # fmt: skip
        names = split_medicines(text)
        if names is None:
            return DONT_KNOW
        settled: list[str] = []
        for name in names:
            kept = self.settle_medicine(name)
            if kept not in settled:
                settled.append(kept)
        return settled

    def settle_medicine(self, name: str) -> str:
        """Show what an entry was recognised as, part by part; ask which one for a lay name
        that could be several ('Which water tablet?'); confirm each near miss; offer to
        retype what was not recognised.

        A near miss the person confirms, or a choice they pick, is stored in place of what
        they typed (so saved answers read back as an exact match); a part not recognised is
        kept as typed and reported as unknown.
        """
        kept_groups: set[str] = set()
        while True:
            match = self.kb.medicines.match(name)
            picked = self.pick_from_groups(name, match, kept_groups)
            if picked != name:
                name = picked
                continue
            declined, confirmed = None, []
            for part in match.parts:
                if part.match != "fuzzy":
                    continue
                if self.prompter.confirm(f"Did you mean {part.name} for '{part.text}'?",
                                         default=True):  # fmt: skip
                    confirmed.append(part)
                else:
                    declined = part
            for part in reversed(confirmed):  # from the end, so earlier positions hold
                name = name[: part.start] + part.name + name[part.start + len(part.text) :]
            match = self.kb.medicines.match(name)
            unread = [u for u in match.unrecognised if u not in kept_groups]
            if declined is None and match.parts and not unread:
                self.prompter.say(f"  {self.recognised(match, name)}")
                return name
            if declined is not None:
                note = f"(kept as typed, it is still read as {declined.name})"
            else:
                self.prompter.say(f"  {self.unread(match, name, unread)}")
                note = "(a name you keep is listed as not recognised)"
            retyped = self.prompter.text(
                f"Retype '{name}', or press Enter to keep it as typed:", instruction=note)
            if not retyped.strip() or retyped.strip() == name:
                self.prompter.say(f"  {name} -> kept as typed")
                return name
            name = retyped.strip()

    def pick_from_groups(self, name: str, match: MedicineMatch, kept: set[str]) -> str:
        """'Which water tablet?' for each lay name that could be several medicines; the
        one picked replaces it. 'Not sure' keeps it (reported as not recognised)."""
        for item in match.ambiguous:
            if item.text in kept:
                continue
            choices: list[tuple[str, Any]] = [(c, c) for c in item.choices]
            choices.append(("Not sure: keep it as typed", None))
            picked = self.prompter.select(
                f"Which {item.name}? ('{item.text}' could be one of several {item.group})",
                choices)  # fmt: skip
            if picked is None:
                kept.add(item.text)
                self.prompter.say(f"  {item.text} -> not recognised (one of several "
                                  f"{item.group}; ask your pharmacist which)")  # fmt: skip
                continue
            at = name.find(item.text)
            return name[:at] + picked + name[at + len(item.text) :]
        return name

    def recognised(self, match: MedicineMatch, name: str) -> str:
        """'Lipitor -> atorvastatin, a statin (cholesterol-lowering medicine)': the generic(s)
        and the class label(s) of rules.yaml, so the person can tell a wrong match at once."""
        labels = [str(self.kb.medicine_classes.get(c, {}).get("label", c)) for c in match.classes]
        what = " + ".join(match.generics)
        return f"{name} -> {what}, " + (" and ".join(labels) if labels else "recognised")

    def unread(self, match: MedicineMatch, name: str, unread: list[str]) -> str:
        """What was not recognised, with hints only within the typo tolerance (or names the
        typed text begins), so a person is never offered unrelated medicines."""
        hints = list(dict.fromkeys(h for text in unread
                                   for h in self.kb.medicines.suggestions(text)))  # fmt: skip
        near = f" (nearest known: {', '.join(hints[:3])})" if hints else ""
        if not match.parts:
            return f"{name} -> not recognised{near}"
        return (f"{name} -> {' + '.join(match.generics)}; not recognised: "
                f"{', '.join(unread)}{near}")  # fmt: skip

    # ----------------------------------------------------------------- alcohol

    def ask_alcohol(self, question: Question, message: str) -> Any:
        """UK units, or drinks of each kind in rules.yaml converted to units."""
        while True:
            mode = self.prompter.select(message, [
                ("I will give a number of UK units", IN_UNITS),
                ("Count my drinks instead (cramps works out the units)", IN_DRINKS),
                ("None: I do not drink alcohol", 0),
                (DONT_KNOW_LABEL, DONT_KNOW),
            ])  # fmt: skip
            if mode == IN_UNITS:
                return self.ask_number(question, "How many UK units in a typical week?")
            if mode != IN_DRINKS:
                return mode
            total = self.count_drinks(question)
            try:
                return normalise_value(question, total, None)
            except AnswersError:  # only if rules.yaml bounds the units more tightly
                self.prompter.say(f"  That is not {describe_allowed(question)}; try again.")

    def count_drinks(self, question: Question) -> int | float:
        """How many of each drink in rules.yaml a week, as UK units."""
        per_drink = drink_count_question(question)
        counts: dict[str, float] = {}
        for label in question.drink_units:
            text = self.prompter.text(
                f"In a typical week, how many of: {label}?",
                validate=number_validator(per_drink), instruction="(Enter for none)")  # fmt: skip
            counts[label] = parse_number(per_drink, text) if text.strip() else 0
        total = drinks_to_units(question.drink_units, counts)
        self.prompter.say(f"  That is about {_number_text(total)} UK units a week.")
        return total


# --------------------------------------------------------------------- helpers without state


def parse_number(question: Question, text: str) -> int | float:
    """A typed number in canonical form ('7' -> 7, '0,5' -> 0.5), or AnswersError."""
    cleaned = text.strip()
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # a decimal comma
    try:
        value: int | float = int(cleaned)
    except ValueError:
        try:
            value = float(cleaned)
        except ValueError:
            raise AnswersError(f"'{text.strip()}' is not a number") from None
    return normalise_value(question, value, None)


def number_validator(question: Question) -> Callable[[str], bool | str]:
    """A check for a typed number giving the reason it was refused, from the question's bounds."""
    allowed = describe_allowed(question)

    def check(text: str) -> bool | str:
        if not text.strip():
            return True if not question.required else f"An answer is needed: enter {allowed}"
        try:
            parse_number(question, text)
        except AnswersError:
            return f"Enter {allowed}" + ("" if question.required else ", or leave it empty")
        return True

    return check


def checklist_validator(picked: list[Any]) -> bool | str:
    """'None of these' and 'Don't know' stand alone; an empty checklist is not an answer."""
    if not picked:
        return f"Tick at least one with Space, or tick '{NONE_LABEL}' or '{DONT_KNOW_LABEL}'"
    for marker, label in ((NONE_OF_THESE, NONE_LABEL), (DONT_KNOW, DONT_KNOW_LABEL)):
        if marker in picked and len(picked) > 1:
            return f"'{label}' cannot be ticked with other answers: untick one"
    return True


def split_medicines(text: str) -> list[str] | None:
    """'Lipitor 40 mg, furosemide' -> two names; 'none' -> []; empty -> None (don't know)."""
    if not text.strip():
        return None
    if text.strip().lower() in NO_MEDICINES:
        return []
    names: list[str] = []
    for part in _SPLIT_MEDICINES.split(text):
        if part.strip() and part.strip() not in names:
            names.append(part.strip())
    return names


def drink_count_question(question: Question) -> Any:
    """A stand-in question for 'how many of this drink a week': any number from 0, optional.

    It has just what describe_allowed and normalise_value read, so the count gets the same
    checks and messages as every other number.
    """
    return SimpleNamespace(id=question.id, type="number", min=0, max=None, exclusive_min=False,
                           required=False)  # fmt: skip


def drinks_to_units(
    drink_units: Mapping[str, float], counts: Mapping[str, float]
) -> int | float:
    """Weekly units from drinks per week, rounded to one decimal as the NHS tables are."""
    total = sum(drink_units[label] * counts.get(label, 0) for label in drink_units)
    rounded = round(total, 1)
    return int(rounded) if float(rounded).is_integer() else rounded


def _number_text(value: Any) -> str:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 3, 1)].rstrip() + "..."
