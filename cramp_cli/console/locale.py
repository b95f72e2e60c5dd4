"""The reader's locale, as the environment names it, for choosing a region by default."""

from __future__ import annotations

import os


def locale_name() -> str | None:
    """The locale of messages: LC_ALL, then LC_MESSAGES, then LANG (POSIX order)."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "").strip()
        if value:
            return value
    return None
