"""The version line, shared by `cramps --version` and its fast path in __main__."""

from __future__ import annotations

from . import __version__
from .errors import CrampsError


def version_text() -> str:
    """`cramps 1.0.0 (knowledge base 2026.11)`; says so when the knowledge base is invalid."""
    try:
        from .knowledge.loader import shipped_version

        return f"cramps {__version__} (knowledge base {shipped_version()})"
    except CrampsError:
        return f"cramps {__version__} (knowledge base: invalid)"
