"""The JSON document of DESIGN.md's contract.

Field names and their order are a contract: tools and tests read them.
Fields may be added at the end of an object, never renamed or removed.
Every value comes from typed results whose cited lines are already
masked; this module adds no config text of its own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from asalint import __version__
from asalint.model import Origin
from asalint.report.common import ordered_findings
from asalint.results import (
    Finding,
    Fix,
    Message,
    PairResult,
    Prediction,
    Related,
    Step,
    Tunnel,
)
from asalint.summary import Reported, unparsed_counts

Json = dict[str, Any]


def render_json(
    result: PairResult,
    devices: Sequence[Reported],
    version: str = __version__,
) -> str:
    """The document as text: 2-space indent, keys in contract order.

    Non-ASCII characters are escaped, so the document survives any
    stdout encoding and any consumer.
    """
    document = json_document(result, devices, version)
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


def json_document(
    result: PairResult,
    devices: Sequence[Reported],
    version: str = __version__,
) -> Json:
    return {
        "asalint": version,
        "devices": [_device(device) for device in devices],
        "tunnels": [_tunnel(tunnel) for tunnel in result.tunnels],
        "findings": [
            _finding(finding) for finding in ordered_findings(result, devices)
        ],
    }


def _device(device: Reported) -> Json:
    # `unparsed` counts every line the model does not hold; `unreadable`
    # the part of them asalint recognised but could not read.
    not_modelled, unreadable = unparsed_counts(device)
    return {
        "path": device.path,
        "hostname": device.hostname,
        "platform": device.platform.value,
        "version": device.version,
        "era": device.era.value,
        "unparsed": not_modelled + unreadable,
        "unreadable": unreadable,
        "notes": list(device.notes),
    }


def _tunnel(tunnel: Tunnel) -> Json:
    return {
        "initiator": tunnel.initiator,
        "responder": tunnel.responder,
        "initiator_address": tunnel.initiator_address,
        "responder_address": tunnel.responder_address,
        "ike_version": tunnel.ike_version,
        "mode": tunnel.mode,
        "crypto_map": dict(tunnel.crypto_map),
        "predicted": _prediction(tunnel.predicted),
        "steps": [_step(step) for step in tunnel.steps],
        "exchange": [_message(message) for message in tunnel.exchange],
        "failed_exchange": tunnel.failed_exchange,
        "fixes": [_fix(fix) for fix in tunnel.fixes],
    }


def _prediction(predicted: Prediction) -> Json:
    side = predicted.cause_side
    return {
        "initiator_state": predicted.initiator_state,
        "responder_state": predicted.responder_state,
        "stage": predicted.stage.value,
        "cause": predicted.cause,
        "cause_side": side.value if side is not None else None,
        "certain": predicted.certain,
        "conditions": list(predicted.conditions),
    }


def _step(step: Step) -> Json:
    return {
        "step": step.step,
        "ok": step.ok,
        "detail": step.detail,
        "lines": [_line(origin) for origin in step.lines],
        "certain": step.certain,
    }


def _line(origin: Origin) -> Json:
    return {"path": origin.path, "line": origin.line}


def _message(message: Message) -> Json:
    return {
        "name": message.name,
        "sender": message.sender.value,
        "delivered": message.delivered,
        "note": message.note,
    }


def _fix(fix: Fix) -> Json:
    return {"path": fix.path, "commands": list(fix.commands), "why": fix.why}


def _finding(finding: Finding) -> Json:
    return {
        "rule": finding.rule,
        "name": finding.name,
        "cause": finding.cause,
        "level": finding.level.value,
        "message": finding.message,
        "path": finding.path,
        "line": finding.line,
        "related": [_related(related) for related in finding.related],
    }


def _related(related: Related) -> Json:
    return {
        "path": related.path,
        "line": related.line,
        "message": related.message,
    }
