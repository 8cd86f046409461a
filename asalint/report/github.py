"""GitHub Actions annotations: one workflow command per finding.

A step that prints `::error file=F,line=L,title=T::message` gets an
annotation on that line of the pull request's diff. GitHub keeps at most
ten annotations of each kind (error, warning, notice) per step and fifty
per job, and drops the rest without a word. So the most severe findings
go first, each kind stops at its limit, the findings left out are still
printed as plain log lines, and a last notice says how many were left
out. When some are left out, that notice takes one of the ten notice
places itself.

Every value is escaped as the runner expects (`%`, CR and LF in the
message; also `:` and `,` in a property), so config-derived text can
neither end a command early nor start a new one.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from asalint.report.common import ordered_findings
from asalint.report.paths import relative_path
from asalint.results import Finding, Level, PairResult
from asalint.summary import Reported

PER_STEP = 10  # annotations of one kind GitHub shows per step
COMMAND = {
    Level.ERROR: "error",
    Level.WARNING: "warning",
    Level.NOTE: "notice",
}
DATA_ESCAPES = (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"))
PROPERTY_ESCAPES = (*DATA_ESCAPES, (":", "%3A"), (",", "%2C"))


def render_github(
    result: PairResult,
    devices: Sequence[Reported],
    *,
    root: str | os.PathLike | None = None,
    per_step: int = PER_STEP,
) -> str:
    """Annotations, most severe first, within GitHub's per-step limits."""
    base = os.fspath(root) if root is not None else os.getcwd()
    findings = most_severe_first(ordered_findings(result, devices))
    shown, left_out = within_limits(findings, per_step)

    lines = [annotation(finding, base) for finding in shown]
    lines += [_log_line(finding, base) for finding in left_out]
    if left_out:
        lines.append(_left_out_notice(left_out, per_step))
    return "".join(line + "\n" for line in lines)


def most_severe_first(findings: Sequence[Finding]) -> list[Finding]:
    """Errors, then warnings, then notes; file order within a level."""
    return sorted(findings, key=lambda finding: -finding.level.rank)


def within_limits(
    findings: Sequence[Finding], per_step: int
) -> tuple[list[Finding], list[Finding]]:
    """The findings GitHub will annotate, and those it would drop."""
    room = {level: per_step for level in Level}
    overflow = any(
        count > per_step for count in _counts(findings).values()
    )
    if overflow:
        room[Level.NOTE] = per_step - 1  # the last notice needs a place

    shown, left_out = [], []
    for finding in findings:
        if room[finding.level] > 0:
            room[finding.level] -= 1
            shown.append(finding)
        else:
            left_out.append(finding)
    return shown, left_out


def _counts(findings: Sequence[Finding]) -> dict[Level, int]:
    counts = {level: 0 for level in Level}
    for finding in findings:
        counts[finding.level] += 1
    return counts


def annotation(finding: Finding, root: str) -> str:
    """`::error file=...,line=...,title=...::message` for one finding."""
    properties = [("file", _path(finding.path, root))]
    if finding.line is not None:
        properties += [
            ("line", str(finding.line)),
            ("endLine", str(finding.line)),
        ]
    properties.append(("title", f"{finding.rule} {finding.name}"))
    written = ",".join(
        f"{name}={escape_property(value)}" for name, value in properties
    )
    message = escape_data(_message(finding, root))
    return f"::{COMMAND[finding.level]} {written}::{message}"


def _message(finding: Finding, root: str) -> str:
    # The lines of the other config go under the message: an annotation
    # sits on one line of one file, and the fix may be in the other.
    lines = [finding.message]
    for related in finding.related:
        where = f"{_path(related.path, root)}:{related.line}"
        lines.append(f"{where} {related.message}")
    return "\n".join(lines)


def _path(path: str, root: str) -> str:
    return relative_path(path, root) or path


def escape_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF escaped."""
    for raw, escaped in DATA_ESCAPES:
        text = text.replace(raw, escaped)
    return text


def escape_property(text: str) -> str:
    """A workflow command's property value: also `:` and `,` escaped."""
    for raw, escaped in PROPERTY_ESCAPES:
        text = text.replace(raw, escaped)
    return text


def _log_line(finding: Finding, root: str) -> str:
    # A plain log line, never a command: it starts with a fixed word, and
    # control characters are shown as escapes so it stays one line.
    where = _path(finding.path, root)
    if finding.line is not None:
        where += f":{finding.line}"
    text = (
        f"not annotated: {where}: {finding.level.value} "
        f"{finding.rule} {finding.name}: {finding.message}"
    )
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def _left_out_notice(left_out: Sequence[Finding], per_step: int) -> str:
    counts = _counts(left_out)
    by_level = ", ".join(
        f"{count} {level.value}" + ("s" if count != 1 else "")
        for level, count in sorted(counts.items(), key=lambda i: -i[0].rank)
        if count
    )
    total = len(left_out)
    noun = "finding was" if total == 1 else "findings were"
    message = (
        f"{total} {noun} not annotated ({by_level}): GitHub shows "
        f"{per_step} annotations of each kind per step. They are listed "
        "above in this step's log."
    )
    return f"::notice title=asalint::{escape_data(message)}"
