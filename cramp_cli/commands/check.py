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
from .answer_flags import given, with_answer_flags
from .common import (
    EXIT_CODES_HELP,
    Format,
    FormatOption,
    NoColorOption,
    NoInputOption,
    RulesOption,
    load_knowledge,
)
from .regions import RegionOption, choose_region

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
    "  cramps check --batch intake.jsonl > assessments.jsonl\n\n"
    "  cramps check --batch intake.jsonl --jobs 0 --fields triage.level,causes.id\n\n"
    + EXIT_CODES_HELP
)


@with_answer_flags
def check(
    ctx: typer.Context,
    answers_file: Annotated[
        str | None,
        typer.Option(
            "--answers",
            "-a",
            metavar="FILE",
            help="Answers as JSON or YAML (contract.md); - reads standard input. Nothing is asked.",
        ),
    ] = None,
    output_format: FormatOption = None,
    batch: Annotated[
        str | None,
        typer.Option(
            "--batch",
            metavar="FILE",
            help="JSON Lines in (- for standard input), one assessment per line out.",
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            help="With --batch: assess on N processes, output in input order (0: every core).",
        ),
    ] = 1,
    fields: Annotated[
        str | None,
        typer.Option(
            "--fields",
            metavar="PATHS",
            help="JSON output keeps only these dotted paths, comma-separated "
            "(triage.level,causes.id); cramps schema assessment lists them.",
        ),
    ] = None,
    save_answers: Annotated[
        Path | None,
        typer.Option(
            "--save-answers",
            metavar="FILE",
            help="Write the answers given as JSON that --answers reads back (created readable "
            "by you only; an existing file is replaced only with --force).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Let --save-answers replace an existing file.")
    ] = False,
    from_diary: Annotated[
        bool,
        typer.Option(
            "--from-diary",
            help="Fill cramps per week and cramp minutes from the diary's last four weeks.",
        ),
    ] = False,
    save: Annotated[
        bool, typer.Option("--save", help="Store the assessment in the diary (for cramps report).")
    ] = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full", help="The complete result: every item in full, the evidence and sources."
        ),
    ] = False,
    plain: Annotated[
        bool,
        typer.Option(
            "--plain",
            help="Plain lines for screen readers: no boxes, symbols or colour "
            "(also when TERM=dumb).",
        ),
    ] = False,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="With --full, never page the result in a terminal.")
    ] = False,
    rules: RulesOption = None,
    region: RegionOption = None,
    no_input: NoInputOption = False,
    no_color: NoColorOption = False,
    **answer_flags: Any,
) -> None:
    given_flags = given(answer_flags)
    project = _fields(fields, output_format)
    if jobs != 1 and batch is None:
        raise UsageError("--jobs works with --batch (one answers document is one assessment)")
    kb = load_knowledge(rules)
    # Chosen once: a bad --region is a usage error before anything is asked or read.
    where = choose_region(kb, region)
    if batch is not None:
        # Batch output is always JSON Lines: CRAMPS_FORMAT (set for a person's runs) does not
        # apply, only a --format typed on this command line is checked.
        typed_format = _typed(ctx, "output_format") and output_format is not Format.json
        if answers_file is not None or given_flags or typed_format:
            raise UsageError(
                "--batch reads every answer from its file and writes JSON Lines; "
                "it takes no --answers, question flags or other --format"
            )
        options = (("--save", save), ("--save-answers", save_answers), ("--from-diary", from_diary))
        unsaved = [flag for flag, used in options if used]
        if unsaved:
            raise UsageError(
                f"--batch cannot be combined with {', '.join(unsaved)}: a batch neither reads "
                "nor writes the diary or an answers file"
            )
        from ..frontends.batch import run_batch
        from ..frontends.parallel import resolve_jobs

        raise typer.Exit(
            run_batch(
                kb,
                batch,
                where,
                jobs=resolve_jobs(jobs),
                project=project,
                rules=rules,
            )
        )
    from ..console.terminal import prompt_style
    from ..engine.answers import normalise
    from ..frontends.sources import gather

    raw, name = gather(kb, answers_file, given_flags)
    if from_diary:
        raw = _fill_from_diary(raw)
    prompter = None
    style = prompt_style(no_input) if answers_file is None else None
    if style is not None:
        from ..frontends.interview import make_prompter, run_interview

        prompter = make_prompter(style)
        raw = run_interview(kb, raw, prompter, where)
        name = "answers"
    answers = normalise(raw, kb, name)
    _require(kb, answers, answers_file)
    for message in answers.warnings:
        warn(message)
    if save_answers is not None:
        _save_answers(save_answers, answers, force)
    from ..engine.assess import assess

    doc = assess(kb, answers, where)
    if save:
        from ..console.output import say
        from ..diary.store import save_assessment

        save_assessment(doc)
        say("Saved the assessment in the diary; cramps report shows it.")
    if project is not None:
        doc, output_format = project(doc), Format.json
    show(doc, output_format or Format.text, no_color, kb, full=full, plain=plain, no_pager=no_pager)
    if prompter is not None and not save:
        from ..frontends.interview import offer_to_save

        if offer_to_save(prompter, doc):
            from ..console.output import say
            from ..diary.store import save_assessment

            save_assessment(doc)
            say("Saved the assessment in the diary; cramps report shows it.")


def _fill_from_diary(raw: dict[str, Any]) -> dict[str, Any]:
    """--from-diary, with a note on standard error of what was filled (stdout is the result)."""
    from ..console.output import say
    from ..diary.stats import fill_from_diary

    result = fill_from_diary(raw)
    if result.diary_empty:
        warn("the diary has no entries in the last four weeks; nothing filled from it")
    elif result.filled:
        filled = ", ".join(f"{key} {value}" for key, value in result.filled.items())
        say(f"From the diary's last four weeks: {filled}")
    return result.answers


def _typed(ctx: typer.Context, parameter: str) -> bool:
    """Whether a parameter was given on the command line (not by default or environment)."""
    source = ctx.get_parameter_source(parameter)
    return source is not None and source.name == "COMMANDLINE"


def _fields(fields: str | None, output_format: Format | None) -> Any:
    """--fields as a selection (render/fields.py), or None; it implies JSON output."""
    if fields is None:
        return None
    if output_format not in (None, Format.json):
        raise UsageError(
            f"--fields selects parts of the JSON output; it takes no --format {output_format.value}"
        )
    from ..render.fields import parse_fields

    return parse_fields(fields)


def _require(kb: "KnowledgeBase", answers: "Answers", answers_file: str | None) -> None:
    """Exit 4 naming what is missing and the flags that supply it."""
    from ..engine.answers import missing_required

    missing = missing_required(answers.values, kb)
    if missing:
        names = ", ".join(f"{q.id} (--{q.flag})" for q in missing)
        how = (
            "give them as flags or add them to the answers file"
            if answers_file is not None
            else "give them as flags or in --answers FILE, or run cramps check in a "
            "terminal to be asked"
        )
        raise MissingAnswersError(f"missing answers: {names}; {how}")


def _save_answers(path: Path, answers: "Answers", force: bool) -> None:
    """Health data: 0600, never through a symlink, never over a file without --force."""
    from ..console.files import write_private

    text = json.dumps(answers.values, indent=2, ensure_ascii=False) + "\n"
    write_private(path, text, "--save-answers", force)


def show(
    doc: dict[str, Any],
    output_format: Format,
    no_color: bool,
    kb: "KnowledgeBase",
    *,
    full: bool = False,
    plain: bool = False,
    no_pager: bool = False,
) -> None:
    """Write the assessment in the chosen format to standard output.

    Text is the short result unless --full; --plain (or TERM=dumb) writes it as plain lines.
    Only the full text goes through a pager, and only in a terminal (console/pager.py).
    """
    if output_format is Format.json:
        from ..render.json import document

        write_stdout(document(doc))
        return
    if output_format is Format.fhir:
        from ..render.fhir import bundle
        from ..render.json import document

        write_stdout(document(bundle(doc, kb)))
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

        text = (
            plain_text.render_full(doc, words, width)
            if full
            else plain_text.render_short(build(doc, words), width)
        )
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
