"""Running assessments on every core, in input order, with memory that does not grow.

`cramps check --batch FILE --jobs N` and `api.KnowledgeBase.assess_many(rows, jobs=N)` both
come here. The shape:

- N worker processes each build their state once (the knowledge base, loaded by path from the
  cache and checked against the sha256 the parent loaded, so every line is assessed by the same
  rules), then take chunks of input.
- The parent reads the input lazily and keeps at most `window` chunks in flight, so a file of a
  million lines holds a few chunks in memory, never the file (multiprocessing's own `imap`
  reads its whole input ahead, which is why it is not used). Results come back in input order;
  any finished at the head of the queue are handed on before more input is read, so a slow
  writer upstream still sees results as they come.
- `cramps check --batch` sends its output another way when it can (frontends/in_turn.py:
  workers write it themselves, in turn); here, what `function` returns comes back through the
  pool, for the Python API and for an output without a file descriptor.
- Workers ignore Ctrl-C: the parent gets it, ends the pool and exits 130 as usual, with no
  traceback from each worker. A worker whose set-up failed does not raise there (a failing pool
  initializer makes multiprocessing restart workers for ever); it raises on its first chunk,
  and the parent re-raises that error.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

from ..errors import CrampsError, UsageError

T = TypeVar("T")
R = TypeVar("R")
ChunkFunction = Callable[[Any, int, list[T]], R]

CHUNK = 64  # lines per task: large enough that pickling is noise, small enough to stream
WINDOW_PER_JOB = 4  # chunks in flight per worker: keeps every worker busy, memory bounded


def resolve_jobs(jobs: int, option: str = "--jobs") -> int:
    """`0` means every core this process may use; a negative count is a usage error."""
    if jobs < 0:
        raise UsageError(f"{option}: must be 0 (every core) or a positive number, not {jobs}")
    if jobs == 0:
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # pragma: no cover - not Linux
            return max(1, os.cpu_count() or 1)
    return jobs


# --------------------------------------------------------------------------- worker side

_STATE: dict[str, Any] = {}


def _init(setup: Callable[[], Any]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _STATE["value"] = setup()
    except BaseException as error:  # re-raised on the first chunk, see the module docstring
        _STATE["error"] = error


def _run(function: ChunkFunction[Any, Any], start: int, chunk: list[Any]) -> Any:
    if "error" in _STATE:
        raise _STATE["error"]
    return function(_STATE["value"], start, chunk)


class LoadKnowledge:
    """A worker's set-up: load the knowledge base the parent loaded, by path, from the cache.

    Plain data (the rules path as given, None for the shipped file, and the sha256), so it
    pickles under every start method.
    """

    __slots__ = ("rules", "sha256")

    def __init__(self, rules: str | None, sha256: str):
        self.rules = rules
        self.sha256 = sha256

    def __getstate__(self) -> tuple[str | None, str]:
        return self.rules, self.sha256

    def __setstate__(self, state: tuple[str | None, str]) -> None:
        self.rules, self.sha256 = state

    def __call__(self) -> Any:
        from ..knowledge.loader import load

        kb = load(self.rules)
        if kb.sha256 != self.sha256:
            raise CrampsError(f"{kb.path} changed while it was in use; run again")
        return kb


# --------------------------------------------------------------------------- parent side


def chunks(items: Iterable[T], size: int) -> Iterator[tuple[int, list[T]]]:
    """(number of the chunk's first item counting from 1, the items), lazily."""
    iterator = iter(items)
    start = 1
    while True:
        chunk = list(islice(iterator, size))
        if not chunk:
            return
        yield start, chunk
        start += len(chunk)


def ordered_map(
    function: ChunkFunction[T, R],
    items: Iterable[T],
    jobs: int,
    setup: Callable[[], Any],
    chunk: int = CHUNK,
) -> Iterator[R]:
    """`function(state, start, chunk)` for each chunk of items, on `jobs` worker processes;
    what it returns, in input order, lazily.

    `function` and `setup` must pickle (module-level functions, plain objects). Closing the
    iterator early (a reader that went away, Ctrl-C) ends the workers.
    """
    import multiprocessing

    window = max(2, jobs * WINDOW_PER_JOB)
    with multiprocessing.get_context().Pool(jobs, initializer=_init, initargs=(setup,)) as pool:
        pending: deque[Any] = deque()
        for start, part in chunks(items, chunk):
            pending.append(pool.apply_async(_run, (function, start, part)))
            while pending and (len(pending) >= window or pending[0].ready()):
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
