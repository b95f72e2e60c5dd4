"""Plain numbered prompts, one line in and out: the interview on a terminal that cannot draw
questionary's widgets (`TERM=dumb`, an Emacs shell, standard error piped through `tee`).

The same Prompter as prompts.py, so the interview asks the same questions with the same
validation; only the drawing differs. Nothing here moves the cursor or writes an escape code:
each prompt is printed on standard error, the answer is read as a line from standard input,
and a refused answer is explained on the line right under the prompt before it is asked again.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from typing import IO, Any

from .prompts import (
    BACK_KEY,
    BACK_LABEL,
    NOTHING_TICKED,
    YES_OR_NO,
    GoBack,
    Validator,
    is_back,
    terminal_width,
    ticked_lines,
    wrap_label,
    wrap_text,
)

_SPLIT = re.compile(r"[\s,;]+")


class LinePrompter:
    """Questions as numbered lists read with a line of input; Enter alone takes the default.

    `stdin`/`stderr` default to the process's own; tests pass their own streams.
    """

    def __init__(
        self, stdin: IO[str] | None = None, stderr: IO[str] | None = None, width: int | None = None
    ):
        self._stdin = stdin
        self._stderr = stderr
        self._width = width

    # ------------------------------------------------------------------ plumbing

    def _out(self) -> IO[str]:
        return self._stderr if self._stderr is not None else sys.stderr

    def _write(self, text: str) -> None:
        out = self._out()
        out.write(text)
        out.flush()

    def _read(self) -> str:
        """One line typed by the person; end of input (Ctrl-D) is EOFError, as in the widgets."""
        try:
            line = (self._stdin if self._stdin is not None else sys.stdin).readline()
        except KeyboardInterrupt:
            self._write("\n")  # what follows starts on its own line, not after "> ^C"
            raise
        if line == "":
            self._write("\n")
            raise EOFError
        return line.rstrip("\r\n")

    def _columns(self) -> int:
        return self._width if self._width is not None else terminal_width()

    def _ask(self, message: str, lines: Sequence[str], hint: str) -> None:
        """The question, its numbered choices and one line saying what to type."""
        self._write(wrap_label(f"? {message}", self._columns(), 2) + "\n")
        for line in lines:
            self._write(line + "\n")
        if hint:
            self._write(wrap_label(f"  {hint}", self._columns(), 2) + "\n")

    def _answer(self) -> str:
        self._write("> ")
        return self._read().strip()

    def _refuse(self, reason: str) -> None:
        """The reason an answer was refused, on the line right under it."""
        self._write(wrap_label(f"  ! {reason}", self._columns(), 4) + "\n")

    def _listing(self, titles: Sequence[str], marks: Sequence[str]) -> list[str]:
        width = max((len(m) for m in marks), default=1)
        indent = 2 + width + 2
        return [
            f"  {mark:>{width}}) " + wrap_label(title, self._columns(), indent)
            for mark, title in zip(marks, titles, strict=True)
        ]

    # ------------------------------------------------------------------ the Prompter

    def text(
        self,
        message: str,
        *,
        validate: Validator | None = None,
        default: str = "",
        instruction: str | None = None,
        back: bool = False,
    ) -> str:
        hint = instruction or ""
        if default:
            hint = f"{hint} [Enter keeps: {default}]".strip()
        self._ask(message, [], hint)
        while True:
            typed = self._answer()
            if back and is_back(typed):
                raise GoBack
            if not typed and default:
                typed = default
            verdict = True if validate is None else validate(typed)
            if verdict is True:
                return typed
            self._refuse(str(verdict) if verdict else "That answer is not accepted")

    def select(
        self,
        message: str,
        choices: Sequence[tuple[str, Any]],
        *,
        default: Any = None,
        instruction: str | None = None,
        keys: Sequence[str | None] | None = None,
        back: bool = False,
    ) -> Any:
        """A numbered list; a choice's key or its number answers, Enter alone the default."""
        from .prompts import same_value

        titles = [title for title, _ in choices]
        values = [value for _, value in choices]
        marks: list[str] = [
            (keys[i] or str(i + 1)) if keys is not None else str(i + 1) for i in range(len(titles))
        ]
        if back:
            titles.append(BACK_LABEL)
            marks.append(BACK_KEY)
        start = next(
            (i for i, v in enumerate(values) if default is not None and same_value(v, default)),
            None,
        )
        hint = "Type the letter or number on the left, then Enter"
        if start is not None:
            hint += f" (Enter alone: {titles[start]})"
        self._ask(message, self._listing(titles, marks), hint)
        by_mark = {m.lower(): i for i, m in enumerate(marks)}
        while True:
            typed = self._answer().lower()
            if not typed and start is not None:
                return values[start]
            if typed in by_mark:
                index = by_mark[typed]
                if index >= len(values):
                    raise GoBack
                return values[index]
            self._refuse("Type one of: " + ", ".join(marks))

    def checkbox(
        self,
        message: str,
        choices: Sequence[tuple[str, Any]],
        *,
        validate: Callable[[list[Any]], bool | str] | None = None,
        instruction: str | None = None,
        checked: Sequence[Any] = (),
        back: bool = False,
        empty: str = NOTHING_TICKED,
    ) -> list[Any]:
        """Numbers typed on one line, apart by spaces or commas; Enter alone keeps the ticks
        already there (none at first). The answer is echoed as the widgets echo it: every
        ticked label in full, or `empty` when nothing is ticked."""
        from .prompts import same_value

        titles = [title for title, _ in choices]
        values = [value for _, value in choices]
        marks = [str(i + 1) for i in range(len(titles))]
        ticked = [i for i, v in enumerate(values) if any(same_value(v, c) for c in checked)]
        hint = "Type the numbers of all that apply, with spaces between, then Enter"
        if ticked:
            hint += f" (Enter alone keeps {' '.join(marks[i] for i in ticked)})"
        if back:
            hint += f"; {BACK_KEY} goes back"
        self._ask(message, self._listing(titles, marks), hint)
        while True:
            typed = self._answer()
            if back and is_back(typed):
                raise GoBack
            if typed:
                parts = [p for p in _SPLIT.split(typed) if p]
                wrong = [p for p in parts if p not in marks]
                if wrong:
                    self._refuse(
                        f"'{wrong[0]}' is not on the list: type numbers from 1 to {len(marks)}"
                    )
                    continue
                ticked = sorted({marks.index(p) for p in parts})
            picked = [values[i] for i in ticked]
            verdict = True if validate is None else validate(picked)
            if verdict is True:
                labels = [titles[i] for i in ticked]
                for line in ticked_lines(labels, empty, self._columns()):
                    self._write(line + "\n")
                return picked
            self._refuse(str(verdict) if verdict else "That answer is not accepted")

    def confirm(self, message: str, *, default: bool | None = True, back: bool = False) -> bool:
        """y or n; Enter alone takes `default`, or with default=None is refused."""
        hint = YES_OR_NO if default is None else "(Y/n)" if default else "(y/N)"
        self._ask(f"{message} {hint}", [], "")
        while True:
            typed = self._answer().lower()
            if back and is_back(typed):
                raise GoBack
            if not typed and default is not None:
                return default
            if typed in ("y", "yes"):
                return True
            if typed in ("n", "no"):
                return False
            self._refuse("Type y or n")

    def say(self, text: str) -> None:
        self._write(wrap_text(text, self._columns()) + "\n")
