"""Diary statistics: nights with cramps per week, severity, duration, trend, and the
answers `cramps check --from-diary` takes from the last four weeks.

Cramp trials count nights with cramps, so these do too; a night runs noon to noon.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from .store import Entry, list_entries
from .values import HELPED, LEGS, MUSCLES, local_now, night_of, number, week_label

# The trend is "rising" or "falling" only when the later half of the window differs from the
# earlier half by at least this many nights with cramps per week (one night a fortnight).
TREND_TOLERANCE = 0.5
# `check --from-diary` averages over this many nights, or over the nights since the diary
# began when that is shorter, but never fewer than one week (one first night is not a rate).
FILL_NIGHTS = 28
MIN_OBSERVED_NIGHTS = 7


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _median(values: Sequence[float]) -> float:
    """The statistics module's median, without its import cost (fractions, decimal, random)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _observed(low: date, high: date, first: date | None) -> int:
    """Nights in [low, high) during which the diary was being kept."""
    if first is not None:
        low = max(low, first)
    return max((high - low).days, 0)


def _rate(nights: set[date], low: date, high: date, first: date | None) -> float | None:
    """Nights with cramps per week in [low, high), or None with less than a week observed."""
    observed = _observed(low, high, first)
    if observed < MIN_OBSERVED_NIGHTS:
        return None
    return round(sum(1 for n in nights if low <= n < high) / observed * 7, 1)


def _trend(earlier: float | None, later: float | None) -> str:
    if earlier is None or later is None:
        return "flat"
    if later - earlier >= TREND_TOLERANCE:
        return "rising"
    if earlier - later >= TREND_TOLERANCE:
        return "falling"
    return "flat"


def _counts(values: Sequence[str], names: Sequence[str]) -> dict[str, int]:
    return {name: sum(1 for v in values if v == name) for name in names}


def compute_stats(
    entries: Sequence[Entry],
    weeks: int,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The statistics of the last `weeks` ISO weeks, the current one included.

    `trend` compares nights with cramps per week in the earlier and the later half of the
    window (the middle week is left out when `weeks` is odd), counting only nights since the
    diary began and, this week, only nights so far. It is "flat" when the halves differ by
    less than TREND_TOLERANCE or when either half has less than a week of diary.
    """
    current = night_of((now or local_now()).astimezone())
    end = current + timedelta(days=1)
    start = current - timedelta(days=current.weekday(), weeks=weeks - 1)
    first = min((e.night for e in entries), default=None)
    window = [e for e in entries if start <= e.night <= current]
    nights = {e.night for e in window}
    week_starts = [start + timedelta(weeks=i) for i in range(weeks)]
    half = weeks // 2
    earlier = _rate(nights, week_starts[0], week_starts[half], first)
    later = _rate(nights, week_starts[weeks - half], end, first)
    return {
        "weeks": weeks,
        "from": start.isoformat(),
        "to": current.isoformat(),
        "episodes": len(window),
        "nights": len(nights),
        "nights_per_week": {
            week_label(ws): sum(1 for n in nights if ws <= n < ws + timedelta(weeks=1))
            for ws in week_starts
        },
        "mean_nights_per_week": _rate(nights, start, end, first),
        "mean_severity": round(_mean([e.severity for e in window]), 1) if window else None,
        "median_minutes": number(_median([e.minutes for e in window])) if window else None,
        "by_muscle": _counts([e.muscle for e in window], MUSCLES),
        "by_leg": _counts([e.leg for e in window], LEGS),
        "helped": _counts([h for e in window for h in e.helped], HELPED),
        "trend": _trend(earlier, later),
        "trend_nights_per_week": {
            "earlier_half": earlier,
            "later_half": later,
            "tolerance": TREND_TOLERANCE,
        },
    }


def diary_answers(entries: Sequence[Entry], now: datetime | None = None) -> dict[str, Any]:
    """`cramps_per_week` and `cramp_minutes` from the last four weeks; {} with no entries.

    Nights with cramps are averaged over four weeks, or over the nights since the diary
    began when that is shorter (but at least a week), so a new diary is not read as a
    quiet month.
    """
    current = night_of((now or local_now()).astimezone())
    low, end = current - timedelta(days=FILL_NIGHTS - 1), current + timedelta(days=1)
    window = [e for e in entries if low <= e.night <= current]
    if not window:
        return {}
    first = min(e.night for e in entries)
    observed = max(_observed(low, end, first), MIN_OBSERVED_NIGHTS)
    per_week = min(round(len({e.night for e in window}) / observed * 7, 1), 7.0)
    return {
        "cramps_per_week": number(per_week),
        "cramp_minutes": number(_median([e.minutes for e in window])),
    }


class Filled(NamedTuple):
    """What `fill_from_diary` did, for the command to tell the person."""

    answers: dict[str, Any]  # the answers with what the diary gave added
    filled: dict[str, Any]  # what came from the diary (empty when nothing did)
    diary_empty: bool  # wanted answers, but the diary has no entries in the window


def fill_from_diary(raw: dict[str, Any]) -> Filled:
    """`cramps check --from-diary`: add cramps_per_week and cramp_minutes when not answered.

    Answers given (flags, a file) always win; a null answer counts as not given. Nothing is
    printed here: the command says what was filled, on standard error.
    """
    wanted = [key for key in ("cramps_per_week", "cramp_minutes") if raw.get(key) is None]
    if not wanted:
        return Filled(raw, {}, diary_empty=False)
    found = diary_answers(list_entries())
    if not found:
        return Filled(raw, {}, diary_empty=True)
    filled = {key: found[key] for key in wanted}
    return Filled({**raw, **filled}, filled, diary_empty=False)


def in_window(entries: Sequence[Entry], stats: Mapping[str, Any]) -> list[Entry]:
    """The entries whose night falls in the window of a compute_stats result."""
    low, high = date.fromisoformat(stats["from"]), date.fromisoformat(stats["to"])
    return [e for e in entries if low <= e.night <= high]
