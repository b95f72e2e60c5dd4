"""`python -m cramp_cli` and the `cramps` entry point."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        # Answered before Typer is imported: a tenth of the start-up of any other command.
        from .console.output import write_stdout
        from .version import version_text

        write_stdout(version_text() + "\n")
        sys.exit(0)
    from .cli import run

    sys.exit(run(args))


if __name__ == "__main__":
    main()
