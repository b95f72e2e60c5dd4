"""`cramps history`: the diary's entries as a table, JSON or CSV."""

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from .common import DIARY_EXIT_CODES, WHERE, NoColorOption, RulesOption, check_rules, checked

if TYPE_CHECKING:
    from ..diary.store import Entry

HELP = (
    "Show the diary's entries, oldest first: a table for a person, JSON or CSV for scripts "
    "and spreadsheets.\n\n"
    "JSON is a list of objects with id, when (ISO 8601 with its UTC offset), leg, muscle, "
    "minutes, severity, helped (a list) and note (or null).\n\n" + WHERE
)
EPILOG = (
    "Examples:\n\n"
    "  cramps history\n\n"
    "  cramps history --since 2026-11-01 --format csv > cramps.csv\n\n"
    "  cramps history --format json | jq 'map(.severity) | add / length'\n\n" + DIARY_EXIT_CODES
)
COLUMNS = (
    ("ID", True),
    ("When", False),
    ("Leg", False),
    ("Muscle", False),
    ("Minutes", True),
    ("Severity", True),
    ("Helped", False),
    ("Note", False),
)
CSV_COLUMNS = ("id", "when", "leg", "muscle", "minutes", "severity", "helped", "note")


class HistoryFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def history(
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="DATE", help="Only entries on or after this date (YYYY-MM-DD)."
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until", metavar="DATE", help="Only entries on or before this date (YYYY-MM-DD)."
        ),
    ] = None,
    output_format: Annotated[
        HistoryFormat,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="table (default) for a person, json or csv for scripts.",
        ),
    ] = HistoryFormat.table,
    no_color: NoColorOption = False,
    rules: RulesOption = None,
) -> None:
    """Show the diary's entries."""
    check_rules(rules)
    from ..diary.store import list_entries
    from ..diary.values import parse_date

    entries = list_entries(
        None if since is None else checked("--since", parse_date, since),
        None if until is None else checked("--until", parse_date, until),
    )
    if output_format is HistoryFormat.json:
        _json(entries)
    elif output_format is HistoryFormat.csv:
        _csv(entries)
    else:
        _table(entries, no_color)


def _json(entries: "list[Entry]") -> None:
    import json

    from ..console.output import write_stdout

    write_stdout(json.dumps([e.to_json() for e in entries], indent=2, ensure_ascii=False) + "\n")


def _csv(entries: "list[Entry]") -> None:
    """RFC 4180 CSV with a header row; helped is one cell, its words joined by ';'."""
    import csv
    import io

    from ..console.output import write_stdout

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        row = entry.to_json()
        row["helped"] = ";".join(row["helped"])
        row["note"] = row["note"] or ""
        writer.writerow([row[column] for column in CSV_COLUMNS])
    write_stdout(buffer.getvalue())


def _table(entries: "list[Entry]", no_color: bool) -> None:
    """A rich table; every cell is a Text, so a note is never read as rich markup."""
    from rich.table import Table
    from rich.text import Text

    from ..console.output import say
    from ..console.terminal import rich_console
    from ..diary.values import number

    if not entries:
        say("No entries. Record one with: cramps log")
        return
    table = Table(title="Cramp diary", title_justify="left")
    for name, numeric in COLUMNS:
        table.add_column(name, justify="right" if numeric else "left", no_wrap=numeric)
    table.columns[1].no_wrap = True  # a date and time reads badly when broken
    for e in entries:
        cells = (
            str(e.id),
            f"{e.when:%Y-%m-%d %H:%M}",
            e.leg,
            e.muscle,
            f"{number(e.minutes)}",
            f"{e.severity}/10",
            ", ".join(e.helped) or "-",
            e.note or "",
        )
        table.add_row(*(Text(cell) for cell in cells))
    rich_console(no_color=no_color).print(table)
