"""The INSTALLED `cramps check` in a pseudo-terminal, driven with pexpect as a person would:
the whole interview to an assessment, the same with JSON redirected to a file, Ctrl-C, and no
prompts at all without a real terminal."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect  # POSIX only; installed with the test extra
import pytest

CRAMPS = Path(sys.executable).parent / "cramps"
TIMEOUT = 20  # generous: a slow CI machine must not fail, and nothing here measures time
ENTER, DOWN, UP, SPACE = "\r", "\x1b[B", "\x1b[A", " "


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A real terminal's environment: no CI, no answers from the environment, own folders."""
    child = {k: v for k, v in os.environ.items()
             if k not in ("CI", "CRAMPS_NO_INPUT", "CRAMPS_FORMAT", "CRAMPS_RULES")}  # fmt: skip
    child.update(TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", NO_COLOR="1",
                 CRAMPS_HOME=str(tmp_path / "home"), CRAMPS_CACHE_DIR=str(tmp_path / "cache"))
    return child


def spawn(command: str, args: list[str], env: dict[str, str], cwd: Path):
    return pexpect.spawn(command, args, env=env, cwd=str(cwd), encoding="utf-8",
                         timeout=TIMEOUT, dimensions=(40, 200))  # fmt: skip


def step(child, prompt: str, keys: str) -> None:
    """Wait for a prompt to be drawn, then press keys."""
    child.expect(re.escape(prompt))
    child.send(keys)


def finish(child) -> str:
    """Everything printed until the program ends; the child is closed."""
    child.expect(pexpect.EOF)
    child.close()
    return child.before


def answer_everything(child, kb) -> None:
    """The whole interview for a man of 58 who takes Lipitor, with a near-miss medicine."""
    choices = kb.question_by_id["activity_level"].choice_values
    steps = [
        ("(1 of 19) How old are you?", "58" + ENTER),
        ("(2 of 19) What is your sex?", DOWN + ENTER),
        ("(3 of 17) Do you have any of these", UP + UP + SPACE + ENTER),  # None of these
        ("Which medicines", "Lipitor 40 mg, furosemid" + ENTER),
        ("Did you mean", "y"),
        ("start or change a medicine", DOWN + ENTER),
        ("How active", DOWN * choices.index("light") + ENTER),
        ("workout", DOWN + ENTER), ("sweat", DOWN + ENTER), ("plain water", DOWN + ENTER),
        ("diarrhoea", DOWN + ENTER), ("on your feet", "6" + ENTER),
        ("shoes", UP + UP + SPACE + ENTER),
        ("units of alcohol", ENTER), ("How many UK units", "10" + ENTER),
        ("Do you smoke?", DOWN + ENTER), ("Has a doctor told you", UP + UP + SPACE + ENTER),
        ("how many nights", "2" + ENTER), ("How many minutes", "1" + ENTER),
        ("Check your answers", ENTER),
    ]  # fmt: skip
    for prompt, keys in steps:
        step(child, prompt, keys)


def test_a_person_answers_the_whole_interview_and_sees_the_assessment(kb, env, tmp_path):
    child = spawn(str(CRAMPS), ["check", "--save-answers", "saved.json"], env, tmp_path)
    child.expect(re.escape(f"In an emergency, call {kb.emergency_numbers} now."))
    answer_everything(child, kb)
    child.expect("ROUTINE: book a GP appointment")
    out = finish(child)
    assert child.exitstatus == 0, out
    assert "Traceback" not in out
    saved = json.loads((tmp_path / "saved.json").read_text())
    assert saved["age"] == 58
    assert saved["medications"] == ["Lipitor 40 mg", "furosemide"]
    assert saved["symptoms"] == []
    assert saved["alcohol_units_per_week"] == 10


def test_json_redirected_to_a_file_while_the_questions_show(kb, env, tmp_path):
    child = spawn("bash", ["-c", f"'{CRAMPS}' check --format json > out.json"], env, tmp_path)
    answer_everything(child, kb)  # the questions are on the terminal
    out = finish(child)
    assert child.exitstatus == 0, out
    text = (tmp_path / "out.json").read_text()
    doc = json.loads(text)  # one JSON object and nothing else
    assert isinstance(doc, dict)
    assert text.startswith("{") and text.endswith("}\n")
    assert "How old are you?" not in text
    assert doc["answers"]["age"] == 58
    assert doc["triage"]["level"] == "routine"


@pytest.mark.parametrize("key", ["c", "d"], ids=["ctrl-c", "ctrl-d"])
def test_ctrl_c_or_ctrl_d_at_the_first_prompt_exits_130(env, tmp_path, key):
    child = spawn(str(CRAMPS), ["check"], env, tmp_path)
    child.expect(re.escape("How old are you?"))
    child.sendcontrol(key)
    out = finish(child)
    assert child.exitstatus == 130
    assert "Interrupted." in out
    assert "Traceback" not in out


def test_ctrl_c_in_the_middle_exits_130(env, tmp_path):
    child = spawn(str(CRAMPS), ["check"], env, tmp_path)
    step(child, "How old are you?", "40" + ENTER)
    step(child, "What is your sex?", DOWN)
    child.sendcontrol("c")
    out = finish(child)
    assert child.exitstatus == 130
    assert "Interrupted." in out
    assert "Traceback" not in out


def test_an_emergency_symptom_ends_the_interview_with_the_red_flag_first(kb, env, tmp_path):
    symptoms = kb.question_by_id["symptoms"].choice_values
    child = spawn(str(CRAMPS), ["check"], env, tmp_path)
    step(child, "How old are you?", "61" + ENTER)
    step(child, "What is your sex?", DOWN + ENTER)
    step(child, "Do you have any of these",
         DOWN * symptoms.index("cold_pale_numb_leg") + SPACE + ENTER)
    child.expect("questions stop here: read the advice below")
    child.expect("EMERGENCY")
    child.expect("EMERGENCY: Possible")
    out = finish(child)
    assert child.exitstatus == 0, out
    assert "Which medicines" not in out


def test_without_a_terminal_it_asks_nothing_and_names_the_missing_flag(env, tmp_path):
    result = subprocess.run([str(CRAMPS), "check"], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, env=env, cwd=tmp_path,
                            timeout=TIMEOUT)  # fmt: skip
    assert result.returncode == 4
    assert "--age" in result.stderr
    assert "How old are you?" not in result.stderr + result.stdout
    assert result.stdout == ""


def test_a_dumb_terminal_gets_no_prompts_and_exit_4(env, tmp_path):
    child = spawn(str(CRAMPS), ["check"], {**env, "TERM": "dumb"}, tmp_path)
    out = finish(child)
    assert child.exitstatus == 4
    assert "--age" in out
    assert "How old are you?" not in out
    assert "\x1b[" not in out  # no prompt UI drawn
