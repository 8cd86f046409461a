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

import logging
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from asalint.cli import report_error, version_line
from asalint.logsetup import configure_logging

if TYPE_CHECKING:
    from asalint.config import ConfigFile
    from asalint.model import Device
    from asalint.results import PairResult

log = logging.getLogger(__name__)

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
    FailLevel | None,
    typer.Option(
        "--fail-on",
        help="Exit 1 on findings at or above this level [default: the "
        "configuration's fail-on, else error].",
    ),
]
ExitZeroOption = Annotated[
    bool | None,
    typer.Option(
        "--exit-zero/--no-exit-zero",
        help="Exit 0 even with findings (2 still wins) [default: the "
        "configuration's exit-zero].",
    ),
]
ConfigOption = Annotated[
    str | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Read the configuration from FILE [default: asalint.toml, "
        ".asalint.toml or [tool.asalint] in pyproject.toml, searched "
        "upward from the working folder].",
    ),
]
SelectOption = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        metavar="RULES",
        help="Report only these rules: ids, names, prefixes (ASA1) or "
        "ALL, comma-separated; replaces the configuration's select.",
    ),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        metavar="RULES",
        help="Leave these rules out, on top of the configuration's ignore.",
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
    fail_on: FailLevel | None = None  # None: the configuration decides
    exit_zero: bool | None = None
    config: str | None = None  # --config; None: search upward
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


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
    context: typer.Context,
    first: Annotated[str, typer.Argument(metavar="A", help="A config file.")],
    second: Annotated[
        str | None,
        typer.Argument(metavar="B", help="Its peer's config file."),
    ] = None,
    peer: Annotated[
        str | None,
        typer.Option(
            "--peer",
            metavar="PROFILE",
            help="Instead of B: a TOML peer profile, the parameters a "
            "partner whose config you do not hold agreed to.",
        ),
    ] = None,
    output_format: FormatOption = "text",
    output: OutputOption = None,
    fail_on: FailOnOption = None,
    exit_zero: ExitZeroOption = None,
    config: ConfigOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
    verbose: VerboseOption = 0,
) -> None:
    """Every tunnel between A and B (or a peer profile), each side
    initiating."""
    from asalint import api
    from asalint.report.output import check_output_path

    configure_logging(verbose)
    report = Report(
        output_format, output, fail_on, exit_zero, config,
        tuple(select or ()), tuple(ignore or ()),
    )
    settings = load_settings(report)
    if second is None or peer is not None:
        _pair_with_profile(context, first, second, peer, report, settings,
                           _cache(no_cache, cache_dir))
    check_output_path(output, [first, second])
    _check_distinct(first, second)
    devices = load_devices([first, second], _cache(no_cache, cache_dir))
    result = api.pair(devices[0], devices[1])
    finish(result, devices, report, settings=settings)


def _pair_with_profile(
    context: typer.Context,
    first: str,
    second: str | None,
    profile: str | None,
    report: Report,
    settings: ConfigFile,
    cache_dir: str | None,
) -> None:
    from asalint.peer_profile import pair_with_profile
    from asalint.report.output import check_output_path

    if (second is None) == (profile is None):
        raise typer.BadParameter(
            "give the peer's config B or --peer PROFILE",
            ctx=context,
            param_hint="'B' / '--peer'",
        )
    assert profile is not None
    check_output_path(report.output, [first, profile])
    devices = load_devices([first], cache_dir)
    result, partner = pair_with_profile(devices[0], profile)
    finish(result, [*devices, partner], report, settings=settings)


@app.command()
def check(
    paths: Annotated[
        list[str] | None,
        typer.Argument(metavar="FILE...", help="Config files to check."),
    ] = None,
    output_format: FormatOption = "text",
    output: OutputOption = None,
    fail_on: FailOnOption = None,
    exit_zero: ExitZeroOption = None,
    config: ConfigOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
    verbose: VerboseOption = 0,
) -> None:
    """Check each file and its tunnels; with no file, the repository.

    A file's peers are found in the repository (asalint.toml's pairs and
    peers, then interface addresses) and read from disk, so a pre-commit
    hook given the changed files sees the tunnels they touch.
    """
    from asalint.report.output import check_output_path
    from asalint.repository.check import check_paths

    configure_logging(verbose)
    report = Report(
        output_format, output, fail_on, exit_zero, config,
        tuple(select or ()), tuple(ignore or ()),
    )
    settings = load_settings(report)
    files = list(paths or [])
    check_output_path(output, files)
    checked = check_paths(
        files, config=settings, cache_dir=_cache(no_cache, cache_dir),
        jobs=None, suppress=False,  # finish() applies them, as for `pair`
    )
    for error in checked.errors:
        report_error(error)
    if checked.errors and not checked.devices:
        from asalint.exitcode import INPUT_ERROR

        raise typer.Exit(INPUT_ERROR)  # nothing readable to report on
    finish(
        checked.result,
        list(checked.devices),
        report,
        input_error=bool(checked.errors),
        settings=settings,
        single_checks=True,
        targets=files or None,
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


@app.command()
def profile(
    config_file: Annotated[
        str, typer.Argument(metavar="CONFIG", help="Our config file.")
    ],
    address: Annotated[
        str, typer.Argument(metavar="PEER", help="The partner's address.")
    ],
    output: OutputOption = None,
    verbose: VerboseOption = 0,
) -> None:
    """Write the peer profile CONFIG expects of its partner at PEER, to
    send to the partner; the pre-shared key is never written."""
    from asalint.profile_writer import write_profile
    from asalint.report.output import check_output_path, write_output

    configure_logging(verbose)
    check_output_path(output, [config_file])
    device = load_devices([config_file])[0]
    write_output(write_profile(device, address), output)


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


def load_settings(report: Report) -> ConfigFile:
    """The configuration (`--config`, else the one found upward), with
    `--select` and `--ignore` on top; a bad one is a UsageError."""
    from asalint.config import load_config, with_options

    return with_options(
        load_config(report.config),
        select=list(report.select),
        ignore=list(report.ignore),
    )


def finish(
    result: PairResult,
    devices: list[Device],
    report: Report,
    *,
    input_error: bool = False,
    settings: ConfigFile | None = None,
    single_checks: bool = False,
    targets: list[str] | None = None,
) -> None:
    """Select, re-level and silence the findings, render, write to
    stdout or `-o`, and exit with the run's code.

    `input_error`: some file could not be read (already reported); the
    readable ones are still rendered, and the exit code is 2.
    `targets`: the files or folders the user named (None: every device);
    directives in the peers read beside them are not reported on.
    `single_checks`: the single-config checks ran (`check`), so that a
    directive for one of their rules can be called unused.
    """
    from asalint.exitcode import DEFAULT_FAIL_ON, exit_code
    from asalint.report.output import write_output
    from asalint.results import Level

    settings = settings or load_settings(report)
    result = _suppressed(result, devices, settings, single_checks, targets)
    write_output(_render(result, devices, report), report.output)

    config = settings.config
    exit_zero = report.exit_zero
    code = exit_code(
        [finding.level for finding in result.findings],
        Level(report.fail_on or config.fail_on or DEFAULT_FAIL_ON),
        exit_zero=bool(config.exit_zero if exit_zero is None else exit_zero),
        input_error=input_error,
    )
    raise typer.Exit(code)


def _suppressed(
    result: PairResult,
    devices: list[Device],
    settings: ConfigFile,
    single_checks: bool,
    targets: list[str] | None,
) -> PairResult:
    from asalint.suppress import apply_suppressions

    applied = apply_suppressions(
        result.findings, devices, settings,
        tunnels=result.tunnels, single=single_checks, targets=targets,
    )
    log.info("%d findings suppressed", applied.suppressed)
    return result.model_copy(update={"findings": applied.findings})


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
