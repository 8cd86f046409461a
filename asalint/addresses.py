"""Address sets, proxy identities and ACL matching.

The model resolves names, objects and object-groups into tuples of
`IPv4Network`; this module answers the questions the simulation asks of
them: is one set inside another, do they overlap, which proxy identities
does an initiator propose, and does a responder's crypto ACL accept them.

Sets are kept as sorted, merged integer intervals, so containment and
overlap cost a binary search, not a scan, even for ACLs of thousands of
entries.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from ipaddress import IPv4Address, IPv4Network

from asalint.model import AclEntry

Networks = tuple[IPv4Network, ...]
ANY = IPv4Network("0.0.0.0/0")


def _span(network: IPv4Network) -> tuple[int, int]:
    return int(network.network_address), int(network.broadcast_address)


@dataclass(frozen=True)
class NetSet:
    """A set of IPv4 addresses as merged, sorted, inclusive intervals."""

    intervals: tuple[tuple[int, int], ...] = ()

    @classmethod
    def of(cls, networks: Iterable[IPv4Network]) -> NetSet:
        return cls(_merge(_span(network) for network in networks))

    def __bool__(self) -> bool:
        return bool(self.intervals)

    def union(self, other: NetSet) -> NetSet:
        return NetSet(_merge(self.intervals + other.intervals))

    def contains(self, network: IPv4Network | IPv4Address) -> bool:
        """True when every address of `network` is in the set."""
        start, end = _bounds(network)
        index = bisect_right(self.intervals, (start, 2**32)) - 1
        return index >= 0 and self.intervals[index][1] >= end

    def overlaps(self, network: IPv4Network) -> bool:
        start, end = _span(network)
        index = bisect_right(self.intervals, (end, 2**32)) - 1
        return index >= 0 and self.intervals[index][1] >= start

    def covers(self, other: NetSet) -> bool:
        return all(
            self.contains_span(start, end) for start, end in other.intervals
        )

    def contains_span(self, start: int, end: int) -> bool:
        index = bisect_right(self.intervals, (start, 2**32)) - 1
        return index >= 0 and self.intervals[index][1] >= end


def _bounds(value: IPv4Network | IPv4Address) -> tuple[int, int]:
    if isinstance(value, IPv4Address):
        return int(value), int(value)
    return _span(value)


def _merge(
    spans: Iterable[tuple[int, int]],
) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def inside(inner: IPv4Network, outers: Networks) -> bool:
    """`inner` lies within one single network of `outers`."""
    return any(inner.subnet_of(outer) for outer in outers)


def overlap(first: Networks, second: Networks) -> bool:
    return any(a.overlaps(b) for a in first for b in second)


def same_set(first: Networks, second: Networks) -> bool:
    return NetSet.of(first) == NetSet.of(second)


# --- protocols and ports ---------------------------------------------------

# Protocol numbers the ASA and IOS print by name.
_PROTOCOL_NAMES = {
    "0": "ip",
    "1": "icmp",
    "6": "tcp",
    "17": "udp",
    "50": "esp",
    "51": "ah",
    "47": "gre",
}


def protocol_name(protocol: str) -> str:
    name = protocol.lower()
    return _PROTOCOL_NAMES.get(name, name)


def protocol_covers(outer: str, inner: str) -> bool:
    """`ip` (or an ASA `any4`) stands for every protocol."""
    outer, inner = protocol_name(outer), protocol_name(inner)
    return outer == "ip" or outer == inner


def port_covers(outer: str | None, inner: str | None) -> bool:
    return outer is None or outer == inner


# --- proxy identities ------------------------------------------------------


@dataclass(frozen=True)
class ProxyIdentity:
    """One protected flow as the side holding the ACL sees it.

    `local` is the ACL's source side (this device's network), `remote` the
    destination side (the peer's network).
    """

    protocol: str
    local: IPv4Network
    remote: IPv4Network
    local_port: str | None
    remote_port: str | None
    entry: AclEntry

    def label(self) -> str:
        return f"{self.protocol} {self.local} -> {self.remote}"


def expand(entry: AclEntry) -> tuple[ProxyIdentity, ...]:
    """The proxy identities an ACL entry stands for.

    The ASA expands an entry written with object-groups into one entry per
    source and destination member, and proposes each on its own.
    """
    return tuple(
        ProxyIdentity(
            entry.protocol,
            local,
            remote,
            entry.source_port,
            entry.destination_port,
            entry,
        )
        for local in entry.source
        for remote in entry.destination
    )


def proposals(entries: Iterable[AclEntry]) -> tuple[ProxyIdentity, ...]:
    """Every proxy identity the active permit entries of an ACL protect."""
    found: list[ProxyIdentity] = []
    for entry in entries:
        if entry.action == "permit" and not entry.inactive:
            found.extend(expand(entry))
    return tuple(found)


class Fit(Enum):
    """How a responder's crypto ACL entry relates to a proposal."""

    MIRROR = "mirror"  # exactly the mirror image
    INSIDE = "inside"  # the proposal lies within the entry
    NONE = "none"


@dataclass(frozen=True)
class Acceptance:
    fit: Fit
    entry: AclEntry | None = None


def fit(proposal: ProxyIdentity, entry: AclEntry) -> Fit:
    """Compare an initiator's proposal with one responder ACL entry.

    The responder reads the proposal mirrored: the initiator's remote
    network is the responder's local one.
    """
    if not protocol_covers(entry.protocol, proposal.protocol):
        return Fit.NONE
    if not _ports_fit(proposal, entry):
        return Fit.NONE
    if _is_mirror(proposal, entry):
        return Fit.MIRROR
    if inside(proposal.remote, entry.source) and inside(
        proposal.local, entry.destination
    ):
        return Fit.INSIDE
    return Fit.NONE


def _ports_fit(proposal: ProxyIdentity, entry: AclEntry) -> bool:
    return port_covers(entry.source_port, proposal.remote_port) and (
        port_covers(entry.destination_port, proposal.local_port)
    )


def _is_mirror(proposal: ProxyIdentity, entry: AclEntry) -> bool:
    return (
        proposal.remote in entry.source
        and proposal.local in entry.destination
        and protocol_name(entry.protocol) == protocol_name(proposal.protocol)
        and entry.source_port == proposal.remote_port
        and entry.destination_port == proposal.local_port
    )


def accepts(
    proposal: ProxyIdentity, entries: Iterable[AclEntry]
) -> Acceptance:
    """Does a responder's crypto ACL take this proposal?

    Entries are read in order: a deny entry that touches the mirrored
    flow ends the search (that traffic is not to be protected), the first
    permit entry that holds it accepts it.
    """
    for entry in entries:
        if entry.inactive:
            continue
        if entry.action != "permit":
            if _touches(proposal, entry):
                return Acceptance(Fit.NONE, entry)
            continue
        found = fit(proposal, entry)
        if found is not Fit.NONE:
            return Acceptance(found, entry)
    return Acceptance(Fit.NONE)


def _touches(proposal: ProxyIdentity, entry: AclEntry) -> bool:
    return overlap((proposal.remote,), entry.source) and overlap(
        (proposal.local,), entry.destination
    )


def permits(
    entries: Iterable[AclEntry],
    source: IPv4Network,
    destination: IPv4Network,
) -> tuple[bool, AclEntry | None]:
    """Does an interface ACL or vpn-filter let (source -> destination) by?

    Only entries for every protocol (`ip`) decide: a flow of all traffic
    that only ICMP replies or one port may pass is a blocked flow. The
    first such entry that touches the flow decides, except a deny that
    holds only part of it, which leaves the rest to later entries. The
    implicit deny at the end answers (False, None).
    """
    for entry in entries:
        if entry.inactive or protocol_name(entry.protocol) != "ip":
            continue
        if not _flow_overlaps(entry, source, destination):
            continue
        if entry.action == "permit":
            return True, entry
        if inside(source, entry.source) and inside(
            destination, entry.destination
        ):
            return False, entry
    return False, None


def _flow_overlaps(
    entry: AclEntry, source: IPv4Network, destination: IPv4Network
) -> bool:
    return overlap((source,), entry.source) and overlap(
        (destination,), entry.destination
    )
