"""What several checks ask of a device: entries, bindings, routes.

Routing follows the device: the longest matching prefix wins, then the
lower administrative distance; a route given by next hop only (IOS `ip
route N M G`) leaves through the interface whose connected network holds
the next hop.
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Address, IPv4Network

from asalint.model import (
    CryptoMapBinding,
    CryptoMapEntry,
    Device,
    Era,
    Origin,
    Platform,
    Route,
)

# Names of the places a crypto map entry's attributes came from, as the
# parsers record them in `CryptoMapEntry.attribute_origins` (the ASA
# calls the IKEv2 one `proposal`, IOS `ikev2-proposal`).
PEER, MATCH, TRANSFORM_SET = "peer", "match", "transform-set"
IKEV2_PROPOSAL = ("proposal", "ikev2-proposal")
PFS, PHASE1_MODE, LIFETIME = "pfs", "phase1-mode", "lifetime"


def where(entry: CryptoMapEntry, *attributes: str) -> Origin:
    """The line that set the first attribute known, else the entry's
    first line."""
    for attribute in attributes:
        if attribute in entry.attribute_origins:
            return entry.attribute_origins[attribute]
    return entry.origin


def device_id(device: Device) -> str:
    return device.hostname or device.path


# --- crypto map entries ----------------------------------------------------


def static_entries(device: Device) -> Iterator[CryptoMapEntry]:
    """Entries of `crypto map` that are not a reference to a dynamic map."""
    for entry in device.crypto_maps:
        if entry.dynamic_map is None and not entry.dynamic:
            yield entry


def dynamic_references(device: Device) -> Iterator[CryptoMapEntry]:
    """`crypto map M N ipsec-isakmp dynamic D` entries."""
    for entry in device.crypto_maps:
        if entry.dynamic_map is not None:
            yield entry


def bindings_of(device: Device, map_name: str) -> list[CryptoMapBinding]:
    return [b for b in device.bindings if b.map == map_name]


def bound_entries(
    device: Device,
) -> Iterator[tuple[CryptoMapEntry, CryptoMapBinding]]:
    """Each static entry with each interface its map is bound to."""
    for entry in static_entries(device):
        for binding in bindings_of(device, entry.map):
            yield entry, binding


def ike_versions(entry: CryptoMapEntry) -> set[int]:
    """The IKE versions an entry can negotiate, from what it names."""
    versions = set()
    if entry.transform_sets:
        versions.add(1)
    if entry.ikev2_proposals or entry.ikev2_profile:
        versions.add(2)
    return versions


def uses_pre_shared_keys(device: Device) -> bool:
    """True when an IKEv1 policy authenticates with pre-shared keys.

    Without any policy the key question is left to the rule that reports
    the missing policy.
    """
    return any(
        str(policy.authentication.value).lower() == "pre-share"
        for policy in device.ikev1_policies
    )


def is_asa_syntax(device: Device) -> bool:
    """ASA and PIX 7+: tunnel-groups hold the keys."""
    return device.platform != Platform.IOS and device.era != Era.PIX6


# --- routing ---------------------------------------------------------------


def runs_routing_protocol(device: Device) -> bool:
    """Does the device run OSPF, EIGRP, BGP ...? Their routes are not in
    the config, so a missing route is then unknown, not absent. The
    parsers list `router ...` blocks among the lines not modelled."""
    return any(
        item.origin.text.startswith("router ") for item in device.unparsed
    )


def connected_routes(device: Device) -> list[Route]:
    routes = []
    for interface in device.interfaces:
        if interface.address is None or interface.shutdown:
            continue
        routes.append(
            Route(
                interface=device.interface_key(interface),
                network=interface.address.network,
                distance=0,
            )
        )
    return routes


def egress(
    device: Device, target: IPv4Network | IPv4Address
) -> Route | None:
    """The route the device would use for `target`, or None."""
    best = best_routes(device, target)
    return best[0] if best else None


def best_routes(
    device: Device, target: IPv4Network | IPv4Address
) -> list[Route]:
    """Every route of the longest prefix and lowest distance for `target`.

    Equal routes share the traffic, so a check accepts any of them.
    """
    return routing_table(device).best(_as_network(target))


Span = tuple[int, int]


def span(network: IPv4Network) -> Span:
    return int(network.network_address), int(network.broadcast_address)


class RoutingTable:
    """The device's routes by prefix length, for longest-prefix lookups.

    Built once per device: a check looks up every crypto ACL entry, and
    a config may hold thousands of them and of routes.
    """

    def __init__(self, device: Device) -> None:
        connected = connected_routes(device)
        self.by_prefix: dict[int, dict[int, list[Route]]] = {}
        for route in [*connected, *device.routes]:
            resolved = _resolved(route, connected)
            if resolved is None:
                continue  # the device installs no route it cannot reach
            network = resolved.network
            table = self.by_prefix.setdefault(network.prefixlen, {})
            table.setdefault(int(network.network_address), []).append(
                resolved
            )
        self.prefixes = sorted(self.by_prefix, reverse=True)

    def best(self, target: IPv4Network) -> list[Route]:
        start = int(target.network_address)
        for prefix in self.prefixes:
            if prefix > target.prefixlen:
                continue
            host_bits = (1 << (32 - prefix)) - 1
            routes = self.by_prefix[prefix].get(start & ~host_bits)
            if routes:
                nearest = min(route.distance for route in routes)
                return [r for r in routes if r.distance == nearest]
        return []


_TABLES: dict[int, tuple[Device, RoutingTable]] = {}


def routing_table(device: Device) -> RoutingTable:
    """The device's table, kept while the same device is being checked."""
    known = _TABLES.get(id(device))
    if known is not None and known[0] is device:
        return known[1]
    if len(_TABLES) > 8:
        _TABLES.clear()
    table = RoutingTable(device)
    _TABLES[id(device)] = (device, table)
    return table


def _resolved(route: Route, connected: list[Route]) -> Route | None:
    if route.interface is None and route.gateway is not None:
        return _via_gateway(route, connected)
    return route


def _via_gateway(route: Route, connected: list[Route]) -> Route | None:
    # A next-hop-only route leaves where the next hop is connected.
    for candidate in connected:
        if route.gateway in candidate.network:
            return route.model_copy(update={"interface": candidate.interface})
    return None


def _as_network(target: IPv4Network | IPv4Address) -> IPv4Network:
    if isinstance(target, IPv4Address):
        return IPv4Network((target, 32))
    return target
