"""Small builders of results and devices for the renderer tests.

The renderers take typed values only, so their tests build those values
directly instead of parsing configs: each builder fills what a test does
not care about with a plain, valid value.
"""

from __future__ import annotations

from asalint.model import Device, Era, Origin, Platform, Unparsed
from asalint.results import (
    Finding,
    Fix,
    Level,
    Message,
    PairResult,
    Prediction,
    Related,
    Side,
    Stage,
    Step,
    Tunnel,
)

HQ = "hq.cfg"
BRANCH = "branch.cfg"
HQ_ADDRESS = "198.51.100.1"
BRANCH_ADDRESS = "203.0.113.2"

MAIN_MODE = (
    ("MM1", Side.INITIATOR),
    ("MM2", Side.RESPONDER),
    ("MM3", Side.INITIATOR),
    ("MM4", Side.RESPONDER),
    ("MM5", Side.INITIATOR),
    ("MM6", Side.RESPONDER),
    ("QM1", Side.INITIATOR),
    ("QM2", Side.RESPONDER),
    ("QM3", Side.INITIATOR),
)


def origin(path: str, line: int, text: str) -> Origin:
    return Origin(path=path, line=line, text=text)


def device(
    path: str = HQ,
    hostname: str | None = "hq",
    *,
    version: str | None = "9.8(4)",
    era: Era = Era.ASA84,
    unparsed: int = 0,
    unreadable: int = 0,
) -> Device:
    lines = [
        Unparsed(origin=origin(path, n + 1, "x"), reason="not modelled")
        for n in range(unparsed)
    ] + [
        Unparsed(
            origin=origin(path, 100 + n, "y"),
            reason="cannot read",
            recognised=True,
        )
        for n in range(unreadable)
    ]
    return Device(
        path=path,
        hostname=hostname,
        platform=Platform.ASA,
        version=version,
        era=era,
        unparsed=tuple(lines),
    )


def exchange(stop_at: str | None = None, note: str = "") -> tuple:
    """Main mode and quick mode, the message `stop_at` not delivered."""
    messages = []
    for name, sender in MAIN_MODE:
        delivered = name != stop_at
        text = note if not delivered else ""
        messages.append(
            Message(name=name, sender=sender, delivered=delivered, note=text)
        )
    return tuple(messages)


def stalled_at_mm4(initiator: str = HQ, responder: str = BRANCH) -> Tunnel:
    """The responder has no tunnel-group for the initiator's address."""
    peer_line = origin(
        initiator, 41, "crypto map outside_map 10 set peer 203.0.113.2"
    )
    group_line = origin(
        responder, 12, "tunnel-group 198.51.100.99 type ipsec-l2l"
    )
    return Tunnel(
        initiator=initiator,
        responder=responder,
        initiator_address=HQ_ADDRESS,
        responder_address=BRANCH_ADDRESS,
        crypto_map={initiator: "outside_map 10"},
        predicted=Prediction(
            initiator_state="MM_WAIT_MSG4",
            responder_state="MM_WAIT_MSG3",
            stage=Stage.PHASE1,
            cause="tunnel-group-missing",
            cause_side=Side.RESPONDER,
        ),
        steps=(
            Step(step="msg1", ok=True, detail="branch owns 203.0.113.2"),
            Step(
                step="keys",
                ok=False,
                detail="no ipsec-l2l tunnel-group 198.51.100.1 on branch",
                lines=(peer_line, group_line),
            ),
        ),
        exchange=exchange("MM4", "no key for 198.51.100.1"),
        fixes=(
            Fix(
                path=responder,
                commands=(
                    "tunnel-group 198.51.100.1 type ipsec-l2l",
                    "tunnel-group 198.51.100.1 ipsec-attributes",
                    " ikev1 pre-shared-key <the key hq uses>",
                ),
                why="the ASA picks the tunnel-group by the peer address",
            ),
        ),
    )


def established(initiator: str = BRANCH, responder: str = HQ) -> Tunnel:
    return Tunnel(
        initiator=initiator,
        responder=responder,
        initiator_address=BRANCH_ADDRESS,
        responder_address=HQ_ADDRESS,
        crypto_map={initiator: "vpn 20", responder: "outside_map 10"},
        predicted=Prediction(
            initiator_state="MM_ACTIVE",
            responder_state="MM_ACTIVE",
            stage=Stage.ESTABLISHED,
        ),
        exchange=exchange(),
    )


def finding(
    rule: str = "ASA103",
    level: Level = Level.ERROR,
    path: str = BRANCH,
    line: int | None = 12,
    message: str = "no tunnel-group for 198.51.100.1",
    related: tuple[Related, ...] = (),
) -> Finding:
    return Finding(
        rule=rule,
        name="tunnel-group-missing",
        cause="tunnel-group-missing",
        level=level,
        message=message,
        path=path,
        line=line,
        related=related,
    )


def pair_result(*tunnels: Tunnel, findings: tuple = ()) -> PairResult:
    return PairResult(tunnels=tunnels, findings=findings)


def two_devices() -> list[Device]:
    return [
        device(HQ, "hq", unparsed=3),
        device(BRANCH, "branch", version="8.2(5)", era=Era.ASA_PRE83),
    ]
