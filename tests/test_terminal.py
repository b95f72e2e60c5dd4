"""When cramps may prompt and colour: only on a real terminal, never when told not to."""

from __future__ import annotations

import io
import sys

import pytest

from cramp_cli.console.terminal import colour_wanted, is_tty, prompt_style


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class ClosedStream(io.StringIO):
    def isatty(self) -> bool:
        raise ValueError("I/O operation on closed file")


def test_is_tty_survives_missing_and_closed_streams():
    assert is_tty(None) is False
    assert is_tty(ClosedStream()) is False
    assert is_tty(object()) is False  # no isatty at all
    assert is_tty(FakeTerminal()) is True


def test_colour_only_on_a_terminal_and_never_when_turned_off(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("CRAMPS_NO_COLOR", raising=False)
    assert colour_wanted(False, FakeTerminal()) is True
    assert colour_wanted(False, io.StringIO()) is False
    assert colour_wanted(True, FakeTerminal()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert colour_wanted(False, FakeTerminal()) is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("CRAMPS_NO_COLOR", "1")
    assert colour_wanted(False, FakeTerminal()) is False


@pytest.fixture
def terminal(monkeypatch):
    """Returns a function that puts terminals on stdin and stderr; call it in the test body,
    because pytest puts its own capture streams back between fixture set-up and the test."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("CRAMPS_NO_INPUT", raising=False)

    def attach() -> None:
        monkeypatch.setattr(sys, "stdin", FakeTerminal())
        monkeypatch.setattr(sys, "stderr", FakeTerminal())

    return attach


def test_prompts_need_a_terminal_on_stdin_and_stderr(terminal, monkeypatch):
    terminal()
    assert prompt_style() == "widgets"
    assert prompt_style(no_input=True) is None
    monkeypatch.setattr(sys, "stdin", None)  # closed under CI
    assert prompt_style() is None


@pytest.mark.parametrize("term", ["dumb", "unknown"])
def test_a_dumb_terminal_gets_plain_line_prompts_not_a_refusal(terminal, monkeypatch, term):
    terminal()
    monkeypatch.setenv("TERM", term)
    assert prompt_style() == "lines"
    assert prompt_style(no_input=True) is None


def test_no_prompts_when_the_environment_says_so(terminal, monkeypatch):
    terminal()
    monkeypatch.setenv("CRAMPS_NO_INPUT", "1")
    assert prompt_style() is None
    monkeypatch.setenv("CRAMPS_NO_INPUT", "0")
    assert prompt_style() == "widgets"


def test_prompts_go_to_stderr_so_stdout_stays_for_results():
    from cramp_cli.frontends.prompts import QuestionaryPrompter

    output = QuestionaryPrompter()._io()["output"]
    assert output.stdout is sys.stderr
