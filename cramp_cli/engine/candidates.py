"""Which rules could fire for these answers, found from the answers rather than by trying all.

A rule fires only when its condition is true, and a condition can be true only if some answer
it reads is there: `symptoms include dark_urine` needs `dark_urine` among the symptoms,
`age > 50` needs an age, `medications include a statin` a medicine of that class. So each
rule gets, once per knowledge base, a set of *triggers* that its condition cannot be true
without (one of them must be present), and the engine evaluates only the rules that one of
the person's answers triggers: about a tenth of them on typical intake forms. The order of
rules, and so of the assessment, is unchanged.

A trigger is ("answered", QUESTION), ("value", QUESTION, ELEMENT) for an element of a list
answer, or ("class", MEDICINE_CLASS). A condition whose truth does not need any answer (a test
that a question is *not* answered, a `not`) has no triggers: its rule is always evaluated.
The shortcut is exact for what the engine asks, "is it true?"; `cramps why`, which tells
false from unknown, still evaluates the rule itself.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

from .by_identity import ByIdentity
from .conditions import All, Any_, Condition, Facts, Test

if TYPE_CHECKING:
    from .model import KnowledgeBase, Rule

Trigger = tuple[Hashable, ...]


def triggers(condition: Condition) -> frozenset[Trigger] | None:
    """Answers one of which the condition needs in order to be true; None when it needs none."""
    if isinstance(condition, Test):
        if condition.op == "answered":
            return None  # `answered: false` is true with nothing answered
        if condition.op == "contains_any":
            return frozenset(("value", condition.question, v) for v in condition.value)
        if condition.op == "classes_any":
            return frozenset(("class", c) for c in condition.value)
        return frozenset({("answered", condition.question)})
    if isinstance(condition, Any_):
        union: set[Trigger] = set()
        for item in condition.items:
            found = triggers(item)
            if found is None:
                return None  # this part may be true with none of the others' triggers
            union |= found
        return frozenset(union)
    if isinstance(condition, All):
        # Every part must be true, so the triggers of any one part will do: take the fewest.
        options = [t for t in (triggers(item) for item in condition.items) if t is not None]
        return min(options, key=len) if options else None
    return None  # `not`: true when its part is false, which needs no answer


class RuleIndex:
    """The rules of one knowledge base by trigger, built once."""

    __slots__ = ("always", "by_trigger", "rules")

    def __init__(self, rules: tuple[Rule, ...]):
        self.rules = rules
        self.always: list[int] = []
        self.by_trigger: dict[Trigger, list[int]] = {}
        for position, rule in enumerate(rules):
            found = triggers(rule.when) if rule.when is not None else None
            if found is None:
                self.always.append(position)
                continue
            for trigger in found:
                self.by_trigger.setdefault(trigger, []).append(position)

    def candidates(self, facts: Facts) -> list[Rule]:
        """The rules, in knowledge-base order, that these answers could make fire."""
        by_trigger = self.by_trigger
        chosen = set(self.always)
        for question, answer in facts.answers.items():
            hit = by_trigger.get(("answered", question))
            if hit:
                chosen.update(hit)
            if type(answer) is list:
                for element in answer:
                    try:
                        hit = by_trigger.get(("value", question, element))
                    except TypeError:  # an unhashable element cannot equal a declared value
                        continue
                    if hit:
                        chosen.update(hit)
        for medicine in facts.medicines:
            for cls in medicine.classes:
                hit = by_trigger.get(("class", cls))
                if hit:
                    chosen.update(hit)
        rules = self.rules
        return [rules[i] for i in sorted(chosen)]


# One index per rules tuple in use: a knowledge base's, and its regions' views' (region.py).
_index_of = ByIdentity(RuleIndex)


def candidate_rules(kb: KnowledgeBase, facts: Facts) -> list[Rule]:
    """kb.rules less those that cannot fire for these answers, in the same order."""
    return _index_of(kb.rules).candidates(facts)
