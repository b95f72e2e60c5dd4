"""`cramps check`: answers in (flags, a file, the interview, batch), the assessment out.

No `from __future__ import annotations` in command modules: Typer would evaluate every
string annotation on each run, which costs tens of milliseconds for a command this size.
"""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..console.output import warn, write_stdout
from ..errors import MissingAnswersError, UsageError
from .common import (
    EXIT_CODES_HELP,
    Format,
    FormatOption,
    NoColorOption,
    NoInputOption,
    RulesOption,
    load_knowledge,
)

if TYPE_CHECKING:
    from ..engine.answers import Answers
    from ..engine.model import KnowledgeBase

HELP = (
    "Check nocturnal leg cramps: red flags first, then the likely contributing causes, "
    "self-care the evidence supports, cautions, when to see a doctor and tests to discuss.\n\n"
    "In a terminal it asks for what the flags and --answers FILE do not give. Not a diagnosis."
)
EPILOG = (
    "Examples:\n\n"
    "  cramps check\n\n"
    "  cramps check --age 67 --sex female --medication Lipitor --cramps-per-week 3\n\n"
    "  cramps check --answers a.json --format json | jq .triage.level\n\n"
    "  cramps check --batch intake.jsonl > assessments.jsonl\n\n" + EXIT_CODES_HELP
)
ANSWERS = "Answers (flags override --answers FILE)"


def _opt(*names: str, help: str, **kwargs: Any) -> Any:
    return typer.Option(*names, help=help, rich_help_panel=ANSWERS, **kwargs)


def check(
    answers_file: Annotated[str | None, typer.Option(
        "--answers", "-a", metavar="FILE",
        help="Answers as JSON or YAML (contract.md); - reads standard input. Nothing is asked.")
    ] = None,
    output_format: FormatOption = None,
    batch: Annotated[str | None, typer.Option(
        "--batch", metavar="FILE",
        help="JSON Lines in (- for standard input), one assessment per line out.")] = None,
    save_answers: Annotated[Path | None, typer.Option(
        "--save-answers", metavar="FILE",
        help="Write the answers given as JSON that --answers reads back.")] = None,
    from_diary: Annotated[bool, typer.Option(
        "--from-diary",
        help="Fill cramps per week and cramp minutes from the diary's last four weeks.")
    ] = False,
    save: Annotated[bool, typer.Option(
        "--save", help="Store the assessment in the diary (for cramps report).")] = False,
    full: Annotated[bool, typer.Option(
        "--full", help="The complete result: every item in full, the evidence and sources.")
    ] = False,
    plain: Annotated[bool, typer.Option(
        "--plain", help="Plain lines for screen readers: no boxes, symbols or colour "
        "(also when TERM=dumb).")] = False,
    no_pager: Annotated[bool, typer.Option(
        "--no-pager", help="With --full, never page the result in a terminal.")] = False,
    rules: RulesOption = None,
    no_input: NoInputOption = False,
    no_color: NoColorOption = False,
    age: Annotated[str | None, _opt("--age", help="Age in years (1-120).", metavar="N")] = None,
    sex: Annotated[str | None, _opt(
        "--sex", help="female, male, other or unspecified.", metavar="SEX")] = None,
    pregnant: Annotated[bool | None, _opt(
        "--pregnant/--not-pregnant", help="Pregnant now.", show_default=False)] = None,
    trimester: Annotated[str | None, _opt(
        "--trimester", help="Pregnancy trimester: 1, 2 or 3.", metavar="N")] = None,
    gave_birth_recently: Annotated[bool | None, _opt(
        "--gave-birth-recently/--no-gave-birth-recently", show_default=False,
        help="Gave birth in the last 6 weeks.")] = None,
    medication: Annotated[list[str] | None, _opt(
        "--medication", "-m", metavar="NAME",
        help="A medicine taken, as on the box ('Lipitor 40 mg'); repeat for each.")] = None,
    new_medicine: Annotated[bool | None, _opt(
        "--new-medicine/--no-new-medicine", show_default=False,
        help="Started or changed a medicine in the last 3 months, before the cramps began.")
    ] = None,
    activity: Annotated[str | None, _opt(
        "--activity", metavar="LEVEL",
        help="A typical week: sedentary, light, moderate or vigorous.")] = None,
    strenuous_exercise: Annotated[bool | None, _opt(
        "--strenuous-exercise/--no-strenuous-exercise", show_default=False,
        help="A hard or unusually long workout in the last 48 hours.")] = None,
    heavy_sweating: Annotated[bool | None, _opt(
        "--heavy-sweating/--no-heavy-sweating", show_default=False,
        help="Lost a lot of sweat recently (heat, sport, work).")] = None,
    plain_water: Annotated[bool | None, _opt(
        "--plain-water/--no-plain-water", show_default=False,
        help="Drank a lot of plain water without salt or electrolytes.")] = None,
    diarrhoea_or_vomiting: Annotated[bool | None, _opt(
        "--diarrhoea-or-vomiting/--no-diarrhoea-or-vomiting", show_default=False,
        help="Diarrhoea or vomiting, recent or ongoing.")] = None,
    standing_hours: Annotated[str | None, _opt(
        "--standing-hours", metavar="HOURS", help="Hours on the feet on a typical day (0-24).")
    ] = None,
    footwear: Annotated[list[str] | None, _opt(
        "--footwear", metavar="KIND",
        help="high_heels, tight_shoes, no_arch_support or supportive; repeatable.")] = None,
    alcohol_units: Annotated[str | None, _opt(
        "--alcohol-units", metavar="UNITS",
        help="UK units of alcohol a week (one unit = 10 ml of pure alcohol).")] = None,
    smoker: Annotated[bool | None, _opt(
        "--smoker/--non-smoker", show_default=False, help="Smokes.")] = None,
    condition: Annotated[list[str] | None, _opt(
        "--condition", metavar="ID",
        help="A diagnosed condition (diabetes, kidney_disease, ...); repeatable; none for none.")
    ] = None,
    symptom: Annotated[list[str] | None, _opt(
        "--symptom", metavar="ID",
        help="A symptom now or with the cramps (one_leg_swollen, ...); repeatable.")] = None,
    cramps_per_week: Annotated[str | None, _opt(
        "--cramps-per-week", metavar="N", help="Nights with cramps in a typical week (0-7).")
    ] = None,
    cramp_minutes: Annotated[str | None, _opt(
        "--cramp-minutes", metavar="MINUTES", help="How long a typical cramp lasts.")] = None,
) -> None:
    flags = {
        "age": age, "sex": sex, "pregnant": pregnant, "pregnancy_trimester": trimester,
        "gave_birth_recently": gave_birth_recently,
        "medications": medication, "started_new_medicine_recently": new_medicine,
        "activity_level": activity, "recent_strenuous_exercise": strenuous_exercise,
        "heavy_sweating": heavy_sweating, "large_plain_water_intake": plain_water,
        "diarrhoea_or_vomiting": diarrhoea_or_vomiting, "standing_hours": standing_hours,
        "footwear": footwear, "alcohol_units_per_week": alcohol_units, "smoker": smoker,
        "conditions": condition, "symptoms": symptom, "cramps_per_week": cramps_per_week,
        "cramp_minutes": cramp_minutes,
    }  # fmt: skip
    given_flags = {k: v for k, v in flags.items() if v is not None and v != []}
    kb = load_knowledge(rules)
    if batch is not None:
        if answers_file is not None or given_flags or output_format not in (None, Format.json):
            raise UsageError("--batch reads every answer from its file and writes JSON Lines; "
                             "it takes no --answers, question flags or other --format")  # fmt: skip
        from ..frontends.batch import run_batch

        raise typer.Exit(run_batch(kb, batch))
    from ..console.terminal import can_prompt
    from ..engine.answers import normalise
    from ..frontends.sources import gather

    raw, name = gather(kb, answers_file, given_flags)
    if from_diary:
        from ..diary.stats import fill_from_diary

        raw = fill_from_diary(raw)
    if answers_file is None and can_prompt(no_input):
        from ..frontends.interview import run_interview

        raw = run_interview(kb, raw)
        name = "answers"
    answers = normalise(raw, kb, name)
    _require(kb, answers, answers_file)
    for message in answers.warnings:
        warn(message)
    if save_answers is not None:
        _save_answers(save_answers, answers)
    from ..engine.assess import assess

    doc = assess(kb, answers)
    if save:
        from ..diary.store import save_assessment

        save_assessment(doc)
    show(doc, output_format or Format.text, no_color, kb, full=full, plain=plain,
         no_pager=no_pager)


def _require(kb: "KnowledgeBase", answers: "Answers", answers_file: str | None) -> None:
    """Exit 4 naming what is missing and the flags that supply it."""
    from ..engine.answers import missing_required

    missing = missing_required(answers.values, kb)
    if missing:
        names = ", ".join(f"{q.id} (--{q.flag})" for q in missing)
        how = ("give them as flags or add them to the answers file" if answers_file is not None
               else "give them as flags or in --answers FILE, or run cramps check in a "
               "terminal to be asked")  # fmt: skip
        raise MissingAnswersError(f"missing answers: {names}; {how}")


def _save_answers(path: Path, answers: "Answers") -> None:
    from ..errors import UsageError

    try:
        path.write_text(json.dumps(answers.values, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")  # fmt: skip
    except OSError as error:
        raise UsageError(f"--save-answers {path}: {error.strerror or error}") from None


def show(doc: dict[str, Any], output_format: Format, no_color: bool, kb: "KnowledgeBase",
         *, full: bool = False, plain: bool = False, no_pager: bool = False) -> None:
    """Write the assessment in the chosen format to standard output.

    Text is the short result unless --full; --plain (or TERM=dumb) writes it as plain lines.
    Only the full text goes through a pager, and only in a terminal (console/pager.py).
    """
    if output_format is Format.json:
        from ..render.json import document

        write_stdout(document(doc))
        return
    from ..console.pager import page, render_width
    from ..render.summary import build
    from ..render.words import from_knowledge

    words = from_knowledge(kb)
    if output_format is Format.markdown:
        from ..render.markdown import render

        write_stdout(render(doc, words, build(doc, words)))
        return
    import os

    width = render_width()
    if plain or os.environ.get("TERM", "") == "dumb":
        from ..render import plain as plain_text

        text = (plain_text.render_full(doc, words, width) if full
                else plain_text.render_short(build(doc, words), width))  # fmt: skip
    else:
        from ..console.terminal import rich_console
        from ..render.text import render_full, render_short

        console = rich_console(no_color=no_color)
        console.width = width
        with console.capture() as captured:
            if full:
                render_full(console, doc, words)
            else:
                render_short(console, build(doc, words))
        # rich pads wrapped lines to the full width; trailing blanks only get in a reader's way
        text = "\n".join(line.rstrip(" ") for line in captured.get().split("\n"))
    if full:
        page(text, no_pager)
    else:
        write_stdout(text)
