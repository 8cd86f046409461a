"""Reading fixtures/pairs/*/expected.toml: what a real device pair shows.

Each pair folder holds `a.cfg`, `b.cfg` and `expected.toml`, with one
`[[tunnel]]` table per direction that a real pair of devices would
show:

    initiator        "a" or "b": which file's device initiates
    crypto_map       the initiator's entry ("outside_map 10"); optional
    initiator_state  as `show crypto isakmp sa` prints it, or NO_SA
    responder_state  the same for the responder
    stage            trigger | phase1 | phase2 | traffic | established
    cause            a cause tag of asalint.causes, or "none"
    cause_side       initiator | responder | both; optional
    certain          false where DESIGN.md marks the rule (uncertain)
    lines            ["b:57", "a:12|a:14"]: each entry must be cited by
                     the failing step (any step when established); "|"
                     separates lines of which any one will do
    rule             the finding's rule id; absent when cause is "none"
    ike_version      2 for an IKEv2 initiator (IKEV2.md); optional
    failed_exchange  IKEv2: the exchange that stalled; optional

A top-level `left_out = ["a:outside_map 20"]` names crypto map entries
for third parties, which belong to no tunnel of the pair. A top-level
`[nat]` table declares a static NAT between the devices that neither
config shows (`"192.168.100.2" = "198.51.100.1"`: the address a device
holds, and the one its peer reaches it at); the pair is simulated with it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from ipaddress import IPv4Address
from pathlib import Path

PAIRS = Path(__file__).parents[1] / "fixtures" / "pairs"
SIDES = ("a", "b")


@dataclass(frozen=True)
class Cited:
    """One cited line, or several of which any one will do."""

    choices: tuple[tuple[str, int], ...]  # (side, line number)

    @classmethod
    def parse(cls, text: str) -> Cited:
        choices = []
        for choice in text.split("|"):
            side, line = choice.strip().split(":")
            choices.append((side, int(line)))
        return cls(tuple(choices))


@dataclass(frozen=True)
class ExpectedTunnel:
    pair: str
    initiator: str  # "a" or "b"
    crypto_map: str | None
    initiator_state: str
    responder_state: str
    stage: str
    cause: str
    cause_side: str | None
    certain: bool
    lines: tuple[Cited, ...]
    rule: str | None
    ike_version: int | None = None
    failed_exchange: str | None = None

    @property
    def responder(self) -> str:
        return "b" if self.initiator == "a" else "a"

    def wanted(self) -> dict[str, object]:
        """The predicted fields, as the simulation names them."""
        wanted: dict[str, object] = {
            "initiator_state": self.initiator_state,
            "responder_state": self.responder_state,
            "stage": self.stage,
            "cause": self.cause,
            "certain": self.certain,
        }
        optional = {
            "cause_side": self.cause_side,
            "ike_version": self.ike_version,
            "failed_exchange": self.failed_exchange,
        }
        for key, value in optional.items():
            if value is not None:
                wanted[key] = value
        return wanted


@dataclass(frozen=True)
class Pair:
    name: str
    folder: Path
    tunnels: tuple[ExpectedTunnel, ...]
    left_out: tuple[tuple[str, str], ...]  # (side, "outside_map 20")
    nat: dict[IPv4Address, IPv4Address] = field(default_factory=dict)

    def path(self, side: str) -> str:
        """The path the tests hand to `load_device` for a side."""
        return str(self.folder / f"{side}.cfg")


def _tunnel(pair: str, table: dict) -> ExpectedTunnel:
    return ExpectedTunnel(
        pair=pair,
        initiator=table["initiator"],
        crypto_map=table.get("crypto_map"),
        initiator_state=table["initiator_state"],
        responder_state=table["responder_state"],
        stage=table["stage"],
        cause=table["cause"],
        cause_side=table.get("cause_side"),
        certain=table["certain"],
        lines=tuple(Cited.parse(text) for text in table["lines"]),
        rule=table.get("rule"),
        ike_version=table.get("ike_version"),
        failed_exchange=table.get("failed_exchange"),
    )


def load_pair(folder: Path) -> Pair:
    with (folder / "expected.toml").open("rb") as handle:
        data = tomllib.load(handle)

    tunnels = tuple(_tunnel(folder.name, t) for t in data.get("tunnel", []))
    left_out = tuple(
        tuple(entry.split(":", 1)) for entry in data.get("left_out", [])
    )
    nat = {
        IPv4Address(held): IPv4Address(seen)
        for held, seen in data.get("nat", {}).items()
    }
    return Pair(folder.name, folder, tunnels, left_out, nat)


def all_pairs() -> list[Pair]:
    folders = sorted(p.parent for p in PAIRS.glob("*/expected.toml"))
    return [load_pair(folder) for folder in folders]


def label_of(expected: ExpectedTunnel) -> str:
    label = f"{expected.pair}:{expected.initiator}-initiates"
    if expected.crypto_map and expected.crypto_map != "outside_map 10":
        label += "-" + expected.crypto_map.replace(" ", "-")
    return label
