"""The command line's entry point: start cheaply, fail in one line.

The commands themselves live in `asalint.commands` (one function per
command). This module stays small because it is what the `asalint`
script imports: a pre-commit hook starts it on every commit, so
`asalint --version` is answered before typer (which alone costs several
times Python's own start-up) is imported.

Every error the user can cause ends here as one line on stderr and exit
code 2; with `-v` the traceback follows through logging. An unexpected
exception shows its type only, never its message, which could quote a
line of a config.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from asalint import __version__

log = logging.getLogger(__name__)

PROGRAM = "asalint"


def main() -> None:
    """Console-script entry point."""
    end(run(sys.argv[1:]))


def end(code: int) -> NoReturn:
    """Flush what the run wrote, then end the process at once.

    The interpreter would otherwise free every object of the run one by
    one before it exits: for a pair of large configs, millions of them
    and a fifth of a second. Nothing is left to do with them.
    """
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        pass  # the reader went away (`asalint ... | head`)
    logging.shutdown()
    sys.stderr.flush()
    os._exit(code)


def run(argv: Sequence[str]) -> int:
    """Run the command line `argv` and return the exit code."""
    args = list(argv)
    if args == ["--version"]:
        # The same line the typer callback prints, without importing it.
        sys.stdout.write(version_line())
        return 0

    from asalint.errors import AsalintError
    from asalint.logsetup import configure_logging

    configure_logging(0)
    try:
        return _invoke(args)
    except AsalintError as error:
        return report_error(error)
    except KeyboardInterrupt:
        from asalint.exitcode import INTERRUPTED

        _say("interrupted")
        return INTERRUPTED
    except Exception as error:  # noqa: BLE001 - never a raw traceback
        return _internal_error(error)


def version_line() -> str:
    return f"{PROGRAM} {__version__}\n"


def report_error(error: Exception) -> int:
    """One line for an error the user can fix; the traceback under -v."""
    from asalint.exitcode import INPUT_ERROR

    _say(str(error))
    _log_traceback(error)
    return INPUT_ERROR


def _invoke(args: list[str]) -> int:
    if args == ["rules"]:
        # The plain listing, answered before typer and pydantic are
        # imported (each costs more than the listing): the same text
        # the `rules` command writes.
        from asalint.rule_index import render_rules_table

        sys.stdout.write(render_rules_table())
        return 0

    from typer.main import get_command

    from asalint.commands import app

    command = get_command(app)
    try:
        # Standalone mode keeps click's own handling of usage errors
        # (message, exit 2) and of --help; it always ends in SystemExit.
        command.main(args=args, prog_name=PROGRAM, standalone_mode=True)
    except SystemExit as done:
        return _exit_status(done.code)
    return 0


def _exit_status(code: object) -> int:
    from asalint.exitcode import CLEAN, INTERRUPTED, USAGE_ERROR

    if code is None:
        return CLEAN
    if code == INTERRUPTED:
        # typer turns Ctrl-C inside a command into a silent exit 130.
        _say("interrupted")
    if isinstance(code, int):
        return code
    _say(str(code))
    return USAGE_ERROR


def _internal_error(error: Exception) -> int:
    from asalint.exitcode import INTERNAL_ERROR

    kind = type(error).__name__
    _say(f"internal error ({kind}); run with -v for details")
    _log_traceback(error)
    return INTERNAL_ERROR


def _log_traceback(error: BaseException) -> None:
    from asalint.logsetup import verbose

    if verbose():
        from asalint.errors import frames_only

        log.debug("%s", frames_only(error))


def _say(message: str) -> None:
    # One line, whatever the message holds: a path with a newline or a
    # terminal escape in it must not split or colour a CI log.
    flat = "".join(c if c.isprintable() else "?" for c in message)
    sys.stderr.write(f"{PROGRAM}: {flat}\n")
