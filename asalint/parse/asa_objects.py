"""Network objects, network object-groups and access-lists.

Objects and groups are resolved to networks once the whole config is
read; nested groups are expanded with a guard against cycles, and members
the config never defines are kept in `unresolved` (the ASA itself refuses
such a reference, so its presence means a hand-edited or partial file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Network

from asalint.model import AclEntry, NetworkObject, Origin
from asalint.parse.asa_state import AsaState
from asalint.parse.common import (
    AddressBook,
    host_network,
    is_ipv6,
    network_from_mask,
    range_networks,
    read_acl_address,
)
from asalint.parse.tree import Node

_PORT_OPERATORS = {"eq": 2, "neq": 2, "lt": 2, "gt": 2, "range": 3}


@dataclass
class _Draft:
    """An object or group before its members are resolved."""

    kind: str  # object | group
    origin: Origin
    networks: list[IPv4Network] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # object/group names
    fqdn: str | None = None


# --- objects ---------------------------------------------------------------


def build_objects(state: AsaState) -> dict[str, NetworkObject]:
    drafts: dict[str, _Draft] = {}
    for node in state.object_nodes:
        _read_object(state, drafts, node)
    for node in state.group_nodes:
        _read_group(state, drafts, node)

    resolver = _Resolver(drafts)
    return {
        name: resolver.resolve(name, draft)
        for name, draft in drafts.items()
    }


def _read_object(state: AsaState, drafts: dict, node: Node) -> None:
    """`object network N` and its host / subnet / range / fqdn / nat."""
    if len(node.words) < 3:
        state.collector.unreadable(node, "object without a name")
        return

    name = node.words[2]
    draft = drafts.setdefault(name, _Draft("object", state.origin(node)))
    for child in node.children:
        _object_child(state, draft, name, child)


def _object_child(state, draft: _Draft, name: str, child: Node) -> None:
    words = child.words
    keyword = words[0]
    if keyword == "nat":
        state.object_nat.append((name, child))
    elif keyword == "description":
        return
    elif keyword in ("host", "subnet", "range"):
        _object_definition(state, draft, child)
    elif keyword == "fqdn" and len(words) >= 2:
        # The object stands for whatever the name resolves to at run time.
        draft.networks, draft.fqdn = [], words[-1]
    else:
        state.collector.not_modelled(child)


def _object_definition(state, draft: _Draft, child: Node) -> None:
    words = child.words
    if any(is_ipv6(word) for word in words[1:]):
        state.collector.not_modelled(child, "IPv6 object not modelled")
        return

    networks = _definition_networks(state, words)
    if networks is None:
        state.collector.unreadable(child, f"{words[0]} with a bad address")
        return
    # An object holds one definition: a later line replaces it.
    draft.networks, draft.fqdn = list(networks), None


def _definition_networks(state, words: list[str]):
    def address(index: int) -> str:
        found = state.names.get(words[index]) if index < len(words) else None
        return str(found) if found else _word(words, index)

    if words[0] == "host":
        network = host_network(address(1))
        return (network,) if network else None
    if words[0] == "subnet":
        network = network_from_mask(address(1), _word(words, 2))
        return (network,) if network else None
    return range_networks(address(1), _word(words, 2))


def _word(words: list[str], index: int) -> str:
    return words[index] if index < len(words) else ""


# --- object-groups ---------------------------------------------------------


def _read_group(state: AsaState, drafts: dict, node: Node) -> None:
    """`object-group network N`: network-object and group-object lines."""
    if len(node.words) < 3:
        state.collector.unreadable(node, "object-group without a name")
        return

    name = node.words[2]
    draft = drafts.setdefault(name, _Draft("group", state.origin(node)))
    for child in node.children:
        _group_child(state, draft, child)


def _group_child(state, draft: _Draft, child: Node) -> None:
    words = child.words
    if words[0] == "description":
        return
    if words[0] == "group-object" and len(words) >= 2:
        draft.members.append(words[1])
    elif words[0] == "network-object" and len(words) >= 2:
        _network_object(state, draft, child)
    else:
        state.collector.not_modelled(child)


def _network_object(state, draft: _Draft, child: Node) -> None:
    words = child.words
    if words[1] == "object" and len(words) >= 3:
        draft.members.append(words[2])
        return
    if is_ipv6(words[1]) or (len(words) > 2 and is_ipv6(words[2])):
        state.collector.not_modelled(child, "IPv6 member not modelled")
        return

    book = AddressBook(names=state.names)
    read = read_acl_address(words, 1, book, bare_host=True)
    if read is None or read[0].unresolved:
        state.collector.unreadable(child, "network-object with a bad address")
        return
    draft.networks.extend(read[0].networks)


class _Resolver:
    """Expands nested groups once each; a cycle ends the expansion."""

    def __init__(self, drafts: dict[str, _Draft]) -> None:
        self.drafts = drafts
        self.done: dict[str, NetworkObject] = {}
        self.visiting: set[str] = set()

    def resolve(self, name: str, draft: _Draft) -> NetworkObject:
        if name in self.done:
            return self.done[name]

        self.visiting.add(name)
        networks, unresolved = list(draft.networks), []
        for member in draft.members:
            self._add_member(member, networks, unresolved)
        self.visiting.discard(name)

        # Built unvalidated: every value is already of its model type,
        # and nested groups can hold thousands of networks each, whose
        # re-validation would dominate the parse of a large config.
        result = NetworkObject.model_construct(
            name=name,
            kind=draft.kind,
            networks=tuple(dict.fromkeys(networks)),
            unresolved=tuple(dict.fromkeys(unresolved)),
            fqdn=draft.fqdn,
            origin=draft.origin,
        )
        self.done[name] = result
        return result

    def _add_member(self, member: str, networks: list, unresolved: list):
        member_draft = self.drafts.get(member)
        if member_draft is None or member in self.visiting:
            # Undefined, or a group nested inside itself: the ASA refuses
            # both, so the member adds no address.
            unresolved.append(member)
            return

        resolved = self.resolve(member, member_draft)
        networks.extend(resolved.networks)
        unresolved.extend(resolved.unresolved)


# --- access-lists ----------------------------------------------------------


def address_book(state: AsaState) -> AddressBook:
    interfaces = {
        draft.fields["nameif"]: draft.fields["address"].ip
        for draft in state.interfaces.values()
        if draft.fields.get("nameif") and draft.fields.get("address")
    }
    return AddressBook(state.names, state.objects, interfaces)


def build_acls(state: AsaState) -> dict[str, list[AclEntry]]:
    book = address_book(state)
    for node in state.acl_nodes:
        _read_acl_line(state, book, node)
    return state.acls


def _read_acl_line(state: AsaState, book: AddressBook, node: Node) -> None:
    words = _without_line_number(node.words)
    if len(words) < 3:
        state.collector.unreadable(node, "access-list without an entry")
        return

    name, kind = words[1], words[2]
    if kind == "remark":
        state.acls.setdefault(name, [])
    elif kind == "extended":
        _extended(state, book, node, name, words[3:])
    elif kind in ("permit", "deny"):
        # PIX 7 and ASA 7 also print extended entries without the keyword.
        _extended(state, book, node, name, words[2:])
    else:
        state.collector.not_modelled(node, f"{kind} access-list")


def _without_line_number(words: list[str]) -> list[str]:
    if len(words) > 3 and words[2] == "line" and words[3].isdigit():
        return words[:2] + words[4:]
    return words


def _extended(state, book, node: Node, name: str, rest: list[str]) -> None:
    """`permit|deny PROTO SRC [PORT] DST [PORT] [log ...] [inactive]`."""
    entry = _entry(state, book, node, name, rest)
    if entry is None:
        return
    state.acls.setdefault(name, []).append(entry)


def _entry(state, book, node, name: str, rest: list[str]) -> AclEntry | None:
    if len(rest) < 2 or rest[0] not in ("permit", "deny"):
        state.collector.unreadable(node, "access-list entry without action")
        return None

    protocol, index = _protocol(rest, 1)
    parts = _addresses_and_ports(state, book, rest, index)
    if parts is None:
        state.collector.unreadable(node, "access-list entry not readable")
        return None
    source, source_port, destination, destination_port, end = parts
    if source.ipv6 or destination.ipv6:
        state.collector.not_modelled(node, "IPv6 access-list entry")
        return None
    # Unvalidated for speed, as for objects: the values are model types.
    return AclEntry.model_construct(
        acl=name,
        action=rest[0],
        protocol=protocol,
        source=source.networks,
        destination=destination.networks,
        source_port=source_port,
        destination_port=destination_port,
        inactive="inactive" in rest[end:],
        references=source.references + destination.references,
        unresolved=source.unresolved + destination.unresolved,
        origin=state.origin(node),
    )


def _protocol(rest: list[str], index: int) -> tuple[str, int]:
    # `object-group SVC` or `object SVC` in the protocol position names
    # a service group or object: protocol and ports in one.
    if rest[index] in ("object-group", "object") and index + 1 < len(rest):
        return rest[index + 1], index + 2
    return rest[index], index + 1


def _addresses_and_ports(state, book, rest: list[str], index: int):
    source = read_acl_address(rest, index, book)
    if source is None:
        return None
    source_port, index = _port(state, rest, source[1])

    destination = read_acl_address(rest, index, book)
    if destination is None:
        return None
    destination_port, index = _port(state, rest, destination[1])
    return source[0], source_port, destination[0], destination_port, index


def _port(state, rest: list[str], index: int) -> tuple[str | None, int]:
    """A port match after an address: `eq 443`, `range 1 9`, a group."""
    if index >= len(rest):
        return None, index

    word = rest[index]
    width = _PORT_OPERATORS.get(word)
    if width and index + width <= len(rest):
        return " ".join(rest[index:index + width]), index + width
    # The same keyword introduces the destination's network group; only
    # a service group's name makes it a port match.
    group = rest[index + 1] if index + 1 < len(rest) else None
    if word == "object-group" and group in state.service_groups:
        return f"object-group {group}", index + 2
    return None, index
