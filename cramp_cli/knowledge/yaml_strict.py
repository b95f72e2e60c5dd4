"""A strict, safe YAML loader that remembers where every value came from.

rules.yaml is edited by people, so mistakes must be reported as `file:line:col`. PyYAML's
defaults are too forgiving for that job: duplicate keys silently keep the last value and
aliases can expand exponentially. This loader rejects both, uses the C parser when it is
available, and returns dicts and lists that carry the marks of their keys and items.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from typing import Any

import yaml

try:  # the C parser is several times faster on large files
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


Mark = tuple[int, int]  # 1-based line and column


class MarkedDict(dict):
    """A dict that knows the line and column of itself and of each key."""

    __slots__ = ("key_marks", "start")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.key_marks: dict[Any, Mark] = {}
        self.start: Mark = (1, 1)


class MarkedList(list):
    """A list that knows the line and column of itself and of each item."""

    __slots__ = ("item_marks", "start")

    def __init__(self, *args: Any):
        super().__init__(*args)
        self.item_marks: list[Mark] = []
        self.start: Mark = (1, 1)


class YamlProblem(Exception):
    """A YAML error with a 1-based position."""

    def __init__(self, message: str, line: int | None, column: int | None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def _mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _AliasProblem(YamlProblem):
    """An alias was used; the composer has lost where, so load_strict looks it up again."""


class StrictLoader(_BaseLoader):
    """SafeLoader without aliases or duplicate keys, building MarkedDict and MarkedList."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _AliasProblem("aliases are not allowed", *_mark(node))
        return super().construct_object(node, deep=deep)

    def construct_strict_bool(self, node: yaml.ScalarNode) -> bool:
        """Only true and false: YAML 1.1 also reads yes/no/on/off as booleans, silently."""
        if node.value.lower() not in ("true", "false"):
            raise YamlProblem(
                f"write true or false, not '{node.value}' (quote it if you mean the word)",
                *_mark(node),
            )
        return bool(self.construct_yaml_bool(node))

    def construct_marked_mapping(self, node: yaml.MappingNode) -> Iterator[MarkedDict]:
        result = MarkedDict()
        result.start = _mark(node)
        yield result
        fold = getattr(self, "fold_keys", None)
        folded: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) or key is None:
                raise YamlProblem("keys must be plain words", *_mark(key_node))
            if key in result:
                raise YamlProblem(f"duplicate key '{key}'", *_mark(key_node))
            if fold is not None and isinstance(key, str):
                twin = folded.setdefault(fold(key), key)
                if twin != key:
                    raise YamlProblem(
                        f"duplicate key '{key}' (the same as '{twin}')", *_mark(key_node)
                    )
            result[key] = self.construct_object(value_node, deep=True)
            result.key_marks[key] = _mark(key_node)

    def construct_marked_sequence(self, node: yaml.SequenceNode) -> Iterator[MarkedList]:
        result = MarkedList()
        result.start = _mark(node)
        yield result
        for child in node.value:
            result.append(self.construct_object(child, deep=True))
            result.item_marks.append(_mark(child))


StrictLoader.add_constructor("tag:yaml.org,2002:map", StrictLoader.construct_marked_mapping)
StrictLoader.add_constructor("tag:yaml.org,2002:seq", StrictLoader.construct_marked_sequence)
StrictLoader.add_constructor("tag:yaml.org,2002:bool", StrictLoader.construct_strict_bool)
# Dates and timestamps stay strings: a date object would not survive JSON.
StrictLoader.add_constructor(  # the stubs type construct_yaml_str for SafeConstructor only
    "tag:yaml.org,2002:timestamp",
    StrictLoader.construct_yaml_str,  # type: ignore[type-var]
)


MAX_DEPTH = 64  # nesting deeper than any rules or answers file needs; the composer recurses


class AnswersLoader(StrictLoader):
    """The strict loader for answers, with YAML 1.2 core-schema numbers (issue #14).

    YAML 1.1, which PyYAML follows, reads `070` as octal 56 and `1:30` as sexagesimal 90: a
    person's "70" or "1:30" silently became another number. Here an integer is decimal digits
    (or 0o/0x), a float is the usual decimal form, and anything else stays a string (so the
    answers check names it). Keys that differ only by case or separators are duplicates too,
    since answers match keys that way: `symptoms` and `Symptoms` cannot both stand.
    """

    fold_keys: Callable[[Any], Any] | None = None


_INT_12 = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT_12 = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
AnswersLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    ]
    for first, resolvers in StrictLoader.yaml_implicit_resolvers.items()
}
AnswersLoader.add_implicit_resolver("tag:yaml.org,2002:int", _INT_12, list("-+0123456789"))
AnswersLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_12, list("-+0123456789."))


def _construct_int_12(loader: AnswersLoader, node: yaml.ScalarNode) -> int:
    value = node.value
    try:
        if value[:2] in ("0o", "0x"):
            return int(value[2:], 8 if value[1] == "o" else 16)
        return int(value, 10)
    except ValueError:  # over Python's 4300-digit limit
        raise YamlProblem(f"the number {value[:20]}... is too long", *_mark(node)) from None


def _construct_float_12(loader: AnswersLoader, node: yaml.ScalarNode) -> float:
    value = node.value.lower()
    if value.endswith("inf"):
        return float("-inf") if value.startswith("-") else float("inf")
    if value.endswith("nan"):
        return float("nan")
    return float(value)


AnswersLoader.add_constructor("tag:yaml.org,2002:int", _construct_int_12)
AnswersLoader.add_constructor("tag:yaml.org,2002:float", _construct_float_12)


def _check_depth(text: str | bytes, limit: int) -> None:
    """Refuse nesting deeper than `limit` from the event stream, before the recursive composer
    (and its RecursionError, or a C stack overflow) ever sees it."""
    depth = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > limit:
                mark = event.start_mark
                line = mark.line + 1 if mark is not None else None
                column = mark.column + 1 if mark is not None else None
                raise YamlProblem(f"nested more than {limit} levels deep", line, column)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def load_strict(
    text: str | bytes, *, answers: bool = False, fold_keys: Callable[[Any], Any] | None = None
) -> Any:
    """Parse one YAML document strictly; raise YamlProblem with a 1-based position.

    `answers` uses the YAML 1.2 number rules and treats keys equal under `fold_keys` as
    duplicates (see AnswersLoader).
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the loader allocates many small objects; collection only slows it here
    try:
        if isinstance(text, str) and text.startswith("\ufeff"):
            text = text[1:]
        _check_depth(text, MAX_DEPTH)
        if not answers:
            return yaml.load(text, Loader=StrictLoader)
        loader = AnswersLoader(text)
        loader.fold_keys = fold_keys
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except RecursionError:
        raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep", None, None) from None
    except _AliasProblem as problem:
        raise YamlProblem(problem.message, *_first_alias(text, problem)) from None
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(part for part in (error.context, error.problem) if part) or str(error)
        if mark is None:
            raise YamlProblem(message, None, None) from None
        raise YamlProblem(message, mark.line + 1, mark.column + 1) from None
    except yaml.YAMLError as error:
        raise YamlProblem(str(error).splitlines()[0], None, None) from None
    except (ValueError, TypeError, OverflowError) as error:  # e.g. a 5000-digit integer
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise YamlProblem(f"a value cannot be read: {message[:120]}", None, None) from None
    finally:
        if gc_was_enabled:
            gc.enable()


def _first_alias(text: str | bytes, problem: YamlProblem) -> tuple[int | None, int | None]:
    """Where the first alias (`*name`) stands; the anchor's place if none is found."""
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
            return event.start_mark.line + 1, event.start_mark.column + 1
    return problem.line, problem.column


def mark_of(container: Any, key: Any = None) -> Mark | None:
    """Where `container[key]` (or the container itself) stands in the file, if known."""
    if key is None:
        return getattr(container, "start", None)
    if isinstance(container, MarkedDict):
        return container.key_marks.get(key, container.start)
    if isinstance(container, MarkedList) and isinstance(key, int):
        if 0 <= key < len(container.item_marks):
            return container.item_marks[key]
        return container.start
    return None
