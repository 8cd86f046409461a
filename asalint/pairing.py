"""Which crypto map entry on one device talks to the other device.

A direction of a tunnel (a `Leg`) starts at a crypto map entry of the
initiator whose `set peer` names an address the other device owns, or its
failover standby address (which never answers: the active unit holds the
system addresses), or - when no peer is the other device's but the entry
protects that device's networks - a wrong address (peer-address-mismatch).

With a NAT between the devices (declared by the caller, since neither
config shows it), a device is reached at its translated address, and its
own address behind the NAT reaches nothing (peer-address-mismatch).

Peers that belong to neither device are reported as notes: the far end
is not the config given. A device that answers through a dynamic map
entry and has no static entry of its own for the other device gets a
leg too, which stops at once: a dynamic entry never initiates.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from ipaddress import IPv4Address

from asalint.addresses import ANY, NetSet
from asalint.causes import PEER_NOT_IN_PAIR
from asalint.model import CryptoMapEntry, Interface, Origin
from asalint.negotiate.index import DeviceIndex
from asalint.results import Finding, Level

STANDBY = "peer-is-standby-address"
MISMATCH = "peer-address-mismatch"


@dataclass(frozen=True)
class Leg:
    """One direction to simulate: an initiator's entry and a peer."""

    initiator: DeviceIndex
    responder: DeviceIndex
    entry: CryptoMapEntry
    peer: IPv4Address | None  # None: the entry names no peer
    earlier_peers: tuple[IPv4Address, ...] = ()
    responder_interface: Interface | None = None
    fault: str | None = None  # STANDBY or MISMATCH, decided by pairing
    initiator_interface: Interface | None = None  # known: dynamic legs
    version: int = 1  # IKE version
    fallback: bool = False  # IKEv1 after IKEv2 failed (an ASA with both)
    hostname: str | None = None  # `set peer NAME`, taken to resolve to peer

    @property
    def order(self) -> tuple:
        return (
            self.initiator.position,
            _map_rank(self.initiator, self.entry),
            self.entry.sequence,
            int(self.peer) if self.peer else -1,
            -self.version,
        )


@dataclass(frozen=True)
class Pairing:
    legs: tuple[Leg, ...]
    strangers: tuple[Finding, ...]  # peers in neither file


def pair_devices(first: DeviceIndex, second: DeviceIndex) -> Pairing:
    """Every direction between the two devices, in output order."""
    legs: list[Leg] = []
    strangers: list[Finding] = []
    for here, there in ((first, second), (second, first)):
        for entry in here.static_entries():
            found, notes = _legs_for_entry(here, there, entry)
            legs.extend(found)
            strangers.extend(notes)
    legs.extend(_dynamic_only_legs(legs))
    return Pairing(
        tuple(sorted(legs, key=lambda leg: leg.order)), tuple(strangers)
    )


def _legs_for_entry(
    here: DeviceIndex, there: DeviceIndex, entry: CryptoMapEntry
) -> tuple[list[Leg], list[Finding]]:
    legs = _legs_to_owned_peers(here, there, entry)
    notes = _strangers(here, there, entry)
    if not legs and _meant_for(here, there, entry):
        legs, notes = [_meant_leg(here, there, entry)], []
    return [v for leg in legs for v in _versions(leg)], notes


def _meant_leg(
    here: DeviceIndex, there: DeviceIndex, entry: CryptoMapEntry
) -> Leg:
    """An entry for the other device's networks whose peer is not one of
    its addresses: a wrong address, a host name, or none at all."""
    if entry.peers:
        return Leg(here, there, entry, entry.peers[0], fault=MISMATCH)
    terminating = _vpn_addresses(there)
    if entry.peer_hostnames and len(terminating) == 1:
        # A name cannot be resolved offline; with one candidate address
        # on the other device it is taken to resolve there.
        address, interface = terminating[0]
        return Leg(
            here,
            there,
            entry,
            address,
            responder_interface=interface,
            hostname=entry.peer_hostnames[0],
        )
    return Leg(here, there, entry, None)


def _vpn_addresses(index: DeviceIndex) -> list[tuple[IPv4Address, Interface]]:
    """Addresses of the interfaces a crypto map is bound to."""
    return [
        (index.translated(interface.address.ip), interface)
        for interface in index.device.interfaces
        if interface.address is not None
        and index.key(interface).lower() in index.crypto_interfaces
    ]


def _versions(leg: Leg) -> list[Leg]:
    """A leg per IKE version the entry speaks.

    An IOS entry with an IKEv2 profile, or an ASA entry with only IKEv2
    proposals, speaks IKEv2. An ASA entry with both tries IKEv2 first
    and falls back to IKEv1 when it fails.
    """
    entry = leg.entry
    if entry.ikev2_profile or (
        entry.ikev2_proposals and not entry.transform_sets
    ):
        return [replace(leg, version=2)]
    if entry.ikev2_proposals:
        return [replace(leg, version=2), replace(leg, fallback=True)]
    return [leg]


def _legs_to_owned_peers(
    here: DeviceIndex, there: DeviceIndex, entry: CryptoMapEntry
) -> list[Leg]:
    legs = []
    for position, peer in enumerate(entry.peers):
        earlier = entry.peers[:position]
        owner = there.reached(peer)
        if owner is not None:
            legs.append(Leg(here, there, entry, peer, earlier, owner))
        elif peer in there.standby:
            interface = there.standby[peer]
            legs.append(
                Leg(here, there, entry, peer, earlier, interface, STANDBY)
            )
        elif peer in there.seen_as:
            # The other device's own address, which the NAT between
            # them hides: nothing answers there.
            legs.append(
                Leg(here, there, entry, peer, earlier, fault=MISMATCH)
            )
    return legs


def _meant_for(
    here: DeviceIndex, there: DeviceIndex, entry: CryptoMapEntry
) -> bool:
    """Does the entry protect the other device's networks?

    Its remote side (the ACL's destinations) must be non-empty, not
    `any`, and lie wholly within the networks the other device reaches
    behind itself or protects in its own crypto ACLs.
    """
    remote = _remote_networks(here, entry)
    return bool(remote) and there.networks.covers(remote)


def _remote_networks(here: DeviceIndex, entry: CryptoMapEntry) -> NetSet:
    found = [
        network
        for ace in here.acl(entry.acl)
        if ace.action == "permit" and not ace.inactive
        for network in ace.destination
        if network != ANY
    ]
    return NetSet.of(found)


def _strangers(
    here: DeviceIndex, there: DeviceIndex, entry: CryptoMapEntry
) -> list[Finding]:
    rule, name, level = PEER_NOT_IN_PAIR
    found = []
    for peer in entry.peers:
        if _belongs_to(peer, here) or _belongs_to(peer, there):
            continue
        origin = _peer_origin(entry)
        found.append(
            Finding(
                rule=rule,
                name=name,
                cause=None,
                level=Level(level),
                message=(
                    f"{entry.label} peer {peer} is an address of neither"
                    f" {_name(here)} nor {_name(there)}"
                ),
                path=here.path,
                line=origin.line,
                key=f"{rule}|{_name(here)}|{peer}|{entry.label}",
                properties={"peer": str(peer)},
            )
        )
    return found


def _belongs_to(peer: IPv4Address, index: DeviceIndex) -> bool:
    return (
        peer in index.owned
        or peer in index.standby
        or peer in index.reached_at
    )


def _peer_origin(entry: CryptoMapEntry) -> Origin:
    return entry.attribute_origins.get("peer", entry.origin)


def _name(index: DeviceIndex) -> str:
    return index.device.hostname or index.path


def _map_rank(index: DeviceIndex, entry: CryptoMapEntry) -> int:
    if entry.map in index.map_order:
        return index.map_order.index(entry.map)
    return len(index.map_order)


# --- answering through a dynamic map ---------------------------------------


def _dynamic_only_legs(legs: list[Leg]) -> list[Leg]:
    """Reverse legs for responders that only answer, through a dynamic map.

    Such a responder has no static entry for the initiator; its leg
    starts at the dynamic entry and stops at the trigger (a note).
    """
    found: dict[tuple, Leg] = {}
    for leg in legs:
        if leg.fault or leg.responder_interface is None or leg.peer is None:
            continue
        reverse = _dynamic_leg(leg) if not leg.fallback else None
        if reverse is not None:
            key = (
                reverse.initiator.position,
                reverse.entry.label,
                reverse.peer,
            )
            found.setdefault(key, reverse)
    return list(found.values())


def _dynamic_leg(leg: Leg) -> Leg | None:
    responder, initiator = leg.responder, leg.initiator
    if _has_static_entry_for(responder, initiator):
        return None
    arrival = crypto_interface(responder, leg.responder_interface)
    assert arrival is not None
    binding = responder.map_on.get(responder.key(arrival).lower())
    if binding is None:
        return None
    dynamic = _first_dynamic_entry(responder, binding.map)
    address = _initiator_address(initiator, leg.entry)
    if dynamic is None or address is None:
        return None
    return Leg(
        responder,
        initiator,
        dynamic,
        initiator.translated(address),
        responder_interface=initiator.owner(address),
        initiator_interface=leg.responder_interface,
        version=leg.version,
    )


def _has_static_entry_for(here: DeviceIndex, there: DeviceIndex) -> bool:
    addresses = set(there.owned) | set(there.standby) | set(there.reached_at)
    return any(peer in addresses for peer in here.entries_by_peer)


def _first_dynamic_entry(
    index: DeviceIndex, map_name: str
) -> CryptoMapEntry | None:
    for entry in index.entries_for_map(map_name):
        if entry.dynamic_map:
            entries = index.dynamic_entries(entry.dynamic_map)
            if entries:
                return entries[0]
    return None


def _initiator_address(
    index: DeviceIndex, entry: CryptoMapEntry
) -> IPv4Address | None:
    return source_address(index, entry, source_interface(index, entry))


def source_interface(
    index: DeviceIndex, entry: CryptoMapEntry, peer: IPv4Address | None = None
) -> Interface | None:
    """The interface an initiator's packets for the peer leave through:
    the one the map is bound to (the one that routes to the peer when
    the map is bound to several)."""
    bound = [
        index.interface(binding.interface)
        for binding in index.bound_interfaces(entry.map)
    ]
    bound_interfaces = [interface for interface in bound if interface]
    if peer is not None and len(bound_interfaces) > 1:
        route = index.routing.lookup(peer)
        for interface in bound_interfaces:
            if route and route.interface == index.key(interface):
                return interface
    return bound_interfaces[0] if bound_interfaces else None


# Stands for an address the provider assigns (DHCP, PPPoE): the peer
# sees some address no tunnel-group or key names, so it must answer with
# DefaultL2LGroup or a wildcard key (`address 0.0.0.0 0.0.0.0`), which
# this address falls into, as a real dynamic spoke's does.
ASSIGNED = IPv4Address("0.0.0.0")


def source_address(
    index: DeviceIndex, entry: CryptoMapEntry, interface: Interface | None
) -> IPv4Address | None:
    """The address IKE packets carry: IOS `crypto map M local-address
    IF` names its interface; otherwise the outgoing interface's."""
    named = index.interface(entry.local_address)
    if named is not None and named.address is not None:
        return named.address.ip
    if interface is not None and interface.assigned_address:
        return ASSIGNED
    if interface is None or interface.address is None:
        return None
    return interface.address.ip


def crypto_interface(
    index: DeviceIndex, owner: Interface | None
) -> Interface | None:
    """Where a responder's map sits for an address it owns: the owning
    interface itself, or (IOS) the interface whose map names the owner as
    its `local-address`."""
    if owner is None or index.key(owner).lower() in index.crypto_interfaces:
        return owner
    key = index.key(owner).lower()
    for entries in index.maps.values():
        if entries and (entries[0].local_address or "").lower() == key:
            for binding in index.bound_interfaces(entries[0].map):
                bound = index.interface(binding.interface)
                if bound is not None:
                    return bound
    return owner
