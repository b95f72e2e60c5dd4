"""`python -m cramp_cli` and the `cramps` entry point."""

from __future__ import annotations

import os
import sys
from typing import NoReturn


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        # Answered before Typer is imported: a tenth of the start-up of any other command.
        from .console.output import OutputClosed, say, write_stdout
        from .errors import CrampsError
        from .version import version_text

        try:
            write_stdout(version_text() + "\n")
        except OutputClosed:
            sys.exit(0)
        except CrampsError as error:  # a full disk or a closed output: one line, exit 1
            say(f"cramps: error: {error}")
            sys.exit(error.exit_code)
        sys.exit(0)
    from .cli import run

    exit_now(run(args))


def exit_now(code: int) -> NoReturn:
    """End the process without tearing the interpreter down.

    When `run` returns, the work is done and written: the diary's connections are closed, the
    workers ended, the pager waited for. What the interpreter would still do is free every
    object one by one, with a last garbage collection over the loaded knowledge base: about
    20 ms of a 90 ms `check` here, for memory the system takes back at once. So standard
    output and error are flushed and the process ends. If a flush fails, the usual exit runs
    instead and reports it as it always has.
    """
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # closed, full or gone: let the interpreter's exit handle it
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    main()
