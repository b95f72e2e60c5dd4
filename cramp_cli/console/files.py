"""Opening a file or standard input named on the command line, with one-line errors."""

from __future__ import annotations

import sys
from typing import IO

from ..errors import UsageError


def open_input(path: str, option: str, kind: str) -> IO[str]:
    """`path` opened as UTF-8 text (`-` is standard input); UsageError naming the option.

    `kind` says what the file should be ("an answers file"), for the message about a folder.
    """
    if path == "-":
        if sys.stdin is None or sys.stdin.closed:
            raise UsageError(f"{option} -: standard input is closed")
        return sys.stdin
    try:
        return open(path, encoding="utf-8")  # the caller closes it
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not {kind}") from None
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror or error}") from None
