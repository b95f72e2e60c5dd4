"""`--rules FILE` works on every command, and a file that fails validation stops any of them
with exit 3 and the same `FILE:LINE:COL` message."""

from __future__ import annotations

import pytest

from tests.conftest import RULES

COMMANDS = [
    ["check", "--age", "40"],
    ["why", "older_age", "--age", "40"],
    ["schema", "answers"],
    ["medicines", "Lipitor"],
    ["rules", "list"],
    ["rules", "show", "older_age"],
    ["rules", "test"],
    ["log", "--leg", "left", "--muscle", "calf", "--minutes", "2", "--severity", "5"],
    ["history"],
    ["stats"],
    ["report"],
    ["forget", "--all", "--yes"],
]


@pytest.fixture
def broken_rules(tmp_path):
    path = tmp_path / "broken.yaml"
    text = RULES.read_text().replace("    kind: cause\n", "    kind: cause\n    severty: high\n", 1)
    path.write_text(text)
    line = text.splitlines().index("    severty: high") + 1
    return path, line


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_an_invalid_rules_file_stops_every_command_with_exit_3(cli, broken_rules, args):
    path, line = broken_rules
    result = cli(*args, "--rules", str(path))
    assert result.code == 3, result.stderr
    assert f"{path}:{line}:5: rule 'muscle_fatigue': unknown field 'severty'" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_valid_rules_file_is_accepted_by_every_command(cli, tmp_path, args):
    copy = tmp_path / "copy.yaml"
    copy.write_text(RULES.read_text())
    result = cli(*args, "--rules", str(copy))
    assert result.code == 0, result.stderr
