"""`cramps schema answers | assessment | fhir-questionnaire`: the JSON Schema (draft 2020-12)
of each document, or the questions as a FHIR R4 Questionnaire.

Printed from the same pydantic models the tests hold the program to (cramp_cli/schemas.py),
so the schema cannot drift from the code. Plain JSON on standard output, never through rich.

No `from __future__ import annotations` (see check.py).
"""

from enum import StrEnum
from typing import Annotated

import typer

from .common import EXIT_CODES_HELP, RulesOption, load_knowledge
from .rules import write_json

HELP = (
    "Print the JSON Schema (draft 2020-12) of the answers cramps reads or of the assessment "
    "it writes (contract sections 1 and 2). The answers schema describes canonical answers "
    "for the knowledge base in use (--rules). fhir-questionnaire prints the questions as a "
    "FHIR R4 Questionnaire, whose QuestionnaireResponse cramps check --answers reads."
)
EPILOG = (
    "Examples:\n\n"
    "  cramps schema answers > answers.schema.json\n\n"
    "  cramps schema assessment | jq '.properties | keys'\n\n"
    "  cramps schema assessment | jq -r '.\"x-cramps-fields\".paths[]'\n\n"
    "  cramps schema fhir-questionnaire > questionnaire.json\n\n" + EXIT_CODES_HELP
)


class Document(StrEnum):
    answers = "answers"
    assessment = "assessment"
    fhir_questionnaire = "fhir-questionnaire"


def schema(
    document: Annotated[
        Document,
        typer.Argument(
            case_sensitive=False, help="answers (input), assessment (output) or fhir-questionnaire."
        ),
    ],
    rules: RulesOption = None,
) -> None:
    # The knowledge base is loaded for both documents: an invalid --rules file stops every
    # command with exit 3, and the answers schema is built from its questions.
    kb = load_knowledge(rules)
    if document is Document.fhir_questionnaire:
        from ..render.fhir import questionnaire

        write_json(questionnaire(kb))
        return
    from ..schemas import Assessment, answers_model, json_schema

    model = answers_model(kb) if document is Document.answers else Assessment
    doc = json_schema(model)
    if document is Document.assessment:
        from ..render.fields import FIELD_PATHS

        # An annotation (JSON Schema ignores keywords it does not know): what --fields takes.
        doc["x-cramps-fields"] = {
            "description": "The dotted paths cramps check --fields (and fields= in the Python "
            "API) accepts; a path through a list applies to every element.",
            "paths": list(FIELD_PATHS),
        }
    write_json(doc)
