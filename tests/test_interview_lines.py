"""The interview through the plain line prompter (`TERM=dumb`, no cursor control): the same
questions and validation as the widgets, typed a line at a time; refusals right under the
prompt; labels wrapped whole to the width; Enter alone never choosing for the person."""

from __future__ import annotations

import io
import re

import pytest

from cramp_cli.frontends.interview import run_interview, warning_sign_screens
from cramp_cli.frontends.line_prompts import LinePrompter
from tests.conftest import assess


def run(kb, lines: list[str], width: int = 80, raw=None) -> tuple[dict, str]:
    """The interview fed these typed lines; the answers and everything written."""
    out = io.StringIO()
    prompter = LinePrompter(
        stdin=io.StringIO("".join(f"{line}\n" for line in lines)), stderr=out, width=width
    )
    return run_interview(kb, raw or {}, prompter), out.getvalue()


def test_enter_alone_after_the_age_answers_nothing(kb):
    answers, out = run(kb, ["58", *[""] * 40])
    assert answers == {"age": 58}
    assert "Check the answers" in out
    doc = assess(kb, answers)
    assert doc["triage"]["level"] != "self_care"
    assert "warning_signs_not_checked" in doc["triage"]["because"]


def test_choices_are_numbered_with_none_first_and_dont_know_last(kb):
    _, out = run(kb, ["58", *[""] * 40])
    screen = out.split("? Is any of these happening now?")[1].split("> ")[0]
    numbered = re.findall(r"^\s+(\d+)\) (.*)$", screen, flags=re.MULTILINE)
    assert numbered[0] == ("1", "None of these")
    assert numbered[-1][1] == "Don't know"


def test_a_refused_answer_is_explained_right_under_its_prompt(kb):
    _, out = run(kb, ["abc", "58", "x", "m", *[""] * 40])
    after_age = out.split("How old is the person with cramps?")[1]
    refusal = after_age.split("> ")[1]  # what follows the first answer typed
    assert refusal.startswith("  ! Enter a whole number from 1 to 120")
    assert refusal.count("\n") == 1  # one line, then the prompt again
    after_sex = out.split("What is your sex?")[1].split("> ")[1]
    assert after_sex.startswith("  ! Type one of: f, m, o, p, d, b")


def test_keys_answer_and_b_goes_back(kb):
    answers, out = run(kb, ["40", "b", "41", "m", "1", "1", "1", "none", "y", *[""] * 40])
    assert answers["age"] == 41
    assert answers["sex"] == "male"
    assert answers["symptoms"] == []  # "1" is None of these on every screen
    assert answers["medications"] == []
    assert answers["started_new_medicine_recently"] is True
    assert "[Enter keeps: 40]" in out  # the old answer, kept by Enter alone


def test_ticking_numbers_on_a_screen(kb):
    parts = warning_sign_screens(kb, kb.question_by_id["symptoms"])
    rest = [c.value for c in parts[-1][1]]
    picks = f"{rest.index('fatigue') + 2} {rest.index('loss_of_appetite') + 2}"
    answers, out = run(kb, ["70", "m", *["1"] * (len(parts) - 1), picks, *[""] * 40])
    assert answers["symptoms"] == ["loss_of_appetite", "fatigue"]
    assert "  ticked: loss of appetite\n  ticked: fatigue\n" in out


def test_each_ticked_label_is_echoed_whole_and_nothing_ticked_reads_dont_know(kb):
    parts = warning_sign_screens(kb, kb.question_by_id["symptoms"])
    values = [c.value for c in parts[1][1]]
    labels = [c.label for c in parts[1][1]]
    picks = f"{values.index('tense_swollen_muscle') + 2} {values.index('one_leg_swollen') + 2}"
    _, out = run(kb, ["58", "m", "", picks, *[""] * 40], width=60)
    screens = out.split("Is any of these happening now?")
    first = screens[1].split("> ")[1]  # what follows the Enter typed on the first screen
    assert first.startswith("  Don't know\n")
    assert "None of these" not in first.split("?")[0]
    after = screens[2].split("> ")[1].splitlines()
    echo = after[: next(i for i, line in enumerate(after) if not line.startswith("  "))]
    flat = " ".join(line.strip() for line in echo)
    assert flat == (
        f"ticked: {labels[values.index('tense_swollen_muscle')]} "
        f"ticked: {labels[values.index('one_leg_swollen')]}"
    )
    assert len(echo) > 2  # the long label wrapped, each line within the width
    assert all(len(line) <= 60 for line in echo)


def test_every_warning_label_is_shown_whole_at_60_columns(kb):
    _, out = run(kb, ["58", *[""] * 40], width=60)
    assert all(len(line) <= 60 for line in out.splitlines())
    flat = re.sub(r"\s+", " ", out)
    for choice in kb.question_by_id["symptoms"].choices:
        assert re.sub(r"\s+", " ", choice.label) in flat


def test_a_near_miss_needs_y_or_n_and_enter_alone_is_refused(kb):
    screens = len(warning_sign_screens(kb, kb.question_by_id["symptoms"]))
    answers, out = run(kb, ["58", "m", *["1"] * screens, "Liptor", "", "n", *[""] * 40])
    assert answers["medications"] == ["Liptor"]  # kept as typed: the person said n
    asked = out.split("Did you mean Lipitor for 'Liptor'? (y or n)\n")[1]
    assert asked.startswith("> ") and asked.split("> ")[1] == "  ! Type y or n\n"
    assert "(Y/n)" not in out


def test_end_of_input_is_an_interruption(kb):
    with pytest.raises(KeyboardInterrupt):
        run(kb, ["58"])


class _Stream:
    def __init__(self, tty: bool):
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("stdin", "stderr", "term", "expected"),
    [
        (True, True, "xterm-256color", "widgets"),
        (True, True, "dumb", "lines"),  # an Emacs shell: asked, not refused
        (True, True, "unknown", "lines"),
        (True, False, "dumb", None),  # stderr to a file: questions nobody sees
        (False, True, "xterm-256color", None),  # nobody to ask
    ],
)
def test_the_terminal_decides_between_widgets_lines_and_not_asking(
    monkeypatch, stdin, stderr, term, expected
):
    from cramp_cli.console import terminal

    monkeypatch.delenv("CRAMPS_NO_INPUT", raising=False)
    monkeypatch.setenv("TERM", term)
    monkeypatch.setattr(terminal.sys, "stdin", _Stream(stdin))
    monkeypatch.setattr(terminal.sys, "stderr", _Stream(stderr))
    assert terminal.prompt_style() == expected
    assert terminal.prompt_style(no_input=True) is None
    monkeypatch.setenv("CRAMPS_NO_INPUT", "1")
    assert terminal.prompt_style() is None
