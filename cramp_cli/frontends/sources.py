"""Where answers come from before they are normalised: an answers file and question flags.

Both feed answers.normalise, so a file, flags and the interview give the same answers.
Flags override the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..console.files import open_binary_input, read_capped
from ..engine.answers import normalise, normalise_value, token
from ..errors import AnswersError

if TYPE_CHECKING:
    from ..engine.model import KnowledgeBase

_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
MAX_ANSWERS_BYTES = 1024 * 1024


MAX_DEPTH = 32  # answers are one object of lists: far deeper is an attack, not answers
MAX_NUMBER_CHARS = 40


def _prefix(source: str | None) -> str:
    return f"{source}: " if source else ""


@lru_cache(maxsize=64)
def _decoder(source: str | None) -> json.JSONDecoder:
    """One decoder per source, made once: json.loads with a hook builds a new decoder (and
    this its hook) on every call, which a batch of a million lines would do a million times."""
    return json.JSONDecoder(object_pairs_hook=_no_duplicates(source))


def _no_duplicates(source: str | None) -> Any:
    """A json object_pairs_hook: keys equal once case and separators are ignored (the way
    answers match them) are an error naming the key; JSON would keep the last one silently."""

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, str] = {}
        for key, _ in pairs:
            folded = token(key)
            twin = seen.get(folded)
            seen[folded] = key
            if twin is not None:
                same = "" if twin == key else f" (the same as '{twin}')"
                raise AnswersError(f"{_prefix(source)}duplicate key '{key}'{same}")
        return dict(pairs)

    return hook


def depth_of(value: Any, limit: int) -> int:
    """How deeply lists and objects nest, counted without recursion, up to limit + 1."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def parse_json_answers(text: str, source: str | None) -> Any:
    """One JSON answers document: duplicate keys, depth and giant numbers refused with one
    line naming `source` (a file, or a batch line)."""
    try:
        data = _decoder(source).decode(text)
    except RecursionError:
        raise AnswersError(f"{_prefix(source)}nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as error:
        message = str(error).splitlines()[0] if str(error) else "not valid JSON"
        raise AnswersError(f"{_prefix(source)}not valid JSON: {message}") from None
    # Each level of nesting opens a bracket, so text with few brackets cannot nest deeply.
    if _brackets(text) > MAX_DEPTH and depth_of(data, MAX_DEPTH) > MAX_DEPTH:
        raise AnswersError(f"{_prefix(source)}nested more than {MAX_DEPTH} levels deep")
    return data


def _brackets(text: str) -> int:
    return text.count("[") + text.count("{")


def parse_answers_text(text: str, name: str) -> Any:
    """JSON, or YAML (strict: no aliases or duplicate keys) when it is not JSON."""
    if text.startswith("\ufeff"):
        text = text[1:]  # a byte-order mark, as some editors write: the same in JSON and YAML
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")) or name.endswith(".json"):
        return parse_json_answers(text, name)
    from ..knowledge.yaml_strict import YamlProblem, load_strict

    try:
        data = load_strict(text, answers=True, fold_keys=token)
    except YamlProblem as error:
        where = f":{error.line}:{error.column}" if error.line else ""
        raise AnswersError(f"{name}{where}: not valid JSON or YAML: {error.message}") from None
    if depth_of(data, MAX_DEPTH) > MAX_DEPTH:
        raise AnswersError(f"{name}: nested more than {MAX_DEPTH} levels deep")
    return data


def read_answers_file(path: str) -> tuple[Any, str]:
    """Read `--answers FILE` (`-` is standard input); return the parsed data and its name.

    The size cap holds on the stream (a pipe or /dev/zero has no size to `stat`)."""
    name = "<stdin>" if path == "-" else path
    stream = open_binary_input(path, "--answers", "an answers file")
    try:
        raw = read_capped(stream, MAX_ANSWERS_BYTES)
    except OSError as error:
        raise AnswersError(f"{name}: {error.strerror or error}") from None
    finally:
        if path != "-":
            stream.close()
    if raw is None:
        raise AnswersError(f"{name}: larger than {MAX_ANSWERS_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise AnswersError(f"{name}: not UTF-8 text (byte {error.start + 1})") from None
    return parse_answers_text(text, name), name


def _from_text(kind: str, text: str) -> Any:
    """A flag's text as the JSON value the question expects (numbers become numbers)."""
    if kind in ("integer", "number"):
        cleaned = text.strip()
        if len(cleaned) > MAX_NUMBER_CHARS:
            return text  # no answer is that long a number; normalise says what is allowed
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
