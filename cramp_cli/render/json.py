"""The contract's JSON document, as plain text (never through rich)."""

from __future__ import annotations

import json
from typing import Any


def document(doc: Any) -> str:
    """One object, indented by 2, ending with a newline (`cramps check --format json`)."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def line(doc: Any) -> str:
    """One compact line of JSON Lines (batch mode)."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"
