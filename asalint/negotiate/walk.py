"""The state one simulated direction carries from step to step.

Each step is a function of a `Walk` that returns a `Fault` (the first
check that fails, with the lines on both sides that decided it) or a
`Passed` (what held, and where). Assumptions - keys that cannot be seen,
rules marked uncertain - are recorded on the walk as conditions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address

from asalint.addresses import ProxyIdentity
from asalint.model import CryptoMapEntry, Device, Interface, Origin
from asalint.negotiate.index import DeviceIndex
from asalint.negotiate.states import Family, family
from asalint.pairing import Leg
from asalint.results import Side


@dataclass(frozen=True)
class End:
    """One side of a direction."""

    index: DeviceIndex
    entry: CryptoMapEntry | None  # the initiator's entry; responder: chosen
    interface: Interface | None  # where IKE leaves or arrives
    address: IPv4Address | None

    @property
    def device(self) -> Device:
        return self.index.device

    @property
    def family(self) -> Family:
        return family(self.index.device)

    @property
    def interface_key(self) -> str | None:
        if self.interface is None:
            return None
        return self.index.key(self.interface)

    @property
    def name(self) -> str:
        return self.device.hostname or self.device.path


@dataclass(frozen=True)
class Fault:
    """The check that failed, and why."""

    cause: str
    side: Side
    detail: str
    initiator_lines: tuple[Origin, ...] = ()
    responder_lines: tuple[Origin, ...] = ()
    certain: bool = True
    point: str | None = None  # state row; the step's own when None
    condition: str | None = None  # what the uncertain part assumes
    level: str | None = None  # a warning's level, when not the rule's


@dataclass(frozen=True)
class Passed:
    detail: str
    lines: tuple[Origin, ...] = ()


Outcome = Fault | Passed


@dataclass
class Walk:
    leg: Leg
    initiator: End
    responder: End
    mode: str  # main | aggressive
    version: int = 1  # IKE version
    conditions: list[str] = field(default_factory=list)
    certain: bool = True
    assumption: str | None = None  # psk-unverifiable, certificate-...
    proposals: tuple[ProxyIdentity, ...] = ()
    chosen: CryptoMapEntry | None = None  # the responder's entry
    authentication: str = "pre-share"
    keys: tuple = ()  # (initiator's KeyChoice, responder's KeyChoice)
    policy_lines: tuple[Origin | None, Origin | None] = (None, None)
    # (dynamic reference, static entry it hides), for the fix
    order: tuple[CryptoMapEntry, CryptoMapEntry] | None = None
    warnings: list[Fault] = field(default_factory=list)
    # Declared NAT between the peers, one "hq A is seen as B" per
    # translated side; empty when the peers see each other's own
    # addresses.
    translations: tuple[str, ...] = ()

    def assume(self, condition: str) -> None:
        """Go on as if something held that the configs cannot show."""
        self.certain = False
        if condition not in self.conditions:
            self.conditions.append(condition)

    def warn(self, warning: Fault) -> None:
        """A finding that does not stop the negotiation."""
        self.warnings.append(warning)

    def end(self, side: Side) -> End:
        return self.initiator if side == Side.INITIATOR else self.responder


def lines(*origins: Origin | None) -> tuple[Origin, ...]:
    """The given origins without the missing ones or repeats."""
    found: list[Origin] = []
    for origin in origins:
        if origin is not None and origin not in found:
            found.append(origin)
    return tuple(found)


def attribute(entry: CryptoMapEntry | None, name: str) -> Origin | None:
    """The line that set an attribute of a map entry, else the entry."""
    if entry is None:
        return None
    return entry.attribute_origins.get(name, entry.origin)


def proposal_line(entry: CryptoMapEntry | None) -> Origin | None:
    """The line naming an entry's IKEv2 proposals (ASA) or, on IOS, the
    transform sets its IKEv2 profile uses."""
    if entry is None:
        return None
    origins = entry.attribute_origins
    return origins.get("proposal") or attribute(entry, "ikev2-proposal")
