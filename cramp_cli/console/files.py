"""Opening a file or standard input named on the command line, with one-line errors, and
creating files that hold health data (0600, never through a symlink, never over a file
without --force)."""

from __future__ import annotations

import os
import sys
from contextlib import suppress
from pathlib import Path
from typing import IO

from ..errors import UsageError, WriteError


def open_input(path: str, option: str, kind: str) -> IO[str]:
    """`path` opened as UTF-8 text (`-` is standard input); UsageError naming the option.

    `kind` says what the file should be ("an answers file"), for the message about a folder.
    """
    if path == "-":
        if sys.stdin is None or sys.stdin.closed:
            raise UsageError(f"{option} -: standard input is closed")
        return sys.stdin
    try:
        return open(path, encoding="utf-8")  # the caller closes it
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not {kind}") from None
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror or error}") from None


def open_binary_input(path: str, option: str, kind: str) -> IO[bytes]:
    """`path` opened as bytes (`-` is standard input), so the caller decodes, and bounds, each
    piece itself: one bad byte then spoils only its own line, and a size cap holds on the
    stream whatever `stat` says (a pipe, /dev/zero)."""
    if path == "-":
        if sys.stdin is None or sys.stdin.closed:
            raise UsageError(f"{option} -: standard input is closed")
        buffer = getattr(sys.stdin, "buffer", None)
        if buffer is None:  # a text-only stream (some test harnesses): encode it back
            import io

            return io.BytesIO(sys.stdin.read().encode("utf-8", "surrogateescape"))
        return buffer  # type: ignore[no-any-return,unused-ignore]
    try:
        return open(path, "rb")  # the caller closes it
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not {kind}") from None
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror or error}") from None


def read_capped(stream: IO[bytes], limit: int) -> bytes | None:
    """At most `limit` bytes of the stream; None when it holds more."""
    data = stream.read(limit + 1)
    return None if len(data) > limit else data


def is_interactive() -> bool:
    """Whether a person at a terminal can be asked (stdin and stderr are terminals)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def write_private(path: Path, text: str, option: str, force: bool, ask: bool = True) -> None:
    """Create `path` 0600 with `text`: never through a symlink, never over an existing file
    unless `force` (or the person says yes at a terminal). Health data: a report or answers.

    An existing regular file is replaced by a fresh 0600 one (written beside it, then renamed),
    so its old mode does not carry over; a symlink, a device or a pipe is never written or
    replaced (as root, replacing /dev/stdout or /dev/full would damage the system).
    """
    import stat

    nofollow = getattr(os, "O_NOFOLLOW", 0)
    try:
        mode: int | None = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise UsageError(f"{option} {path}: {error.strerror or error}") from None
    exists = mode is not None
    if mode is not None and stat.S_ISLNK(mode):
        raise UsageError(
            f"{option} {path}: is a symbolic link; cramps neither writes through "
            "nor replaces one (give the real path)"
        )
    if mode is not None and stat.S_ISDIR(mode):
        raise UsageError(f"{option} {path}: is a folder")
    if mode is not None and not stat.S_ISREG(mode):
        raise UsageError(
            f"{option} {path}: is not a regular file (a device or a pipe); "
            "write to a file, or leave out the option to use standard output"
        )
    if exists and not force and not (ask and is_interactive() and _confirm_overwrite(path)):
        raise UsageError(f"{option} {path}: the file exists; pass --force to replace it")
    data = text.encode("utf-8")
    if not exists:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | nofollow, 0o600)
        except FileExistsError:
            raise UsageError(
                f"{option} {path}: the file appeared meanwhile; pass --force to replace it"
            ) from None
        except OSError as error:
            raise UsageError(f"{option} {path}: {error.strerror or error}") from None
        _write_all(fd, data, path, option, remove=path)
        return
    temporary = Path(f"{path}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | nofollow, 0o600)
    except OSError as error:
        raise UsageError(f"{option} {path}: {error.strerror or error}") from None
    _write_all(fd, data, path, option, remove=temporary)
    try:
        os.replace(temporary, path)  # replaces a symlink itself, never its target
    except OSError as error:
        _unlink(temporary)
        raise UsageError(f"{option} {path}: {error.strerror or error}") from None


def _write_all(fd: int, data: bytes, path: Path, option: str, remove: Path) -> None:
    """Write and sync; on failure (a full disk) remove the partial file and say so."""
    try:
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)  # exactly 0600 whatever the umask
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as error:
        _unlink(remove)
        raise WriteError(
            f"{option} {path}: {error.strerror or error}; nothing was written"
        ) from None


def _unlink(path: Path) -> None:
    with suppress(OSError):
        os.unlink(path)


def _confirm_overwrite(path: Path) -> bool:
    """Ask at a terminal before replacing a file; default no."""
    try:
        sys.stderr.write(f"{path} exists. Replace it? [y/N] ")
        sys.stderr.flush()
        answer = sys.stdin.readline()
    except (OSError, ValueError):
        return False
    return answer.strip().lower() in ("y", "yes")
