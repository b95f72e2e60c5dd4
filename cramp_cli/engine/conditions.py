"""The condition language of rules.yaml: parse and check, compile to callables, explain.

Conditions are data (`all` / `any` / `not` and one-answer tests), never code: nothing here
evaluates a string. Each condition is checked against the declared questions when the file
loads and compiled once into plain closures. Evaluation is three-valued (Kleene): a test on an
unanswered question is unknown, and a rule fires only when its condition is true.

A compiled condition returns `(value, evidence)`: `value` is True, False or None (unknown) and
`evidence` the `(question, answer)` pairs that support it (for a list, the matching elements),
which become the `because` of causes and red flags.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

Evidence = tuple[tuple[str, Any], ...]
Result = tuple[bool | None, Evidence]

COMBINATORS = ("all", "any", "not")
NUMERIC_OPS = ("gt", "gte", "lt", "lte", "between")
OPERATORS = ("equals", "in", "not_in", "contains_any", *NUMERIC_OPS, "answered", "classes_any")
SCALAR_TYPES = ("integer", "number", "boolean", "choice")
NUMERIC_TYPES = ("integer", "number")
LIST_TYPES = ("multi_choice", "medicines")
OPS_FOR_TYPE = {
    "integer": ("equals", "in", "not_in", *NUMERIC_OPS, "answered"),
    "number": ("equals", "in", "not_in", *NUMERIC_OPS, "answered"),
    "boolean": ("equals", "answered"),
    "choice": ("equals", "in", "not_in", "answered"),
    "multi_choice": ("contains_any", "answered"),
    "medicines": ("classes_any", "answered"),
}


# The protocols are read-only (properties), so NamedTuples and slotted classes satisfy them.


class MedicineFact(Protocol):
    @property
    def input(self) -> str: ...

    @property
    def classes(self) -> tuple[str, ...]: ...


class Facts(Protocol):
    """What a condition reads: canonical answers and the recognised medicines."""

    @property
    def answers(self) -> Mapping[str, Any]: ...

    @property
    def medicines(self) -> Sequence[MedicineFact]: ...


class QuestionInfo(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def choice_values(self) -> tuple[Any, ...]: ...


class ConditionProblem(Exception):
    """A mistake in a condition; `container[key]` locates it in the YAML."""

    def __init__(self, message: str, container: Any, key: Any = None):
        super().__init__(message)
        self.message = message
        self.container = container
        self.key = key


def did_you_mean(word: Any, options: Iterable[Any]) -> str:
    """' (did you mean 'x'?)' for the closest option, or '' when nothing is close."""
    import difflib

    if len(str(word)) > 64:
        return ""  # no id is that long; comparing would only cost time
    names = [str(o) for o in options]
    close = difflib.get_close_matches(str(word), names, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def plain(word: Any) -> str:
    """An id or value in plain words: `one_leg_swollen` -> `one leg swollen`."""
    if isinstance(word, bool):
        return "yes" if word else "no"
    return str(word).replace("_", " ")


# --------------------------------------------------------------------------- the tree


class Condition:
    """Base of the condition tree (plain classes: they are defined on every start-up)."""

    __slots__ = ()

    def compile(self) -> Callable[[Facts], Result]:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def questions(self) -> set[str]:
        raise NotImplementedError

    def explain(self, facts: Facts, depth: int = 0) -> list[tuple[int, str, bool | None]]:
        """One `(depth, plain words, value)` row per node, for `cramps why`."""
        raise NotImplementedError


def _wrap(node: Condition) -> str:
    text = node.describe()
    return f"({text})" if isinstance(node, All | Any_) else text


class _Group(Condition):
    """`all` and `any`: Kleene logic decided by the value that settles the group.

    `all` is settled by a False part, `any` by a True part; otherwise an unknown part makes
    the group unknown, and if none, the group takes the other value. The evidence is that of
    the parts that decided it.
    """

    __slots__ = ("items",)
    decisive: bool
    joiner: str
    label: str

    def __init__(self, items: tuple[Condition, ...]):
        self.items = items

    def compile(self) -> Callable[[Facts], Result]:
        parts = tuple(item.compile() for item in self.items)
        decisive = self.decisive

        def evaluate(facts: Facts) -> Result:
            # Tuples added only when a part has evidence: most parts have none, and a group
            # is evaluated tens of times per assessment.
            settled = unknown = False
            deciding: Evidence = ()
            others: Evidence = ()
            for part in parts:
                value, evidence = part(facts)
                if value is decisive:
                    settled = True
                    if evidence:
                        deciding += evidence
                elif value is None:
                    unknown = True
                elif evidence:
                    others += evidence
            if settled:
                return decisive, deciding
            if unknown:
                return None, ()
            return not decisive, others

        return evaluate

    def describe(self) -> str:
        return self.joiner.join(_wrap(item) for item in self.items)

    def questions(self) -> set[str]:
        return set().union(*(item.questions() for item in self.items))

    def explain(self, facts: Facts, depth: int = 0) -> list[tuple[int, str, bool | None]]:
        rows = [(depth, self.label, self.compile()(facts)[0])]
        for item in self.items:
            rows += item.explain(facts, depth + 1)
        return rows


class All(_Group):
    __slots__ = ()
    decisive, joiner, label = False, " and ", "all of:"


class Any_(_Group):
    __slots__ = ()
    decisive, joiner, label = True, " or ", "any of:"


class Not(Condition):
    __slots__ = ("item",)

    def __init__(self, item: Condition):
        self.item = item

    def compile(self) -> Callable[[Facts], Result]:
        inner = self.item.compile()

        def evaluate(facts: Facts) -> Result:
            value, evidence = inner(facts)
            return (None if value is None else not value), evidence

        return evaluate

    def describe(self) -> str:
        return f"not {_wrap(self.item)}"

    def questions(self) -> set[str]:
        return self.item.questions()

    def explain(self, facts: Facts, depth: int = 0) -> list[tuple[int, str, bool | None]]:
        return [(depth, "not:", self.compile()(facts)[0]), *self.item.explain(facts, depth + 1)]


def _numeric_test(op: str, value: Any) -> Callable[[Any], bool]:
    if op == "gt":
        return lambda answer: answer > value
    if op == "gte":
        return lambda answer: answer >= value
    if op == "lt":
        return lambda answer: answer < value
    if op == "lte":
        return lambda answer: answer <= value
    low, high = value
    return lambda answer: low <= answer <= high


class Test(Condition):
    """One test on one answer: `{question: ID, OP: VALUE}`."""

    __slots__ = ("op", "question", "value")

    def __init__(self, question: str, op: str, value: Any):
        self.question = question
        self.op = op
        self.value = value

    def compile(self) -> Callable[[Facts], Result]:
        question, op, value = self.question, self.op, self.value
        if op == "answered":

            def answered(facts: Facts) -> Result:
                return (question in facts.answers) is value, ()

            return answered
        if op == "classes_any":
            wanted = frozenset(value)

            def classes_any(facts: Facts) -> Result:
                if question not in facts.answers:
                    return None, ()
                medicines = facts.medicines
                if not medicines:
                    return False, ()
                hits = tuple(
                    (question, med.input) for med in medicines if not wanted.isdisjoint(med.classes)
                )
                return bool(hits), hits

            return classes_any
        if op == "contains_any":
            wanted = frozenset(value)

            def contains_any(facts: Facts) -> Result:
                answer = facts.answers.get(question)
                if answer is None:
                    return None, ()
                if not answer or wanted.isdisjoint(answer):
                    return False, ()
                return True, tuple([(question, item) for item in answer if item in wanted])

            return contains_any
        if op == "equals":
            check: Callable[[Any], bool] = lambda answer: answer == value  # noqa: E731
        elif op == "in":
            allowed = tuple(value)
            check = lambda answer: answer in allowed  # noqa: E731
        elif op == "not_in":
            refused = tuple(value)
            check = lambda answer: answer not in refused  # noqa: E731
        else:
            check = _numeric_test(op, value)

        def scalar(facts: Facts) -> Result:
            answer = facts.answers.get(question)
            if answer is None:
                return None, ()
            return bool(check(answer)), ((question, answer),)

        return scalar

    def describe(self) -> str:
        q, v = plain(self.question), self.value
        words = {
            "equals": lambda: f"{q} is {plain(v)}",
            "in": lambda: f"{q} is {' or '.join(plain(x) for x in v)}",
            "not_in": lambda: f"{q} is not {' or '.join(plain(x) for x in v)}",
            "contains_any": lambda: f"{q} include {' or '.join(plain(x) for x in v)}",
            "classes_any": lambda: f"{q} include a {' or '.join(plain(x) for x in v)}",
            "gt": lambda: f"{q} is more than {v}",
            "gte": lambda: f"{q} is at least {v}",
            "lt": lambda: f"{q} is less than {v}",
            "lte": lambda: f"{q} is at most {v}",
            "between": lambda: f"{q} is from {v[0]} to {v[1]}",
            "answered": lambda: f"{q} is {'answered' if v else 'not answered'}",
        }
        return words[self.op]()

    def questions(self) -> set[str]:
        return {self.question}

    def explain(self, facts: Facts, depth: int = 0) -> list[tuple[int, str, bool | None]]:
        return [(depth, self.describe(), self.compile()(facts)[0])]


# --------------------------------------------------------------------------- parsing


def parse(
    data: Any,
    questions: Mapping[str, QuestionInfo],
    medicine_classes: Iterable[str],
) -> Condition:
    """Check one condition against the declared questions and build its tree.

    Raises ConditionProblem naming the place of the first mistake in this condition.
    """
    classes = frozenset(medicine_classes)
    return _parse(data, None, None, questions, classes)


# all/any/not nested deeper than this is refused: no rule needs it, and evaluating, explaining
# and describing a condition all recurse (a RecursionError is no error message).
MAX_CONDITION_DEPTH = 16


def _parse(
    data: Any,
    parent: Any,
    key: Any,
    questions: Mapping[str, QuestionInfo],
    classes: frozenset[str],
    depth: int = 1,
) -> Condition:
    if depth > MAX_CONDITION_DEPTH:
        raise ConditionProblem(
            f"conditions nest more than {MAX_CONDITION_DEPTH} levels deep", parent, key
        )
    if not isinstance(data, dict) or not data:
        raise ConditionProblem(
            "a condition is a mapping: all, any, not, or {question: ID, OP: VALUE}", parent, key
        )
    combinators = [k for k in data if k in COMBINATORS]
    if combinators:
        if len(data) != 1:
            extra = next(k for k in data if k != combinators[0])
            raise ConditionProblem(
                f"'{combinators[0]}' stands alone; unexpected key '{extra}'", data, extra
            )
        name = combinators[0]
        body = data[name]
        if name == "not":
            return Not(_parse(body, data, name, questions, classes, depth + 1))
        if not isinstance(body, list) or not body:
            raise ConditionProblem(f"'{name}' takes a non-empty list of conditions", data, name)
        items = tuple(
            _parse(item, body, i, questions, classes, depth + 1) for i, item in enumerate(body)
        )
        return All(items) if name == "all" else Any_(items)
    return _parse_test(data, questions, classes)


def _parse_test(
    data: dict, questions: Mapping[str, QuestionInfo], classes: frozenset[str]
) -> Condition:
    for k in data:
        if k != "question" and k not in OPERATORS:
            hint = did_you_mean(k, ("question", *OPERATORS, *COMBINATORS))
            raise ConditionProblem(f"unknown key '{k}' in a condition{hint}", data, k)
    if "question" not in data:
        raise ConditionProblem("a test names its question: {question: ID, OP: VALUE}", data)
    qid = data["question"]
    if qid not in questions:
        hint = did_you_mean(qid, questions)
        raise ConditionProblem(f"unknown question '{qid}'{hint}", data, "question")
    ops = [k for k in data if k != "question"]
    if len(ops) != 1:
        raise ConditionProblem(
            f"a test on '{qid}' needs exactly one operator ({', '.join(OPERATORS)})", data
        )
    op = ops[0]
    question = questions[qid]
    if op not in OPS_FOR_TYPE[question.type]:
        allowed = ", ".join(OPS_FOR_TYPE[question.type])
        raise ConditionProblem(
            f"'{op}' does not apply to '{qid}' ({question.type}); use one of {allowed}", data, op
        )
    value = _check_value(op, data[op], question, classes, data)
    return Test(qid, op, value)


def _check_value(
    op: str, value: Any, question: QuestionInfo, classes: frozenset[str], data: dict
) -> Any:
    qid = question.id

    def fail(message: str) -> ConditionProblem:
        return ConditionProblem(message, data, op)

    def is_number(x: Any) -> bool:
        return isinstance(x, int | float) and not isinstance(x, bool)

    def check_scalar(x: Any) -> Any:
        if question.type == "boolean":
            if not isinstance(x, bool):
                raise fail(f"'{qid}' is yes/no: compare with true or false, not {x!r}")
        elif question.type in NUMERIC_TYPES:
            if not is_number(x):
                raise fail(f"'{qid}' is a number: {x!r} is not one")
        elif x not in question.choice_values:
            hint = did_you_mean(x, question.choice_values)
            raise fail(f"'{x}' is not a value of '{qid}'{hint}")
        return x

    if op == "answered":
        if not isinstance(value, bool):
            raise fail("'answered' takes true or false")
        return value
    if op == "equals":
        return check_scalar(value)
    if op in ("in", "not_in", "contains_any", "classes_any"):
        if not isinstance(value, list) or not value:
            raise fail(f"'{op}' takes a non-empty list")
        if op == "classes_any":
            for x in value:
                if x not in classes:
                    raise fail(f"unknown medicine class '{x}'{did_you_mean(x, classes)}")
        elif op == "contains_any":
            for x in value:
                if x not in question.choice_values:
                    hint = did_you_mean(x, question.choice_values)
                    raise fail(f"'{x}' is not a value of '{qid}'{hint}")
        else:
            for x in value:
                check_scalar(x)
        return tuple(value)
    if op == "between":
        if not (isinstance(value, list) and len(value) == 2 and all(map(is_number, value))):
            raise fail("'between' takes [low, high], two numbers")
        if value[0] > value[1]:
            raise fail("'between' takes [low, high] with low <= high")
        return tuple(value)
    if not is_number(value):
        raise fail(f"'{op}' takes a number, not {value!r}")
    return value
