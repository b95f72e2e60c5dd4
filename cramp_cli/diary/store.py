"""The cramp diary: episodes and saved assessments in one SQLite file on the person's machine.

Health data, so the storage is deliberately careful:

- The file lives in the platform's user data folder (platformdirs) or in `$CRAMPS_HOME`. A
  folder cramps creates is 0700 and the file is created 0600 before SQLite opens it (SQLite
  gives its -wal and -shm files the database file's mode). An existing folder is left alone.
- WAL mode and a busy timeout let two cramps processes write at once without losing an entry.
- `PRAGMA application_id` marks the file as ours; a file that is not a cramps diary, or is
  damaged, is never written, overwritten or deleted: the person gets DiaryError (exit 1),
  naming the file and how to move it aside. The foreign cases are caught from the raw
  header first, so SQLite never opens (and never checkpoints or rolls back) a stranger's file.
- The schema version lives in `PRAGMA user_version`; MIGRATIONS brings an older diary up to
  date inside one write transaction.

Reading commands never create the diary: with no file, the diary is simply empty.

A night runs from noon to noon in the local time the entry was logged in, so a cramp at
03:10 on a Tuesday belongs to Monday's night, and two cramps either side of midnight count as
one night. Statistics and `check --from-diary` count nights, as cramp trials do.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import DiaryError
from .values import local_now, night_of, number

APPLICATION_ID = 0x43524D50  # "CRMP"
FILE_NAME = "diary.sqlite3"
BUSY_TIMEOUT_MS = 5000
SQLITE_MAGIC = b"SQLite format 3\x00"


MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: episodes and saved assessments
        """CREATE TABLE entries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            at_utc TEXT NOT NULL,
            leg TEXT NOT NULL CHECK (leg IN ('left', 'right', 'both')),
            muscle TEXT NOT NULL CHECK (muscle IN ('calf', 'foot', 'thigh', 'other')),
            minutes REAL NOT NULL CHECK (minutes > 0 AND minutes <= 240),
            severity INTEGER NOT NULL CHECK (severity BETWEEN 0 AND 10),
            helped TEXT NOT NULL DEFAULT '[]',
            note TEXT,
            logged_at TEXT NOT NULL
        )""",
        "CREATE INDEX entries_by_time ON entries (at_utc)",
        """CREATE TABLE assessments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            saved_at TEXT NOT NULL,
            document TEXT NOT NULL
        )""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class Entry(NamedTuple):
    """One cramp episode. `when` keeps the UTC offset it was logged with."""

    id: int
    when: datetime
    leg: str
    muscle: str
    minutes: float
    severity: int
    helped: tuple[str, ...]
    note: str | None

    @property
    def night(self) -> date:
        return night_of(self.when)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "when": self.when.isoformat(),
            "leg": self.leg,
            "muscle": self.muscle,
            "minutes": number(self.minutes),
            "severity": self.severity,
            "helped": list(self.helped),
            "note": self.note,
        }


class SavedAssessment(NamedTuple):
    id: int
    saved_at: datetime
    document: dict[str, Any]


# --------------------------------------------------------------------------- the file


def diary_path() -> Path:
    """`$CRAMPS_HOME/diary.sqlite3`, or the platform's user data folder for cramps."""
    home = os.environ.get("CRAMPS_HOME", "").strip()
    if home:
        return Path(home).expanduser() / FILE_NAME
    import platformdirs

    return Path(platformdirs.user_data_dir("cramps", appauthor=False)) / FILE_NAME


def _move_aside(path: Path) -> str:
    import shlex

    quoted = shlex.quote(str(path))
    return (
        f"cramps leaves it as it is; move it aside with `mv {quoted} "
        f"{shlex.quote(str(path) + '.bak')}` and cramps starts a new diary"
    )


def _damaged(path: Path, detail: str) -> DiaryError:
    return DiaryError(
        f"{path} is damaged or is not a cramps diary ({detail}); " + _move_aside(path)
    )


def _foreign(path: Path, app_id: int) -> DiaryError:
    return DiaryError(
        f"{path} is an SQLite database of another program "
        f"(application_id {app_id:#010x}), not a cramps diary; " + _move_aside(path)
    )


def _sqlite_error(path: Path, error: sqlite3.Error) -> DiaryError:
    """A SQLite failure in words: busy, not allowed, or damaged."""
    text = str(error)
    if "locked" in text or "busy" in text:
        return DiaryError(
            f"the diary {path} is busy: another program held it for "
            f"{BUSY_TIMEOUT_MS // 1000} seconds; try again"
        )
    if "full" in text:
        return DiaryError(
            f"cannot write the diary {path}: the disk is full; nothing was "
            "saved (free some space and try again)"
        )
    if "readonly" in text or "unable to open" in text or "disk I/O" in text:
        return DiaryError(f"cannot use the diary {path}: {text}")
    return _damaged(path, text)


def _make_folder(folder: Path) -> None:
    """Create the missing folders 0700 (the XDG rule for data folders); leave existing ones."""
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            continue  # another cramps made it a moment ago
        except OSError as error:
            raise DiaryError(f"cannot create the folder {path}: {error.strerror}") from None
        os.chmod(path, 0o700)  # exactly 0700 whatever the umask


def _check_home(folder: Path) -> None:
    """Refuse a diary folder another user owns or anyone may write to (issue #14).

    In such a folder someone else can plant a symlink where the diary goes, or swap the file,
    and read or alter the health data in it. The person is told how to put it right.
    """
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        return
    except OSError as error:
        raise DiaryError(f"cannot use the diary folder {folder}: {error.strerror}") from None
    import stat

    if not stat.S_ISDIR(info.st_mode):
        raise DiaryError(f"the diary folder {folder} is not a folder")
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        raise DiaryError(
            f"the diary folder {folder} belongs to another user; cramps keeps health data "
            "only in a folder of yours (set CRAMPS_HOME to one, e.g. ~/.local/share/cramps)"
        )
    if info.st_mode & 0o002:
        raise DiaryError(
            f"the diary folder {folder} can be written by anyone, so another user could "
            f"reach the diary through it; make it private (chmod 700 {folder}) or set "
            "CRAMPS_HOME to a private folder"
        )


def _check_file(path: Path) -> None:
    """The diary itself: a regular file of this user, never a symlink to be followed."""
    import stat

    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as error:
        raise DiaryError(f"cannot use the diary {path}: {error.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise DiaryError(
            f"{path} is a symbolic link; cramps does not follow links to the "
            "diary. " + _move_aside(path)
        )
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        raise DiaryError(f"the diary {path} belongs to another user; " + _move_aside(path))


def _create_file(path: Path) -> None:
    """Create the empty diary 0600 before SQLite sees it, so it is never readable by others."""
    try:
        fd = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600
        )
    except FileExistsError:
        return  # another cramps is creating it; _prepare waits for its transaction
    except OSError as error:
        raise DiaryError(f"cannot create the diary {path}: {error.strerror}") from None
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def _check_header(path: Path) -> None:
    """Refuse a file that is not ours from its first 100 bytes, before SQLite touches it."""
    try:
        with open(path, "rb") as file:
            head = file.read(100)
    except IsADirectoryError:
        raise DiaryError(f"{path} is a folder, not a cramps diary; " + _move_aside(path)) from None
    except OSError as error:
        raise DiaryError(f"cannot read the diary {path}: {error.strerror}") from None
    if not head:
        return  # new: created by us or by another cramps that is setting it up
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        raise _damaged(path, "not an SQLite database")
    app_id = int.from_bytes(head[68:72], "big")
    wal = head[18] == 2
    if app_id != APPLICATION_ID and (app_id != 0 or wal):
        raise _foreign(path, app_id)  # a cramps diary gets its id before it turns to WAL


def _pragma(conn: sqlite3.Connection, name: str) -> Any:
    return conn.execute(f"PRAGMA {name}").fetchone()[0]


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    """Check the file is a cramps diary of a schema we know, and migrate it if it is older."""
    if (
        _pragma(conn, "application_id") != APPLICATION_ID
        or _pragma(conn, "user_version") != SCHEMA_VERSION
    ):
        _set_up(conn, path)
    _use_wal(conn)


def _set_up(conn: sqlite3.Connection, path: Path) -> None:
    """Create or migrate in one write transaction, so a half-made diary is never seen."""
    conn.execute("BEGIN IMMEDIATE")  # one process sets up or migrates; the others wait
    try:
        _migrate(conn, path)
        conn.execute("COMMIT")
    except BaseException:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    app_id = _pragma(conn, "application_id")
    version = _pragma(conn, "user_version")
    if app_id == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise _foreign(path, 0)
    if app_id not in (0, APPLICATION_ID):
        raise _foreign(path, app_id)
    if version > SCHEMA_VERSION:
        raise DiaryError(
            f"the diary {path} was written by a newer cramps (diary schema "
            f"{version}; this one knows {SCHEMA_VERSION}); update cramps"
        )
    for statements in MIGRATIONS[version:]:
        for statement in statements:
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _use_wal(conn: sqlite3.Connection) -> None:
    """Make sure the diary is in WAL mode (it stays so once switched); a second process
    switching at the same moment may briefly see 'locked', so retry."""
    for _ in range(100):
        try:
            if _pragma(conn, "journal_mode") != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            time.sleep(0.05)


@contextmanager
def connect(*, create: bool) -> Iterator[sqlite3.Connection | None]:
    """A checked connection to the diary, or None when there is none and create is False.

    Every SQLite failure inside the block becomes a DiaryError naming the file.
    """
    path = diary_path()
    _check_home(path.parent)
    _check_file(path)
    if not os.path.lexists(path):
        if not create:
            yield None
            return
        _make_folder(path.parent)
        _check_home(path.parent)
        _create_file(path)
    _check_file(path)
    _check_header(path)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as error:
        raise _sqlite_error(path, error) from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _prepare(conn, path)
        yield conn
    except sqlite3.Error as error:
        raise _sqlite_error(path, error) from None
    finally:
        conn.close()


# --------------------------------------------------------------------------- entries


def add_entry(
    when: datetime,
    leg: str,
    muscle: str,
    minutes: float,
    severity: int,
    helped: Sequence[str] = (),
    note: str | None = None,
) -> int:
    """Store one episode (values already checked by the parse_* functions); return its id."""
    row = (
        when.isoformat(timespec="seconds"),
        _utc_text(when),
        leg,
        muscle,
        float(minutes),
        int(severity),
        json.dumps(list(helped)),
        note,
        _utc_text(local_now()),
    )
    with connect(create=True) as conn:
        assert conn is not None
        cursor = conn.execute(
            "INSERT INTO entries (at, at_utc, leg, muscle, minutes, severity, helped, note, "
            "logged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )
        return int(cursor.lastrowid or 0)


def _utc_text(when: datetime) -> str:
    """UTC text that sorts in time order whatever offsets the entries were logged with."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry(row: Sequence[Any]) -> Entry:
    return Entry(
        id=row[0],
        when=datetime.fromisoformat(row[1]),
        leg=row[2],
        muscle=row[3],
        minutes=row[4],
        severity=row[5],
        helped=tuple(json.loads(row[6])),
        note=row[7],
    )


_COLUMNS = "id, at, leg, muscle, minutes, severity, helped, note"


def list_entries(since: date | None = None, until: date | None = None) -> list[Entry]:
    """Entries oldest first; since/until compare the local calendar date, both inclusive."""
    sql = f"SELECT {_COLUMNS} FROM entries WHERE 1"
    params: list[str] = []
    if since is not None:
        sql += " AND substr(at, 1, 10) >= ?"
        params.append(since.isoformat())
    if until is not None:
        sql += " AND substr(at, 1, 10) <= ?"
        params.append(until.isoformat())
    with connect(create=False) as conn:
        if conn is None:
            return []
        rows = conn.execute(sql + " ORDER BY at_utc, id", params).fetchall()
    return [_entry(row) for row in rows]


def delete_entry(entry_id: int) -> Entry | None:
    """Remove one entry; return what it was, or None when there is no such entry."""
    with connect(create=False) as conn:
        if conn is None:
            return None
        row = conn.execute(f"SELECT {_COLUMNS} FROM entries WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            return None
        conn.execute("DELETE FROM entries WHERE id = ?", (entry_id,))
    return _entry(row)


def diary_files(path: Path | None = None) -> list[Path]:
    """The diary and the files SQLite keeps next to it."""
    path = path or diary_path()
    return [path] + [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")]


def forget_all() -> list[Path]:
    """Delete the diary and its -wal/-shm files; return those removed.

    The file is checked first: a file that is not a cramps diary is never deleted.
    """
    with connect(create=False) as conn:
        if conn is None:
            return []
    removed = []  # connect() refused a symlinked diary: unlink removes only real files
    for file in diary_files():
        try:
            file.unlink()
            removed.append(file)
        except FileNotFoundError:
            continue
        except OSError as error:
            raise DiaryError(f"cannot remove {file}: {error.strerror}") from None
    return removed


# --------------------------------------------------------------------------- assessments


def save_assessment(doc: dict[str, Any]) -> int:
    """Store an assessment from `cramps check --save` with the time, for `cramps report`.

    Returns its row id; the command tells the person (the diary never prints).
    """
    with connect(create=True) as conn:
        assert conn is not None
        cursor = conn.execute(
            "INSERT INTO assessments (saved_at, document) VALUES (?, ?)",
            (local_now().isoformat(), json.dumps(doc, ensure_ascii=False)),
        )
    return cursor.lastrowid or 0


def latest_assessment() -> SavedAssessment | None:
    with connect(create=False) as conn:
        if conn is None:
            return None
        row = conn.execute(
            "SELECT id, saved_at, document FROM assessments ORDER BY id DESC LIMIT 1"
        ).fetchone()
    if row is None:
        return None
    try:
        document = json.loads(row[2])
        saved_at = datetime.fromisoformat(row[1])
    except (ValueError, TypeError, RecursionError):
        raise _damaged(diary_path(), "a saved assessment cannot be read") from None
    if not isinstance(document, dict):
        raise _damaged(diary_path(), "a saved assessment is not a JSON object")
    return SavedAssessment(row[0], saved_at, document)
