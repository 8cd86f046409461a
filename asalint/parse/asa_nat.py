"""NAT in every ASA era, normalised to `NatRule`s in evaluation order.

ASA 8.3 and later: manual (twice) NAT is section 1, object NAT section 2,
`after-auto` manual NAT section 3; manual rules keep their config order
(`line N` inserts), object NAT is sorted as the ASA sorts it: static
before dynamic, then fewer real addresses first, then the lower address,
then the object's name.

Before 8.3: `nat (if) 0 access-list X` (NAT exemption) is section 1, one
identity rule per permit entry of X; `static` is section 2 in config
order; `nat (if) N ...` section 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Network

from asalint.model import NatKind, NatRule, Origin
from asalint.parse.asa_state import AsaState
from asalint.parse.common import (
    ANY,
    host_network,
    network_from_mask,
    parse_ip,
)
from asalint.parse.tree import Node

_SECTION_MANUAL, _SECTION_OBJECT, _SECTION_AFTER = 1, 2, 3
_EXEMPT, _STATIC, _DYNAMIC = 1, 2, 3  # pre-8.3 sections


@dataclass
class _Rule:
    """A rule before its position is known."""

    section: int
    kind: NatKind
    real_interface: str | None
    mapped_interface: str | None
    source: tuple[IPv4Network, ...]
    destination: tuple[IPv4Network, ...]
    origin: Origin
    route_lookup: bool = False
    inactive: bool = False
    insert_at: int | None = None  # `line N`
    sort_key: tuple = ()


def build_nat(state: AsaState) -> list[NatRule]:
    rules: list[_Rule] = []
    for node in state.nat_nodes:
        rules.extend(_top_level(state, node))
    for name, node in state.object_nat:
        rule = _object_nat(state, name, node)
        if rule is not None:
            rules.append(rule)
    return _ordered(rules)


def _top_level(state: AsaState, node: Node) -> list[_Rule]:
    keyword = node.words[0]
    if keyword == "static":
        return _static(state, node)
    if keyword == "global":
        state.collector.not_modelled(node, "global address pool")
        return []
    if "source" in node.words:
        return _twice(state, node)
    return _pre83_nat(state, node)


def _ordered(rules: list[_Rule]) -> list[NatRule]:
    result: list[NatRule] = []
    for section in sorted({rule.section for rule in rules}):
        members = _section_order(
            [rule for rule in rules if rule.section == section]
        )
        result.extend(
            _freeze(rule, position)
            for position, rule in enumerate(members, start=1)
        )
    return result


def _section_order(rules: list[_Rule]) -> list[_Rule]:
    if any(rule.sort_key for rule in rules):
        return sorted(rules, key=lambda rule: rule.sort_key)

    ordered: list[_Rule] = []
    for rule in rules:
        if rule.insert_at is None:
            ordered.append(rule)
        else:
            ordered.insert(max(rule.insert_at - 1, 0), rule)
    return ordered


def _freeze(rule: _Rule, position: int) -> NatRule:
    return NatRule(
        section=rule.section,
        position=position,
        kind=rule.kind,
        real_interface=rule.real_interface,
        mapped_interface=rule.mapped_interface,
        source=rule.source,
        destination=rule.destination,
        route_lookup=rule.route_lookup,
        inactive=rule.inactive,
        origin=rule.origin,
    )


# --- shared pieces ---------------------------------------------------------


def _interfaces(word: str) -> tuple[str | None, str | None] | None:
    """`(inside,outside)` -> ("inside", "outside"); `any` -> None."""
    if not (word.startswith("(") and word.endswith(")")):
        return None

    parts = word[1:-1].split(",")
    real = parts[0] or None
    mapped = parts[1] if len(parts) > 1 else None
    return _any_none(real), _any_none(mapped)


def _any_none(name: str | None) -> str | None:
    return None if name in (None, "", "any") else name


def _named_networks(
    state: AsaState, name: str
) -> tuple[IPv4Network, ...] | None:
    """An object, a group, `any`, a name or a literal; None: undefined."""
    if name in ("any", "any4"):
        return (ANY,)

    found = state.objects.get(name)
    if found is not None:
        return found.networks
    address = parse_ip(name) or state.names.get(name)
    return (IPv4Network((address, 32)),) if address else None


def _undefined(state: AsaState, node: Node, name: str) -> list[_Rule]:
    state.collector.unreadable(node, f"NAT refers to undefined {name!r}")
    return []


# --- 8.3+ manual (twice) NAT -----------------------------------------------


def _twice(state: AsaState, node: Node) -> list[_Rule]:
    """`nat [(r,m)] [after-auto] [line N] source static|dynamic R M ...`."""
    words = _until_description(node.words)
    parts = _twice_parts(state, node, words)
    if parts is None:
        return []

    source, destination, identity = parts
    real_if, mapped_if = _interface_pair(words)
    return [
        _Rule(
            section=_manual_section(words),
            kind=_kind(identity),
            real_interface=real_if,
            mapped_interface=mapped_if,
            source=source,
            destination=destination,
            origin=state.origin(node),
            route_lookup="route-lookup" in words,
            inactive="inactive" in words,
            insert_at=_line_number(words),
        )
    ]


def _twice_parts(state: AsaState, node: Node, words: list[str]):
    """(source, destination, identity?) or None when not readable."""
    index = words.index("source")
    if len(words) < index + 4:
        state.collector.unreadable(node, "NAT source without objects")
        return None

    real_name, mapped_name = words[index + 2], _mapped(words, index + 3)
    source = _named_networks(state, real_name)
    if source is None:
        _undefined(state, node, real_name)
        return None
    destination = _twice_destination(state, node, words)
    if destination is None:
        return None

    identity = words[index + 1] == "static" and destination[1]
    identity = identity and _same(state, real_name, mapped_name)
    return source, destination[0], identity


def _interface_pair(words: list[str]) -> tuple[str | None, str | None]:
    pair = _interfaces(words[1]) if len(words) > 1 else None
    return pair if pair else (None, None)


def _kind(identity: bool) -> NatKind:
    return NatKind.IDENTITY if identity else NatKind.TRANSLATE


def _until_description(words: list[str]) -> list[str]:
    # Free text after `description` may hold any keyword.
    if "description" in words:
        return words[: words.index("description")]
    return words


def _mapped(words: list[str], index: int) -> str:
    if words[index] == "pat-pool" and index + 1 < len(words):
        return words[index + 1]
    return words[index]


def _manual_section(words: list[str]) -> int:
    if "after-auto" in words or "after-object" in words:
        return _SECTION_AFTER
    return _SECTION_MANUAL


def _line_number(words: list[str]) -> int | None:
    if "line" in words:
        index = words.index("line")
        if index + 1 < len(words) and words[index + 1].isdigit():
            return int(words[index + 1])
    return None


def _twice_destination(state, node, words: list[str]):
    """(destination networks as the real side sends to, identity?)."""
    if "destination" not in words:
        return (), True

    index = words.index("destination")
    if len(words) < index + 4:
        state.collector.unreadable(node, "NAT destination without objects")
        return None
    # `destination static MAPPED REAL`: a real-side host addresses the
    # peer by its mapped address, which is what the crypto ACL sees.
    mapped_name, real_name = words[index + 2], words[index + 3]
    networks = _named_networks(state, mapped_name)
    if networks is None or _named_networks(state, real_name) is None:
        missing = real_name if networks else mapped_name
        state.collector.unreadable(
            node, f"NAT refers to undefined {missing!r}"
        )
        return None
    return networks, _same(state, mapped_name, real_name)


def _same(state: AsaState, first: str, second: str) -> bool:
    if first == second:
        return True
    one, other = _named_networks(state, first), _named_networks(state, second)
    return one is not None and set(one) == set(other or ())


# --- 8.3+ object NAT -------------------------------------------------------


def _object_nat(state: AsaState, name: str, node: Node) -> _Rule | None:
    """`nat [(r,m)] static|dynamic MAPPED ...` under `object network N`."""
    words = node.words
    offset = 2 if len(words) > 1 and words[1].startswith("(") else 1
    if len(words) < offset + 2:
        state.collector.unreadable(node, "object NAT without mapped address")
        return None

    found = state.objects.get(name)
    if found is None or not found.networks:
        # An object without host, subnet or range (or an FQDN object)
        # gives the rule no address asalint can match.
        state.collector.unreadable(node, f"object {name!r} has no address")
        return None

    static, source = words[offset] == "static", found.networks
    mapped = _mapped(words, offset + 1)
    identity = static and _object_identity(state, name, source, mapped)
    real_if, mapped_if = _interface_pair(words)
    return _Rule(
        section=_SECTION_OBJECT,
        kind=_kind(identity),
        real_interface=real_if,
        mapped_interface=mapped_if,
        source=source,
        destination=(),
        origin=state.origin(node),
        route_lookup="route-lookup" in words,
        sort_key=_object_order(name, static, source),
    )


def _object_identity(state, name: str, source, mapped: str) -> bool:
    if mapped == name:
        return True

    address = parse_ip(mapped)
    if address is not None and len(source) == 1:
        # `nat static 10.1.1.0` on a subnet object maps the whole subnet
        # onto the one starting at that address.
        return source[0].network_address == address
    networks = _named_networks(state, mapped)
    return networks is not None and set(networks) == set(source)


def _object_order(name: str, static: bool, source) -> tuple:
    size = sum(network.num_addresses for network in source)
    lowest = min((int(net.network_address) for net in source), default=0)
    return (0 if static else 1, size, lowest, name)


# --- before 8.3 ------------------------------------------------------------


def _pre83_nat(state: AsaState, node: Node) -> list[_Rule]:
    """`nat (if) ID access-list ACL` or `nat (if) ID A M [options]`."""
    words = node.words
    pair = _interfaces(words[1]) if len(words) > 1 else None
    if pair is None or len(words) < 4:
        state.collector.unreadable(node, "nat without interface or ID")
        return []

    exempt = words[2] == "0"
    if words[3] == "access-list" and len(words) > 4:
        section = _EXEMPT if exempt else _DYNAMIC
        return _from_acl(state, node, words[4], pair[0], section, exempt)
    source = _address_mask(state, words, 3)
    if source is None:
        state.collector.unreadable(node, "nat with a bad address or mask")
        return []
    kind = NatKind.IDENTITY if exempt else NatKind.TRANSLATE
    return [
        _Rule(_DYNAMIC, kind, pair[0], None, (source,), (),
              state.origin(node))
    ]


def _address_mask(state, words: list[str], index: int):
    if index + 1 >= len(words):
        return None
    address = parse_ip(words[index]) or state.names.get(words[index])
    if address is None:
        return None
    return network_from_mask(str(address), words[index + 1])


def _from_acl(
    state, node, acl: str, real_if, section: int, identity: bool,
    mapped_if: str | None = None,
) -> list[_Rule]:
    """One rule per permit entry: the ASA matches source and destination."""
    entries = state.acls.get(acl)
    if entries is None:
        return _undefined(state, node, acl)

    kind = NatKind.IDENTITY if identity else NatKind.TRANSLATE
    origin = state.origin(node)
    # A deny entry excludes its traffic from the rule; the model keeps
    # only what the rule applies to, so deny entries add no rule.
    return [
        _Rule(section, kind, real_if, mapped_if, entry.source,
              entry.destination, origin, inactive=entry.inactive)
        for entry in entries
        if entry.action == "permit"
    ]


def _static(state: AsaState, node: Node) -> list[_Rule]:
    """`static (r,m) [tcp|udp] MAPPED [port] REAL|access-list A ...`."""
    words = node.words
    pair = _interfaces(words[1]) if len(words) > 1 else None
    if pair is None or len(words) < 4:
        state.collector.unreadable(node, "static without interfaces")
        return []

    port = words[2] in ("tcp", "udp")
    args = words[3 if port else 2:]
    mapped, rest = args[0], args[2:] if port else args[1:]
    if rest[:1] == ["access-list"] and len(rest) > 1:
        return _policy_static(state, node, pair, mapped, rest[1], port)
    return _plain_static(state, node, pair, mapped, rest, port)


def _plain_static(state, node, pair, mapped: str, rest, port) -> list:
    if not rest:
        state.collector.unreadable(node, "static without real address")
        return []

    mask = "255.255.255.255"
    if "netmask" in rest and rest.index("netmask") + 1 < len(rest):
        mask = rest[rest.index("netmask") + 1]
    real = _address_mask(state, [rest[0], mask], 0)
    if real is None:
        state.collector.unreadable(node, "static with a bad address")
        return []
    same = not port and _same_address(state, mapped, rest[0])
    kind = NatKind.IDENTITY if same else NatKind.TRANSLATE
    return [
        _Rule(_STATIC, kind, pair[0], pair[1], (real,), (),
              state.origin(node))
    ]


def _same_address(state, mapped: str, real: str) -> bool:
    one = parse_ip(mapped) or state.names.get(mapped)
    other = parse_ip(real) or state.names.get(real)
    return one is not None and one == other


def _policy_static(state, node, pair, mapped: str, acl: str, port) -> list:
    entries = state.acls.get(acl)
    if entries is None:
        return _undefined(state, node, acl)

    address = parse_ip(mapped) or state.names.get(mapped)
    mapped_net = host_network(str(address)) if address else None
    rules = _from_acl(state, node, acl, pair[0], _STATIC, False, pair[1])
    for rule in rules:
        # Identity when the entry's source is the mapped address itself.
        if not port and mapped_net and _covers_only(rule.source, address):
            rule.kind = NatKind.IDENTITY
    return rules


def _covers_only(source: tuple[IPv4Network, ...], address) -> bool:
    return len(source) == 1 and source[0].network_address == address
