"""Forked workers that write their own output in input order (frontends/in_turn.py), the
engine of `cramps check --batch --jobs N`: order when chunks finish out of order, the counts,
bounded reading, and every way a run can go wrong ending it rather than hanging it."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest

from cramp_cli.errors import CrampsError
from cramp_cli.frontends import in_turn


@pytest.fixture(autouse=True)
def no_hanging():
    """A run that deadlocks fails this test instead of stopping the suite."""

    def expired(signum, frame):
        raise TimeoutError("the workers did not finish within 60 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def numbered(start: int, items: list[int]) -> tuple[bytes, tuple[int, int]]:
    """Each item on its own line; odd items count as failed. Chunks take uneven times, so
    later chunks often finish first."""
    time.sleep(0.004 * (start % 3))
    data = b"".join(f"{start + i}:{item}\n".encode() for i, item in enumerate(items))
    failed = sum(item % 2 for item in items)
    return data, (len(items) - failed, failed)


def test_output_keeps_input_order_when_later_chunks_finish_first(tmp_path):
    target = tmp_path / "out.txt"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        counts = in_turn.write_in_turn(numbered, range(1000), jobs=3, fd=fd, chunk=7)
    finally:
        os.close(fd)
    assert target.read_text().splitlines() == [f"{i + 1}:{i}" for i in range(1000)]
    assert counts == (500, 500)


def test_one_worker_and_an_empty_input_are_fine(tmp_path):
    target = tmp_path / "out.txt"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        assert in_turn.write_in_turn(numbered, [], jobs=2, fd=fd) == (0, 0)
        assert in_turn.write_in_turn(numbered, range(10), jobs=1, fd=fd, chunk=3) == (5, 5)
    finally:
        os.close(fd)
    assert target.read_text().splitlines() == [f"{i + 1}:{i}" for i in range(10)]


def counted(limit: int, taken: list[int]) -> Iterator[int]:
    for i in range(limit):
        taken[0] = i + 1
        yield i


def failing(start: int, items: list[int]) -> tuple[bytes, tuple[int, int]]:
    if start > 20:
        raise ValueError("this chunk is broken")
    return numbered(start, items)


def test_a_failing_chunk_ends_the_run_with_its_error_and_reads_no_further(tmp_path):
    taken = [0]
    fd = os.open(os.devnull, os.O_WRONLY)
    try:
        with pytest.raises(CrampsError, match="a batch worker failed: ValueError: this chunk"):
            in_turn.write_in_turn(failing, counted(10**7, taken), jobs=2, fd=fd, chunk=10)
    finally:
        os.close(fd)
    # the input is read as the workers need it: a few chunks ahead, never the whole of it
    ahead = (in_turn.QUEUED + in_turn.HOLD + 4) * 2 * 10
    assert taken[0] <= ahead


def dying(start: int, items: list[int]) -> tuple[bytes, tuple[int, int]]:
    if start > 30:
        os._exit(3)  # as if killed: no report at all
    return numbered(start, items)


def test_a_worker_that_dies_ends_the_run_instead_of_hanging_it():
    fd = os.open(os.devnull, os.O_WRONLY)
    try:
        with pytest.raises(CrampsError, match="stopped unexpectedly"):
            in_turn.write_in_turn(dying, range(5000), jobs=2, fd=fd, chunk=10)
    finally:
        os.close(fd)


def test_a_reader_that_goes_away_is_a_broken_pipe_for_the_caller():
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        with pytest.raises(BrokenPipeError):
            in_turn.write_in_turn(numbered, range(500), jobs=2, fd=write_end, chunk=10)
    finally:
        os.close(write_end)


def test_a_full_disk_is_an_os_error_naming_it():
    fd = os.open("/dev/full", os.O_WRONLY)
    try:
        with pytest.raises(OSError, match="No space left"):
            in_turn.write_in_turn(numbered, range(500), jobs=2, fd=fd, chunk=10)
    finally:
        os.close(fd)


def test_workers_are_used_only_where_they_can_write_themselves(capsys):
    class Captured:
        def fileno(self) -> int:
            raise OSError("no descriptor")

    assert in_turn.available(Captured()) is False
    with open(os.devnull, "wb") as real:
        assert in_turn.available(real) is True
