"""`cramps medicines [NAME]`: what a medicine name is recognised as, or the whole dictionary.

For one name: the generic medicine(s), each class with its label and the evidence tier of its
link to cramps (from rules.yaml), and how it matched (exact, brand, fuzzy). A name that is not
recognised is not an error (exit 0): the nearest known names are offered as hints, as
`cramps check` would report the medicine as unknown and carry on.

No `from __future__ import annotations` (see check.py).
"""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..console.output import write_stdout
from .common import EXIT_CODES_HELP, NoColorOption, RulesOption, load_knowledge
from .rules import TableFormat, TableFormatOption, print_rich, write_json

if TYPE_CHECKING:
    from ..engine.model import KnowledgeBase

HELP = (
    "Show what a medicine name is recognised as (generic, classes, evidence of a link to "
    "cramps, how it matched), or without NAME the whole medicine dictionary."
)
EPILOG = (
    "Examples:\n\n"
    "  cramps medicines 'Lipitor 40 mg'\n\n"
    "  cramps medicines Moduretic --format json\n\n"
    '  cramps medicines --format json | jq -r \'.[] | select(.classes | index("statin")) '
    "| .name'\n\n" + EXIT_CODES_HELP
)


def _class_info(kb: "KnowledgeBase", cls: str) -> dict[str, Any]:
    spec = kb.medicine_classes.get(cls, {})
    return {
        "id": cls,
        "label": spec.get("label", cls),
        "evidence": spec.get("evidence"),
        "cramp_associated": spec.get("cramp_associated"),
    }


def _what(kb: "KnowledgeBase", name: str | None, generics: list[str]) -> str:
    """What a dictionary name is, in words: a generic, another name, a brand, a combination."""
    if name is None:
        return "unknown"
    if len(generics) > 1:
        return f"{name}, a combination of {' and '.join(generics)}"
    if not generics:
        return name
    if name.lower() in kb.medicines.classes_of:
        return f"{name}, a generic name"
    if any(name in m["brands"] for m in kb.data["medicines"]):
        return f"{name}, a brand of {generics[0]}"
    return f"{name}, another name for {generics[0]}"


def lookup(kb: "KnowledgeBase", name: str) -> dict[str, Any]:
    """One name as `cramps check` would recognise it, with hints when it is unknown.

    A list ("Spiriva and Serevent") is read part by part: `parts` says what each part was
    read as and `unrecognised` what was not understood; `generics` holds every component.
    """
    found = kb.medicines.match(name)
    parts = [
        {
            **part.to_json(),
            "recognised_as": _what(kb, part.name, [c.generic for c in part.components]),
        }
        for part in found.parts
    ]
    if len(found.parts) == 1:
        recognised_as = parts[0]["recognised_as"]
    else:
        recognised_as = " + ".join(p["recognised_as"] for p in parts) or "unknown"
    hints: list[str] = []
    if found.ambiguous:
        hints = list(dict.fromkeys(c for a in found.ambiguous for c in a.choices))
    elif found.match == "unknown" and not found.too_long:
        hints = kb.medicines.suggestions(name)
    return {
        "input": name,
        "match": found.match,
        "matched_name": found.name,
        "recognised_as": recognised_as,
        "generics": [
            {"generic": c.generic, "classes": [_class_info(kb, cls) for cls in c.classes]}
            for c in found.components
        ],
        "parts": parts,
        "unrecognised": list(found.unrecognised),
        "ambiguous": [a.to_json() for a in found.ambiguous],
        "suggestions": hints,
    }


def _lookup_text(found: dict[str, Any]) -> str:
    lines = []
    for item in found["ambiguous"]:
        lines.append(
            f"{item['text']}: could be one of several {item['group']}; which one? "
            f"(for example {', '.join(item['choices'])})"
        )
    if found["match"] == "unknown":
        if not lines:
            hints = found["suggestions"]
            hint = f"nearest known names: {', '.join(hints)}" if hints else "no similar known name"
            lines.append(f"{found['input']}: not recognised ({hint})")
        return "".join(line + "\n" for line in lines)
    head = [f"{found['input']}: {found['recognised_as']} (match: {found['match']})"]
    for component in found["generics"]:
        head.append(f"  {component['generic']}")
        if not component["classes"]:
            head.append("    no class linked to cramps in this knowledge base")
        for cls in component["classes"]:
            linked = "" if cls["cramp_associated"] else "; not counted as a cause of cramps"
            head.append(f"    {cls['id']}: {cls['label']} (evidence: {cls['evidence']}{linked})")
    if found["unrecognised"] and not found["ambiguous"]:
        head.append(f"  not recognised: {', '.join(found['unrecognised'])}")
    return "".join(line + "\n" for line in head + lines)


def dictionary(kb: "KnowledgeBase") -> list[dict[str, Any]]:
    """Every name in the dictionary: name, kind, generics, classes; sorted by name."""
    classes_of = {m["generic"]: list(m["classes"]) for m in kb.data["medicines"]}
    rows = []
    for m in kb.data["medicines"]:
        names = [(m["generic"], "generic")] + [(b, "brand") for b in m["brands"]]
        names += [(a, "alias") for a in m["aliases"]]
        rows += [(n, kind, [m["generic"]], None) for n, kind in names]
    for combo in kb.data["combinations"]:
        for n in [combo["name"], *combo["aliases"]]:
            rows.append((n, "combination", list(combo["generics"]), None))
    for lay in kb.data.get("lay_names", ()):
        for n in [lay["name"], *lay["aliases"]]:
            rows.append((n, "lay name", list(lay["generics"]), lay))
    result = []
    for n, kind, generics, lay in sorted(rows, key=lambda row: (row[0].lower(), row[1])):
        classes = list(dict.fromkeys(c for g in generics for c in classes_of.get(g, [])))
        if lay is not None and lay["classes"]:
            classes = list(lay["classes"])
        row = {"name": n, "kind": kind, "generics": generics, "classes": classes}
        if lay is not None and lay["group"]:
            row["group"], row["choices"] = lay["group"], list(lay["choices"])
        result.append(row)
    return result


def _dictionary_table(rows: list[dict[str, Any]], no_color: bool) -> None:
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("name", "kind", "generics", "classes"):
        table.add_column(column, no_wrap=column == "name")
    for row in rows:
        table.add_row(
            row["name"], row["kind"], ", ".join(row["generics"]), ", ".join(row["classes"]) or "-"
        )
    print_rich(table, no_color)


def medicines(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[NAME]",
            show_default=False,
            help="A medicine as on the box ('Lipitor 40 mg'); without it, the whole dictionary.",
        ),
    ] = None,
    output_format: TableFormatOption = TableFormat.table,
    rules: RulesOption = None,
    no_color: NoColorOption = False,
) -> None:
    kb = load_knowledge(rules)
    if name is not None:
        found = lookup(kb, name)
        if output_format is TableFormat.json:
            write_json(found)
        else:
            write_stdout(_lookup_text(found))
        return
    rows = dictionary(kb)
    if output_format is TableFormat.json:
        write_json(rows)
    else:
        _dictionary_table(rows, no_color)
