"""The knowledge base: find rules.yaml, load it strictly, validate it, cache it, compile it.

Load pipeline (cached by the file's sha256): strict YAML -> pydantic models (schema) ->
cross-reference checks (checks) -> safety rules (safety) -> plain frozen objects with
every condition compiled once into callables. A cache hit skips YAML and pydantic entirely;
the cache holds validated data as JSON (never pickle) and a damaged or stale entry is ignored.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import __version__
from ..engine.model import KnowledgeBase, build
from ..errors import Problem, RulesError

MAX_RULES_BYTES = 8 * 1024 * 1024
CACHE_FORMAT = 1


# --------------------------------------------------------------------------- loading


def _sha256(raw: bytes) -> str:
    """The file's sha256; the built-in module imports in a fraction of hashlib's time."""
    try:
        from _sha256 import sha256  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - other interpreters
        from hashlib import sha256
    return sha256(raw).hexdigest()


def default_rules_path() -> Path:
    """The shipped rules.yaml: inside the wheel, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "data" / "rules.yaml"
    if packaged.is_file():
        return packaged
    return here.parent / "rules.yaml"


def _cache_dir() -> Path | None:
    if os.environ.get("CRAMPS_NO_CACHE", "").strip() not in ("", "0"):
        return None
    custom = os.environ.get("CRAMPS_CACHE_DIR")
    if custom:
        return Path(custom)
    if sys.platform.startswith("linux"):
        # What platformdirs answers on Linux (the XDG rule), without its import on every run.
        base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")
        return Path(base) / "cramps"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("cramps", appauthor=False))


def _cache_file(sha256: str) -> Path | None:
    folder = _cache_dir()
    if folder is None:
        return None
    return folder / f"kb-{sha256}-{__version__}-{CACHE_FORMAT}.json"


def _read_cache(sha256: str) -> dict[str, Any] | None:
    target = _cache_file(sha256)
    if target is None:
        return None
    try:
        entry = json.loads(target.read_bytes())
        if entry.get("sha256") != sha256 or entry.get("cramps") != __version__:
            return None
        return entry["data"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # missing, damaged or stale: rebuild


def _write_cache(sha256: str, data: Mapping[str, Any]) -> None:
    target = _cache_file(sha256)
    if target is None:
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        payload = {"sha256": sha256, "cramps": __version__, "data": data}
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(payload, separators=(",", ":")), encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        pass  # a cache that cannot be written only costs time


def display_name(given: str | None) -> str:
    """How problems name a rules file: as the person gave it, or rules.yaml for the shipped one."""
    return given if given is not None else "rules.yaml"


def read_rules_bytes(path: Path, name: str, max_bytes: int = MAX_RULES_BYTES) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise RulesError([Problem(name, None, None,
                                      f"file is {size} bytes; the limit is {max_bytes}")])
        return path.read_bytes()
    except FileNotFoundError:
        raise RulesError([Problem(name, None, None, "no such file")]) from None
    except IsADirectoryError:
        raise RulesError([Problem(name, None, None, "is a folder, not a rules file")]) from None
    except OSError as error:
        raise RulesError([Problem(name, None, None, error.strerror or str(error))]) from None


def validate_bytes(raw: bytes, name: str) -> tuple[dict[str, Any], list[Problem]]:
    """Every problem of a rules file (empty when valid) and, when valid, its data."""
    from .checks import check_all

    return check_all(raw, name)


def load(rules: str | Path | None = None, *, max_bytes: int = MAX_RULES_BYTES) -> KnowledgeBase:
    """Load, validate and compile a knowledge base (the shipped one by default).

    Raises RulesError listing every problem when the file is not valid.
    """
    given = str(rules) if rules is not None else None
    path = Path(rules) if rules is not None else default_rules_path()
    name = display_name(given)
    raw = read_rules_bytes(path, name, max_bytes)
    sha256 = _sha256(raw)
    cached = _read_cache(sha256)
    if cached is not None:
        try:
            return build(cached, name, sha256)
        except Exception:
            pass
    data, problems = validate_bytes(raw, name)
    if problems:
        raise RulesError(problems)
    _write_cache(sha256, data)
    return build(data, name, sha256)
