"""The one question-flag table: how each question of the answers contract is given on the
command line, for `cramps check` and `cramps why` alike.

Before this table the flags had three homes (check's signature, why's copy of it rebuilt
through `inspect`, and `flag:` in rules.yaml) that could drift apart. Now the Typer options of
both commands are built from `FLAGS`, and a knowledge base whose `flag:` values differ from it
is refused when it is loaded (`flag_problems`), so `--help`, the options that parse, and the
flags named in "missing answers: age (--age)" are always the same words.

The spellings are a public interface (scripts pass them): add to the table, never rename.
"""

import inspect
from collections.abc import Callable, Mapping
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, TypeVar

import typer

from ..errors import Problem

if TYPE_CHECKING:
    from ..engine.model import KnowledgeBase

PANEL = "Answers (flags override --answers FILE)"

F = TypeVar("F", bound=Callable[..., Any])


class Kind(Enum):
    """How a flag takes its answer."""

    VALUE = "value"  # --age 67: one value, checked against the question by normalise
    SWITCH = "switch"  # --smoker/--non-smoker: yes or no; absent means not answered
    REPEAT = "repeat"  # --medication A --medication B: a list, one value per use


class AnswerFlag(NamedTuple):
    """One row of the table: a contract question and how the command line gives it."""

    question: str  # the question id (contract section 1)
    flag: str  # --flag; also the question's `flag:` in rules.yaml
    kind: Kind
    help: str
    metavar: str | None = None  # VALUE and REPEAT
    off: str | None = None  # SWITCH: the "no" spelling, without the dashes
    short: str | None = None  # a one-letter alias: -m

    @property
    def parameter(self) -> str:
        """The Python parameter name Typer stores the value under."""
        return self.question

    def option(self) -> Any:
        """The Typer option of this flag."""
        names = [f"--{self.flag}/--{self.off}" if self.kind is Kind.SWITCH else f"--{self.flag}"]
        if self.short is not None:
            names.append(self.short)
        extra: dict[str, Any] = {"show_default": False} if self.kind is Kind.SWITCH else {}
        if self.metavar is not None:
            extra["metavar"] = self.metavar
        return typer.Option(*names, help=self.help, rich_help_panel=PANEL, **extra)

    def annotation(self) -> Any:
        """`Annotated[type, typer.Option(...)]`, the form Typer reads from a signature."""
        kinds: dict[Kind, Any] = {
            Kind.VALUE: str | None,
            Kind.SWITCH: bool | None,
            Kind.REPEAT: list[str] | None,
        }
        return Annotated[kinds[self.kind], self.option()]


# In the order `--help` lists them: the order check listed them in before this table.
FLAGS: tuple[AnswerFlag, ...] = (
    AnswerFlag("age", "age", Kind.VALUE, "Age in years (1-120).", metavar="N"),
    AnswerFlag("sex", "sex", Kind.VALUE, "female, male, other or unspecified.", metavar="SEX"),
    AnswerFlag("pregnant", "pregnant", Kind.SWITCH, "Pregnant now.", off="not-pregnant"),
    AnswerFlag(
        "pregnancy_trimester",
        "trimester",
        Kind.VALUE,
        "Pregnancy trimester: 1, 2 or 3.",
        metavar="N",
    ),
    AnswerFlag(
        "gave_birth_recently",
        "gave-birth-recently",
        Kind.SWITCH,
        "Gave birth in the last 6 weeks.",
        off="no-gave-birth-recently",
    ),
    AnswerFlag(
        "medications",
        "medication",
        Kind.REPEAT,
        "A medicine taken, as on the box ('Lipitor 40 mg'); repeat for each.",
        metavar="NAME",
        short="-m",
    ),
    AnswerFlag(
        "started_new_medicine_recently",
        "new-medicine",
        Kind.SWITCH,
        "Started or changed a medicine in the last 3 months, before the cramps began.",
        off="no-new-medicine",
    ),
    AnswerFlag(
        "activity_level",
        "activity",
        Kind.VALUE,
        "A typical week: sedentary, light, moderate or vigorous.",
        metavar="LEVEL",
    ),
    AnswerFlag(
        "recent_strenuous_exercise",
        "strenuous-exercise",
        Kind.SWITCH,
        "A hard or unusually long workout in the last 48 hours.",
        off="no-strenuous-exercise",
    ),
    AnswerFlag(
        "heavy_sweating",
        "heavy-sweating",
        Kind.SWITCH,
        "Lost a lot of sweat recently (heat, sport, work).",
        off="no-heavy-sweating",
    ),
    AnswerFlag(
        "large_plain_water_intake",
        "plain-water",
        Kind.SWITCH,
        "Drank a lot of plain water without salt or electrolytes.",
        off="no-plain-water",
    ),
    AnswerFlag(
        "diarrhoea_or_vomiting",
        "diarrhoea-or-vomiting",
        Kind.SWITCH,
        "Diarrhoea or vomiting, recent or ongoing.",
        off="no-diarrhoea-or-vomiting",
    ),
    AnswerFlag(
        "standing_hours",
        "standing-hours",
        Kind.VALUE,
        "Hours on the feet on a typical day (0-24).",
        metavar="HOURS",
    ),
    AnswerFlag(
        "footwear",
        "footwear",
        Kind.REPEAT,
        "high_heels, tight_shoes, no_arch_support or supportive; repeatable.",
        metavar="KIND",
    ),
    AnswerFlag(
        "alcohol_units_per_week",
        "alcohol-units",
        Kind.VALUE,
        "UK units of alcohol a week (one unit = 10 ml of pure alcohol).",
        metavar="UNITS",
    ),
    AnswerFlag("smoker", "smoker", Kind.SWITCH, "Smokes.", off="non-smoker"),
    AnswerFlag(
        "conditions",
        "condition",
        Kind.REPEAT,
        "A diagnosed condition (diabetes, kidney_disease, ...); repeatable; none for none.",
        metavar="ID",
    ),
    AnswerFlag(
        "symptoms",
        "symptom",
        Kind.REPEAT,
        "A symptom now or with the cramps (one_leg_swollen, ...); repeatable.",
        metavar="ID",
    ),
    AnswerFlag(
        "cramps_per_week",
        "cramps-per-week",
        Kind.VALUE,
        "Nights with cramps in a typical week (0-7).",
        metavar="N",
    ),
    AnswerFlag(
        "cramp_minutes",
        "cramp-minutes",
        Kind.VALUE,
        "How long a typical cramp lasts.",
        metavar="MINUTES",
    ),
)

BY_QUESTION: Mapping[str, AnswerFlag] = {row.question: row for row in FLAGS}


def with_answer_flags(func: F) -> F:
    """Give a command that takes `**answers` one option per row of the table.

    Typer reads the options from `__signature__`; the command receives them as keyword
    arguments named by question id (see `given`).
    """
    own = inspect.signature(func)
    params = [p for p in own.parameters.values() if p.kind is not p.VAR_KEYWORD]
    params += [
        inspect.Parameter(
            row.parameter, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=row.annotation()
        )
        for row in FLAGS
    ]
    func.__signature__ = own.replace(parameters=params)  # type: ignore[attr-defined]
    return func


def given(values: Mapping[str, Any]) -> dict[str, Any]:
    """The flags used, keyed by question id, as `frontends.sources.gather` takes them.

    A flag not used is None (an option) or an empty list (a repeatable one): not answered.
    """
    return {
        row.question: values[row.parameter]
        for row in FLAGS
        if values.get(row.parameter) is not None and values.get(row.parameter) != []
    }


def flag_problems(kb: "KnowledgeBase", name: str) -> list[Problem]:
    """A problem for each question whose `flag:` is not the table's spelling for it.

    The flags are the program's, not the rules file's: a file that renamed one would make
    check's help, its error messages and the options that parse disagree.
    """
    problems = []
    for question in kb.questions:
        row = BY_QUESTION.get(question.id)
        if row is None:
            message = (
                f"question '{question.id}' has no command-line flag in cramps; "
                "a rules file can only use the questions of the answers contract"
            )
        elif question.flag != row.flag:
            message = (
                f"question '{question.id}': flag '{question.flag}' differs from "
                f"cramps' own '{row.flag}' (the flags are fixed by the program)"
            )
        else:
            continue
        problems.append(Problem(name, None, None, message))
    return problems
