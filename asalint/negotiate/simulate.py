"""One direction of one tunnel, walked through the design's steps 0 to 7.

The walk stops at the first step that fails. What the configs cannot
decide (masked keys, rules the sources mark uncertain) is assumed to
pass and recorded as a condition, so the prediction says what it hangs
on instead of guessing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Address

from asalint.negotiate.exchange import ladder, ladder_v2
from asalint.negotiate.findings import findings_for
from asalint.negotiate.fixes import fixes_for
from asalint.negotiate.ikev2 import STEPS_V2, open_questions
from asalint.negotiate.phase1 import auth, keys, msg1, msg2, policy
from asalint.negotiate.phase2 import phase2
from asalint.negotiate.states import (
    V2_INFERRED,
    V2_POINTS,
    inferred,
    initiator_state,
    responder_state,
)
from asalint.negotiate.traffic import traffic
from asalint.negotiate.trigger import trigger
from asalint.negotiate.walk import End, Fault, Outcome, Walk, lines
from asalint.pairing import (
    Leg,
    crypto_interface,
    source_address,
    source_interface,
)
from asalint.results import Finding, Prediction, Side, Stage, Step, Tunnel

STEPS: tuple[tuple[str, Callable[[Walk], Outcome]], ...] = (
    ("trigger", trigger),
    ("msg1", msg1),
    ("policy", policy),
    ("msg2", msg2),
    ("keys", keys),
    ("auth", auth),
    ("phase2", phase2),
    ("traffic", traffic),
)

STEPS_IKEV2 = (STEPS[0], *STEPS_V2, STEPS[-1])

STAGE_OF = {
    "trigger": Stage.TRIGGER,
    "msg1": Stage.PHASE1,
    "policy": Stage.PHASE1,
    "msg2": Stage.PHASE1,
    "keys": Stage.PHASE1,
    "auth": Stage.PHASE1,
    "phase2": Stage.PHASE2,
    "traffic": Stage.TRAFFIC,
    "sa_init": Stage.PHASE1,
    "proposal": Stage.PHASE1,
    "peer": Stage.PHASE1,
    "initiator_key": Stage.PHASE1,
    "child": Stage.PHASE2,
    "responder_key": Stage.PHASE1,
}

# IKEv2 steps whose failures stop at a point of another name.
V2_STEP_POINT = {"auth": "auth_lost", "responder_key": "half_open"}

FALLBACK = "the ASA falls back to IKEv1 once IKEv2 fails (uncertain)"


@dataclass(frozen=True)
class Simulated:
    tunnel: Tunnel
    findings: tuple[Finding, ...]


def simulate_leg(leg: Leg) -> Simulated:
    walk = start(leg)
    steps, fault, failed_at = _walk(walk)
    point = _point(walk, fault, failed_at)
    prediction = _predict(walk, fault, failed_at, point)
    tunnel = _tunnel(walk, steps, fault, point, prediction)
    return Simulated(tunnel, _findings(walk, fault, prediction))


def _point(walk: Walk, fault: Fault | None, failed_at: str | None) -> str:
    """Where the exchange stops, as the state tables name it."""
    if fault is None or failed_at is None:
        return "established"
    if fault.point:
        return fault.point
    if walk.version == 2:
        return V2_STEP_POINT.get(failed_at, failed_at)
    return failed_at


def start(leg: Leg) -> Walk:
    interface = leg.initiator_interface or source_interface(
        leg.initiator, leg.entry, leg.peer
    )
    address = source_address(leg.initiator, leg.entry, interface)
    arrival = crypto_interface(leg.responder, leg.responder_interface)
    mode = str(leg.entry.phase1_mode.value or "main").lower()
    # The initiator's address as the responder sees it: the one its
    # keys, tunnel-group, `set peer` and return route must name.
    seen = leg.initiator.translated(address) if address else None
    walk = Walk(
        leg=leg,
        initiator=End(leg.initiator, leg.entry, interface, seen),
        responder=End(leg.responder, None, arrival, leg.peer),
        mode="aggressive" if mode == "aggressive" else "main",
        version=leg.version,
        translations=translations(leg, address),
    )
    for translation in walk.translations:
        walk.assume(
            f"{translation} through a NAT between the peers (declared,"
            " not in the configs)"
        )
    if leg.fallback:
        walk.assume(FALLBACK)
    if leg.hostname:
        walk.assume(
            f"set peer {leg.hostname} is taken to resolve to {leg.peer}"
        )
    return walk


def translations(leg: Leg, address: IPv4Address | None) -> tuple[str, ...]:
    """What the declared NAT between the peers changes for this leg."""
    found = []
    for index, real in (
        (leg.initiator, address),
        (leg.responder, _real_address(leg)),
    ):
        if real is not None and index.translated(real) != real:
            name = index.device.hostname or index.path
            found.append(f"{name} {real} is seen as {index.translated(real)}")
    return tuple(found)


def _real_address(leg: Leg) -> IPv4Address | None:
    owner = leg.responder_interface
    if owner is None or owner.address is None:
        return None
    return owner.address.ip


def _walk(walk: Walk) -> tuple[list[Step], Fault | None, str | None]:
    steps: list[Step] = []
    for name, run in STEPS_IKEV2 if walk.version == 2 else STEPS:
        outcome = run(walk)
        if isinstance(outcome, Fault):
            steps.append(
                Step(
                    step=name,
                    ok=False,
                    detail=outcome.detail,
                    lines=outcome.initiator_lines + outcome.responder_lines,
                    certain=outcome.certain,
                )
            )
            return steps, outcome, name
        steps.append(
            Step(
                step=name, ok=True, detail=outcome.detail, lines=outcome.lines
            )
        )
    return steps, None, None


def _predict(
    walk: Walk, fault: Fault | None, failed_at: str | None, point: str
) -> Prediction:
    if fault is not None and fault.condition:
        walk.assume(fault.condition)
    if fault is not None and not fault.certain:
        walk.certain = False
    initiator, responder = _states(walk, point)
    return Prediction(
        initiator_state=initiator,
        responder_state=responder,
        stage=STAGE_OF[failed_at] if failed_at else Stage.ESTABLISHED,
        cause=fault.cause if fault else walk.assumption,
        cause_side=fault.side if fault else None,
        certain=walk.certain,
        conditions=tuple(walk.conditions),
    )


def _states(walk: Walk, point: str) -> tuple[str, str]:
    if walk.version == 2:
        initiator, responder, _ = V2_POINTS[point]
        if point in V2_INFERRED:
            walk.assume(f"the states at this point ({point}) are inferred")
        open_questions(walk, point, (initiator, responder))
        return initiator, responder
    init_family, resp_family = walk.initiator.family, walk.responder.family
    if inferred(init_family, resp_family, walk.mode, point):
        walk.assume(f"the states at this point ({point}) are inferred")
    return (
        initiator_state(init_family, walk.mode, point),
        responder_state(resp_family, walk.mode, point),
    )


def _tunnel(walk, steps, fault, point, prediction) -> Tunnel:
    note = fault.cause if fault else ""
    initiator, responder = walk.initiator, walk.responder
    if walk.version == 2:
        exchange = ladder_v2(point, note)
    else:
        exchange = ladder(walk.mode, point, note)
    return Tunnel(
        initiator=initiator.device.path,
        responder=responder.device.path,
        initiator_address=str(initiator.address)
        if initiator.address
        else None,
        responder_address=str(walk.leg.peer) if walk.leg.peer else None,
        ike_version=walk.version,
        mode=walk.mode,
        crypto_map=_maps(walk),
        predicted=prediction,
        steps=tuple(steps),
        exchange=exchange,
        fixes=fixes_for(walk, fault) if fault else (),
        failed_exchange=V2_POINTS[point][2]
        if walk.version == 2 and fault
        else None,
    )


def _maps(walk: Walk) -> dict[str, str]:
    found = {}
    if walk.initiator.entry is not None:
        found[walk.initiator.device.path] = walk.initiator.entry.label
    entry = walk.chosen or _counterpart_entry(walk)
    if entry is not None:
        found[walk.responder.device.path] = entry.label
    return found


def _counterpart_entry(walk: Walk):
    address = walk.initiator.address
    entries = walk.responder.index.entries_by_peer.get(address, [])
    return entries[0] if address and entries else None


def _findings(
    walk: Walk, fault: Fault | None, prediction: Prediction
) -> tuple[Finding, ...]:
    found: list[Finding] = []
    if fault is not None:
        found += findings_for(walk, fault, prediction)
    elif walk.assumption is not None and not any(
        warning.cause == walk.assumption for warning in walk.warnings
    ):
        found += _assumption(walk, prediction)
    for warning in walk.warnings:
        found += findings_for(walk, warning, None)
    return tuple(found)


def _assumption(walk: Walk, prediction: Prediction) -> list[Finding]:
    # Established only under assumptions: psk-unverifiable and the like
    # are findings of their own, at their rule's level.
    if walk.keys:
        initiator, responder = (choice.key_lines for choice in walk.keys)
    else:
        initiator, responder = ((line,) for line in walk.policy_lines)
    fault = Fault(
        walk.assumption or "",
        Side.BOTH,
        "; ".join(walk.conditions) or "cannot be verified from the configs",
        initiator_lines=lines(*initiator),
        responder_lines=lines(*responder),
    )
    return findings_for(walk, fault, prediction)
