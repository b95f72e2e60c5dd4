"""Writing results to standard output and messages to standard error, as plain text.

JSON and Markdown never pass through rich (which wraps piped output at 80 columns). A reader
that goes away (`cramps ... | head`) ends the run quietly: OutputClosed carries exit 0.
"""

from __future__ import annotations

import os
import sys

from ..errors import CrampsError


class OutputClosed(CrampsError):
    """Standard output was closed by the reader; not an error for the person."""

    exit_code = 0


def silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def write_stdout(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        raise OutputClosed("output closed") from None


def say(message: str) -> None:
    """A message for the person, on standard error."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass


def warn(message: str) -> None:
    say(f"cramps: warning: {message}")
