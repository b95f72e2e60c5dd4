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
from typing import TYPE_CHECKING, Any

from ..console.files import open_input
from ..console.output import OutputClosed, say, silence_stdout
from ..engine.answers import missing_required, normalise
from ..engine.assess import assess
from ..errors import EXIT_OK, EXIT_USAGE, AnswersError

if TYPE_CHECKING:
    from ..engine.model import KnowledgeBase


def assess_line(
    kb: KnowledgeBase, text: str, number: int = 0, region: str | None = None
) -> dict[str, Any]:
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
    return assess(kb, answers, region)


def assessments(
    kb: KnowledgeBase, lines: Iterable[str], region: str | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, document) for each non-blank line, lazily, in input order."""
    for number, text in enumerate(lines, 1):
        if not text.strip():
            continue
        doc = assess_line(kb, text, number, region)
        if "error" in doc:
            doc = {"line": number, **doc}
        yield number, doc


def run_batch(kb: KnowledgeBase, source: str, region: str | None = None) -> int:
    """Stream a whole batch; return the exit code."""
    stream = open_input(source, "--batch", "a JSON Lines file")
    assessed = failed = 0
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    write, flush = sys.stdout.write, sys.stdout.flush
    try:
        for _, doc in assessments(kb, stream, region):
            if "error" in doc:
                failed += 1
            else:
                assessed += 1
            write(encode(doc) + "\n")
            flush()
    except BrokenPipeError:
        silence_stdout()
        raise OutputClosed("output closed") from None
    finally:
        if stream is not sys.stdin:
            stream.close()
    errors = "1 error" if failed == 1 else f"{failed} errors"
    say(f"{assessed} assessed, {errors}")
    return EXIT_USAGE if failed else EXIT_OK
