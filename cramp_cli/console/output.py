"""Writing results to standard output and messages to standard error, as plain text.

JSON and Markdown never pass through rich (which wraps piped output at 80 columns). A reader
that goes away (`cramps ... | head`) ends the run quietly: OutputClosed carries exit 0.
"""

from __future__ import annotations

import os
import sys
from contextlib import suppress

from ..errors import CrampsError, WriteError


class OutputClosed(CrampsError):
    """Standard output was closed by the reader; not an error for the person."""

    exit_code = 0


COLUMNS_RANGE = (20, 1000)


def sane_columns() -> None:
    """Drop a COLUMNS outside 20..1000 (or not a number), so the width falls back to the
    terminal's or 80: `COLUMNS=0` printed nothing, not even an emergency, and a huge one
    exhausted memory (issue #14)."""
    value = os.environ.get("COLUMNS")
    if value is None:
        return
    text = value.strip()
    low, high = COLUMNS_RANGE
    if not (text.isascii() and text.isdigit() and len(text) <= 5 and low <= int(text) <= high):
        del os.environ["COLUMNS"]


def sane_streams() -> None:
    """On an output that cannot encode every character (PYTHONIOENCODING=ascii, a C locale),
    write what it cannot show as escapes (`\\xe9`) instead of failing halfway through a
    result: a note with an accent must not cost a person their diary listing."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if stream is None or encoding in ("utf8", "utf16", "utf32"):
            continue
        with suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]


def silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def write_stdout(text: str) -> None:
    """Write a result and flush it, so a failure is known before cramps says it is done.

    A reader that went away (broken pipe) ends the run quietly; any other failure (a full
    disk, a closed or unusable standard output) is WriteError, exit 1, one line, and the
    interpreter's final flush is kept from failing a second time.
    """
    stream = sys.stdout
    if stream is None:
        raise WriteError("cannot write the results: standard output is closed")
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        silence_stdout()
        raise OutputClosed("output closed") from None
    except UnicodeEncodeError:
        # PYTHONIOENCODING=ascii or a C locale: write what the terminal can show, not crash
        try:
            encoding = getattr(stream, "encoding", None) or "ascii"
            stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
            stream.flush()
        except (OSError, ValueError) as error:
            _fail(error)
    except (OSError, ValueError) as error:
        _fail(error)


def _fail(error: Exception) -> None:
    """Stop with one line after a failed write to standard output."""
    reason = getattr(error, "strerror", None) or str(error)
    if isinstance(error, ValueError):
        reason = "standard output is closed"
    silence_stdout()
    raise WriteError(f"cannot write the results: {reason}") from None


def visible(text: str) -> str:
    """Control, bidi and zero-width characters shown as escapes (`\\x1b`, `\\u202e`), so a
    message echoing what a person or file wrote stays one honest line on any terminal."""
    import unicodedata

    out = []
    for ch in text:
        if ch == "\t" or (ch.isprintable() and unicodedata.category(ch) != "Cf"):
            out.append(ch)
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
    return "".join(out)


def say(message: str) -> None:
    """A message for the person, on standard error: one line, nothing hidden in it."""
    try:
        if sys.stderr is not None:
            line = visible(message) + "\n"
            try:
                sys.stderr.write(line)
            except UnicodeEncodeError:  # PYTHONIOENCODING=ascii: escape what cannot show
                encoding = getattr(sys.stderr, "encoding", None) or "ascii"
                sys.stderr.write(line.encode(encoding, "backslashreplace").decode(encoding))
            sys.stderr.flush()
    except (OSError, ValueError):
        pass


def warn(message: str) -> None:
    say(f"cramps: warning: {message}")
