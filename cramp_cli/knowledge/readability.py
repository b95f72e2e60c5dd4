"""How hard the words a person reads are: the Flesch-Kincaid grade of titles and first sentences.

A tired reader at 3 a.m. reads the title and the first sentence of each item and little else,
so those are what the knowledge base keeps at a reading age of about 11 to 12 (grade 8 or
lower). `cramps rules validate` warns, never fails, on a passage above that: readability is
advice to the author, not a safety rule.

The formula is Flesch-Kincaid's; syllables are counted with a vowel-group heuristic so that
the measure needs no dictionary and no extra runtime dependency (the tests check it against
textstat). A title is measured together with the first sentence it introduces: the formula is
meant for passages, and a one-word title ("Osteoarthritis") is a name a reader already knows,
not a sentence to parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

GRADE_LIMIT = 8.0

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_VOWELS = re.compile(r"[aeiouy]+")
# A sentence ends at . ! ? followed by a space and a capital, a digit or a quote; "e.g." and
# decimals ("0.5") do not end one.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def syllables(word: str) -> int:
    """Syllables in one English word, by vowel groups (good to about one in ten words)."""
    w = word.lower().strip("'")
    if len(w) <= 3:
        return 1
    w = re.sub(r"'s$", "", w)
    if w.endswith("e") and not re.search(r"(?:[^aeiou][lr]|ee|ye)e$|[^aeiou]le$", w):
        w = w[:-1]  # a silent final e (stretche, but not little or centre)
    elif re.search(r"(?<![sczgxhl])es$|(?<![td])ed$", w):
        w = w[:-2]  # a silent -es or -ed (tablets are not tabletes; cramped, not cramp-ed)
    # vowel groups, plus one where two vowels are usually said apart (dialysis, calcium), but
    # not in -tion, -sion, -cious, -gion (one syllable: "confusion" has three)
    count = len(_VOWELS.findall(w)) + len(re.findall(r"ia|(?<![tscgx])io|iu|ua", w))
    return max(1, count)


def sentences(text: str) -> list[str]:
    """The sentences of a passage, split where a sentence plainly ends."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def first_sentence(text: str) -> str:
    parts = sentences(text)
    return parts[0] if parts else ""


def grade(text: str) -> float:
    """The Flesch-Kincaid grade of a passage (0 for a passage without words).

    Text in brackets is left out: it holds the medical name a plain phrase already explains
    ("Nerve damage in the legs (peripheral neuropathy)"), for the reader who wants it.
    """
    text = re.sub(r"\([^)]*\)", "", text)
    words = _WORD.findall(text)
    if not words:
        return 0.0
    n_sentences = max(1, len(sentences(text)))
    n_syllables = sum(syllables(w) for w in words)
    return 0.39 * len(words) / n_sentences + 11.8 * n_syllables / len(words) - 15.59


def passages(data: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, passage) for every title and first sentence a person reads in a rules file.

    `where` names the item the way `cramps rules validate` does ("self_care 'x'"). Reads the
    validated rules data as plain mappings, so it works on any --rules file.
    """

    def passage(title: Any, text: Any) -> str:
        parts = [str(title).rstrip(".") + "." if title else "", first_sentence(str(text or ""))]
        return " ".join(p for p in parts if p)

    for level, entry in (data.get("triage_levels") or {}).items():
        if isinstance(entry, Mapping) and entry.get("summary"):
            yield f"triage level '{level}' summary", first_sentence(entry["summary"])
    for section in ("self_care", "cautions", "see_doctor"):
        for item in data.get(section) or ():
            if isinstance(item, Mapping):
                yield f"{section} '{item.get('id')}'", passage(item.get("title"), item.get("text"))
    for rule in data.get("rules") or ():
        # an advice rule's title names the rule for its author; only its items reach a person
        if not isinstance(rule, Mapping) or rule.get("kind") == "advice":
            continue
        where = f"rule '{rule.get('id')}'"
        yield where, passage(rule.get("title"), rule.get("explanation") or rule.get("advice"))
        if rule.get("explanation") and rule.get("advice"):
            yield f"{where} advice", first_sentence(rule["advice"])
        if rule.get("summary"):
            yield f"{where} summary", first_sentence(rule["summary"])


def hard_passages(data: Mapping[str, Any], limit: float = GRADE_LIMIT) -> list[str]:
    """One warning line per passage above the grade limit, for `cramps rules validate`."""
    found = []
    for where, text in passages(data):
        score = grade(text)
        if score > limit:
            found.append(f"{where}: reading grade {score:.1f}, aim for {limit:g} or lower: "
                         f"{text[:70]}{'...' if len(text) > 70 else ''}")  # fmt: skip
    return found
