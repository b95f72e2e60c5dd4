"""Questions to a person at a terminal, through questionary, drawn on standard error.

One small Prompter protocol lets the interview and `cramps log` be tested with a fake, and
lets tests of the real widgets pass prompt_toolkit's pipe input and DummyOutput. Every
question uses `.unsafe_ask()`, so Ctrl-C raises KeyboardInterrupt (exit 130) instead of
being swallowed (`.ask()` prints to stdout and returns None).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any, Protocol

Validator = Callable[[str], bool | str]

_UNSET = object()


class Prompter(Protocol):
    def text(self, message: str, *, validate: Validator | None = None, default: str = "",
             instruction: str | None = None) -> str: ...  # fmt: skip

    def select(self, message: str, choices: Sequence[tuple[str, Any]], *,
               default: Any = None, instruction: str | None = None) -> Any: ...  # fmt: skip

    def checkbox(self, message: str, choices: Sequence[tuple[str, Any]], *,
                 validate: Callable[[list[Any]], bool | str] | None = None,
                 instruction: str | None = None,
                 checked: Sequence[Any] = ()) -> list[Any]: ...  # fmt: skip

    def confirm(self, message: str, *, default: bool = True) -> bool: ...

    def say(self, text: str) -> None: ...


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

    @staticmethod
    def _choices(choices: Sequence[tuple[str, Any]],
                 checked: Sequence[Any] = ()) -> tuple[list[Any], dict[int, Any]]:  # fmt: skip
        """questionary turns a None value into the title, so values travel as indexes."""
        import questionary

        values = {i: value for i, (_, value) in enumerate(choices)}
        options = [questionary.Choice(title, value=i, checked=value in checked)
                   for i, (title, value) in enumerate(choices)]  # fmt: skip
        return options, values

    def text(self, message: str, *, validate: Validator | None = None, default: str = "",
             instruction: str | None = None) -> str:  # fmt: skip
        import questionary

        return questionary.text(message, default=default, validate=validate,
                                instruction=instruction, **self._io()).unsafe_ask()  # fmt: skip

    def select(self, message: str, choices: Sequence[tuple[str, Any]], *,
               default: Any = None, instruction: str | None = None) -> Any:  # fmt: skip
        import questionary

        options, values = self._choices(choices)
        start = next((options[i] for i, v in values.items() if v == default and default
                      is not None), None)  # fmt: skip
        picked = questionary.select(message, choices=options, default=start,
                                    instruction=instruction, **self._io()).unsafe_ask()  # fmt: skip
        return values[picked]

    def checkbox(self, message: str, choices: Sequence[tuple[str, Any]], *,
                 validate: Callable[[list[Any]], bool | str] | None = None,
                 instruction: str | None = None,
                 checked: Sequence[Any] = ()) -> list[Any]:  # fmt: skip
        """`checked`: values ticked at the start (an answer being changed keeps its choices)."""
        import questionary

        options, values = self._choices(choices, checked)

        def check(picked: list[Any]) -> bool | str:  # indices into values
            return True if validate is None else validate([values[i] for i in picked])

        question = questionary.checkbox(message, choices=options, validate=check,
                                        instruction=instruction, **self._io())  # fmt: skip
        picked = question.unsafe_ask()
        return [values[i] for i in picked]

    def confirm(self, message: str, *, default: bool = True) -> bool:
        import questionary

        return bool(questionary.confirm(message, default=default, **self._io()).unsafe_ask())

    def say(self, text: str) -> None:
        from ..console.output import say

        say(text)
