"""`cramps log`: record one cramp episode in the diary and print its id."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import MissingAnswersError
from . import common
from .common import DIARY_EXIT_CODES, WHERE, NoInputOption, RulesOption, check_rules, checked

if TYPE_CHECKING:
    from ..frontends.prompts import Prompter

HELP = (
    "Record a cramp episode in the diary and print the new entry's id.\n\n"
    "Required: --leg, --muscle, --minutes and --severity; in a terminal cramps asks for the "
    "ones not given. Optional: --when (default now), --helped (repeatable) and --note.\n\n" + WHERE
)
EPILOG = (
    "Examples:\n\n"
    "  cramps log\n\n"
    "  cramps log --when 03:10 --leg left --muscle calf --minutes 4 --severity 7 "
    "--helped stretching\n\n"
    "  cramps log --when 2026-11-20T02:45+01:00 --leg both --muscle foot --minutes 0.5 "
    "--severity 3 --note 'after a long walk'\n\n" + DIARY_EXIT_CODES
)
REQUIRED = ("leg", "muscle", "minutes", "severity")


def log(
    when: Annotated[
        str | None,
        typer.Option(
            "--when",
            metavar="WHEN",
            help="When it happened: ISO 8601 (2026-11-20T03:10, with or without a UTC offset) or "
            "a time alone (03:10 = the most recent 03:10). Default: now.",
        ),
    ] = None,
    leg: Annotated[
        str | None, typer.Option("--leg", metavar="LEG", help="Required: left, right or both.")
    ] = None,
    muscle: Annotated[
        str | None,
        typer.Option("--muscle", metavar="MUSCLE", help="Required: calf, foot, thigh or other."),
    ] = None,
    minutes: Annotated[
        str | None,
        typer.Option(
            "--minutes",
            metavar="N",
            help="Required: how long it lasted, over 0 and at most 240 (0.5 is half a minute).",
        ),
    ] = None,
    severity: Annotated[
        str | None,
        typer.Option(
            "--severity",
            metavar="0-10",
            help="Required: how bad, 0 (no pain) to 10 (the worst imaginable).",
        ),
    ] = None,
    helped: Annotated[
        list[str] | None,
        typer.Option(
            "--helped",
            metavar="WORD",
            help="What eased it: stretching, walking, massage, heat or other; repeatable.",
        ),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(
            "--note", metavar="TEXT", help="A short note, one line (at most 2000 characters)."
        ),
    ] = None,
    no_input: NoInputOption = False,
    rules: RulesOption = None,
) -> None:
    """Record a cramp episode."""
    check_rules(rules)
    from ..console.output import say, write_stdout
    from ..console.terminal import prompt_style
    from ..diary.store import add_entry
    from ..diary.values import (
        HELPED,
        LEGS,
        MUSCLES,
        parse_choice,
        parse_choices,
        parse_minutes,
        parse_note,
        parse_severity,
        parse_when,
    )

    values: dict[str, Any] = {
        "when": checked("--when", parse_when, when),
        "leg": None if leg is None else checked("--leg", parse_choice, leg, LEGS),
        "muscle": None if muscle is None else checked("--muscle", parse_choice, muscle, MUSCLES),
        "minutes": None if minutes is None else checked("--minutes", parse_minutes, minutes),
        "severity": None if severity is None else checked("--severity", parse_severity, severity),
        "helped": None if not helped else checked("--helped", parse_choices, helped, HELPED),
        "note": checked("--note", parse_note, note),
    }
    missing = [name for name in REQUIRED if values[name] is None]
    style = prompt_style(no_input) if missing else None  # widgets, plain lines, or not at all
    if missing and style is not None:  # what helped is asked only along with the rest
        values.update(ask(common.make_prompter(style), values))
    elif missing:
        flags = ", ".join(f"--{name}" for name in missing)
        raise MissingAnswersError(
            f"missing {flags}; give them as flags, or run cramps log in a terminal to be asked"
        )
    entry_id = add_entry(
        values["when"],
        values["leg"],
        values["muscle"],
        values["minutes"],
        values["severity"],
        values["helped"] or (),
        values["note"],
    )
    write_stdout(f"{entry_id}\n")
    say(
        f"Logged entry {entry_id}: {values['when']:%Y-%m-%d %H:%M}, {values['leg']} "
        f"{values['muscle']}, {values['minutes']:g} min, severity {values['severity']}."
    )


def _validator(parse: Any) -> Any:
    """A questionary validator from a parse_* function: True, or the reason in words."""
    from ..diary.values import DiaryValueError

    def validate(text: str) -> bool | str:
        try:
            parse(text)
        except DiaryValueError as error:
            return str(error).capitalize()
        return True

    return validate


def ask(prompter: "Prompter", values: dict[str, Any]) -> dict[str, Any]:
    """Ask for what the flags left out; Ctrl-D stops like Ctrl-C (exit 130)."""
    try:
        return _ask(prompter, values)
    except EOFError:
        raise KeyboardInterrupt from None


def _ask(prompter: "Prompter", values: dict[str, Any]) -> dict[str, Any]:
    from ..diary.values import HELPED, LEGS, MUSCLES, parse_minutes, parse_severity

    got: dict[str, Any] = {}
    if values["leg"] is None:
        got["leg"] = prompter.select("Which leg?", [(w.capitalize(), w) for w in LEGS])
    if values["muscle"] is None:
        got["muscle"] = prompter.select("Which muscle?", [(w.capitalize(), w) for w in MUSCLES])
    if values["minutes"] is None:
        text = prompter.text(
            "How many minutes did it last?",
            validate=_validator(parse_minutes),
            instruction="(0.5 is half a minute)",
        )
        got["minutes"] = parse_minutes(text)
    if values["severity"] is None:
        text = prompter.text(
            "How bad was it, from 0 (no pain) to 10 (the worst imaginable)?",
            validate=_validator(parse_severity),
        )
        got["severity"] = parse_severity(text)
    if values["helped"] is None:
        got["helped"] = tuple(
            prompter.checkbox(
                "What eased it? (none is fine)",
                [(w.capitalize(), w) for w in HELPED],
                empty="Nothing",
            )
        )
    return got
