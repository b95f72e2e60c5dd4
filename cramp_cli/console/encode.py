"""Encoding assessments as JSON Lines, fast and deterministic.

Batch writes one compact line per assessment, and at 18 KB a line the standard library's
encoder costs as much as the engine. orjson (a compiled encoder, imported on first use so that
start-up does not pay for it) writes the same bytes as `json.dumps(doc, ensure_ascii=False,
separators=(",", ":"))` for everything an assessment holds, keys in insertion order, except
that a float below 1e-4 is written `1e-7` rather than `1e-07`: both are the same number to
every JSON reader. Output is deterministic: the same document and encoder version give the
same bytes.

Anything orjson refuses (an integer beyond 64 bits, a string with a lone surrogate, orjson
missing on a platform without wheels) falls back to the standard library, and a lone surrogate
is then written as its `\\udXXX` escape rather than as bytes that are not UTF-8.

`cramps check --format json` keeps the standard library (render/json.py): one document does not
need the speed, and its bytes stay exactly what they were.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_STDLIB = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_ASCII = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
_fast: Callable[[Any], bytes] | None = None
_fast_error: type[Exception] = TypeError


def _load_fast() -> Callable[[Any], bytes]:
    global _fast, _fast_error
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency; kept for odd platforms
        _fast = _stdlib_line
        return _fast
    option = orjson.OPT_APPEND_NEWLINE
    dumps = orjson.dumps
    _fast_error = orjson.JSONEncodeError

    def fast(doc: Any) -> bytes:
        return dumps(doc, option=option)

    _fast = fast
    return fast


def _stdlib_line(doc: Any) -> bytes:
    text = _STDLIB(doc) + "\n"
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a "\ud800" escape in the input
        return (_ASCII(doc) + "\n").encode("ascii")


def line_bytes(doc: Any) -> bytes:
    """One compact JSON line, newline included, as UTF-8 bytes."""
    fast = _fast or _load_fast()
    try:
        return fast(doc)
    except (_fast_error, TypeError, ValueError, OverflowError):
        return _stdlib_line(doc)


def line_text(doc: Any) -> str:
    """The same line as text, for a stream that takes only text."""
    return line_bytes(doc).decode("utf-8")
