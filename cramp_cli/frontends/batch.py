"""`cramps check --batch FILE`: JSON Lines in, one assessment per line out, streaming.

Lines are read lazily and each assessment is written (and flushed) before the next line is
read, so memory stays flat and a reader downstream sees results as they come. A line that is
not JSON or not valid answers becomes `{"line": N, "error": {"message": ...}}` and the run
goes on; the summary goes to standard error; exit 0 when every line was assessed, 2 otherwise.
The knowledge base is compiled once for the whole run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from ..console.files import open_binary_input
from ..console.output import OutputClosed, say, silence_stdout
from ..engine.answers import missing_required, normalise
from ..engine.assess import assess
from ..errors import EXIT_OK, EXIT_USAGE, AnswersError, WriteError

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
                    yield ValueError(f"the line is longer than {MAX_SKIP_BYTES} bytes and has "
                                     "no end in sight; the batch stops here")  # fmt: skip
                    return
            yield ValueError(f"the line is longer than {limit} bytes")
            continue
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as error:
            yield ValueError(f"not UTF-8 text (byte {error.start + 1} of the line)")


def assessments(
    kb: KnowledgeBase, lines: Iterable[str | Exception], region: str | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, document) for each non-blank line, lazily, in input order."""
    for number, text in enumerate(lines, 1):
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


def run_batch(kb: KnowledgeBase, source: str, region: str | None = None) -> int:
    """Stream a whole batch; return the exit code."""
    stream = open_binary_input(source, "--batch", "a JSON Lines file")
    assessed = failed = 0
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    write, flush = sys.stdout.write, sys.stdout.flush
    try:
        for _, doc in assessments(kb, read_lines(stream), region):
            if "error" in doc:
                failed += 1
            else:
                assessed += 1
            write(encode(doc) + "\n")
            flush()
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
