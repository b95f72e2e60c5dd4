"""Answers: one model built from the questions in rules.yaml, whatever the front end.

Flags, answer files, the interview and batch lines all pass through `normalise`, which turns
what a person or script wrote into canonical answers (contract section 1): keys and choice
values matched without regard to case, spaces, `-` or `_`; `null` dropped as "don't know";
answers that do not apply dropped with a warning; every error naming the key, the value and
what is allowed, with a did-you-mean.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..errors import AnswersError
from .by_identity import ByIdentity
from .conditions import did_you_mean, plain

if TYPE_CHECKING:
    from .medicines import MedicineMatch
    from .model import KnowledgeBase, Question

_SEPARATORS = re.compile(r"[\s\-_]+")
# A person lists a handful of medicines or symptoms; a list this long is an attack on time.
MAX_LIST_ITEMS = 200


def _short(value: Any) -> str:
    """A value for an error message: its repr, cut so one message stays one short line."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def token(text: str) -> str:
    """`' Kidney disease '` -> `kidney_disease`."""
    if len(text) <= 64:  # keys and choice values: the same few again on every line of a batch
        return _short_token(text)
    return _token(text)


def _token(text: str) -> str:
    return _SEPARATORS.sub("_", text.strip().lower()).strip("_")


_short_token = lru_cache(maxsize=4096)(_token)


class Answers:
    """Canonical answers in question order, with what the medicines were recognised as."""

    # `answers` is the same dict as `values` (the Facts protocol of conditions.py). It is a plain
    # attribute, not a property: compiled conditions read it tens of times per assessment.
    __slots__ = ("answers", "medicines", "values", "warnings")

    def __init__(
        self,
        values: dict[str, Any],
        medicines: tuple[MedicineMatch, ...] = (),
        warnings: list[str] | None = None,
    ):
        self.values = self.answers = values
        self.medicines = medicines
        self.warnings = warnings if warnings is not None else []

    def __repr__(self) -> str:
        return f"Answers({self.values!r})"


def describe_allowed(question: Question) -> str:
    """What a question accepts, in words: 'a whole number from 1 to 120'."""
    kind = question.type
    if kind in ("integer", "number"):
        noun = "a whole number" if kind == "integer" else "a number"
        low, high = question.min, question.max
        fmt = _fmt_number
        if low is not None and high is not None:
            if question.exclusive_min:
                return f"{noun} greater than {fmt(low)} and at most {fmt(high)}"
            return f"{noun} from {fmt(low)} to {fmt(high)}"
        if low is not None:
            return (
                f"{noun} greater than {fmt(low)}"
                if question.exclusive_min
                else f"{noun} of at least {fmt(low)}"
            )
        if high is not None:
            return f"{noun} of at most {fmt(high)}"
        return noun
    if kind == "boolean":
        return "true or false"
    if kind == "choice":
        return "one of " + ", ".join(str(v) for v in question.choice_values)
    if kind == "multi_choice":
        return "a list of " + ", ".join(str(v) for v in question.choice_values)
    return "a list of medicine names"


def _fmt_number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _fail(source: str | None, key: str, message: str) -> AnswersError:
    prefix = f"{source}: " if source else ""
    return AnswersError(f"{prefix}{key}: {message}")


def _in_range(question: Question, number: float) -> bool:
    if question.min is not None:
        if question.exclusive_min and not number > question.min:
            return False
        if not question.exclusive_min and number < question.min:
            return False
    return question.max is None or number <= question.max


def normalise_value(question: Question, value: Any, source: str | None) -> Any:
    """One answer in canonical form, or AnswersError naming the key, value and what is allowed."""
    qid, kind = question.id, question.type

    def fail(message: str) -> AnswersError:
        return _fail(source, qid, message)

    def wrong() -> AnswersError:
        # Built only for a wrong answer: describing what is allowed costs more than checking.
        return fail(f"must be {describe_allowed(question)}, not {_short(value)}")

    if kind in ("integer", "number"):
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if not is_number or not math.isfinite(value):
            raise wrong()
        if kind == "integer":
            if isinstance(value, float) and not value.is_integer():
                raise wrong()
            value = int(value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        if not _in_range(question, value):
            raise wrong()
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise fail(f"must be true or false (a JSON boolean), not {value!r}")
        return value
    if kind == "choice":
        return _choose(question, value, fail)
    # list questions: a single string is taken as a list of one
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise wrong()
    if kind == "medicines":
        if len(items) > MAX_LIST_ITEMS:
            raise fail(f"at most {MAX_LIST_ITEMS} items, not {len(items)}")
        # Kept exactly as typed, an empty one too, so a script can join `medications[]` back
        # to what it sent; only an exact repeat is dropped (a dict: linear time).
        names: dict[str, None] = {}
        for item in items:
            if not isinstance(item, str):
                raise fail(f"medicine names must be text, not {_short(item)}")
            names.setdefault(item)
        return list(names)
    if len(items) > MAX_LIST_ITEMS:
        raise fail(f"at most {MAX_LIST_ITEMS} items, not {len(items)}")
    chosen: list[Any] = []
    for item in items:
        picked = _choose(question, item, fail)
        if picked not in chosen:
            chosen.append(picked)
    return chosen


def _choose(question: Question, value: Any, fail: Any) -> Any:
    values = question.choice_values
    if isinstance(value, bool):
        raise fail(f"must be {describe_allowed(question)}, not {value!r}")
    if value in values:
        return value
    if isinstance(value, str):
        wanted = token(value)
        for option in values:
            if token(str(option)) == wanted:
                return option
        hint = did_you_mean(wanted, values)
        shown = value if len(value) <= 60 else value[:57] + "..."
        raise fail(f"'{shown}' is not allowed{hint}; allowed: {', '.join(map(str, values))}")
    raise fail(f"must be {describe_allowed(question)}, not {value!r}")


# --------------------------------------------------------------------------- the fast path
# Batch runs assess thousands of answers against one knowledge base, and almost every answer is
# valid. So each question gets, once per knowledge base, a checker that accepts the common valid
# forms with a dict lookup or a comparison and returns _SLOW for anything else; _SLOW sends the
# value through normalise_value, which gives the canonical answer or the full error message.
# Both paths give the same answer for every value (tests/test_api.py holds them to it).

_SLOW: Any = object()
_Checker = Callable[[Any], Any]


def _number_checker(question: Question) -> _Checker:
    low, high, exclusive = question.min, question.max, question.exclusive_min
    integer = question.type == "integer"

    def check(value: Any) -> Any:
        kind = type(value)
        if kind is float:
            if not value.is_integer():
                return _SLOW if integer or not math.isfinite(value) else _ranged(value)
            value = int(value)
        elif kind is not int:
            return _SLOW
        return _ranged(value)

    def _ranged(number: Any) -> Any:
        if low is not None and (number <= low if exclusive else number < low):
            return _SLOW
        if high is not None and number > high:
            return _SLOW
        return number

    return check


def _choice_checker(question: Question) -> _Checker:
    values = question.choice_values
    exact = frozenset(v for v in values if type(v) is not bool)
    by_token: dict[str, Any] = {}
    for option in values:
        by_token.setdefault(token(str(option)), option)

    def check(value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return value if value in exact else by_token.get(token(value), _SLOW)
        if kind is int or kind is float:  # never bool: True == 1 would pass for trimester 1
            return value if value in exact else _SLOW
        return _SLOW

    return check


def _list_checker(question: Question) -> _Checker:
    one = _choice_checker(question)

    def check(value: Any) -> Any:
        items = [value] if type(value) is str else value
        if type(items) is not list:
            return _SLOW
        chosen: list[Any] = []
        for item in items:
            picked = one(item)
            if picked is _SLOW:
                return _SLOW
            if picked not in chosen:
                chosen.append(picked)
        return chosen

    return check


def _checker(question: Question) -> _Checker:
    kind = question.type
    if kind in ("integer", "number"):
        return _number_checker(question)
    if kind == "boolean":
        return lambda value: value if type(value) is bool else _SLOW
    if kind == "choice":
        return _choice_checker(question)
    if kind == "multi_choice":
        return _list_checker(question)
    return lambda value: _SLOW  # medicines: normalise_value is already cheap


_checkers_of = ByIdentity(lambda questions: {q.id: _checker(q) for q in questions})


def _checkers(kb: KnowledgeBase) -> dict[str, _Checker]:
    """A fast checker per question, built once per knowledge base."""
    return _checkers_of(kb.questions)


def normalise(
    raw: Any, kb: KnowledgeBase, source: str | None = None, *, text_is_unicode: bool = False
) -> Answers:
    """Validate and canonicalise one answers document; raise AnswersError on the first fault.

    `text_is_unicode`: the caller knows every text in `raw` is valid Unicode (JSON decoded
    from UTF-8 without a `\\u` escape, which is the only way a lone surrogate gets in), so
    the check for broken text is skipped."""
    if not isinstance(raw, Mapping):
        prefix = f"{source}: " if source else ""
        raise AnswersError(f"{prefix}answers must be an object of question ids and answers")
    questions = kb.question_by_id
    checkers = _checkers(kb)
    given: dict[str, Any] = {}
    if not text_is_unicode:
        _refuse_broken_text(raw, source)
    for key, value in raw.items():
        qid = key if key in questions else token(key) if isinstance(key, str) else key
        if qid not in questions:
            hint = did_you_mean(qid, questions)
            prefix = f"{source}: " if source else ""
            shown = key if not isinstance(key, str) or len(key) <= 60 else key[:57] + "..."
            raise AnswersError(f"{prefix}{shown}: not a question id{hint}")
        if value is None:
            continue  # "don't know" is the same as not answered
        fast = checkers[qid](value)
        given[qid] = fast if fast is not _SLOW else normalise_value(questions[qid], value, source)
    ordered = {q.id: given[q.id] for q in kb.questions if q.id in given}
    answers = Answers(ordered, kb.medicines.match_all(ordered.get("medications", ())))
    answers.warnings.extend(w for m in answers.medicines for w in m.warnings)
    _drop_not_applicable(answers, kb)
    return answers


def _refuse_broken_text(raw: Mapping[str, Any], source: str | None) -> None:
    """Text that is not valid Unicode (bytes that were not UTF-8 in an argument arrive as lone
    surrogates) is an error here, not a crash when the answers are printed."""
    for key, value in raw.items():
        for text in (key, *(value if isinstance(value, list) else (value,))):
            if isinstance(text, str) and not text.isascii():  # ASCII is always valid
                _refuse_broken(text, key, source)


def _refuse_broken(text: str, key: Any, source: str | None) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        prefix = f"{source}: " if source else ""
        name = (
            key.encode("utf-8", "backslashreplace").decode("ascii", "replace")
            if isinstance(key, str)
            else key
        )
        raise AnswersError(f"{prefix}{name}: not valid UTF-8 text") from None


def _drop_not_applicable(answers: Answers, kb: KnowledgeBase) -> None:
    """Answers to questions that do not apply are ignored, with a warning (contract §1)."""
    conditional = _conditional(kb)
    changed = True
    while changed:
        changed = False
        for question in conditional:
            if question.id in answers.values and not question.applies(answers):
                answer = answers.values.pop(question.id)
                reason = question.applies_when.describe() if question.applies_when else ""
                answers.warnings.append(
                    f"{question.id}: {plain(answer)!s} ignored: the question applies only when "
                    f"{reason}"
                )
                changed = True


_conditional_of = ByIdentity(lambda questions: [q for q in questions if q.applies_check])


def _conditional(kb: KnowledgeBase) -> list[Question]:
    """The questions that apply only under a condition, built once per knowledge base."""
    return _conditional_of(kb.questions)


def missing_required(answers: Mapping[str, Any], kb: KnowledgeBase) -> list[Question]:
    return [q for q in kb.questions if q.required and q.id not in answers]


def unanswered(answers: Answers, kb: KnowledgeBase) -> list[str]:
    """Questions that apply to this person, would be asked, and were not answered, in order."""
    values = answers.values
    found = []
    for qid, applies, asked in _asking(kb):  # what Question.asks does, without its overhead
        if qid in values:
            continue
        if applies is not None and applies(answers)[0] is False:
            continue
        if asked is not None and asked(answers)[0] is False:
            continue
        found.append(qid)
    return found


_asking_of = ByIdentity(lambda questions: [(q.id, q.applies_check, q.ask_check) for q in questions])


def _asking(kb: KnowledgeBase) -> list[tuple[str, Any, Any]]:
    """(id, applies_check, ask_check) of each question, built once per knowledge base."""
    return _asking_of(kb.questions)
