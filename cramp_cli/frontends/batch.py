"""`cramps check --batch FILE`: JSON Lines in, one assessment per line out, streaming.

Lines are read lazily and each assessment is written (and flushed) before the next line is
read, so memory stays flat and a reader downstream sees results as they come. A line that is
not JSON or not valid answers becomes `{"line": N, "error": {"message": ...}}` and the run
goes on; the summary goes to standard error; exit 0 when every line was assessed, 2 otherwise.
The knowledge base is compiled once for the whole run. `--jobs N` spreads the lines over N
worker processes (frontends/parallel.py) with the same output, order and exit code.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..console.encode import line_bytes
from ..console.files import open_input
from ..console.output import OutputClosed, say, silence_stdout
from ..engine.answers import missing_required, normalise
from ..engine.assess import assess
from ..errors import EXIT_OK, EXIT_USAGE, AnswersError
from .parallel import LoadKnowledge, Spool, ordered_map, spool_copy, spool_write

if TYPE_CHECKING:
    from ..engine.model import KnowledgeBase


def assess_line(kb: KnowledgeBase, text: str, number: int = 0) -> dict[str, Any]:
    """One input line's assessment, or its error document; warnings go to standard error."""
    try:
        raw = json.loads(text)
    except ValueError as error:
        return {"error": {"message": f"not valid JSON: {error}"}}
    try:
        answers = normalise(raw, kb)
    except AnswersError as error:
        return {"error": {"message": str(error)}}
    for warning in answers.warnings:
        say(f"cramps: warning: line {number}: {warning}")
    missing = missing_required(answers.values, kb)
    if missing:
        names = ", ".join(q.id for q in missing)
        return {"error": {"message": f"missing required answers: {names}"}}
    return assess(kb, answers)


def assessments(
    kb: KnowledgeBase, lines: Iterable[str], start: int = 1
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, document) for each non-blank line, lazily, in input order; `start` is
    the number of the first line (a worker of --jobs gets a chunk from the middle)."""
    for number, text in enumerate(lines, start):
        if not text.strip():
            continue
        doc = assess_line(kb, text, number)
        if "error" in doc:
            doc = {"line": number, **doc}
        yield number, doc


Project = Callable[[dict[str, Any]], dict[str, Any]]


def encoded(
    kb: KnowledgeBase, lines: Iterable[str], start: int = 1, project: Project | None = None
) -> Iterator[tuple[bool, bytes]]:
    """(failed, the output line as UTF-8 bytes) for each non-blank line; `project` (--fields)
    narrows each assessment, never an error line, so a script always sees what went wrong."""
    for _, doc in assessments(kb, lines, start):
        failed = "error" in doc
        yield failed, line_bytes(doc if failed or project is None else project(doc))


def _encoded_chunk(
    state: tuple[KnowledgeBase, Project | None, str], start: int, lines: list[str]
) -> tuple[str, int, int]:
    """One chunk of --jobs, in a worker: the lines `encoded` gives in one process, left in a
    spool file; returns the file, and how many lines were assessed and failed."""
    kb, project, folder = state
    results = list(encoded(kb, lines, start, project))
    failed = sum(bad for bad, _ in results)
    path = spool_write(folder, start, b"".join(data for _, data in results))
    return path, len(results) - failed, failed


class _WorkerState:
    """A --jobs worker's state: the knowledge base (loaded once, from the cache), --fields and
    the spool folder."""

    def __init__(self, rules: str | None, sha256: str, project: Project | None, folder: str):
        self.load = LoadKnowledge(rules, sha256)
        self.project = project
        self.folder = folder

    def __call__(self) -> tuple[KnowledgeBase, Project | None, str]:
        return self.load(), self.project, self.folder


class _TextSink:
    """A text stream as the binary one spool_copy writes to (no file descriptor)."""

    def __init__(self, out: Any):
        self.write = lambda data: out.write(data.decode("utf-8"))
        self.flush = out.flush


def run_batch(
    kb: KnowledgeBase,
    source: str,
    *,
    jobs: int = 1,
    project: Project | None = None,
    rules: str | None = None,
) -> int:
    """Stream a whole batch; return the exit code. `jobs` worker processes (1: this one) load
    the knowledge base from `rules` (the --rules given, None for the shipped file)."""
    stream = open_input(source, "--batch", "a JSON Lines file")
    assessed = failed = 0
    out = sys.stdout
    binary = getattr(out, "buffer", None)
    write = binary.write if binary is not None else lambda data: out.write(data.decode("utf-8"))
    flush = binary.flush if binary is not None else out.flush
    try:
        if jobs == 1:
            for bad, data in encoded(kb, stream, 1, project):
                failed += bad
                assessed += not bad
                write(data)
                flush()  # each assessment reaches the reader before the next line is read
        else:
            spool = Spool()
            try:
                setup = _WorkerState(rules, kb.sha256, project, spool.folder)
                for path, good, bad in ordered_map(_encoded_chunk, stream, jobs, setup):
                    spool_copy(path, binary if binary is not None else _TextSink(out))
                    assessed += good
                    failed += bad
            finally:
                spool.close()
    except BrokenPipeError:
        silence_stdout()
        raise OutputClosed("output closed") from None
    finally:
        if stream is not sys.stdin:
            stream.close()
    errors = "1 error" if failed == 1 else f"{failed} errors"
    say(f"{assessed} assessed, {errors}")
    return EXIT_USAGE if failed else EXIT_OK
