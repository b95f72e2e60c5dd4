"""Contract section 3: the safety rules no rules file may break.

This is the one place where clinical policy lives in Python, because a rules file cannot
police itself. `check_knowledge` runs on every file as it loads (a breach makes the file
invalid, exit 3); `quick_check`, a cheap part, runs again on every cache hit;
`check_assessment` is run by the tests and `cramps rules test` over the assessment of every
example case.

The checks read meaning, not spelling (issue #14). Every word test runs on `normalise_text`:
HTML entities decoded, Unicode NFKC, accents, zero-width and bidi characters dropped, look-alike
letters of other scripts mapped to Latin, case folded; and quinine is looked for in three ways
(the words, the words with spelled-out letters joined, and every letter run together), with the
names taken from the file's own medicine dictionary. Text a person reads may hold no invisible
or control character at all. Structural rules no wording can dodge: the emergency numbers well
formed wherever emergency advice stands, each contract red flag at its contract level,
emergency advice that tells the person to call, and red flag advice that lets the short result
show the action of the level the flag holds (below an emergency, the emergency numbers only in
a sentence that says when to call them).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..engine.model import KnowledgeBase

Where = tuple[Any, ...]  # a path into rules.yaml: ("self_care", 3, "text")


class _lazy:  # lower case: it reads like re.compile where the patterns are defined
    """A pattern compiled on first use: the cache hit imports this module for quick_check
    alone, and should not pay for compiling every pattern here."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, *args: Any):
        self._args = args
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, name)


Breach = tuple[Where, "str | None", str]

# --------------------------------------------------------------------------- normalising

# Letters of other scripts that look like Latin ones (Unicode confusables, the common part).
_CONFUSABLES = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ѕ": "s",
        "һ": "h",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "ɡ": "g",
        "ɩ": "i",
        "ı": "i",
        "ȷ": "j",
        "ʏ": "y",
        "ʟ": "l",
        "ɴ": "n",
        "ɪ": "i",
        "ꞯ": "q",
        "ǫ": "q",
        "п": "n",
        "г": "r",
        "ѵ": "v",
        "ա": "w",
        "ꮃ": "w",
        "ꭵ": "v",
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ϲ": "c",
        "ϳ": "j",
        "ѡ": "w",
        "ω": "w",
        "µ": "u",
        "μ": "u",
        "ℓ": "l",
        "ո": "n",
        "ս": "u",
        "զ": "q",
        "օ": "o",
        "ց": "g",
        "ք": "p",
    }
)
# Digits and signs standing in for letters inside a word ("qu1n1ne", "$afe").
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
    }
)
_WORD = _lazy(r"[^\W_]+")
_TAG = _lazy(r"</?[a-zA-Z][^<>]{0,200}>|<!--.*?-->", re.DOTALL)  # Markdown would hide them
_LEET_WORD = _lazy(r"[\w@$!|]+")


def invisible(ch: str) -> bool:
    """Zero-width, bidi, other format and control characters: shown as nothing, or reorder."""
    if ch in "\n\t":
        return False
    return unicodedata.category(ch) in ("Cf", "Cc", "Co", "Cs", "Zl", "Zp")


@lru_cache(maxsize=4096)
def normalise_text(text: str) -> str:
    """The text as a reader takes it in: what the eye reads, not how it is spelled."""
    import html  # here, not at the top: a cache hit imports this module for quick_check only

    previous = None
    while previous != text:  # entities inside entities (&amp;#113;), tags inside words
        previous, text = text, _TAG.sub("", html.unescape(text))
    text = unicodedata.normalize("NFKC", text)
    text = "".join(
        ch
        for ch in unicodedata.normalize("NFKD", text)
        if not invisible(ch) and not unicodedata.combining(ch)
    )
    text = text.casefold().translate(_CONFUSABLES)
    return unicodedata.normalize("NFC", text)


def _words(normal: str) -> list[str]:
    """The words, with runs of single letters joined ("q-u-i-n-i-n-e", "q u i n i n e")."""
    words: list[str] = []
    run: list[str] = []
    for match in _LEET_WORD.finditer(normal):
        word = match.group()
        if any(c.isalpha() for c in word):
            word = word.translate(_LEET)
        for part in _WORD.findall(word):
            if len(part) == 1 and part.isalpha():
                run.append(part)
                continue
            if run:
                words.append("".join(run))
                run = []
            words.append(part)
    if run:
        words.append("".join(run))
    return words


# --------------------------------------------------------------------------- vocabularies

QUININE_CLASS = "quinine"
# Always quinine, whatever a rules file's dictionary says (a file cannot drop them).
BASE_QUININE_NAMES = (
    "quinine",
    "qualaquin",
    "quinbisul",
    "myoquin",
    "quinate",
    "quinoric",
    "quinsul",
    "legatrin",
    "chinine",
    "chinin",
    "kinin",
    "kinine",
    "tonicwater",
    "bitterlemon",
    "quininewater",
    "cinchona",
    "jesuitsbark",
    "peruvianbark",
    "quinquina",
)


def _compact(name: str) -> str:
    return "".join(_words(normalise_text(name)))


def quinine_names(kb: KnowledgeBase | None = None) -> frozenset[str]:
    """Quinine's names, run together: the base list, plus every generic, brand, alias and
    combination of the `quinine` class in the file's own dictionary."""
    names = set(BASE_QUININE_NAMES)
    if kb is not None:
        data = kb.data
        quinine = set()
        for m in data.get("medicines", ()):
            if QUININE_CLASS in m.get("classes", ()):
                quinine.add(m["generic"].lower())
                names.update(_compact(n) for n in (m["generic"], *m["brands"], *m["aliases"]))
        for combo in data.get("combinations", ()):
            if quinine & {g.lower() for g in combo.get("generics", ())}:
                names.update(_compact(n) for n in (combo["name"], *combo.get("aliases", ())))
    return frozenset(n for n in names if len(n) >= 4)


def _near(word: str, name: str) -> bool:
    """At most one letter added, dropped, changed or two swapped (for names of 6+ letters)."""
    if abs(len(word) - len(name)) > 1 or word[0] != name[0]:
        return False
    if len(word) == len(name):
        diff = [i for i in range(len(word)) if word[i] != name[i]]
        return len(diff) <= 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and word[diff[0]] == name[diff[1]]
            and word[diff[1]] == name[diff[0]]
        )
    short, long_ = (word, name) if len(word) < len(name) else (name, word)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def mentions_quinine(text: str, names: Iterable[str]) -> bool:
    """Quinine or tonic water named in any spelling a reader would still recognise."""
    words = _words(normalise_text(text))
    if not words:
        return False
    together = "".join(words)
    for name in names:
        if name in together:
            return True
    long_names = [n for n in names if len(n) >= 6]
    initials = {n[0] for n in long_names}
    for word in words:
        if word in ("tonic", "tonics"):
            return True
        if len(word) >= 5 and word[0] in initials and any(_near(word, n) for n in long_names):
            return True
    return False


def _search(pattern: Any, text: str) -> bool:
    """A word test over the normalised text, with spelled-out words joined."""
    normal = normalise_text(text)
    return bool(pattern.search(normal) or pattern.search(" ".join(_words(normal))))


QUININE_WARNING = _lazy(
    r"\brisk|\bwarn|\bdanger|\bserious|\bharm(?!less)|\bsevere"
    r"|\bdeath|\bdeaths\b|\bfatal"
)
# A sentence that calls quinine harmless, safe or worth taking, not negated.
REASSURING = _lazy(
    r"\bharmless|\bsafe(ly)?\b|\bsafer\b|\brisk[ -]?free|\bno (real )?risks?\b|\bwithout risks?\b"
    r"|\bnothing to worry|\bno need to worry|\b(fine|ok|okay|good|alright|recommended)\b"
    r"|\bgentle|\bnatural remedy|\bbest (treatment|remedy)|\bworks? (well|wonders)"
    r"|\bhelps?\b|\beffective|\bbenefits? (outweigh|exceed)"
)
# Reassurance that is itself a negation: "not dangerous", "no real risk", "minimal risk".
DOWNPLAY = _lazy(
    r"\b(not|never|isn't|isnt|aren't|hardly|barely|rarely|nothing)\b( \w+){0,2} "
    r"(dangerous|harmful|risky|serious|toxic|unsafe|a (risk|danger|problem|concern|worry))\b"
    r"|\bno (real |serious |big |major |significant )?(danger|harm|side effects?|risks?|"
    r"problem|concern)\b|\bnothing to (worry|fear)|\b(minimal|little|low|negligible|tiny|small"
    r"|slight|no) risks?\b|\b(risks?|warnings?|dangers?)\b[^.;:!?]{0,30}\b(is|are|were|seem)"
    r" (minimal|low|negligible|small|tiny|slight|overstated|exaggerated|overblown|outdated"
    r"|unfounded|a myth)"
    r"|\bignore (the )?(warnings?|risks?)"
)
# Telling to take it: an imperative, or "you can/should take".
_VERB = r"(take|try|use|drink|have|start|buy|sip|keep taking|continue|carry on|stock up on)"
TAKE = _lazy(
    rf"^(please |just |simply |do )?{_VERB}\b"
    rf"|\b(you (should|can|could|may|might|must)|it is (fine|ok|okay|safe|good) to"
    rf"|feel free to|go ahead and|remember to|make sure to|be sure to) {_VERB}\b"
)
NSAID = _lazy(
    r"\bibuprofen|\bnaproxen|\bnsaids?\b|anti-?\s?inflammator|\bdiclofenac|\baspirin"
    r"|\bcelecoxib|\bmefenamic|\bketoprofen|\bindometacin|\bindomethacin|\bnurofen|\badvil"
    r"|\bmotrin|\baleve|\bvoltaren"
)
MAGNESIUM = _lazy(r"\bmagnesium|\bepsom|\bmg supplement")
MORE_WATER = _lazy(
    r"\b(plenty|lots|more|extra|large amounts?|a lot|loads|tons|litres|liters|gallons)\b"
    r"[^.;:!?]{0,20}\b(water|fluids?|liquids?|drinks?)\b"
    r"|\b(drink|drinking|hydrate|hydrating)\b[^.;:!?]{0,20}\b(plenty|lots|more|extra|a lot|loads"
    r"|as much|constantly|all day)\b",
)
STOP = _lazy(
    r"\b(stop(s|ped|ping)?|quit(s|ting)?|discontinue[sd]?|cease|drop|skip|halt"
    r"|come off|give up|cut out)\b"
)
MEDICINE_WORD = _lazy(
    r"\bmedicines?\b|\bmedications?\b|\btablets?\b|\bpills?\b|\bdrugs?\b|\bstatins?\b"
    r"|\bdiuretics?\b|\binhalers?\b|\bquinine\b|\bprescri|\bdoses?\b|\btreatment"
)
NEGATION_OR_PRESCRIBER = _lazy(
    r"\bnot\b|\bnever\b|n't\b|\bwithout\b|\bunless\b|\bprescriber|\bdoctor|\bpharmacist"
    r"|\bgp\b|\bmidwife|\bnurse"
)
NEGATION = _lazy(
    r"\bnot\b|\bnever\b|n't\b|\bno\b|\bnor\b|\bwithout\b|\bcannot\b"
    r"|\bunless\b|\bavoid|\binstead of\b|\btoo little\b|\btoo small\b"
)
NOT_A_DIAGNOSIS = _lazy(r"\bnot a diagnosis\b")
# Telling a person not to get help: "Do not call 999", "no need to see a doctor".
DISSUADE = _lazy(
    r"(\bnot\b|\bnever\b|n't\b|\bno need\b|\bno reason\b|\bavoid|\bwithout\b|\bunnecessary"
    r"|\bpointless|\bwaste|\bno point\b|\bno use\b|\brather than\b|\binstead of\b)"
    r"[^.;:!?]{0,30}\b(call|calling|phone|ring|dial|contact|go to|see a"
    r"|seeing a|emergency|ambulance|999|112|911|111)\b"
    r"|\b(call|calling|phone|ring|dial)\b[^.;:!?]{0,20}\b(is|are)\b[^.;:!?]{0,10}"
    r"\b(unnecessary|not needed|pointless)"
)
EMERGENCY_NUMBERS = ("999", "112", "911")
CALL = _lazy(r"\b(call|phone|ring|dial)\b")
SENTENCE = _lazy(r"(?<=[.!?;])\s+")

# Contract sections 2 and 5.2: the level of each red flag no rules file may change.
RED_FLAG_LEVELS = {
    "possible_pulmonary_embolism": "emergency",
    "possible_preeclampsia": "emergency",
    "possible_rhabdomyolysis": "emergency",
    "possible_heatstroke": "emergency",
    "possible_limb_ischaemia": "emergency",
    "possible_cauda_equina": "emergency",
    "possible_tetany": "emergency",
    "possible_electrolyte_emergency": "urgent",
    "possible_dvt": "urgent",
    "prolonged_cramp": "urgent",
    "statin_muscle_symptoms": "urgent",
    "quinine_bleeding": "urgent",
    "critical_limb_ischaemia": "urgent",
    "neuromuscular_signs": "routine",
    "possible_claudication": "routine",
    "possible_restless_legs": "routine",
    "very_frequent_cramps": "routine",
    "started_after_new_medicine": "routine",
    "possible_compartment_syndrome": "emergency",
    "sudden_confusion": "emergency",
    "severe_headache_or_vision": "urgent",
    "sudden_swelling": "urgent",
    "dark_or_little_urine": "urgent",
    "new_muscle_weakness": "urgent",
    "unexplained_bleeding": "urgent",
    "quinine_in_pregnancy": "urgent",
}
# possible_electrolyte_emergency is urgent, and emergency with these signs (contract 2).
ELECTROLYTE_EMERGENCY_PROBE = {"age": 50, "symptoms": ["fainting"]}
# One symptom alone fires these at their level (contract 2, 5.2); the engine must agree.
SIGN_PROBES = {
    "possible_pulmonary_embolism": "breathless_or_chest_pain",
    "possible_limb_ischaemia": "cold_pale_numb_leg",
    "possible_cauda_equina": "saddle_numbness_or_bladder_change",
    "possible_tetany": "tingling_mouth_or_hand_spasm",
    "possible_compartment_syndrome": "tense_swollen_muscle",
    "possible_heatstroke": "hot_skin_stopped_sweating",
    "possible_dvt": "one_leg_swollen",
    "critical_limb_ischaemia": "foot_pain_at_rest",
}
LEVEL_ORDER = ("emergency", "urgent", "routine", "self_care")
# Contract 5.2: the only red flags that stand down for another, and for which.
ALLOWED_UNLESS = {
    "sudden_confusion": {"possible_heatstroke"},
    "severe_headache_or_vision": {"possible_preeclampsia"},
    "sudden_swelling": {"possible_preeclampsia"},
    "dark_or_little_urine": {"possible_rhabdomyolysis"},
    "new_muscle_weakness": {"possible_rhabdomyolysis", "statin_muscle_symptoms"},
    "unexplained_bleeding": {"quinine_bleeding"},
}
# What a tip shown beside a red flag must not do to a leg that may hold a clot (contract 2).
WORKS_THE_LEG = _lazy(
    r"\b(massag\w*|rub|rubs|rubbing|stretch\w*|knead\w*|heat (pads?|packs?|wraps?)|hot (baths?"
    r"|water bottles?|compress\w*|packs?|showers?)|warm (baths?|compress\w*|packs?|showers?)"
    r"|heating pads?|apply(ing)? heat|foam roll\w*|walk (it off|about|around))"
)

# Answers that must withhold a tip mentioning NSAIDs or magnesium (contract section 3).
PREGNANCY_PROBE = {"age": 30, "sex": "female", "pregnant": True, "pregnancy_trimester": 2}
KIDNEY_PROBES = (
    {"age": 60, "conditions": ["kidney_disease"]},
    {"age": 60, "conditions": ["dialysis"]},
)


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE.split(normalise_text(text)) if s.strip()]


def tells_to_stop_a_medicine(text: str) -> bool:
    """A sentence that tells a person to stop a medicine, not negated, not via a prescriber."""
    return any(
        _search(STOP, s) and _search(MEDICINE_WORD, s) and not NEGATION_OR_PRESCRIBER.search(s)
        for s in sentences(text)
    )


def dissuades_from_help(text: str) -> bool:
    """'Do not call 999', 'no need to see a doctor': never said to a person."""
    return any(_search(DISSUADE, s) and not _allowed_dissuasion(s) for s in sentences(text))


def _allowed_dissuasion(sentence: str) -> bool:
    """The careful sentences the shipped file does say: 'if you cannot reach them ... call'."""
    return bool(
        re.search(r"\b(cannot|can't|could not|unable to) (reach|get through|contact)\b", sentence)
    ) or bool(re.search(r"\bdo not wait\b", sentence))


def reassures_about_quinine(text: str, names: Iterable[str]) -> bool:
    """A sentence naming quinine that calls it safe or tells to take it, not negated."""
    for sentence in sentences(text):
        if not mentions_quinine(sentence, names):
            continue
        joined = " ".join(_words(sentence))
        if DOWNPLAY.search(sentence) or DOWNPLAY.search(joined):
            return True
        if NEGATION.search(joined):
            continue
        if REASSURING.search(joined) or TAKE.search(joined):
            return True
    return False


# Every emergency number a region of cramps may name; a document in a region the checker
# cannot look up must name one of them.
ANY_REGION_NUMBERS = ("999", "112", "911", "000", "111")


def names_numbers(
    text: str, numbers: tuple[str, ...] = EMERGENCY_NUMBERS, any_of: bool = False
) -> bool:
    """The numbers written plainly (ASCII digits, standing alone), as a phone needs them: all
    of them (999, 112 and 911 by default), or with `any_of` at least one."""
    found = [re.search(rf"(?<![\w]){n}(?![\w])", text) is not None for n in numbers]
    return any(found) if any_of else all(found)


def tells_to_call(
    text: str, numbers: tuple[str, ...] = EMERGENCY_NUMBERS, any_of: bool = False
) -> bool:
    """A sentence that says to call, with the numbers, and does not say not to."""
    for raw in SENTENCE.split(text):
        sentence = normalise_text(raw)
        if (
            CALL.search(sentence)
            and names_numbers(raw, numbers, any_of)
            and not dissuades_from_help(raw)
        ):
            return True
    return False


def _numbers_of(doc: Mapping[str, Any], kb: KnowledgeBase | None) -> tuple[tuple[str, ...], bool]:
    """The emergency numbers the document's region must name, and whether one of them will do.

    A document written in a region names that region's numbers (000 in Australia); one with
    no region, the knowledge base's own (999, 112 and 911)."""
    code = doc.get("region")
    if not code:
        return EMERGENCY_NUMBERS, False
    if kb is not None and code in kb.regions:
        return kb.regions[code].emergency, False
    return ANY_REGION_NUMBERS, True


def _has_invisible(text: str) -> bool:
    return any(invisible(ch) for ch in text) or "\N{REPLACEMENT CHARACTER}" in text


# --------------------------------------------------------------------------- the texts


def _texts(kb: KnowledgeBase) -> Iterator[tuple[Where, str | None, str]]:
    """Every piece of text a person may read: (where, rule id, text)."""
    data = kb.data
    for i, tip in enumerate(kb.self_care.values()):
        yield ("self_care", i, "title"), None, tip.title
        yield ("self_care", i, "text"), None, tip.text
    for section in ("cautions", "see_doctor"):
        for i, item in enumerate(getattr(kb, section).values()):
            yield (section, i, "text"), None, item.text
            if item.title:
                yield (section, i, "title"), None, item.title
    for i, rule in enumerate(kb.rules):
        for name in ("title", "explanation", "reassurance", "advice", "summary"):
            value = getattr(rule, name)
            if value:
                yield ("rules", i, name), rule.id, value
    for level, summary in kb.triage_summaries.items():
        yield ("triage_levels", level, "summary"), None, summary
    yield ("disclaimer",), None, kb.disclaimer
    yield ("emergency_numbers",), None, kb.emergency_numbers
    for i, q in enumerate(data.get("questions", ())):
        for name in ("prompt", "help"):
            if q.get(name):
                yield ("questions", i, name), None, q[name]
        for j, choice in enumerate(q.get("choices", ())):
            yield ("questions", i, "choices", j, "label"), None, str(choice.get("label", ""))
    for cls, spec in kb.medicine_classes.items():
        if isinstance(spec, Mapping) and spec.get("label"):
            yield ("medicine_classes", cls, "label"), None, str(spec["label"])
    for test, label in kb.tests.items():
        yield ("tests", test), None, label
    for key, citation in kb.references.items():
        yield ("references", key), None, citation


def _tip_texts(kb: KnowledgeBase, i: int, tip: Any) -> Iterator[tuple[Where, str]]:
    """A self-care tip as it is shown: title, text and the citations printed with it."""
    yield ("self_care", i, "title"), tip.title
    yield ("self_care", i, "text"), tip.text
    for j, key in enumerate(tip.references):
        yield ("self_care", i, "references", j), kb.references.get(key, "")


# --------------------------------------------------------------------------- the checks


def quick_check(kb: KnowledgeBase) -> bool:
    """A sub-millisecond second line of defence for a cache hit (the keyed hash is the first):
    the contract levels of the red flags, the emergency numbers where emergency advice
    stands, and no plain quinine or tonic in self-care. The full checks ran when the entry
    was made."""
    for rule in kb.rules:
        wanted = RED_FLAG_LEVELS.get(rule.id)
        if wanted is not None and (rule.kind != "red_flag" or rule.triage != wanted):
            return False
        if set(rule.unless_flags) - ALLOWED_UNLESS.get(rule.id, set()):
            return False
        if wanted is not None and any(
            LEVEL_ORDER.index(tw.level) > LEVEL_ORDER.index(wanted) for tw in rule.triage_when
        ):
            return False
        levels = {rule.triage, *(tw.level for tw in rule.triage_when)}
        if "emergency" in levels and not names_numbers(rule.advice or ""):
            return False
    if len({r.id for r in kb.rules if r.id in RED_FLAG_LEVELS}) != len(RED_FLAG_LEVELS):
        return False
    emergency = kb.triage_summaries.get("emergency", "")
    if not (
        names_numbers(kb.emergency_numbers)
        and names_numbers(emergency)
        and CALL.search(emergency.lower())
    ):
        return False
    plain = re.compile(r"quin|tonic|qualaquin", re.IGNORECASE)
    return not any(
        plain.search(f"{t.title} {t.text}") or not t.title.isprintable() or not t.text.isprintable()
        for t in kb.self_care.values()
    )


def check_structure(kb: KnowledgeBase) -> list[Breach]:
    """The rules no wording can dodge (numbers, calls, contract levels, each warning sign
    probed through the engine), and quinine kept out of self-care in any spelling."""
    problems: list[Breach] = []
    names = quinine_names(kb)
    for i, tip in enumerate(kb.self_care.values()):
        for where, text in _tip_texts(kb, i, tip):
            if mentions_quinine(text, names):
                what = "cites a source on" if where[2] == "references" else "mentions"
                problems.append(
                    (
                        where,
                        None,
                        f"self-care '{tip.id}' {what} quinine or tonic "
                        "water; quinine is never self-care",
                    )
                )
    if not names_numbers(kb.emergency_numbers):
        problems.append(
            (
                ("emergency_numbers",),
                None,
                "emergency_numbers must name 999, 112 and 911 in plain digits",
            )
        )
    emergency = kb.triage_summaries.get("emergency", "")
    if not tells_to_call(emergency):
        problems.append(
            (
                ("triage_levels", "emergency", "summary"),
                None,
                "the emergency summary must tell the person to call 999, 112 and 911",
            )
        )
    if not NOT_A_DIAGNOSIS.search(normalise_text(kb.disclaimer)):
        problems.append((("disclaimer",), None, "the disclaimer must say it is not a diagnosis"))
    for i, rule in enumerate(kb.rules):
        wanted = RED_FLAG_LEVELS.get(rule.id)
        if wanted is not None and rule.kind != "red_flag":
            problems.append((("rules", i, "kind"), rule.id, "the contract makes this a red flag"))
        if rule.kind != "red_flag":
            continue
        extra = set(rule.unless_flags) - ALLOWED_UNLESS.get(rule.id, set())
        if extra:
            problems.append(
                (
                    ("rules", i, "unless_flags"),
                    rule.id,
                    f"the contract lets this red flag stand down only for "
                    f"{sorted(ALLOWED_UNLESS.get(rule.id, ())) or 'none'}, not "
                    f"{sorted(extra)}",
                )
            )
        lower = [
            tw.level
            for tw in rule.triage_when
            if wanted is not None and LEVEL_ORDER.index(tw.level) > LEVEL_ORDER.index(wanted)
        ]
        if lower:
            problems.append(
                (
                    ("rules", i, "triage_when"),
                    rule.id,
                    f"may not lower this red flag below '{wanted}' (contract)",
                )
            )
        if wanted is not None and rule.triage != wanted:
            problems.append(
                (
                    ("rules", i, "triage"),
                    rule.id,
                    f"the contract sets this red flag at '{wanted}', not '{rule.triage}'",
                )
            )
        levels = {rule.triage, *(tw.level for tw in rule.triage_when)}
        if "emergency" in levels and not tells_to_call(rule.advice or ""):
            problems.append(
                (
                    ("rules", i, "advice"),
                    rule.id,
                    "emergency advice must tell the person to call 999, 112 and 911",
                )
            )
        problems += [(("rules", i, "advice"), rule.id, m) for m in _short_line_problems(kb, rule)]
    problems += _probe_red_flags(kb)
    return problems


def _short_line_problems(kb: KnowledgeBase, rule: Any) -> list[str]:
    """What would make the short result show a red flag's action at the wrong level.

    The short result (render/summary.instructions) takes, for a flag below an emergency, the
    first sentence of its advice that names no emergency number as what to do, and shows the
    sentences naming one after it as when to call; at an emergency it leads with the advice's
    opening sentence. So below an emergency the advice needs a sentence without the numbers,
    and every sentence with them must say when ("If ..."), never "call 999 now" outright; and a
    flag that `triage_when` raises to an emergency opens its advice with the call, or the
    lower level's action would lead at the emergency.
    """
    from .readability import sentences as reader_sentences  # the renderer's sentences

    found: list[str] = []
    if rule.triage == "emergency":
        return found
    raised = any(tw.level == "emergency" for tw in rule.triage_when)
    # the advice as written, with the knowledge base's numbers, and as each region says it,
    # with that region's (New Zealand's 111 is an emergency number; the UK's NHS 111 is not)
    said_as = [("", rule.advice or "", EMERGENCY_NUMBERS)] + [
        (f" ({code})", region.rewrite(rule.advice or ""), tuple(region.emergency))
        for code, region in kb.regions.items()
    ]
    for where, advice, numbers in said_as:
        said = reader_sentences(advice)
        calls = [names_numbers(s, numbers, any_of=True) for s in said]
        if said and all(calls):
            found.append(
                f"at '{rule.triage}' the advice{where} needs a sentence that does not name the "
                "emergency numbers: the action the short result shows at that level"
            )
        for sentence, call in zip(said, calls, strict=True):
            if call and not re.search(r"\bif\b", normalise_text(sentence)):
                found.append(
                    f"at '{rule.triage}' a sentence{where} naming the emergency numbers must "
                    f'say when to call them ("If ..., call ..."), not call now: {sentence!r}'
                )
        if raised and said and not calls[0]:
            found.append(
                f"a red flag that triage_when raises to 'emergency' must open its advice{where} "
                "with the call to the emergency numbers: the short result leads with it there"
            )
    return list(dict.fromkeys(found))


def _probe_red_flags(kb: KnowledgeBase) -> list[Breach]:
    """Assess one warning sign at a time: each must raise its red flag at its contract level."""
    from ..engine.answers import normalise
    from ..engine.assess import assess
    from ..errors import AnswersError

    problems: list[Breach] = []
    probes = [
        (rid, {"age": 50, "symptoms": [sign]}, RED_FLAG_LEVELS[rid])
        for rid, sign in SIGN_PROBES.items()
    ]
    probes.append(("possible_electrolyte_emergency", ELECTROLYTE_EMERGENCY_PROBE, "emergency"))
    for rid, probe, level in probes:
        try:
            doc = assess(kb, normalise(probe, kb))
        except (AnswersError, KeyError, ValueError, TypeError):
            problems.append((("rules",), rid, f"cannot assess the warning sign {probe}"))
            continue
        flags = {f.get("id"): f.get("triage") for f in doc.get("red_flags", [])}
        got = doc.get("triage", {}).get("level")
        if (
            flags.get(rid) != level
            or got not in LEVEL_ORDER
            or LEVEL_ORDER.index(got) > LEVEL_ORDER.index(level)
        ):
            index = next((i for i, r in enumerate(kb.rules) if r.id == rid), None)
            where: Where = ("rules", index, "when") if index is not None else ("rules",)
            problems.append(
                (
                    where,
                    rid,
                    f"{probe['symptoms']} must raise '{rid}' at "
                    f"'{level}' (contract); it gives '{flags.get(rid) or got}'",
                )
            )
    return problems


def check_knowledge(kb: KnowledgeBase) -> list[Breach]:
    """Every breach of contract section 3 in a knowledge base: (where, rule id, message)."""
    from ..engine.answers import normalise

    problems = check_structure(kb)
    names = quinine_names(kb)
    for i, tip in enumerate(kb.self_care.values()):
        text = f"{tip.title}. {tip.text}"
        if tip.safe_with_red_flags and _search(WORKS_THE_LEG, text):
            problems.append(
                (
                    ("self_care", i, "safe_with_red_flags"),
                    None,
                    f"self-care '{tip.id}' massages, stretches or heats a leg, so it is "
                    "not safe beside a red flag (a clot)",
                )
            )
        field = "title" if _search(MORE_WATER, tip.title) else "text"
        if _search(MORE_WATER, text):
            problems.append(
                (
                    ("self_care", i, field),
                    None,
                    f"self-care '{tip.id}' speaks "
                    "of drinking plenty, lots, more or extra water; put warnings in "
                    "cautions",
                )
            )
        probes = []
        if _search(NSAID, text):
            probes.append(("pregnancy", PREGNANCY_PROBE))
        if _search(MAGNESIUM, text):
            probes += [("kidney disease or dialysis", p) for p in KIDNEY_PROBES]
        for situation, probe in probes:
            withheld = (
                tip.unless_check is not None and tip.unless_check(normalise(probe, kb))[0] is True
            )
            if not withheld:
                problems.append(
                    (
                        ("self_care", i),
                        None,
                        f"self-care '{tip.id}' would be given "
                        f"in {situation}; add an 'unless' that withholds it",
                    )
                )
    for where, rule_id, text in _texts(kb):
        if _has_invisible(text):
            problems.append(
                (where, rule_id, "holds invisible, bidi or control characters; write plain text")
            )
        if where[0] == "references":
            if dissuades_from_help(text):
                problems.append((where, rule_id, "tells a person not to get help"))
            continue  # a citation names its source as published
        if where[0] != "self_care" and mentions_quinine(text, names):
            whole = _whole_item(kb, where) or text
            if not QUININE_WARNING.search(normalise_text(whole)):
                problems.append(
                    (
                        where,
                        rule_id,
                        "quinine is mentioned without its risks or the regulators' warnings",
                    )
                )
            if reassures_about_quinine(text, names):
                problems.append(
                    (
                        where,
                        rule_id,
                        "calls quinine safe or tells a person to take "
                        "it; quinine is a prescription medicine with serious risks",
                    )
                )
        if tells_to_stop_a_medicine(text):
            problems.append(
                (
                    where,
                    rule_id,
                    "tells a person to stop a medicine; advise talking to the prescriber instead",
                )
            )
        if dissuades_from_help(text):
            problems.append((where, rule_id, "tells a person not to call for help or see a doctor"))
    for i, rule in enumerate(kb.rules):
        if rule.drug_classes:
            texts = [normalise_text(kb.cautions[c].text) for c in rule.cautions if c in kb.cautions]
            if not any(STOP.search(t) and NEGATION_OR_PRESCRIBER.search(t) for t in texts):
                message = "a rule about medicines needs a caution not to stop one unasked"
                problems.append((("rules", i, "cautions"), rule.id, message))
    return problems


def _whole_item(kb: KnowledgeBase, where: Where) -> str | None:
    """A caution's or see-doctor item's title read with its text, as a person reads them."""
    if where[0] in ("cautions", "see_doctor") and len(where) == 3:
        item = list(getattr(kb, where[0]).values())[where[1]]
        return f"{item.title or ''}. {item.text}"
    return None


def check_assessment(doc: Mapping[str, Any], kb: KnowledgeBase | None = None) -> list[str]:
    """What an assessment breaks of contract section 3 (empty when it is safe)."""
    found = []
    names = quinine_names(kb)
    answers = doc.get("answers", {})
    for tip in doc.get("self_care", []):
        text = f"{tip.get('title', '')}. {tip.get('text', '')}"
        shown = [text, *map(str, tip.get("references", []))]
        if any(mentions_quinine(t, names) for t in shown):
            found.append(f"self-care '{tip['id']}' mentions quinine")
        if _search(MORE_WATER, text):
            found.append(f"self-care '{tip['id']}' speaks of drinking more water")
        if answers.get("pregnant") is True and _search(NSAID, text):
            found.append(f"self-care '{tip['id']}' mentions an NSAID in pregnancy")
        kidney = {"kidney_disease", "dialysis"} & set(answers.get("conditions", []))
        if kidney and _search(MAGNESIUM, text):
            found.append(f"self-care '{tip['id']}' mentions magnesium with kidney disease")
    for section in ("red_flags", "causes", "self_care", "cautions", "see_doctor"):
        for item in doc.get(section, []):
            for key in ("title", "text", "advice", "explanation"):
                value = str(item.get(key, ""))
                if tells_to_stop_a_medicine(value):
                    found.append(f"{section} '{item.get('id')}' tells to stop a medicine")
                if dissuades_from_help(value):
                    found.append(f"{section} '{item.get('id')}' tells not to get help")
    if not NOT_A_DIAGNOSIS.search(normalise_text(doc.get("disclaimer", ""))):
        found.append("the disclaimer is missing")
    triage = doc.get("triage", {})
    numbers, any_of = _numbers_of(doc, kb)
    if triage.get("level") == "emergency" and not tells_to_call(
        triage.get("summary", ""), numbers, any_of
    ):
        found.append(f"emergency triage does not tell to call {', '.join(numbers)}")
    for flag in doc.get("red_flags", []):
        wanted = RED_FLAG_LEVELS.get(flag.get("id"))
        if flag.get("triage") == "emergency" and not tells_to_call(
            flag.get("advice", ""), numbers, any_of
        ):
            found.append(f"red flag '{flag.get('id')}' is an emergency but does not say to call")
        if wanted is not None and flag.get("triage") not in (wanted, "emergency"):
            found.append(
                f"red flag '{flag.get('id')}' is at '{flag.get('triage')}', not '{wanted}'"
            )
    return found
