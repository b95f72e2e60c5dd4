"""`cramps completion bash|zsh|fish`: a shell completion script, printed once and installed.

The script is static: commands, options and the knowledge base's vocabularies (symptom and
condition ids, the other choices, rule ids and medicine names) are written into it, so pressing
Tab never starts cramps and an ordinary run pays nothing for completion. Re-run it after an
upgrade or with `--rules` for another knowledge base.

No `from __future__ import annotations` (see check.py).
"""

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Any

import typer

from ..console.output import write_stdout
from .common import EXIT_CODES_HELP, RulesOption, load_knowledge

HELP = (
    "Print a completion script for bash, zsh or fish: commands, options, and the knowledge "
    "base's symptom, condition, rule and medicine names."
)
EPILOG = (
    "Install:\n\n"
    "  bash: cramps completion bash > ~/.local/share/bash-completion/completions/cramps\n\n"
    "  zsh:  cramps completion zsh > ~/.zfunc/_cramps   (with fpath+=~/.zfunc before compinit)\n\n"
    "  fish: cramps completion fish > ~/.config/fish/completions/cramps.fish\n\n"
    'Or for this shell only: eval "$(cramps completion bash)"\n\n' + EXIT_CODES_HELP
)
# Words a shell can complete without quoting; other names are left out of the lists.
_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


class _Command:
    """What completion needs of one command: its path, words and option values."""

    def __init__(self, path: tuple[str, ...]):
        self.path = path
        self.subcommands: list[str] = []
        self.flags: list[str] = []  # options that take no value
        self.valued: dict[str, list[str]] = {}  # option -> its values ([] for free text)
        self.arguments: list[str] = []  # values of the positional argument


def _words(values: Iterable[Any]) -> list[str]:
    return sorted({str(v) for v in values if _WORD.match(str(v))})


def _vocabularies(kb: Any) -> tuple[dict[str, list[str]], list[str], list[str]]:
    """Option values by question flag, the rule ids and the medicine names of the knowledge
    base: the same data the commands validate against."""
    by_flag: dict[str, list[str]] = {}
    for question in kb.questions:
        if question.choices:
            by_flag[question.flag] = _words(question.choice_values)
    names: list[str] = []
    for medicine in kb.data.get("medicines", []):
        names += [medicine["generic"], *medicine.get("brands", []), *medicine.get("aliases", [])]
    names += [combo["name"] for combo in kb.data.get("combinations", [])]
    return by_flag, [rule.id for rule in kb.rules], _words(names)


def _walk(command: Any, path: tuple[str, ...], kb: Any) -> list[_Command]:
    """Every command under `command`, read from the click objects Typer built."""
    by_flag, rule_ids, medicine_names = _vocabularies(kb)
    found = _Command(path)
    children = getattr(command, "commands", {})
    found.subcommands = sorted(name for name, sub in children.items() if not sub.hidden)
    for param in command.params:
        if param.param_type_name == "argument":
            choices = getattr(param.type, "choices", None)
            if choices:
                found.arguments = _words(choices)
            elif param.name in ("rule_id",):
                found.arguments = rule_ids
            elif path == ("medicines",):
                found.arguments = medicine_names
            continue
        if getattr(param, "hidden", False):
            continue
        names = [*param.opts, *param.secondary_opts]
        if param.is_flag or param.count:
            found.flags += names
            continue
        choices = getattr(param.type, "choices", None)
        long = next((n for n in param.opts if n.startswith("--")), "")
        values = list(choices) if choices else by_flag.get(long[2:], [])
        if long == "--medication":
            values = medicine_names
        for name in names:
            found.valued[name] = _words(values)
    found.flags.append("--help")
    result = [found]
    for name in found.subcommands:
        result += _walk(children[name], (*path, name), kb)
    return result


def _bash(commands: list[_Command]) -> str:
    paths = [c for c in commands if c.path]
    known = "|".join(f"/{'/'.join(c.path)}" for c in paths)
    value_cases = []
    command_cases = []
    for c in commands:
        key = "/" + "/".join(c.path) if c.path else ""
        for option, values in sorted(c.valued.items()):
            reply = (
                f'COMPREPLY=($(compgen -W "{" ".join(values)}" -- "$cur"))'
                if values
                else "COMPREPLY=()"
            )
            value_cases.append(f'    "{key} {option}") {reply}; return ;;')
        words = [*c.subcommands, *c.arguments, *sorted(c.flags), *sorted(c.valued)]
        command_cases.append(
            f'    "{key}") COMPREPLY=($(compgen -W "{" ".join(words)}" -- "$cur")) ;;'
        )
    return "\n".join(
        [
            "# cramps completion for bash (cramps completion bash)",
            "_cramps() {",
            '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
            '  local path="" w i',
            "  for ((i = 1; i < COMP_CWORD; i++)); do",
            '    w="${COMP_WORDS[i]}"',
            f'    case "${{path}}/${{w}}" in {known}) path="${{path}}/${{w}}" ;; esac',
            "  done",
            '  case "${path} ${prev}" in',
            *value_cases,
            "  esac",
            '  case "${path}" in',
            *command_cases,
            "  esac",
            "}",
            "complete -o default -F _cramps cramps",
            "",
        ]
    )


def _zsh(commands: list[_Command]) -> str:
    return "\n".join(
        [
            "#compdef cramps",
            "# cramps completion for zsh (cramps completion zsh), through zsh's bash completion",
            "autoload -U +X bashcompinit && bashcompinit",
            _bash(commands),
        ]
    )


def _fish(commands: list[_Command]) -> str:
    lines = ["# cramps completion for fish (cramps completion fish)", "complete -c cramps -f"]
    for c in commands:
        if not c.path:
            condition = "__fish_use_subcommand"
        else:
            seen = " ".join(c.path)
            condition = f"__fish_seen_subcommand_from {c.path[-1]}"
            if c.subcommands:
                others = " ".join(c.subcommands)
                condition = (
                    f"__fish_seen_subcommand_from {seen}; and not "
                    f"__fish_seen_subcommand_from {others}"
                )
        words = [*c.subcommands, *c.arguments]
        if words:
            lines.append(f"complete -c cramps -n '{condition}' -a '{' '.join(words)}'")
        for option in sorted(c.flags):
            lines.append(f"complete -c cramps -n '{condition}' {_fish_name(option)}")
        for option, values in sorted(c.valued.items()):
            what = f"-x -a '{' '.join(values)}'" if values else "-r -F"
            lines.append(f"complete -c cramps -n '{condition}' {_fish_name(option)} {what}")
    return "\n".join(lines) + "\n"


def _fish_name(option: str) -> str:
    return f"-l {option[2:]}" if option.startswith("--") else f"-s {option[1:]}"


def completion(
    ctx: typer.Context,
    shell: Annotated[Shell, typer.Argument(case_sensitive=False, help="bash, zsh or fish.")],
    rules: RulesOption = None,
) -> None:
    kb = load_knowledge(rules)
    commands = _walk(ctx.find_root().command, (), kb)
    script = {Shell.bash: _bash, Shell.zsh: _zsh, Shell.fish: _fish}[shell](commands)
    write_stdout(script)
