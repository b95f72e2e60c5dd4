"""`cramps check --batch FILE`: JSON Lines in, one assessment per line out, streaming.

Lines are read lazily and each assessment is written (and flushed) before the next line is
read, so memory stays flat and a reader downstream sees results as they come. A line that is
not JSON or not valid answers becomes `{"line": N, "error": {"message": ...}}` and the run
goes on; the summary goes to standard error; exit 0 when every line was assessed, 2 otherwise.
The knowledge base is compiled once for the whole run. `--jobs N` spreads the lines over N
worker processes with the same output, order and exit code: forked workers that write their
own output in turn (frontends/in_turn.py), or, where they cannot, a pool whose results come
back to be written here (frontends/parallel.py).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

from ..console.encode import line_bytes
from ..console.files import open_binary_input
from ..console.output import OutputClosed, say, silence_stdout
from ..engine.answers import missing_required, normalise
from ..engine.assess import assess
from ..errors import EXIT_OK, EXIT_USAGE, AnswersError, WriteError
from .parallel import LoadKnowledge, ordered_map
from .sources import parse_json_answers

if TYPE_CHECKING:
    from ..engine.model import KnowledgeBase

MAX_LINE_BYTES = 1024 * 1024  # the same cap as an answers file
_CHUNK = 64 * 1024
MAX_SKIP_BYTES = 1024 * 1024 * 1024  # a line this long is no line: stop reading


def assess_line(
    kb: KnowledgeBase, text: str, number: int = 0, region: str | None = None
) -> dict[str, Any]:
    """One input line's assessment, or its error document; warnings go to standard error.

    Any failure of this line (bad JSON, duplicate keys, nesting, bad answers) is this line's
    error document: one line never stops the batch."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        raw = parse_json_answers(text, None)
        # decoded from UTF-8, so only a \u escape can hold a lone surrogate
        answers = normalise(raw, kb, text_is_unicode="\\u" not in text)
    except AnswersError as error:
        return {"error": {"message": str(error)}}
    for warning in answers.warnings:
        say(f"cramps: warning: line {number}: {warning}")
    missing = missing_required(answers.values, kb)
    if missing:
        names = ", ".join(q.id for q in missing)
        return {"error": {"message": f"missing required answers: {names}"}}
    return assess(kb, answers, region)


def read_lines(stream: IO[bytes], limit: int = MAX_LINE_BYTES) -> Iterator[str | Exception]:
    """Each line decoded on its own, lazily; a line over `limit` bytes or not UTF-8 comes out
    as an exception for that line only. A huge line is skipped in chunks, never held whole."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            skipped = len(line)
            while True:  # skip the rest of the line without keeping it
                rest = stream.readline(_CHUNK)
                skipped += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
                if skipped > MAX_SKIP_BYTES:  # an endless line (/dev/zero): nothing follows it
                    yield ValueError(
                        f"the line is longer than {MAX_SKIP_BYTES} bytes and has "
                        "no end in sight; the batch stops here"
                    )
                    return
            yield ValueError(f"the line is longer than {limit} bytes")
            continue
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as error:
            yield ValueError(f"not UTF-8 text (byte {error.start + 1} of the line)")


def assessments(
    kb: KnowledgeBase,
    lines: Iterable[str | Exception],
    start: int = 1,
    region: str | None = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, document) for each non-blank line, lazily, in input order; `start` is
    the number of the first line (a worker of --jobs gets a chunk from the middle). A line
    that could not be read (too long, not UTF-8) is its own error line."""
    for number, text in enumerate(lines, start):
        if isinstance(text, Exception):
            yield number, {"line": number, "error": {"message": str(text)}}
            continue
        if not text.strip():
            continue
        try:
            doc = assess_line(kb, text, number, region)
        except RecursionError:
            doc = {"error": {"message": "nested too deeply"}}
        if "error" in doc:
            doc = {"line": number, **doc}
        yield number, doc


Project = Callable[[dict[str, Any]], dict[str, Any]]


def encoded(
    kb: KnowledgeBase,
    lines: Iterable[str | Exception],
    start: int = 1,
    project: Project | None = None,
    region: str | None = None,
) -> Iterator[tuple[bool, bytes]]:
    """(failed, the output line as UTF-8 bytes) for each non-blank line; `project` (--fields)
    narrows each assessment, never an error line, so a script always sees what went wrong."""
    for _, doc in assessments(kb, lines, start, region):
        failed = "error" in doc
        yield failed, line_bytes(doc if failed or project is None else project(doc))


def _encoded_chunk(
    state: tuple[KnowledgeBase, Project | None, str | None],
    start: int,
    lines: list[str | Exception],
) -> tuple[bytes, tuple[int, int]]:
    """One chunk of --jobs, in a worker: the bytes `encoded` gives for these lines in one
    process, and how many lines were assessed and failed."""
    kb, project, region = state
    results = list(encoded(kb, lines, start, project, region))
    failed = sum(bad for bad, _ in results)
    return b"".join(data for _, data in results), (len(results) - failed, failed)


class _WorkerState:
    """A --jobs worker's state where workers cannot share the parent's (no fork, or output
    that goes back through the pool): the knowledge base, loaded once from the cache, --fields
    and the region."""

    def __init__(self, rules: str | None, sha256: str, project: Project | None, region: str | None):
        self.load = LoadKnowledge(rules, sha256)
        self.project = project
        self.region = region

    def __call__(self) -> tuple[KnowledgeBase, Project | None, str | None]:
        return self.load(), self.project, self.region


def _in_parallel(
    kb: KnowledgeBase,
    lines: Iterable[str | Exception],
    jobs: int,
    project: Project | None,
    region: str | None,
    rules: str | None,
    write: Callable[[bytes], Any],
    flush: Callable[[], Any],
) -> tuple[int, int]:
    """--jobs N: (lines assessed, lines failed). Workers write to standard output themselves
    when it is a file descriptor and they can fork (in_turn.py); otherwise their output comes
    back through the pool and is written here."""
    from . import in_turn

    binary = getattr(sys.stdout, "buffer", None)
    if binary is not None and in_turn.available(binary):
        binary.flush()  # nothing of ours may be left in the buffer the workers inherit
        state = (kb, project, region)

        def work(start: int, chunk: list[str | Exception]) -> tuple[bytes, tuple[int, int]]:
            return _encoded_chunk(state, start, chunk)

        return in_turn.write_in_turn(work, lines, jobs, binary.fileno())
    assessed = failed = 0
    setup = _WorkerState(rules, kb.sha256, project, region)
    for data, (good, bad) in ordered_map(_encoded_chunk, lines, jobs, setup):
        write(data)
        flush()
        assessed += good
        failed += bad
    return assessed, failed


@contextmanager
def _collector_for_batch() -> Iterator[None]:
    """The garbage collector tuned for a batch, and put back after it.

    The knowledge base lives for the whole run, and the thousands of containers each line
    makes are freed by reference counting as soon as the line is written. So the collector's
    passes find nothing and only cost time (5% of a run here): the objects loaded so far are
    frozen out of its walks, and its youngest generation runs a fiftieth as often, which
    still bounds what a cycle could hold. Workers forked during the batch inherit both.
    """
    thresholds = gc.get_threshold()
    freeze = gc.get_freeze_count() == 0  # a program that froze objects itself keeps them so
    if freeze:
        gc.freeze()
    gc.set_threshold(max(thresholds[0], 1) * 50, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if freeze:
            gc.unfreeze()


def run_batch(
    kb: KnowledgeBase,
    source: str,
    region: str | None = None,
    *,
    jobs: int = 1,
    project: Project | None = None,
    rules: str | None = None,
) -> int:
    """Stream a whole batch; return the exit code. `jobs` worker processes (1: this one);
    workers that cannot share `kb` load it from `rules` (the --rules given, None for the
    shipped file)."""
    stream = open_binary_input(source, "--batch", "a JSON Lines file")
    lines = read_lines(stream)
    assessed = failed = 0
    out = sys.stdout
    binary = getattr(out, "buffer", None)
    write = binary.write if binary is not None else lambda data: out.write(data.decode("utf-8"))
    flush = binary.flush if binary is not None else out.flush
    try:
        with _collector_for_batch():
            if jobs == 1:
                for bad, data in encoded(kb, lines, 1, project, region):
                    failed += bad
                    assessed += not bad
                    write(data)
                    flush()  # each assessment reaches the reader before the next line is read
            else:
                assessed, failed = _in_parallel(
                    kb, lines, jobs, project, region, rules, write, flush
                )
    except BrokenPipeError:
        silence_stdout()
        raise OutputClosed("output closed") from None
    except (OSError, ValueError) as error:  # a full disk, a closed output: claim nothing
        silence_stdout()
        reason = getattr(error, "strerror", None) or str(error)
        raise WriteError(f"cannot write the results: {reason}") from None
    finally:
        if source != "-":
            stream.close()
    errors = "1 error" if failed == 1 else f"{failed} errors"
    say(f"{assessed} assessed, {errors}")
    return EXIT_USAGE if failed else EXIT_OK
