"""Options shared by several commands, defined once (real annotations: see check.py)."""

from enum import StrEnum
from typing import Annotated

import typer

EXIT_CODES_HELP = (
    "Exit codes: 0 done (the triage level is in the output, not the exit code); "
    "1 internal error, or a failing example case in cramps rules test; "
    "2 bad usage or bad answers; 3 invalid rules file; "
    "4 answers missing with no terminal to ask; 130 interrupted."
)

RulesOption = Annotated[
    str | None,
    typer.Option("--rules", metavar="FILE", envvar="CRAMPS_RULES",
                 help="Use this knowledge base instead of the shipped rules.yaml."),
]  # fmt: skip
NoColorOption = Annotated[
    bool, typer.Option("--no-color", help="No colour (NO_COLOR is honoured too).")
]
NoInputOption = Annotated[
    bool,
    typer.Option("--no-input", help="Never prompt; fail with exit 4 if answers are missing."),
]


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


FormatOption = Annotated[
    Format | None,
    typer.Option("--format", "-f", envvar="CRAMPS_FORMAT", case_sensitive=False,
                 help="text (default) for a person, json for scripts, markdown to share."),
]  # fmt: skip


def load_knowledge(rules: str | None):  # type: ignore[no-untyped-def]
    """The knowledge base for a command (imported here to keep --help fast)."""
    from ..knowledge import load

    return load(rules)
