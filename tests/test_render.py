"""Renderings under hostile input and odd terminals: what a person (or an attacker typing a
medicine name) would notice.

A medicine name cannot clear the screen, colour the page, forge a Markdown heading or inject
HTML; a silly COLUMNS does not wrap every word on its own line; --plain and TERM=dumb give
lines a screen reader reads well; --full pages only a person at a terminal.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

from tests.conftest import write_answers

CRAMPS = Path(sys.executable).parent / "cramps"
TEXT_ENV = {"COLUMNS": "80", "TERM": "xterm-256color"}
BOX = re.compile(r"[\u2500-\u257f\u2580-\u259f\u25a0-\u25ff]")
HOSTILE = ["\x1b[2J\x1b[31mred", "x\n# Forged heading", "<img src=x onerror=alert(1)>",
           "[click](javascript:alert(1))", "**bold** `code` | pipe"]  # fmt: skip


def _check(cli, *args: str, env: dict[str, str] | None = None):
    result = cli("check", "--no-input", *args, env=env or TEXT_ENV)
    assert result.code == 0, result.stderr
    return result.stdout


def _hostile_args() -> list[str]:
    args = ["--age", "50", "--symptom", "palpitations"]
    for name in HOSTILE:
        args += ["--medication", name]
    return args


@pytest.mark.parametrize("extra", [(), ("--full",), ("--plain",), ("--plain", "--full")])
def test_control_characters_typed_in_a_medicine_are_shown_not_obeyed(cli, extra):
    out = _check(cli, *_hostile_args(), *extra)
    assert "\x1b" not in out
    assert "\\x1b" in out or "--full" not in extra  # echoed visibly where medicines are listed
    assert not any(line.startswith("# Forged") for line in out.splitlines())


def test_markdown_escapes_what_the_person_typed(cli):
    out = _check(cli, *_hostile_args(), "--format", "markdown")
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    assert not re.search(r"(?<!\\)\]\(javascript:", out)  # an escaped bracket makes no link
    assert "\\[click\\](javascript:alert(1))" in out
    assert "\x1b" not in out
    headings = [line for line in out.splitlines() if line.startswith("#")]
    assert not any("Forged" in line for line in headings)
    assert "\\*\\*bold\\*\\* \\`code\\` \\| pipe" in out


@pytest.mark.parametrize("columns", ["5", "0", "-3", "100000", "eighty", ""])
def test_a_silly_columns_falls_back_to_80(cli, columns):
    out = _check(cli, "--age", "40", "--symptom", "one_leg_swollen",
                 env={"COLUMNS": columns, "TERM": "xterm-256color"})  # fmt: skip
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert len(lines) <= 35
    assert out == _check(cli, "--age", "40", "--symptom", "one_leg_swollen")


def test_a_sane_columns_is_used(cli):
    wide = _check(cli, "--age", "68", "-m", "atorvastatin", "--symptom", "fainting",
                  env={"COLUMNS": "120", "TERM": "xterm-256color"})  # fmt: skip
    assert max(len(line) for line in wide.splitlines()) > 80
    assert max(len(line) for line in wide.splitlines()) <= 120


@pytest.mark.parametrize("full", [(), ("--full",)])
def test_plain_has_no_boxes_bullets_or_colour_and_headings_in_words(cli, full):
    out = _check(cli, "--age", "72", "-m", "furosemide", "--condition", "diabetes",
                 "--symptom", "one_leg_swollen", "--plain", *full)  # fmt: skip
    assert not BOX.search(out)
    assert "\x1b" not in out
    assert not re.search(r"^\s*[-*•>|]", out, re.MULTILINE)
    assert "URGENT: see a doctor today." in out.splitlines()[0]
    assert re.search(r"^What may be causing your cramps.*:$", out, re.MULTILINE)
    assert not re.search(r"\[\d+\]", out)


def test_term_dumb_writes_the_plain_result(cli):
    args = ("--age", "35", "--symptom", "tense_swollen_muscle")
    dumb = _check(cli, *args, env={"COLUMNS": "80", "TERM": "dumb"})
    assert dumb == _check(cli, *args, "--plain")
    assert not BOX.search(dumb)


def test_the_default_text_draws_the_verdict_in_a_box(cli):
    out = _check(cli, "--age", "35", "--symptom", "tense_swollen_muscle")
    assert BOX.search(out.splitlines()[0])


# --------------------------------------------------------------------------- the pager


def _pty_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CI", "CRAMPS_NO_INPUT", "COLUMNS", "LINES", "PAGER")}  # fmt: skip
    env.update(TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", NO_COLOR="1",
               CRAMPS_HOME=str(tmp_path / "home"), CRAMPS_CACHE_DIR=str(tmp_path / "cache"))
    env.update(extra)
    return env


def _pager_that_saves(marker: Path) -> str:
    """A $PAGER that writes what it is given to `marker`, so the test can see it ran."""
    return (f"{sys.executable} -c \"import sys; open(sys.argv[1], 'w')"
            f".write(sys.stdin.read())\" {marker}")


def _run_in_terminal(tmp_path: Path, args: list[str], env: dict[str, str]) -> str:
    answers = write_answers(tmp_path, {"age": 67, "sex": "female", "symptoms": [],
                                       "medications": ["Lipitor"]})  # fmt: skip
    child = pexpect.spawn(str(CRAMPS), ["check", "--answers", str(answers), *args], env=env,
                          cwd=str(tmp_path), encoding="utf-8", timeout=60,
                          dimensions=(24, 80))  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return child.before


def test_full_goes_through_the_pager_in_a_terminal_when_taller_than_the_screen(tmp_path):
    marker = tmp_path / "paged.txt"
    _run_in_terminal(tmp_path, ["--full"], _pty_env(tmp_path, PAGER=_pager_that_saves(marker)))
    paged = marker.read_text()
    assert "Sources" in paged and "ROUTINE: book a GP appointment" in paged


def test_no_pager_and_the_short_result_are_never_paged(tmp_path):
    marker = tmp_path / "paged.txt"
    env = _pty_env(tmp_path, PAGER=_pager_that_saves(marker))
    out = _run_in_terminal(tmp_path, ["--full", "--no-pager"], env)
    assert "Sources" in out and not marker.exists()
    out = _run_in_terminal(tmp_path, [], env)
    assert "ROUTINE: book a GP appointment" in out and not marker.exists()


def test_a_pager_that_does_not_exist_still_shows_the_result(tmp_path):
    env = _pty_env(tmp_path, PAGER="no-such-pager-anywhere")
    out = _run_in_terminal(tmp_path, ["--full"], env)
    assert "Sources" in out


def test_full_is_never_paged_into_a_pipe(cli, tmp_path, monkeypatch):
    marker = tmp_path / "paged.txt"
    monkeypatch.setenv("PAGER", _pager_that_saves(marker))
    out = _check(cli, "--age", "67", "-m", "Lipitor", "--full")
    assert "Sources" in out and not marker.exists()


def test_the_report_keeps_a_typed_newline_from_forging_a_heading(cli):
    saved = cli("check", "--no-input", "--age", "60", "--symptom", "palpitations",
                "--medication", "x\n# Forged heading", "--save", env=TEXT_ENV)  # fmt: skip
    assert saved.code == 0, saved.stderr
    report = cli("report")
    assert report.code == 0, report.stderr
    assert "Forged heading" in report.stdout
    assert not any(line.startswith("#") and "Forged" in line
                   for line in report.stdout.splitlines())  # fmt: skip
