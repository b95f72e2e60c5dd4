"""Start-up stays lean: a script's `cramps check --format json` imports none of the heavy
libraries. They are imported lazily, only where needed: pydantic and yaml to validate a rules
file that is not in the cache, rich for text, questionary and prompt_toolkit to ask, rapidfuzz
for a misspelt medicine, platformdirs off Linux.

Read from the installed command with Python's own import log (PYTHONPROFILEIMPORTTIME), so
what is measured is what a script pays.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # the installed command, four times

CRAMPS = Path(sys.executable).parent / "cramps"
HEAVY = {"pydantic", "yaml", "rich", "questionary", "prompt_toolkit", "rapidfuzz", "platformdirs"}


def _imported(args: list[str], cache: Path) -> set[str]:
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1", "CRAMPS_CACHE_DIR": str(cache)}
    result = subprocess.run(
        [str(CRAMPS), *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.startswith("import time:")]
    assert lines, "no import log: PYTHONPROFILEIMPORTTIME had no effect"
    return {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in lines}


def test_check_json_imports_no_heavy_library(tmp_path):
    args = ["check", "--age", "50", "--symptom", "none", "--no-input", "--format", "json"]
    args += ["--medication", "Lipitor"]
    first = _imported(args, tmp_path)  # builds the knowledge-base cache: pydantic, yaml
    assert {"yaml", "pydantic"} <= first  # so the log would show them if they were imported
    assert _imported(args, tmp_path) & HEAVY == set()


def test_text_output_does_import_rich(tmp_path):
    # The control: the log sees a lazy import when one happens.
    args = ["check", "--age", "50", "--symptom", "none", "--no-input"]
    _imported(args, tmp_path)
    assert "rich" in _imported(args, tmp_path)
