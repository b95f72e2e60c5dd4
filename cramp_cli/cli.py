"""The Typer app: wires the commands, the global options and the exit-code table. Nothing else.

The app runs with standalone_mode=False so that every outcome is mapped here to contract
section 4: one line on standard error for an error (usage errors included), no traceback for
bad input, 130 with "Interrupted." for Ctrl-C, and a quiet exit 0 when the reader of standard
output goes away.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from .commands import check as check_command
from .commands import medicines as medicines_command
from .commands import rules as rules_command
from .commands import schema as schema_command
from .commands import why as why_command
from .commands.common import EXIT_CODES_HELP
from .errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, CrampsError, RulesError
from .output import OutputClosed, say

app = typer.Typer(
    name="cramps",
    help="A symptom checker for nocturnal leg cramps. Not a diagnosis.\n\n" + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from .output import write_stdout
        from .version import version_text

        write_stdout(version_text() + "\n")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="Show the version of cramps and of its knowledge base.")] = False,
) -> None:  # fmt: skip
    """A symptom checker for nocturnal leg cramps. Not a diagnosis."""


# --- commands: one line (or two) per command module; keep this block in this order ---
app.command(
    name="check", help=check_command.HELP, epilog=check_command.EPILOG, no_args_is_help=False
)(check_command.check)
app.add_typer(rules_command.app, name="rules")
app.command(name="why", help=why_command.HELP, epilog=why_command.EPILOG)(why_command.why)
app.command(name="schema", help=schema_command.HELP, epilog=schema_command.EPILOG)(
    schema_command.schema
)
app.command(name="medicines", help=medicines_command.HELP, epilog=medicines_command.EPILOG)(
    medicines_command.medicines
)
from .commands.diary_options import register as register_diary  # noqa: E402 (log ... forget)

register_diary(app)
# --- end of commands ---


def run(argv: list[str]) -> int:
    """Run the app on argv and return the exit code of contract section 4."""
    try:
        result = app(args=argv, prog_name="cramps", standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except OutputClosed:
        return 0
    except RulesError as error:
        for problem in error.problems:
            say(f"cramps: error: {problem}")
        return error.exit_code
    except CrampsError as error:
        say(f"cramps: error: {error}")
        return error.exit_code
    except typer.Abort:
        code = EXIT_INTERRUPTED
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        from .output import silence_stdout

        silence_stdout()
        return 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else EXIT_INTERNAL
    except Exception as error:
        from typer._click.exceptions import ClickException

        if isinstance(error, ClickException):
            return _usage_error(error)
        if os.environ.get("CRAMPS_DEBUG"):
            import traceback

            traceback.print_exc()
        say(f"cramps: internal error: {type(error).__name__}: {error} "
            "(set CRAMPS_DEBUG=1 for details)")  # fmt: skip
        return EXIT_INTERNAL
    if code == EXIT_INTERRUPTED:
        say("Interrupted.")
    return code


def _usage_error(error: Exception) -> int:
    """One line for a usage error, naming the help of the command it came from.

    Asking for no command at all already printed the help: nothing more to say.
    """
    if type(error).__name__ == "NoArgsIsHelpError":
        return EXIT_USAGE
    message = error.format_message().replace("\n", " ")  # type: ignore[attr-defined]
    ctx = getattr(error, "ctx", None)
    where = ctx.command_path if ctx is not None and ctx.command_path else "cramps"
    say(f"cramps: error: {message} (see '{where} --help')")
    return getattr(error, "exit_code", None) or EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run(sys.argv[1:]))
