"""Batch mode: JSON Lines in, one assessment per line out, in order, streaming."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import assess

CRAMPS = Path(sys.executable).parent / "cramps"
LINES = [
    json.dumps({"age": 40}),
    "",
    json.dumps({"age": "forty"}),
    "{not json",
    json.dumps({"age": 70, "symptoms": ["one_leg_swollen"]}),
    json.dumps({"sex": "male"}),
]


def test_one_line_per_input_line_in_order_with_error_lines(cli, tmp_path, kb):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(LINES) + "\n")
    result = cli("check", "--batch", str(source))
    assert result.code == 2  # some lines failed; the others were assessed
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 5  # the blank line is skipped
    assert out[0] == assess(kb, {"age": 40})
    assert out[1] == {
        "line": 3,
        "error": {"message": "age: must be a whole number from 1 to 120, not 'forty'"},
    }
    assert out[2]["line"] == 4 and "not valid JSON" in out[2]["error"]["message"]
    assert out[3]["red_flags"][0]["id"] == "possible_dvt"
    assert out[4] == {"line": 6, "error": {"message": "missing required answers: age"}}
    assert result.stderr.strip().endswith("2 assessed, 3 errors")


def test_each_output_line_is_compact_json(cli, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"age": 40}) + "\n" + json.dumps({"age": 50}) + "\n")
    result = cli("check", "--batch", str(source))
    assert result.code == 0
    lines = result.stdout.split("\n")
    assert lines[-1] == "" and len(lines) == 3
    assert all(
        ", " not in line[:60] and line.startswith('{"schema_version":1,') for line in lines[:2]
    )
    assert result.stderr.strip() == "2 assessed, 0 errors"


def test_batch_from_standard_input(cli):
    result = cli("check", "--batch", "-", input=json.dumps({"age": 33}) + "\n")
    assert result.code == 0
    assert json.loads(result.stdout)["answers"] == {"age": 33}


def test_batch_takes_no_answers_flags_or_other_format(cli, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"age": 40}) + "\n")
    for extra in (["--answers", str(source)], ["--age", "40"], ["--format", "text"]):
        result = cli("check", "--batch", str(source), *extra)
        assert result.code == 2, extra
        assert result.stdout == ""
        assert "--batch" in result.stderr
    assert cli("check", "--batch", str(source), "--format", "json").code == 0
    assert cli("check", "--batch", str(tmp_path / "missing.jsonl")).code == 2


def _child_env() -> dict[str, str]:
    return {**os.environ, "CRAMPS_NO_CACHE": "1"}


@pytest.mark.slow
def test_results_stream_before_the_input_ends():
    """The first assessment arrives while the writer still holds the input open."""
    child = subprocess.Popen(
        [str(CRAMPS), "check", "--batch", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_child_env(),
    )
    try:
        child.stdin.write(json.dumps({"age": 61}) + "\n")
        child.stdin.flush()
        first = json.loads(child.stdout.readline())  # blocks until the child writes it
        assert first["answers"] == {"age": 61}
        child.stdin.write(json.dumps({"age": 62}) + "\n")
        child.stdin.close()
        second = json.loads(child.stdout.readline())
        assert second["answers"] == {"age": 62}
        assert child.wait(timeout=60) == 0
    finally:
        child.kill()
        child.wait()


@pytest.mark.slow
def test_a_reader_that_goes_away_ends_the_run_quietly(tmp_path):
    source = tmp_path / "many.jsonl"
    source.write_text((json.dumps({"age": 44}) + "\n") * 3000)
    child = subprocess.Popen(
        [str(CRAMPS), "check", "--batch", str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_child_env(),
    )
    child.stdout.readline()
    child.stdout.close()  # like `| head -n 1`
    assert child.wait(timeout=120) == 0
    assert b"Traceback" not in child.stderr.read()
    child.stderr.close()


def test_text_that_is_not_unicode_is_an_error_line_naming_its_answer(cli, tmp_path):
    """A lone surrogate (what bytes that were not UTF-8 become) in a key, a value or a list
    item: that line's error, the others assessed, and nothing written that is not UTF-8."""
    source = tmp_path / "in.jsonl"
    lines = [
        '{"age": 40, "medications": ["Lipit\\ud800or"]}',
        '{"age": 40, "sex": "fe\\udcffmale"}',
        '{"age": 40, "\\ud800": 1}',
        '{"age": 40, "medications": ["ibuprofène"], "sex": "female"}',
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("check", "--batch", str(source))
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [doc.get("error", {}).get("message") for doc in out] == [
        "medications: not valid UTF-8 text",
        "sex: not valid UTF-8 text",
        "\\ud800: not valid UTF-8 text",
        None,
    ]
    assert out[3]["medications"][0]["input"] == "ibuprofène"


def test_a_batch_in_process_leaves_the_garbage_collector_as_it_found_it(cli, tmp_path):
    """The batch tunes the collector for its own run; a program that runs one in process
    (a test, the API's caller) gets it back unchanged."""
    import gc

    before = (gc.get_threshold(), gc.get_freeze_count())
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(LINES) + "\n")
    cli("check", "--batch", str(source))
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_everything_written_arrives_when_cramps_ends_without_teardown(tmp_path, kb):
    """cramps ends its process without the interpreter's teardown (__main__.exit_now): what
    it wrote must still arrive whole, through a pipe and into a file, with the exit code."""
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"age": 20 + i % 70}) + "\n" for i in range(400)))
    piped = subprocess.run(
        [str(CRAMPS), "check", "--batch", str(source)], capture_output=True, timeout=120
    )
    assert piped.returncode == 0
    docs = [json.loads(line) for line in piped.stdout.decode().splitlines()]
    assert [d["answers"]["age"] for d in docs] == [20 + i % 70 for i in range(400)]
    assert piped.stderr.decode().strip() == "400 assessed, 0 errors"
    target = tmp_path / "one.json"
    with target.open("wb") as out:
        one = subprocess.run(
            [str(CRAMPS), "check", "--age", "70", "--format", "json"],
            stdout=out,
            stderr=subprocess.PIPE,
            env={**os.environ, "CRAMPS_REGION": "uk"},
            timeout=120,
        )
    assert one.returncode == 0
    assert json.loads(target.read_text(encoding="utf-8")) == assess(kb, {"age": 70})
