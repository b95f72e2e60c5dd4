"""The values of a diary entry as a person types them: parsed, checked, and explained.

Each parse_* function takes text from a flag or a prompt and returns the value the diary
stores, or raises DiaryValueError with a message that names what is allowed. A night runs
from noon to noon in local time, so a cramp at 03:10 belongs to the night before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta


class DiaryValueError(ValueError):
    """A value a person typed that the diary cannot take; the message says what is allowed."""


LEGS = ("left", "right", "both")
MUSCLES = ("calf", "foot", "thigh", "other")
HELPED = ("stretching", "walking", "massage", "heat", "other")
MAX_MINUTES = 240
MAX_NOTE_CHARS = 2000
MIN_WEEKS, MAX_WEEKS = 2, 260
FUTURE_SLACK = timedelta(minutes=5)


def number(value: float) -> int | float:
    """3.0 -> 3, so JSON and text show whole minutes as whole numbers."""
    return int(value) if float(value).is_integer() else value


def night_of(when: datetime) -> date:
    """The night a moment belongs to: nights run noon to noon, named by the evening's date."""
    return (when - timedelta(hours=12)).date()


def week_label(day: date) -> str:
    """ISO week label, zero-padded so labels sort in time order: 2026-W05."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _sane_time_zone() -> None:
    """A TZ whose offset Python cannot hold (TZ=UTC+24) would fail every local time: use UTC
    for this run instead, and say so once."""
    try:
        datetime.now().astimezone()
    except (ValueError, OverflowError, OSError):
        import os
        import time

        from ..console.output import warn

        warn(f"the time zone TZ={os.environ.get('TZ', '')!r} is not valid; using UTC")
        os.environ["TZ"] = "UTC"
        if hasattr(time, "tzset"):
            time.tzset()


def local_now() -> datetime:
    _sane_time_zone()
    return datetime.now().astimezone().replace(microsecond=0)


# Patterns as text, compiled on first use: a command that parses nothing compiles nothing.
_TIME_ONLY = r"(\d{1,2}):(\d{2})(?::(\d{2}))?"
_DATE_ONLY = r"\d{4}-?\d{2}-?\d{2}"
_WHEN_HELP = (
    "use ISO 8601 like 2026-11-20T03:10 or 2026-11-20T03:10+01:00, or a time alone like 03:10"
)


def parse_when(text: str | None, now: datetime | None = None) -> datetime:
    """When a cramp happened, with the local UTC offset unless the text gives one.

    A time alone means its most recent occurrence: at 08:00, `03:10` is this morning and
    `23:30` is last night. A date alone is refused, since the night would be a guess.
    """
    now = (now or local_now()).astimezone()
    if text is None or not text.strip():
        return now.replace(microsecond=0)
    text = text.strip()
    try:
        when = _time_alone(text, now) if re.fullmatch(_TIME_ONLY, text) else _date_time(text)
    except (ValueError, OverflowError, OSError):
        raise DiaryValueError(f"{text!r} is not a date and time; {_WHEN_HELP}") from None
    if when > now + FUTURE_SLACK:
        raise DiaryValueError(f"{text!r} is in the future")
    return when.replace(microsecond=0)


def _time_alone(text: str, now: datetime) -> datetime:
    match = re.fullmatch(_TIME_ONLY, text)
    assert match is not None
    hour, minute, second = (int(part or 0) for part in match.groups())
    local = now.replace(tzinfo=None)
    moment = local.replace(hour=hour, minute=minute, second=second, microsecond=0)
    if moment > local:
        moment -= timedelta(days=1)
    return moment.astimezone()


def _date_time(text: str) -> datetime:
    if re.fullmatch(_DATE_ONLY, text):
        raise ValueError("a date alone")
    when = datetime.fromisoformat(text)
    return when if when.tzinfo is not None else when.astimezone()


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise DiaryValueError(f"{text!r} is not a date; use YYYY-MM-DD, like 2026-11-01") from None


def parse_choice(text: str, allowed: Sequence[str]) -> str:
    value = text.strip().lower()
    if value not in allowed:
        raise DiaryValueError(f"{text!r} is not allowed; allowed: {', '.join(allowed)}")
    return value


def parse_choices(texts: Sequence[str], allowed: Sequence[str]) -> tuple[str, ...]:
    """Several choices, each checked, duplicates dropped, in the order given."""
    return tuple(dict.fromkeys(parse_choice(t, allowed) for t in texts))


_WHOLE = r"[+-]?\d+"
_DECIMAL = r"[+-]?(\d+\.?\d*|\.\d+)"


def parse_whole(text: str, low: int, high: int) -> int:
    cleaned = str(text).strip()
    if not re.fullmatch(_WHOLE, cleaned) or not low <= int(cleaned) <= high:
        raise DiaryValueError(f"must be a whole number from {low} to {high}, not {cleaned}")
    return int(cleaned)


def parse_minutes(text: str) -> float:
    """Minutes as typed: decimals allowed, since many cramps last under a minute."""
    cleaned = str(text).strip()
    if not re.fullmatch(_DECIMAL, cleaned) or not 0 < float(cleaned) <= MAX_MINUTES:
        raise DiaryValueError(
            f"must be a number of minutes more than 0 and at most {MAX_MINUTES}, not {cleaned}"
        )
    return float(cleaned)


def parse_severity(text: str) -> int:
    return parse_whole(text, 0, 10)


def parse_weeks(text: str) -> int:
    return parse_whole(text, MIN_WEEKS, MAX_WEEKS)


_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def parse_note(text: str | None) -> str | None:
    """One line of text: whitespace (newlines too) collapses; other control characters are
    refused, so a note can never move a terminal's cursor or colour a table."""
    if text is None:
        return None
    note = " ".join(text.split())
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in note):
        raise DiaryValueError("control characters are not allowed")
    if any(c in _BIDI_CONTROLS for c in note):  # they reorder what a table shows (issue #14)
        raise DiaryValueError("bidirectional control characters are not allowed")
    if len(note) > MAX_NOTE_CHARS:
        raise DiaryValueError(f"at most {MAX_NOTE_CHARS} characters, not {len(note)}")
    return note or None
