"""`python -m cramp_cli` and the `cramps` entry point."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    from .cli import run

    sys.exit(run(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    main()
