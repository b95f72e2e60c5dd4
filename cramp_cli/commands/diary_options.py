"""What the diary commands (log, history, stats, forget, report) share: help text, options,
turning a bad value into a usage error that names the flag, and the prompter factory tests
replace with a fake."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from ..errors import UsageError

if TYPE_CHECKING:
    from ..prompts import Prompter

T = TypeVar("T")

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
        from .common import load_knowledge

        load_knowledge(rules)


def checked(flag: str, parse: Callable[..., T], *args: object) -> T:
    """parse(*args), with a DiaryValueError turned into exit 2 naming the flag."""
    from ..diary_values import DiaryValueError

    try:
        return parse(*args)
    except DiaryValueError as error:
        raise UsageError(f"{flag}: {error}") from None


def make_prompter() -> "Prompter":
    """The real questionary widgets on standard error; tests monkeypatch this."""
    from ..prompts import QuestionaryPrompter

    return QuestionaryPrompter()


def register(app: typer.Typer) -> None:
    """Add the diary commands to the app, in the order --help lists them."""
    from . import forget, history, log, report, stats

    for name, module, function in (
        ("log", log, log.log),
        ("history", history, history.history),
        ("stats", stats, stats.stats),
        ("report", report, report.report),
        ("forget", forget, forget.forget),
    ):
        app.command(name=name, help=module.HELP, epilog=module.EPILOG)(function)
