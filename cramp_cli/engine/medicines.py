"""Recognising medicine names: clean the text, then exact, brand and near-miss matching.

People type "Lipitor 40 mg", "naproxen 500mg bd" or "hydrochlorthiazide". The dictionary
(generics, brands, aliases, combination products, the words to ignore and the fuzzy
thresholds) comes from rules.yaml; this module only knows how to look things up. Every real
name is in the dictionary, so exact matching always wins before a near miss is considered:
quinapril stays quinapril and never becomes quinine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

_DOSE = re.compile(
    r"^(\d+([.,]\d+)?(/\d+([.,]\d+)?)*)(mg|mcg|µg|ug|g|ml|units?|iu|%|x)?$", re.IGNORECASE
)
_SPLIT = re.compile(r"[^\w\-]+", re.UNICODE)


def clean(text: str, ignore_words: frozenset[str] = frozenset()) -> str:
    """Lower-case a medicine name and drop doses, frequencies, salt and form words."""
    words = []
    for word in _SPLIT.split(text.lower()):
        word = word.strip("-_")
        if not word or _DOSE.match(word) or word in ignore_words:
            continue
        words.append(word)
    return " ".join(words)


class Component(NamedTuple):
    """One generic medicine inside what the person takes, with its classes."""

    generic: str
    classes: tuple[str, ...]


class MedicineMatch(NamedTuple):
    """What one input string was recognised as."""

    input: str
    match: str  # exact | brand | fuzzy | unknown
    name: str | None  # the dictionary name it matched
    components: tuple[Component, ...]

    @property
    def generics(self) -> tuple[str, ...]:
        return tuple(c.generic for c in self.components)

    @property
    def classes(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for component in self.components:
            for cls in component.classes:
                seen.setdefault(cls)
        return tuple(seen)

    def to_json(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "generics": list(self.generics),
            "classes": list(self.classes),
            "match": self.match,
        }


class _Entry(NamedTuple):
    name: str
    kind: str  # exact | brand
    generics: tuple[str, ...]


class MedicineDictionary:
    """The medicine names of a knowledge base, indexed for lookup."""

    def __init__(
        self,
        generics: Mapping[str, Sequence[str]],
        names: Iterable[tuple[str, str, Sequence[str]]],
        ignore_words: Iterable[str],
        fuzzy_min_length: int,
        fuzzy_min_score: float,
    ):
        """`generics`: generic -> classes; `names`: (name, exact|brand, generics) rows."""
        self.classes_of = {g.lower(): tuple(c) for g, c in generics.items()}
        self.ignore_words = frozenset(w.lower() for w in ignore_words)
        self.fuzzy_min_length = fuzzy_min_length
        self.fuzzy_min_score = fuzzy_min_score
        self.index: dict[str, _Entry] = {}
        for name, kind, members in names:
            key = clean(name, self.ignore_words)
            self.index.setdefault(key, _Entry(name, kind, tuple(m.lower() for m in members)))

    def __len__(self) -> int:
        return len(self.index)

    def _components(self, entry: _Entry) -> tuple[Component, ...]:
        return tuple(Component(g, self.classes_of.get(g, ())) for g in entry.generics)

    def match(self, text: str) -> MedicineMatch:
        """Recognise one medicine as typed by a person."""
        key = clean(text, self.ignore_words)
        entry = self.index.get(key) or self._exact_part(key)
        if entry is not None:
            return MedicineMatch(text, entry.kind, entry.name, self._components(entry))
        entry = self._near_miss(key)
        if entry is not None:
            return MedicineMatch(text, "fuzzy", entry.name, self._components(entry))
        return MedicineMatch(text, "unknown", None, ())

    def match_all(self, texts: Iterable[str]) -> tuple[MedicineMatch, ...]:
        return tuple(self.match(t) for t in texts)

    def _exact_part(self, key: str) -> _Entry | None:
        """'atorvastatin calcium' -> atorvastatin: the longest run of words that is a name."""
        words = key.split()
        for size in range(len(words) - 1, 0, -1):
            for start in range(len(words) - size + 1):
                entry = self.index.get(" ".join(words[start : start + size]))
                if entry is not None:
                    return entry
        return None

    def _near_miss(self, key: str) -> _Entry | None:
        """A misspelling of one known name, or None when unsure.

        Strict on purpose: the input must be long enough, score at or above the threshold,
        and no name of a different medicine may score as well.
        """
        if len(key.replace(" ", "")) < self.fuzzy_min_length:
            return None
        from rapidfuzz import fuzz, process  # imported only when exact matching failed

        best = process.extract(
            key, list(self.index), scorer=fuzz.ratio, limit=3, score_cutoff=self.fuzzy_min_score
        )
        if not best:
            return None
        top_entry = self.index[best[0][0]]
        for other, score, _ in best[1:]:
            other_entry = self.index[other]
            if score >= best[0][1] - 2 and other_entry.generics != top_entry.generics:
                return None  # two different medicines look alike: do not guess
        return top_entry

    def suggestions(self, text: str, limit: int = 3) -> list[str]:
        """The nearest known names, as hints for an unrecognised medicine."""
        from rapidfuzz import fuzz, process

        key = clean(text, self.ignore_words)
        found = process.extract(key, list(self.index), scorer=fuzz.WRatio, limit=limit)
        return [self.index[name].name for name, score, _ in found if score >= 60]
