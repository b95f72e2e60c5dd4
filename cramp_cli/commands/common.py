"""Options shared by several commands, defined once (real annotations: see check.py).

Also what the diary commands (log, history, stats, forget, report) share: help text, options,
turning a bad value into a usage error that names the flag, and the prompter factory tests
replace with a fake."""

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from ..errors import UsageError

if TYPE_CHECKING:
    from ..engine.model import KnowledgeBase
    from ..frontends.prompts import Prompter

T = TypeVar("T")

EXIT_CODES_HELP = (
    "Exit codes: 0 done (the triage level is in the output, not the exit code); "
    "1 internal error, or a failing example case in cramps rules test; "
    "2 bad usage or bad answers; 3 invalid rules file; "
    "4 answers missing with no terminal to ask; 130 interrupted."
)

RulesOption = Annotated[
    str | None,
    typer.Option(
        "--rules",
        metavar="FILE",
        envvar="CRAMPS_RULES",
        help="Use this knowledge base instead of the shipped rules.yaml.",
    ),
]
NoColorOption = Annotated[
    bool, typer.Option("--no-color", help="No colour (NO_COLOR is honoured too).")
]
NoInputOption = Annotated[
    bool,
    typer.Option("--no-input", help="Never prompt; fail with exit 4 if answers are missing."),
]


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    fhir = "fhir"


FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        envvar="CRAMPS_FORMAT",
        case_sensitive=False,
        help="text (default) for a person, json for scripts, markdown to share, "
        "fhir for a FHIR R4 Bundle.",
    ),
]


def load_knowledge(rules: str | None) -> "KnowledgeBase":
    """The knowledge base for a command (imported here to keep --help fast).

    A file whose question flags differ from the program's table is refused (exit 3): the
    flags belong to the command line, not to the rules file (see answer_flags.py).
    """
    from ..errors import RulesError
    from ..knowledge.loader import display_name, load
    from .answer_flags import flag_problems

    kb = load(rules)
    problems = flag_problems(kb, display_name(rules))
    if problems:
        raise RulesError(problems)
    return kb


# --- the diary commands ------------------------------------------------------------------

DIARY_EXIT_CODES = (
    "Exit codes: 0 done; 1 internal error, or a diary file that is damaged or not a cramps "
    "diary (it is left untouched); 2 bad usage or a bad value; 4 something required is "
    "missing and there is no terminal to ask on; 130 interrupted."
)
WHERE = (
    "The diary is one file on this computer: diary.sqlite3 in $CRAMPS_HOME when set, else "
    "in the user data folder (~/.local/share/cramps on Linux). cramps forget --all removes it."
)

WeeksOption = Annotated[
    str, typer.Option("--weeks", metavar="N", help="How many ISO weeks, this one included (2-260).")
]


def check_rules(rules: str | None) -> None:
    """--rules works on every command: the diary does not read the knowledge base, but a
    file that fails validation stops a diary command too (exit 3), as it stops any other."""
    if rules is not None:
        load_knowledge(rules)


def checked(flag: str, parse: Callable[..., T], *args: object) -> T:
    """parse(*args), with a DiaryValueError turned into exit 2 naming the flag."""
    from ..diary.values import DiaryValueError

    try:
        return parse(*args)
    except DiaryValueError as error:
        raise UsageError(f"{flag}: {error}") from None


def make_prompter(style: str = "widgets") -> "Prompter":
    """The prompter for console/terminal.py's prompt_style(): questionary's widgets on
    standard error, or plain numbered line prompts on a terminal without cursor control
    (TERM=dumb or unknown). Tests monkeypatch this."""
    from ..frontends.asking import make_prompter

    return make_prompter(style)
