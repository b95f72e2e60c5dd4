"""The knowledge model: plain frozen objects built from validated rules data, with every
condition compiled once into callables. Pure: no I/O (knowledge/loader.py reads the file).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from .conditions import Condition, Facts, Result, parse
from .medicines import Affix, Component, MedicineDictionary, Product
from .region import Region, build_regions

# --------------------------------------------------------------------------- the model


class Choice(NamedTuple):
    value: Any
    label: str


class Question(NamedTuple):
    id: str
    type: str
    prompt: str
    help: str
    flag: str
    choices: tuple[Choice, ...]
    min: float | None
    max: float | None
    exclusive_min: bool
    required: bool
    warning_signs: bool
    applies_when: Condition | None
    drink_units: Mapping[str, float]
    applies_check: Callable[[Facts], Result] | None = None
    ask_check: Callable[[Facts], Result] | None = None

    @property
    def choice_values(self) -> tuple[Any, ...]:
        return tuple(c.value for c in self.choices)

    def label_of(self, value: Any) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return str(value)

    def applies(self, facts: Facts) -> bool:
        """True unless the question's condition is false for these answers."""
        if self.applies_check is None:
            return True
        return self.applies_check(facts)[0] is not False

    def asks(self, facts: Facts) -> bool:
        """Whether the interview asks it: it applies, and its `ask_when` is not false.

        `ask_when` spares a person questions that are not theirs to answer (alcohol for a
        child) without discarding an answer a file or flag gives.
        """
        if not self.applies(facts):
            return False
        return self.ask_check is None or self.ask_check(facts)[0] is not False


class Tip(NamedTuple):
    id: str
    title: str
    text: str
    evidence: str
    safe_with_red_flags: bool
    unless: Condition | None
    references: tuple[str, ...]
    unless_check: Callable[[Facts], Result] | None = None


class TextItem(NamedTuple):
    """A caution or see-doctor item. `unless` withholds it; `reassures` marks reassurance,
    which the engine withholds beside a red flag or unchecked warning signs (contract 5.4)."""

    id: str
    text: str
    references: tuple[str, ...]
    title: str | None = None
    reassures: bool = False
    unless_check: Callable[[Facts], Result] | None = None


class TriageWhen(NamedTuple):
    level: str
    when: Condition
    check: Callable[[Facts], Result]


class Rule(NamedTuple):
    id: str
    kind: str  # cause | red_flag | advice
    title: str
    explanation: str | None
    advice: str | None
    when: Condition | None
    fallback: bool
    likelihood: str | None
    score: float | None
    calls_for_doctor: bool
    triage: str | None
    triage_when: tuple[TriageWhen, ...]
    self_care: tuple[str, ...]
    cautions: tuple[str, ...]
    see_doctor: tuple[str, ...]
    tests: tuple[str, ...]
    references: tuple[str, ...]
    cases_fire: tuple[Mapping[str, Any], ...]
    cases_quiet: tuple[Mapping[str, Any], ...]
    check: Callable[[Facts], Result] | None = None
    drug_classes: frozenset[str] = frozenset()
    reassurance: str | None = None
    summary: str | None = None
    unless_flags: tuple[str, ...] = ()


class KnowledgeBase(NamedTuple):
    path: str
    sha256: str
    version: str
    disclaimer: str
    emergency_numbers: str
    triage_summaries: Mapping[str, str]
    children_under_age: int
    children_see_doctor: str
    references: Mapping[str, str]
    medicine_classes: Mapping[str, Mapping[str, Any]]
    medicines: MedicineDictionary
    questions: tuple[Question, ...]
    tests: Mapping[str, str]
    self_care: Mapping[str, Tip]
    cautions: Mapping[str, TextItem]
    see_doctor: Mapping[str, TextItem]
    general: Mapping[str, tuple[str, ...]]
    rules: tuple[Rule, ...]
    data: Mapping[str, Any]
    question_by_id: Mapping[str, Question]
    # The fixed parts of the assessment, built once so each assessment only assembles them.
    item_json: Mapping[str, Mapping[str, dict[str, Any]]]
    citations: Mapping[str, list[str]]
    regions: Mapping[str, Region] = {}
    default_region: str | None = None
    # The region whose words the texts above are already in (engine/region.in_words_of), or
    # None for the texts as written.
    words_of: Region | None = None

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


# --------------------------------------------------------------------------- building


def _compiled(condition: Condition | None) -> Callable[[Facts], Result] | None:
    return condition.compile() if condition is not None else None


def _classes_in(condition: Condition | None) -> frozenset[str]:
    """Medicine classes a condition tests, so a cause can name the drugs behind it."""
    from .conditions import All, Any_, Not, Test

    if condition is None:
        return frozenset()
    if isinstance(condition, Test):
        return frozenset(condition.value) if condition.op == "classes_any" else frozenset()
    if isinstance(condition, Not):
        return frozenset()  # a medicine that must be absent did not make the rule fire
    assert isinstance(condition, All | Any_)
    return frozenset().union(*(_classes_in(item) for item in condition.items))


def build_medicines(data: Mapping[str, Any]) -> MedicineDictionary:
    """The medicine index from the validated data: one (name, Product) row per name.

    Cheap on purpose (a dict of a few thousand keys): it runs on every start-up from the
    cached JSON, so nothing here may compute distances or sort.
    """
    classes_of = {m["generic"]: tuple(m["classes"]) for m in data["medicines"]}

    def parts(generics: list[str]) -> tuple[Component, ...]:
        return tuple(Component(g, classes_of.get(g, ())) for g in generics)

    rows: list[tuple[str, Product]] = []
    for m in data["medicines"]:
        generic = m["generic"]
        components: tuple[Component, ...] = (Component(generic, classes_of[generic]),)
        rows.append((generic, Product(generic, "exact", components)))
        rows += [(alias, Product(alias, "exact", components)) for alias in m["aliases"]]
        rows += [(brand, Product(brand, "brand", components)) for brand in m["brands"]]
    for combo in data["combinations"]:
        components = parts(combo["generics"])
        rows += [
            (name, Product(name, "brand", components))
            for name in (combo["name"], *combo["aliases"])
        ]
    for lay in data.get("lay_names", ()):
        if lay.get("group"):
            product = Product(lay["name"], "exact", (), lay["group"], tuple(lay["choices"]))
        elif lay.get("generics"):
            product = Product(lay["name"], "exact", parts(lay["generics"]))
        else:
            product = Product(
                lay["name"], "exact", (Component(lay["name"], tuple(lay["classes"])),)
            )
        rows += [(name, product) for name in (lay["name"], *lay["aliases"])]
    matching = data["medicine_matching"]
    affixes = [
        Affix(a["word"].lower(), a["position"], a["adds"], frozenset(a["applies_to"]))
        for a in matching.get("affixes", ())
    ]
    return MedicineDictionary(
        rows,
        [*matching["ignore_words"], *matching.get("makers", ())],
        list_words=matching.get("list_words", ("and", "with")),
        salts=matching.get("salts", ()),
        affixes=affixes,
        look_alikes=data.get("look_alikes", ()),
        fuzzy_min_length=matching["fuzzy_min_length"],
        fuzzy_long_from=matching.get("fuzzy_long_from", 10),
        max_length=matching.get("max_length", 200),
        classes_of=classes_of,
    )


def build(data: Mapping[str, Any], path: str, sha256: str) -> KnowledgeBase:
    """Turn validated data (knowledge/schema.py RulesFile dumped to JSON types) into the model.

    Conditions are parsed again here (cheap) so a cache hit compiles exactly what a fresh
    load would.
    """
    classes = list(data["medicine_classes"])
    questions: list[Question] = []
    for q in data["questions"]:
        questions.append(
            Question(
                id=q["id"],
                type=q["type"],
                prompt=q["prompt"],
                help=q["help"],
                flag=q["flag"],
                choices=tuple(Choice(c["value"], c["label"]) for c in q["choices"]),
                min=q["min"],
                max=q["max"],
                exclusive_min=q["exclusive_min"],
                required=q["required"],
                warning_signs=q["warning_signs"],
                applies_when=None,
                drink_units=dict(q.get("drink_units") or {}),
            )
        )
    by_id = {q.id: q for q in questions}
    for i, q in enumerate(data["questions"]):
        if q["applies_when"] is not None:
            condition = parse(q["applies_when"], by_id, classes)
            questions[i] = questions[i]._replace(
                applies_when=condition, applies_check=condition.compile()
            )
        if q.get("ask_when") is not None:
            asked = parse(q["ask_when"], by_id, classes)
            questions[i] = questions[i]._replace(ask_check=asked.compile())
    by_id = {q.id: q for q in questions}

    def cond(raw: Any) -> Condition | None:
        return parse(raw, by_id, classes) if raw is not None else None

    tips = {}
    for t in data["self_care"]:
        unless = cond(t["unless"])
        tips[t["id"]] = Tip(
            t["id"],
            t["title"],
            t["text"],
            t["evidence"],
            t["safe_with_red_flags"],
            unless,
            tuple(t["references"]),
            _compiled(unless),
        )
    rules = []
    for r in data["rules"]:
        when = cond(r["when"])
        rules.append(
            Rule(
                id=r["id"],
                kind=r["kind"],
                title=r["title"],
                explanation=r["explanation"],
                advice=r["advice"],
                when=when,
                fallback=r["fallback"],
                likelihood=r["likelihood"],
                score=r["score"],
                calls_for_doctor=r["calls_for_doctor"],
                triage=r["triage"],
                triage_when=tuple(
                    TriageWhen(tw["level"], c := parse(tw["when"], by_id, classes), c.compile())
                    for tw in r["triage_when"]
                ),
                self_care=tuple(r["self_care"]),
                cautions=tuple(r["cautions"]),
                see_doctor=tuple(r["see_doctor"]),
                tests=tuple(r["tests"]),
                references=tuple(r["references"]),
                cases_fire=tuple(r["cases"]["fires"]),
                cases_quiet=tuple(r["cases"]["does_not_fire"]),
                check=_compiled(when),
                drug_classes=_classes_in(when),
                reassurance=r.get("reassurance"),
                summary=r.get("summary"),
                unless_flags=tuple(r.get("unless_flags") or ()),
            )
        )

    regions, default_region = build_regions(data.get("regions"))

    def text_item(item: Mapping[str, Any]) -> TextItem:
        return TextItem(
            item["id"],
            item["text"],
            tuple(item["references"]),
            item.get("title"),
            bool(item.get("reassures")),
            _compiled(cond(item.get("unless"))),
        )

    return KnowledgeBase(
        path=path,
        sha256=sha256,
        version=data["version"],
        disclaimer=data["disclaimer"],
        emergency_numbers=data["emergency_numbers"],
        triage_summaries={k: v["summary"] for k, v in data["triage_levels"].items()},
        children_under_age=data["children"]["under_age"],
        children_see_doctor=data["children"]["see_doctor"],
        references=dict(data["references"]),
        medicine_classes=dict(data["medicine_classes"]),
        medicines=build_medicines(data),
        questions=tuple(questions),
        tests=dict(data["tests"]),
        self_care=tips,
        cautions={c["id"]: text_item(c) for c in data["cautions"]},
        see_doctor={c["id"]: text_item(c) for c in data["see_doctor"]},
        general={k: tuple(v) for k, v in data["general"].items()},
        rules=tuple(rules),
        data=data,
        question_by_id={q.id: q for q in questions},
        item_json=_item_json(data),
        citations={
            r["id"]: [data["references"][k] for k in r["references"]] for r in data["rules"]
        },
        regions=regions,
        default_region=default_region,
    )


def _item_json(data: Mapping[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Self-care, cautions and see-doctor items exactly as the assessment shows them."""
    refs = data["references"]
    items: dict[str, dict[str, dict[str, Any]]] = {
        "self_care": {},
        "cautions": {},
        "see_doctor": {},
    }
    for tip in data["self_care"]:
        items["self_care"][tip["id"]] = {
            "id": tip["id"],
            "title": tip["title"],
            "text": tip["text"],
            "evidence": tip["evidence"],
            "references": [refs[k] for k in tip["references"]],
        }
    for section in ("cautions", "see_doctor"):
        for item in data[section]:
            shown: dict[str, Any] = {"id": item["id"]}
            if section == "cautions":
                shown["title"] = item["title"]  # contract 5.5
            shown["text"] = item["text"]
            shown["references"] = [refs[k] for k in item["references"]]
            items[section][item["id"]] = shown
    return items
