"""Trigger and traffic checks (3xx): will traffic ever reach the map?

The ASA looks for a crypto map only on the interface a packet leaves by,
after routing and after NAT: a map bound nowhere, a crypto ACL that no
packet of this device matches, a protected network routed elsewhere or a
flow translated first all leave the tunnel unbuilt (NO_SA).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from ipaddress import IPv4Network

from asalint.checks.common import (
    Span,
    best_routes,
    bound_entries,
    dynamic_references,
    egress,
    ike_versions,
    runs_routing_protocol,
    span,
    static_entries,
)
from asalint.checks.registry import check, finding
from asalint.model import (
    AclEntry,
    CryptoMapEntry,
    Device,
    NatKind,
    NatRule,
    Platform,
)
from asalint.results import Finding

ANY = IPv4Network("0.0.0.0/0")


def _maps_bound(device: Device) -> set[str]:
    bound = {binding.map for binding in device.bindings}
    bound |= {i.crypto_map for i in device.interfaces if i.crypto_map}
    return bound


def _crypto_acl(device: Device, entry: CryptoMapEntry) -> list[AclEntry]:
    """The active entries of the entry's crypto ACL."""
    entries = device.acls.get(entry.acl or "", ())
    return [acl_entry for acl_entry in entries if not acl_entry.inactive]


def _permits(device: Device, entry: CryptoMapEntry) -> list[AclEntry]:
    return [e for e in _crypto_acl(device, entry) if e.action == "permit"]


@check("ASA301")
def check_crypto_map_applied(device: Device) -> Iterator[Finding]:
    """A crypto map bound to no interface is never consulted."""
    bound = _maps_bound(device)
    first_lines: dict[str, CryptoMapEntry] = {}
    for entry in device.crypto_maps:
        known = first_lines.get(entry.map)
        if known is None or entry.origin.line < known.origin.line:
            first_lines[entry.map] = entry

    for name, entry in sorted(first_lines.items()):
        if name in bound:
            continue
        yield finding(
            "ASA301", device, entry.origin, name,
            f"crypto map {name} is bound to no interface: no traffic "
            "ever reaches its entries",
        )


def _versions_of_map(device: Device, name: str) -> set[int]:
    versions: set[int] = set()
    for entry in device.crypto_maps:
        if entry.map != name:
            continue
        versions |= ike_versions(entry)
        for dynamic in device.dynamic_maps:
            if dynamic.map == entry.dynamic_map:
                versions |= ike_versions(dynamic)
    return versions


def _enabled(device: Device, interface: str) -> set[int]:
    """The IKE versions enabled on `interface`."""
    tables = {1: device.ikev1_interfaces, 2: device.ikev2_interfaces}
    return {version for version, table in tables.items() if interface in table}


@check("ASA302")
def check_ike_enabled(device: Device) -> Iterator[Finding]:
    """IKE must be enabled where a crypto map is bound.

    The ASA and PIX answer and send IKE only on interfaces named by
    `crypto ikev1 enable` (`crypto isakmp enable`, `isakmp enable`) or
    `crypto ikev2 enable`; IOS runs ISAKMP globally.
    """
    if device.platform == Platform.IOS:
        return
    for binding in device.bindings:
        needed = _versions_of_map(device, binding.map)
        if not needed or needed & _enabled(device, binding.interface):
            continue
        names = " or ".join(f"IKEv{v}" for v in sorted(needed))
        yield finding(
            "ASA302", device, binding.origin,
            f"{binding.map}@{binding.interface}",
            f"{names} is not enabled on {binding.interface}, where "
            f"crypto map {binding.map} is bound",
        )


@check("ASA303")
def check_dynamic_map_only(device: Device) -> Iterator[Finding]:
    """A site with only dynamic entries never starts a tunnel."""
    if any(True for _ in static_entries(device)):
        return
    references = sorted(dynamic_references(device), key=_line)
    if not references:
        return

    first = references[0]
    yield finding(
        "ASA303", device, first.origin, first.map,
        f"crypto map {first.map} holds only dynamic entries: this device "
        "answers tunnels but never initiates one",
    )


def _line(entry: CryptoMapEntry) -> int:
    return entry.origin.line


# --- crypto ACL against routing --------------------------------------------


def _leaves_by(device: Device, network: IPv4Network) -> str | None:
    route = egress(device, network)
    return route.interface if route is not None else None


def _is_reversed(device: Device, acl_entry: AclEntry, interface: str) -> bool:
    """Source behind the crypto interface, destination behind another."""
    sources = [n for n in acl_entry.source if n != ANY]
    destinations = [n for n in acl_entry.destination if n != ANY]
    if not sources or not destinations:
        return False

    source_out = {_leaves_by(device, n) for n in sources}
    destination_out = {_leaves_by(device, n) for n in destinations}
    return source_out == {interface} and interface not in destination_out \
        and None not in destination_out


@check("ASA305")
def check_crypto_acl_direction(device: Device) -> Iterator[Finding]:
    """A crypto ACL must name local networks as its source.

    The ASA matches the crypto ACL against packets leaving by the map's
    interface: an entry written from the peer's side (its networks as the
    source), or an IOS mask typed where a wildcard belongs, matches no
    packet this device sends.
    """
    seen: set[int] = set()
    for entry, binding in bound_entries(device):
        for acl_entry in _crypto_acl(device, entry):
            if acl_entry.origin.line in seen:
                continue
            problem = _direction_problem(device, acl_entry, binding.interface)
            if problem is None:
                continue
            seen.add(acl_entry.origin.line)
            yield finding(
                "ASA305", device, acl_entry.origin,
                f"{entry.label}|{acl_entry.acl}", problem,
            )


def _direction_problem(
    device: Device, acl_entry: AclEntry, interface: str
) -> str | None:
    if acl_entry.bad_wildcards:
        return (
            f"{' '.join(acl_entry.bad_wildcards)} is no wildcard mask "
            "(a subnet mask where IOS wants a wildcard?): the entry "
            "matches no network"
        )
    if acl_entry.action == "permit" and _is_reversed(
        device, acl_entry, interface
    ):
        return (
            f"crypto ACL {acl_entry.acl} is reversed: its source is "
            f"reached through {interface}, the crypto interface, and its "
            "destination through another interface"
        )
    return None


@check("ASA306")
def check_protected_network_route(device: Device) -> Iterator[Finding]:
    """The remote protected network must be routed out of the map's
    interface, or the packet never meets the crypto map."""
    seen: set[int] = set()
    for entry, binding in bound_entries(device):
        if entry.reverse_route:
            continue  # reverse route injection installs the route
        for acl_entry in _permits(device, entry):
            if acl_entry.origin.line in seen or _is_reversed(
                device, acl_entry, binding.interface
            ):
                continue
            problem = _route_problem(device, acl_entry, binding.interface)
            if problem is not None:
                seen.add(acl_entry.origin.line)
                yield finding(
                    "ASA306", device, acl_entry.origin,
                    f"{entry.label}|{acl_entry.acl}", problem,
                )


def _route_problem(
    device: Device, acl_entry: AclEntry, interface: str
) -> str | None:
    for network in acl_entry.destination:
        routes = best_routes(device, network)
        if not routes and runs_routing_protocol(device):
            continue  # a routing protocol may well know the way
        if not routes:
            return f"no route to the protected network {network}"
        if all(route.interface != interface for route in routes):
            return (
                f"the protected network {network} is routed out of "
                f"{routes[0].interface}, not {interface} where the crypto "
                "map is bound"
            )
    return None


# --- NAT -------------------------------------------------------------------


@check("ASA307")
def check_nat_exemption(device: Device) -> Iterator[Finding]:
    """Protected traffic must leave NAT untranslated.

    NAT runs before the crypto map lookup: a flow that a NAT rule
    translates no longer matches the crypto ACL (or proposes other proxy
    identities). Reported only where a rule does translate the flow.
    """
    seen: set[int] = set()
    for entry, binding in bound_entries(device):
        for acl_entry in _permits(device, entry):
            rule = _translating_rule(device, acl_entry, binding.interface)
            if rule is None or acl_entry.origin.line in seen:
                continue
            seen.add(acl_entry.origin.line)
            yield finding(
                "ASA307", device, acl_entry.origin,
                f"{entry.label}|{acl_entry.acl}",
                f"traffic protected by {acl_entry.acl} is translated by "
                f"the NAT rule at line {rule.origin.line} before the "
                "crypto map sees it: it needs an identity NAT exemption",
                related=[(rule.origin, "the NAT rule that translates it")],
            )


def _translating_rule(
    device: Device, acl_entry: AclEntry, interface: str
) -> NatRule | None:
    order = _nat_order(device, interface)
    for source in acl_entry.source:
        for destination in acl_entry.destination:
            if source == ANY:
                continue
            rule = order.translator(source, destination)
            if rule is not None:
                return rule
    return None


@dataclass(frozen=True)
class _NatStep:
    """A NAT rule at its place in the order, networks as integer spans."""

    place: int
    rule: NatRule
    sources: tuple[Span, ...]
    destinations: tuple[Span, ...]  # empty: any destination


class _NatOrder:
    """The NAT rules for traffic leaving by one interface, in order.

    A crypto ACL of thousands of entries meets a NAT table of thousands
    of exemptions, so identity rules are indexed by their destination
    network: the ones holding a flow's destination are found among its
    supernets, not by a scan.
    """

    def __init__(self, rules: list[NatRule]) -> None:
        steps = [
            _NatStep(place, rule, _spans(rule.source), _spans(rule.destination))
            for place, rule in enumerate(rules)
        ]
        self.translating = _SpanIndex(
            (source, step)
            for step in steps if step.rule.kind == NatKind.TRANSLATE
            for source in step.sources
        )
        self.exempt_any = [
            s for s in steps
            if s.rule.kind == NatKind.IDENTITY and not s.destinations
        ]
        self.exempt_to: dict[Span, list[_NatStep]] = {}
        for step in steps:
            if step.rule.kind == NatKind.IDENTITY:
                for destination in step.destinations:
                    self.exempt_to.setdefault(destination, []).append(step)

    def translator(
        self, source: IPv4Network, destination: IPv4Network
    ) -> NatRule | None:
        """The rule that translates part of the flow before any identity
        rule exempts all of it; None when the flow leaves untranslated."""
        flow, towards = span(source), span(destination)
        first = min(
            (s for s in self.translating.meeting(source)
             if not s.destinations or _meets(towards, s.destinations)),
            key=lambda s: s.place,
            default=None,
        )
        if first is None or self._exempt_before(flow, destination, first):
            return None
        return first.rule

    def _exempt_before(
        self, flow: Span, destination: IPv4Network, limit: _NatStep
    ) -> bool:
        candidates = list(self.exempt_any)
        for supernet in _supernets(destination):
            candidates += self.exempt_to.get(supernet, [])
        return any(
            step.place < limit.place and _inside(flow, step.sources)
            for step in candidates
        )


class _SpanIndex:
    """NAT steps by the networks they name: those meeting a network are
    its supernets (looked up) and its subnets (a range of the sorted
    starts), since every span is a whole network."""

    def __init__(self, items: Iterable[tuple[Span, _NatStep]]) -> None:
        self.exact: dict[Span, list[_NatStep]] = {}
        for key, step in items:
            self.exact.setdefault(key, []).append(step)
        self.starts = sorted(self.exact)

    def meeting(self, network: IPv4Network) -> Iterator[_NatStep]:
        for supernet in _supernets(network):
            yield from self.exact.get(supernet, ())
        low, high = span(network)
        first = bisect_left(self.starts, (low, low))
        for key in self.starts[first:]:
            if key[0] > high:
                break
            if key[1] <= high and key != (low, high):
                yield from self.exact[key]


def _supernets(network: IPv4Network) -> Iterator[Span]:
    """The spans of the network and of every network holding it."""
    start = int(network.network_address)
    for prefix in range(network.prefixlen + 1):
        host_bits = (1 << (32 - prefix)) - 1
        low = start & ~host_bits & 0xFFFFFFFF
        yield low, low | host_bits


def _spans(networks) -> tuple[Span, ...]:
    return tuple(span(network) for network in networks)


_NAT_ORDERS: dict[tuple[int, str], tuple[Device, _NatOrder]] = {}


def _nat_order(device: Device, interface: str) -> _NatOrder:
    """Built once per device and interface while checks run."""
    key = (id(device), interface)
    known = _NAT_ORDERS.get(key)
    if known is not None and known[0] is device:
        return known[1]
    if len(_NAT_ORDERS) > 32:
        _NAT_ORDERS.clear()

    rules = sorted(
        (r for r in device.nat_rules if _applies(r, interface)),
        key=lambda r: (r.section, r.position),
    )
    order = _NatOrder(rules)
    _NAT_ORDERS[key] = (device, order)
    return order


def _applies(rule: NatRule, interface: str) -> bool:
    if rule.inactive or rule.real_interface == interface:
        return False
    return rule.mapped_interface in (None, "any", interface)


def _inside(flow: Span, spans: tuple[Span, ...]) -> bool:
    return any(low <= flow[0] and flow[1] <= high for low, high in spans)


def _meets(flow: Span, spans: tuple[Span, ...]) -> bool:
    return any(flow[0] <= high and low <= flow[1] for low, high in spans)


# --- crypto ACL contents ---------------------------------------------------


def _crypto_acl_entries(device: Device) -> Iterator[AclEntry]:
    """Each active entry of each ACL a crypto map entry matches, once."""
    names = sorted({e.acl for e in device.crypto_maps if e.acl} | {
        e.acl for e in device.dynamic_maps if e.acl
    })
    for name in names:
        for acl_entry in device.acls.get(name, ()):
            if not acl_entry.inactive:
                yield acl_entry


@check("ASA309")
def check_crypto_acl_deny(device: Device) -> Iterator[Finding]:
    """A deny line in a crypto ACL sends the matching traffic past this
    entry: to a later entry, or out in clear text."""
    for acl_entry in _crypto_acl_entries(device):
        if acl_entry.action != "deny":
            continue
        yield finding(
            "ASA309", device, acl_entry.origin,
            f"{acl_entry.acl}|{acl_entry.origin.text.strip()}",
            f"crypto ACL {acl_entry.acl} has a deny line: traffic it "
            "matches skips this crypto map entry and may leave "
            "unencrypted",
        )


@check("ASA310")
def check_crypto_acl_any(device: Device) -> Iterator[Finding]:
    """`any` in a crypto ACL protects (and proposes) every address."""
    for acl_entry in _crypto_acl_entries(device):
        if acl_entry.action != "permit":
            continue
        sides = [
            side
            for side, networks in (
                ("source", acl_entry.source),
                ("destination", acl_entry.destination),
            )
            if ANY in networks
        ]
        if not sides:
            continue
        yield finding(
            "ASA310", device, acl_entry.origin,
            f"{acl_entry.acl}|{acl_entry.origin.text.strip()}",
            f"crypto ACL {acl_entry.acl} permits any address as "
            f"{' and '.join(sides)}: the tunnel catches more traffic than "
            "the sites behind it",
        )
