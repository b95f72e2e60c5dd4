"""What kind of terminal we are talking to, asked safely.

Under CI standard input may be closed (`sys.stdin` is None) and any stream may be replaced by
an object without `isatty`, so every question about the terminal goes through here.
"""

from __future__ import annotations

import os
import sys
from typing import IO, Any


def is_tty(stream: IO[Any] | None) -> bool:
    """True only for a real, open terminal."""
    if stream is None:
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def env_flag(name: str) -> bool:
    """An environment switch: set and not empty, 0, false or no."""
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


def prompt_style(no_input: bool = False) -> str | None:
    """How a command may ask (the interview, cramps log, cramps forget --all): "widgets",
    "lines" or None (not at all).

    Asking needs a terminal on stdin to answer from and on standard error, where the questions
    are shown (with stderr sent to a file, questions nobody can see would wait for answers).
    questionary's widgets also need cursor control, which `TERM=dumb` or `unknown` (an Emacs
    shell) does not give: there every command falls back to plain numbered line prompts
    rather than refusing someone who is sitting at a terminal. There is deliberately no
    yes/no form of this question: each caller must handle both ways of asking.
    """
    if no_input or env_flag("CRAMPS_NO_INPUT") or not (is_tty(sys.stdin) and is_tty(sys.stderr)):
        return None
    if os.environ.get("TERM", "") in ("dumb", "unknown"):
        return "lines"
    return "widgets"


def colour_wanted(no_color: bool, stream: IO[Any] | None) -> bool:
    """Colour only on a terminal, never with --no-color, NO_COLOR or CRAMPS_NO_COLOR."""
    if no_color or os.environ.get("NO_COLOR") or env_flag("CRAMPS_NO_COLOR"):
        return False
    return is_tty(stream)


def rich_console(*, stderr: bool = False, no_color: bool = False) -> Any:
    """A rich Console on stdout or stderr that honours the colour rules above."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    colour = colour_wanted(no_color, stream)
    return Console(
        file=stream,
        no_color=not colour,
        color_system="auto" if colour else None,
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )
