"""Regions: the emergency numbers and health services of the reader's country.

The knowledge base writes every text once (UK services, the common emergency numbers) and each
region lists phrases to rewrite. Rewriting is whole-word, longest phrase first, in one pass, so
a replacement is never rewritten again. It touches only what a person reads: citations stay as
published. Pure: the caller decides the region (flag, environment, locale).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

# Assessment sections and the fields of their items that a person reads.
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
    return lambda text: pattern.sub(lambda m: phrases[m.group(0)], text)


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


def localise(doc: dict[str, Any], region: Region) -> dict[str, Any]:
    """The assessment in the region's words, with `region` after `knowledge_base`."""
    rewrite = region.rewrite
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if key == "triage":
            value = {**value, "summary": rewrite(value["summary"])}
        elif key == "disclaimer":
            value = rewrite(value)
        elif key in _READ:
            fields = _READ[key]
            value = [
                {
                    k: (rewrite(v) if k in fields and isinstance(v, str) else v)
                    for k, v in item.items()
                }
                for item in value
            ]
        out[key] = value
        if key == "knowledge_base":
            out["region"] = region.code
    return out
