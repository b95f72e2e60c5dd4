"""The diary's storage and statistics: where the file goes and with which modes, what it
refuses to touch, two writers at once, migrations, nights, trend and --from-diary values."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from cramp_cli.diary import stats as diary_stats
from cramp_cli.diary import store as diary
from cramp_cli.diary import values as diary_values
from cramp_cli.diary.store import Entry
from cramp_cli.errors import DiaryError

# A Sunday evening: the current ISO week (2026-W48) is complete, so every half is whole weeks.
SUNDAY = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)


def home() -> Path:
    return Path(os.environ["CRAMPS_HOME"])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def entry(when: datetime, n: int = 1, **values) -> Entry:
    base = {
        "leg": "left",
        "muscle": "calf",
        "minutes": 2.0,
        "severity": 5,
        "helped": (),
        "note": None,
    }
    return Entry(id=n, when=when, **{**base, **values})


def add(when: datetime | None = None, **values) -> int:
    base = {"leg": "left", "muscle": "calf", "minutes": 3, "severity": 5}
    return diary.add_entry(when or diary_values.local_now(), **{**base, **values})


# --------------------------------------------------------------------------- the file


def test_the_diary_lives_in_cramps_home():
    assert diary.diary_path() == home() / "diary.sqlite3"


def test_without_cramps_home_the_platform_data_folder_is_used(monkeypatch, tmp_path):
    import platformdirs

    monkeypatch.delenv("CRAMPS_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    expected = Path(platformdirs.user_data_dir("cramps", appauthor=False)) / "diary.sqlite3"
    assert diary.diary_path() == expected
    if sys.platform.startswith("linux"):
        assert diary.diary_path() == tmp_path / "cramps" / "diary.sqlite3"


def test_created_folders_are_0700_and_the_file_0600(monkeypatch, tmp_path):
    monkeypatch.setenv("CRAMPS_HOME", str(tmp_path / "new" / "deeper"))
    old = os.umask(0o022)
    try:
        add()
    finally:
        os.umask(old)
    assert mode(tmp_path / "new") == 0o700
    assert mode(tmp_path / "new" / "deeper") == 0o700
    assert mode(tmp_path / "new" / "deeper" / "diary.sqlite3") == 0o600


def test_wal_and_shm_files_follow_the_file_mode():
    add()
    conn = sqlite3.connect(diary.diary_path())  # keep them in existence while we look
    try:
        conn.execute("SELECT count(*) FROM entries").fetchone()
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        for suffix in ("-wal", "-shm"):
            assert mode(Path(f"{diary.diary_path()}{suffix}")) == 0o600
    finally:
        conn.close()


def test_an_existing_folder_keeps_its_mode(monkeypatch, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    folder.chmod(0o755)
    monkeypatch.setenv("CRAMPS_HOME", str(folder))
    add()
    assert mode(folder) == 0o755
    assert mode(folder / "diary.sqlite3") == 0o600


def test_the_file_is_marked_as_a_cramps_diary_with_its_schema_version():
    add()
    conn = sqlite3.connect(diary.diary_path())
    try:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x43524D50
        assert conn.execute("PRAGMA user_version").fetchone()[0] == diary.SCHEMA_VERSION
    finally:
        conn.close()


def test_reading_never_creates_the_diary():
    assert diary.list_entries() == []
    assert diary.latest_assessment() is None
    assert diary.delete_entry(1) is None
    assert diary.forget_all() == []
    assert not home().exists()


# --------------------------------------------------------------------------- refusing


def damaged_bytes() -> bytes:
    data = os.urandom(8192)
    return b"X" + data[1:]  # never the SQLite magic


def foreign_sqlite(path: Path, app_id: int, wal: bool = False) -> None:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA application_id = {app_id}")
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.execute("INSERT INTO notes VALUES ('not yours')")
    conn.commit()
    conn.close()


def assert_refused(path: Path, before: bytes) -> None:
    names = {p.name for p in path.parent.iterdir()}
    for action in (
        diary.list_entries,
        lambda: add(),
        diary.forget_all,
        lambda: diary.save_assessment({"x": 1}),
        diary.latest_assessment,
    ):
        with pytest.raises(DiaryError) as error:
            action()
        message = str(error.value)
        assert str(path) in message
        assert f"mv {path} {path}.bak" in message
    assert path.read_bytes() == before
    assert {p.name for p in path.parent.iterdir()} == names


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda p: p.write_bytes(damaged_bytes()), id="random-bytes"),
        pytest.param(lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\x00" * 20), id="short"),
        pytest.param(lambda p: foreign_sqlite(p, 0x12345678), id="other-application-id"),
        pytest.param(lambda p: foreign_sqlite(p, 0), id="no-application-id"),
        pytest.param(lambda p: foreign_sqlite(p, 0, wal=True), id="no-application-id-wal"),
    ],
)
def test_a_file_that_is_not_a_cramps_diary_is_never_touched(make):
    home().mkdir()
    path = diary.diary_path()
    make(path)
    assert_refused(path, path.read_bytes())


def test_a_damaged_cramps_diary_is_reported_and_left_alone():
    for n in range(30):
        add(note="x" * 500 + str(n))
    path = diary.diary_path()
    data = bytearray(path.read_bytes())
    assert len(data) > 8192
    data[4096:] = os.urandom(len(data) - 4096)  # every page but the header page
    path.write_bytes(bytes(data))
    with pytest.raises(DiaryError, match="damaged"):
        diary.list_entries()
    assert path.read_bytes() == bytes(data)


def test_a_diary_from_a_newer_cramps_is_refused():
    add()
    conn = sqlite3.connect(diary.diary_path())
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(DiaryError, match="newer cramps"):
        diary.list_entries()


def test_an_older_diary_is_migrated_and_keeps_its_entries(monkeypatch):
    first = add(note="before")
    migration = ("ALTER TABLE entries ADD COLUMN side_effects TEXT",)
    monkeypatch.setattr(diary, "MIGRATIONS", (*diary.MIGRATIONS, migration))
    monkeypatch.setattr(diary, "SCHEMA_VERSION", len(diary.MIGRATIONS))
    assert [e.note for e in diary.list_entries()] == ["before"]
    conn = sqlite3.connect(diary.diary_path())
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        columns = [row[1] for row in conn.execute("PRAGMA table_info(entries)")]
        assert "side_effects" in columns
    finally:
        conn.close()
    assert add() == first + 1


# --------------------------------------------------------------------------- two writers

WRITER = textwrap.dedent("""
    import sys, time
    from cramp_cli.diary.store import add_entry, local_now
    start = float(sys.argv[1])
    while time.time() < start:
        time.sleep(0.001)
    for n in range(40):
        add_entry(local_now(), "left", "calf", 1 + n, 5, note=f"{sys.argv[2]}-{n}")
""")


@pytest.mark.slow
def test_two_processes_writing_at_once_lose_nothing():
    """Both start on a diary that does not exist yet, so they also race to create it."""
    start = str(time.time() + 1.5)
    env = {**os.environ, "CRAMPS_HOME": str(home())}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, start, name], env=env, stderr=subprocess.PIPE, text=True
        )
        for name in ("a", "b")
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    notes = sorted(e.note for e in diary.list_entries())
    assert notes == sorted(f"{name}-{n}" for name in "ab" for n in range(40))
    assert len({e.id for e in diary.list_entries()}) == 80


# --------------------------------------------------------------------------- entries


def test_entries_keep_their_utc_offset_and_sort_by_time():
    plus_two = timezone(timedelta(hours=2))
    late = add(datetime(2026, 11, 20, 3, 0, tzinfo=plus_two))  # 01:00 UTC
    early = add(datetime(2026, 11, 20, 1, 30, tzinfo=UTC))  # 01:30 UTC, logged second
    entries = diary.list_entries()
    assert [e.id for e in entries] == [late, early]
    assert entries[0].to_json()["when"] == "2026-11-20T03:00:00+02:00"


def test_since_and_until_are_inclusive_local_dates():
    for day in (1, 2, 3, 4):
        add(datetime(2026, 11, day, 3, 0, tzinfo=UTC))
    since, until = datetime(2026, 11, 2).date(), datetime(2026, 11, 3).date()
    assert [e.when.day for e in diary.list_entries(since, until)] == [2, 3]


def test_deleted_ids_are_not_reused():
    first = add()
    assert diary.delete_entry(first) is not None
    assert add() == first + 1


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03:10", datetime(2026, 11, 29, 3, 10)),  # earlier today
        ("23:30", datetime(2026, 11, 28, 23, 30)),  # the most recent 23:30 was yesterday
        ("2026-11-20T03:10", datetime(2026, 11, 20, 3, 10)),
        ("2026-11-20 03:10", datetime(2026, 11, 20, 3, 10)),
    ],
)
def test_when_is_local_time_with_its_offset(text, expected):
    now = datetime(2026, 11, 29, 20, 0).astimezone()
    when = diary_values.parse_when(text, now)
    assert when.replace(tzinfo=None) == expected
    assert when.utcoffset() is not None


def test_when_keeps_a_given_offset():
    when = diary_values.parse_when("2026-11-20T03:10+01:00", SUNDAY)
    assert when.isoformat() == "2026-11-20T03:10:00+01:00"


@pytest.mark.parametrize("text", ["yesterday", "2026-11-20", "25:00", "2026-13-01T03:00", "3pm"])
def test_unparseable_when_is_refused_with_the_formats(text):
    with pytest.raises(diary_values.DiaryValueError, match="ISO 8601"):
        diary_values.parse_when(text, SUNDAY)


def test_a_future_when_is_refused():
    with pytest.raises(diary_values.DiaryValueError, match="future"):
        diary_values.parse_when("2026-12-25T03:00+00:00", SUNDAY)


@pytest.mark.parametrize("text", ["0", "-2", "241", "abc", "nan", "1e3"])
def test_minutes_outside_0_to_240_are_refused(text):
    with pytest.raises(diary_values.DiaryValueError, match="more than 0 and at most 240"):
        diary_values.parse_minutes(text)


def test_minutes_may_be_a_fraction():
    assert diary_values.parse_minutes("0.5") == 0.5
    assert diary_values.parse_minutes("240") == 240


def test_a_note_is_one_line_without_control_characters():
    assert diary_values.parse_note("  after\na long\twalk ") == "after a long walk"
    assert diary_values.parse_note("   ") is None
    with pytest.raises(diary_values.DiaryValueError, match="control characters"):
        diary_values.parse_note("red \x1b[31mtext")


# --------------------------------------------------------------------------- statistics


def test_a_night_runs_noon_to_noon():
    monday = datetime(2026, 11, 23, tzinfo=UTC)
    assert diary_values.night_of(monday.replace(hour=23, minute=30)).day == 23
    assert diary_values.night_of(monday + timedelta(days=1, hours=1, minutes=30)).day == 23
    assert diary_values.night_of(monday + timedelta(days=1, hours=11, minutes=59)).day == 23
    assert diary_values.night_of(monday + timedelta(days=1, hours=12)).day == 24


def test_cramps_either_side_of_midnight_are_one_night():
    monday = datetime(2026, 11, 23, tzinfo=UTC)
    entries = [
        entry(monday.replace(hour=23, minute=30), 1),
        entry(monday + timedelta(days=1, hours=1, minutes=30), 2),
        entry(monday + timedelta(days=1, hours=13), 3),
    ]
    stats = diary_stats.compute_stats(entries, 8, SUNDAY)
    assert stats["episodes"] == 3
    assert stats["nights"] == 2
    assert stats["nights_per_week"]["2026-W48"] == 2


def test_stats_window_and_counts():
    entries = [
        entry(
            SUNDAY - timedelta(days=1, hours=17),
            1,
            muscle="foot",
            leg="right",
            minutes=1,
            severity=2,
            helped=("stretching", "heat"),
        ),
        entry(
            SUNDAY - timedelta(days=9, hours=17), 2, minutes=3, severity=6, helped=("stretching",)
        ),
        entry(SUNDAY - timedelta(days=10, hours=17), 3, minutes=10, severity=7),
        entry(SUNDAY - timedelta(weeks=20), 4),  # outside the 8 weeks
    ]
    stats = diary_stats.compute_stats(entries, 8, SUNDAY)
    assert stats["weeks"] == 8
    assert (stats["from"], stats["to"]) == ("2026-10-05", "2026-11-29")
    assert list(stats["nights_per_week"]) == [f"2026-W{w}" for w in range(41, 49)]
    assert stats["nights_per_week"]["2026-W47"] == 2
    assert stats["nights_per_week"]["2026-W48"] == 1
    assert stats["episodes"] == 3
    assert stats["mean_severity"] == 5.0
    assert stats["median_minutes"] == 3
    assert stats["by_muscle"] == {"calf": 2, "foot": 1, "thigh": 0, "other": 0}
    assert stats["by_leg"] == {"left": 2, "right": 1, "both": 0}
    assert stats["helped"] == {"stretching": 2, "walking": 0, "massage": 0, "heat": 1, "other": 0}


def test_an_empty_diary_has_empty_stats():
    stats = diary_stats.compute_stats([], 8, SUNDAY)
    assert stats["episodes"] == 0
    assert stats["mean_severity"] is None
    assert stats["median_minutes"] is None
    assert set(stats["nights_per_week"].values()) == {0}
    assert stats["trend"] == "flat"


def nights(per_week: list[int]) -> list[Entry]:
    """Entries at 22:00 on the first nights of each of the 8 weeks ending on SUNDAY."""
    start = SUNDAY.replace(hour=22) - timedelta(days=6, weeks=len(per_week) - 1)
    out = [entry(start - timedelta(weeks=10), 0)]  # the diary began long before the window
    for week, count in enumerate(per_week):
        for day in range(count):
            out.append(entry(start + timedelta(weeks=week, days=day), len(out)))
    return out


@pytest.mark.parametrize(
    ("per_week", "trend"),
    [
        ([1, 1, 1, 1, 3, 3, 3, 3], "rising"),
        ([3, 3, 3, 3, 1, 1, 1, 1], "falling"),
        ([2, 2, 2, 2, 2, 2, 2, 2], "flat"),
        ([2, 2, 2, 2, 2, 2, 2, 4], "rising"),  # +0.5 a week: at the tolerance
        ([2, 2, 2, 2, 2, 2, 2, 3], "flat"),  # +0.25 a week: under it
        ([0, 0, 0, 0, 0, 0, 0, 0], "flat"),
    ],
)
def test_trend_compares_the_halves_with_a_tolerance_of_half_a_night(per_week, trend):
    stats = diary_stats.compute_stats(nights(per_week), 8, SUNDAY)
    assert list(stats["nights_per_week"].values()) == per_week
    assert stats["trend"] == trend


def test_trend_counts_only_nights_since_the_diary_began():
    """A diary started three weeks ago has no earlier half: not 'rising' from nothing."""
    entries = [entry(SUNDAY - timedelta(days=d, hours=-1), d) for d in (1, 8, 15)]
    stats = diary_stats.compute_stats(entries, 8, SUNDAY)
    assert stats["trend"] == "flat"
    assert stats["trend_nights_per_week"]["earlier_half"] is None


def test_the_current_week_counts_its_nights_so_far():
    """On Wednesday, 2 nights this week is a rate of about 4.7, not 2."""
    wednesday = SUNDAY - timedelta(days=4)
    per_week = [1, 1, 1, 1, 1, 1, 1]
    entries = nights(per_week + [0])
    entries = [e for e in entries if e.night <= diary_values.night_of(wednesday)]
    entries.append(entry(wednesday - timedelta(hours=1), 99))
    entries.append(entry(wednesday - timedelta(days=1, hours=1), 98))
    stats = diary_stats.compute_stats(entries, 8, wednesday)
    assert stats["trend"] == "rising"


# --------------------------------------------------------------------------- --from-diary


def test_diary_answers_average_nights_over_four_weeks():
    entries = [
        entry(SUNDAY - timedelta(days=d, hours=-1), d, minutes=m)
        for d, m in ((1, 2), (2, 4), (9, 10), (20, 6), (60, 99))
    ]
    assert diary_stats.diary_answers(entries, SUNDAY) == {"cramps_per_week": 1, "cramp_minutes": 5}


def test_diary_answers_of_a_new_diary_use_the_weeks_it_has():
    entries = [entry(SUNDAY - timedelta(days=d, hours=-1), d) for d in (0, 2, 4, 7, 9, 11)]
    assert diary_stats.diary_answers(entries, SUNDAY)["cramps_per_week"] == 3.5  # 6 nights in 12


def test_diary_answers_never_exceed_seven_and_need_entries_in_the_window():
    assert diary_stats.diary_answers([entry(SUNDAY - timedelta(weeks=6), 1)], SUNDAY) == {}
    every = [entry(SUNDAY - timedelta(days=d, hours=-1), d) for d in range(28)]
    assert diary_stats.diary_answers(every, SUNDAY)["cramps_per_week"] == 7


def test_fill_from_diary_fills_only_what_is_missing(capsys):
    add(minutes=4)
    raw = {"age": 60, "cramps_per_week": 5, "cramp_minutes": None}
    result = diary_stats.fill_from_diary(raw)
    assert result.answers == {"age": 60, "cramps_per_week": 5, "cramp_minutes": 4}
    assert result.filled == {"cramp_minutes": 4}
    assert raw["cramp_minutes"] is None  # not changed in place
    assert capsys.readouterr() == ("", "")  # the diary returns values; the command prints


def test_fill_from_diary_says_when_the_diary_is_empty(capsys):
    raw = {"age": 60}
    result = diary_stats.fill_from_diary(raw)
    assert result.answers == raw and result.filled == {} and result.diary_empty
    assert capsys.readouterr() == ("", "")


def test_save_assessment_prints_nothing(capsys):
    first = diary.save_assessment({"n": 1})
    assert diary.save_assessment({"n": 2}) > first
    assert capsys.readouterr() == ("", "")


def test_save_assessment_keeps_the_latest():
    diary.save_assessment({"n": 1})
    diary.save_assessment({"n": 2})
    latest = diary.latest_assessment()
    assert latest is not None
    assert latest.document == {"n": 2}
    assert latest.saved_at.utcoffset() is not None
    assert json.loads(json.dumps(latest.document)) == {"n": 2}
