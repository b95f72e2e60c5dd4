"""`cramps stats`: how often, how long and how bad, over the last weeks of the diary."""

from enum import StrEnum
from typing import Annotated

import typer

from .common import DIARY_EXIT_CODES, RulesOption, WeeksOption, check_rules, checked

HELP = (
    "Summarise the diary over the last weeks (8 by default, this week included): episodes, "
    "nights with cramps per ISO week with a bar chart, mean severity, median minutes, counts "
    "by muscle, leg and what helped, and the trend.\n\n"
    "A night runs from noon to noon, so cramps either side of midnight are one night. The "
    "trend compares nights with cramps per week in the earlier and later half of the window "
    "(counting only nights since the diary began, and this week's nights so far): rising or "
    "falling when they differ by at least 0.5, otherwise flat."
)
EPILOG = (
    "Examples:\n\n"
    "  cramps stats\n\n"
    "  cramps stats --weeks 12 --format json | jq .trend\n\n" + DIARY_EXIT_CODES
)


class StatsFormat(StrEnum):
    text = "text"
    json = "json"


def stats(
    weeks: WeeksOption = "8",
    output_format: Annotated[
        StatsFormat,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="text (default) for a person, json for scripts.",
        ),
    ] = StatsFormat.text,
    rules: RulesOption = None,
) -> None:
    """Summarise the diary."""
    check_rules(rules)
    import json
    import sys

    from ..console.output import write_stdout
    from ..diary.stats import compute_stats
    from ..diary.store import list_entries
    from ..diary.values import parse_weeks
    from ..render.diary_text import bar_char, render_stats

    result = compute_stats(list_entries(), checked("--weeks", parse_weeks, weeks))
    if output_format is StatsFormat.json:
        write_stdout(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    else:
        write_stdout(render_stats(result, bar_char(getattr(sys.stdout, "encoding", None))))
