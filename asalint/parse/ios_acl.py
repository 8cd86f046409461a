"""Access-lists, network object-groups, route-maps and NAT for IOS.

The entry reader is shared with PIX 6, whose ACLs take subnet masks
where IOS takes wildcards. IOS NAT is expanded into `NatRule`s once every
ACL and route-map is known, since a running-config prints `ip nat` lines
before the ACLs they name.
"""

from __future__ import annotations

from ipaddress import IPv4Network

from asalint.model import AclEntry, NatKind, NatRule, NetworkObject
from asalint.parse.common import (
    AddressBook,
    AddressSpec,
    host_network,
    looks_like_mask,
    network_from_mask,
    network_from_wildcard,
    parse_ip,
    range_networks,
    read_acl_address,
)
from asalint.parse.ioslike import LegacyState, NatDraft, RouteMapClause
from asalint.parse.tree import Node

# IOS numbered ACLs: these ranges are standard (source only).
_STANDARD_NUMBERS = (range(1, 100), range(1300, 2000))

_PORT_OPERATORS = {"eq": 1, "neq": 1, "lt": 1, "gt": 1, "range": 2}


# --- object-groups ---------------------------------------------------------


def read_object_group(state: LegacyState, node: Node) -> None:
    """`object-group network N`; members resolved by `resolve_groups`."""
    words = node.words
    if len(words) < 3 or words[1].lower() != "network":
        state.collector.not_modelled(node)
        return
    state.objects[words[2]] = NetworkObject(
        name=words[2], kind="group", origin=state.origin(node)
    )
    state.group_nodes.append(node)


def resolve_groups(state: LegacyState) -> None:
    """Members of every network group, nested groups expanded."""
    for node in state.group_nodes:
        _resolve(state, node.words[2], set())


def _resolve(state: LegacyState, name: str, seen: set[str]) -> NetworkObject:
    group = state.objects[name]
    node = state.group_by_name(name)
    if node is None or name in seen:
        return group

    seen.add(name)
    networks: list[IPv4Network] = []
    unresolved: list[str] = []
    for child in node.children:
        _member(state, child, networks, unresolved, seen)
    group = group.model_copy(
        update={"networks": tuple(networks), "unresolved": tuple(unresolved)}
    )
    state.objects[name] = group
    return group


def _member(
    state: LegacyState,
    child: Node,
    networks: list[IPv4Network],
    unresolved: list[str],
    seen: set[str],
) -> None:
    # IOS writes members bare (`host A`, `A M`, `range A B`); PIX 6 after
    # `network-object`. Both write nested groups as `group-object N`.
    words = child.words
    if words and words[0].lower() == "network-object":
        words = words[1:]
    if not words or words[0].lower() == "description":
        return

    if words[0].lower() == "group-object" and len(words) > 1:
        _nested(state, words[1], networks, unresolved, seen)
        return
    found = _member_networks(state, words)
    if found is None:
        state.collector.unreadable(child, "object-group member not read")
        return
    networks.extend(found)


def _nested(
    state: LegacyState,
    name: str,
    networks: list[IPv4Network],
    unresolved: list[str],
    seen: set[str],
) -> None:
    if name not in state.objects:
        unresolved.append(name)
        return
    nested = _resolve(state, name, seen)
    networks.extend(nested.networks)
    unresolved.extend(nested.unresolved)


def _member_networks(
    state: LegacyState, words: list[str]
) -> tuple[IPv4Network, ...] | None:
    keyword = words[0].lower()
    if keyword == "host" and len(words) > 1:
        address = state.address(words[1])
        return (IPv4Network((address, 32)),) if address else None
    if keyword == "range" and len(words) > 2:
        return range_networks(words[1], words[2])
    if len(words) > 1:
        address = state.address(words[0])
        network = network_from_mask(str(address), words[1]) if address else None
        return (network,) if network else None
    return None


# --- entries ---------------------------------------------------------------


def address_book(state: LegacyState) -> AddressBook:
    return AddressBook(names=state.names, objects=state.objects)


def read_entry(
    state: LegacyState,
    acl: str,
    words: list[str],
    node: Node,
    wildcard: bool,
    standard: bool = False,
) -> None:
    """One entry, `permit|deny ...`, appended to `acl`.

    `words` starts at the action. A `remark` is kept out of the model; an
    entry whose addresses cannot be read is reported as unreadable.
    """
    action = words[0].lower() if words else ""
    if action == "remark":
        return
    if action not in ("permit", "deny"):
        state.collector.unreadable(node, f"access-list {acl}: no action")
        return

    reader = _read_standard if standard else _read_extended
    entry = reader(state, acl, action, words[1:], node, wildcard)
    if entry is not None:
        state.acls.setdefault(acl, []).append(entry)


def _read_standard(
    state: LegacyState,
    acl: str,
    action: str,
    words: list[str],
    node: Node,
    wildcard: bool,
) -> AclEntry | None:
    source = _address(state, words, 0, wildcard, bare_host=True)
    if source is None:
        state.collector.unreadable(node, f"access-list {acl}: bad source")
        return None
    spec, _, bad = source
    return AclEntry(
        acl=acl,
        action=action,
        protocol="ip",
        source=spec.networks,
        destination=(IPv4Network("0.0.0.0/0"),),
        references=spec.references,
        unresolved=spec.unresolved,
        bad_wildcards=bad,
        origin=state.origin(node),
    )


def _read_extended(
    state: LegacyState,
    acl: str,
    action: str,
    words: list[str],
    node: Node,
    wildcard: bool,
) -> AclEntry | None:
    if not words:
        state.collector.unreadable(node, f"access-list {acl}: no protocol")
        return None

    protocol, index = _protocol(words)
    source = _address(state, words, index, wildcard)
    if source is None:
        state.collector.unreadable(node, f"access-list {acl}: bad source")
        return None
    source_spec, index, bad_source = source
    source_port, index = _port(words, index)

    destination = _address(state, words, index, wildcard)
    if destination is None:
        state.collector.unreadable(node, f"access-list {acl}: bad destination")
        return None
    destination_spec, index, bad_destination = destination
    destination_port, _ = _port(words, index)

    if source_spec.ipv6 or destination_spec.ipv6:
        state.collector.not_modelled(node, "IPv6 access-list entry")
        return None
    return AclEntry(
        acl=acl,
        action=action,
        protocol=protocol,
        source=source_spec.networks,
        destination=destination_spec.networks,
        source_port=source_port,
        destination_port=destination_port,
        references=source_spec.references + destination_spec.references,
        unresolved=source_spec.unresolved + destination_spec.unresolved,
        bad_wildcards=bad_source + bad_destination,
        origin=state.origin(node),
    )


def _protocol(words: list[str]) -> tuple[str, int]:
    if words[0].lower() == "object-group" and len(words) > 1:
        return words[1], 2  # a service group stands where the protocol is
    return words[0].lower(), 1


def _address(
    state: LegacyState,
    words: list[str],
    index: int,
    wildcard: bool,
    bare_host: bool = False,
) -> tuple[AddressSpec, int, tuple[str, ...]] | None:
    """An address position; a non-prefix IOS wildcard yields no network.

    IOS accepts any wildcard, so `10.1.1.0 255.255.255.0` (a subnet mask
    typed as a wildcard) is a valid line that matches only addresses
    ending in .0: the entry stays, with the pair in `bad_wildcards`.
    """
    if wildcard and _non_prefix_wildcard(words, index):
        pair = f"{words[index]} {words[index + 1]}"
        return AddressSpec(), index + 2, (pair,)

    found = read_acl_address(
        words, index, address_book(state), wildcard, bare_host
    )
    if found is None:
        return None
    return found[0], found[1], ()


def _non_prefix_wildcard(words: list[str], index: int) -> bool:
    if index + 1 >= len(words) or parse_ip(words[index]) is None:
        return False
    if not looks_like_mask(words[index + 1]):
        return False
    return network_from_wildcard(words[index], words[index + 1]) is None


def _port(words: list[str], index: int) -> tuple[str | None, int]:
    """`eq 443`, `range 1 1024` ... at `index`, as one string."""
    if index >= len(words):
        return None, index
    count = _PORT_OPERATORS.get(words[index].lower())
    if count is None or index + count >= len(words):
        return None, index
    end = index + 1 + count
    return " ".join(words[index:end]), end


# --- IOS access-list commands ----------------------------------------------


def read_numbered_acl(state: LegacyState, node: Node) -> None:
    """`access-list N [dynamic D ...] permit|deny ...` (IOS numbered)."""
    words = node.words
    if len(words) < 3:
        state.collector.unreadable(node, "access-list without an entry")
        return
    if words[2].lower() == "dynamic":
        state.collector.not_modelled(node, "dynamic (lock-and-key) entry")
        return

    number = int(words[1]) if words[1].isdigit() else None
    standard = number is not None and any(
        number in numbers for numbers in _STANDARD_NUMBERS
    )
    read_entry(state, words[1], words[2:], node, True, standard)


def read_named_acl(state: LegacyState, node: Node) -> None:
    """`ip access-list standard|extended N` and its entries."""
    words = node.words
    if len(words) < 4 or words[2].lower() not in ("standard", "extended"):
        state.collector.not_modelled(node)
        return

    name, standard = words[3], words[2].lower() == "standard"
    state.acls.setdefault(name, [])
    for child in node.children:
        entry = child.words
        if entry and entry[0].isdigit():
            entry = entry[1:]  # sequence numbers only order the entries
        read_entry(state, name, entry, child, True, standard)


# --- route-maps ------------------------------------------------------------


def read_route_map(state: LegacyState, node: Node) -> None:
    """`route-map RM permit|deny N` with ` match ip address ACL ...`."""
    words = node.words
    permit = len(words) < 3 or words[2].lower() != "deny"
    sequence = int(words[3]) if len(words) > 3 and words[3].isdigit() else 10
    clause = RouteMapClause(words[1], sequence, permit, state.origin(node))
    for child in node.children:
        if child.words[:3] == ["match", "ip", "address"]:
            clause.acls.extend(child.words[3:])
        else:
            state.collector.not_modelled(child)
    state.route_maps.setdefault(words[1], []).append(clause)


# --- NAT -------------------------------------------------------------------


def read_nat(state: LegacyState, node: Node) -> None:
    """`ip nat inside source ...`: kept until the ACLs are known."""
    words = [word.lower() for word in node.words]
    if words[:4] != ["ip", "nat", "inside", "source"]:
        state.collector.not_modelled(node)
        return
    if len(words) < 6:
        state.collector.unreadable(node, "NAT rule not read")
        return
    state.nat_drafts.append(NatDraft(node, static=words[4] == "static"))


def expand_nat(state: LegacyState) -> None:
    """IOS NAT as `NatRule`s, section 1, statics first.

    IOS keeps static translations in its table at all times, so they
    match before any dynamic rule. A dynamic rule's ACL (or route-map)
    selects what it translates: its deny entries are where IOS
    configurations exempt VPN traffic, so they become identity rules
    placed before that rule's translations, in ACL order. (On the device
    a deny only means "not this rule"; a later rule could still
    translate: with one rule per direction, as in nearly every config,
    the two readings agree.)
    """
    drafts = [d for d in state.nat_drafts if d.static]
    drafts += [d for d in state.nat_drafts if not d.static]
    for draft in drafts:
        reader = _static_rules if draft.static else _dynamic_rules
        for rule in reader(state, draft.node):
            position = len(state.nat_rules) + 1
            state.nat_rules.append(
                rule.model_copy(update={"position": position})
            )


def _dynamic_rules(state: LegacyState, node: Node) -> list[NatRule]:
    words = node.words
    selector, name = words[4].lower(), words[5]
    mapped = _mapped_interface(words)
    if selector == "list":
        return _acl_rules(state, node, name, True, mapped, None)
    if selector == "route-map":
        return _route_map_rules(state, node, name, mapped, None)
    state.collector.unreadable(node, "NAT selector not read")
    return []


def _static_rules(state: LegacyState, node: Node) -> list[NatRule]:
    words = node.words
    real = _static_real(words)
    if real is None:
        state.collector.unreadable(node, "static NAT addresses not read")
        return []

    source, mapped_address = real
    identity = parse_ip(mapped_address) == source.network_address and (
        source.prefixlen == 32
    )
    route_map = _word_after(words, "route-map")
    if route_map is not None:
        return _route_map_rules(state, node, route_map, None, source)
    kind = NatKind.IDENTITY if identity else NatKind.TRANSLATE
    return [_rule(state, node, kind, (source,), (), None)]


def _static_real(words: list[str]) -> tuple[IPv4Network, str] | None:
    # static A B | static tcp|udp A p B p | static network A B M|/len
    rest = words[5:]
    if rest and rest[0].lower() in ("tcp", "udp"):
        rest = [rest[1], rest[3]] if len(rest) > 3 else []
    elif rest and rest[0].lower() == "network" and len(rest) > 3:
        mask = rest[3].lstrip("/")
        network = (
            IPv4Network(f"{rest[1]}/{mask}", strict=False)
            if mask.isdigit() and parse_ip(rest[1])
            else network_from_mask(rest[1], rest[3])
        )
        return (network, rest[2]) if network else None
    if len(rest) < 2:
        return None
    network = host_network(rest[0])
    return (network, rest[1]) if network else None


def _route_map_rules(
    state: LegacyState,
    node: Node,
    name: str,
    mapped: str | None,
    source: IPv4Network | None,
) -> list[NatRule]:
    clauses = sorted(state.route_maps.get(name, []), key=lambda c: c.sequence)
    if not clauses:
        state.collector.unreadable(node, f"route-map {name} is not defined")
        return []

    rules: list[NatRule] = []
    for clause in clauses:
        for acl in clause.acls:
            rules += _acl_rules(
                state, node, acl, clause.permit, mapped, source
            )
    return rules


def _acl_rules(
    state: LegacyState,
    node: Node,
    acl: str,
    permit: bool,
    mapped: str | None,
    source: IPv4Network | None,
) -> list[NatRule]:
    """One rule per entry: deny -> identity, permit -> translate.

    In a `route-map ... deny` clause the ACL's permit entries are the
    ones not translated. An identity rule cites the ACL entry that makes
    the exemption, a translation the NAT line.
    """
    entries = state.acls.get(acl)
    if entries is None:
        state.collector.unreadable(node, f"NAT ACL {acl} is not defined")
        return []

    rules = []
    for entry in entries:
        translate = permit and entry.action == "permit"
        if not permit and entry.action == "deny":
            continue
        sources = (source,) if source else entry.source
        kind = NatKind.TRANSLATE if translate else NatKind.IDENTITY
        rule = _rule(state, node, kind, sources, entry.destination, mapped)
        if not translate:
            rule = rule.model_copy(update={"origin": entry.origin})
        rules.append(rule)
    return rules


def _rule(
    state: LegacyState,
    node: Node,
    kind: NatKind,
    source: tuple[IPv4Network, ...],
    destination: tuple[IPv4Network, ...],
    mapped: str | None,
) -> NatRule:
    any_network = IPv4Network("0.0.0.0/0")
    return NatRule(
        section=1,
        position=0,
        kind=kind,
        real_interface=state.nat_interfaces.get("inside"),
        mapped_interface=mapped or state.nat_interfaces.get("outside"),
        source=source,
        destination=() if destination == (any_network,) else destination,
        origin=state.origin(node),
    )


def _mapped_interface(words: list[str]) -> str | None:
    return _word_after(words, "interface")


def _word_after(words: list[str], keyword: str) -> str | None:
    lowered = [word.lower() for word in words]
    if keyword in lowered:
        index = lowered.index(keyword)
        if index + 1 < len(words):
            return words[index + 1]
    return None
