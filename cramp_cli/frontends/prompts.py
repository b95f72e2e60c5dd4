"""Questions to a person at a terminal, through questionary, drawn on standard error.

One small Prompter protocol lets the interview and `cramps log` be tested with a fake, and
lets tests of the real widgets pass prompt_toolkit's pipe input and DummyOutput. Every
question uses `.unsafe_ask()`, so Ctrl-C raises KeyboardInterrupt (exit 130) instead of
being swallowed (`.ask()` prints to stdout and returns None).

Two things every prompter does the same way, so the interview need not know which one it has:
- `back=True` offers the previous question: a "Back" choice (key b) in a list, key b in a
  checklist, "b" typed alone in a text field. The prompter raises GoBack; the caller decides
  what the previous question is.
- `keys` on a select gives each choice a key that answers at once (y, n, d...), so a tired
  person is never one Enter away from an answer nobody chose.
- A checklist's answer is echoed in full: the question, then one "ticked:" line per ticked
  item (never questionary's "done (2 selections)"), or `empty` when nothing was ticked.
- `confirm(default=None)` has no default: Enter alone does not answer, only y or n does.
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import Any, Protocol

Validator = Callable[[str], bool | str]

BACK_LABEL = "Back"
BACK_KEY = "b"
BACK_WORDS = frozenset({"b", "back"})
TICKED = "  ticked: "
NOTHING_TICKED = "Nothing ticked"
YES_OR_NO = "(y or n)"


class GoBack(Exception):
    """The person asked for the previous question (Back, key b, or "b" typed alone)."""


class Prompter(Protocol):
    def text(
        self,
        message: str,
        *,
        validate: Validator | None = None,
        default: str = "",
        instruction: str | None = None,
        back: bool = False,
    ) -> str: ...

    def select(
        self,
        message: str,
        choices: Sequence[tuple[str, Any]],
        *,
        default: Any = None,
        instruction: str | None = None,
        keys: Sequence[str | None] | None = None,
        back: bool = False,
    ) -> Any: ...

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
    ) -> list[Any]: ...

    def confirm(self, message: str, *, default: bool | None = True, back: bool = False) -> bool: ...

    def say(self, text: str) -> None: ...


def terminal_width(default: int = 80) -> int:
    """Columns of the terminal the prompts are drawn on (standard error), else COLUMNS or 80."""
    for stream in (sys.stderr, sys.stdin):
        try:
            return max(os.get_terminal_size(stream.fileno()).columns, 20)
        except (AttributeError, ValueError, OSError):
            continue
    try:
        return max(int(os.environ.get("COLUMNS", "")), 20)
    except ValueError:
        return default


def wrap_label(label: str, width: int, indent: int) -> str:
    """A choice label broken into lines that fit `width` once `indent` columns of pointer and
    tick box are in front of it; continuation lines line up under the first word.

    questionary draws its list in a window that cuts long lines off rather than wrapping
    them ("...chest pain worse on breathing, o"), so labels are wrapped before they get there.
    """
    room = max(width - indent - 1, 12)
    lines = textwrap.wrap(label, room, break_long_words=False, break_on_hyphens=False) or [label]
    return ("\n" + " " * indent).join(lines)


def wrap_text(text: str, width: int) -> str:
    """A message wrapped to the terminal, continuation lines under its first word, so a
    long piece of advice does not break in the middle of words at the edge of the screen."""
    if len(text) < width:
        return text
    indent = len(text) - len(text.lstrip(" "))
    return " " * indent + wrap_label(text.lstrip(" "), width, indent)


def ticked_lines(labels: Sequence[str], empty: str, width: int) -> list[str]:
    """The echo of a checklist's answer: each ticked label in full, wrapped under itself, or
    `empty` (what nothing ticked means to the caller: "Don't know", "Nothing")."""
    if not labels:
        return [wrap_text(f"  {empty}", width)]
    return [TICKED + wrap_label(label, width, len(TICKED)) for label in labels]


def is_back(text: str) -> bool:
    return text.strip().lower() in BACK_WORDS


class _Back:
    def __repr__(self) -> str:
        return "BACK"


_BACK = _Back()
# questionary draws " » " before a choice, then "y) " with shortcuts or "○ " in a checklist
_POINTER, _SHORTCUT, _TICKBOX = 3, 3, 2


def same_value(a: Any, b: Any) -> bool:
    """Equal and of the same type, so that True is not taken for 1 nor a marker for a value."""
    return a is b or (type(a) is type(b) and a == b)


class QuestionaryPrompter:
    """The real widgets. `input`/`output` default to the terminal, with output on stderr."""

    def __init__(self, input: Any = None, output: Any = None):
        self._input = input
        self._output = output

    def _io(self) -> dict[str, Any]:
        if self._output is None:
            from prompt_toolkit.output import create_output

            self._output = create_output(stdout=sys.stderr)
        io: dict[str, Any] = {"output": self._output}
        if self._input is not None:
            io["input"] = self._input
        return io

    def _width(self) -> int:
        self._io()
        try:
            return max(int(self._output.get_size().columns), 20)
        except Exception:  # an output that cannot tell its size: assume the usual
            return terminal_width()

    @staticmethod
    def _extra_keys(question: Any, keys: dict[str, Callable[[Any, Any], None]]) -> None:
        """Add key bindings to a questionary question; they win over questionary's own.

        Each handler gets the prompt_toolkit event and questionary's list control.
        """
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
        from questionary.prompts.common import InquirerControl

        app = question.application
        control = next(
            (c for c in app.layout.find_all_controls() if isinstance(c, InquirerControl)), None
        )
        extra = KeyBindings()
        for key, handler in keys.items():

            def run(event: Any, handler: Callable[[Any, Any], None] = handler) -> None:
                handler(event, control)

            extra.add(key, eager=True)(run)
        app.key_bindings = merge_key_bindings([app.key_bindings, extra])

    @staticmethod
    def _go_back(event: Any, _control: Any) -> None:
        event.app.exit(exception=GoBack())

    def text(
        self,
        message: str,
        *,
        validate: Validator | None = None,
        default: str = "",
        instruction: str | None = None,
        back: bool = False,
    ) -> str:
        import questionary

        def check(text: str) -> bool | str:
            if back and is_back(text):
                return True
            return True if validate is None else validate(text)

        answer = questionary.text(
            message, default=default, validate=check, instruction=instruction, **self._io()
        ).unsafe_ask()
        if back and is_back(answer):
            raise GoBack
        return answer

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
        """One choice; with `keys`, each choice's key answers at once, as Enter would."""
        import questionary

        entries = list(choices)
        shortcuts: list[str | None] = list(keys) if keys is not None else [None] * len(entries)
        if back:
            entries.append((BACK_LABEL, _BACK))
            shortcuts.append(BACK_KEY)
        use_keys = any(shortcuts)
        indent = _POINTER + (_SHORTCUT if use_keys else 0)
        width = self._width()
        options = [
            questionary.Choice(
                wrap_label(title, width, indent), value=i, shortcut_key=shortcuts[i] or False
            )
            for i, (title, _) in enumerate(entries)
        ]
        start = next(
            (
                options[i]
                for i, (_, v) in enumerate(entries)
                if default is not None and same_value(v, default)
            ),
            None,
        )
        question = questionary.select(
            message,
            choices=options,
            default=start,
            instruction=instruction,
            use_shortcuts=use_keys,
            use_jk_keys=not use_keys,
            **self._io(),
        )
        if use_keys:

            def answer_at(index: int) -> Callable[[Any, Any], None]:
                def answer(event: Any, control: Any) -> None:
                    control.pointed_at = index
                    control.is_answered = True
                    event.app.exit(result=index)

                return answer

            bindings: dict[str, Callable[[Any, Any], None]] = {}
            for i, key in enumerate(shortcuts):
                if key:
                    bindings[key.lower()] = bindings[key.upper()] = answer_at(i)
            self._extra_keys(question, bindings)
        picked = entries[question.unsafe_ask()][1]
        if picked is _BACK:
            raise GoBack
        return picked

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
        """`checked`: values ticked at the start (an answer being changed keeps its choices);
        `empty`: what the echo says when nothing is ticked.

        questionary's 'a' (tick all) and 'i' (invert) are switched off: one stray key must not
        tick every warning sign. questionary's own last line ("? ... done (2 selections)") is
        erased when the list closes, and the question is echoed with every ticked label in
        full instead, wrapped to the terminal.
        """
        import questionary

        width = self._width()
        values = [value for _, value in choices]
        options = [
            questionary.Choice(
                wrap_label(title, width, _POINTER + _TICKBOX),
                value=i,
                checked=any(same_value(value, c) for c in checked),
            )
            for i, (title, value) in enumerate(choices)
        ]

        def check(picked: list[Any]) -> bool | str:  # indices into values
            return True if validate is None else validate([values[i] for i in picked])

        question = questionary.checkbox(
            message, choices=options, validate=check, instruction=instruction, **self._io()
        )

        def ignore(_event: Any, _control: Any) -> None:
            return None

        bindings: dict[str, Callable[[Any, Any], None]] = {"a": ignore, "i": ignore}
        if back:
            bindings[BACK_KEY] = self._go_back
        self._extra_keys(question, bindings)
        question.application.erase_when_done = True
        try:
            picked = question.unsafe_ask()
        except BaseException:  # Back or Ctrl-C: the question stays on screen, as others do
            self._echo([wrap_label(f"? {message}", width, 2)])
            raise
        labels = [choices[i][0] for i in picked]
        self._echo([wrap_label(f"? {message}", width, 2), *ticked_lines(labels, empty, width)])
        return [values[i] for i in picked]

    def _echo(self, lines: Sequence[str]) -> None:
        """Lines written where the widgets are drawn (after a widget has closed)."""
        self._io()
        self._output.write("".join(line + "\n" for line in lines))
        self._output.flush()

    def confirm(self, message: str, *, default: bool | None = True, back: bool = False) -> bool:
        """y or n; Enter alone takes `default`, or with default=None does not answer."""
        import questionary

        question = questionary.confirm(
            message,
            default=bool(default),
            instruction=YES_OR_NO + " " if default is None else None,
            **self._io(),
        )
        keys: dict[str, Callable[[Any, Any], None]] = {}
        if default is None:

            def wait(event: Any, _control: Any) -> None:  # no answer yet: y or n is needed
                event.app.output.bell()

            keys["enter"] = wait
        if back:
            keys[BACK_KEY] = self._go_back
        if keys:
            self._extra_keys(question, keys)
        return bool(question.unsafe_ask())

    def say(self, text: str) -> None:
        from ..console.output import say

        say(wrap_text(text, self._width()))
