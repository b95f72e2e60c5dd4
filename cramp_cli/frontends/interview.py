"""The interview of `cramps check`: ask a person, one question at a time, what the flags left out.

Everything it asks comes from rules.yaml (texts, help, choices, bounds, conditions, drink units),
so this module holds no clinical fact; it only knows how to ask each type of question. It talks
to the person through a Prompter (prompts.py for the widgets, line_prompts.py for a plain
terminal), so tests drive it with a fake and the real widgets are drawn on standard error.

Written for a tired person, or a parent typing for a child, at 3 a.m.:
- Nothing is chosen for them. Every list starts on "Don't know" and y / n / d (and the first
  letters of the choices) answer at once; Enter on an empty checklist is "don't know", never
  "none of these". "Don't know" leaves a question unanswered (the key is absent), because the
  rules treat a missing answer as unknown and a "no" as evidence.
- The warning signs come in short screens, the ones the knowledge base's emergency and urgent
  red flags name first, "None of these" at the top and "Don't know" at the bottom.
- Urgent signs are acted on at once: after each answer the engine assesses the answers so far;
  an emergency stops the questions, and an urgent red flag shows its advice straight away and
  asks whether to stop (the default) or go on. Ctrl-C after a red flag has shown repeats it.
- Under 12, `ask_when` in rules.yaml spares the adult questions, and the children's note comes
  first. Every prompt but the first offers Back; a review lets any answer be changed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from ..engine.answers import describe_allowed, missing_required, normalise, normalise_value
from ..errors import AnswersError
from .prompts import GoBack

if TYPE_CHECKING:
    from ..engine.answers import Answers
    from ..engine.conditions import Condition
    from ..engine.medicines import MedicineMatch
    from ..engine.model import Choice, KnowledgeBase, Question
    from .prompts import Prompter, Validator


class _Marker:
    """A named answer that is not a value: distinct from every choice value in rules.yaml."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


DONT_KNOW = _Marker("DONT_KNOW")
NONE_OF_THESE = _Marker("NONE_OF_THESE")
SHOW_ASSESSMENT = _Marker("SHOW_ASSESSMENT")
STOP_HERE = _Marker("STOP_HERE")
GO_ON = _Marker("GO_ON")

DONT_KNOW_LABEL = "Don't know"
NONE_LABEL = "None of these"
FINISH_LABEL = "No, show my assessment"
NOW_PROMPT = "Is any of these happening now?"
IN_UNITS, IN_DRINKS = "units", "drinks"
# words a person may type for "I take no medicines" (an empty list, which is an answer)
NO_MEDICINES = frozenset({"none", "no", "nothing", "nil", "n/a"})
_SPLIT_MEDICINES = re.compile(r"[,;\n]+")
# Warning signs per screen: with "None of these" and "Don't know", a list that fits a small
# terminal with its labels wrapped, and that a person can read through at 3 a.m.
SIGNS_PER_SCREEN = 9
# keys a choice never gets from its first letter: d is "Don't know", b is Back
_RESERVED_KEYS = frozenset({"d", "b"})
SERIOUS = ("emergency", "urgent")  # triage levels whose red flags are acted on at once
CHECKLIST_KEYS = "(Space ticks, Enter when done; Enter with nothing ticked: Don't know; b: back)"
# stop reasons
EMERGENCY, STOPPED = "emergency", "stopped"


def run_interview(
    kb: KnowledgeBase,
    raw: Mapping[str, Any],
    prompter: Prompter | None = None,
    region: str | None = None,
) -> dict[str, Any]:
    """Ask for the answers `raw` (from flags) lacks; return the completed raw answers.

    Ctrl-C raises KeyboardInterrupt from the prompt (the CLI exits 130); Ctrl-D (EOFError) is
    turned into the same interruption, so the person sees one way of stopping. Either way, the
    advice of any red flag already shown is printed again first: it must not be lost.
    """
    if prompter is None:
        from .prompts import QuestionaryPrompter

        prompter = QuestionaryPrompter()
    interview = Interview(kb, dict(raw), prompter, region)
    try:
        return interview.run()
    except (KeyboardInterrupt, EOFError):
        interview.repeat_advice()
        raise KeyboardInterrupt from None


def make_prompter(style: str) -> Prompter:
    """The prompter for a terminal style of console/terminal.py: "widgets" or "lines"."""
    from .asking import make_prompter

    return make_prompter(style)


def offer_to_save(prompter: Prompter, doc: Mapping[str, Any]) -> bool:
    """At the end of an interview: whether to keep the assessment in the diary.

    Not offered at emergency level, where the last words on the screen must stay the advice.
    Enter alone is "not now": nothing is written without a yes.
    """
    if doc["triage"]["level"] == "emergency":
        return False
    prompter.say("")
    keep = prompter.select(
        "Save this assessment in your diary, for a report to take to a doctor?",
        [("Not now", False), ("Yes, save it", True)],
        default=False,
        keys=["n", "y"],
        instruction="(y or n)",
    )
    if not keep:
        prompter.say(
            "Not saved. cramps check --save keeps an assessment, and cramps report "
            "makes a report from the diary to take to a doctor."
        )
    return bool(keep)


class _Stopped(Exception):
    """Raised from inside a question (between warning-sign screens) to end the questions."""

    def __init__(self, reason: str, value: Any):
        super().__init__(reason)
        self.reason = reason
        self.value = value


class _OfferBack:
    """A Prompter that offers Back unless a prompt says `back=False`.

    The interview offers Back everywhere, including the prompts of the medicines question,
    whose code asks through `self.prompter` without knowing about Back.
    """

    def __init__(self, prompter: Prompter):
        self.inner = prompter

    def text(self, message: str, **kwargs: Any) -> str:
        return self.inner.text(message, **{"back": True, **kwargs})

    def select(self, message: str, choices: Sequence[tuple[str, Any]], **kwargs: Any) -> Any:
        return self.inner.select(message, choices, **{"back": True, **kwargs})

    def checkbox(
        self, message: str, choices: Sequence[tuple[str, Any]], **kwargs: Any
    ) -> list[Any]:
        return self.inner.checkbox(message, choices, **{"back": True, **kwargs})

    def confirm(self, message: str, **kwargs: Any) -> bool:
        return self.inner.confirm(message, **{"back": True, **kwargs})

    def say(self, text: str) -> None:
        self.inner.say(text)


@dataclass
class Interview:
    """The state of one interview: answers so far and which questions were put to the person."""

    kb: KnowledgeBase
    raw: dict[str, Any]
    prompter: Any  # a Prompter, wrapped to offer Back
    region: str | None = None  # the reader's country: its emergency number and services
    given: frozenset[str] = field(init=False)  # answered by flags before the interview
    asked: set[str] = field(default_factory=set)  # put to the person (answered or don't know)
    history: list[str] = field(default_factory=list)  # asked in order, for Back
    shown: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # red flags shown
    told_child: bool = False

    def __post_init__(self) -> None:
        self.given = frozenset(self.raw)
        self.prompter = _OfferBack(self.prompter)

    # ----------------------------------------------------------------- the whole interview

    def run(self) -> dict[str, Any]:
        """Emergency line, the questions, then the review; stop early on a red flag."""
        numbers = self.kb.emergency_numbers
        region = self.kb.regions.get(self.region or self.kb.default_region or "")
        if region is not None:
            numbers = region.rewrite(numbers)
        self.prompter.say(f"In an emergency, call {numbers} now.")
        self.prompter.say(
            'Answer what you can: Enter alone is "Don\'t know", b goes back '
            "to the question before, Ctrl-C stops."
        )
        reason = self.ask_pending() or self.review()
        if reason == EMERGENCY:
            self.prompter.say(
                "One of your answers can be a sign of an emergency, so the "
                "questions stop here: read the advice below."
            )
        elif reason == STOPPED:
            self.prompter.say("The questions stop here: read the advice below.")
        self.prompter.say("")
        return self.raw

    def facts(self) -> Answers:
        """The answers so far as the rules see them (what does not apply is dropped)."""
        return normalise(self.raw, self.kb)

    def next_question(self) -> Question | None:
        """The first question the interview asks that was neither given by a flag nor asked."""
        facts = self.facts()
        for question in self.kb.questions:
            if question.id in self.given or question.id in self.asked:
                continue
            if question.asks(facts):
                return question
        return None

    def ask_pending(self) -> str | None:
        """Ask every question still open, in order; the reason when a red flag stopped them."""
        while (question := self.next_question()) is not None:
            try:
                value = self.ask(question)
            except GoBack:
                self.go_back()
                continue
            except _Stopped as stop:
                self.record(question, stop.value)
                return stop.reason
            self.record(question, value)
            self.history.append(question.id)
            if reason := self.act_on_red_flags():
                return reason
        return None

    def go_back(self) -> None:
        """Open the previous question again; its answer stays as the starting point."""
        if not self.history:
            self.prompter.say("  This is the first question.")
            return
        self.asked.discard(self.history.pop())

    def record(self, question: Question, value: Any) -> None:
        """Store an answer (don't know removes it), then forget answers that stopped applying."""
        self.asked.add(question.id)
        if value is DONT_KNOW:
            self.raw.pop(question.id, None)
        else:
            self.raw[question.id] = value
        self.forget_not_applicable()
        self.tell_if_child()

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

    def tell_if_child(self) -> None:
        """Under the knowledge base's children's age, its note comes before anything else."""
        age = self.raw.get("age")
        if self.told_child or not isinstance(age, int | float) or isinstance(age, bool):
            return
        if age < self.kb.children_under_age:
            item = self.kb.see_doctor.get(self.kb.children_see_doctor)
            if item is not None:
                self.prompter.say("")
                self.prompter.say(f"  {item.text}")
                self.told_child = True

    # ----------------------------------------------------------------- red flags, at once

    def assessment(self) -> dict[str, Any] | None:
        """The engine's assessment of the answers so far (None until the age is known)."""
        if missing_required(self.raw, self.kb):
            return None
        from ..engine.assess import assess

        return assess(self.kb, self.facts(), self.region)

    def act_on_red_flags(self) -> str | None:
        """EMERGENCY when the answers so far are an emergency; for a new urgent red flag, its
        advice now and the choice to stop (STOPPED, the default) or go on (None)."""
        doc = self.assessment()
        if doc is None:
            return None
        serious = [flag for flag in doc["red_flags"] if flag["triage"] in SERIOUS]
        new = [flag for flag in serious if flag["id"] not in self.shown]
        self.shown.update((flag["id"], flag) for flag in serious)
        if doc["triage"]["level"] == "emergency":
            return EMERGENCY
        if not new:
            return None
        for flag in new:
            self.show_flag(flag)
        picked = self.prompter.select(
            "Stop here, or go on with the questions?",
            [
                ("Stop here and read the advice", STOP_HERE),
                ("Go on to find what may be adding to the cramps", GO_ON),
            ],
            default=STOP_HERE,
            keys=["s", "g"],
            back=False,
            instruction="(s or g; Enter: stop here)",
        )
        return STOPPED if picked is STOP_HERE else None

    def show_flag(self, flag: Mapping[str, Any]) -> None:
        level = str(flag["triage"]).upper()
        self.prompter.say("")
        self.prompter.say(f"  {level}: {flag['title']}")
        if flag.get("advice"):
            self.prompter.say(f"  {flag['advice']}")
        self.prompter.say("")

    def repeat_advice(self) -> None:
        """After Ctrl-C: the advice of every red flag shown, so stopping does not lose it."""
        if not self.shown:
            return
        self.prompter.say("")
        self.prompter.say("Before you go, the advice you were shown:")
        for flag in self.shown.values():
            self.show_flag(flag)

    # ----------------------------------------------------------------- review

    def review(self) -> str | None:
        """Show the answers and let the person change any; the reason if a change stops it."""
        while True:
            facts = self.facts()
            shown = [
                q
                for q in self.kb.questions
                if (q.id in self.raw or q.id in self.asked) and q.applies(facts)
            ]
            choices: list[tuple[str, Any]] = [(FINISH_LABEL, SHOW_ASSESSMENT)]
            choices += [(self.review_line(q), q.id) for q in shown]
            picked = self.prompter.select(
                "Check the answers. Choose one to change it, or see the assessment:",
                choices,
                default=SHOW_ASSESSMENT,
                back=False,
                instruction="(arrow keys and Enter)",
            )
            if picked is SHOW_ASSESSMENT:
                return None
            question = self.kb.question_by_id[picked]
            try:
                value = self.ask(question)
            except GoBack:
                continue
            except _Stopped as stop:
                self.record(question, stop.value)
                return stop.reason
            self.record(question, value)
            if reason := self.act_on_red_flags() or self.ask_pending():
                return reason

    def review_line(self, question: Question) -> str:
        """'How old is the person with cramps?  67': the question and the whole answer."""
        return f"{question.prompt}  {self.describe(question)}"

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
        if question.choices:
            return question.label_of(value)
        return _number_text(value)

    # ----------------------------------------------------------------- one question

    def ask(self, question: Question) -> Any:
        """Ask one question with the widget its type calls for; DONT_KNOW when not answered."""
        message = question.prompt
        if question.help:
            self.prompter.say("")
            self.prompter.say(f"  {question.help}")
        if question.drink_units:
            return self.ask_alcohol(question, message)
        if question.warning_signs:
            return self.ask_warning_signs(question)
        if question.type in ("integer", "number") and question.choices:
            return self.ask_choice(question, message)
        ask: dict[str, Callable[[Question, str], Any]] = {
            "integer": self.ask_number,
            "number": self.ask_number,
            "boolean": self.ask_boolean,
            "choice": self.ask_choice,
            "multi_choice": self.ask_checklist,
            "medicines": self.ask_medicines,
        }
        return ask[question.type](question, message)

    def ask_number(self, question: Question, message: str) -> Any:
        """A number checked against the question's bounds; empty means don't know."""
        current = self.raw.get(question.id)
        default = "" if current is None else _number_text(current)
        skip = "" if question.required else "; Enter alone if you don't know"
        back = "" if not self.history else "; b: back"
        text = self.prompter.text(
            message,
            validate=number_validator(question),
            default=default,
            instruction=f"({describe_allowed(question)}{skip}{back})",
        )
        return DONT_KNOW if not text.strip() else parse_number(question, text)

    def ask_boolean(self, question: Question, message: str) -> Any:
        """Yes / No / Don't know, starting on Don't know; y, n and d answer at once."""
        return self.pick_one(question, message, [("Yes", True), ("No", False)])

    def ask_choice(self, question: Question, message: str) -> Any:
        """One of the question's choices, or don't know; a first letter answers at once.

        Also asks a number question whose rules.yaml entry offers choices (ranges a person
        can pick, each mapped onto a number: cramp length, weeks of pregnancy).
        """
        return self.pick_one(question, message, [(c.label, c.value) for c in question.choices])

    def pick_one(self, question: Question, message: str, options: list[tuple[str, Any]]) -> Any:
        """A single choice with "Don't know" last, where the cursor starts unless the person
        already answered (then their answer): Enter alone never picks a yes, no or level."""
        choices = [*options, (DONT_KNOW_LABEL, DONT_KNOW)]
        current = self.raw.get(question.id)
        default: Any = DONT_KNOW
        if current is not None:
            try:
                value = normalise_value(question, current, None)
            except AnswersError:
                value = None
            if any(_same(value, v) for _, v in options):
                default = value
        keys = choice_keys([label for label, _ in options])
        shown = ", ".join(keys)
        return self.prompter.select(
            message,
            choices,
            default=default,
            keys=[*keys, "d"],
            instruction=f"({shown} or d; b: back)",
        )

    def ask_checklist(
        self,
        question: Question,
        message: str,
        choices: Sequence[Choice] | None = None,
        previous: Any = None,
    ) -> Any:
        """Any of the choices, or "None of these" (first), or "Don't know" (last).

        Enter with nothing ticked is "don't know": for the warning signs, pressing Enter without
        reading must never count as "none of these". The prompter echoes every ticked item in
        full, and an empty answer as "Don't know".
        """
        items = list(question.choices if choices is None else choices)
        options = [
            (NONE_LABEL, NONE_OF_THESE),
            *((c.label, c.value) for c in items),
            (DONT_KNOW_LABEL, DONT_KNOW),
        ]
        current = self.raw.get(question.id) if previous is None else previous
        checked: list[Any] = []
        if current is not None and current is not DONT_KNOW:
            values = normalise_value(question, current, None)
            checked = [v for v in values if any(v == c.value for c in items)]
            if not checked:
                checked = [NONE_OF_THESE]
        picked = self.prompter.checkbox(
            message,
            options,
            validate=checklist_validator,
            checked=checked,
            instruction=CHECKLIST_KEYS,
            empty=DONT_KNOW_LABEL,
        )
        if not picked or DONT_KNOW in picked:
            return DONT_KNOW
        if NONE_OF_THESE in picked:
            return []
        return list(picked)

    def ask_warning_signs(self, question: Question) -> Any:
        """The warning signs in short screens, the dangerous ones first.

        After a screen with a sign ticked, the answers so far are assessed at once, so an
        urgent sign's advice comes before any further question. The answer: the signs ticked
        on any screen; [] when every screen was "None of these"; else don't know.
        """
        screens = warning_sign_screens(self.kb, question)
        answers: list[Any] = [None] * len(screens)
        at = 0
        while at < len(screens):
            message, items = screens[at]
            try:
                answers[at] = self.ask_checklist(question, message, items, answers[at])
            except GoBack:
                if at == 0:
                    raise
                at -= 1
                continue
            value = combine_screens(question, answers)
            if isinstance(answers[at], list) and answers[at]:
                self.raw[question.id] = value  # so far, for the assessment
                if reason := self.act_on_red_flags():
                    raise _Stopped(reason, value)
            at += 1
        return combine_screens(question, answers)

    # ----------------------------------------------------------------- medicines

    def ask_medicines(self, question: Question, message: str) -> Any:
        """Free text, several names separated by commas; each is shown as recognised."""
        current = self.raw.get(question.id)
        default = ", ".join(current) if current else ""
        text = self.prompter.text(
            message,
            default=default,
            instruction="(separate them with commas; none if you take none; "
            "empty if you don't know)",
        )
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

        A near miss is confirmed with y or n, never Enter alone: neither answer is safe to
        take for the person (a name kept as typed is still read as the near miss), so the
        guess is theirs to accept. A near miss the person confirms, or a choice they pick,
        is stored in place of what they typed (so saved answers read back as an exact
        match); a part not recognised is kept as typed and reported as unknown.
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
                if self.prompter.confirm(
                    f"Did you mean {part.name} for '{part.text}'?", default=None
                ):
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
                f"Retype '{name}', or press Enter to keep it as typed:", instruction=note
            )
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
                f"Which {item.name}? ('{item.text}' could be one of several {item.group})", choices
            )
            if picked is None:
                kept.add(item.text)
                self.prompter.say(
                    f"  {item.text} -> not recognised (one of several "
                    f"{item.group}; ask your pharmacist which)"
                )
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
        hints = list(
            dict.fromkeys(h for text in unread for h in self.kb.medicines.suggestions(text))
        )
        near = f" (nearest known: {', '.join(hints[:3])})" if hints else ""
        if not match.parts:
            return f"{name} -> not recognised{near}"
        return f"{name} -> {' + '.join(match.generics)}; not recognised: {', '.join(unread)}{near}"

    # ----------------------------------------------------------------- alcohol

    def ask_alcohol(self, question: Question, message: str) -> Any:
        """UK units, or drinks of each kind in rules.yaml converted to units."""
        while True:
            mode = self.prompter.select(
                message,
                [
                    ("I will give a number of UK units", IN_UNITS),
                    ("Count the drinks instead (cramps works out the units)", IN_DRINKS),
                    ("None: no alcohol", 0),
                    (DONT_KNOW_LABEL, DONT_KNOW),
                ],
                default=DONT_KNOW,
                keys=["u", "c", "n", "d"],
                instruction="(u, c, n or d; b: back)",
            )
            try:
                if mode == IN_UNITS:
                    return self.ask_number(question, "How many UK units in a typical week?")
                if mode != IN_DRINKS:
                    return mode
                total = self.count_drinks(question)
            except GoBack:  # back from the units or a drink: to the choice of how to answer
                continue
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
                validate=number_validator(per_drink),
                instruction="(Enter alone for none; b: back)",
            )
            counts[label] = parse_number(per_drink, text) if text.strip() else 0
        total = drinks_to_units(question.drink_units, counts)
        self.prompter.say(f"  That is about {_number_text(total)} UK units a week.")
        return total


# --------------------------------------------------------------------- helpers without state


def choice_keys(labels: Sequence[str]) -> list[str]:
    """A key per choice: its first letter when no other choice shares it and it is not d
    (Don't know) or b (Back); otherwise its place in the list (1, 2...), so a key is never a
    number that reads as the answer of another choice. 'Yes', 'No' -> y, n."""
    firsts = [label.strip()[:1].lower() for label in labels]
    keys = [
        first
        if first.isalpha() and first not in _RESERVED_KEYS and firsts.count(first) == 1
        else ""
        for first in firsts
    ]
    for i, key in enumerate(keys):
        if not key:
            keys[i] = next(d for d in (str(i + 1), *"123456789") if d not in keys)
    return keys


def _positive_tests(condition: Condition | None) -> Iterator[tuple[str, Any]]:
    """(question, value) of every test a condition needs to hold, skipping what is under
    `not` (a sign that must be absent does not make a flag fire)."""
    from ..engine.conditions import All, Any_, Test

    if isinstance(condition, Test):
        yield condition.question, condition.value
    elif isinstance(condition, All | Any_):
        for item in condition.items:
            yield from _positive_tests(item)


def sign_urgency(kb: KnowledgeBase, question: Question) -> dict[Any, int]:
    """For each warning sign, how serious the most serious red flag naming it can be:
    0 for an emergency, 1 for urgent; signs no such flag names are left out.

    Read from the rules themselves (the knowledge base decides which signs are dangerous)."""
    rank: dict[Any, int] = {}
    for rule in kb.rules:
        if rule.kind != "red_flag":
            continue
        levels = {rule.triage, *(when.level for when in rule.triage_when)}
        serious = [SERIOUS.index(level) for level in levels if level in SERIOUS]
        if not serious:
            continue
        for qid, value in _positive_tests(rule.when):
            if qid != question.id:
                continue
            for sign in value if isinstance(value, list | tuple) else [value]:
                rank[sign] = min(rank.get(sign, len(SERIOUS)), min(serious))
    return rank


def warning_sign_screens(kb: KnowledgeBase, question: Question) -> list[tuple[str, list[Choice]]]:
    """The warning-sign checklist as short screens: the signs of emergency and urgent red
    flags first (emergency first, then file order), asked as "happening now", then the rest
    with the question's own prompt. No screen holds more than SIGNS_PER_SCREEN signs."""
    rank = sign_urgency(kb, question)
    order = {c.value: i for i, c in enumerate(question.choices)}
    dangerous = sorted(
        (c for c in question.choices if c.value in rank),
        key=lambda c: (rank[c.value], order[c.value]),
    )
    rest = [c for c in question.choices if c.value not in rank]
    return [
        *((NOW_PROMPT, part) for part in _even_parts(dangerous)),
        *((question.prompt, part) for part in _even_parts(rest)),
    ]


def _even_parts(items: list[Any]) -> list[list[Any]]:
    """Split into the fewest parts of at most SIGNS_PER_SCREEN, as even in size as can be."""
    if not items:
        return []
    parts = math.ceil(len(items) / SIGNS_PER_SCREEN)
    size = math.ceil(len(items) / parts)
    return [items[i : i + size] for i in range(0, len(items), size)]


def combine_screens(question: Question, answers: Sequence[Any]) -> Any:
    """One answer from the screens: every sign ticked anywhere (in file order); [] only when
    every screen was "None of these"; otherwise don't know."""
    ticked = {v for answer in answers if isinstance(answer, list) for v in answer}
    if ticked:
        return [c.value for c in question.choices if c.value in ticked]
    if all(isinstance(answer, list) for answer in answers):
        return []
    return DONT_KNOW


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


def number_validator(question: Question) -> Validator:
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
    """'None of these' and 'Don't know' stand alone. Nothing ticked is accepted: it means
    "don't know", never "none of these"."""
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
    return SimpleNamespace(
        id=question.id, type="number", min=0, max=None, exclusive_min=False, required=False
    )


def drinks_to_units(drink_units: Mapping[str, float], counts: Mapping[str, float]) -> int | float:
    """Weekly units from drinks per week, rounded to one decimal as the NHS tables are."""
    total = sum(drink_units[label] * counts.get(label, 0) for label in drink_units)
    rounded = round(total, 1)
    return int(rounded) if float(rounded).is_integer() else rounded


def _same(a: Any, b: Any) -> bool:
    from .prompts import same_value

    return same_value(a, b)


def _number_text(value: Any) -> str:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)
