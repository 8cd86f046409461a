"""ASA interfaces, `name` lines, static routes and `access-group`.

Connected routes are not stored: the simulation derives them from the
interface addresses, so a config never holds them twice.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface

from asalint.model import Interface, Route
from asalint.parse.asa_state import AsaState, InterfaceDraft
from asalint.parse.common import (
    assigned_address,
    is_ipv6,
    mask_to_prefix,
    network_from_mask,
    parse_ip,
)
from asalint.parse.tree import Node

# Interface sub-commands that are comments, not configuration.
_COMMENT_CHILDREN = frozenset({"description"})


# --- names -----------------------------------------------------------------


def read_name(state: AsaState, node: Node) -> None:
    """`name A N [description ...]`: N stands for A wherever used."""
    words = node.words
    if len(words) < 3:
        state.collector.unreadable(node, "name without address or name")
        return

    if is_ipv6(words[1]):
        state.collector.not_modelled(node, "IPv6 name not modelled")
        return
    address = parse_ip(words[1])
    if address is None:
        state.collector.unreadable(node, "name with a bad address")
        return
    state.names[words[2]] = address


def resolve_address(state: AsaState, word: str) -> IPv4Address | None:
    """An address literal or a `name` for one."""
    return parse_ip(word) or state.names.get(word)


# --- interfaces ------------------------------------------------------------


def build_interfaces(state: AsaState) -> tuple[Interface, ...]:
    for node in state.interface_nodes:
        _read_interface(state, node)

    return tuple(
        _freeze(state, draft) for draft in state.interfaces.values()
    )


def _read_interface(state: AsaState, node: Node) -> None:
    if len(node.words) < 2:
        state.collector.unreadable(node, "interface without a name")
        return

    hardware = node.words[1]
    draft = state.interfaces.get(hardware)
    if draft is None:
        draft = InterfaceDraft(hardware, state.origin(node))
        state.interfaces[hardware] = draft
    for child in node.children:
        _interface_child(state, draft, child)


def _interface_child(
    state: AsaState, draft: InterfaceDraft, child: Node
) -> None:
    words = child.words
    negated = words[0] == "no"
    command = words[1:] if negated else words
    keyword = command[0] if command else ""

    if keyword == "nameif":
        draft.fields["nameif"] = None if negated else _arg(command, 1)
    elif keyword == "security-level":
        _security_level(state, draft, child, command, negated)
    elif command[:2] == ["ip", "address"]:
        _ip_address(state, draft, child, command, negated)
    elif keyword == "shutdown":
        draft.fields["shutdown"] = not negated
    elif keyword not in _COMMENT_CHILDREN:
        state.collector.not_modelled(child)


def _arg(words: list[str], index: int) -> str | None:
    return words[index] if index < len(words) else None


def _security_level(state, draft, child, command, negated) -> None:
    if negated:
        draft.fields["security_level"] = None
        return

    level = _arg(command, 1)
    if level is None or not level.isdigit() or int(level) > 100:
        state.collector.unreadable(child, "security-level is not 0-100")
        return
    draft.fields["security_level"] = int(level)


def _ip_address(state, draft, child, command, negated) -> None:
    if negated:
        draft.fields.pop("address", None)
        draft.fields.pop("standby", None)
        return

    assigned = assigned_address(command)
    if assigned is not None:
        draft.fields["assigned_address"] = assigned
        draft.fields["address_origin"] = state.origin(child)
        return
    address = _interface_address(state, command)
    if address is None:
        # DHCP, PPPoE or a typo: the address is unknown to asalint, and
        # a tunnel to this interface cannot be matched by address.
        state.collector.unreadable(child, "interface address not readable")
        return
    draft.fields["address"] = address
    draft.fields["address_origin"] = state.origin(child)
    draft.fields["standby"] = _standby(state, command)


def _interface_address(
    state: AsaState, command: list[str]
) -> IPv4Interface | None:
    if len(command) < 4:
        return None

    address = resolve_address(state, command[2])
    prefix = mask_to_prefix(command[3])
    if address is None or prefix is None:
        return None
    return IPv4Interface((address, prefix))


def _standby(state: AsaState, command: list[str]) -> IPv4Address | None:
    if len(command) >= 6 and command[4] == "standby":
        return resolve_address(state, command[5])
    return None


def _freeze(state: AsaState, draft: InterfaceDraft) -> Interface:
    nameif = draft.fields.get("nameif")
    return Interface(
        hardware=draft.hardware,
        access_group_in=state.access_groups.get(nameif) if nameif else None,
        origin=draft.origin,
        **draft.fields,
    )


# --- access-group ----------------------------------------------------------


def read_access_group(state: AsaState, node: Node) -> None:
    """`access-group ACL in interface IF`: the ACL on arrival at IF."""
    words = node.words
    if len(words) >= 5 and words[2] == "in" and words[3] == "interface":
        state.access_groups[words[4]] = words[1]
    elif len(words) < 3:
        state.collector.unreadable(node, "access-group without direction")
    else:
        state.collector.not_modelled(node)


# --- routes ----------------------------------------------------------------


def build_routes(state: AsaState) -> tuple[Route, ...]:
    routes = (_route(state, node) for node in state.route_nodes)
    return tuple(route for route in routes if route is not None)


def _route(state: AsaState, node: Node) -> Route | None:
    """`route IF NET MASK GW [distance] [track N] [tunneled]`."""
    words = node.words
    if len(words) < 5:
        state.collector.unreadable(node, "route without network or gateway")
        return None
    if "tunneled" in words[5:]:
        # Used only for traffic leaving a tunnel; not a forwarding route.
        state.collector.not_modelled(node, "tunneled default route")
        return None

    network = _route_network(state, words[2], words[3])
    gateway = resolve_address(state, words[4])
    if network is None or gateway is None:
        state.collector.unreadable(node, "route with a bad address or mask")
        return None
    return Route(
        interface=words[1],
        network=network,
        gateway=None if gateway == IPv4Address(0) else gateway,
        distance=_distance(words),
        origin=state.origin(node),
    )


def _route_network(state: AsaState, address: str, mask: str):
    base = resolve_address(state, address)
    return network_from_mask(str(base), mask) if base else None


def _distance(words: list[str]) -> int:
    if len(words) > 5 and words[5].isdigit():
        return int(words[5])
    return 1
