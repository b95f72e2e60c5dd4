"""The diary commands as a person or a script uses them: log, history, stats, forget, and
check --from-diary / --save."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cramp_cli.diary import store as diary
from tests.conftest import invoke, write_answers

CRAMPS = Path(sys.executable).parent / "cramps"
REQUIRED = ("--leg", "left", "--muscle", "calf", "--minutes", "3", "--severity", "5")


def one_error(result, code: int) -> str:
    assert result.code == code, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cramps: error: ")
    assert result.stdout == ""
    return lines[0]


def log(*args: str) -> int:
    result = invoke("log", *REQUIRED, *args)
    assert result.code == 0, result.stderr
    return int(result.stdout)


def days_ago(days: int, hour: int = 22) -> str:
    """Local time `days` ago at `hour`: at 22:00 the night is that day's."""
    moment = datetime.now().astimezone() - timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0).isoformat()


class FakePrompter:
    """Answers questions from a script and remembers what was asked."""

    def __init__(self, answers: list[Any]):
        self.answers = list(answers)
        self.asked: list[str] = []
        self.validators: dict[str, Any] = {}

    def _next(self, message: str) -> Any:
        self.asked.append(message)
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def text(self, message, *, validate=None, default="", instruction=None):
        self.validators[message] = validate
        return self._next(message)

    def select(self, message, choices, *, default=None, instruction=None):
        assert self.answers[0] in [value for _, value in choices] or isinstance(
            self.answers[0], BaseException
        )
        return self._next(message)

    def checkbox(self, message, choices, *, validate=None, instruction=None, checked=(), empty=""):
        return self._next(message)

    def confirm(self, message, *, default=True):
        assert default is False
        return self._next(message)

    def say(self, text):
        pass


@pytest.fixture
def terminal(monkeypatch):
    """A person at a terminal, answering from a script."""

    def install(answers: list[Any]) -> FakePrompter:
        prompter = FakePrompter(answers)
        monkeypatch.setattr(
            "cramp_cli.console.terminal.prompt_style",
            lambda no_input=False: None if no_input else "widgets",
        )
        monkeypatch.setattr(
            "cramp_cli.commands.common.make_prompter", lambda style="widgets": prompter
        )
        return prompter

    return install


# --------------------------------------------------------------------------- log


def test_log_prints_the_new_id_alone():
    first = invoke("log", *REQUIRED, "--when", "03:10")
    assert first.code == 0
    assert first.stdout == "1\n"
    assert "Logged entry 1" in first.stderr
    assert invoke("log", *REQUIRED).stdout == "2\n"


def test_log_stores_every_field():
    entry_id = log(
        "--when",
        "2026-11-20T03:10+01:00",
        "--helped",
        "Stretching",
        "--helped",
        "heat",
        "--helped",
        "stretching",
        "--note",
        "after a long walk",
        "--minutes",
        "0.5",
    )
    (entry,) = diary.list_entries()
    assert entry.to_json() == {
        "id": entry_id,
        "when": "2026-11-20T03:10:00+01:00",
        "leg": "left",
        "muscle": "calf",
        "minutes": 0.5,
        "severity": 5,
        "helped": ["stretching", "heat"],
        "note": "after a long walk",
    }


def test_log_defaults_when_to_now_with_the_local_offset():
    before = datetime.now().astimezone().replace(microsecond=0)
    log()
    (entry,) = diary.list_entries()
    assert before <= entry.when <= datetime.now().astimezone()
    assert entry.when.utcoffset() == before.utcoffset()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--severity", "11"), "--severity: must be a whole number from 0 to 10, not 11"),
        (("--severity", "five"), "--severity: must be a whole number from 0 to 10, not five"),
        (
            ("--minutes", "-2"),
            "--minutes: must be a number of minutes more than 0 and at most 240, not -2",
        ),
        (("--minutes", "300"), "at most 240, not 300"),
        (("--leg", "tail"), "--leg: 'tail' is not allowed; allowed: left, right, both"),
        (
            ("--muscle", "neck"),
            "--muscle: 'neck' is not allowed; allowed: calf, foot, thigh, other",
        ),
        (
            ("--helped", "ice"),
            "--helped: 'ice' is not allowed; allowed: stretching, walking, massage, heat, other",
        ),
        (("--when", "last tuesday"), "--when: 'last tuesday' is not a date and time; use ISO 8601"),
        (("--when", "2026-11-31T03:00"), "is not a date and time"),
        (("--note", "bad \x1b[2J"), "--note: control characters are not allowed"),
    ],
)
def test_log_bad_values_exit_2_naming_what_is_allowed(args, message):
    base = dict(zip(REQUIRED[::2], REQUIRED[1::2], strict=True))
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = invoke("log", *[part for pair in base.items() for part in pair])
    assert message in one_error(result, 2)
    assert not diary.diary_path().exists()


def test_log_without_a_terminal_names_the_missing_flags_and_exits_4():
    result = invoke("log", "--leg", "left")
    line = one_error(result, 4)
    assert "--muscle, --minutes, --severity" in line
    assert "--leg" not in line
    assert not diary.diary_path().exists()


def test_log_asks_a_person_for_what_is_missing(terminal):
    prompter = terminal(["right", "foot", "2.5", "8", ["walking", "massage"]])
    result = invoke("log", "--note", "woke at 3")
    assert result.code == 0, result.stderr
    assert len(prompter.asked) == 5
    (entry,) = diary.list_entries()
    assert (entry.leg, entry.muscle, entry.minutes, entry.severity) == ("right", "foot", 2.5, 8)
    assert entry.helped == ("walking", "massage")
    assert entry.note == "woke at 3"


def test_log_asks_only_for_what_is_missing(terminal):
    prompter = terminal(["8"])
    result = invoke(
        "log", "--leg", "left", "--muscle", "calf", "--minutes", "2", "--helped", "heat"
    )
    assert result.code == 0, result.stderr
    assert len(prompter.asked) == 1 and "How bad" in prompter.asked[0]
    assert diary.list_entries()[0].helped == ("heat",)


def test_log_with_every_required_flag_asks_nothing(terminal):
    prompter = terminal([])
    assert invoke("log", *REQUIRED).code == 0
    assert prompter.asked == []
    assert diary.list_entries()[0].helped == ()


def test_log_prompt_validators_say_what_is_allowed(terminal):
    prompter = terminal(["left", "calf", "3", "4", []])
    invoke("log")
    minutes = next(v for k, v in prompter.validators.items() if "minutes" in k)
    severity = next(v for k, v in prompter.validators.items() if "How bad" in k)
    assert minutes("3") is True
    assert "at most 240" in minutes("500")
    assert severity("10") is True
    assert "from 0 to 10" in severity("11")


def test_log_no_input_never_asks(terminal):
    prompter = terminal([])
    result = invoke("log", "--leg", "left", "--no-input")
    assert result.code == 4
    assert prompter.asked == []


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), EOFError()])
def test_ctrl_c_or_ctrl_d_in_a_log_prompt_exits_130_without_saving(terminal, stop):
    terminal(["left", stop])
    result = invoke("log")
    assert result.code == 130
    assert "Interrupted." in result.stderr
    assert result.stdout == ""
    assert diary.list_entries() == []


@pytest.fixture
def dumb_terminal(monkeypatch):
    """TERM=dumb with terminals on stdin and stderr: the real line prompts, typed lines
    read from CliRunner's input, what they write on its captured stderr."""
    import cramp_cli.console.terminal

    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.delenv("CRAMPS_NO_INPUT", raising=False)
    monkeypatch.setattr(cramp_cli.console.terminal, "is_tty", lambda stream: stream is not None)


def test_log_on_a_dumb_terminal_asks_with_plain_line_prompts(dumb_terminal):
    typed = ["9", "2", "1", "0", "3", "6", "1 3"]  # a wrong number and 0 minutes are refused
    result = invoke("log", input="".join(f"{line}\n" for line in typed), env={"TERM": "dumb"})
    assert result.code == 0, result.stderr
    assert result.stdout == "1\n"
    (entry,) = diary.list_entries()
    assert (entry.leg, entry.muscle, entry.minutes, entry.severity) == ("right", "calf", 3, 6)
    assert entry.helped == ("stretching", "massage")
    err = result.stderr
    assert "\x1b[" not in err  # no cursor control, no colour codes
    assert "? Which leg?\n" in err and "  2) Right\n" in err
    assert "  ! Type one of: 1, 2, 3" in err  # 9: refused under the prompt, asked again
    minutes = err.split("How many minutes did it last?")[1]
    assert minutes.split("> ")[1].startswith("  ! ")  # 0 minutes: refused with the reason
    assert "  ticked: Stretching\n  ticked: Massage\n" in err


@pytest.mark.parametrize(("typed", "kept"), [("\n", True), ("y\n", False)])
def test_forget_all_on_a_dumb_terminal_asks_with_a_line_prompt(dumb_terminal, typed, kept):
    log()
    result = invoke("forget", "--all", input=typed, env={"TERM": "dumb"})
    assert result.code == 0, result.stderr
    assert "cannot be undone. (y/N)" in result.stderr  # Enter alone removes nothing
    assert diary.diary_path().exists() is kept
    assert ("Kept the diary" in result.stderr) is kept


def test_no_input_on_a_dumb_terminal_never_asks(dumb_terminal):
    result = invoke("log", "--no-input", input="1\n", env={"TERM": "dumb"})
    assert "--leg, --muscle, --minutes, --severity" in one_error(result, 4)
    assert "Which leg" not in result.stderr
    log()
    assert "--yes" in one_error(invoke("forget", "--all", "--no-input", input="y\n"), 4)
    assert diary.diary_path().exists()


# --------------------------------------------------------------------------- history


@pytest.fixture
def three_entries() -> list[int]:
    return [
        log("--when", "2026-11-01T02:00", "--note", "first"),
        log(
            "--when",
            "2026-11-05T23:30",
            "--helped",
            "heat",
            "--helped",
            "walking",
            "--note",
            'say "hi", [bold]not bold[/bold] | pipe',
        ),
        log("--when", "2026-11-10T04:15", "--leg", "both", "--muscle", "thigh"),
    ]


def test_history_json_is_a_list_of_entries(three_entries):
    result = invoke("history", "--format", "json")
    assert result.code == 0
    entries = result.json()
    assert [e["id"] for e in entries] == three_entries
    assert all(
        set(e) == {"id", "when", "leg", "muscle", "minutes", "severity", "helped", "note"}
        for e in entries
    )
    assert entries[1]["helped"] == ["heat", "walking"]
    assert entries[2]["note"] is None
    assert entries[0]["when"].startswith("2026-11-01T02:00:00")
    assert datetime.fromisoformat(entries[0]["when"]).utcoffset() is not None


def test_history_since_and_until(three_entries):
    result = invoke("history", "-f", "json", "--since", "2026-11-05", "--until", "2026-11-05")
    assert [e["id"] for e in result.json()] == [three_entries[1]]


def test_history_csv_reads_back_with_the_csv_module(three_entries):
    result = invoke("history", "--format", "csv")
    assert result.code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [int(r["id"]) for r in rows] == three_entries
    assert rows[1]["note"] == 'say "hi", [bold]not bold[/bold] | pipe'
    assert rows[1]["helped"] == "heat;walking"
    assert list(rows[0]) == ["id", "when", "leg", "muscle", "minutes", "severity", "helped", "note"]


def test_history_table_shows_notes_literally(three_entries):
    result = invoke("history", env={"COLUMNS": "200"})
    assert result.code == 0
    assert "[bold]not bold[/bold]" in result.stdout
    assert "2026-11-10 04:15" in result.stdout
    assert "\x1b[" not in result.stdout  # no colour through a pipe


def test_history_of_an_empty_diary():
    assert invoke("history", "-f", "json").stdout == "[]\n"
    assert invoke("history", "-f", "csv").stdout == (
        "id,when,leg,muscle,minutes,severity,helped,note\n"
    )
    table = invoke("history")
    assert table.code == 0
    assert "cramps log" in table.stderr
    assert not diary.diary_path().exists()


@pytest.mark.parametrize("flag", ["--since", "--until"])
def test_history_bad_dates_exit_2(flag):
    assert "is not a date; use YYYY-MM-DD" in one_error(invoke("history", flag, "soon"), 2)


def test_history_bad_format_exits_2():
    assert invoke("history", "--format", "xml").code == 2


# --------------------------------------------------------------------------- stats


@pytest.fixture
def recent_entries() -> None:
    """Four episodes on three nights of the last three weeks (and one long before)."""
    log("--when", days_ago(2, 23), "--minutes", "2", "--severity", "4", "--helped", "stretching")
    log("--when", days_ago(1, 1), "--minutes", "6", "--severity", "8")  # the same night
    log("--when", days_ago(9), "--muscle", "foot", "--leg", "right", "--minutes", "4")
    log("--when", days_ago(16), "--leg", "both", "--severity", "6")
    log("--when", days_ago(200))


def test_stats_json(recent_entries):
    result = invoke("stats", "--format", "json")
    assert result.code == 0, result.stderr
    stats = result.json()
    for key in (
        "episodes",
        "nights_per_week",
        "mean_severity",
        "median_minutes",
        "by_muscle",
        "by_leg",
        "helped",
        "trend",
    ):
        assert key in stats
    assert stats["episodes"] == 4
    assert stats["nights"] == 3
    assert len(stats["nights_per_week"]) == 8
    assert sum(stats["nights_per_week"].values()) == 3
    assert all(k[:4].isdigit() and k[4:6] == "-W" for k in stats["nights_per_week"])
    assert list(stats["nights_per_week"]) == sorted(stats["nights_per_week"])
    assert stats["mean_severity"] == 5.8
    assert stats["median_minutes"] == 3.5
    assert stats["by_muscle"]["foot"] == 1
    assert stats["by_leg"] == {"left": 2, "right": 1, "both": 1}
    assert stats["helped"]["stretching"] == 1
    assert stats["trend"] in ("rising", "falling", "flat")


def test_stats_weeks(recent_entries):
    stats = invoke("stats", "--weeks", "30", "-f", "json").json()
    assert len(stats["nights_per_week"]) == 30
    assert stats["episodes"] == 5


def test_stats_text_has_a_chart_with_numbers(recent_entries):
    result = invoke("stats")
    assert result.code == 0
    out = result.stdout
    assert "Episodes:" in out and "Mean severity:" in out and "Trend:" in out
    chart = [line for line in out.splitlines() if line[:4].isdigit() and "-W" in line[:8]]
    assert len(chart) == 8
    assert (
        sum(int(line.split()[-1] if "so far" not in line else line.split()[-3]) for line in chart)
        == 3
    )
    assert any(("#" in line or "█" in line) for line in chart)
    assert "(so far)" in chart[-1]
    assert "By muscle:" in out and "What helped:" in out


def test_stats_of_an_empty_diary():
    result = invoke("stats")
    assert result.code == 0
    assert "Episodes:" in result.stdout
    assert "none logged" in result.stdout
    assert invoke("stats", "-f", "json").json()["episodes"] == 0


@pytest.mark.parametrize("weeks", ["1", "0", "-3", "many", "261"])
def test_stats_bad_weeks_exit_2(weeks):
    line = one_error(invoke("stats", "--weeks", weeks), 2)
    assert "--weeks: must be a whole number from 2 to 260" in line


# --------------------------------------------------------------------------- forget


def test_forget_one_entry():
    first, second = log(), log()
    result = invoke("forget", str(first))
    assert result.code == 0
    assert f"Forgot entry {first}" in result.stderr
    assert [e.id for e in diary.list_entries()] == [second]


@pytest.mark.parametrize("entry_id", ["99", "abc", "1.5"])
def test_forget_an_unknown_id_exits_2(entry_id):
    log()
    assert "no diary entry with id" in one_error(invoke("forget", entry_id), 2)
    assert len(diary.list_entries()) == 1


@pytest.mark.parametrize("args", [(), ("1", "--all")])
def test_forget_needs_an_id_or_all(args):
    assert "ID or --all" in one_error(invoke("forget", *args), 2)


def test_forget_all_without_a_terminal_needs_yes():
    log()
    line = one_error(invoke("forget", "--all"), 4)
    assert "--yes" in line
    assert len(diary.list_entries()) == 1


def test_forget_all_yes_removes_the_file_and_its_wal_and_shm():
    log()
    diary.save_assessment({"n": 1})
    path = diary.diary_path()
    keep_open = sqlite3.connect(path)  # so that -wal and -shm exist
    keep_open.execute("SELECT count(*) FROM entries").fetchone()
    try:
        assert Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
        result = invoke("forget", "--all", "--yes")
    finally:
        keep_open.close()
    assert result.code == 0, result.stderr
    for file in diary.diary_files(path):
        assert not file.exists(), file
    assert path.parent.exists()  # the folder stays
    assert invoke("history", "-f", "json").stdout == "[]\n"


def test_forget_all_asks_a_person_first(terminal):
    log()
    prompter = terminal([False])
    result = invoke("forget", "--all")
    assert result.code == 0
    assert "Kept the diary" in result.stderr
    assert diary.diary_path().exists()
    assert "cannot be undone" in prompter.asked[0]
    terminal([True])
    assert invoke("forget", "--all").code == 0
    assert not diary.diary_path().exists()


def test_forget_all_with_no_diary_is_fine():
    result = invoke("forget", "--all", "--yes")
    assert result.code == 0
    assert "no diary" in result.stderr


def test_forget_all_never_removes_a_foreign_file():
    home = diary.diary_path().parent
    home.mkdir()
    diary.diary_path().write_bytes(b"\x00not a diary" * 100)
    before = diary.diary_path().read_bytes()
    line = one_error(invoke("forget", "--all", "--yes"), 1)
    assert str(diary.diary_path()) in line
    assert diary.diary_path().read_bytes() == before


# --------------------------------------------------------------------------- damaged file


@pytest.mark.parametrize(
    "args",
    [
        ("history",),
        ("history", "-f", "json"),
        ("stats",),
        ("report",),
        ("forget", "1"),
        ("log", *REQUIRED),
        ("check", "--age", "60", "--from-diary"),
        ("check", "--age", "60", "--save"),
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_every_command_refuses_a_damaged_file_with_exit_1(args):
    diary.diary_path().parent.mkdir()
    data = b"Z" + os.urandom(4095)
    diary.diary_path().write_bytes(data)
    result = invoke(*args)
    assert result.code == 1
    line = next(x for x in result.stderr.splitlines() if x.startswith("cramps: error:"))
    assert str(diary.diary_path()) in line
    assert "move it aside" in line and ".bak" in line
    assert "Traceback" not in result.stderr
    assert diary.diary_path().read_bytes() == data
    assert sorted(p.name for p in diary.diary_path().parent.iterdir()) == ["diary.sqlite3"]


@pytest.mark.slow
def test_the_installed_command_refuses_a_foreign_sqlite_file(tmp_path):
    (tmp_path / "h").mkdir()
    path = tmp_path / "h" / "diary.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    env = {**os.environ, "CRAMPS_HOME": str(path.parent)}
    result = subprocess.run(
        [str(CRAMPS), "log", *REQUIRED],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 1
    assert "another program" in result.stderr
    assert f"mv {path} {path}.bak" in result.stderr
    assert path.read_bytes() == before


# --------------------------------------------------------------------------- check


def test_check_from_diary_fills_per_week_and_minutes():
    log("--when", days_ago(60))  # the diary began long ago: a full four weeks to average
    for days, minutes in ((1, "2"), (6, "4"), (13, "10"), (20, "6")):
        log("--when", days_ago(days), "--minutes", minutes)
    result = invoke("check", "--age", "60", "--from-diary", "--format", "json")
    assert result.code == 0, result.stderr
    answers = result.json()["answers"]
    assert answers["cramps_per_week"] == 1
    assert answers["cramp_minutes"] == 5
    assert "From the diary" in result.stderr


def test_check_from_diary_keeps_what_was_given(tmp_path):
    log("--when", days_ago(1), "--minutes", "7")
    result = invoke(
        "check", "--age", "60", "--cramps-per-week", "5", "--from-diary", "--format", "json"
    )
    answers = result.json()["answers"]
    assert answers["cramps_per_week"] == 5
    assert answers["cramp_minutes"] == 7
    file = write_answers(tmp_path, {"age": 60, "cramp_minutes": 2, "cramps_per_week": None})
    answers = invoke("check", "--answers", str(file), "--from-diary", "-f", "json").json()
    assert answers["answers"]["cramp_minutes"] == 2
    assert "cramps_per_week" in answers["answers"]


def test_check_from_an_empty_diary_fills_nothing_and_says_so():
    result = invoke("check", "--age", "60", "--from-diary", "--format", "json")
    assert result.code == 0
    assert result.json()["answers"] == {"age": 60}
    assert "no entries in the last four weeks" in result.stderr
    assert not diary.diary_path().exists()


def test_check_save_stores_the_assessment_for_the_report():
    result = invoke("check", "--age", "67", "--medication", "Lipitor", "--save", "-f", "json")
    assert result.code == 0, result.stderr
    saved = diary.latest_assessment()
    assert saved is not None
    assert saved.document == result.json()
    assert "Saved the assessment" in result.stderr
    assert diary.list_entries() == []


def test_check_save_with_missing_answers_saves_nothing():
    assert invoke("check", "--save").code == 4
    assert diary.latest_assessment() is None


def test_help_says_which_log_fields_are_required_and_where_the_diary_lives():
    text = invoke("log", "--help", env={"COLUMNS": "200"}).stdout
    assert "Required: --leg, --muscle, --minutes and --severity" in text
    assert "CRAMPS_HOME" in text
    assert "cramps forget --all" in text


def test_diary_output_is_json_that_tools_read():
    log()
    for args in (("history", "-f", "json"), ("stats", "-f", "json")):
        out = invoke(*args).stdout
        assert out.endswith("\n")
        json.loads(out)


# --------------------------------------------------------------------------- a real terminal


def spawn_log(*args: str):
    import pexpect

    env = {**os.environ, "CRAMPS_HOME": str(diary.diary_path().parent), "TERM": "xterm"}
    return pexpect.spawn(
        str(CRAMPS), ["log", *args], env=env, encoding="utf-8", timeout=20, dimensions=(24, 100)
    )


@pytest.mark.slow
def test_log_in_a_real_terminal_asks_with_questionary():
    import pexpect

    child = spawn_log("--minutes", "3", "--severity", "4")
    child.expect("Which leg")
    child.send("\r")  # Left
    child.expect("Which muscle")
    child.send("j\r")  # down to Foot (j: no escape-key delay)
    child.expect("What eased it")
    child.send(" \r")  # Stretching
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    (entry,) = diary.list_entries()
    assert (entry.leg, entry.muscle, entry.helped) == ("left", "foot", ("stretching",))


@pytest.mark.slow
def test_ctrl_c_in_a_real_terminal_exits_130_and_saves_nothing():
    import pexpect

    child = spawn_log()
    child.expect("Which leg")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert diary.list_entries() == []
