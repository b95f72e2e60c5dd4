"""The knowledge base: find rules.yaml, load it strictly, validate it, cache it, compile it.

Load pipeline (cached by the file's sha256): strict YAML -> pydantic models (schema) ->
cross-reference checks (checks) -> safety rules (safety) -> plain frozen objects with
every condition compiled once into callables. A cache hit skips YAML and pydantic entirely;
the cache holds validated data as JSON (never pickle), sealed with a keyed hash, in a private
folder; a damaged, stale, edited, planted or foreign entry is ignored (see _read_cache).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any

from .. import __version__
from ..engine.model import KnowledgeBase, build
from ..errors import Problem, RulesError

MAX_RULES_BYTES = 8 * 1024 * 1024
# Raised whenever what is checked before caching changes (a new safety check, say), so that a
# rules file cached under the old checks is checked again under the new ones.
CACHE_FORMAT = 2


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


# The cache is as safe as the file it stands for (issue #14): an entry is used only when
#  - its folder is a real folder (not a symlink) owned by this user and writable by no one
#    else, and the entry is a regular file owned by this user, writable by no one else;
#  - its keyed hash (HMAC-SHA256 with a random key kept 0600 in that folder) matches, so an
#    edited or planted entry is ignored; and
#  - safety.quick_check still holds for what it builds (the red-flag levels, the emergency
#    numbers, no plain quinine in self-care: well under a millisecond; a second line of
#    defence should the key leak).
# Anything else costs only time: the rules file is read, validated and cached afresh.

_KEY_FILE = "key"
_KEY_BYTES = 32
MAX_CACHE_BYTES = 64 * 1024 * 1024
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _private(info: os.stat_result, kind: int) -> bool:
    """A file or folder of this user that no one else may write: one cramps may trust."""
    import stat

    if stat.S_IFMT(info.st_mode) != kind:
        return False
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        return False
    return not info.st_mode & 0o022


def _private_folder(folder: Path, create: bool) -> bool:
    """Whether `folder` may hold the cache; with create, make it 0700 when it is missing."""
    import stat

    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        if not create:
            return False
        try:
            folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        except OSError:
            return False
        try:
            info = os.lstat(folder)
        except OSError:
            return False
    except OSError:
        return False
    return _private(info, stat.S_IFDIR)


def _read_private(path: Path, limit: int) -> bytes | None:
    """The bytes of a private regular file, opened without following a symlink; else None."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
    except OSError:
        return None
    try:
        if not _private(os.fstat(fd), stat.S_IFREG):
            return None
        with open(fd, "rb", closefd=False) as file:
            data = file.read(limit + 1)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _write_private(folder: Path, name: str, data: bytes) -> bool:
    """Write folder/name atomically: a fresh 0600 temporary (O_EXCL, O_NOFOLLOW) renamed over
    it. The temporary never outlives the call, whatever fails."""
    temporary = folder / f".{name}.{os.getpid()}.{os.urandom(6).hex()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
    try:
        fd = os.open(temporary, flags, 0o600)
    except OSError:
        return False
    try:
        with open(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, folder / name)
        return True
    except OSError:
        return False
    finally:
        with suppress(OSError):
            os.unlink(temporary)  # gone after the rename; left only by a failure


def _cache_key(folder: Path, create: bool) -> bytes | None:
    """This user's random cache key, made on first use; None when it cannot be trusted."""
    key = _read_private(folder / _KEY_FILE, _KEY_BYTES)
    if key is not None and len(key) == _KEY_BYTES:
        return key
    if not create:
        return None
    fresh = os.urandom(_KEY_BYTES)
    if not _write_private(folder, _KEY_FILE, fresh):
        return None
    return _read_private(folder / _KEY_FILE, _KEY_BYTES)  # another cramps may have won


def _hmac(key: bytes, message: bytes) -> str:
    """HMAC-SHA256 (RFC 2104) on the built-in sha256, to keep hashlib and hmac off start-up."""
    try:
        from _sha256 import sha256  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # pragma: no cover - other interpreters
        from hashlib import sha256
    block = key.ljust(64, b"\0")
    inner = sha256(bytes(b ^ 0x36 for b in block) + message).digest()
    return sha256(bytes(b ^ 0x5C for b in block) + inner).hexdigest()


def _cache_name(sha256: str) -> str:
    return f"kb-{sha256}-{__version__}-{CACHE_FORMAT}.json"


def _cache_file(sha256: str) -> Path | None:
    folder = _cache_dir()
    if folder is None:
        return None
    return folder / _cache_name(sha256)


def _seal(key: bytes, sha256: str, body: bytes) -> bytes:
    """An entry: one line with the keyed hash of what follows, then the JSON body."""
    mac = _hmac(key, sha256.encode() + b"\n" + body)
    return b"cramps-cache " + mac.encode() + b"\n" + body


def _unseal(key: bytes, sha256: str, entry: bytes) -> bytes | None:
    """The body of an entry whose keyed hash matches, else None."""
    head, _, body = entry.partition(b"\n")
    if not head.startswith(b"cramps-cache "):
        return None
    expected = _hmac(key, sha256.encode() + b"\n" + body)
    if head[len(b"cramps-cache ") :] != expected.encode():  # a local file: timing is no leak
        return None
    return body


def _read_cache(sha256: str) -> dict[str, Any] | None:
    folder = _cache_dir()
    if folder is None or not _private_folder(folder, create=False):
        return None
    key = _cache_key(folder, create=False)
    if key is None:
        return None
    entry = _read_private(folder / _cache_name(sha256), MAX_CACHE_BYTES)
    if entry is None:
        return None
    body = _unseal(key, sha256, entry)
    if body is None:
        return None
    try:
        payload = json.loads(body)
        if payload.get("sha256") != sha256 or payload.get("cramps") != __version__:
            return None
        data = payload["data"]
        return data if isinstance(data, dict) else None
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None  # damaged or stale: rebuild


def _write_cache(sha256: str, data: Mapping[str, Any]) -> None:
    folder = _cache_dir()
    if folder is None or not _private_folder(folder, create=True):
        return  # a cache that cannot be kept safely only costs time
    key = _cache_key(folder, create=True)
    if key is None:
        return
    payload = {"sha256": sha256, "cramps": __version__, "data": data}
    body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    _write_private(folder, _cache_name(sha256), _seal(key, sha256, body))


def audit_cache(sha256: str) -> str | None:
    """For `rules validate`: a message when the cache holds an entry for this file that cramps
    would refuse (edited, planted, foreign, not private). The entry is removed when it sits in
    this user's private folder, so the next run starts clean; None when all is well."""
    folder = _cache_dir()
    if folder is None:
        return None
    target = folder / _cache_name(sha256)
    if not os.path.lexists(target) or _read_cache(sha256) is not None:
        return None
    removed = ""
    if _private_folder(folder, create=False):
        try:
            os.unlink(target)
            removed = "; it has been removed"
        except OSError:
            pass
    return (
        f"the cache entry {target} for this file was not written by this cramps (edited, "
        f"planted, or open to other users) and is never used{removed}"
    )


def _still_safe(kb: KnowledgeBase) -> bool:
    """The cheap safety checks over a knowledge base built from the cache (well under a ms)."""
    from .safety import quick_check

    return quick_check(kb)


def display_name(given: str | None) -> str:
    """How problems name a rules file: as the person gave it, or rules.yaml for the shipped one."""
    return given if given is not None else "rules.yaml"


def read_rules_bytes(path: Path, name: str, max_bytes: int = MAX_RULES_BYTES) -> bytes:
    """The file's bytes, at most max_bytes: the cap holds on the stream, not on `stat`, so a
    device or a pipe (`--rules /dev/zero`) cannot make cramps read without end."""
    try:
        with open(path, "rb") as file:
            raw = file.read(max_bytes + 1)
    except FileNotFoundError:
        raise RulesError([Problem(name, None, None, "no such file")]) from None
    except IsADirectoryError:
        raise RulesError([Problem(name, None, None, "is a folder, not a rules file")]) from None
    except OSError as error:
        raise RulesError([Problem(name, None, None, error.strerror or str(error))]) from None
    if len(raw) > max_bytes:
        raise RulesError(
            [Problem(name, None, None, f"file is larger than the limit of {max_bytes} bytes")]
        )
    return raw


def validate_bytes(raw: bytes, name: str) -> tuple[dict[str, Any], list[Problem]]:
    """Every problem of a rules file (empty when valid) and, when valid, its data."""
    from .checks import check_all

    return check_all(raw, name)


def shipped_version() -> str:
    """The shipped knowledge base's version, for `cramps --version`: read from the sealed
    cache when the file is there, so the answer does not build the medicine dictionary and
    the regions it does not use; otherwise from a full load (which says when it is invalid)."""
    path = default_rules_path()
    raw = read_rules_bytes(path, display_name(None), MAX_RULES_BYTES)
    cached = _read_cache(_sha256(raw))
    version = cached.get("version") if cached is not None else None
    return version if isinstance(version, str) else load().version


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
            kb = build(cached, name, sha256)
        except Exception:
            kb = None  # built by other code: rebuild from the file
        if kb is not None and _still_safe(kb):
            return kb
    data, problems = validate_bytes(raw, name)
    if problems:
        raise RulesError(problems)
    _write_cache(sha256, data)
    return build(data, name, sha256)
