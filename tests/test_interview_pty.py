"""The INSTALLED `cramps check` in a pseudo-terminal, driven with pexpect as a person would:
the whole interview to an assessment, Enter pressed through it, a swollen calf acted on at
once, a child's interview, a plain `TERM=dumb` terminal, a 60-column terminal read back with a
terminal emulator (pyte), Ctrl-C, and no prompts at all without a real terminal."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect  # POSIX only; installed with the test extra
import pyte
import pytest

from cramp_cli.frontends.interview import choice_keys, warning_sign_screens
from tests.conftest import advice_as_shown, as_shown, assess

# A pseudo-terminal, real widgets or the installed command: outside the inner loop.
pytestmark = pytest.mark.slow

CRAMPS = Path(sys.executable).parent / "cramps"
TIMEOUT = 20  # generous: a slow CI machine must not fail, and nothing here measures time
ENTER, DOWN, UP, SPACE = "\r", "\x1b[B", "\x1b[A", " "
UNTICKED = "○ "  # questionary's box before a checklist item


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A real terminal's environment: no CI, no answers from the environment, own folders."""
    child = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CI", "CRAMPS_NO_INPUT", "CRAMPS_FORMAT", "CRAMPS_RULES")
    }
    child.update(
        TERM="xterm-256color",
        PROMPT_TOOLKIT_NO_CPR="1",
        NO_COLOR="1",
        CRAMPS_HOME=str(tmp_path / "home"),
        CRAMPS_CACHE_DIR=str(tmp_path / "cache"),
    )
    return child


def spawn(command: str, args: list[str], env: dict[str, str], cwd: Path, columns: int = 200):
    child = pexpect.spawn(
        command,
        args,
        env=env,
        cwd=str(cwd),
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(40, columns),
    )
    child.logfile_read = io.StringIO()  # everything the terminal showed, for whole-run checks
    return child


def shown(child) -> str:
    return child.logfile_read.getvalue()


def step(child, prompt: str, keys: str) -> None:
    """Wait for a prompt to be drawn, then press keys."""
    child.expect(re.escape(prompt))
    child.send(keys)


def finish(child) -> str:
    """Everything printed until the program ends; the child is closed."""
    child.expect(pexpect.EOF)
    child.close()
    return child.before


def sign_screens(kb) -> list[tuple[str, list]]:
    """Each warning-sign screen as (its first sign's label, the signs' values)."""
    parts = warning_sign_screens(kb, kb.question_by_id["symptoms"])
    return [(items[0].label, [c.value for c in items]) for _, items in parts]


def key_of(kb, qid: str, value) -> str:
    question = kb.question_by_id[qid]
    return choice_keys([c.label for c in question.choices])[question.choice_values.index(value)]


def after_the_signs(kb, *, child: bool = False) -> list[str]:
    """The prompts from medicines to the save offer, in order (without the adult ones)."""
    adult = [] if child else ["units of alcohol", "Do you smoke?"]
    return [
        "Which medicines",
        "start or change",
        "How active",
        "workout",
        "sweat",
        "plain water",
        "diarrhoea",
        "on your feet",
        "shoes",
        *adult,
        "Has a doctor told you",
        "how many nights",
        "How long does a typical cramp last?",
        "Check the answers",
        "Save this assessment",
    ]


def answer_everything(child, kb) -> None:
    """The whole interview for a man of 58 who takes Lipitor, with a near-miss medicine."""
    steps = [
        ("How old is the person with cramps?", "58" + ENTER),
        ("What is your sex?", key_of(kb, "sex", "male")),
        *[(first, SPACE + ENTER) for first, _ in sign_screens(kb)],  # None of these, each
        ("Which medicines", "Lipitor 40 mg, furosemid" + ENTER),
        ("Did you mean", "y"),
        ("start or change a medicine", "n"),
        ("How active", key_of(kb, "activity_level", "light")),
        ("workout", "n"),
        ("sweat", "n"),
        ("plain water", "n"),
        ("diarrhoea", "n"),
        ("on your feet", "6" + ENTER),
        ("shoes", SPACE + ENTER),
        ("units of alcohol", "u"),
        ("How many UK units", "10" + ENTER),
        ("Do you smoke?", "n"),
        ("Has a doctor told you", SPACE + ENTER),
        ("how many nights", "2" + ENTER),
        ("How long does a typical cramp last?", key_of(kb, "cramp_minutes", 5)),
        ("Check the answers", ENTER),
    ]
    for prompt, keys in steps:
        step(child, prompt, keys)


def test_a_person_answers_the_whole_interview_and_sees_the_assessment(kb, env, tmp_path):
    child = spawn(str(CRAMPS), ["check", "--save-answers", "saved.json"], env, tmp_path)
    child.expect(
        re.escape(f"In an emergency, call {as_shown(kb, kb.emergency_numbers, 'uk')} now.")
    )
    answer_everything(child, kb)
    child.expect("ROUTINE: book a GP appointment")
    step(child, "Save this assessment", "y")
    child.expect("Saved the assessment in the diary")
    out = finish(child)
    assert child.exitstatus == 0, out
    assert "Traceback" not in out
    saved = json.loads((tmp_path / "saved.json").read_text())
    assert saved["age"] == 58
    assert saved["medications"] == ["Lipitor 40 mg", "furosemide"]
    assert saved["symptoms"] == []
    assert saved["alcohol_units_per_week"] == 10
    assert saved["cramp_minutes"] == 5


def test_enter_pressed_through_after_the_age_chooses_nothing(kb, env, tmp_path):
    child = spawn(str(CRAMPS), ["check", "--save-answers", "saved.json"], env, tmp_path)
    step(child, "How old is the person with cramps?", "67" + ENTER)
    for prompt in [
        "What is your sex?",
        *[first for first, _ in sign_screens(kb)],
        *after_the_signs(kb),
    ]:
        step(child, prompt, ENTER)
    finish(child)
    out = shown(child)
    assert child.exitstatus == 0, out
    saved = json.loads((tmp_path / "saved.json").read_text())
    assert saved == {"age": 67}  # no yes, no no, no "none of these"
    assert assess(kb, saved)["triage"]["level"] == "routine"  # not self-care
    assert "ROUTINE" in out
    assert "did not answer the warning-sign questions" in out


def test_json_redirected_to_a_file_while_the_questions_show(kb, env, tmp_path):
    child = spawn("bash", ["-c", f"'{CRAMPS}' check --format json > out.json"], env, tmp_path)
    answer_everything(child, kb)  # the questions are on the terminal
    step(child, "Save this assessment", ENTER)
    out = finish(child)
    assert child.exitstatus == 0, out
    text = (tmp_path / "out.json").read_text()
    doc = json.loads(text)  # one JSON object and nothing else
    assert isinstance(doc, dict)
    assert text.startswith("{") and text.endswith("}\n")
    assert "How old" not in text
    assert doc["answers"]["age"] == 58
    assert doc["triage"]["level"] == "routine"


def test_a_swollen_calf_shows_the_clot_advice_at_once_and_again_on_ctrl_c(kb, env, tmp_path):
    advice = advice_as_shown(kb, "possible_dvt", "uk")
    child = spawn(str(CRAMPS), ["check"], env, tmp_path)
    step(child, "How old is the person with cramps?", "58" + ENTER)
    step(child, "What is your sex?", "m")
    screens = sign_screens(kb)
    for first, values in screens:
        child.expect(re.escape(first))
        if "one_leg_swollen" in values:
            child.send(DOWN * (values.index("one_leg_swollen") + 1) + SPACE + ENTER)
            break
        child.send(ENTER)
    child.expect(re.escape(advice[:40]))
    later = [first for first, values in screens if "one_leg_swollen" not in values][-1]
    assert later not in child.before and "Which medicines" not in child.before
    child.expect("Stop here")
    child.sendcontrol("c")
    out = finish(child)
    assert child.exitstatus == 130
    assert advice[:40] in out  # printed again before the exit
    assert out.index(advice[:40]) < out.index("Interrupted.")
    assert "Traceback" not in out


def test_a_child_of_9_is_never_asked_about_alcohol_or_smoking(kb, env, tmp_path):
    note = kb.see_doctor[kb.children_see_doctor].text
    child = spawn(str(CRAMPS), ["check"], env, tmp_path)
    step(child, "How old is the person with cramps?", "9" + ENTER)
    child.expect(re.escape(note[:30]))  # the children's note before any other question
    for prompt in [
        "What is your sex?",
        *[first for first, _ in sign_screens(kb)],
        *after_the_signs(kb, child=True),
    ]:
        step(child, prompt, ENTER)
    finish(child)
    out = shown(child)
    assert child.exitstatus == 0, out
    for qid in ("alcohol_units_per_week", "smoker", "pregnant", "gave_birth_recently"):
        assert kb.question_by_id[qid].prompt not in out


def test_a_dumb_terminal_gets_plain_numbered_prompts_and_completes(env, tmp_path):
    child = spawn(
        str(CRAMPS), ["check", "--save-answers", "saved.json"], {**env, "TERM": "dumb"}, tmp_path
    )
    child.expect(re.escape("How old is the person with cramps?"))
    answers = iter(["67", "m"])
    while child.expect(["> ", pexpect.EOF]) == 0:
        child.sendline(next(answers, ""))
    child.close()
    out = shown(child)
    assert child.exitstatus == 0, out
    assert "\x1b[" not in out  # nothing drawn with cursor control
    assert "ROUTINE" in out
    assert json.loads((tmp_path / "saved.json").read_text()) == {"age": 67, "sex": "male"}


def test_ctrl_c_on_a_dumb_terminal_exits_130_on_a_line_of_its_own(env, tmp_path):
    child = spawn(str(CRAMPS), ["check"], {**env, "TERM": "dumb"}, tmp_path)
    child.expect("> ")
    child.sendline("70")
    child.expect("> ")
    child.sendcontrol("c")
    finish(child)
    out = shown(child)
    assert child.exitstatus == 130
    assert "\nInterrupted." in out.replace("\r\n", "\n")
    assert "Traceback" not in out


def test_every_warning_label_is_whole_on_a_60_column_terminal(kb, env, tmp_path):
    screen = pyte.Screen(60, 40)
    stream = pyte.Stream(screen)
    child = spawn(str(CRAMPS), ["check"], env, tmp_path, columns=60)
    step(child, "How old is the person with cramps?", "58" + ENTER)
    step(child, "What is your sex?", "m")
    seen = ""
    for _ in sign_screens(kb):
        child.expect(re.escape(UNTICKED + "Don't know"))  # the last line of a list
        stream.feed(child.before + child.after)
        seen += " " + " ".join(line.strip() for line in screen.display)
        child.send(ENTER)
    child.sendcontrol("c")
    finish(child)
    flat = re.sub(r"\s+", " ", seen)
    for choice in kb.question_by_id["symptoms"].choices:
        assert choice.label in flat, choice.label


@pytest.mark.parametrize("key", ["c", "d"], ids=["ctrl-c", "ctrl-d"])
def test_ctrl_c_or_ctrl_d_at_the_first_prompt_exits_130(env, tmp_path, key):
    child = spawn(str(CRAMPS), ["check"], env, tmp_path)
    child.expect(re.escape("How old is the person with cramps?"))
    child.sendcontrol(key)
    out = finish(child)
    assert child.exitstatus == 130
    assert "Interrupted." in out
    assert "Traceback" not in out


def test_ctrl_c_in_the_middle_exits_130(env, tmp_path):
    child = spawn(str(CRAMPS), ["check"], env, tmp_path)
    step(child, "How old is the person with cramps?", "40" + ENTER)
    step(child, "What is your sex?", DOWN)
    child.sendcontrol("c")
    out = finish(child)
    assert child.exitstatus == 130
    assert "Interrupted." in out
    assert "Traceback" not in out


def test_an_emergency_symptom_ends_the_interview_with_the_red_flag_first(kb, env, tmp_path):
    child = spawn(str(CRAMPS), ["check"], env, tmp_path)
    step(child, "How old is the person with cramps?", "61" + ENTER)
    step(child, "What is your sex?", "m")
    for first, values in sign_screens(kb):
        child.expect(re.escape(first))
        if "cold_pale_numb_leg" in values:
            child.send(DOWN * (values.index("cold_pale_numb_leg") + 1) + SPACE + ENTER)
            break
        child.send(ENTER)
    child.expect("questions stop here: read the advice below")
    child.expect("EMERGENCY")
    child.expect("EMERGENCY: Possible")
    finish(child)
    out = shown(child)
    assert child.exitstatus == 0, out
    assert "Which medicines" not in out
    assert "Save this assessment" not in out  # the advice stays the last thing shown


def test_without_a_terminal_it_asks_nothing_and_names_the_missing_flag(env, tmp_path):
    result = subprocess.run(
        [str(CRAMPS), "check"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=TIMEOUT,
    )
    assert result.returncode == 4
    assert "--age" in result.stderr
    assert "How old" not in result.stderr + result.stdout
    assert result.stdout == ""


def test_a_checklist_leaves_each_ticked_sign_in_full_on_the_terminal(kb, env, tmp_path):
    """Not questionary's "? ... done (2 selections)": the question, then every ticked sign
    whole, wrapped to a 60-column terminal; Enter with nothing ticked reads "Don't know"."""
    symptoms = kb.question_by_id["symptoms"]
    wanted = ["one_leg_swollen", "calf_red_warm_tender"]
    second = sign_screens(kb)[1][1]
    assert all(value in second for value in wanted)
    child = spawn(str(CRAMPS), ["check"], env, tmp_path, columns=60)
    step(child, "How old is the person with cramps?", "58" + ENTER)
    step(child, "What is your sex?", "m")
    step(child, UNTICKED + "Don't know", ENTER)  # the first screen's last line: nothing ticked
    keys, at = "", 0
    for index in sorted(second.index(value) + 1 for value in wanted):  # after None of these
        keys += DOWN * (index - at) + SPACE
        at = index
    step(child, UNTICKED + "Don't know", keys + ENTER)
    child.expect("Stop here")
    child.sendcontrol("c")
    finish(child)
    screen = pyte.Screen(60, 500)  # tall: nothing scrolls off
    pyte.Stream(screen).feed(shown(child))
    lines = [line.rstrip() for line in screen.display]  # blank ones too: the echo ends at one
    assert not any("selection" in line or "done" in line for line in lines)
    asked = [i for i, line in enumerate(lines) if line == "? Is any of these happening now?"]
    assert len(asked) == 2
    assert lines[asked[0] + 1] == "  Don't know"
    echo = []
    for line in lines[asked[1] + 1 :]:
        if not line.startswith("  ") or not line.strip():
            break
        echo.append(line.strip())
    assert " ".join(echo) == " ".join(
        f"ticked: {symptoms.label_of(value)}" for value in second if value in wanted
    )


@pytest.mark.parametrize("term", ["xterm-256color", "dumb"])
def test_enter_at_did_you_mean_does_not_accept_the_guess(kb, env, tmp_path, term):
    """Enter alone answers nothing at a near miss: the name stays as typed only after n."""
    child = spawn(
        str(CRAMPS), ["check", "--save-answers", "saved.json"], {**env, "TERM": term}, tmp_path
    )
    step(child, "How old is the person with cramps?", "58" + ENTER)
    if term == "dumb":  # plain line prompts: each answer is a line
        step(child, "> ", "m" + ENTER)
        for _ in sign_screens(kb):
            step(child, "> ", "1" + ENTER)  # None of these
        step(child, "> ", "furosemid" + ENTER)
        child.expect(re.escape("(y or n)"))
        step(child, "> ", ENTER)
        child.expect(re.escape("! Type y or n"))
        step(child, "> ", "n" + ENTER)
    else:
        step(child, "What is your sex?", "m")
        for _ in sign_screens(kb):
            step(child, UNTICKED + "Don't know", SPACE + ENTER)  # None of these
        step(child, "Which medicines", "furosemid" + ENTER)
        step(child, "(y or n)", ENTER + ENTER + "n")
    assert child.expect(["Retype 'furosemid'", "start or change"]) == 0  # n was the answer
    child.send(ENTER)  # keep it as typed
    child.expect(re.escape("furosemid -> kept as typed"))
    for prompt in after_the_signs(kb)[1:]:
        step(child, prompt, ENTER)
    out = finish(child)
    assert child.exitstatus == 0, shown(child)
    assert "Traceback" not in out
    saved = json.loads((tmp_path / "saved.json").read_text())
    assert saved["medications"] == ["furosemid"]
