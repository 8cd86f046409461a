"""What the simulation and the checks produce: typed values, no words.

Only `asalint.report` turns these into text, JSON or SARIF. Nothing here
holds a secret: cited lines are `Origin`s, whose text is masked.
"""

from __future__ import annotations

from enum import StrEnum

from asalint.model import Frozen, Origin


class Stage(StrEnum):
    TRIGGER = "trigger"
    PHASE1 = "phase1"
    PHASE2 = "phase2"
    TRAFFIC = "traffic"
    ESTABLISHED = "established"


class Level(StrEnum):
    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return {"note": 0, "warning": 1, "error": 2}[self.value]


class Side(StrEnum):
    INITIATOR = "initiator"
    RESPONDER = "responder"
    BOTH = "both"


class Message(Frozen):
    """One packet of the exchange, for the ladder: who sent what.

    `delivered` is False for the message that never arrives or is
    refused; the ladder draws its mark there.
    """

    name: str  # MM1 ... MM6, AM1, QM1, IKE_SA_INIT ...
    sender: Side
    delivered: bool = True
    note: str = ""


class Step(Frozen):
    """One step of the negotiation table, with the lines that decided it."""

    step: str  # trigger, msg1, policy, msg2, keys, auth, phase2, traffic
    ok: bool
    detail: str
    lines: tuple[Origin, ...] = ()
    certain: bool = True


class Prediction(Frozen):
    initiator_state: str
    responder_state: str
    stage: Stage
    cause: str | None = None
    cause_side: Side | None = None
    certain: bool = True
    conditions: tuple[str, ...] = ()


class Fix(Frozen):
    """A change in config syntax, on one side."""

    path: str
    commands: tuple[str, ...]
    why: str = ""


class Tunnel(Frozen):
    """One direction of one tunnel: a crypto map entry, a peer, a side."""

    initiator: str  # path
    responder: str
    initiator_address: str | None
    responder_address: str | None
    ike_version: int = 1
    mode: str = "main"
    crypto_map: dict[str, str] = {}  # path -> "outside_map 10"
    predicted: Prediction
    steps: tuple[Step, ...] = ()
    exchange: tuple[Message, ...] = ()
    fixes: tuple[Fix, ...] = ()
    failed_exchange: str | None = None  # IKEv2: IKE_SA_INIT, IKE_AUTH ...


class Related(Frozen):
    path: str
    line: int
    message: str


class Finding(Frozen):
    rule: str  # ASA101
    name: str  # kebab-case
    cause: str | None
    level: Level
    message: str
    path: str
    line: int | None
    related: tuple[Related, ...] = ()
    key: str = ""  # logical key for fingerprints: device|peer|object
    properties: dict[str, str | bool | None] = {}


class PairResult(Frozen):
    tunnels: tuple[Tunnel, ...] = ()
    findings: tuple[Finding, ...] = ()
