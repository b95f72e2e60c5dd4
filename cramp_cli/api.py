"""The Python API of cramps: the assessments of `cramps check`, from Python.

    from cramp_cli import api

    kb = api.load()                                   # the shipped rules.yaml (or a path)
    doc = kb.assess({"age": 67, "medications": ["Lipitor"]})
    doc["triage"]["level"]                            # 'routine'
    for doc in kb.assess_many(rows, jobs=0, on_error="report"):
        ...

What it promises, under the versioning of the data contract (shared/contract.md, section 2;
`schema_version` in every document):

- `assess` returns exactly the document `cramps check --format json` prints for the same
  answers and knowledge base (parsed: a dict of JSON types), and `assess_many` exactly the
  lines `cramps check --batch` writes, error lines included when `on_error="report"`.
- Answers are validated as the command line validates them, and a fault raises
  `AnswersError` whose message is what `cramps check --batch` puts in its error line
  (`age: must be a whole number from 1 to 120, not 'forty'`). An answer that does not apply
  (a pregnancy answer for a man) is ignored with an `AnswersWarning`, where the command line
  prints a warning. A rules file that is not valid raises `RulesError` with the first problem
  the command line would print.
- A `KnowledgeBase` pickles (for process pools, Dask, Spark): it travels as its rules path and
  sha256 and is loaded again, once per process and from the cache, on the other side; a file
  that changed meanwhile is an error rather than a silent difference.
- Names here only grow; what an assessment holds is the contract's.

The command line never imports this module, and importing it loads nothing heavy: the
knowledge base and the engine are loaded by `load()`, on first use.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from .errors import AnswersError, CrampsError, RulesError, UsageError

if TYPE_CHECKING:
    from .engine.model import KnowledgeBase as Model
    from .render.fields import Fields

__all__ = [
    "AnswersError",
    "AnswersWarning",
    "CrampsError",
    "KnowledgeBase",
    "RulesError",
    "UsageError",
    "assess",
    "assess_many",
    "field_paths",
    "load",
]

OnError = Literal["raise", "report"]
FieldsArg = str | Sequence[str] | None


class AnswersWarning(UserWarning):
    """An answer was ignored because its question does not apply (the CLI's warning)."""


class KnowledgeBase:
    """A validated, compiled knowledge base: assess answers against it. Make one with load().

    Immutable and safe to share between threads; pickles by reference to its rules file.
    """

    __slots__ = ("_model", "_rules")

    def __init__(self, model: Model, rules: str | None):
        self._model = model
        self._rules = rules  # absolute path of the rules file, None for the shipped one

    # -- what it is ----------------------------------------------------------------------

    @property
    def version(self) -> str:
        """The knowledge base's own version (`knowledge_base.version` in every assessment)."""
        return self._model.version

    @property
    def sha256(self) -> str:
        """The sha256 of the rules file (`knowledge_base.sha256`)."""
        return self._model.sha256

    @property
    def rules_path(self) -> str | None:
        """The rules file loaded, or None for the one shipped with cramps."""
        return self._rules

    def __repr__(self) -> str:
        where = self._rules or "shipped rules.yaml"
        return f"<cramps KnowledgeBase {self.version} from {where}>"

    def __reduce__(self) -> tuple[Any, tuple[str | None, str]]:
        return _restore, (self._rules, self.sha256)

    # -- assessing -----------------------------------------------------------------------

    def assess(
        self, answers: Mapping[str, Any], *, fields: FieldsArg = None, region: str | None = None
    ) -> dict[str, Any]:
        """The assessment of one answers mapping (contract section 1 in, section 2 out).

        `fields` keeps only those dotted paths (`"triage.level,causes.id"` or a list), as
        `cramps check --fields` does; `region` ("uk", "au", ...) names that country's emergency
        number and services, as `--region` does (the knowledge base's default, neutral wording,
        when None). Raises AnswersError for answers the command line would refuse, with the
        same message.
        """
        project = _fields(fields)
        doc, notes = _assess_row(self._model, answers, 0, region)
        _warn(notes, stacklevel=3)
        if "error" in doc:
            raise AnswersError(doc["error"]["message"])
        return project(doc) if project is not None else doc

    def assess_many(
        self,
        rows: Iterable[Mapping[str, Any]],
        *,
        jobs: int = 1,
        fields: FieldsArg = None,
        on_error: OnError = "raise",
        region: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Assess each answers mapping of `rows`, lazily and in order (`region` as in assess).

        `jobs`: worker processes (0: every core; 1: this process), each loading the knowledge
        base once; rows are read a few chunks ahead, so memory stays flat for any length.
        `on_error="raise"` raises AnswersError at the first bad row (after yielding the ones
        before it); `"report"` yields `{"line": N, "error": {"message": ...}}` in its place,
        N counting rows from 1, as `cramps check --batch` does.
        """
        if on_error not in ("raise", "report"):
            raise ValueError(f"on_error must be 'raise' or 'report', not {on_error!r}")
        from .frontends.parallel import resolve_jobs

        workers = resolve_jobs(jobs, "jobs")
        project = _fields(fields)
        return self._many(rows, workers, project, on_error, region)

    def _many(
        self,
        rows: Iterable[Mapping[str, Any]],
        jobs: int,
        project: Fields | None,
        on_error: OnError,
        region: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        if jobs == 1:
            results: Iterable[tuple[dict[str, Any], list[str]]] = (
                _finish(_assess_row(self._model, row, number, region), project)
                for number, row in enumerate(rows, 1)
            )
        else:
            from .frontends.parallel import LoadKnowledge, ordered_map

            setup = _WorkerSetup(LoadKnowledge(self._rules, self.sha256), project, region)
            results = (r for chunk in ordered_map(_assess_chunk, rows, jobs, setup) for r in chunk)
        for doc, notes in results:
            _warn(notes, stacklevel=3)
            if on_error == "raise" and "error" in doc:
                raise AnswersError(doc["error"]["message"])
            yield doc


def load(rules: str | os.PathLike[str] | None = None) -> KnowledgeBase:
    """Load, validate and compile a knowledge base: the shipped one, or the rules file at
    `rules`. Uses the same cache as the command line. Raises RulesError when it is not valid."""
    from .knowledge.loader import load as load_model

    path = os.path.abspath(os.fspath(rules)) if rules is not None else None
    model = load_model(os.fspath(rules) if rules is not None else None)
    kb = KnowledgeBase(model, path)
    _LOADED[(path, model.sha256)] = kb
    return kb


def assess(
    answers: Mapping[str, Any],
    *,
    rules: str | os.PathLike[str] | None = None,
    fields: FieldsArg = None,
    region: str | None = None,
) -> dict[str, Any]:
    """`load(rules).assess(answers)`, with the knowledge base loaded once per process."""
    return _default(rules).assess(answers, fields=fields, region=region)


def assess_many(
    rows: Iterable[Mapping[str, Any]],
    *,
    rules: str | os.PathLike[str] | None = None,
    jobs: int = 1,
    fields: FieldsArg = None,
    on_error: OnError = "raise",
    region: str | None = None,
) -> Iterator[dict[str, Any]]:
    """`load(rules).assess_many(rows, ...)`, with the knowledge base loaded once per process."""
    return _default(rules).assess_many(
        rows, jobs=jobs, fields=fields, on_error=on_error, region=region
    )


def field_paths() -> tuple[str, ...]:
    """Every dotted path `fields=` accepts (as `cramps schema assessment` lists them)."""
    from .render.fields import FIELD_PATHS

    return FIELD_PATHS


# --------------------------------------------------------------------------- internals

# Knowledge bases loaded in this process, by (absolute rules path or None, sha256): an
# unpickled KnowledgeBase (a Dask task, a pool worker) loads its file once per process.
_LOADED: dict[tuple[str | None, str], KnowledgeBase] = {}
_DEFAULT: dict[str | None, KnowledgeBase] = {}


def _default(rules: str | os.PathLike[str] | None) -> KnowledgeBase:
    key = os.path.abspath(os.fspath(rules)) if rules is not None else None
    kb = _DEFAULT.get(key)
    if kb is None:
        kb = _DEFAULT[key] = load(rules)
    return kb


def _restore(rules: str | None, sha256: str) -> KnowledgeBase:
    """Unpickling: the same knowledge base, loaded here (once per process, from the cache)."""
    kb = _LOADED.get((rules, sha256))
    if kb is None:
        kb = load(rules)
        if kb.sha256 != sha256:
            raise CrampsError(
                f"{rules or 'rules.yaml'} changed since the knowledge base was "
                "loaded (its sha256 differs); load it again"
            )
    return kb


def _fields(fields: FieldsArg) -> Fields | None:
    if fields is None:
        return None
    from .render.fields import parse_fields

    return parse_fields(fields, "fields")


def _plain(answers: Any) -> Any:
    """numpy scalars and arrays (a pandas row) as the Python values they hold.

    Nothing else is changed: a string "67" is still refused, as the command line refuses it.
    """
    if not isinstance(answers, Mapping):
        return answers
    if all(type(v).__module__ == "builtins" for v in answers.values()):
        return answers
    return {k: v.tolist() if type(v).__module__ == "numpy" else v for k, v in answers.items()}


def _assess_row(
    model: Model, row: Any, number: int, region: str | None = None
) -> tuple[dict[str, Any], list[str]]:
    """(assessment or `{"line": N, "error": ...}`, warnings): what `cramps check --batch`
    makes of the same answers on line N."""
    from .engine.answers import missing_required, normalise
    from .engine.assess import assess as run

    try:
        answers = normalise(_plain(row), model)
    except AnswersError as error:
        return {"line": number, "error": {"message": str(error)}}, []
    missing = missing_required(answers.values, model)
    if missing:
        names = ", ".join(q.id for q in missing)
        message = f"missing required answers: {names}"
        return {"line": number, "error": {"message": message}}, answers.warnings
    try:
        return run(model, answers, region), answers.warnings
    except CrampsError as error:  # an unknown region: the caller's mistake, said plainly
        raise ValueError(str(error)) from None


def _finish(
    result: tuple[dict[str, Any], list[str]], project: Fields | None
) -> tuple[dict[str, Any], list[str]]:
    doc, notes = result
    if project is not None and "error" not in doc:
        doc = project(doc)
    return doc, notes


class _WorkerSetup:
    """A worker's state for assess_many(jobs=N): the knowledge base and the field selection."""

    __slots__ = ("load", "project", "region")

    def __init__(self, load: Any, project: Fields | None, region: str | None = None):
        self.load = load
        self.project = project
        self.region = region

    def __getstate__(self) -> tuple[Any, Fields | None, str | None]:
        return self.load, self.project, self.region

    def __setstate__(self, state: tuple[Any, Fields | None, str | None]) -> None:
        self.load, self.project, self.region = state

    def __call__(self) -> tuple[Model, Fields | None, str | None]:
        return self.load(), self.project, self.region


def _assess_chunk(
    state: tuple[Model, Fields | None, str | None], start: int, rows: list[Any]
) -> list[tuple[dict[str, Any], list[str]]]:
    model, project, region = state
    return [
        _finish(_assess_row(model, row, n, region), project) for n, row in enumerate(rows, start)
    ]


def _warn(notes: list[str], stacklevel: int) -> None:
    for note in notes:
        warnings.warn(note, AnswersWarning, stacklevel=stacklevel + 1)
