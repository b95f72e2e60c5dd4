"""The diary's statistics as plain text: used by `cramps stats` and by the Markdown report.

The chart draws nights with cramps per week as bars and always writes the number next to
each bar, so nothing depends on colour or on reading a bar's length.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

BAR_WIDTH_PER_NIGHT = 3  # 7 nights = 21 characters


def bar_char(encoding: str | None) -> str:
    """A full block where the output can encode it, '#' elsewhere."""
    try:
        "█".encode(encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return "#"
    return "█"


def _show(value: Any, suffix: str = "") -> str:
    return "none logged" if value is None else f"{value}{suffix}"


def trend_words(stats: Mapping[str, Any]) -> str:
    """'rising (1.0 -> 2.5 nights a week, earlier half -> later half)'."""
    detail = stats["trend_nights_per_week"]
    earlier, later = detail["earlier_half"], detail["later_half"]
    if earlier is None or later is None:
        return f"{stats['trend']} (less than a week of diary in one half of the window)"
    return (
        f"{stats['trend']} ({earlier} -> {later} nights a week, earlier half -> later "
        f"half; a change under {detail['tolerance']} counts as flat)"
    )


def summary_rows(stats: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs, in the order a doctor asks: how often, how bad, how long."""
    return [
        ("Episodes", str(stats["episodes"])),
        ("Nights with cramps", str(stats["nights"])),
        ("Nights with cramps per week", _show(stats["mean_nights_per_week"])),
        ("Mean severity", _show(stats["mean_severity"], " out of 10")),
        ("Median minutes", _show(stats["median_minutes"])),
        ("Trend", trend_words(stats)),
    ]


def counts(items: Mapping[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in items.items())


def count_rows(stats: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        ("By muscle", counts(stats["by_muscle"])),
        ("By leg", counts(stats["by_leg"])),
        ("What helped", counts(stats["helped"])),
    ]


def chart_lines(stats: Mapping[str, Any], char: str = "#") -> list[str]:
    """`2026-W47  █████████  3`, one line per ISO week, oldest first; the current week is
    marked `so far` since it is not over."""
    weeks = list(stats["nights_per_week"].items())
    width = 7 * BAR_WIDTH_PER_NIGHT
    lines = []
    for n, (label, nights) in enumerate(weeks):
        bar = (char * (nights * BAR_WIDTH_PER_NIGHT)).ljust(width)
        so_far = "  (so far)" if n == len(weeks) - 1 else ""
        lines.append(f"{label}  {bar}  {nights}{so_far}")
    return lines


def window_words(stats: Mapping[str, Any]) -> str:
    return (
        f"the {stats['weeks']} weeks from {stats['from']} to {stats['to']} "
        "(a night runs noon to noon)"
    )


def _aligned(rows: list[tuple[str, str]]) -> list[str]:
    width = max(len(label) for label, _ in rows) + 1
    return [f"{(label + ':').ljust(width)} {value}" for label, value in rows]


def render_stats(stats: Mapping[str, Any], char: str = "#") -> str:
    """The text of `cramps stats`."""
    out = [f"Cramp diary: {window_words(stats)}", ""]
    out += _aligned(summary_rows(stats)) + ["", "Nights with cramps per week:"]
    out += chart_lines(stats, char) + [""]
    out += _aligned(count_rows(stats))
    return "\n".join(out) + "\n"
