"""Shell completion as a person at a prompt meets it: Tab after a command, an option or a
value offers what cramps accepts, from the commands and the knowledge base."""

from __future__ import annotations

import subprocess

import pytest


def _bash_complete(script: str, *words: str) -> list[str]:
    """What bash offers for the last word, with the script loaded as a user would."""
    line = " ".join(f"'{w}'" for w in words)
    program = (
        f"{script}\nCOMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; _cramps\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    out = subprocess.run(["bash", "-c", program], capture_output=True, text=True, check=True)
    return [w for w in out.stdout.splitlines() if w]


@pytest.fixture(scope="module")
def bash_script():
    from tests.conftest import invoke

    result = invoke("completion", "bash")
    assert result.code == 0, result.stderr
    return result.stdout


def test_bash_completes_commands_options_and_the_knowledge_bases_words(bash_script):
    assert "check" in _bash_complete(bash_script, "cramps", "ch")
    assert _bash_complete(bash_script, "cramps", "check", "--sym") == ["--symptom"]
    assert _bash_complete(bash_script, "cramps", "check", "--symptom", "one_l") == [
        "one_leg_swollen"
    ]
    assert "kidney_disease" in _bash_complete(bash_script, "cramps", "check", "--condition", "k")
    assert "Lipitor" in _bash_complete(bash_script, "cramps", "check", "--medication", "Lip")
    assert _bash_complete(bash_script, "cramps", "rules", "val") == ["validate"]
    assert "possible_dvt" in _bash_complete(bash_script, "cramps", "why", "possible_d")
    assert "fhir-questionnaire" in _bash_complete(bash_script, "cramps", "schema", "f")


def test_bash_completes_options_after_other_options_and_values(bash_script):
    words = ("cramps", "check", "--age", "67", "--symptom", "fatigue", "--form")
    assert _bash_complete(bash_script, *words) == ["--format"]
    assert _bash_complete(bash_script, "cramps", "check", "--format", "ma") == ["markdown"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_every_shell_gets_a_script_naming_every_command(cli, shell):
    result = cli("completion", shell)
    assert result.code == 0, result.stderr
    for command in ("check", "rules", "why", "schema", "medicines", "log", "report", "forget"):
        assert command in result.stdout
    assert "one_leg_swollen" in result.stdout and "possible_dvt" in result.stdout


def test_zsh_loads_the_same_completion_through_bashcompinit(cli, bash_script):
    script = cli("completion", "zsh").stdout
    assert script.startswith("#compdef cramps\n")
    assert "bashcompinit" in script
    assert bash_script in script


def test_fish_offers_values_only_where_an_option_takes_them(cli):
    lines = cli("completion", "fish").stdout.splitlines()
    symptom = [ln for ln in lines if "-l symptom " in ln]
    assert len(symptom) == 2  # check and why take the question flags
    assert all("-x -a '" in ln and "fatigue" in ln for ln in symptom)
    answers = [ln for ln in lines if "-l answers" in ln and "check" in ln]
    assert answers and answers[0].endswith("-r -F")  # a file name
    assert any("-l no-input" in ln for ln in lines)


def test_a_bad_shell_is_a_usage_error(cli):
    result = cli("completion", "powershell")
    assert result.code == 2
