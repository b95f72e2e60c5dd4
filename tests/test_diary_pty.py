"""The INSTALLED `cramps log` and `cramps forget --all` on a `TERM=dumb` terminal (an Emacs
shell) in a pseudo-terminal: asked with plain line prompts, same questions and validation as
the widgets, never refused while a person is at the terminal; and never asked without one."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.test_interview_pty import CRAMPS, TIMEOUT, env, finish, shown, spawn, step

# A pseudo-terminal, real widgets or the installed command: outside the inner loop.
pytestmark = pytest.mark.slow
__all__ = ["env"]  # the fixture, used by name


@pytest.fixture
def dumb(env: dict[str, str]) -> dict[str, str]:
    return {**env, "TERM": "dumb"}


def entries(env: dict[str, str], cwd: Path) -> list[dict]:
    result = subprocess.run(
        [str(CRAMPS), "history", "-f", "json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def make_diary(env: dict[str, str], cwd: Path) -> None:
    """One entry, logged from flags."""
    subprocess.run(
        [str(CRAMPS), "log", "--leg", "left", "--muscle", "calf", "--minutes", "2"]
        + ["--severity", "3"],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=cwd,
        timeout=TIMEOUT,
    )


def test_log_on_a_dumb_terminal_asks_line_by_line_and_saves(dumb, tmp_path):
    child = spawn(str(CRAMPS), ["log"], dumb, tmp_path, columns=80)
    step(child, "Which leg?", "")
    step(child, "> ", "left\r")  # not a number on the list: refused, asked again
    child.expect(re.escape("! Type one of: 1, 2, 3"))
    step(child, "> ", "3\r")  # Both
    step(child, "Which muscle?", "")
    step(child, "> ", "2\r")  # Foot
    step(child, "How many minutes did it last?", "")
    step(child, "> ", "500\r")
    child.expect("! .*240")  # the same reason as the widget gives
    step(child, "> ", "4\r")
    step(child, "How bad was it", "")
    step(child, "> ", "7\r")
    step(child, "What eased it?", "")
    step(child, "> ", "2\r")  # Walking
    out = finish(child)
    assert child.exitstatus == 0, shown(child)
    assert "Traceback" not in out
    assert "\x1b[" not in shown(child)  # nothing drawn with cursor control
    assert "ticked: Walking" in shown(child)
    (entry,) = entries(dumb, tmp_path)
    assert (entry["leg"], entry["muscle"], entry["minutes"], entry["severity"]) == (
        "both",
        "foot",
        4,
        7,
    )
    assert entry["helped"] == ["walking"]


@pytest.mark.parametrize(("typed", "removed"), [("", False), ("y", True)])
def test_forget_all_on_a_dumb_terminal_asks_and_enter_keeps_the_diary(
    dumb, tmp_path, typed, removed
):
    make_diary(dumb, tmp_path)
    child = spawn(str(CRAMPS), ["forget", "--all"], dumb, tmp_path, columns=80)
    step(child, "cannot be undone. (y/N)", "")
    step(child, "> ", typed + "\r")
    out = finish(child)
    assert child.exitstatus == 0, shown(child)
    assert "\x1b[" not in shown(child)
    assert ("Forgot the diary" in out) is removed
    assert ("Kept the diary" in out) is not removed
    assert len(entries(dumb, tmp_path)) == (0 if removed else 1)


@pytest.mark.parametrize("args", [["log"], ["forget", "--all"]], ids=["log", "forget"])
def test_without_a_terminal_a_dumb_term_still_asks_nothing_and_exits_4(dumb, tmp_path, args):
    make_diary(dumb, tmp_path)  # so that forget --all has something to remove
    result = subprocess.run(
        [str(CRAMPS), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=dumb,
        cwd=tmp_path,
        timeout=TIMEOUT,
    )
    assert result.returncode == 4
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("cramps: error: ")
    assert ("--severity" if args[0] == "log" else "--yes") in lines[0]
    assert "Which leg" not in result.stderr and "(y/N)" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("args", [["log"], ["forget", "--all"]], ids=["log", "forget"])
def test_no_input_on_a_dumb_terminal_is_honoured(dumb, tmp_path, args):
    make_diary(dumb, tmp_path)
    child = spawn(str(CRAMPS), [*args, "--no-input"], dumb, tmp_path, columns=80)
    out = finish(child)
    assert child.exitstatus == 4, out
    assert "Which leg" not in out and "(y/N)" not in out and "> " not in out
    assert len(entries(dumb, tmp_path)) == 1  # nothing removed, nothing added


def test_ctrl_c_in_a_log_line_prompt_exits_130_and_saves_nothing(dumb, tmp_path):
    child = spawn(str(CRAMPS), ["log"], dumb, tmp_path, columns=80)
    step(child, "Which leg?", "")
    child.expect("> ")
    child.sendcontrol("c")
    out = finish(child)
    assert child.exitstatus == 130
    assert "Interrupted." in out and "Traceback" not in out
    assert entries(dumb, tmp_path) == []
