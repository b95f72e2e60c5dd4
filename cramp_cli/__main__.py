"""`python -m cramp_cli` and the `cramps` entry point."""

from __future__ import annotations

import sys


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

    sys.exit(run(args))


if __name__ == "__main__":
    main()
