"""IOS and IOS XE router configs -> `Device` (platform ios, era ios).

One walk sorts the top-level lines to their readers; object-groups are
read first, since ACLs name them, and NAT last, since it names ACLs and
route-maps. What a router applies when a line is absent (policy values,
the default ISAKMP policies, the IKEv2 smart defaults, tunnel mode, the
IPsec SA lifetime, the weak-crypto refusal of IOS XE 17.11 and later) is
filled in at the end and recorded in `Device.defaults`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from ipaddress import IPv4Interface

from asalint.model import Device, Era, Interface, Platform, Route, Setting
from asalint.parse import ios_acl, ios_aggressive, ios_crypto, ios_ikev2
from asalint.parse.common import (
    Collector,
    assigned_address,
    network_from_mask,
    parse_ip,
)
from asalint.parse.ioslike import (
    LegacyState,
    fill_lifetimes,
    freeze,
    to_int,
)
from asalint.parse.tree import Node
from asalint.source import SourceText

log = logging.getLogger(__name__)

Reader = Callable[[LegacyState, Node], None]

# Lines that are no command: the header `show running-config` prints.
_NOT_COMMANDS = re.compile(
    r"^(?:Building configuration|Current configuration\s*:|end$|exit$)"
)


def parse_ios(source: SourceText, tree: list[Node]) -> Device:
    """Read an IOS / IOS XE running-config into the model."""
    state = LegacyState(Collector(source.path), Platform.IOS, Era.IOS)
    for note in source.notes:
        state.collector.note(note)

    groups = [n for n in tree if n.words[:1] == ["object-group"]]
    for node in groups:
        ios_acl.read_object_group(state, node)
    ios_acl.resolve_groups(state)

    for node in tree:
        if node.words[:1] != ["object-group"]:
            _dispatch(state, node)
    _finish(state)
    log.debug("%s: %d lines not modelled", source.path,
              state.collector.not_modelled_count())
    return freeze(state)


def _dispatch(state: LegacyState, node: Node) -> None:
    if _NOT_COMMANDS.match(node.text):
        return
    words = [word.lower() for word in node.words]
    for length in (3, 2, 1):
        reader = _READERS.get(tuple(words[:length]))
        if reader is not None:
            reader(state, node)
            return
    state.collector.not_modelled(node)


# --- device identity -------------------------------------------------------


def _hostname(state: LegacyState, node: Node) -> None:
    if len(node.words) > 1:
        state.hostname = node.words[1]


def _domain_name(state: LegacyState, node: Node) -> None:
    # `ip domain-name D` (older releases) or `ip domain name D`; a VRF's
    # domain is not the one the router's own identity carries.
    words = node.words
    start = 2 if words[1].lower() == "domain-name" else 3
    if len(words) <= start or words[start].lower() == "vrf":
        state.collector.not_modelled(node)
        return
    state.domain_name = words[start]


def _version(state: LegacyState, node: Node) -> None:
    if len(node.words) > 1:
        state.version = node.words[1]


def release(version: str | None) -> tuple[int, int] | None:
    """`17.11` -> (17, 11); None when the version is absent or odd."""
    match = re.match(r"(\d+)\.(\d+)", version or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


# --- interfaces ------------------------------------------------------------


def _interface(state: LegacyState, node: Node) -> None:
    """`interface NAME` with ` ip address`, ` shutdown`, ` crypto map`,
    ` ip access-group ACL in` and ` ip nat inside`."""
    if len(node.words) < 2:
        state.collector.unreadable(node, "interface without a name")
        return

    name = node.words[1]
    fields: dict[str, object] = {"shutdown": False}
    for child in node.children:
        if not _interface_line(state, name, fields, child):
            state.collector.not_modelled(child)
    state.interfaces[name] = Interface(
        hardware=name, origin=state.origin(node), **fields
    )


def _interface_line(
    state: LegacyState, name: str, fields: dict[str, object], node: Node
) -> bool:
    words = [word.lower() for word in node.words]
    if words[:2] == ["ip", "address"]:
        return _interface_address(state, fields, node)
    if words in (["shutdown"], ["no", "shutdown"]):
        fields["shutdown"] = words == ["shutdown"]
    elif words[:2] == ["crypto", "map"] and len(words) > 2:
        fields["crypto_map"] = node.words[2]
        ios_crypto.bind_interface_map(state, name, node.words[2], node)
    elif words[:2] == ["ip", "access-group"] and words[3:] == ["in"]:
        fields["access_group_in"] = node.words[2]
    elif words in (["ip", "nat", "inside"], ["ip", "nat", "outside"]):
        state.nat_sides.setdefault(words[2], []).append(name)
    elif words == ["no", "ip", "address"]:
        fields.pop("address", None)
    else:
        return False
    return True


def _interface_address(
    state: LegacyState, fields: dict[str, object], node: Node
) -> bool:
    words = node.words
    if len(words) > 4 and words[4].lower() == "secondary":
        return False  # only the primary address terminates tunnels here
    assigned = assigned_address(words)
    if assigned is not None:
        fields["assigned_address"] = assigned
        fields["address_origin"] = state.origin(node)
        return True
    if len(words) < 4 or network_from_mask(words[2], words[3]) is None:
        state.collector.unreadable(
            node, "interface address not read (DHCP or negotiated?)"
        )
        return True
    fields["address"] = IPv4Interface(f"{words[2]}/{words[3]}")
    fields["address_origin"] = state.origin(node)
    return True


# --- routes ----------------------------------------------------------------


def _route(state: LegacyState, node: Node) -> None:
    """`ip route NET MASK [IF] [GW] [distance] [name N] [permanent] ...`."""
    words = node.words
    if len(words) > 2 and words[2].lower() == "vrf":
        state.collector.not_modelled(node, "VRF route")
        return
    network = network_from_mask(*words[2:4]) if len(words) > 3 else None
    if network is None:
        state.collector.unreadable(node, "route destination not read")
        return

    interface, gateway, index = _next_hop(words, 4)
    if interface is None and gateway is None:
        state.collector.unreadable(node, "route next hop not read")
        return
    distance = to_int(words[index]) if index < len(words) else None
    state.routes.append(
        Route(
            interface=interface,
            network=network,
            gateway=gateway,
            distance=distance or 1,
            origin=state.origin(node),
        )
    )


def _next_hop(words: list[str], index: int):
    interface = gateway = None
    if index < len(words) and parse_ip(words[index]) is None:
        interface, index = words[index], index + 1
    if index < len(words) and parse_ip(words[index]) is not None:
        gateway, index = parse_ip(words[index]), index + 1
    return interface, gateway, index


# --- crypto dispatch -------------------------------------------------------


def _crypto(state: LegacyState, node: Node) -> None:
    words = [word.lower() for word in node.words]
    if words[:3] == ["crypto", "engine", "compliance"]:
        _compliance(state, node)
        return
    reader = _CRYPTO_READERS.get(tuple(words[1:3])) or _CRYPTO_READERS.get(
        tuple(words[1:2])
    )
    if reader is None:
        state.collector.not_modelled(node)
        return
    reader(state, node)


def _isakmp(state: LegacyState, node: Node) -> None:
    words = [word.lower() for word in node.words]
    if words[2:3] == ["policy"]:
        ios_crypto.read_isakmp_policy(state, node)
    elif words[2:3] == ["key"]:
        ios_crypto.read_isakmp_key(state, node)
    elif words[2:3] == ["profile"]:
        ios_crypto.read_isakmp_profile(state, node)
    elif words[2:3] == ["peer"]:
        ios_aggressive.read_isakmp_peer(state, node)
    else:
        ios_crypto.read_isakmp_global(state, node)


def _compliance(state: LegacyState, node: Node) -> None:
    # `crypto engine compliance shield disable` lets IOS XE 17.11+ use
    # the algorithms it otherwise refuses (Cisco Field Notice FN72510).
    if [w.lower() for w in node.words[3:]] == ["shield", "disable"]:
        state.settings["weak_crypto_allowed"] = Setting(
            value=True, origin=state.origin(node)
        )
        return
    state.collector.not_modelled(node)


def _no(state: LegacyState, node: Node) -> None:
    words = [word.lower() for word in node.words]
    if words[1:4] in (
        ["crypto", "ikev2", "policy"],
        ["crypto", "ikev2", "proposal"],
    ) and words[4:] == ["default"]:
        state.ikev2.no_default = state.origin(node)
    elif words[1:2] == ["crypto"]:
        ios_crypto.read_no_crypto(state, node)
    else:
        state.collector.not_modelled(node)


_CRYPTO_READERS: dict[tuple[str, ...], Reader] = {
    ("isakmp",): _isakmp,
    ("keyring",): ios_crypto.read_keyring,
    ("ipsec", "transform-set"): ios_crypto.read_transform_set,
    ("ipsec", "security-association"): ios_crypto.read_ipsec_global,
    ("map",): ios_crypto.read_crypto_map,
    ("dynamic-map",): ios_crypto.read_dynamic_map,
    ("ikev2",): ios_ikev2.read_ikev2,
}

_READERS: dict[tuple[str, ...], Reader] = {
    ("hostname",): _hostname,
    ("version",): _version,
    ("interface",): _interface,
    ("ip", "route"): _route,
    ("ip", "domain-name"): _domain_name,
    ("ip", "domain", "name"): _domain_name,
    ("ip", "access-list"): ios_acl.read_named_acl,
    ("access-list",): ios_acl.read_numbered_acl,
    ("route-map",): ios_acl.read_route_map,
    ("ip", "nat"): ios_acl.read_nat,
    ("crypto",): _crypto,
    ("no",): _no,
}


# --- what the router applies when lines are absent -------------------------

def _finish(state: LegacyState) -> None:
    for side in ("inside", "outside"):
        names = state.nat_sides.get(side, [])
        state.nat_interfaces[side] = names[0] if len(names) == 1 else None
    ios_acl.expand_nat(state)

    _isakmp_defaults(state)
    _weak_crypto(state)
    _ike_interfaces(state)
    fill_lifetimes(state, seconds=3600)
    ios_aggressive.apply_to_entries(state)
    if state.ikev2_interfaces:
        state.ikev2_policies = ios_ikev2.offered_policies(state)
    _ikev2_children(state)


def _ikev2_children(state: LegacyState) -> None:
    # An entry with `set ikev2-profile` offers its transform sets as the
    # IKEv2 child SA proposals (mirrored into `ipsec_proposals`).
    for draft in state.entries.values():
        if "ikev2_profile" in draft.values:
            sets = draft.values.get("transform_sets", ())
            draft.values["ikev2_proposals"] = sets
            if "transform-set" in draft.origins:
                origin = draft.origins["transform-set"]
                draft.origins["ikev2-proposal"] = origin


def _isakmp_defaults(state: LegacyState) -> None:
    # IOS sends its address as ISAKMP identity unless told otherwise.
    if "isakmp_identity" not in state.settings:
        state.settings["isakmp_identity"] = Setting(value="address")
        state.collector.default("isakmp-identity", "address")
    if not state.ikev1_policies and state.no_default_policies is None:
        _default_policies(state)


def _default_policies(state: LegacyState) -> None:
    """The eight default policies, used only while none is configured.

    Cisco's `show crypto isakmp policy` reference: the default policies
    (priorities 65507-65514, 12.4(20)T and later) apply if "you have
    neither manually configured IKE policies with the crypto isakmp
    policy command nor disabled the default IKE policies by issuing the
    no crypto isakmp default policy command". Their suites are a table
    of the simulation (`negotiate.algorithms`); the parser records only
    that they apply, so `no crypto isakmp default policy` shows as their
    absence here. A 12.4 version line does not tell whether the image is
    12.4(20)T or later, hence uncertain.
    """
    version = release(state.version)
    if version is not None and version < (12, 4):
        state.collector.default("ikev1-default-policies", "65535 (rsa-sig)")
        return
    uncertain = version is None or version == (12, 4)
    state.collector.default(
        "ikev1-default-policies", "65507-65514", uncertain
    )


def _weak_crypto(state: LegacyState) -> None:
    """IOS XE 17.11 and later refuse DES, 3DES, MD5 and DH 1, 2, 5.

    Cisco Field Notice FN72510: "In Cisco IOS XE Release 17.11.1 and
    later, weak crypto algorithms are no longer allowed by default ...
    explicit configuration is required. Otherwise, IPsec tunnel
    negotiation will fail". The explicit line is `crypto engine
    compliance shield disable`.
    """
    if "weak_crypto_allowed" in state.settings:
        return
    if (release(state.version) or (0, 0)) >= (17, 11):
        state.settings["weak_crypto_allowed"] = Setting(value=False)
        state.collector.default("weak-crypto", "refused (IOS XE 17.11+)")


def _ike_interfaces(state: LegacyState) -> None:
    """IOS has no per-interface IKE switch: ISAKMP (on unless `no crypto
    isakmp`) answers on every address, and IKEv2 (15.1 and later, smart
    defaults) answers IKE_SA_INIT on every address too."""
    addressed = {
        name: interface.address_origin or interface.origin
        for name, interface in state.interfaces.items()
        if interface.address is not None
    }
    if state.ike_disabled is None:
        state.ikev1_interfaces = dict(addressed)
        state.collector.default("isakmp-enable", "every interface")
    if (release(state.version) or (99, 0)) >= (15, 1):
        state.ikev2_interfaces = dict(addressed)


def _has_ikev2(state: LegacyState) -> bool:
    return bool(state.ikev2_interfaces)
