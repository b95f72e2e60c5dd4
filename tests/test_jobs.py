"""`cramps check --batch FILE --jobs N`: the same lines, order, error lines, summary and exit
code as one process, from worker processes that each load the knowledge base."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import RULES, invoke

CRAMPS = Path(sys.executable).parent / "cramps"


def _lines(count: int) -> list[str]:
    """A batch that spans many chunks, with blank lines, bad JSON and bad answers in it."""
    lines = []
    for i in range(count):
        if i % 97 == 13:
            lines.append(json.dumps({"age": "forty"}))
        elif i % 89 == 7:
            lines.append("{not json")
        elif i % 83 == 5:
            lines.append("")
        else:
            lines.append(
                json.dumps(
                    {
                        "age": 1 + i % 110,
                        "symptoms": [] if i % 3 else ["one_leg_swollen"],
                        "medications": ["Lipitor"] * (i % 2),
                    }
                )
            )
    return lines


def _run(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    # the region fixed as the tests fix it, also for the module-scoped run (outside monkeypatch)
    env = {**os.environ, "CRAMPS_NO_COLOR": "1", "CRAMPS_REGION": "uk"}
    return subprocess.run(
        [str(CRAMPS), "check", *args],
        capture_output=True,
        text=True,
        input=input,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    folder = tmp_path_factory.mktemp("jobs")
    source = folder / "in.jsonl"
    source.write_text("\n".join(_lines(700)) + "\n")
    return source, _run("--batch", str(source))


@pytest.mark.parametrize("jobs", ["2", "0", "3"])
def test_jobs_write_the_same_bytes_in_the_same_order(batch, jobs):
    source, one = batch
    many = _run("--batch", str(source), "--jobs", jobs)
    assert many.returncode == one.returncode == 2  # some lines failed, the rest assessed
    assert many.stdout == one.stdout
    assert many.stderr == one.stderr
    out = [json.loads(line) for line in many.stdout.splitlines()]
    errors = [doc["line"] for doc in out if "error" in doc]
    assert errors == [
        i + 1 for i, line in enumerate(_lines(700)) if line.startswith("{not") or "forty" in line
    ]
    ages = [doc["answers"]["age"] for doc in out if "error" not in doc]
    assert ages == [
        json.loads(line)["age"]
        for line in _lines(700)
        if line.startswith('{"age": ') and "forty" not in line
    ]
    assert many.stderr.strip().endswith(f"{len(ages)} assessed, {len(errors)} errors")


@pytest.mark.parametrize(
    "options",
    [
        ["--fields", "triage.level,red_flags.id,causes.id,medications"],
        ["--region", "us"],
        ["--region", "au", "--fields", "see_doctor.text,region"],
    ],
)
def test_jobs_narrow_and_reword_as_one_process_does(batch, options):
    """--fields and --region reach the workers: the same bytes as one process gives."""
    source, _ = batch
    one = _run("--batch", str(source), "--jobs", "1", *options)
    two = _run("--batch", str(source), "--jobs", "2", *options)
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)
    assert one.stdout.count("\n") > 600


def test_jobs_exit_0_when_every_line_is_assessed(tmp_path):
    source = tmp_path / "good.jsonl"
    source.write_text("".join(json.dumps({"age": 20 + i % 60}) + "\n" for i in range(150)))
    result = _run("--batch", str(source), "-j", "2")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 150
    assert result.stderr.strip() == "150 assessed, 0 errors"


def test_jobs_read_standard_input(tmp_path):
    text = "".join(json.dumps({"age": 30 + i % 50}) + "\n" for i in range(200))
    result = _run("--batch", "-", "--jobs", "2", input=text)
    assert result.returncode == 0
    assert [json.loads(line)["answers"]["age"] for line in result.stdout.splitlines()] == [
        30 + i % 50 for i in range(200)
    ]


def test_workers_use_the_rules_file_given(tmp_path):
    rules = tmp_path / "my-rules.yaml"
    shutil.copy(RULES, rules)
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# a local copy\n", encoding="utf-8")
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"age": 44}) + "\n" for _ in range(150)))
    result = _run("--batch", str(source), "--jobs", "2", "--rules", str(rules))
    assert result.returncode == 0, result.stderr
    hashes = {json.loads(line)["knowledge_base"]["sha256"] for line in result.stdout.splitlines()}
    import hashlib

    assert hashes == {hashlib.sha256(rules.read_bytes()).hexdigest()}


def test_warnings_name_their_line_under_jobs(tmp_path):
    source = tmp_path / "in.jsonl"
    lines = [json.dumps({"age": 40})] * 100 + [
        json.dumps({"age": 40, "sex": "male", "pregnant": True})
    ]
    source.write_text("\n".join(lines) + "\n")
    result = _run("--batch", str(source), "--jobs", "2")
    assert result.returncode == 0
    assert "cramps: warning: line 101: pregnant: yes ignored" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--age", "40", "--jobs", "2"], "--jobs works with --batch"),
        (["--batch", "-", "--jobs", "-1"], "--jobs: must be 0 (every core) or a positive number"),
        (["--batch", "-", "--jobs", "two"], "--jobs"),
    ],
)
def test_jobs_usage_errors(args, message):
    result = invoke("check", *args, input="")
    assert result.code == 2
    assert result.stdout == ""
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_reader_that_goes_away_ends_a_parallel_run_quietly_and_leaves_no_worker(tmp_path):
    source = tmp_path / "many.jsonl"
    source.write_text((json.dumps({"age": 44}) + "\n") * 5000)
    child = subprocess.Popen(
        [str(CRAMPS), "check", "--batch", str(source), "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own group, so what is left of it can be looked for
    )
    child.stdout.readline()
    child.stdout.close()  # like `| head -n 1`
    assert child.wait(timeout=120) == 0
    assert b"Traceback" not in child.stderr.read()
    child.stderr.close()
    assert _group_is_gone(child.pid)


def test_jobs_in_process_match_one_process(cli, tmp_path):
    """Through the CLI runner too (the pool's workers fork from the test process)."""
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(_lines(200)) + "\n")
    one = cli("check", "--batch", str(source))
    two = cli("check", "--batch", str(source), "--jobs", "2")
    assert (two.code, two.stdout, two.stderr) == (one.code, one.stdout, one.stderr)


def test_workers_write_straight_to_a_file_as_one_process_does(batch, tmp_path):
    """`> out.jsonl`: the workers share the file's offset, so their turns land in order."""
    source, one = batch
    outputs = {}
    for jobs in ("1", "2", "3"):
        target = tmp_path / f"out-{jobs}.jsonl"
        with target.open("wb") as out:
            subprocess.run(
                [str(CRAMPS), "check", "--batch", str(source), "--jobs", jobs],
                stdout=out,
                stderr=subprocess.DEVNULL,
                env={**os.environ, "CRAMPS_NO_COLOR": "1", "CRAMPS_REGION": "uk"},
                timeout=300,
                check=False,
            )
        outputs[jobs] = target.read_text(encoding="utf-8")
    assert outputs["1"] == outputs["2"] == outputs["3"] == one.stdout


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_under_jobs_is_exit_1_with_one_line_and_no_summary(tmp_path, jobs):
    source = tmp_path / "in.jsonl"
    source.write_text((json.dumps({"age": 44}) + "\n") * 300)
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [str(CRAMPS), "check", "--batch", str(source), "--jobs", jobs],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
    assert result.returncode == 1
    lines = result.stderr.decode().strip().splitlines()
    assert lines == ["cramps: error: cannot write the results: No space left on device"], lines


def test_a_closed_output_under_jobs_is_exit_1_with_one_line(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text((json.dumps({"age": 44}) + "\n") * 300)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys, runpy; os.close(1); sys.argv = ['cramps', *sys.argv[1:]]; "
            "runpy.run_module('cramp_cli', run_name='__main__')",
            "check",
            "--batch",
            str(source),
            "--jobs",
            "2",
        ],
        stderr=subprocess.PIPE,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "cannot write the results" in lines[0], lines


def _group_is_gone(group: int) -> bool:
    import time

    for _ in range(50):  # the workers are ended as the command exits; give them a moment
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_ctrl_c_ends_a_parallel_run_with_130_and_leaves_no_worker():
    import signal
    import time

    child = subprocess.Popen(
        [str(CRAMPS), "check", "--batch", "-", "--jobs", "2"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own group, as a terminal's foreground job is
    )
    # lines to work on, and an input that stays open: the run is busy or waiting, never done
    child.stdin.write(
        b"".join(json.dumps({"age": 18 + i % 80}).encode() + b"\n" for i in range(3000))
    )
    child.stdin.flush()
    time.sleep(1.5)
    os.killpg(child.pid, signal.SIGINT)  # what Ctrl-C sends: to every process of the group
    assert child.wait(timeout=60) == 130
    assert b"Traceback" not in child.stderr.read()
    child.stderr.close()
    child.stdin.close()
    assert _group_is_gone(child.pid)


@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGTERM"])
def test_workers_end_by_themselves_when_the_parent_is_killed(tmp_path, signal_name):
    """Killed, the parent cannot end its workers; they notice and end, not wait for ever."""
    import signal
    import time

    source = tmp_path / "many.jsonl"
    source.write_text(
        "".join(
            json.dumps({"age": 18 + i % 80, "medications": ["Lipitor"]}) + "\n"
            for i in range(40000)
        )
    )
    child = subprocess.Popen(
        [str(CRAMPS), "check", "--batch", str(source), "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(1.0)
    os.kill(child.pid, getattr(signal, signal_name))  # the parent alone, as the OOM killer does
    child.wait(timeout=60)
    assert _group_is_gone(child.pid)
