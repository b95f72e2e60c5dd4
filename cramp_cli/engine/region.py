"""Regions: the emergency numbers and health services of the reader's country.

The knowledge base writes every text once (UK services, the common emergency numbers) and each
region lists phrases to rewrite. Rewriting is whole-word, longest phrase first, in one pass, so
a replacement is never rewritten again. It touches only what a person reads: citations stay as
published. Pure: the caller decides the region (flag, environment, locale).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from ..contract import ANSWERS_PLACEHOLDER

if TYPE_CHECKING:
    from .model import KnowledgeBase, Rule

# Assessment sections and the fields of their items that a person reads (the rest, ids and
# citations, stay as published).
_READ = {
    "red_flags": ("title", "advice"),
    "causes": ("title", "explanation"),
    "self_care": ("title", "text"),
    "cautions": ("title", "text"),
    "see_doctor": ("text",),
}


class Region(NamedTuple):
    code: str
    name: str
    emergency: tuple[str, ...]
    locales: tuple[str, ...]
    must_not_say: tuple[str, ...]
    rewrite: Callable[[str], str]


def _rewriter(phrases: Mapping[str, str]) -> Callable[[str], str]:
    if not phrases:
        return lambda text: text
    ordered = sorted(phrases, key=len, reverse=True)
    compiled: list[re.Pattern[str]] = []  # compiled on first need: most runs use one region

    # The texts come from the knowledge base, so a run meets the same few hundred again and
    # again; scanning each for every phrase cost more than the rest of an assessment together.
    # Bounded, because texts that quote a person's answers are not from a fixed set. Most texts
    # hold no phrase at all, which a plain substring test tells far faster than the pattern.
    @lru_cache(maxsize=4096)
    def rewrite(text: str) -> str:
        if not any(phrase in text for phrase in ordered):
            return text
        if not compiled:
            # One lookaround around the group, not one per phrase: the same matches
            # (longest phrase first at each place), several times faster to search.
            alternatives = "|".join(re.escape(p) for p in ordered)
            compiled.append(re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"))
        return compiled[0].sub(lambda m: phrases[m.group(0)], text)

    return rewrite


def build_regions(data: Mapping[str, Any] | None) -> tuple[dict[str, Region], str | None]:
    """The regions of a rules file and the default one (None when the file has none)."""
    if not data:
        return {}, None
    regions = {
        code: Region(
            code,
            spec["name"],
            tuple(spec["emergency"]),
            tuple(spec["locales"]),
            tuple(spec.get("must_not_say") or ()),
            _rewriter(spec.get("phrases") or {}),
        )
        for code, spec in data.items()
        if code != "default"
    }
    return regions, data["default"]


def region_for_locale(regions: Mapping[str, Region], default: str, locale: str | None) -> str:
    """The region whose countries include the locale's ("en_AU.UTF-8" -> au), else default."""
    if locale:
        match = re.match(r"^[A-Za-z]{2,3}[_-]([A-Za-z]{2})\b", locale)
        if match:
            country = match.group(1).upper()
            for code, region in regions.items():
                if country in region.locales:
                    return code
    return default


def in_words_of(kb: KnowledgeBase, region: Region) -> KnowledgeBase:
    """The knowledge base with every text a person reads already in the region's words.

    An assessment is assembled from these texts, so rewriting them once per run, rather than
    every document's copy of them, makes an assessment in a region cost what one as written
    does. Citations stay as published. A text with a placeholder is kept as written: it is
    rewritten once filled (`words_of`), so a phrase is never rewritten twice.
    """
    rewrite = region.rewrite

    def said(text: str | None) -> str | None:
        return None if text is None else rewrite(text)

    def rule_in_words(rule: Rule) -> Rule:
        texts = (rule.title, rule.explanation, rule.advice, rule.reassurance, rule.summary)
        new = [said(text) for text in texts]
        if all(a is b for a, b in zip(new, texts, strict=True)):
            return rule  # nothing to reword (rewrite returns the text itself)
        title, explanation, advice, reassurance, summary = new
        assert title is not None
        return rule._replace(
            title=title,
            explanation=explanation,
            advice=advice,
            reassurance=reassurance,
            summary=summary,
        )

    def item_in_words(section: str, item: dict[str, Any]) -> dict[str, Any]:
        fields = _READ[section]
        new = {
            key: (
                rewrite(value)
                if key in fields and isinstance(value, str) and ANSWERS_PLACEHOLDER not in value
                else value
            )
            for key, value in item.items()
        }
        return item if all(new[k] is v for k, v in item.items()) else new

    rules = tuple(rule_in_words(rule) for rule in kb.rules)
    item_json = {
        section: {item_id: item_in_words(section, item) for item_id, item in items.items()}
        for section, items in kb.item_json.items()
    }
    return kb._replace(
        rules=rules,
        item_json=item_json,
        triage_summaries={level: rewrite(text) for level, text in kb.triage_summaries.items()},
        disclaimer=rewrite(kb.disclaimer),
        words_of=region,
    )
