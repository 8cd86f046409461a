"""The asalint commands, one function each.

To add a command, write one function decorated with `@app.command()`;
reuse the option types below so every command spells `--format`, `-o`,
`--fail-on`, `--exit-zero` and `-v` the same way, and end it with
`finish()`, which renders, writes and picks the exit code.

Keep this module's top-level imports light (typer and the standard
library): the engine, pydantic and rich are imported inside the
commands, when a command actually runs.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from asalint.cli import report_error, version_line
from asalint.logsetup import configure_logging

if TYPE_CHECKING:
    from asalint.model import Device
    from asalint.results import PairResult

OutputFormat = Literal["text", "json", "sarif", "github", "markdown"]
FailLevel = Literal["note", "warning", "error"]

app = typer.Typer(
    name="asalint",
    help="Predict where a Cisco ASA, PIX or IOS site-to-site tunnel "
    "stalls, from the configs alone.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="Output format."),
]
OutputOption = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the report to FILE (replaced atomically).",
    ),
]
FailOnOption = Annotated[
    FailLevel,
    typer.Option(
        "--fail-on", help="Exit 1 on findings at or above this level."
    ),
]
ExitZeroOption = Annotated[
    bool,
    typer.Option(
        "--exit-zero", help="Exit 0 even with findings (2 still wins)."
    ),
]
VerboseOption = Annotated[
    int,
    typer.Option("--verbose", "-v", count=True, help="Diagnostics on stderr."),
]
NoCacheOption = Annotated[
    bool,
    typer.Option("--no-cache", help="Parse every file; read no cache."),
]
CacheDirOption = Annotated[
    str | None,
    typer.Option(
        "--cache-dir",
        metavar="DIR",
        help="Where parsed models are cached [default: .asalint_cache].",
    ),
]


@dataclass(frozen=True)
class Report:
    """How the user asked for the report and the exit code."""

    output_format: OutputFormat = "text"
    output: str | None = None
    fail_on: FailLevel = "error"
    exit_zero: bool = False


def _show_version(value: bool) -> None:
    if value:
        sys.stdout.write(version_line())
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Predict where a Cisco ASA, PIX or IOS site-to-site tunnel stalls."""


@app.command()
def pair(
    first: Annotated[str, typer.Argument(metavar="A", help="A config file.")],
    second: Annotated[
        str, typer.Argument(metavar="B", help="Its peer's config file.")
    ],
    output_format: FormatOption = "text",
    output: OutputOption = None,
    fail_on: FailOnOption = "error",
    exit_zero: ExitZeroOption = False,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
    verbose: VerboseOption = 0,
) -> None:
    """Every tunnel between A and B, each side initiating."""
    from asalint import api
    from asalint.report.output import check_output_path

    configure_logging(verbose)
    check_output_path(output, [first, second])
    _check_distinct(first, second)
    devices = load_devices([first, second], _cache(no_cache, cache_dir))
    result = api.pair(devices[0], devices[1])
    finish(result, devices, Report(output_format, output, fail_on, exit_zero))


@app.command()
def check(
    paths: Annotated[
        list[str] | None,
        typer.Argument(metavar="FILE...", help="Config files to check."),
    ] = None,
    output_format: FormatOption = "text",
    output: OutputOption = None,
    fail_on: FailOnOption = "error",
    exit_zero: ExitZeroOption = False,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
    verbose: VerboseOption = 0,
) -> None:
    """Check each file, and every tunnel whose both ends are given."""
    from asalint.commands_check import run_check
    from asalint.report.output import check_output_path

    configure_logging(verbose)
    files = list(paths or [])
    check_output_path(output, files)
    checked = run_check(
        files, cache_dir=_cache(no_cache, cache_dir), jobs=None
    )
    for error in checked.errors:
        report_error(error)
    if checked.errors and not checked.devices:
        from asalint.exitcode import INPUT_ERROR

        raise typer.Exit(INPUT_ERROR)  # nothing readable to report on
    report = Report(output_format, output, fail_on, exit_zero)
    finish(
        checked.result,
        list(checked.devices),
        report,
        input_error=bool(checked.errors),
    )


@app.command()
def rules(
    output_format: Annotated[
        Literal["text", "json"],
        typer.Option("--format", "-f", help="Output format."),
    ] = "text",
) -> None:
    """The rule catalogue: every rule, its level and what it predicts."""
    import json

    from asalint.commands_rules import render_rules_table, rules_document

    if output_format == "json":
        text = json.dumps(rules_document(), indent=2) + "\n"
    else:
        text = render_rules_table()
    sys.stdout.write(text)


@app.command()
def rule(
    name: Annotated[
        str, typer.Argument(metavar="ID", help="A rule id or name.")
    ],
) -> None:
    """One rule of the catalogue, as a page."""
    from asalint.commands_rules import render_rule

    sys.stdout.write(render_rule(name))


def _check_distinct(first: str, second: str) -> None:
    # A device paired with itself "tunnels" to its own addresses: every
    # prediction would be nonsense, so say what is wrong instead.
    from asalint.errors import UsageError

    try:
        same = os.path.samefile(first, second)
    except OSError:
        return  # a missing file is reported when it is read
    if same:
        raise UsageError(f"{second}: is the same file as {first}")


# --- shared by the commands -------------------------------------------------


def _cache(no_cache: bool, cache_dir: str | None) -> str | None:
    """The cache folder to use, None to parse every file."""
    from asalint.cache import DEFAULT_DIRECTORY

    return None if no_cache else cache_dir or DEFAULT_DIRECTORY


def load_devices(
    paths: list[str], cache_dir: str | None = None
) -> list[Device]:
    """Parse every path; report each unreadable one, then exit 2.

    All files are tried before giving up, so one run names every bad
    file instead of one per attempt.
    """
    from asalint.errors import InputError
    from asalint.parallel import load_all

    loaded = load_all(paths, cache_dir=cache_dir, jobs=None)
    failed = [item for item in loaded if isinstance(item, InputError)]
    for error in failed:
        report_error(error)
    if failed:
        from asalint.exitcode import INPUT_ERROR

        raise typer.Exit(INPUT_ERROR)
    return loaded  # type: ignore[return-value]


def finish(
    result: PairResult,
    devices: list[Device],
    report: Report,
    *,
    input_error: bool = False,
) -> None:
    """Render, write to stdout or `-o`, and exit with the run's code.

    `input_error`: some file could not be read (already reported); the
    readable ones are still rendered, and the exit code is 2.
    """
    from asalint.exitcode import exit_code
    from asalint.report.output import write_output
    from asalint.results import Level

    write_output(_render(result, devices, report), report.output)
    code = exit_code(
        [finding.level for finding in result.findings],
        Level(report.fail_on),
        exit_zero=report.exit_zero,
        input_error=input_error,
    )
    raise typer.Exit(code)


def _render(result: PairResult, devices: list[Device], report: Report) -> str:
    if report.output_format == "json":
        from asalint.report.json_doc import render_json

        return render_json(result, devices)
    if report.output_format == "sarif":
        from asalint.report.sarif import render_sarif

        return render_sarif(result, devices)
    if report.output_format == "github":
        from asalint.report.github import render_github

        return render_github(result, devices)
    if report.output_format == "markdown":
        from asalint.report.markdown import render_markdown

        return render_markdown(result, devices)

    from asalint.report import text

    if report.output not in (None, "-"):
        return text.render_text(result, devices)  # a file: plain, 80 wide
    stdout = sys.stdout
    return text.render_text(
        result,
        devices,
        color=text.wants_colour(stdout, os.environ),
        width=text.terminal_width(stdout),
        unicode=text.wants_unicode(stdout),
    )
