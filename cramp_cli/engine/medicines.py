"""Recognising medicines as people type them: split an entry into parts, read each part.

People type "Lipitor 40 mg", "fluticasone/salmeterol 250/50", "Spiriva and Serevent",
"Apo-Atorvastatin", "Diovan HCT", "crestar" or "water tablet". An entry is read in one pass
over its words, so the work grows linearly with its length (and an entry longer than the cap
is not read at all):

1. The text is cut into words and list separators (commas, semicolons, "and", "&", "+",
   "with", "/", brackets). Doses and strengths ("10mg", "250/50"), and the words of
   `medicine_matching` (units, forms, devices, salts, frequencies, makers) are set aside.
2. Within each stretch between separators, the longest run of words that is a dictionary name
   wins ("Seretide Accuhaler", "conjugated estrogens", "blue inhaler"), so combination brands
   stay whole. Affixes ("Plus", "Comp", "Co-") add the partner of the medicine they follow or
   lead. A salt word after a name ("losartan potassium") is set aside.
3. Words left over are tried as near misses: an edit distance (transpositions count one, the
   OSA distance) of one for short names and two for long ones; a near miss as close to two
   different medicines, or near a declared look-alike, is not guessed.

Every clinical fact (names, classes, lay names, affixes, look-alikes, thresholds) comes from
rules.yaml; this module only knows how to read an entry against them. Exact names always win
before a near miss is considered: quinapril stays quinapril and never becomes quinine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

# A dose, a strength or a count: "40", "40mg", "2.5", "250/50", "10mg/40mg", "5ml", "0.1%", "x2".
_DOSE = re.compile(
    r"^(x?\d+([.,]\d+)?(mg|mcg|µg|ug|g|ml|l|units?|iu|u|%|x|mmol|micrograms?|milligrams?|"
    r"puffs?|tabs?|caps?|h|hrs?|hourly|d|mth|mo|wk)?)+$"
)
# Words (letters and digits, joined by "-", "'" or "." inside) and list separators.
_TOKEN = re.compile(r"([,;&+/()\[\]|\n\\]+)|([^\W_]+(?:[-'.][^\W_]+)*%?)")
_JOINER = re.compile(r"(?<=\w)[-'.](?=\w)")
_PUNCT = re.compile(r"[^\w%]+")
# A name with its dose written on: "lipitor40", "bendroflumethiazide25mg" (key form, no dots).
_GLUED = re.compile(r"^([^\W\d_]{4,})(\d[\w%]*)$")
# The longest dictionary name in words; longer runs are never tried, which keeps reading linear.
_MAX_NAME_WORDS = 4


def key_of(name: str) -> str:
    """The form a name is looked up by: lower case, accents folded, hyphens and dots joined,
    other punctuation a space. 'Co-Diovan' and 'CoDiovan' are one key."""
    if name.isascii() and name.isalpha():
        return name.lower()  # the common case: one plain word
    text = name.lower()
    if not text.isascii():
        import unicodedata  # only for accented or other non-ASCII names

        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    if text.isalpha():
        return text  # the common case: one plain word
    return " ".join(_PUNCT.sub(" ", _JOINER.sub("", text)).split())


def clean(text: str, ignore_words: frozenset[str] = frozenset()) -> str:
    """Lower-case a medicine name and drop doses, frequencies, salt and form words."""
    words = []
    for word in key_of(text.replace("/", " ")).split():
        if not word or _DOSE.match(word) or word in ignore_words:
            continue
        words.append(word)
    return " ".join(words)


class Component(NamedTuple):
    """One generic medicine inside what the person takes, with its classes."""

    generic: str
    classes: tuple[str, ...]


class Product(NamedTuple):
    """What a dictionary name stands for."""

    name: str  # the name as the dictionary spells it
    kind: str  # exact (a generic or another name of it, a lay name) | brand
    components: tuple[Component, ...]
    group: str | None = None  # a lay name that could be several medicines: the group
    choices: tuple[str, ...] = ()  # ... and the common ones, to ask which

    @property
    def identity(self) -> tuple[str, ...]:
        """Names of one medicine share this; two different medicines never do."""
        if self.group is not None:
            return ("group", self.group)
        return tuple(sorted(c.generic for c in self.components))


class Part(NamedTuple):
    """One recognised stretch of the text, exactly as typed, and what it was read as."""

    text: str
    name: str
    match: str  # exact | brand | fuzzy
    components: tuple[Component, ...]
    start: int = 0  # where the text starts in the entry

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "name": self.name,
            "match": self.match,
            "generics": [c.generic for c in self.components],
            "classes": list(_classes(self.components)),
        }


class Ambiguous(NamedTuple):
    """A lay name that could be several medicines ('water tablet'): not guessed, asked."""

    text: str
    name: str
    group: str
    choices: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "group": self.group, "choices": list(self.choices)}


def _classes(components: Iterable[Component]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for component in components:
        for cls in component.classes:
            seen.setdefault(cls)
    return tuple(seen)


class MedicineMatch(NamedTuple):
    """What one input string was recognised as: its parts, and the parts not understood."""

    input: str
    match: str  # exact | brand | fuzzy | unknown
    name: str | None  # the dictionary name(s) it matched, joined by " + "
    components: tuple[Component, ...]
    parts: tuple[Part, ...] = ()
    unrecognised: tuple[str, ...] = ()
    ambiguous: tuple[Ambiguous, ...] = ()
    too_long: bool = False
    # the classes of the components, worked out once: every rule on medicines reads them
    class_ids: tuple[str, ...] | None = None

    @property
    def generics(self) -> tuple[str, ...]:
        return tuple(c.generic for c in self.components)

    @property
    def classes(self) -> tuple[str, ...]:
        if self.class_ids is not None:
            return self.class_ids
        return _classes(self.components)

    @property
    def warnings(self) -> list[str]:
        """What a person should hear about this entry: a group to name, parts not read."""
        out = []
        for item in self.ambiguous:
            out.append(
                f"medications: '{item.text}' could be one of several {item.group}, which differ "
                f"in their link to cramps; name it (for example {', '.join(item.choices[:4])})"
            )
        if self.too_long:
            out.append(
                "medications: an entry is too long to read as a medicine name; it is "
                "listed as not recognised"
            )
        elif self.parts and self.unrecognised:
            out.append(
                f"medications: in '{self.input.strip()}', not recognised: "
                f"{', '.join(self.unrecognised)}"
            )
        return out

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "input": self.input,
            "generics": list(self.generics),
            "classes": list(self.classes),
            "match": self.match,
            "components": [p.to_json() for p in self.parts],
            "unrecognised": list(self.unrecognised),
        }
        if self.ambiguous:
            doc["ambiguous"] = [a.to_json() for a in self.ambiguous]
        return doc


class Affix(NamedTuple):
    """'Plus', 'Comp', 'Co-': a word that adds a partner generic to the medicine it qualifies."""

    word: str
    position: str  # prefix | suffix
    adds: str
    applies_to: frozenset[str]


class _Word(NamedTuple):
    key: str  # lookup form
    start: int  # span in the original text
    end: int
    kind: str  # name | dose | ignore | sep


_KIND_RANK = {"exact": 0, "brand": 1, "fuzzy": 2}


class MedicineDictionary:
    """The medicine names of a knowledge base, indexed for lookup."""

    def __init__(
        self,
        products: Iterable[tuple[str, Product]],
        ignore_words: Iterable[str],
        *,
        list_words: Iterable[str] = ("and", "with"),
        salts: Iterable[str] = (),
        affixes: Iterable[Affix] = (),
        look_alikes: Iterable[Sequence[str]] = (),
        fuzzy_min_length: int = 5,
        fuzzy_long_from: int = 10,
        max_length: int = 200,
        classes_of: Mapping[str, Sequence[str]] | None = None,
    ):
        """`products`: (name, Product) rows; the first row of a key wins (checks.py makes
        sure no key is given twice)."""
        index: dict[str, Product] = {}
        names: list[str] = []
        for name, product in products:
            names.append(name)
            key = key_of(name)
            if key not in index:
                index[key] = product
        self.index, self.names = index, names
        self.classes_of = {g.lower(): tuple(c) for g, c in (classes_of or {}).items()}
        self.ignore_words = frozenset(key_of(w) for w in ignore_words)
        self.list_words = frozenset(key_of(w) for w in list_words)
        self.salts = frozenset(key_of(w) for w in salts)
        self.affixes = {key_of(a.word): a for a in affixes}
        self.look_alikes: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        for pair in look_alikes:
            found = [self.index.get(key_of(n)) for n in pair]
            ids = [p.identity for p in found if p is not None]
            for a in ids:
                self.look_alikes.setdefault(a, set()).update(b for b in ids if b != a)
        self.fuzzy_min_length = fuzzy_min_length
        self.fuzzy_long_from = fuzzy_long_from
        self.max_length = max_length
        self.lookups = 0  # dictionary probes made, so tests can check the work is linear
        self._cache: dict[str, MedicineMatch] = {}
        self._keys: dict[int, list[str]] | None = None
        self._ignore_list: list[str] | None = None
        self._by_identity: dict[tuple[str, ...], list[str]] | None = None

    def __len__(self) -> int:
        return len(self.names)

    # ------------------------------------------------------------------ reading an entry

    def match(self, text: str) -> MedicineMatch:
        """Recognise one entry as typed by a person (cached: batch files repeat names)."""
        found = self._cache.get(text)
        if found is None:
            found = self._read(text)
            if len(self._cache) < 4096:
                self._cache[text] = found
        return found

    def match_all(self, texts: Iterable[str]) -> tuple[MedicineMatch, ...]:
        return tuple(self.match(t) for t in texts)

    def _lookup(self, key: str) -> Product | None:
        self.lookups += 1
        found = self.index.get(key)
        if found is None and len(key) > 3 and key.endswith("s"):
            found = self.index.get(key[:-1])  # "statins", "water tablets"
            if found is None and key.endswith("es"):
                found = self.index.get(key[:-2])  # "HRT patches"
        return found

    def _words(self, text: str) -> list[_Word]:
        words: list[_Word] = []
        for m in _TOKEN.finditer(text):
            if m.group(1):
                words.append(_Word("", m.start(), m.end(), "sep"))
                continue
            raw, start = m.group(2), m.start()
            key = key_of(raw)
            glued = _GLUED.match(key)
            if glued and key not in self.index:
                # "Lipitor40", "bendroflumethiazide2.5mg": the name, then its dose
                cut = start + len(glued.group(1))
                words.append(self._word(glued.group(1), start, cut))
                words.append(_Word(glued.group(2), cut, m.end(), "dose"))
                continue
            if "-" in raw and key not in self.index and not _DOSE.match(key):
                # "apo-atorvastatin", "co-diovan": the pieces are read one by one
                offset = start
                for piece in raw.split("-"):
                    words.append(self._word(key_of(piece), offset, offset + len(piece)))
                    offset += len(piece) + 1
                continue
            words.append(self._word(key, start, m.end()))
        return words

    def _word(self, key: str, start: int, end: int) -> _Word:
        if key in self.list_words:
            return _Word(key, start, end, "sep")
        if not key or _DOSE.match(key):
            return _Word(key, start, end, "dose")
        if key in self.ignore_words:
            return _Word(key, start, end, "ignore")
        return _Word(key, start, end, "name")

    def _read(self, text: str) -> MedicineMatch:
        if len(text) > self.max_length:
            return MedicineMatch(text, "unknown", None, (), (), (text,), (), True)
        words = self._words(text)
        parts: list[Part] = []
        ambiguous: list[Ambiguous] = []
        unrecognised: list[str] = []
        leftover: list[_Word] = []  # consecutive words not yet recognised
        prefix: Affix | None = None
        prefix_start = 0
        last: int | None = None  # index in parts of the last part of this stretch

        def flush() -> None:
            if leftover:
                self._near_misses(text, leftover, parts, unrecognised)
                leftover.clear()

        i, n = 0, len(words)
        while i < n:
            word = words[i]
            if word.kind == "sep":
                flush()
                prefix, last = None, None
                i += 1
                continue
            if word.key in self.salts and last is not None and not leftover:
                i += 1  # "atorvastatin calcium": the salt of the name before it
                continue
            product, size = None, 0
            if word.kind in ("name", "ignore"):
                product, size = self._longest(words, i)
            if product is not None:
                flush()
                span = text[word.start : words[i + size - 1].end]
                if product.group is not None:
                    ambiguous.append(Ambiguous(span, product.name, product.group, product.choices))
                    last = None
                else:
                    components, start, name = product.components, word.start, product.name
                    if prefix is not None and _applies(prefix, components):
                        # "Co-Diovan": the prefix adds its partner
                        components = (*components, self._component(prefix.adds))
                        start, name = prefix_start, f"{prefix.word.title()}-{product.name}"
                    span = text[start : words[i + size - 1].end]
                    parts.append(Part(span, name, product.kind, components, start))
                    last = len(parts) - 1
                prefix = None
                i += size
                continue
            affix = self.affixes.get(word.key)
            if affix is not None and word.kind == "name":
                flush()
                if (
                    affix.position == "suffix"
                    and last is not None
                    and _applies(affix, parts[last].components)
                ):
                    old = parts[last]
                    parts[last] = old._replace(
                        text=text[old.start : word.end],
                        name=f"{old.name} {word.key.title()}",
                        components=(*old.components, self._component(affix.adds)),
                    )
                elif affix.position == "prefix":
                    prefix, prefix_start = affix, word.start
                i += 1
                continue
            if word.kind == "name":
                leftover.append(word)
            i += 1
        flush()
        return self._result(text, words, parts, unrecognised, ambiguous)

    def _longest(self, words: list[_Word], i: int) -> tuple[Product | None, int]:
        """The longest run of words from i that is a name (the runs never cross a separator
        or a dose)."""
        end = i
        while (
            end < len(words) and end - i < _MAX_NAME_WORDS and words[end].kind in ("name", "ignore")
        ):
            end += 1
        shortest = 2 if words[i].kind == "ignore" else 1  # "blue inhaler", never "inhaler"
        for size in range(end - i, shortest - 1, -1):
            product = self._lookup(" ".join(w.key for w in words[i : i + size]))
            if product is not None:
                return product, size
        glued = words[i].key
        for affix in self.affixes.values():
            # "CoAprovel": a prefix written joined to the brand
            if (
                affix.position == "prefix"
                and glued.startswith(affix.word)
                and len(glued) > len(affix.word) + 3
            ):
                base = self._lookup(glued[len(affix.word) :])
                if base is not None and base.group is None and _applies(affix, base.components):
                    return base._replace(
                        name=f"{affix.word.title()}-{base.name}",
                        components=(*base.components, self._component(affix.adds)),
                    ), 1
        return None, 0

    def _component(self, generic: str) -> Component:
        return Component(generic, self.classes_of.get(generic, ()))

    def _near_misses(
        self, text: str, words: list[_Word], parts: list[Part], unrecognised: list[str]
    ) -> None:
        """Words no name matched: the whole stretch (up to the longest name) as one near
        miss ('iron sucrse'), else each word on its own."""
        if 1 < len(words) <= _MAX_NAME_WORDS:
            product = self._near_miss(" ".join(w.key for w in words))
            if product is not None:
                parts.append(
                    Part(
                        text[words[0].start : words[-1].end],
                        product.name,
                        "fuzzy",
                        product.components,
                        words[0].start,
                    )
                )
                return
        for word in words:
            product = self._near_miss(word.key)
            if product is None and self._set_aside_word(word.key):
                continue
            if product is None or product.group is not None:
                unrecognised.append(text[word.start : word.end])
            else:
                parts.append(
                    Part(
                        text[word.start : word.end],
                        product.name,
                        "fuzzy",
                        product.components,
                        word.start,
                    )
                )

    def _result(
        self,
        text: str,
        words: list[_Word],
        parts: list[Part],
        unrecognised: list[str],
        ambiguous: list[Ambiguous],
    ) -> MedicineMatch:
        if ambiguous and parts:
            # "water tablet (furosemide)": the entry names which one, so nothing is left to ask
            named = {key_of(p.name) for p in parts} | {
                key_of(c.generic) for p in parts for c in p.components
            }
            ambiguous = [a for a in ambiguous if not named & {key_of(c) for c in a.choices}]
        components: dict[str, Component] = {}
        for part in parts:
            for component in part.components:
                components.setdefault(component.generic, component)
        unread = [*unrecognised, *(a.text for a in ambiguous)]
        if not parts:
            if not unread and text.strip():
                # only set-aside words ("tablets", "40 mg"): nothing names a medicine
                unread = [text.strip()]
            return MedicineMatch(text, "unknown", None, (), (), tuple(unread), tuple(ambiguous))
        kind = max((p.match for p in parts), key=_KIND_RANK.__getitem__)
        name = " + ".join(dict.fromkeys(p.name for p in parts))
        found = tuple(components.values())
        return MedicineMatch(
            text,
            kind,
            name,
            found,
            tuple(parts),
            tuple(unread),
            tuple(ambiguous),
            False,
            _classes(found),
        )

    # ------------------------------------------------------------------ near misses

    def tolerance(self, length: int) -> int:
        """Edits allowed for a dictionary name of this many letters: none when short, then 1,
        then 2 (what was typed must have fuzzy_min_length letters too)."""
        if length < self.fuzzy_min_length:
            return 0
        return 2 if length >= self.fuzzy_long_from else 1

    def _candidates(self, key: str, limit: int) -> list[tuple[str, int]]:
        """Names within tolerance of `key`, nearest first: (key, distance)."""
        if len(key) < self.fuzzy_min_length:
            return []
        from rapidfuzz import process  # imported only when exact matching failed
        from rapidfuzz.distance import OSA

        if self._keys is None:  # by length: a name 3 letters longer is never 2 edits away
            self._keys = {}
            for name in self.index:
                self._keys.setdefault(len(name), []).append(name)
        near = [n for size in range(len(key) - 2, len(key) + 3) for n in self._keys.get(size, ())]
        found = process.extract(
            key,
            near,
            scorer=OSA.distance,
            score_cutoff=self.tolerance(self.fuzzy_long_from),
            limit=limit,
        )
        return [(name, int(d)) for name, d, _ in found if d <= self.tolerance(len(name))]

    def _set_aside_word(self, key: str) -> bool:
        """A misspelt device or form word ('Elipta', 'Turbohailer'): set aside, not unknown."""
        if len(key) < self.fuzzy_min_length:
            return False
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        if self._ignore_list is None:
            self._ignore_list = [w for w in self.ignore_words if len(w) >= self.fuzzy_min_length]
        return (
            process.extractOne(key, self._ignore_list, scorer=OSA.distance, score_cutoff=1)
            is not None
        )

    def _near_miss(self, key: str) -> Product | None:
        """A misspelling of one known medicine, or None when unsure.

        Not guessed: two different medicines at the same distance, or a declared look-alike
        of the nearest one within one more edit ('lasec' is near Losec and Lasix).
        """
        found = self._candidates(key, limit=12)
        if not found:
            return None
        best = found[0][1]
        products = {self.index[name].identity for name, d in found if d == best}
        if len(products) != 1:
            return None
        product = self.index[found[0][0]]
        rivals = self.look_alikes.get(product.identity, set())
        if rivals:
            from rapidfuzz.distance import OSA

            for name in self._names_of(rivals):
                if OSA.distance(key, name) <= best + 1:
                    return None
        return product

    def _names_of(self, identities: set[tuple[str, ...]]) -> list[str]:
        """Every key of the look-alike medicines given (the index by medicine is built the
        first time a look-alike is checked, not at start-up)."""
        if self._by_identity is None:
            self._by_identity = {}
            wanted = {i for rivals in self.look_alikes.values() for i in rivals}
            for name, product in self.index.items():
                if product.identity in wanted:
                    self._by_identity.setdefault(product.identity, []).append(name)
        return [n for i in identities for n in self._by_identity.get(i, ())]

    def suggestions(self, text: str, limit: int = 3) -> list[str]:
        """Known names within the typo tolerance of what was typed, or that it begins
        ('atorva' -> atorvastatin): hints for an unrecognised name, never unrelated ones."""
        if len(text) > self.max_length:
            return []
        key = clean(text, self.ignore_words)
        if not key:
            return []
        hints: dict[str, tuple[int, int, str]] = {}
        for name, distance in self._candidates(key, limit=limit * 3):
            product = self.index[name]
            if name == key:
                continue  # a lay name for several medicines: its choices are the hints
            hints.setdefault(product.name, (distance, product.kind != "exact", product.name))
        if len(key) >= 4:
            for name, product in self.index.items():
                if name.startswith(key) and name != key:
                    rank = (len(name) - len(key) + 2, product.kind != "exact", product.name)
                    hints.setdefault(product.name, rank)
        return [name for name, _ in sorted(hints.items(), key=lambda kv: kv[1])][:limit]


def _applies(affix: Affix, components: tuple[Component, ...]) -> bool:
    generics = {c.generic for c in components}
    return len(generics) == 1 and bool(generics & affix.applies_to) and affix.adds not in generics
