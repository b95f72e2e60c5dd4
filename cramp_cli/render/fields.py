"""`--fields`: keep only the parts of an assessment a pipeline asks for, as `gh --json` does.

A selection is a comma list of dotted paths into the assessment of contract section 2:
`triage.level,red_flags.id,causes.id,medications`. A path through a list applies to every
element (`causes.id` keeps the id of each cause); a path that ends on an object or a list keeps
it whole. Keys keep the document's order, not the order asked for, so the output stays
deterministic; a part the document does not hold (`see_doctor.because` on an item without one)
is left out rather than invented. An unknown path is a usage error that lists the valid ones.

The valid paths are written out below rather than read from the pydantic models in schemas.py,
which would cost start-up time; tests/test_fields.py holds the two to the same set, and
`cramps schema assessment` lists them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..contract import QUESTION_IDS
from ..errors import UsageError

_BECAUSE = ("question", "answer")
# Every path of the assessment, parents before children (contract sections 2 and 5).
_TREE: dict[str, Any] = {
    "schema_version": None,
    "tool": {"name": None, "version": None},
    "knowledge_base": {"version": None, "sha256": None},
    "region": None,
    "answers": dict.fromkeys(QUESTION_IDS),
    "medications": {
        "input": None,
        "generics": None,
        "classes": None,
        "match": None,
        "components": dict.fromkeys(("text", "name", "match", "generics", "classes")),
        "unrecognised": None,
        "ambiguous": dict.fromkeys(("text", "group", "choices")),
    },
    "triage": dict.fromkeys(("level", "summary", "because")),
    "red_flags": {
        "id": None,
        "title": None,
        "advice": None,
        "triage": None,
        "because": dict.fromkeys(_BECAUSE),
        "references": None,
    },
    "causes": {
        "id": None,
        "title": None,
        "likelihood": None,
        "score": None,
        "explanation": None,
        "because": dict.fromkeys(_BECAUSE),
        "drugs": dict.fromkeys(("input", "generic", "class")),
        "references": None,
    },
    "self_care": dict.fromkeys(("id", "title", "text", "evidence", "references")),
    "cautions": dict.fromkeys(("id", "title", "text", "references")),
    "see_doctor": {
        "id": None,
        "text": None,
        "references": None,
        "because": dict.fromkeys(_BECAUSE),
    },
    "tests_to_discuss": None,
    "unanswered": None,
    "disclaimer": None,
}


def _paths(tree: dict[str, Any], prefix: str = "") -> list[str]:
    found = []
    for key, sub in tree.items():
        found.append(prefix + key)
        if sub is not None:
            found += _paths(sub, f"{prefix}{key}.")
    return found


FIELD_PATHS: tuple[str, ...] = tuple(_paths(_TREE))
_VALID = frozenset(FIELD_PATHS)


class Fields:
    """A parsed selection: call it on an assessment to get the parts it keeps.

    Plain data inside (a nested dict of the kept keys), so it pickles into worker processes.
    """

    __slots__ = ("keep", "paths")

    def __init__(self, paths: Iterable[str]):
        self.paths = tuple(paths)
        keep: dict[str, Any] = {}
        for path in self.paths:
            node = keep
            parts = path.split(".")
            for i, part in enumerate(parts):
                if node.get(part, 0) is None:
                    break  # an ancestor is already kept whole
                if i == len(parts) - 1:
                    node[part] = None  # keep whole, replacing any narrower selection
                else:
                    node = node.setdefault(part, {})
        self.keep = keep

    def __call__(self, doc: dict[str, Any]) -> dict[str, Any]:
        return _select(doc, self.keep)

    def __getstate__(self) -> tuple[str, ...]:
        return self.paths

    def __setstate__(self, paths: tuple[str, ...]) -> None:
        self.__init__(paths)  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"Fields({','.join(self.paths)!r})"


def _select(value: Any, keep: dict[str, Any]) -> Any:
    if isinstance(value, list):
        return [_select(item, keep) for item in value]
    if not isinstance(value, dict):
        return value
    shown = {}
    for key, item in value.items():
        if key in keep:
            sub = keep[key]
            shown[key] = item if sub is None else _select(item, sub)
    return shown


def parse_fields(text: str | Iterable[str], option: str = "--fields") -> Fields:
    """`"triage.level, causes.id"` (or a list of paths) as a selection; UsageError (exit 2)
    naming an unknown path, the nearest valid one, and every valid path."""
    items = text.split(",") if isinstance(text, str) else list(text)
    paths = [item.strip() for item in items if isinstance(item, str) and item.strip()]
    if not paths:
        raise UsageError(
            f"{option}: give a comma list of fields; valid fields: {', '.join(FIELD_PATHS)}"
        )
    for path in paths:
        if path not in _VALID:
            import difflib

            close = difflib.get_close_matches(path, FIELD_PATHS, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise UsageError(
                f"{option}: unknown field '{path}'{hint}; valid fields: {', '.join(FIELD_PATHS)}"
            )
    return Fields(dict.fromkeys(paths))
