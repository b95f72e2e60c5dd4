"""`cramps forget`: remove one entry, or the whole diary file with its saved assessments."""

from typing import Annotated

import typer

from ..errors import MissingAnswersError, UsageError
from . import common
from .common import DIARY_EXIT_CODES, WHERE, NoInputOption, RulesOption, check_rules

HELP = (
    "Remove one entry by its id (see cramps history), or with --all the whole diary: the "
    "file, its -wal and -shm files, every entry and every saved assessment.\n\n"
    "--all asks first in a terminal; scripts pass --yes. A file that is not a cramps diary "
    "is never removed.\n\n" + WHERE
)
EPILOG = (
    "Examples:\n\n"
    "  cramps forget 12\n\n"
    "  cramps forget --all\n\n"
    "  cramps forget --all --yes\n\n" + DIARY_EXIT_CODES
)


def forget(
    entry_id: Annotated[
        str | None,
        typer.Argument(metavar="[ID]", help="The id of the entry to remove.", show_default=False),
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Remove the whole diary file and its saved assessments.")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask before removing the whole diary.")
    ] = False,
    no_input: NoInputOption = False,
    rules: RulesOption = None,
) -> None:
    """Remove an entry, or the whole diary."""
    check_rules(rules)
    if everything == (entry_id is not None):
        raise UsageError("give an entry ID or --all (not both); cramps history shows the ids")
    if everything:
        _forget_all(yes, no_input)
    else:
        _forget_one(str(entry_id))


def _forget_one(text: str) -> None:
    from ..console.output import say
    from ..diary.store import delete_entry

    cleaned = text.strip()
    is_id = cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= 18  # fits SQLite
    entry = delete_entry(int(cleaned)) if is_id else None
    if entry is None:
        raise UsageError(f"no diary entry with id {text!r}; cramps history shows the ids")
    say(f"Forgot entry {entry.id} ({entry.when:%Y-%m-%d %H:%M}, {entry.leg} {entry.muscle}).")


def _forget_all(yes: bool, no_input: bool) -> None:
    from ..console.output import say
    from ..console.terminal import prompt_style
    from ..diary.store import diary_path, forget_all

    path = diary_path()
    if not path.exists():
        say(f"There is no diary to forget ({path} does not exist).")
        return
    if not yes:
        style = prompt_style(no_input)  # widgets, plain lines (TERM=dumb), or not at all
        if style is None:
            raise MissingAnswersError(
                "cramps forget --all removes the whole diary; "
                "pass --yes to confirm when there is no terminal"
            )
        if not _confirm(
            style,
            f"Remove the whole diary {path}, every entry and saved assessment? "
            "This cannot be undone.",
        ):
            say("Kept the diary.")
            return
    removed = forget_all()
    say(f"Forgot the diary: removed {', '.join(str(p) for p in removed) or 'nothing'}.")


def _confirm(style: str, message: str) -> bool:
    """Ask, defaulting to no; Ctrl-D stops like Ctrl-C."""
    try:
        return common.make_prompter(style).confirm(message, default=False)
    except EOFError:
        raise KeyboardInterrupt from None
