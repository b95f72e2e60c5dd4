"""The installed `cramps` as a user runs it: from any folder, with standard input closed,
through `python -m cramp_cli`, and the wheel carrying rules.yaml."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

# A pseudo-terminal, real widgets or the installed command: outside the inner loop.
pytestmark = pytest.mark.slow

CRAMPS = Path(sys.executable).parent / "cramps"


def run(args: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "CRAMPS_NO_CACHE": "1"}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=60, **kwargs
    )


def test_entry_point_works_from_any_folder(tmp_path):
    assert CRAMPS.exists(), "the package is installed in this environment"
    case = json.loads((EXAMPLES / "dyazide.json").read_text())
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(case["answers"]))
    result = run(
        [str(CRAMPS), "check", "--answers", str(answers), "--format", "json"],
        tmp_path,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["triage"]["level"] == "routine"
    assert result.stderr == ""


def test_python_dash_m_works(tmp_path):
    result = run([sys.executable, "-m", "cramp_cli", "--version"], tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("cramps ")


def test_closed_standard_input_is_not_a_terminal(tmp_path):
    """Under CI standard input may be closed entirely (sys.stdin is None)."""
    ok = run(["bash", "-c", f"'{CRAMPS}' check --age 40 --format json <&-"], tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["answers"] == {"age": 40}
    missing = run(["bash", "-c", f"'{CRAMPS}' check --format json <&-"], tmp_path)
    assert missing.returncode == 4
    assert "--age" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_no_traceback_for_a_directory_as_answers(tmp_path):
    result = run(
        [str(CRAMPS), "check", "--answers", str(tmp_path)], tmp_path, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_the_wheel_carries_rules_yaml(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    wheel = next(tmp_path.glob("cramps-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert "cramp_cli/data/rules.yaml" in names
        packaged = archive.read("cramp_cli/data/rules.yaml")
    assert packaged == (ROOT / "rules.yaml").read_bytes()
    assert any(name.endswith("entry_points.txt") for name in names)
