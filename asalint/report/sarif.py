"""SARIF 2.1.0 for GitHub code scanning: one run, every rule, stable alerts.

The log is built from sarif-om's objects and serialized by `to_sarif`,
which writes the schema's property names and leaves out what is unset,
because `attr.asdict` on these objects yields snake_case keys and leaked
defaults (`ruleIndex: -1`, `rank: -1.0`) that the schema rejects.

What GitHub asks on top of the schema decides the shape:

- one run, `tool.driver.rules` holding the whole catalogue, so a rule's
  help shows beside its alerts even before it first fires;
- an explicit `level` on every result: without it GitHub takes the
  rule's default, which may not be the level the user configured;
- locations relative to the checkout (`%SRCROOT%`), a start line always;
- `primaryLocationLineHash` from the finding's logical key (rule,
  device, peer, object). GitHub's own hash covers the next hundred
  characters, which on short ASA lines spans the neighbouring lines,
  so editing one of them would close the alert and open a new one;
- a pair finding sits on both sides: code scanning annotates only
  `locations[0]`, and a pull request shows an alert only on lines it
  changes, so a commit that touches one config of a pair must still see
  the finding. The other side's line is a related location, linked from
  the message.

Keys never reach the log: cited lines are `Origin`s, masked when parsed,
and the run's properties say only whether a device's keys are masked,
in clear text or encrypted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import attr
from sarif_om import (
    ArtifactLocation,
    Location,
    Message,
    MultiformatMessageString,
    PhysicalLocation,
    Region,
    ReportingConfiguration,
    ReportingDescriptor,
    Result,
    Run,
    SarifLog,
    Tool,
    ToolComponent,
)

from asalint import __version__
from asalint.catalogue import Rule, catalogue
from asalint.report.common import ordered_findings
from asalint.report.paths import file_uri, relative_path, relative_uri
from asalint.results import Finding, PairResult, Related, Tunnel
from asalint.summary import Reported, line_texts, secrets_of

log = logging.getLogger(__name__)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "primaryLocationLineHash"
MAX_DESCRIPTION = 1024  # GitHub's limit on rule descriptions
SEMVER = re.compile(
    r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$"
)

# Finding properties that hold a config path, shown like every location.
PATH_PROPERTIES = ("initiator", "responder")

# sarif-om gives `level` a default of "warning"; dropping it as a default
# would hand the result the rule's level instead. It is always written.
ALWAYS_WRITTEN = frozenset({"level"})



def render_sarif(
    result: PairResult,
    devices: Sequence[Reported],
    *,
    root: str | os.PathLike | None = None,
    version: str = __version__,
) -> str:
    """The SARIF log as text; paths relative to `root` (default: cwd)."""
    document = sarif_document(result, devices, root=root, version=version)
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


def sarif_document(
    result: PairResult,
    devices: Sequence[Reported],
    *,
    root: str | os.PathLike | None = None,
    version: str = __version__,
) -> dict[str, Any]:
    """The SARIF log as JSON-ready dicts and lists."""
    return to_sarif(sarif_log(result, devices, root=root, version=version))


def sarif_log(
    result: PairResult,
    devices: Sequence[Reported],
    *,
    root: str | os.PathLike | None = None,
    version: str = __version__,
) -> SarifLog:
    """The SARIF log as sarif-om objects: one run of asalint."""
    context = _context(devices, root)
    sides = _placed(ordered_findings(result, devices), context)
    results = [
        _result(side, ordinal, context)
        for side, ordinal in zip(sides, _ordinals(sides), strict=True)
    ]
    run = Run(
        tool=Tool(driver=_driver(version)),
        column_kind="unicodeCodePoints",
        results=results,
        properties=_run_properties(result.tunnels, devices, context),
    )
    log.debug(
        "sarif: %d results from %d findings",
        len(results),
        len(result.findings),
    )
    return SarifLog(runs=[run], version=SARIF_VERSION, schema_uri=SCHEMA_URI)


# --- serializing ------------------------------------------------------------


def to_sarif(value: Any) -> Any:
    """sarif-om objects as JSON-ready data, in the schema's own names.

    Unset fields (None, or equal to sarif-om's default) are left out,
    except `level`. Dicts and lists pass through, so property bags are
    given as plain dicts.
    """
    if attr.has(type(value)):
        return {
            field.metadata.get("schema_property_name", field.name): to_sarif(
                getattr(value, field.name)
            )
            for field in attr.fields(type(value))
            if not _unset(field, getattr(value, field.name))
        }
    if isinstance(value, dict):
        return {str(key): to_sarif(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_sarif(item) for item in value]
    return value


def _unset(field: attr.Attribute, value: Any) -> bool:
    if value is None:
        return True
    if field.name in ALWAYS_WRITTEN:
        return False

    default = field.default
    if isinstance(default, attr.Factory):  # type: ignore[arg-type]
        default = default.factory()
    return value == default


# --- what every result needs to know ----------------------------------------


@dataclass(frozen=True)
class Context:
    root: str
    rule_index: dict[str, int]
    hostnames: dict[str, str]
    texts: dict[tuple[str, int], str]


def _context(
    devices: Sequence[Reported], root: str | os.PathLike | None
) -> Context:
    rules = catalogue().rules
    return Context(
        root=os.fspath(root) if root is not None else os.getcwd(),
        rule_index={rule.id: index for index, rule in enumerate(rules)},
        hostnames={device.path: _hostname(device) for device in devices},
        texts=_line_texts(devices),
    )


def _hostname(device: Reported) -> str:
    return device.hostname or os.path.basename(device.path)


def _line_texts(devices: Sequence[Reported]) -> dict[tuple[str, int], str]:
    """The masked text of every line the model cites, by path and line.

    Findings carry a path and a line only; the text gives the region its
    end column. It is the masked text, so a column never tells a key's
    length.
    """
    texts = {}
    for device in devices:
        texts.update(line_texts(device))
    return texts


# --- the driver and its rules -----------------------------------------------


def _driver(version: str) -> ToolComponent:
    # GitHub ignores `version` when `semanticVersion` is given; a version
    # that is no semantic version (a dev build) goes in `version` alone.
    semantic = version if SEMVER.match(version) else None
    return ToolComponent(
        name="asalint",
        version=version,
        semantic_version=semantic,
        rules=[rule_descriptor(rule) for rule in catalogue().rules],
    )


def rule_descriptor(rule: Rule) -> ReportingDescriptor:
    """One catalogue rule as SARIF shows it beside its alerts."""
    return ReportingDescriptor(
        id=rule.id,
        name=rule.name,
        short_description=MultiformatMessageString(
            text=_shorten(rule.summary)
        ),
        full_description=MultiformatMessageString(
            text=_shorten(_flow(rule.explanation))
        ),
        help=MultiformatMessageString(
            text=_help_text(rule), markdown=_help_markdown(rule)
        ),
        default_configuration=ReportingConfiguration(level=rule.level.value),
        properties=_rule_properties(rule),
    )


def _rule_properties(rule: Rule) -> dict[str, Any]:
    # GitHub reads `security-severity` only on rules tagged `security`.
    tags = list(dict.fromkeys((*rule.tags, rule.family.value)))
    if rule.security and "security" not in tags:
        tags.insert(0, "security")
    properties: dict[str, Any] = {"tags": tags, "family": rule.family.value}
    if rule.state:
        properties["state"] = rule.state
    if rule.security and rule.security_severity:
        properties["security-severity"] = rule.security_severity
    return properties


def _flow(text: str) -> str:
    """Paragraphs joined into lines, as a one-field description wants."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


def _shorten(text: str, limit: int = MAX_DESCRIPTION) -> str:
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    end = cut.rfind(". ")
    return cut[: end + 1] if end > limit // 2 else cut.rstrip() + "…"


def _help_text(rule: Rule) -> str:
    parts = [rule.summary.strip(), _flow(rule.explanation)]
    if rule.state:
        parts.append(f"An ASA initiator shows {rule.state}.")
    parts.append("How to fix:\n" + rule.fix.strip("\n"))
    return "\n\n".join(parts)


def _help_markdown(rule: Rule) -> str:
    parts = [f"**{rule.summary.strip()}**", _flow(rule.explanation)]
    if rule.state:
        parts.append(f"An ASA initiator shows `{rule.state}`.")
    fence = _fence_for(rule.fix)
    parts.append(f"### How to fix\n\n{fence}\n{rule.fix.strip()}\n{fence}")
    return "\n\n".join(parts)


def _fence_for(text: str) -> str:
    """A code fence longer than any run of backticks inside `text`."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


# --- findings placed on each side -------------------------------------------


@dataclass(frozen=True)
class Placed:
    """A finding as one result: where it sits and which lines it links.

    A pair finding sits on the side whose config holds the fault; its
    mirror sits on the peer's deciding line and links back to it.
    """

    finding: Finding
    path: str
    line: int | None
    related: tuple[Related, ...]
    key: str
    at_peer: bool = False


def _placed(findings: Sequence[Finding], context: Context) -> list[Placed]:
    """Every finding where it sits, and beside it its mirror, if any."""
    citing = _citing(findings)
    sides = []
    for finding in findings:
        here = Placed(
            finding=finding,
            path=finding.path,
            line=finding.line,
            related=_peer_first(finding.related, finding.path),
            key=logical_key(finding),
        )
        sides.append(here)
        mirror = _mirror(here, citing, context)
        if mirror is not None:
            sides.append(mirror)
    return sides


def logical_key(finding: Finding) -> str:
    """rule|device|peer|object: what the finding is about, not where."""
    key = finding.key or f"{finding.path}|{finding.name}"
    if key.startswith(finding.rule + "|"):
        return key
    return f"{finding.rule}|{key}"


def _peer_first(
    related: Sequence[Related], here: str
) -> tuple[Related, ...]:
    """The other config's lines first: the first is the one linked."""
    return tuple(sorted(related, key=lambda line: line.path == here))


def _citing(findings: Sequence[Finding]) -> set[tuple[str, str, str]]:
    """(rule, file, cited file) for every line a finding cites."""
    return {
        (finding.rule, finding.path, related.path)
        for finding in findings
        for related in finding.related
    }


def _mirror(
    here: Placed, citing: set[tuple[str, str, str]], context: Context
) -> Placed | None:
    finding = here.finding
    peer = next((r for r in here.related if r.path != here.path), None)
    if peer is None or here.line is None:
        return None
    if (finding.rule, peer.path, here.path) in citing:
        return None  # both configs hold a fault: each has its own finding

    back = Related(
        path=here.path, line=here.line, message=_cited(here, context)
    )
    rest = [r for r in here.related if r is not peer]
    return Placed(
        finding=finding,
        path=peer.path,
        line=peer.line,
        related=(back, *_peer_first(rest, peer.path)),
        key=f"{here.key}|at-peer",
        at_peer=True,
    )


def _cited(here: Placed, context: Context) -> str:
    """The fault's line as the simulation cites a peer's: host: text."""
    host = context.hostnames.get(here.path, os.path.basename(here.path))
    text = context.texts.get((here.path, here.line or 0))
    return f"{host}: {text.strip()}" if text else f"{host}: line {here.line}"


def _ordinals(sides: Sequence[Placed]) -> list[int]:
    """1 for the first result of a key, 2 for the next: GitHub's `:N`."""
    seen: Counter[str] = Counter()
    ordinals = []
    for side in sides:
        seen[side.key] += 1
        ordinals.append(seen[side.key])
    return ordinals


# --- one result -------------------------------------------------------------


def _result(side: Placed, ordinal: int, context: Context) -> Result:
    finding = side.finding
    return Result(
        rule_id=finding.rule,
        rule_index=context.rule_index.get(finding.rule, -1),
        level=finding.level.value,
        message=Message(text=_message(side, context)),
        locations=[_location(side.path, side.line, context)],
        related_locations=_related_locations(side, context),
        partial_fingerprints=fingerprint(side.key, ordinal),
        properties=_result_properties(side, context),
    )


def _message(side: Placed, context: Context) -> str:
    text = escape_message(side.finding.message)
    links = [
        _link(related, index, context)
        for index, related in enumerate(side.related, start=1)
    ]
    if not links:
        return text
    if side.at_peer:
        head, rest = links[0], links[1:]
        text += f" (the line to change is in the peer's config: {head}"
        return text + (f"; see {', '.join(rest)})" if rest else ")")
    return text + f" (see {', '.join(links)})"


def _link(related: Related, index: int, context: Context) -> str:
    shown = relative_path(related.path, context.root) or related.path
    return f"[{escape_message(f'{shown}:{related.line}')}]({index})"


def escape_message(text: str) -> str:
    """Plain text for a SARIF message: brackets would read as links."""
    return re.sub(r"([\\\[\]])", r"\\\1", text)


def _location(
    path: str,
    line: int | None,
    context: Context,
    *,
    index: int | None = None,
    label: str | None = None,
) -> Location:
    return Location(
        id=index if index is not None else -1,
        physical_location=PhysicalLocation(
            artifact_location=_artifact(path, context),
            region=_region(path, line, context),
        ),
        message=Message(text=label) if label else None,
    )


def _artifact(path: str, context: Context) -> ArtifactLocation:
    uri = relative_uri(path, context.root)
    if uri is None:
        return ArtifactLocation(uri=file_uri(path, context.root))
    return ArtifactLocation(uri=uri, uri_base_id=SRCROOT)


def _region(path: str, line: int | None, context: Context) -> Region:
    # A finding about a whole file (no line) points at its first line:
    # GitHub shows no result without a start line.
    start = line if line is not None and line >= 1 else 1
    text = context.texts.get((path, start)) if line is not None else None
    if text is None:
        return Region(start_line=start)
    return Region(
        start_line=start,
        start_column=1,
        end_line=start,
        end_column=len(text) + 1,
    )


def _related_locations(
    side: Placed, context: Context
) -> list[Location] | None:
    if not side.related:
        return None
    return [
        _location(
            related.path,
            related.line,
            context,
            index=index,
            label=related.message,
        )
        for index, related in enumerate(side.related, start=1)
    ]


def fingerprint(key: str, ordinal: int = 1) -> dict[str, str]:
    """`partialFingerprints` from a logical key, never from line text."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return {FINGERPRINT: f"{digest[:16]}:{ordinal}"}


def _result_properties(side: Placed, context: Context) -> dict[str, Any]:
    """The rule's name and cause, the predicted states, and which side
    this result sits on (`fault`, or `peer` for a pair finding's mirror).
    """
    finding = side.finding
    properties: dict[str, Any] = {"name": finding.name}
    if finding.cause:
        properties["cause"] = finding.cause
    properties.update(finding.properties)
    for role in PATH_PROPERTIES:
        if isinstance(properties.get(role), str):
            properties[role] = _shown(properties[role], context)
    properties["located"] = "peer" if side.at_peer else "fault"
    return properties


# --- the run's own properties -----------------------------------------------


def _run_properties(
    tunnels: Sequence[Tunnel], devices: Sequence[Reported], context: Context
) -> dict[str, Any]:
    """Per device, how its keys are stored; per tunnel, the prediction."""
    return {
        "devices": [_device(device, context) for device in devices],
        "tunnels": [_tunnel(tunnel, context) for tunnel in tunnels],
    }


def _device(device: Reported, context: Context) -> dict[str, Any]:
    return {
        "uri": _shown(device.path, context),
        "hostname": device.hostname,
        "platform": device.platform.value,
        "version": device.version,
        "secrets": secrets_kind(device),
    }


def _shown(path: str, context: Context) -> str:
    return relative_path(path, context.root) or path


def secrets_kind(device: Reported) -> str:
    """none, masked, cleartext, encrypted or mixed: how the keys look.

    Says why a key comparison was skipped (a `show running-config` dump
    masks every key) without telling anything about a key itself.
    """
    return secrets_of(device)


def _tunnel(tunnel: Tunnel, context: Context) -> dict[str, Any]:
    predicted = tunnel.predicted
    return {
        "initiator": _shown(tunnel.initiator, context),
        "responder": _shown(tunnel.responder, context),
        "initiator_address": tunnel.initiator_address,
        "responder_address": tunnel.responder_address,
        "crypto_map": tunnel.crypto_map.get(tunnel.initiator),
        "initiator_state": predicted.initiator_state,
        "responder_state": predicted.responder_state,
        "stage": predicted.stage.value,
        "cause": predicted.cause,
        "certain": predicted.certain,
    }

