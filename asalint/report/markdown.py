"""Markdown for a pull-request comment or a job summary.

A table of every tunnel direction and its predicted states comes first,
so a reviewer sees at a glance which tunnels a change breaks. Each
failing direction follows with a Mermaid sequence diagram of the
exchange as the peers would run it: one arrow per IKE message, a
crossed arrow on the message that never arrives or is refused, a note
over both peers with the reason, and the state each side is left in.
The findings come last.

GitHub renders Mermaid in comments and in `$GITHUB_STEP_SUMMARY`. A
comment holds at most 65536 characters and a job summary 1 MiB, so past
`max_diagrams` the remaining directions are named in the table only,
and past `max_findings` the least severe findings are counted, not
listed; the report says so each time. Config-derived text is escaped
for Markdown and for Mermaid, so a hostname or a message can neither
break the table nor end the diagram.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence

from asalint.causes import CAUSES
from asalint.model import Origin
from asalint.report.common import established, level_counts, ordered_findings
from asalint.report.github import most_severe_first
from asalint.report.paths import relative_path
from asalint.results import (
    Finding,
    Fix,
    Message,
    PairResult,
    Prediction,
    Side,
    Step,
    Tunnel,
)
from asalint.summary import Reported

MAX_DIAGRAMS = 50
MAX_FINDINGS = 200
UNSETTLED = "the outcome rests on an assumption the configs do not settle"
INITIATOR, RESPONDER = "I", "R"  # Mermaid ids; the hostnames are aliases

# Characters with a meaning in Markdown inline text or in a table row.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~#!])")
HTML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Mermaid reads `;` as the end of a statement and `#...;` as an entity,
# and a backtick run could close the Markdown fence around the diagram.
MERMAID_SPECIAL = re.compile(r"[#;`<>&\"]")


def render_markdown(
    result: PairResult,
    devices: Sequence[Reported],
    *,
    root: str | os.PathLike | None = None,
    max_diagrams: int = MAX_DIAGRAMS,
    max_findings: int = MAX_FINDINGS,
) -> str:
    """The report as GitHub-flavoured Markdown with Mermaid diagrams."""
    base = os.fspath(root) if root is not None else os.getcwd()
    names = {device.path: _hostname(device) for device in devices}
    findings = ordered_findings(result, devices)

    parts = [_heading(result.tunnels, findings)]
    if result.tunnels:
        parts.append(_table(result.tunnels, names, base))
    parts += _diagrams(result.tunnels, names, base, max_diagrams)
    parts += _findings(findings, base, max_findings)
    return "\n\n".join(part.rstrip("\n") for part in parts) + "\n"


def _hostname(device: Reported) -> str:
    return device.hostname or os.path.basename(device.path)


# --- escaping ---------------------------------------------------------------


def escape_markdown(text: str) -> str:
    """Inline text that Markdown and a table row show as it is."""
    text = "".join(HTML_ENTITIES.get(char, char) for char in text)
    text = MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return " ".join(text.splitlines())


def code(text: str, *, in_table: bool = False) -> str:
    """An inline code span that holds `text`, whatever it contains."""
    text = " ".join(text.splitlines())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    # A span may not start or end with its own fence character; a space
    # on both sides is stripped again when it is rendered.
    if text.startswith("`") or text.endswith("`"):
        text = f" {text} "
    if in_table:
        # In a table row `|` ends the cell, even inside a code span.
        text = text.replace("|", "\\|")
    return fence + text + fence


def escape_mermaid(text: str) -> str:
    """Text for a Mermaid label: one line, entity codes for specials."""
    text = " ".join(text.splitlines())
    return MERMAID_SPECIAL.sub(lambda match: f"#{ord(match[0])};", text)


# --- heading and table ------------------------------------------------------


def _heading(tunnels: Sequence[Tunnel], findings: Sequence[Finding]) -> str:
    up = sum(1 for tunnel in tunnels if established(tunnel))
    counts = ", ".join(
        _plural(count, level.value)
        for level, count in level_counts(findings).items()
    )
    return (
        f"## asalint: {_plural(len(tunnels), 'tunnel direction')}, "
        f"{up} established; {_plural(len(findings), 'finding')} ({counts})"
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


TABLE_HEAD = (
    "| Initiator | Responder | Map entry | Initiator state "
    "| Responder state | Stage | Cause | Certain |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- |"
)


def _table(
    tunnels: Sequence[Tunnel], names: Mapping[str, str], root: str
) -> str:
    rows = [_row(tunnel, names, root) for tunnel in tunnels]
    return "\n".join([TABLE_HEAD, *rows])


def _row(tunnel: Tunnel, names: Mapping[str, str], root: str) -> str:
    predicted = tunnel.predicted
    cells = (
        _device_cell(tunnel.initiator, names, root),
        _device_cell(tunnel.responder, names, root),
        escape_markdown(tunnel.crypto_map.get(tunnel.initiator, "")),
        code(predicted.initiator_state, in_table=True),
        code(predicted.responder_state, in_table=True),
        predicted.stage.value,
        _cause(predicted),
        "yes" if predicted.certain else "**no**",
    )
    return "| " + " | ".join(cells) + " |"


def _device_cell(path: str, names: Mapping[str, str], root: str) -> str:
    name = names.get(path, os.path.basename(path))
    shown = code(_path(path, root), in_table=True)
    return f"{escape_markdown(name)} ({shown})"


def _path(path: str, root: str) -> str:
    return relative_path(path, root) or path


def _cause(predicted: Prediction) -> str:
    if not predicted.cause:
        return ""
    cause = CAUSES.get(predicted.cause)
    rule = f" ({cause.rule})" if cause else ""
    return escape_markdown(predicted.cause + rule)


# --- one diagram per failing direction --------------------------------------


def _diagrams(
    tunnels: Sequence[Tunnel],
    names: Mapping[str, str],
    root: str,
    max_diagrams: int,
) -> list[str]:
    failing = [tunnel for tunnel in tunnels if not established(tunnel)]
    parts = []
    for tunnel in failing[:max_diagrams]:
        parts.append(_title(tunnel, names))
        parts.append(sequence_diagram(tunnel, names))
        parts += _explanation(tunnel, root)
    left = len(failing) - max_diagrams
    if left > 0:
        parts.append(
            f"{_plural(left, 'more failing direction')} not drawn: "
            "see the table above."
        )
    return parts


def _title(tunnel: Tunnel, names: Mapping[str, str]) -> str:
    initiator = names.get(tunnel.initiator, tunnel.initiator)
    responder = names.get(tunnel.responder, tunnel.responder)
    title = f"{initiator} → {responder}"
    entry = tunnel.crypto_map.get(tunnel.initiator)
    if entry:
        title += f" ({entry})"
    predicted = tunnel.predicted
    return (
        f"### {escape_markdown(title)}: "
        f"{code(predicted.initiator_state)} / "
        f"{code(predicted.responder_state)}"
    )


def sequence_diagram(tunnel: Tunnel, names: Mapping[str, str]) -> str:
    """The exchange as a fenced Mermaid sequenceDiagram."""
    initiator = names.get(tunnel.initiator, tunnel.initiator)
    responder = names.get(tunnel.responder, tunnel.responder)
    lines = [
        "sequenceDiagram",
        f"    participant {INITIATOR} as {escape_mermaid(initiator)}",
        f"    participant {RESPONDER} as {escape_mermaid(responder)}",
    ]
    lines += _arrows(tunnel)
    lines += _final_states(tunnel.predicted)
    return "```mermaid\n" + "\n".join(lines) + "\n```"


def _arrows(tunnel: Tunnel) -> list[str]:
    if not tunnel.exchange:
        reason = _reason(tunnel) or "the initiator never starts IKE"
        return [_note(f"no IKE message is sent: {reason}")]

    lines = []
    for message in tunnel.exchange:
        lines.append(_arrow(message))
        if not message.delivered:
            # The peers get no further: nothing is drawn after the stop.
            why = _reason(tunnel) or message.note
            return lines + [_note(f"stops here: {why}" if why else "stops")]
    if tunnel.predicted.cause:
        lines.append(_note(f"stops after the exchange: {_reason(tunnel)}"))
    return lines


def _arrow(message: Message) -> str:
    # `->>` is a message that arrives; `-x` one that is lost or refused.
    sender, receiver = INITIATOR, RESPONDER
    if message.sender == Side.RESPONDER:
        sender, receiver = RESPONDER, INITIATOR
    shape = "->>" if message.delivered else "-x"
    label = escape_mermaid(message.name)
    if message.note and message.delivered:
        label += f" ({escape_mermaid(message.note)})"
    return f"    {sender}{shape}{receiver}: {label}"


def _note(text: str) -> str:
    return f"    Note over {INITIATOR},{RESPONDER}: {escape_mermaid(text)}"


def _final_states(predicted: Prediction) -> list[str]:
    left = escape_mermaid(predicted.initiator_state)
    right = escape_mermaid(predicted.responder_state)
    return [
        f"    Note left of {INITIATOR}: {left}",
        f"    Note right of {RESPONDER}: {right}",
    ]


def _reason(tunnel: Tunnel) -> str:
    failed = next((step for step in tunnel.steps if not step.ok), None)
    if failed is not None:
        return failed.detail
    return tunnel.predicted.cause or ""


def _explanation(tunnel: Tunnel, root: str) -> list[str]:
    """Why the exchange stops, the lines that decide it, and the fix."""
    parts = []
    failed = next((step for step in tunnel.steps if not step.ok), None)
    if failed is not None:
        parts.append(_why(failed, root))
    predicted = tunnel.predicted
    if not predicted.certain:
        conditions = "; ".join(predicted.conditions)
        conditions = conditions or UNSETTLED
        parts.append("**Uncertain:** " + escape_markdown(conditions))
    parts += [_fix(fix, root) for fix in tunnel.fixes]
    return parts


def _why(step: Step, root: str) -> str:
    head = (
        f"**Why ({escape_markdown(step.step)}):** "
        + escape_markdown(step.detail)
    )
    cited = [f"- {_cited(origin, root)}" for origin in step.lines]
    return "\n\n".join([head, "\n".join(cited)]) if cited else head


def _cited(origin: Origin, root: str) -> str:
    where = f"{_path(origin.path, root)}:{origin.line}"
    return f"{code(where)} {code(origin.text.strip())}"


def _fix(fix: Fix, root: str) -> str:
    commands = "\n".join(fix.commands)
    if fix.why:
        # `!` starts a comment on the ASA and IOS: the block pastes as is.
        commands = f"! {' '.join(fix.why.splitlines())}\n{commands}"
    fence = _fence_for(commands)
    head = f"**Fix in {code(_path(fix.path, root))}:**"
    return f"{head}\n\n{fence}\n{commands}\n{fence}"


def _fence_for(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


# --- findings ---------------------------------------------------------------


def _findings(
    findings: Sequence[Finding], root: str, max_findings: int
) -> list[str]:
    """Most severe first, so that a cut drops notes before errors."""
    if not findings:
        return []
    listed = most_severe_first(findings)[:max_findings]
    parts = [
        "### Findings",
        "\n".join(_finding(finding, root) for finding in listed),
    ]
    left = len(findings) - len(listed)
    if left > 0:
        parts.append(
            f"{_plural(left, 'more finding')} not listed: the text, JSON "
            "and SARIF outputs hold them all."
        )
    return parts


def _finding(finding: Finding, root: str) -> str:
    where = _path(finding.path, root)
    if finding.line is not None:
        where += f":{finding.line}"
    head = (
        f"- **{finding.level.value}** {finding.rule} "
        f"{escape_markdown(finding.name)} at {code(where)}: "
        f"{escape_markdown(finding.message)}"
    )
    related = [
        f"  - {code(f'{_path(r.path, root)}:{r.line}')} "
        f"{escape_markdown(r.message)}"
        for r in finding.related
    ]
    return "\n".join([head, *related])
