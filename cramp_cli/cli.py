"""The Typer app: wires the commands, the global options and the exit-code table. Nothing else.

The app runs with standalone_mode=False so that every outcome is mapped here to contract
section 4: one line on standard error for an error (usage errors included), no traceback for
bad input, 130 with "Interrupted." for Ctrl-C, and a quiet exit 0 when the reader of standard
output goes away.
"""

import os
import sys
from typing import Annotated

import typer

from .commands.common import EXIT_CODES_HELP
from .console.output import OutputClosed, say
from .errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, CrampsError, RulesError


def _version(value: bool) -> None:
    if value:
        from .console.output import write_stdout
        from .version import version_text

        write_stdout(version_text() + "\n")
        raise typer.Exit()


def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Show the version of cramps and of its knowledge base.",
        ),
    ] = False,
) -> None:
    """A symptom checker for nocturnal leg cramps. Not a diagnosis."""


def build_app(argv: list[str]) -> typer.Typer:
    """A new app with the command that argv names, or all commands when it names none."""
    app = typer.Typer(
        name="cramps",
        help="A symptom checker for nocturnal leg cramps. Not a diagnosis.\n\n" + EXIT_CODES_HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        pretty_exceptions_show_locals=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(main)
    name = next((arg for arg in argv if not arg.startswith("-")), None)
    # `completion` describes every command, so it needs them all, like --help.
    if name is None or name not in COMMANDS or name == "completion":
        wanted = list(dict.fromkeys(COMMANDS.values()))
    else:
        wanted = [COMMANDS[name]]
    for register in wanted:
        register(app)
    return app


# --- commands ------------------------------------------------------------------------------
# Each command module is imported only when its command runs: Typer builds every registered
# command's options on each run, and cramps has many. `cramps --help`, a mistyped command and
# no command at all register them all, so help and "did you mean" see every command.


def _check(app: typer.Typer) -> None:
    from .commands import check

    app.command(name="check", help=check.HELP, epilog=check.EPILOG)(check.check)


def _rules(app: typer.Typer) -> None:
    from .commands import rules

    app.add_typer(rules.app, name="rules")


def _why(app: typer.Typer) -> None:
    from .commands import why

    app.command(name="why", help=why.HELP, epilog=why.EPILOG)(why.why)


def _schema(app: typer.Typer) -> None:
    from .commands import schema

    app.command(name="schema", help=schema.HELP, epilog=schema.EPILOG)(schema.schema)


def _medicines(app: typer.Typer) -> None:
    from .commands import medicines

    app.command(name="medicines", help=medicines.HELP, epilog=medicines.EPILOG)(medicines.medicines)


def _diary(app: typer.Typer) -> None:
    """Add the diary commands to the app, in the order --help lists them."""
    from .commands import forget, history, log, report, stats

    for name, module, function in (
        ("log", log, log.log),
        ("history", history, history.history),
        ("stats", stats, stats.stats),
        ("report", report, report.report),
        ("forget", forget, forget.forget),
    ):
        app.command(name=name, help=module.HELP, epilog=module.EPILOG)(function)


def _completion(app: typer.Typer) -> None:
    from .commands import completion

    app.command(name="completion", help=completion.HELP, epilog=completion.EPILOG)(
        completion.completion
    )


# In the order `cramps --help` lists them.
COMMANDS = {
    "check": _check,
    "rules": _rules,
    "why": _why,
    "schema": _schema,
    "medicines": _medicines,
    "log": _diary,
    "history": _diary,
    "stats": _diary,
    "report": _diary,
    "forget": _diary,
    "completion": _completion,
}


def run(argv: list[str]) -> int:
    """Run the app on argv and return the exit code of contract section 4."""
    from .console.output import sane_columns, sane_streams

    sane_columns()
    sane_streams()
    try:
        app = build_app(argv)
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
        from .console.output import silence_stdout

        silence_stdout()
        return 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else EXIT_INTERNAL
    except OSError as error:  # a full disk or a closed stream while writing: one line, exit 1
        from .console.output import silence_stdout

        silence_stdout()
        say(f"cramps: error: cannot write: {error.strerror or error}")
        return EXIT_INTERNAL
    except typer.TyperException as error:  # Typer's usage errors (its vendored Click's)
        return _usage_error(error)
    except Exception as error:
        if sys.stdout is None:  # started with standard output closed: say so, not "internal"
            say("cramps: error: cannot write the results: standard output is closed")
            return EXIT_INTERNAL
        if os.environ.get("CRAMPS_DEBUG"):
            import traceback

            traceback.print_exc()
        say(
            f"cramps: internal error: {type(error).__name__}: {error} "
            "(set CRAMPS_DEBUG=1 for details)"
        )
        return EXIT_INTERNAL
    if code == EXIT_INTERRUPTED:
        say("Interrupted.")
    return code


def _usage_error(error: typer.TyperException) -> int:
    """One line for a usage error, naming the help of the command it came from.

    Asking for no command at all already printed the help: nothing more to say.
    """
    if type(error).__name__ == "NoArgsIsHelpError":
        return EXIT_USAGE
    message = error.format_message().replace("\n", " ")
    ctx = getattr(error, "ctx", None)
    where = ctx.command_path if ctx is not None and ctx.command_path else "cramps"
    say(f"cramps: error: {message} (see '{where} --help')")
    return getattr(error, "exit_code", None) or EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run(sys.argv[1:]))
