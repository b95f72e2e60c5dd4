"""`cramps check --batch FILE`: JSON Lines in, one assessment per line out, streaming.

Lines are read lazily and each assessment is written (and flushed) before the next line is
read, so memory stays flat and a reader downstream sees results as they come. A line that is
not JSON or not valid answers becomes `{"line": N, "error": {"message": ...}}` and the run
goes on; the summary goes to standard error; exit 0 when every line was assessed, 2 otherwise.
The knowledge base is compiled once for the whole run. `--jobs N` spreads the lines over N
worker processes (frontends/parallel.py) with the same output, order and exit code.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from ..console.encode import line_bytes
from ..console.files import open_binary_input
from ..console.output import OutputClosed, say, silence_stdout
from ..engine.answers import missing_required, normalise
from ..engine.assess import assess
from ..errors import EXIT_OK, EXIT_USAGE, AnswersError, WriteError
from .parallel import LoadKnowledge, Spool, ordered_map, spool_copy, spool_write

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
    from .sources import parse_json_answers

    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        raw = parse_json_answers(text, None)
        answers = normalise(raw, kb)
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
    state: tuple[KnowledgeBase, Project | None, str, str | None],
    start: int,
    lines: list[str | Exception],
) -> tuple[str, int, int]:
    """One chunk of --jobs, in a worker: the lines `encoded` gives in one process, left in a
    spool file; returns the file, and how many lines were assessed and failed."""
    kb, project, folder, region = state
    results = list(encoded(kb, lines, start, project, region))
    failed = sum(bad for bad, _ in results)
    path = spool_write(folder, start, b"".join(data for _, data in results))
    return path, len(results) - failed, failed


class _WorkerState:
    """A --jobs worker's state: the knowledge base (loaded once, from the cache), --fields and
    the spool folder."""

    def __init__(
        self,
        rules: str | None,
        sha256: str,
        project: Project | None,
        folder: str,
        region: str | None = None,
    ):
        self.load = LoadKnowledge(rules, sha256)
        self.project = project
        self.folder = folder
        self.region = region

    def __call__(self) -> tuple[KnowledgeBase, Project | None, str, str | None]:
        return self.load(), self.project, self.folder, self.region


class _TextSink:
    """A text stream as the binary one spool_copy writes to (no file descriptor)."""

    def __init__(self, out: Any):
        self.write = lambda data: out.write(data.decode("utf-8"))
        self.flush = out.flush


def run_batch(
    kb: KnowledgeBase,
    source: str,
    region: str | None = None,
    *,
    jobs: int = 1,
    project: Project | None = None,
    rules: str | None = None,
) -> int:
    """Stream a whole batch; return the exit code. `jobs` worker processes (1: this one) load
    the knowledge base from `rules` (the --rules given, None for the shipped file)."""
    stream = open_binary_input(source, "--batch", "a JSON Lines file")
    lines = read_lines(stream)
    assessed = failed = 0
    out = sys.stdout
    binary = getattr(out, "buffer", None)
    write = binary.write if binary is not None else lambda data: out.write(data.decode("utf-8"))
    flush = binary.flush if binary is not None else out.flush
    try:
        if jobs == 1:
            for bad, data in encoded(kb, lines, 1, project, region):
                failed += bad
                assessed += not bad
                write(data)
                flush()  # each assessment reaches the reader before the next line is read
        else:
            spool = Spool()
            try:
                setup = _WorkerState(rules, kb.sha256, project, spool.folder, region)
                for path, good, bad_lines in ordered_map(_encoded_chunk, lines, jobs, setup):
                    spool_copy(path, binary if binary is not None else _TextSink(out))
                    assessed += good
                    failed += bad_lines
            finally:
                spool.close()
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
