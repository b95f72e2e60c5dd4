"""Worker processes that write their own output, in input order, taking turns.

`cramps check --batch FILE --jobs N` comes here when standard output is a file descriptor and
processes can fork safely (Linux and the BSDs; not macOS, whose system libraries are not safe
to fork, which is why CPython spawns there). Before, every byte the workers made went through
the parent (a file in memory, then a copy to the output): on two cores, that copying took a
quarter as much CPU as the workers themselves. Here the parent only reads and deals out the
input:

- It forks N workers. A fork shares the knowledge base the parent has already loaded (nothing
  to load again, nothing to pickle) and the parent's standard output.
- It deals chunks of lines to the workers in turn, chunk k to worker k mod N, each through a
  bounded queue, so the input is read as the workers need it and memory stays flat.
- A worker assesses a chunk, then writes it as soon as its turn has come (every chunk before it
  written); until then it keeps it and goes on with its next chunk, and waits only when it
  keeps `HOLD` of them. Dealing in turn is what makes this safe: the worker that owns the
  oldest unwritten chunk has either written it or is still working on it, never waiting for
  another, so the turns always move on.
- Each worker reports once: its counts, or what went wrong (the reader went away, a write
  failed, an error). On any failure the parent ends every worker and raises it, so the batch
  ends as a run in one process would. Workers ignore Ctrl-C: the parent gets it, ends them and
  exits 130. A worker whose parent was killed ends by itself within `POLL` seconds.
"""

from __future__ import annotations

import errno
import os
import queue
import signal
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import CrampsError
from .parallel import CHUNK, chunks

HOLD = 4  # chunks a worker may keep while earlier ones are being written
QUEUED = 4  # chunks waiting in each worker's queue: keeps it busy, memory bounded
POLL = 0.2  # seconds between looks while waiting: the parent's at its workers, theirs at it
# glibc's mallopt parameters, and how much freed memory a worker keeps (see _keep_freed_memory)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD, _KEEP = -1, -3, 32 * 1024 * 1024

# (number of the chunk's first line, the chunk) -> (its output, (lines assessed, lines failed))
ChunkWork = Callable[[int, list[Any]], tuple[bytes, tuple[int, int]]]


def available(out: Any) -> bool:
    """Whether workers can write to `out` themselves: it has a file descriptor (a test's
    captured output has none) and this platform forks safely."""
    import multiprocessing
    import sys

    try:
        out.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    return sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()


# --------------------------------------------------------------------------- worker side


class _Turn:
    """The number of the next chunk to write, shared by the workers, and a condition to wait
    on it."""

    def __init__(self, context: Any):
        self.next = context.RawValue("q", 0)
        self.moved = context.Condition()

    def wait_for(self, number: int, block: bool) -> bool:
        """Whether chunk `number` may be written now; with `block`, wait until it may (or
        until the parent is gone, see _Orphaned)."""
        with self.moved:
            while block and self.next.value != number:
                self.moved.wait(timeout=POLL)
                _stop_if_orphaned()
            return bool(self.next.value == number)

    def advance(self) -> None:
        with self.moved:
            self.next.value += 1
            self.moved.notify_all()


class _Orphaned(Exception):
    """The parent is gone (killed, or ended without ending its workers)."""


_PARENT: list[int] = []  # the parent's pid, set in each worker as it starts


def _stop_if_orphaned() -> None:
    """A worker whose parent was killed (SIGKILL, or SIGTERM, which ends Python at once) would
    wait for ever on a task or a turn that never comes; it ends instead."""
    if _PARENT and os.getppid() != _PARENT[0]:
        raise _Orphaned


def _next_task(tasks: Any) -> Any:
    while True:
        try:
            return tasks.get(timeout=POLL)
        except queue.Empty:
            _stop_if_orphaned()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _write_ready(held: dict[int, bytes], turn: _Turn, fd: int, keep: int) -> None:
    """Write the kept chunks whose turn has come, in order; wait while more than `keep` are
    kept. The write itself holds no lock: until the turn moves on, nobody else writes."""
    while held:
        first = min(held)
        if not turn.wait_for(first, block=len(held) > keep):
            return
        _write_all(fd, held.pop(first))
        turn.advance()


def _keep_freed_memory() -> None:
    """Stop glibc handing a worker's freed memory back to the system at once.

    A chunk's output (about a megabyte) is made and freed again and again. By default glibc
    gives memory back as soon as 128 KB at the top of the heap are free, and serves blocks
    over 128 KB with a fresh mapping, so every chunk faulted its pages in anew: 180,000 page
    faults in 20,000 lines, a sixth of a worker's time. With both thresholds at 32 MB the same
    pages are used again; the peak is what it was. Elsewhere than glibc there is nothing to do.
    """
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError):  # pragma: no cover - not glibc
        return
    mallopt(_M_TRIM_THRESHOLD, _KEEP)
    mallopt(_M_MMAP_THRESHOLD, _KEEP)


def _worker(
    index: int, parent: int, work: ChunkWork, tasks: Any, results: Any, turn: _Turn, fd: int
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _PARENT[:] = [parent]
    _keep_freed_memory()
    held: dict[int, bytes] = {}
    assessed = failed = 0
    try:
        while (task := _next_task(tasks)) is not None:
            number, start, items = task
            held[number], (good, bad) = work(start, items)
            assessed += good
            failed += bad
            _write_ready(held, turn, fd, keep=HOLD)
        _write_ready(held, turn, fd, keep=0)
    except _Orphaned:
        return  # nobody is left to report to
    except BrokenPipeError:
        results.put((index, "closed", None))
    except OSError as error:
        results.put((index, "unwritable", error.strerror or str(error)))
    except BaseException as error:  # reported, then raised by the parent
        results.put((index, "failed", f"{type(error).__name__}: {error}"))
    else:
        results.put((index, "done", (assessed, failed)))


# --------------------------------------------------------------------------- parent side


class _Workers:
    """The forked workers, their queues and what they have reported."""

    def __init__(self, work: ChunkWork, jobs: int, fd: int):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.turn = _Turn(context)
        self.results = context.Queue()
        self.tasks = [context.Queue(maxsize=QUEUED) for _ in range(jobs)]
        self.processes = [
            context.Process(
                target=_worker,
                args=(i, os.getpid(), work, self.tasks[i], self.results, self.turn, fd),
                daemon=True,
            )
            for i in range(jobs)
        ]
        self.counts: dict[int, tuple[int, int]] = {}

    def start(self) -> None:
        for process in self.processes:
            process.start()  # a fork that fails leaves close() the ones that started

    def give(self, index: int, task: Any) -> None:
        """Queue a task for worker `index`, looking at what the workers report while its
        queue is full (a worker that failed never takes its next task)."""
        while True:
            try:
                self.tasks[index].put(task, timeout=POLL)
                return
            except queue.Full:
                self.collect(block=False)

    def collect(self, block: bool) -> None:
        """Take in the workers' reports; raise the first failure. With `block`, wait until
        every worker has reported."""
        while len(self.counts) < len(self.processes):
            try:
                index, outcome, detail = self.results.get(timeout=POLL if block else 0.001)
            except queue.Empty:
                self._check_alive()
                if not block:
                    return
                continue
            if outcome == "done":
                self.counts[index] = detail
            elif outcome == "closed":
                raise BrokenPipeError(errno.EPIPE, "the reader went away")
            elif outcome == "unwritable":
                raise OSError(errno.EIO, detail)
            else:
                raise CrampsError(f"a batch worker failed: {detail}")

    def _check_alive(self) -> None:
        for i, process in enumerate(self.processes):
            if i not in self.counts and not process.is_alive():
                if process.exitcode == 0:
                    continue  # exited after reporting: the report is still on its way
                raise CrampsError(f"a batch worker stopped unexpectedly (exit {process.exitcode})")

    def close(self) -> None:
        started = [process for process in self.processes if process.pid is not None]
        for process in started:
            if process.is_alive():
                process.terminate()
        for process in started:
            process.join()
        for tasks in self.tasks:
            tasks.cancel_join_thread()  # tasks never taken must not hold the parent at exit
        self.results.cancel_join_thread()


def write_in_turn(
    work: ChunkWork, items: Iterable[Any], jobs: int, fd: int, chunk: int = CHUNK
) -> tuple[int, int]:
    """Run `work` on chunks of `items` in `jobs` forked workers that write their outputs to
    `fd` in input order; return the lines assessed and failed, summed."""
    workers = _Workers(work, jobs, fd)
    try:
        workers.start()
        for number, (start, part) in enumerate(chunks(items, chunk)):
            workers.give(number % jobs, (number, start, part))
        for index in range(jobs):
            workers.give(index, None)
        workers.collect(block=True)
    finally:
        workers.close()
    assessed = sum(good for good, _ in workers.counts.values())
    failed = sum(bad for _, bad in workers.counts.values())
    return assessed, failed
