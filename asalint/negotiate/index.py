"""Lookups over one device, built once per pair.

A pair of 20 000-line configs with hundreds of tunnels is simulated in
well under a second only if nothing is scanned per tunnel: addresses,
bindings, map entries, routes and keys are indexed here once.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from ipaddress import IPv4Address, IPv4Network

from asalint.addresses import ANY, NetSet
from asalint.model import (
    AclEntry,
    CryptoMapBinding,
    CryptoMapEntry,
    Device,
    Interface,
    NatRule,
    Origin,
    PeerKey,
    Platform,
    TunnelGroup,
)

DEFAULT_L2L = "DefaultL2LGroup"


DHCP_DISTANCE = 254  # a provider route yields to any static one


@dataclass(frozen=True)
class RouteEntry:
    network: IPv4Network
    interface: str | None  # None: the next hop is on no known interface
    distance: int
    origin: Origin | None  # None: a connected network
    source: Origin | None = None  # the interface line for a connected one

    @property
    def cite(self) -> Origin | None:
        return self.origin or self.source


class Routing:
    """Longest-prefix lookups over connected and static routes."""

    def __init__(self, routes: list[RouteEntry]) -> None:
        self._by_length: dict[int, dict[int, RouteEntry]] = defaultdict(dict)
        for route in routes:
            table = self._by_length[route.network.prefixlen]
            key = int(route.network.network_address)
            if key not in table or route.distance < table[key].distance:
                table[key] = route
        self._lengths = sorted(self._by_length, reverse=True)
        self._sorted = sorted(
            (int(route.network.network_address), route)
            for table in self._by_length.values()
            for route in table.values()
        )
        self._starts = [start for start, _ in self._sorted]

    def lookup(self, target: IPv4Address | IPv4Network) -> RouteEntry | None:
        """The most specific route holding all of `target`."""
        if isinstance(target, IPv4Address):
            target = IPv4Network(target)
        for length in self._lengths:
            if length > target.prefixlen:
                continue
            key = int(target.supernet(new_prefix=length).network_address)
            route = self._by_length[length].get(key)
            if route:
                return route
        return None

    def within(self, network: IPv4Network) -> list[RouteEntry]:
        """Routes more specific than `network` and inside it."""
        low = bisect_left(self._starts, int(network.network_address))
        high = bisect_right(self._starts, int(network.broadcast_address))
        return [
            route
            for _, route in self._sorted[low:high]
            if route.network.prefixlen > network.prefixlen
            and route.network.subnet_of(network)
        ]

    def interfaces_reaching(self, network: IPv4Network) -> set[str | None]:
        """Every interface through which some part of `network` is reached."""
        found = {route.interface for route in self.within(network)}
        route = self.lookup(network)
        if route:
            found.add(route.interface)
        return found


class DeviceIndex:
    """One device's VPN-relevant facts, keyed for constant-time lookups."""

    def __init__(
        self,
        device: Device,
        position: int,
        nat: Mapping[IPv4Address, IPv4Address] | None = None,
    ) -> None:
        self.device = device
        self.position = position  # 0: first file of the pair
        self.path = device.path
        self._by_key = _interfaces_by_key(device)
        self.owned = _owned_addresses(device)
        # A static NAT between the peers, declared by the caller: the
        # address this device holds -> the one its peer reaches it at.
        self.seen_as = {
            real: seen for real, seen in (nat or {}).items()
            if real in self.owned and seen != real
        }
        self.reached_at = {
            seen: self.owned[real] for real, seen in self.seen_as.items()
        }
        self.standby = {
            i.standby: i for i in device.interfaces if i.standby is not None
        }
        self.bindings = _bindings(device)
        self.maps = _entries_by_map(device.crypto_maps)
        self.dynamic = _entries_by_map(device.dynamic_maps)
        self.map_order = _first_appearance(device.crypto_maps)
        self.routing = Routing(_routes(device, self._by_key))

    # --- interfaces and addresses -----------------------------------------

    def interface(self, name: str | None) -> Interface | None:
        return self._by_key.get(name.lower()) if name else None

    def key(self, interface: Interface) -> str:
        return self.device.interface_key(interface)

    def owner(self, address: IPv4Address) -> Interface | None:
        return self.owned.get(address)

    def translated(self, address: IPv4Address) -> IPv4Address:
        """The address the peer sees for one this device holds."""
        return self.seen_as.get(address, address)

    def reached(self, address: IPv4Address) -> Interface | None:
        """The interface the peer reaches at `address`: one this device
        holds, unless NAT hides it, or one NAT translates to it."""
        if address in self.reached_at:
            return self.reached_at[address]
        if address in self.seen_as:
            return None
        return self.owned.get(address)

    def bound_interfaces(self, map_name: str) -> list[CryptoMapBinding]:
        return self.bindings.get(map_name, [])

    @cached_property
    def map_on(self) -> dict[str, CryptoMapBinding]:
        """Interface key (lower case) -> the binding of its crypto map."""
        return {
            binding.interface.lower(): binding
            for bindings in self.bindings.values()
            for binding in bindings
        }

    @cached_property
    def crypto_interfaces(self) -> frozenset[str]:
        return frozenset(self.map_on)

    def ike_enabled(self, interface: Interface) -> bool:
        # IOS and IOS XE run ISAKMP on every interface once crypto is
        # configured; the ASA and PIX answer only where it is enabled.
        if self.device.platform == Platform.IOS:
            return True
        return self._enabled(self.device.ikev1_interfaces, interface)

    def ikev2_enabled(self, interface: Interface) -> bool:
        # IOS answers IKEv2 on every interface; whether it knows the peer
        # is a question for its IKEv2 profiles.
        if self.device.platform == Platform.IOS:
            return True
        return self._enabled(self.device.ikev2_interfaces, interface)

    def enabled(self, interface: Interface, version: int) -> bool:
        if version == 2:
            return self.ikev2_enabled(interface)
        return self.ike_enabled(interface)

    def _enabled(self, table: dict[str, Origin], iface: Interface) -> bool:
        names = {name.lower() for name in table}
        return bool(
            {(iface.nameif or "").lower(), iface.hardware.lower()} & names
        )

    def ike_enable_line(
        self, interface: Interface, version: int = 1
    ) -> Origin | None:
        table = (
            self.device.ikev2_interfaces
            if version == 2
            else self.device.ikev1_interfaces
        )
        for name, origin in table.items():
            if name.lower() in (
                (interface.nameif or "").lower(),
                interface.hardware.lower(),
            ):
                return origin
        return None

    # --- crypto maps ------------------------------------------------------

    def static_entries(self) -> list[CryptoMapEntry]:
        """Static entries (no dynamic-map reference) in map, sequence order."""
        return [
            entry
            for name in self.map_order
            for entry in self.maps[name]
            if not entry.dynamic_map
        ]

    def entries_for_map(self, map_name: str) -> tuple[CryptoMapEntry, ...]:
        return self.maps.get(map_name, ())

    def dynamic_entries(self, name: str) -> tuple[CryptoMapEntry, ...]:
        return self.dynamic.get(name, ())

    def acl(self, name: str | None) -> tuple[AclEntry, ...]:
        return self.device.acls.get(name, ()) if name else ()

    @cached_property
    def entries_by_peer(self) -> dict[IPv4Address, list[CryptoMapEntry]]:
        found: dict[IPv4Address, list[CryptoMapEntry]] = defaultdict(list)
        for entries in self.maps.values():
            for entry in entries:
                for peer in entry.peers:
                    found[peer].append(entry)
        return found

    # --- NAT, keys, groups ------------------------------------------------

    @cached_property
    def nat_rules(self) -> tuple[NatRule, ...]:
        active = [rule for rule in self.device.nat_rules if not rule.inactive]
        return tuple(sorted(active, key=lambda r: (r.section, r.position)))

    def tunnel_group(self, name: str) -> TunnelGroup | None:
        return self.device.tunnel_groups.get(name)

    @cached_property
    def address_keys(self) -> list[PeerKey]:
        return [
            key
            for key in self.device.peer_keys
            if key.peer is not None and not key.ikev2
        ]

    @cached_property
    def dynamic_routing(self) -> bool:
        """Does the device run a routing protocol (`router ospf 1` ...)?

        Such routes are not in the config, so a missing route is then
        unknown, not absent.
        """
        return any(
            line.origin.text.startswith("router ")
            for line in self.device.unparsed
        )

    # --- networks ---------------------------------------------------------

    @cached_property
    def networks(self) -> NetSet:
        """The networks this device protects or reaches behind itself.

        Connected and routed networks of interfaces without a crypto map,
        and the local side of its crypto ACLs; default routes left out,
        since they would claim every address.
        """
        found = [
            route.network
            for route in self.routing.within(ANY)
            if route.interface is not None
            and route.interface.lower() not in self.crypto_interfaces
        ]
        return NetSet.of(found + self._crypto_sources())

    def _crypto_sources(self) -> list[IPv4Network]:
        found: list[IPv4Network] = []
        for entry in self.device.crypto_maps + self.device.dynamic_maps:
            for ace in self.acl(entry.acl):
                if ace.action == "permit":
                    found.extend(net for net in ace.source if net != ANY)
        return found


def _interfaces_by_key(device: Device) -> dict[str, Interface]:
    found: dict[str, Interface] = {}
    for interface in device.interfaces:
        found.setdefault(interface.hardware.lower(), interface)
        if interface.nameif:
            found[interface.nameif.lower()] = interface
    return found


def _owned_addresses(device: Device) -> dict[IPv4Address, Interface]:
    return {
        interface.address.ip: interface
        for interface in device.interfaces
        if interface.address is not None
    }


def _bindings(device: Device) -> dict[str, list[CryptoMapBinding]]:
    found: dict[str, list[CryptoMapBinding]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for binding in device.bindings:
        seen.add((binding.map, binding.interface.lower()))
        found[binding.map].append(binding)
    # IOS names the map under the interface; a parser may or may not also
    # list that as a binding.
    for interface in device.interfaces:
        key = device.interface_key(interface)
        if interface.crypto_map and (
            (interface.crypto_map, key.lower()) not in seen
        ):
            found[interface.crypto_map].append(
                CryptoMapBinding(
                    map=interface.crypto_map,
                    interface=key,
                    origin=interface.origin,
                )
            )
    return found


def _entries_by_map(
    entries: tuple[CryptoMapEntry, ...],
) -> dict[str, tuple[CryptoMapEntry, ...]]:
    grouped: dict[str, list[CryptoMapEntry]] = defaultdict(list)
    for entry in entries:
        grouped[entry.map].append(entry)
    return {
        name: tuple(sorted(group, key=lambda e: e.sequence))
        for name, group in grouped.items()
    }


def _first_appearance(entries: tuple[CryptoMapEntry, ...]) -> list[str]:
    order: dict[str, int] = {}
    for entry in sorted(entries, key=lambda e: e.origin.line):
        order.setdefault(entry.map, len(order))
    return list(order)


def _routes(device: Device, by_key: dict[str, Interface]) -> list[RouteEntry]:
    connected = [
        RouteEntry(
            interface.address.network,
            device.interface_key(interface),
            0,
            None,
            interface.address_origin or interface.origin,
        )
        for interface in device.interfaces
        if interface.address is not None and not interface.shutdown
    ]
    resolver = Routing(connected)
    static = [
        RouteEntry(
            route.network,
            _route_interface(device, by_key, resolver, route),
            route.distance,
            route.origin,
        )
        for route in device.routes
        if route.origin is not None
    ]
    return connected + static + _provider_defaults(device)


def _provider_defaults(device: Device) -> list[RouteEntry]:
    # An address from DHCP or PPP comes with a default route out of that
    # interface (ASA `setroute`, IOS DHCP and dialers): taken as given,
    # at the distance the ASA gives a DHCP-learned route.
    return [
        RouteEntry(
            IPv4Network("0.0.0.0/0"),
            device.interface_key(interface),
            DHCP_DISTANCE,
            interface.address_origin,
        )
        for interface in device.interfaces
        if interface.assigned_address and not interface.shutdown
    ]


def _route_interface(device, by_key, resolver, route) -> str | None:
    # IOS `ip route N M NEXT-HOP` names no interface: the next hop's
    # connected network decides it.
    if route.interface:
        interface = by_key.get(route.interface.lower())
        return (
            device.interface_key(interface) if interface else route.interface
        )
    if route.gateway is None:
        return None
    via = resolver.lookup(route.gateway)
    return via.interface if via else None
