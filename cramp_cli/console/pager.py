"""Showing a long result through a pager, the clig.dev way, and the width to render at.

Only a person at a terminal gets a pager, and only for a page taller than the screen:
`$PAGER` (split like a shell would), else `less -FIRX` (quit if it fits, keep colours, no
screen clearing). `--no-pager` and a standard output that is not a terminal (a pipe, a file,
a script) always get the text written straight out. A pager that cannot start is not an
error: the text is written straight out instead.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys

from .output import write_stdout
from .terminal import is_tty

MIN_COLUMNS, MAX_COLUMNS, DEFAULT_COLUMNS = 20, 500, 80
DEFAULT_PAGER = "less -FIRX"


def columns() -> int | None:
    """The width `COLUMNS` asks for, 80 when it is not a number in 20..500, None when unset.

    rich reads `COLUMNS` too: `COLUMNS=3` would wrap every word on its own line and a huge
    value would build lines of megabytes, so the renderers take this width instead.
    """
    raw = os.environ.get("COLUMNS")
    if raw is None or raw.strip() == "":
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        return DEFAULT_COLUMNS
    return value if MIN_COLUMNS <= value <= MAX_COLUMNS else DEFAULT_COLUMNS


def render_width() -> int:
    """The width to wrap at: a sane COLUMNS, else the terminal's, else 80."""
    asked = columns()
    if asked is not None:
        return asked
    if is_tty(sys.stdout):
        width = shutil.get_terminal_size((DEFAULT_COLUMNS, 24)).columns
        if MIN_COLUMNS <= width <= MAX_COLUMNS:
            return width
    return DEFAULT_COLUMNS


def _screen_lines() -> int:
    try:
        return os.get_terminal_size(sys.stdout.fileno()).lines
    except (OSError, ValueError, AttributeError):
        return 24


def wants_pager(text: str, no_pager: bool) -> bool:
    """A pager only for a person at a terminal, and only when the page is taller than it."""
    if no_pager or not is_tty(sys.stdout):
        return False
    if os.environ.get("TERM", "") in ("dumb", "unknown"):
        return False
    return text.count("\n") >= _screen_lines()


def page(text: str, no_pager: bool = False) -> None:
    """Write `text` through the pager when `wants_pager`, else straight to standard output."""
    if not wants_pager(text, no_pager):
        write_stdout(text)
        return
    command = os.environ.get("PAGER", "").strip() or DEFAULT_PAGER
    try:
        argv = shlex.split(command)
    except ValueError:
        argv = shlex.split(DEFAULT_PAGER)
    env = dict(os.environ)
    env.setdefault("LESS", "FIRX")
    try:
        sys.stdout.flush()
        process = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
    except OSError:
        write_stdout(text)  # no such pager: the text is what matters
        return
    assert process.stdin is not None
    try:
        process.stdin.write(text.encode("utf-8", "replace"))
        process.stdin.close()
    except BrokenPipeError:
        pass  # the reader quit the pager before the end: not an error
    try:
        process.wait()
    except KeyboardInterrupt:
        process.wait()
