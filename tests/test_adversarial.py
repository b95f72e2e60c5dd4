"""The project's own adversarial suite (issue #14): hostile input of every class the attack
run found, each expected to be held: one clean line and the right exit code, never a
traceback, never a wrong triage, never a claim of success that is not true.

Classes: poisoned cache, duplicate keys, depth and size limits, invalid encodings, full disk,
hostile terminals and environments, symlinks and permissions. Obfuscated unsafe advice in a
rules file is in test_safety.py; the cache's details in test_cache.py.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cramp_cli.knowledge.loader import _cache_name
from tests.conftest import RULES, invoke, one_error_line

EMERGENCY = {"age": 50, "symptoms": ["breathless_or_chest_pain"]}


def run(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None, **kwargs
) -> subprocess.CompletedProcess:
    """cramps in a real process (for closed or full standard output)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "cramp_cli", *args],
        input=stdin,
        capture_output="stdout" not in kwargs,
        env=full_env,
        timeout=120,
        **kwargs,
    )


def no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr


# --------------------------------------------------------------------------- poisoned cache


def test_a_cache_edited_to_give_quinine_and_downgrade_chest_pain_is_not_believed(
    _isolated_home,
):
    def tamper() -> None:
        [entry] = (_isolated_home / "cache").glob("kb-*.json")
        head, _, body = entry.read_bytes().partition(b"\n")
        data = json.loads(body)
        data["data"]["self_care"][0]["title"] = "Take quinine at bedtime"
        for rule in data["data"]["rules"]:
            if rule["id"] == "possible_pulmonary_embolism":
                rule["triage"] = "routine"
        entry.write_bytes(head + b"\n" + json.dumps(data).encode())

    invoke("check", "--age", "40", "--format", "json")  # writes the cache
    tamper()
    result = invoke("check", "--answers", "-", "--format", "json", input=json.dumps(EMERGENCY))
    assert result.code == 0
    assert result.json()["triage"]["level"] == "emergency"
    assert "quinine" not in json.dumps(result.json()["self_care"]).lower()
    tamper()  # check rewrote a sound entry; tamper again for validate
    validate = invoke("rules", "validate")
    assert validate.code == 3 and "valid (" not in validate.stdout
    assert "cache entry" in one_error_line(validate.stderr)
    assert invoke("rules", "validate").code == 0  # the bad entry was removed


def test_a_cache_planted_without_a_key_is_ignored(_isolated_home, kb):
    folder = _isolated_home / "cache"
    folder.mkdir(mode=0o700)
    data = json.loads(json.dumps(dict(kb.data)))
    data["self_care"][0]["title"] = "Take quinine"
    entry = {"sha256": kb.sha256, "cramps": "x", "data": data}
    name = _cache_name(kb.sha256)
    (folder / name).write_text(json.dumps(entry))
    result = invoke("check", "--age", "40", "--symptom", "none", "--format", "json")
    assert "quinine" not in json.dumps(result.json()["self_care"]).lower()


# --------------------------------------------------------------------------- duplicate keys


@pytest.mark.parametrize(
    "text",
    [
        '{"age": 50, "symptoms": ["breathless_or_chest_pain"], "symptoms": []}',
        '{"age": 50, "symptoms": ["breathless_or_chest_pain"], "Symptoms": []}',
        '{"age": 50, "symptoms": ["breathless_or_chest_pain"], " SYMPTOMS ": []}',
        "age: 50\nsymptoms: [breathless_or_chest_pain]\nsymptoms: []\n",
        "age: 50\nsymptoms: [breathless_or_chest_pain]\nSymptoms: []\n",
    ],
)
def test_duplicate_keys_are_an_error_naming_the_key(text):
    result = invoke("check", "--answers", "-", "--format", "json", input=text)
    assert result.code == 2
    assert "duplicate key" in one_error_line(result.stderr)
    assert "ymptoms" in result.stderr
    assert result.stdout == ""


def test_a_batch_line_with_duplicate_keys_is_that_lines_error(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"age": 50, "symptoms": ["breathless_or_chest_pain"], "symptoms": []}\n{"age": 40}\n'
    )
    result = invoke("check", "--batch", str(source))
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["line"] == 1 and "duplicate key 'symptoms'" in first["error"]["message"]
    assert "triage" in second
    assert result.code == 2


@pytest.mark.parametrize("text,expected", [("age: 070\n", 70)])
def test_yaml_answers_read_numbers_as_yaml_1_2(text, expected):
    result = invoke("check", "--answers", "-", "--format", "json", input=text)
    assert result.json()["answers"]["age"] == expected


def test_yaml_answers_do_not_read_1_30_as_ninety():
    result = invoke(
        "check", "--answers", "-", "--format", "json", input="age: 50\ncramp_minutes: 1:30\n"
    )
    assert result.code == 2
    assert "cramp_minutes" in one_error_line(result.stderr)


# --------------------------------------------------------------------------- depth and size


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "]" * 5000,
        '{"age": 50, "symptoms": ' + "[" * 5000 + "]" * 5000 + "}",
        "a:\n" + "".join("  " * i + "- \n" for i in range(1, 400)),
        "age: " + "[" * 400 + "]" * 400,
    ],
)
def test_deep_nesting_is_one_clean_error(text):
    result = invoke("check", "--answers", "-", "--format", "json", input=text)
    assert result.code == 2
    one_error_line(result.stderr)


def test_deep_nesting_in_why_is_one_clean_error():
    result = invoke("why", "possible_dvt", "--answers", "-", input="[" * 5000 + "]" * 5000)
    assert result.code == 2
    one_error_line(result.stderr)


def test_a_deep_batch_line_does_not_stop_the_batch(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("[" * 100_000 + "]" * 100_000 + "\n" + json.dumps(EMERGENCY) + "\n")
    result = invoke("check", "--batch", str(source))
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["line"] == 1 and "error" in first
    assert second["triage"]["level"] == "emergency"
    no_traceback(result.stderr)


def test_a_rules_file_nested_too_deeply_is_invalid(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 1000 + "]" * 1000 + "\n")
    result = invoke("rules", "validate", str(path))
    assert result.code == 3
    assert "nest" in one_error_line(result.stderr)


def test_conditions_nested_too_deeply_are_invalid(tmp_path):
    text = RULES.read_text(encoding="utf-8")
    old = "when: {question: symptoms, contains_any: [breathless_or_chest_pain]}"
    deep = "{question: symptoms, contains_any: [breathless_or_chest_pain]}"
    for _ in range(40):
        deep = "{not: " + deep + "}"
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(old, "when: " + deep, 1), encoding="utf-8")
    result = invoke("rules", "validate", str(path))
    assert result.code == 3
    assert "nest more than" in result.stderr
    no_traceback(result.stderr)


def test_rules_from_an_endless_stream_are_refused_not_read_forever():
    result = run("rules", "validate", "/dev/zero")
    assert result.returncode == 3
    assert b"larger than the limit" in result.stderr


def test_answers_from_an_endless_stream_are_refused():
    result = run("check", "--answers", "/dev/zero")
    assert result.returncode == 2
    assert b"larger than" in result.stderr


def test_a_huge_batch_line_spoils_only_itself(tmp_path):
    source = tmp_path / "in.jsonl"
    with source.open("w") as out:
        out.write('{"age": 40, "medications": ["' + "x" * (3 * 1024 * 1024) + '"]}\n')
        out.write(json.dumps(EMERGENCY) + "\n")
    result = invoke("check", "--batch", str(source))
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["line"] == 1 and "longer than" in first["error"]["message"]
    assert second["triage"]["level"] == "emergency"


def test_an_endless_batch_line_ends_the_batch_with_its_error(monkeypatch):
    import io

    from cramp_cli.frontends import batch

    monkeypatch.setattr(batch, "MAX_SKIP_BYTES", 4 * 1024 * 1024)

    class Zeros(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[:] = b"0" * len(buffer)
            return len(buffer)

    lines = list(batch.read_lines(io.BufferedReader(Zeros()), limit=1024))
    assert len(lines) == 1 and "no end in sight" in str(lines[0])


def test_an_integer_of_thousands_of_digits_is_a_clean_error():
    for args in (["--age", "9" * 5000], ["--answers", "-"]):
        result = invoke("check", *args, "--format", "json", input='{"age": ' + "9" * 5000 + "}")
        assert result.code == 2
        one_error_line(result.stderr)


def test_infinite_bounds_in_a_rules_file_are_invalid(tmp_path):
    text = RULES.read_text(encoding="utf-8")
    start = text.index("  - id: standing_hours")
    at = text.index("max: 24", start)
    path = tmp_path / "rules.yaml"
    path.write_text(text[:at] + "max: .inf" + text[at + len("max: 24") :], encoding="utf-8")
    result = invoke("rules", "validate", str(path))
    assert result.code == 3
    assert "finite number" in result.stderr


def test_a_long_list_of_medicines_is_refused_quickly():
    answers = {"age": 40, "medications": [f"m{i}" for i in range(50_000)]}
    result = invoke("check", "--answers", "-", input=json.dumps(answers))
    assert result.code == 2
    assert "at most" in one_error_line(result.stderr)


# --------------------------------------------------------------------------- encodings


def test_one_non_utf8_byte_spoils_only_its_batch_line(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        b'{"age": 40, "medications": ["\xff"]}\n' + json.dumps(EMERGENCY).encode() + b"\n"
    )
    result = invoke("check", "--batch", str(source))
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["line"] == 1 and "UTF-8" in first["error"]["message"]
    assert second["triage"]["level"] == "emergency"


def test_an_answers_file_that_is_not_utf8_is_a_clean_error(tmp_path):
    path = tmp_path / "a.json"
    path.write_bytes(b'{"age": 40, "sex": "\xff"}')
    result = invoke("check", "--answers", str(path))
    assert result.code == 2
    assert "UTF-8" in one_error_line(result.stderr)


def test_invalid_utf8_in_an_argument_is_a_clean_error():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cramp_cli",
            "check",
            "--age",
            "40",
            "--medication",
            os.fsdecode(b"\xff\xfe"),
            "--format",
            "json",
        ],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert b"UTF-8" in result.stderr and b"Traceback" not in result.stderr


@pytest.mark.parametrize("text", ['\ufeff{"age": 40}', "\ufeffage: 40\n"])
def test_a_byte_order_mark_is_accepted_in_json_and_yaml_alike(text):
    result = invoke("check", "--answers", "-", "--format", "json", input=text)
    assert result.code == 0
    assert result.json()["answers"]["age"] == 40


# --------------------------------------------------------------------------- full disk


@pytest.mark.parametrize("fmt", ["json", "text", "markdown"])
def test_a_full_disk_is_exit_1_with_one_line(fmt):
    with open("/dev/full", "wb") as full:
        result = run(
            "check",
            "--answers",
            "-",
            "--format",
            fmt,
            stdin=json.dumps(EMERGENCY).encode(),
            stdout=full,
            stderr=subprocess.PIPE,
        )
    assert result.returncode == 1
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "No space left" in lines[0], lines


def test_a_full_disk_during_a_batch_is_exit_1_with_no_summary(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(EMERGENCY) + "\n")
    with open("/dev/full", "wb") as full:
        result = run("check", "--batch", str(source), stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 1
    assert b"assessed" not in result.stderr  # no claim that the work was done
    assert b"No space left" in result.stderr


def test_a_closed_stdout_is_exit_1_with_one_line():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys, runpy; os.close(1); sys.argv = ['cramps', 'check', '--age', '50', "
            "'--format', 'json']; runpy.run_module('cramp_cli', run_name='__main__')",
        ],
        capture_output=False,
        stderr=subprocess.PIPE,
        timeout=120,
    )
    assert result.returncode == 1
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cramps: error:"), lines


def test_a_full_disk_writing_the_report_removes_the_partial_file(tmp_path, monkeypatch):
    from cramp_cli.console import files

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "write", full)
    out = tmp_path / "report.md"
    result = invoke("report", "--out", str(out))
    assert result.code == 1
    assert "No space left" in one_error_line(
        result.stderr.replace(
            "cramps: warning: no saved assessment in the diary; run cramps check --save to "
            "include one\n",
            "",
        )
    )
    assert "Wrote" not in result.stderr
    assert not out.exists()


def test_a_full_disk_while_saving_to_the_diary_is_not_called_damage(monkeypatch):
    import sqlite3

    from cramp_cli.diary import store

    error = sqlite3.OperationalError("database or disk is full")
    message = str(store._sqlite_error(Path("/x/diary.sqlite3"), error))
    assert "disk is full" in message and "damaged" not in message


# --------------------------------------------------------------------------- hostile terminals


@pytest.mark.parametrize("columns", ["0", "-5", "abc", "99999999999"])
def test_a_hostile_columns_still_prints_the_emergency(columns):
    result = run(
        "check", "--answers", "-", stdin=json.dumps(EMERGENCY).encode(), env={"COLUMNS": columns}
    )
    assert result.returncode == 0
    assert b"999" in result.stdout
    no_traceback(result.stderr.decode())


def test_an_ascii_only_output_still_prints_and_exits_0():
    result = run(
        "check",
        "--answers",
        "-",
        "--format",
        "markdown",
        stdin=json.dumps(EMERGENCY).encode(),
        env={"PYTHONIOENCODING": "ascii"},
    )
    assert result.returncode == 0
    assert b"999" in result.stdout
    no_traceback(result.stderr.decode())


def test_an_impossible_time_zone_falls_back_to_utc(tmp_path):
    env = {"TZ": "UTC+24", "CRAMPS_HOME": str(tmp_path / "home")}
    logged = run(
        "log",
        "--leg",
        "left",
        "--muscle",
        "calf",
        "--minutes",
        "2",
        "--severity",
        "3",
        "--no-input",
        env=env,
    )
    assert logged.returncode == 0, logged.stderr
    assert run("stats", env=env).returncode == 0


def test_escape_codes_in_an_error_message_are_made_visible():
    result = invoke("check", "--answers", "-", input='{"age": 40, "\\u001b[2Jevil\\nline": 1}')
    assert result.code == 2
    line = one_error_line(result.stderr)
    assert "\x1b" not in line and "\\x1b" in line


def test_bidi_override_characters_in_a_diary_note_are_refused():
    result = invoke(
        "log",
        "--leg",
        "left",
        "--muscle",
        "calf",
        "--minutes",
        "2",
        "--severity",
        "3",
        "--note",
        "ok \u202eevil",
        "--no-input",
    )
    assert result.code == 2
    assert "bidirectional" in one_error_line(result.stderr)


@pytest.mark.parametrize("command", [["--version"], ["rules", "list"], ["check", "--age", "40"]])
def test_a_closed_stdout_is_one_line_for_every_command(command):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys, runpy; os.close(1); sys.argv = ['cramps', *sys.argv[1:]]; "
            "runpy.run_module('cramp_cli', run_name='__main__')",
            *command,
        ],
        stderr=subprocess.PIPE,
        timeout=120,
    )
    assert result.returncode == 1
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "cannot write" in lines[0], lines


def test_an_ascii_only_terminal_still_lists_a_note_with_accents(tmp_path):
    env = {"CRAMPS_HOME": str(tmp_path / "home"), "PYTHONIOENCODING": "ascii"}
    assert (
        run(
            "log",
            "--leg",
            "left",
            "--muscle",
            "calf",
            "--minutes",
            "2",
            "--severity",
            "3",
            "--note",
            "caf\u00e9",
            "--no-input",
            env=env,
        ).returncode
        == 0
    )
    listed = run("history", env=env)
    assert listed.returncode == 0
    assert b"caf" in listed.stdout
    no_traceback(listed.stderr.decode())


# --------------------------------------------------------------------------- symlinks, modes


def test_save_answers_is_private_and_never_overwrites_without_force(tmp_path):
    path = tmp_path / "answers.json"
    first = invoke("check", "--age", "40", "--save-answers", str(path))
    assert first.code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = invoke("check", "--age", "41", "--save-answers", str(path))
    assert again.code == 2 and "--force" in one_error_line(again.stderr)
    assert json.loads(path.read_text())["age"] == 40
    forced = invoke("check", "--age", "41", "--save-answers", str(path), "--force")
    assert forced.code == 0 and json.loads(path.read_text())["age"] == 41


def test_save_answers_never_writes_through_a_symlink(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "answers.json"
    link.symlink_to(victim)
    refused = invoke("check", "--age", "40", "--save-answers", str(link))
    assert refused.code == 2
    forced = invoke("check", "--age", "40", "--save-answers", str(link), "--force")
    assert forced.code == 2 and "symbolic link" in one_error_line(forced.stderr)
    assert victim.read_text() == "keep me" and link.is_symlink()


def test_save_answers_never_replaces_a_device(tmp_path):
    result = invoke("check", "--age", "40", "--save-answers", "/dev/null", "--force")
    assert result.code == 2 and "not a regular file" in one_error_line(result.stderr)
    assert Path("/dev/null").is_char_device()


def test_report_out_is_private_never_follows_a_symlink_nor_overwrites(tmp_path):
    victim = tmp_path / "victim.md"
    victim.write_text("keep me")
    link = tmp_path / "report.md"
    link.symlink_to(victim)
    assert invoke("report", "--out", str(link)).code == 2
    assert victim.read_text() == "keep me"
    fresh = tmp_path / "new.md"
    old_umask = os.umask(0)
    try:
        assert invoke("report", "--out", str(fresh)).code == 0
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_an_existing_report_at_0644_is_replaced_by_a_private_one_with_force(tmp_path):
    out = tmp_path / "report.md"
    out.write_text("old")
    os.chmod(out, 0o644)
    assert invoke("report", "--out", str(out), "--force").code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and out.read_text() != "old"


def test_a_world_writable_cramps_home_is_refused(tmp_path):
    home = tmp_path / "shared"
    home.mkdir()
    os.chmod(home, 0o777)
    result = invoke(
        "log",
        "--leg",
        "left",
        "--muscle",
        "calf",
        "--minutes",
        "2",
        "--severity",
        "3",
        "--no-input",
        env={"CRAMPS_HOME": str(home)},
    )
    assert result.code == 1
    assert "can be written by anyone" in one_error_line(result.stderr)
    assert not (home / "diary.sqlite3").exists()


def test_a_foreign_cramps_home_is_refused(tmp_path, monkeypatch):
    home = tmp_path / "theirs"
    home.mkdir(mode=0o700)
    uid = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: uid + 1)
    result = invoke("history", env={"CRAMPS_HOME": str(home)})
    assert result.code == 1
    assert "belongs to another user" in one_error_line(result.stderr)


def test_a_symlinked_diary_is_neither_read_nor_forgotten(tmp_path):
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    elsewhere = tmp_path / "elsewhere.sqlite3"
    env = {"CRAMPS_HOME": str(tmp_path / "real")}
    assert (
        invoke(
            "log",
            "--leg",
            "left",
            "--muscle",
            "calf",
            "--minutes",
            "2",
            "--severity",
            "3",
            "--no-input",
            env=env,
        ).code
        == 0
    )
    os.replace(tmp_path / "real" / "diary.sqlite3", elsewhere)
    (home / "diary.sqlite3").symlink_to(elsewhere)
    env = {"CRAMPS_HOME": str(home)}
    history = invoke("history", env=env)
    assert history.code == 1 and "symbolic link" in one_error_line(history.stderr)
    forget = invoke("forget", "--all", "--yes", env=env)
    assert forget.code == 1
    assert elsewhere.exists()


def test_the_cache_never_writes_through_a_planted_temporary_symlink(_isolated_home, tmp_path):
    """The temporary name is random and opened O_EXCL|O_NOFOLLOW in a private folder."""
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    folder = _isolated_home / "cache"
    folder.mkdir(mode=0o700)
    for pid in range(os.getpid() - 2, os.getpid() + 3):
        (folder / f"kb.{pid}.tmp").symlink_to(victim)
    assert invoke("check", "--age", "40", "--format", "json").code == 0
    assert victim.read_text() == "keep me"
    assert list(folder.glob("kb-*.json"))
