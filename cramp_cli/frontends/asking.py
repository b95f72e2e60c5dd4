"""Which prompter asks at this terminal: one place for `cramps check`'s interview and the
diary commands (log, forget --all), so none of them refuses a terminal the others accept.

Above both prompters (prompts.py and line_prompts.py import nothing from here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .prompts import Prompter


def make_prompter(style: str) -> Prompter:
    """The prompter for a terminal style of console/terminal.py's prompt_style(): "widgets"
    (questionary) or "lines" (plain numbered prompts, for TERM=dumb or unknown)."""
    if style == "lines":
        from .line_prompts import LinePrompter

        return LinePrompter()
    from .prompts import QuestionaryPrompter

    return QuestionaryPrompter()
