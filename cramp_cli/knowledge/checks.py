"""Every check of a rules file, each problem reported as `file:line:col: rule 'ID': message`.

Runs when a rules file is not in the cache and for `cramps rules validate`: strict YAML, the
pydantic models, cross-references and the contract's ids, conditions, example cases as answers,
and the safety rules. It collects every problem it can rather than stopping at the first, so a
person editing the file sees them all at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, get_args, get_origin

from .. import contract
from ..engine.conditions import ConditionProblem, parse
from ..engine.conditions import did_you_mean as _did_you_mean
from ..errors import AnswersError, Problem
from .yaml_strict import YamlProblem, load_strict, mark_of

# Suggestions cost a fuzzy comparison with every option: a file with thousands of unknown
# names would take quadratic time. The first ones help a person; after that, none.
MAX_HINTS = 50
_hints_left = [MAX_HINTS]


def did_you_mean(word: Any, options: Iterable[Any]) -> str:
    """conditions.did_you_mean, for the first MAX_HINTS problems of a file, on short words."""
    if _hints_left[0] <= 0 or len(str(word)) > 64:
        return ""
    _hints_left[0] -= 1
    return _did_you_mean(word, options)


def _non_finite(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths of infinite or NaN numbers: no bound, score or unit may be one (JSON has none)."""
    import math

    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            yield where
        elif isinstance(item, dict):
            stack.extend((v, (*where, k)) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, (*where, i)) for i, v in enumerate(item))


class _Collector:
    """Collects problems, finding the line and column of each from the marked YAML tree."""

    def __init__(self, name: str, doc: Any):
        self.name = name
        self.doc = doc
        self.problems: list[Problem] = []

    def rule_id(self, path: Sequence[Any]) -> str | None:
        if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
            try:
                rule = self.doc["rules"][path[1]]
                return str(rule.get("id")) if isinstance(rule, dict) else None
            except (KeyError, IndexError, TypeError):
                return None
        return None

    def locate(self, path: Sequence[Any]) -> tuple[int | None, int | None]:
        node, best = self.doc, mark_of(self.doc)
        for key in path:
            try:
                mark = mark_of(node, key)
                node = node[key]
            except (KeyError, IndexError, TypeError):
                break
            best = mark or best
        return best if best else (None, None)

    def add(self, path: Sequence[Any], message: str, rule: str | None = None) -> None:
        line, column = self.locate(path)
        self.problems.append(Problem(self.name, line, column, message, rule or self.rule_id(path)))

    def add_at(self, container: Any, key: Any, message: str, rule: str | None) -> None:
        mark = mark_of(container, key) or mark_of(container)
        line, column = mark if mark else (None, None)
        self.problems.append(Problem(self.name, line, column, message, rule))


def check_all(raw: bytes, name: str) -> tuple[dict[str, Any], list[Problem]]:
    """Validate a rules file; return its data (JSON types, defaults filled) and the problems."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return {}, [Problem(name, None, None, f"not UTF-8 text ({error.reason})")]
    try:
        doc = load_strict(text)
    except YamlProblem as error:
        return {}, [Problem(name, error.line, error.column, error.message)]
    _hints_left[0] = MAX_HINTS
    out = _Collector(name, doc)
    if not isinstance(doc, dict):
        out.add((), "the file must be a mapping (format:, version:, questions:, rules: ...)")
        return {}, out.problems
    data = _check_schema(doc, out)
    if out.problems:
        return {}, out.problems
    for path in sorted(_non_finite(data), key=str):
        out.add(path, "write a finite number here (not .inf or .nan)")
    if out.problems:
        return {}, out.problems
    _check_references(data, out)
    _check_contract(data, out)
    _check_questions(data, out)
    _check_rules(data, out)
    if out.problems:
        return {}, out.problems
    _check_regions(data, out)
    if out.problems:
        return {}, out.problems
    _check_conditions(doc, data, out)
    if out.problems:
        return {}, out.problems
    _check_cases_and_safety(data, out)
    return (data if not out.problems else {}), out.problems


# --------------------------------------------------------------------------- schema


def _fields_at(model: Any, path: Sequence[Any]) -> list[str]:
    """The field names of the model found at `path`, for a did-you-mean."""
    from pydantic import BaseModel

    current: Any = model
    for key in path:
        while get_origin(current) is not None or get_args(current):
            args = [a for a in get_args(current) if a is not type(None)]
            if get_origin(current) is dict:
                current = args[-1]
                break
            if get_origin(current) is list:
                current = args[0]
                break
            if not args:
                break
            current = args[0]
        if isinstance(key, int):
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(key)
            if info is None:
                return []
            current = info.annotation
    while get_args(current) and not (isinstance(current, type)):
        args = [a for a in get_args(current) if a is not type(None)]
        current = args[-1] if get_origin(current) is dict else args[0]
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _check_schema(doc: dict, out: _Collector) -> dict[str, Any]:
    from pydantic import ValidationError

    from .schema import RulesFile

    try:
        model = RulesFile.model_validate(doc)
    except ValidationError as error:
        for item in error.errors(include_url=False):
            loc = tuple(item["loc"])
            if item["type"] == "extra_forbidden":
                hint = did_you_mean(loc[-1], _fields_at(RulesFile, loc[:-1]))
                message = f"unknown field '{loc[-1]}'{hint}"
            elif item["type"] == "missing":
                message = f"missing field '{loc[-1]}'"
            else:
                where = ".".join(str(p) for p in loc if not isinstance(p, int))
                message = f"{where}: {item['msg']}"
                if "input" in item and not isinstance(item["input"], dict | list):
                    message += f" (got {item['input']!r})"
            out.add(loc, message)
        return {}
    return model.model_dump(mode="json")


# --------------------------------------------------------------------------- cross-references


def _duplicates(items: Iterable[tuple[Any, str]], what: str, out: _Collector) -> None:
    seen: set[str] = set()
    for path, item_id in items:
        if item_id in seen:
            out.add(path, f"duplicate {what} id '{item_id}'")
        seen.add(item_id)


def _check_references(data: dict, out: _Collector) -> None:
    known = set(data["references"])

    def refs(path: tuple, keys: list[str]) -> None:
        for i, key in enumerate(keys):
            if key not in known:
                out.add((*path, i), f"unknown reference '{key}'{did_you_mean(key, known)}")

    for cls, spec in data["medicine_classes"].items():
        refs(("medicine_classes", cls, "references"), spec["references"])
    for section in ("self_care", "cautions", "see_doctor"):
        for i, item in enumerate(data[section]):
            refs((section, i, "references"), item["references"])
    for i, rule in enumerate(data["rules"]):
        refs(("rules", i, "references"), rule["references"])
        if not rule["references"]:
            out.add(("rules", i, "references"), "a rule needs at least one reference")


def _check_contract(data: dict, out: _Collector) -> None:
    question_ids = [q["id"] for q in data["questions"]]
    for i, qid in enumerate(question_ids):
        if qid not in contract.QUESTION_IDS:
            hint = did_you_mean(qid, contract.QUESTION_IDS)
            out.add(("questions", i, "id"), f"'{qid}' is not a question of the contract{hint}")
    for qid in contract.QUESTION_IDS:
        if qid not in question_ids:
            out.add(("questions",), f"the contract's question '{qid}' is missing")
    rule_ids = {r["id"] for r in data["rules"]}
    for i, rule in enumerate(data["rules"]):
        expected = {"cause": contract.CAUSE_IDS, "red_flag": contract.RED_FLAG_IDS}.get(
            rule["kind"]
        )
        if expected is not None and rule["id"] not in expected:
            hint = did_you_mean(rule["id"], expected)
            out.add(
                ("rules", i, "id"),
                f"'{rule['id']}' is not a {rule['kind'].replace('_', ' ')} id of the "
                f"contract{hint}",
            )
    for rid in (*contract.CAUSE_IDS, *contract.RED_FLAG_IDS):
        if rid not in rule_ids:
            out.add(("rules",), f"no rule for the contract's id '{rid}'")
    for cls in contract.MEDICINE_CLASSES:
        if cls not in data["medicine_classes"]:
            out.add(("medicine_classes",), f"the contract's medicine class '{cls}' is missing")


def _check_number_choices(q: dict, i: int, out: _Collector) -> None:
    """A number question's choices are answers the interview offers: each a number the
    question accepts (a whole one for an integer question)."""
    low, high = q["min"], q["max"]
    for j, choice in enumerate(q["choices"]):
        value = choice["value"]
        where = ("questions", i, "choices", j, "value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            out.add(where, f"a choice of a {q['type']} question must be a number")
        elif q["type"] == "integer" and not float(value).is_integer():
            out.add(where, "a choice of an integer question must be a whole number")
        elif (low is not None and (value < low or (q["exclusive_min"] and value == low))) or (
            high is not None and value > high
        ):
            out.add(where, f"{value} is outside the question's bounds")


def _check_questions(data: dict, out: _Collector) -> None:
    _duplicates(
        ((("questions", i, "id"), q["id"]) for i, q in enumerate(data["questions"])),
        "question",
        out,
    )
    _duplicates(
        ((("questions", i, "flag"), q["flag"]) for i, q in enumerate(data["questions"])),
        "flag",
        out,
    )
    for i, q in enumerate(data["questions"]):
        has_choices = q["type"] in ("choice", "multi_choice")
        if has_choices and not q["choices"]:
            out.add(("questions", i, "type"), f"a {q['type']} question needs choices")
        if q["type"] in ("integer", "number"):
            _check_number_choices(q, i, out)  # ranges the interview offers
        elif not has_choices and q["choices"]:
            out.add(("questions", i, "choices"), f"a {q['type']} question takes no choices")
        if has_choices or q["choices"]:
            _duplicates(
                (
                    (("questions", i, "choices", j), str(c["value"]))
                    for j, c in enumerate(q["choices"])
                ),
                "choice",
                out,
            )
    _check_medicines(data, out)


def _check_medicines(data: dict, out: _Collector) -> None:
    """The medicine dictionary: known classes and generics, and no name given twice.

    Names are compared as the matcher looks them up ('Co-Diovan' and 'codiovan' are one
    name), so no name can map to two different products.
    """
    from ..engine.medicines import key_of

    classes = data["medicine_classes"]
    generics = {m["generic"] for m in data["medicines"]}
    names: dict[str, tuple[tuple, str]] = {}

    def name(path: tuple, text: str, product: str) -> None:
        key = key_of(text)
        if key in names and names[key][1] != product:
            out.add(
                path,
                f"the medicine name '{text}' is given twice: for {names[key][1]} and for {product}",
            )
        elif key in names:
            out.add(path, f"duplicate medicine name '{text}' (for {product})")
        names.setdefault(key, (path, product))

    def known_class(path: tuple, cls: str) -> None:
        if cls not in classes:
            out.add(path, f"unknown medicine class '{cls}'{did_you_mean(cls, classes)}")

    def known_generic(path: tuple, generic: str) -> None:
        if generic not in generics:
            out.add(path, f"unknown generic '{generic}'{did_you_mean(generic, generics)}")

    for i, m in enumerate(data["medicines"]):
        name(("medicines", i, "generic"), m["generic"], m["generic"])
        for key in ("brands", "aliases"):
            for j, text in enumerate(m[key]):
                name(("medicines", i, key, j), text, m["generic"])
        for j, cls in enumerate(m["classes"]):
            known_class(("medicines", i, "classes", j), cls)
    for i, combo in enumerate(data["combinations"]):
        product = " + ".join(combo["generics"])
        for j, text in enumerate([combo["name"], *combo["aliases"]]):
            name(("combinations", i, "name" if j == 0 else "aliases"), text, product)
        for j, generic in enumerate(combo["generics"]):
            known_generic(("combinations", i, "generics", j), generic)
    for i, lay in enumerate(data["lay_names"]):
        ways = [k for k in ("generics", "classes", "group") if lay[k]]
        if len(ways) != 1:
            out.add(
                ("lay_names", i, "name"),
                f"lay name '{lay['name']}' needs exactly one of generics, classes or group",
            )
        if bool(lay["group"]) != bool(lay["choices"]):
            out.add(("lay_names", i, "name"), "a lay name's group and choices go together")
        for j, generic in enumerate(lay["generics"]):
            known_generic(("lay_names", i, "generics", j), generic)
        for j, cls in enumerate(lay["classes"]):
            known_class(("lay_names", i, "classes", j), cls)
        for text in (lay["name"], *lay["aliases"]):
            name(("lay_names", i, "name"), text, f"the lay name '{lay['name']}'")
    for i, lay in enumerate(data["lay_names"]):
        for j, choice in enumerate(lay["choices"]):
            if key_of(choice) not in names:
                out.add(("lay_names", i, "choices", j), f"'{choice}' is not a medicine name")
    matching = data["medicine_matching"]
    for i, affix in enumerate(matching["affixes"]):
        known_generic(("medicine_matching", "affixes", i, "adds"), affix["adds"])
        for j, generic in enumerate(affix["applies_to"]):
            known_generic(("medicine_matching", "affixes", i, "applies_to", j), generic)
    for key in ("ignore_words", "makers", "list_words"):
        for j, word in enumerate(matching[key]):
            if key_of(word) in names:
                out.add(
                    ("medicine_matching", key, j),
                    f"'{word}' is a medicine name; a word set aside must not be one",
                )
    for i, pair in enumerate(data["look_alikes"]):
        products = []
        for j, text in enumerate(pair):
            if key_of(text) not in names:
                out.add(("look_alikes", i, j), f"look-alike '{text}' is not a medicine name")
            else:
                products.append(names[key_of(text)][1])
        if len(pair) < 2 or len(set(products)) < len(products):
            out.add(("look_alikes", i), "a look-alike entry names two or more different medicines")


def _check_rules(data: dict, out: _Collector) -> None:
    rules = data["rules"]
    _duplicates(((("rules", i, "id"), r["id"]) for i, r in enumerate(rules)), "rule", out)
    for section in ("self_care", "cautions", "see_doctor"):
        _duplicates(
            ((((section, i, "id")), item["id"]) for i, item in enumerate(data[section])),
            section.replace("_", "-"),
            out,
        )
    known = {s: {item["id"] for item in data[s]} for s in ("self_care", "cautions", "see_doctor")}
    known["tests"] = set(data["tests"])

    def ids(path: tuple, section: str, values: list[str]) -> None:
        for j, value in enumerate(values):
            if value not in known[section]:
                hint = did_you_mean(value, known[section])
                out.add((*path, j), f"unknown {section.replace('_', '-')} id '{value}'{hint}")

    for section in ("self_care", "cautions", "see_doctor"):
        ids(("general", section), section, data["general"][section])
    if data["children"]["see_doctor"] not in known["see_doctor"]:
        out.add(
            ("children", "see_doctor"), f"unknown see-doctor id '{data['children']['see_doctor']}'"
        )
    for item_id in (contract.SYMPTOM_NEEDS_DOCTOR, contract.WARNING_SIGNS_NOT_CHECKED):
        if item_id not in known["see_doctor"]:
            out.add(
                ("see_doctor",),
                f"the safety net needs a see-doctor item '{item_id}' (contract 5.2, 5.3)",
            )
    for i, item in enumerate(data["see_doctor"]):
        if "{" in item["text"].replace(contract.ANSWERS_PLACEHOLDER, ""):
            out.add(
                ("see_doctor", i, "text"),
                "the only placeholder a see-doctor text may hold "
                f"is {contract.ANSWERS_PLACEHOLDER}",
            )
    red_flags = {r["id"] for r in rules if r["kind"] == "red_flag"}
    fallbacks = [r for r in rules if r["fallback"]]
    if len(fallbacks) != 1 or fallbacks[0]["id"] != contract.FALLBACK_CAUSE:
        out.add(("rules",), f"exactly one rule, '{contract.FALLBACK_CAUSE}', is the fallback")
    for i, r in enumerate(rules):
        for section in ("self_care", "cautions", "see_doctor", "tests"):
            ids(("rules", i, section), section, r[section])
        need: list[str] = []
        if r["fallback"]:
            if r["when"] is not None:
                out.add(("rules", i, "when"), "the fallback rule has no 'when'")
        elif r["when"] is None:
            need.append("when")
        if r["kind"] == "cause":
            need += [k for k in ("explanation", "likelihood", "score") if r[k] is None]
        if r["kind"] == "red_flag":
            need += [k for k in ("advice", "triage") if r[k] is None]
        elif r["triage"] is not None or r["triage_when"]:
            out.add(("rules", i, "triage"), "only red flags have a triage level")
        for key in ("summary", "unless_flags"):
            if r[key] and r["kind"] != "red_flag":
                out.add(("rules", i, key), f"only red flags have '{key}'")
        if r["reassurance"] is not None and r["kind"] != "cause":
            out.add(("rules", i, "reassurance"), "only causes have a 'reassurance'")
        for j, flag in enumerate(r["unless_flags"]):
            if flag not in red_flags or flag == r["id"]:
                hint = did_you_mean(flag, red_flags)
                out.add(
                    ("rules", i, "unless_flags", j),
                    f"'{flag}' is not another red flag of this file{hint}",
                )
        for key in need:
            out.add(("rules", i, "id"), f"a {r['kind'].replace('_', ' ')} needs '{key}'")
        if not r["cases"]["fires"]:
            out.add(("rules", i, "cases"), "needs at least one 'fires' case")
        if not r["cases"]["does_not_fire"]:
            out.add(("rules", i, "cases"), "needs at least one 'does_not_fire' case")


def _person_texts(data: dict) -> Iterator[tuple[tuple, str]]:
    """Every text of the file that a person reads, with where it is (citations excluded)."""
    yield ("disclaimer",), data["disclaimer"]
    yield ("emergency_numbers",), data["emergency_numbers"]
    for level, spec in data["triage_levels"].items():
        yield ("triage_levels", level, "summary"), spec["summary"]
    for section in ("self_care", "cautions", "see_doctor"):
        for i, item in enumerate(data[section]):
            for key in ("title", "text"):
                if item.get(key):
                    yield (section, i, key), item[key]
    for i, rule in enumerate(data["rules"]):
        for key in ("title", "explanation", "reassurance", "advice", "summary"):
            if rule.get(key):
                yield ("rules", i, key), rule[key]


def _check_regions(data: dict, out: _Collector) -> None:
    """Each region: a default that exists, and texts that, once rewritten, name the region's
    emergency number where the emergency advice is and none of its forbidden words."""
    from ..engine.region import build_regions

    spec = data.get("regions") or {}
    if not spec:
        return
    for code, value in spec.items():
        if code == "default":
            if not isinstance(value, str) or value not in spec or value == "default":
                out.add(("regions", "default"), f"default names no region of this file: {value!r}")
        elif isinstance(value, str):
            out.add(("regions", code), "a region is a mapping (name, emergency, phrases...)")
        elif not re.fullmatch(r"[a-z]{2,10}", code):
            out.add(("regions", code), f"region code '{code}' must be 2 to 10 lowercase letters")
    if "default" not in spec:
        out.add(("regions",), "regions need a 'default'")
    if out.problems:
        return
    regions, _ = build_regions(spec)
    texts = list(_person_texts(data))
    emergency = data["triage_levels"]["emergency"]["summary"]
    for code, region in regions.items():
        summary = region.rewrite(emergency)
        missing = [n for n in region.emergency if n not in summary]
        if missing:
            out.add(
                ("regions", code, "emergency"),
                f"region '{code}': the emergency summary, "
                f"rewritten, does not name {', '.join(missing)}",
            )
        for word in region.must_not_say:
            pattern = re.compile(rf"(?<![\w]){re.escape(word)}(?![\w])")
            for where, text in texts:
                if pattern.search(region.rewrite(text)):
                    out.add(
                        where,
                        f"region '{code}' would still say '{word}' here; add a "
                        "phrase to its rewrites",
                    )


def _check_conditions(doc: dict, data: dict, out: _Collector) -> None:
    from ..engine.model import build

    try:
        kb_questions = build(_without_conditions(data), out.name, "").question_by_id
    except Exception as error:
        out.add((), f"cannot build the questions: {error}")
        return
    classes = list(data["medicine_classes"])

    def check(path: tuple, rule: str | None) -> None:
        node: Any = doc
        for key in path:
            node = node[key]
        try:
            parse(node, kb_questions, classes)
        except ConditionProblem as problem:
            out.add_at(
                problem.container if problem.container is not None else node,
                problem.key,
                problem.message,
                rule,
            )

    for i, q in enumerate(data["questions"]):
        for key in ("applies_when", "ask_when"):
            if q[key] is not None:
                check(("questions", i, key), None)
    for section in ("self_care", "cautions", "see_doctor"):
        for i, item in enumerate(data[section]):
            if item["unless"] is not None:
                check((section, i, "unless"), None)
    for i, r in enumerate(data["rules"]):
        if r["when"] is not None:
            check(("rules", i, "when"), r["id"])
        for j, _ in enumerate(r["triage_when"]):
            check(("rules", i, "triage_when", j, "when"), r["id"])


def _without_conditions(data: dict) -> dict:
    """A copy whose conditions are dropped, to build the questions before checking conditions."""
    stripped = dict(data)
    stripped["questions"] = [
        {**q, "applies_when": None, "ask_when": None} for q in data["questions"]
    ]
    for section in ("self_care", "cautions", "see_doctor"):
        stripped[section] = [{**item, "unless": None} for item in data[section]]
    stripped["rules"] = [{**r, "when": None, "triage_when": []} for r in data["rules"]]
    return stripped


def _check_cases_and_safety(data: dict, out: _Collector) -> None:
    from ..engine.answers import normalise
    from ..engine.model import build
    from .safety import check_knowledge

    kb = build(data, out.name, "")
    for i, rule in enumerate(data["rules"]):
        for kind in ("fires", "does_not_fire"):
            for j, case in enumerate(rule["cases"][kind]):
                try:
                    answers = normalise(case, kb)
                except AnswersError as error:
                    out.add(("rules", i, "cases", kind, j), f"case: {error}")
                    continue
                if "age" not in answers.values:
                    out.add(("rules", i, "cases", kind, j), "case: every case answers 'age'")
    for where, rule_id, message in check_knowledge(kb):
        out.add(where, message, rule_id)
