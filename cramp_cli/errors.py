"""The errors cramps reports to a person, each tied to the exit code of contract section 4.

Commands raise these; only `cli.py` turns them into one line on standard error and an exit
code, so every front end reports a problem the same way.
"""

from __future__ import annotations

from typing import NamedTuple

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_INVALID_RULES = 3
EXIT_MISSING_ANSWERS = 4
EXIT_INTERRUPTED = 130


class CrampsError(Exception):
    """An expected failure with a message meant for a person."""

    exit_code = EXIT_INTERNAL


class UsageError(CrampsError):
    """Bad options or arguments."""

    exit_code = EXIT_USAGE


class AnswersError(CrampsError):
    """Answers that are not valid: the message names the key, the value and what is allowed."""

    exit_code = EXIT_USAGE


class WriteError(CrampsError):
    """A result could not be written (a full disk, a closed output): exit 1, and no claim of
    success is made."""

    exit_code = EXIT_INTERNAL


class MissingAnswersError(CrampsError):
    """Answers are missing and there is no terminal to ask them on."""

    exit_code = EXIT_MISSING_ANSWERS


class DiaryError(CrampsError):
    """The diary file cannot be used (not a cramps diary, damaged)."""

    exit_code = EXIT_INTERNAL


class Problem(NamedTuple):
    """One thing wrong with a rules file, with where it is."""

    file: str
    line: int | None
    column: int | None
    message: str
    rule: str | None = None

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}:{self.column or 1}"
        who = f" rule '{self.rule}':" if self.rule else ""
        return f"{place}:{who} {self.message}"


class RulesError(CrampsError):
    """A rules file that cannot be used; carries every problem found, not only the first."""

    exit_code = EXIT_INVALID_RULES

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = str(problems[0]) if problems else "invalid rules file"
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(first + more)
