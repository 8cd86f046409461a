"""Findings from simulated directions: typed values, short messages.

A finding sits on the line of the side whose config holds the fault
(the initiator's when both do), with the other side's deciding lines as
`related`. Its `key` names rule, device, peer and object, so its
fingerprint survives edits elsewhere in the file.
"""

from __future__ import annotations

from collections.abc import Iterable

from asalint.causes import CAUSES
from asalint.model import Origin
from asalint.negotiate.walk import End, Fault, Walk
from asalint.results import Finding, Level, Prediction, Related, Side


def findings_for(
    walk: Walk, fault: Fault, prediction: Prediction | None
) -> list[Finding]:
    """One finding on the side at fault; when both sides are, one on each
    side that cites a line, so each file shows its own part."""
    if fault.side != Side.BOTH:
        return [finding(walk, fault, prediction, fault.side)]
    sides = [
        side
        for side, cited in (
            (Side.INITIATOR, fault.initiator_lines),
            (Side.RESPONDER, fault.responder_lines),
        )
        if cited
    ]
    return [
        finding(walk, fault, prediction, side)
        for side in sides or [Side.INITIATOR]
    ]


def finding(
    walk: Walk,
    fault: Fault,
    prediction: Prediction | None,
    side: Side = Side.INITIATOR,
) -> Finding:
    """The finding of `fault`, sitting on `side`'s first cited line."""
    cause = CAUSES[fault.cause]
    here, there = _ends(walk, side)
    mine, theirs = _lines(fault, side)
    primary = mine[0] if mine else None
    return Finding(
        rule=cause.rule,
        name=cause.tag,
        cause=cause.tag,
        level=Level(fault.level) if fault.level else cause.level,
        message=f"{_direction(walk)}: {fault.detail}",
        path=primary.path if primary else here.device.path,
        line=primary.line if primary else None,
        related=_related(mine[1:], theirs, there),
        key="|".join(
            (cause.rule, here.name, str(there.address), _object(walk))
        ),
        properties=_properties(walk, prediction),
    )


def _ends(walk: Walk, side: Side) -> tuple[End, End]:
    if side == Side.RESPONDER:
        return walk.responder, walk.initiator
    return walk.initiator, walk.responder


def _lines(fault: Fault, side: Side):
    if side == Side.RESPONDER:
        return fault.responder_lines, fault.initiator_lines
    return fault.initiator_lines, fault.responder_lines


def _related(
    mine: Iterable[Origin], theirs: Iterable[Origin], there: End
) -> tuple[Related, ...]:
    found = [
        Related(path=o.path, line=o.line, message=o.text.strip()) for o in mine
    ]
    found += [
        Related(
            path=o.path, line=o.line, message=f"{there.name}: {o.text.strip()}"
        )
        for o in theirs
    ]
    return tuple(found)


def _direction(walk: Walk) -> str:
    entry = walk.initiator.entry
    label = entry.label if entry else "?"
    return (
        f"{walk.initiator.name} -> {walk.responder.name}"
        f" ({label}, peer {walk.leg.peer})"
    )


def _object(walk: Walk) -> str:
    entry = walk.initiator.entry
    return entry.label if entry else ""


def _properties(
    walk: Walk, prediction: Prediction | None
) -> dict[str, str | bool | None]:
    found: dict[str, str | bool | None] = {
        "initiator": walk.initiator.device.path,
        "responder": walk.responder.device.path,
    }
    if prediction is not None:
        found.update(
            initiator_state=prediction.initiator_state,
            responder_state=prediction.responder_state,
            stage=prediction.stage.value,
            certain=prediction.certain,
        )
    return found


def deduplicate(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """One finding per rule, line and cause: a fault both directions hit
    on the same line is reported once."""
    seen: set[tuple] = set()
    kept = []
    for item in findings:
        identity = (item.rule, item.path, item.line, item.cause)
        if identity in seen:
            continue
        seen.add(identity)
        kept.append(item)
    return tuple(kept)
