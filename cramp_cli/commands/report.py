"""`cramps report`: the latest saved assessment and the diary, for a doctor."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import UsageError
from .common import DIARY_EXIT_CODES, RulesOption, WeeksOption, check_rules, checked

if TYPE_CHECKING:
    from ..render.report_md import ReportData

HELP = (
    "Write a report to take to an appointment: the latest assessment saved with "
    "cramps check --save (red flags first, likely causes, medicines as recognised, tests to "
    "discuss), the diary's statistics with a chart of nights with cramps per week, and the "
    "entries.\n\n"
    "Markdown on standard output, or --out FILE: FILE.md for Markdown, FILE.html for one "
    "standalone page that prints on one or two sheets. The file is created readable by you "
    "only, and an existing file is replaced only with --force."
)
EPILOG = (
    "Examples:\n\n"
    "  cramps check --save\n\n"
    "  cramps report --out cramps-report.html\n\n"
    "  cramps report --weeks 12 > report.md\n\n" + DIARY_EXIT_CODES
)
SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}


def report(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            dir_okay=False,
            help="Write to FILE.md (Markdown) or FILE.html (a page to print) instead of standard "
            "output.",
        ),
    ] = None,
    weeks: WeeksOption = "8",
    force: Annotated[
        bool, typer.Option("--force", help="Let --out replace an existing file.")
    ] = False,
    rules: RulesOption = None,
) -> None:
    """Write a report for a doctor."""
    check_rules(rules)
    kind = "markdown" if out is None else SUFFIXES.get(out.suffix.lower())
    if kind is None:
        raise UsageError(f"--out: {str(out)!r} must end in .md or .html")
    data = gather(checked("--weeks", _parse_weeks, weeks))
    if data.assessment is None:
        from ..console.output import warn

        warn("no saved assessment in the diary; run cramps check --save to include one")
    if kind == "html":
        from ..render.report_html import render_html

        text = render_html(data)
    else:
        from ..render.report_md import render_markdown

        text = render_markdown(data)
    if out is None:
        from ..console.output import write_stdout

        write_stdout(text)
    else:
        _write_private(out, text, force)


def _parse_weeks(text: str) -> int:
    from ..diary.values import parse_weeks

    return parse_weeks(text)


def gather(weeks: int) -> "ReportData":
    """Everything the report shows, read once from the diary."""
    from .. import __version__
    from ..diary.stats import compute_stats, in_window
    from ..diary.store import latest_assessment, list_entries
    from ..diary.values import local_now
    from ..render.report_md import ReportData

    now = local_now()
    entries = list_entries()
    stats = compute_stats(entries, weeks, now)
    return ReportData(
        made_at=now,
        version=__version__,
        assessment=latest_assessment(),
        labels=_test_labels(),
        stats=stats,
        entries=in_window(entries, stats),
    )


def _test_labels() -> dict[str, str] | None:
    """The shipped knowledge base's names for tests; plain ids when it cannot be read."""
    from ..errors import CrampsError

    try:
        from ..knowledge.loader import load

        return dict(load().tests)
    except CrampsError:
        return None


def _write_private(path: Path, text: str, force: bool) -> None:
    """Create the report 0600 (it holds health data), never through a symlink and never over
    an existing file without --force (or a yes at a terminal); say where it went only once
    it is safely written."""
    from ..console.files import write_private
    from ..console.output import say

    write_private(path, text, "--out", force)
    say(f"Wrote the report to {path}.")
