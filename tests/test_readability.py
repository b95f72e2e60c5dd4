"""Plain words: every title and first sentence a person reads is at a reading grade of 8 or
lower (a reading age of about 11 to 12), measured with textstat's Flesch-Kincaid grade on the
whole shipped knowledge base; `cramps rules validate` warns, and never fails, on any other
rules file that is harder to read.

Text in brackets is left out of the measure, as the program's own measure does
(knowledge/readability.py): it holds the medical name a plain phrase has already explained.
"""

from __future__ import annotations

import re

import pytest
import textstat
import yaml

from cramp_cli.knowledge.readability import GRADE_LIMIT, grade, passages
from tests.conftest import RULES


def _shipped():
    return yaml.safe_load(RULES.read_text(encoding="utf-8"))


PASSAGES = list(passages(_shipped()))


def test_every_kind_of_text_a_person_reads_is_measured():
    kinds = {where.split(" '")[0] for where, _ in PASSAGES}
    assert {"self_care", "cautions", "see_doctor", "rule", "triage level"} <= kinds
    ids = {where for where, _ in PASSAGES}
    data = _shipped()
    assert all(f"cautions '{c['id']}'" in ids for c in data["cautions"])
    assert all(f"self_care '{c['id']}'" in ids for c in data["self_care"])


@pytest.mark.parametrize(("where", "text"), PASSAGES, ids=[w for w, _ in PASSAGES])
def test_titles_and_first_sentences_read_at_grade_8_or_lower(where, text):
    measured = textstat.flesch_kincaid_grade(re.sub(r"\([^)]*\)", "", text))
    assert measured <= GRADE_LIMIT, f"{where}: grade {measured}: {text}"
    assert grade(text) <= GRADE_LIMIT, f"{where}: own measure {grade(text):.1f}: {text}"


def test_the_programs_measure_tracks_textstat():
    """The measure `rules validate` uses needs no dictionary; it stays close to textstat."""
    hard = "Physiological exhaustion of overutilised musculature necessitates evaluation."
    assert grade(hard) > 12 and textstat.flesch_kincaid_grade(hard) > 12
    assert grade("Stretch your calf. Hold it for a count of ten.") < 4
    gaps = [abs(grade(t) - textstat.flesch_kincaid_grade(re.sub(r"\([^)]*\)", "", t)))
            for _, t in PASSAGES]  # fmt: skip
    assert sum(gaps) / len(gaps) < 2


def test_rules_validate_is_quiet_on_the_shipped_file(cli):
    result = cli("rules", "validate")
    assert result.code == 0
    assert "reading grade" not in result.stderr


def test_rules_validate_warns_but_passes_a_hard_to_read_file(cli, tmp_path):
    hard = RULES.read_text(encoding="utf-8").replace(
        'title: "Tired or overworked leg muscles"',
        'title: "Physiological exhaustion of overutilised lower-extremity musculature"', 1)
    path = tmp_path / "hard.yaml"
    path.write_text(hard, encoding="utf-8")
    result = cli("rules", "validate", str(path))
    assert result.code == 0, result.stderr
    assert "valid" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if "reading grade" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("cramps: warning: ") and "rule 'muscle_fatigue'" in warnings[0]
