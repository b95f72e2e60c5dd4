"""Where answers come from before they are normalised: an answers file and question flags.

Both feed answers.normalise, so a file, flags and the interview give the same answers.
Flags override the file.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..console.files import open_input
from ..engine.answers import normalise, normalise_value, token
from ..errors import AnswersError

if TYPE_CHECKING:
    from ..engine.model import KnowledgeBase

_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
MAX_ANSWERS_BYTES = 1024 * 1024


def parse_answers_text(text: str, name: str) -> Any:
    """JSON, or YAML (strict: no aliases or duplicate keys) when it is not JSON."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")) or name.endswith(".json"):
        try:
            return json.loads(text)
        except ValueError as error:
            raise AnswersError(f"{name}: not valid JSON: {error}") from None
    from ..knowledge.yaml_strict import YamlProblem, load_strict

    try:
        return load_strict(text)
    except YamlProblem as error:
        where = f":{error.line}:{error.column}" if error.line else ""
        raise AnswersError(f"{name}{where}: not valid JSON or YAML: {error.message}") from None


def read_answers_file(path: str) -> tuple[Any, str]:
    """Read `--answers FILE` (`-` is standard input); return the parsed data and its name."""
    name = "<stdin>" if path == "-" else path
    stream = open_input(path, "--answers", "an answers file")
    try:
        text = stream.read(MAX_ANSWERS_BYTES + 1)
    except UnicodeDecodeError:
        raise AnswersError(f"{name}: not UTF-8 text") from None
    finally:
        if stream is not sys.stdin:
            stream.close()
    if len(text) > MAX_ANSWERS_BYTES:
        raise AnswersError(f"{name}: larger than {MAX_ANSWERS_BYTES} bytes")
    return parse_answers_text(text, name), name


def _from_text(kind: str, text: str) -> Any:
    """A flag's text as the JSON value the question expects (numbers become numbers)."""
    if kind in ("integer", "number"):
        cleaned = text.strip()
        if _INTEGER.match(cleaned):
            return int(cleaned)
        if _DECIMAL.match(cleaned):
            return float(cleaned)
    return text


def flag_answers(kb: KnowledgeBase, given: Mapping[str, Any]) -> dict[str, Any]:
    """Question flags (keyed by question id) as raw answers, each checked on its own.

    A list flag given the single value `none` answers "none of these" (an empty list).
    """
    questions = kb.question_by_id
    raw: dict[str, Any] = {}
    for qid, value in given.items():
        if value is None or (isinstance(value, list | tuple) and not value):
            continue
        question = questions[qid]
        if isinstance(value, list | tuple):
            value = [] if [str(v).strip().lower() for v in value] == ["none"] else list(value)
        elif isinstance(value, str):
            value = _from_text(question.type, value)
        try:
            normalise_value(question, value, None)
        except AnswersError as error:
            message = str(error).split(": ", 1)[-1]
            raise AnswersError(f"--{question.flag}: {message}") from None
        raw[qid] = value
    return raw


def gather(
    kb: KnowledgeBase, answers_file: str | None, flags: Mapping[str, Any]
) -> tuple[dict[str, Any], str]:
    """The raw answers of a file and flags (flags win), checked, and the name to report."""
    raw: dict[str, Any] = {}
    name = "flags"
    if answers_file is not None:
        data, name = read_answers_file(answers_file)
        if isinstance(data, Mapping) and "resourceType" in data:
            from .fhir import answers_from_response

            data = answers_from_response(kb, data, name)
        if not isinstance(data, Mapping):
            raise AnswersError(f"{name}: answers must be an object of question ids and answers")
        normalise(data, kb, name)  # report the file's mistakes with the file's name
        raw = {token(k) if isinstance(k, str) else k: v for k, v in data.items()}
    raw.update(flag_answers(kb, flags))
    return raw, name
