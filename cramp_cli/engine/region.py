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
    from .model import KnowledgeBase

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
    pattern = re.compile("|".join(rf"(?<![\w]){re.escape(p)}(?![\w])" for p in ordered))

    # The texts come from the knowledge base, so a run meets the same few hundred again and
    # again; scanning each for every phrase cost more than the rest of an assessment together.
    # Bounded, because texts that quote a person's answers are not from a fixed set.
    @lru_cache(maxsize=4096)
    def rewrite(text: str) -> str:
        return pattern.sub(lambda m: phrases[m.group(0)], text)

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

    rules = tuple(
        rule._replace(
            title=rewrite(rule.title),
            explanation=said(rule.explanation),
            advice=said(rule.advice),
            reassurance=said(rule.reassurance),
            summary=said(rule.summary),
        )
        for rule in kb.rules
    )
    item_json = {
        section: {
            item_id: {
                key: (
                    rewrite(value)
                    if key in _READ[section]
                    and isinstance(value, str)
                    and ANSWERS_PLACEHOLDER not in value
                    else value
                )
                for key, value in item.items()
            }
            for item_id, item in items.items()
        }
        for section, items in kb.item_json.items()
    }
    return kb._replace(
        rules=rules,
        item_json=item_json,
        triage_summaries={level: rewrite(text) for level, text in kb.triage_summaries.items()},
        disclaimer=rewrite(kb.disclaimer),
        words_of=region,
    )
