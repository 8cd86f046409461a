"""ASA (and PIX 7/8) config tree -> `Device`.

One walk over the top-level lines sorts each into the parser state by
its leading keywords; the area modules then build the model in
dependency order. Lines without a place in the model are kept as
"not modelled"; lines that belong to the model but cannot be read are
kept with their reason. Nothing raises for bad content.
"""

from __future__ import annotations

import re

from asalint.model import Device, Era, Platform, Setting
from asalint.parse import asa_crypto as crypto
from asalint.parse.asa_cryptomap import (
    build_entries,
    read_crypto_map,
    read_dynamic_map,
)
from asalint.parse.asa_interfaces import (
    build_interfaces,
    build_routes,
    read_access_group,
    read_name,
)
from asalint.parse.asa_nat import build_nat
from asalint.parse.asa_objects import build_acls, build_objects
from asalint.parse.asa_state import AsaState
from asalint.parse.asa_tunnels import (
    read_group_policy,
    read_sysopt,
    read_tunnel_group,
)
from asalint.parse.common import Collector
from asalint.parse.detect import Detection
from asalint.parse.tree import Node
from asalint.source import SourceText

_VERSION = re.compile(r"(\d+)\.(\d+)(?:\((\d+)\))?")

# Lines that carry no configuration.
_SKIPPED = frozenset({"names", "end", "Cryptochecksum", "ASA", "PIX", "FWSM"})


def parse_asa(
    source: SourceText, tree: list[Node], detection: Detection
) -> Device:
    """The device an ASA or PIX 7+ running-config describes."""
    platform = Platform.PIX if detection.platform == "pix" else Platform.ASA
    state = AsaState(
        collector=Collector(source.path),
        platform=platform,
        era=Era.ASA84,
        version=detection.version,
    )
    for note in (*source.notes, detection.note):
        if note:
            state.collector.note(note)

    for node in tree:
        _note_acl_uses(state, node)
        _dispatch(state, node)
    state.era = _era(state)
    return _build(state)


# --- the walk --------------------------------------------------------------


def _dispatch(state: AsaState, node: Node) -> None:
    words = node.words
    keyword = words[0]
    if keyword in _SKIPPED or keyword.startswith("Cryptochecksum"):
        return

    handler = _TOP_LEVEL.get(keyword)
    if handler is None:
        _not_modelled_tree(state, node)
    else:
        handler(state, node)


def _not_modelled_tree(state: AsaState, node: Node) -> None:
    """Report a block line by line; certificate data only by its head."""
    words = node.words
    if "certificate" in words[:3] and words[1] in ("ca", "pki"):
        state.collector.not_modelled(node, "certificate data not modelled")
        return

    state.collector.not_modelled(node)
    for child in node.walk():
        state.collector.not_modelled(child)


def _hostname(state: AsaState, node: Node) -> None:
    if len(node.words) > 1:
        state.hostname = node.words[1]


def _domain_name(state: AsaState, node: Node) -> None:
    if len(node.words) > 1:
        state.domain_name = node.words[1]


def _collect(attribute: str):
    def handler(state: AsaState, node: Node) -> None:
        getattr(state, attribute).append(node)

    return handler


def _nat_line(state: AsaState, node: Node) -> None:
    words = node.words
    if words[0] == "nat" and "source" in words:
        state.syntax_marks.add("twice-nat")
    elif words[0] != "nat" or (len(words) > 2 and words[2].isdigit()):
        state.syntax_marks.add("pre83-nat")
    state.nat_nodes.append(node)


def _object(state: AsaState, node: Node) -> None:
    words = node.words
    if words[1:2] == ["network"]:
        if any(child.words[0] == "nat" for child in node.children):
            state.syntax_marks.add("object-nat")
        state.object_nodes.append(node)
        return
    if len(words) > 2 and words[0] == "object-group" and words[1] in (
        "service", "protocol", "icmp-type"
    ):
        # Needed to tell a port match from a destination group in ACLs.
        state.service_groups.add(words[2])
    _not_modelled_tree(state, node)


def _object_group(state: AsaState, node: Node) -> None:
    if node.words[1:2] == ["network"]:
        state.group_nodes.append(node)
    else:
        _object(state, node)


def _nat_control(state: AsaState, node: Node) -> None:
    state.nat_control = True


def _isakmp(state: AsaState, node: Node) -> None:
    # PIX 7 prints `isakmp policy 10 ...` without the `crypto` keyword.
    _crypto_isakmp(state, node, node.words)


def _crypto(state: AsaState, node: Node) -> None:
    words = node.words
    kind = words[1] if len(words) > 1 else ""
    if kind == "map":
        read_crypto_map(state, node)
    elif kind == "dynamic-map":
        read_dynamic_map(state, node)
    elif kind in ("ikev1", "isakmp"):
        state.syntax_marks.add(kind)
        _crypto_isakmp(state, node, words[1:])
    elif kind == "ikev2":
        _crypto_ikev2(state, node, words[1:])
    elif kind == "ipsec":
        _crypto_ipsec(state, node, words[2:])
    else:
        _not_modelled_tree(state, node)


def _crypto_isakmp(state: AsaState, node: Node, words: list[str]) -> None:
    """words: ["isakmp"|"ikev1", command, ...]."""
    command = words[1] if len(words) > 1 else ""
    if command == "policy":
        crypto.read_ikev1_policy(state, node, words[1:])
    elif command == "enable":
        crypto.read_enable(state, node, words[1:], "ikev1")
    elif command == "identity":
        crypto.read_identity(state, node, words[1:])
    elif command == "nat-traversal":
        crypto.read_nat_traversal(state, node, True)
    elif command == "am-disable":
        crypto.read_am_disable(state, node, True)
    else:
        _not_modelled_tree(state, node)


def _crypto_ikev2(state: AsaState, node: Node, words: list[str]) -> None:
    command = words[1] if len(words) > 1 else ""
    if command == "policy":
        crypto.read_ikev2_policy(state, node, words[1:])
    elif command == "enable":
        crypto.read_enable(state, node, words[1:], "ikev2")
    else:
        _not_modelled_tree(state, node)


def _crypto_ipsec(state: AsaState, node: Node, words: list[str]) -> None:
    """words start after `crypto ipsec`."""
    if words[:2] == ["ikev1", "transform-set"]:
        state.syntax_marks.add("ikev1")
        crypto.read_transform_set(state, node, words[1:])
    elif words[:1] == ["transform-set"]:
        crypto.read_transform_set(state, node, words)
    elif words[:2] == ["ikev2", "ipsec-proposal"]:
        crypto.read_ipsec_proposal(state, node, words[1:])
    elif words[:2] == ["security-association", "lifetime"]:
        crypto.read_sa_lifetime(state, node, words)
    else:
        _not_modelled_tree(state, node)


def _sysopt(state: AsaState, node: Node) -> None:
    read_sysopt(state, node, negated=False)


def _negated(state: AsaState, node: Node) -> None:
    """`no ...` lines that turn off something on by default."""
    words = node.words[1:]
    if words[:1] == ["isakmp"]:
        words = ["crypto", *words]
    if words[:1] == ["sysopt"]:
        read_sysopt(state, node, negated=True)
    elif words == ["nat-control"]:
        state.nat_control = False
    elif words[:3] in (["crypto", "isakmp", "nat-traversal"],
                       ["crypto", "ikev1", "nat-traversal"]):
        crypto.read_nat_traversal(state, node, False)
    elif words[1:3] in (["isakmp", "am-disable"], ["ikev1", "am-disable"]):
        crypto.read_am_disable(state, node, False)
    elif len(words) == 4 and words[0] == "crypto" and words[2] == "enable":
        _disable_ike(state, words[1], words[3])
    else:
        _not_modelled_tree(state, node)


def _disable_ike(state: AsaState, version: str, interface: str) -> None:
    target = state.ikev2_interfaces if version == "ikev2" else (
        state.ikev1_interfaces
    )
    target.pop(interface, None)


def _remark_free(state: AsaState, node: Node) -> None:
    state.acl_nodes.append(node)


_TOP_LEVEL = {
    "hostname": _hostname,
    "domain-name": _domain_name,
    "name": read_name,
    "interface": _collect("interface_nodes"),
    "object": _object,
    "object-group": _object_group,
    "access-list": _remark_free,
    "access-group": read_access_group,
    "route": _collect("route_nodes"),
    "nat": _nat_line,
    "static": _nat_line,
    "global": _nat_line,
    "nat-control": _nat_control,
    "crypto": _crypto,
    "isakmp": _isakmp,
    "tunnel-group": read_tunnel_group,
    "group-policy": read_group_policy,
    "sysopt": _sysopt,
    "no": _negated,
}


# --- where ACLs are used outside crypto maps -------------------------------


def _note_acl_uses(state: AsaState, node: Node) -> None:
    for item in (node, *node.walk()):
        name = _acl_named(item.words)
        if name and name not in state.acl_uses:
            state.acl_uses[name] = state.origin(item)


def _acl_named(words: list[str]) -> str | None:
    if words[0] == "access-group" and len(words) > 1:
        return words[1]
    if words[0] in ("vpn-filter", "split-tunnel-network-list"):
        return words[2] if words[1:2] == ["value"] and len(words) > 2 else None
    if words[:3] == ["match", "ip", "address"] and len(words) > 3:
        return words[3]
    if "access-list" in words[1:] and words[0] != "access-list":
        index = words.index("access-list", 1)
        return words[index + 1] if index + 1 < len(words) else None
    return None


# --- era and defaults ------------------------------------------------------


def _era(state: AsaState) -> Era:
    if state.version is not None:
        era = _era_of_version(state.platform, state.version)
        if era is not None:
            return era
    return _era_of_syntax(state)


def _era_of_version(platform: Platform, version: str) -> Era | None:
    numbers = _version_numbers(version)
    if numbers is None:
        return None
    if platform == Platform.PIX or numbers[:2] < (8, 3):
        return Era.ASA_PRE83
    return Era.ASA83 if numbers[:2] == (8, 3) else Era.ASA84


def _version_numbers(version: str) -> tuple[int, int, int] | None:
    match = _VERSION.match(version)
    if match is None:
        return None
    major, minor, maintenance = match.groups()
    return int(major), int(minor), int(maintenance or 0)


def _era_of_syntax(state: AsaState) -> Era:
    marks = state.syntax_marks
    if "ikev1" in marks:
        era, why = Era.ASA84, "`crypto ikev1` commands"
    elif marks & {"object-nat", "twice-nat"}:
        era, why = Era.ASA83, "8.3 object or twice NAT"
    elif marks & {"isakmp", "pre83-nat"}:
        era, why = Era.ASA_PRE83, "`crypto isakmp` or pre-8.3 NAT"
    else:
        era, why = Era.ASA84, "no era-specific syntax; assumed current"
    state.collector.note(f"software era {era.value} inferred from {why}")
    return era


def _nat_t_default(state: AsaState) -> Setting:
    """NAT-T is on by default from 7.2(1), off in 7.0 and 7.1."""
    numbers = _version_numbers(state.version) if state.version else None
    enabled = numbers is None or numbers >= (7, 2, 1)
    state.collector.default(
        "nat-traversal", "on" if enabled else "off", uncertain=True
    )
    return Setting(value=enabled)


def _defaults(state: AsaState) -> dict[str, Setting]:
    identity = state.isakmp_identity
    if identity is None:
        state.collector.default("isakmp-identity", "auto")
        identity = Setting(value="auto")
    permit_vpn = state.permit_vpn
    if permit_vpn is None:
        state.collector.default("sysopt-connection-permit-vpn", "on")
        permit_vpn = Setting(value=True)
    aggressive = state.aggressive_mode_disabled
    if aggressive is None:
        state.collector.default("aggressive-mode", "allowed")
        aggressive = Setting(value=False)
    return {
        "isakmp_identity": identity,
        "nat_traversal": state.nat_traversal or _nat_t_default(state),
        "aggressive_mode_disabled": aggressive,
        "permit_vpn": permit_vpn,
    }


# --- building the model ----------------------------------------------------


def _build(state: AsaState) -> Device:
    interfaces = build_interfaces(state)
    state.objects = build_objects(state)
    acls = build_acls(state)
    nat_rules = build_nat(state)
    static_entries, dynamic_entries = build_entries(state)
    device = Device(
        path=state.path,
        hostname=state.hostname,
        domain_name=state.domain_name,
        platform=state.platform,
        version=state.version,
        era=state.era,
        interfaces=interfaces,
        names=dict(state.names),
        objects=state.objects,
        acls={name: tuple(entries) for name, entries in acls.items()},
        nat_rules=tuple(nat_rules),
        nat_control=state.nat_control,
        routes=build_routes(state),
        ikev1_policies=crypto.build_ikev1_policies(state),
        ikev2_policies=crypto.build_ikev2_policies(state),
        ikev1_interfaces=dict(state.ikev1_interfaces),
        ikev2_interfaces=dict(state.ikev2_interfaces),
        transform_sets=dict(state.transform_sets),
        ipsec_proposals=dict(state.ipsec_proposals),
        crypto_maps=static_entries,
        dynamic_maps=dynamic_entries,
        bindings=tuple(state.bindings.values()),
        tunnel_groups=dict(state.tunnel_groups),
        group_policies=dict(state.group_policies),
        acl_uses=dict(state.acl_uses),
        **_defaults(state),
    )
    return _with_collected(device, state)


def _with_collected(device: Device, state: AsaState) -> Device:
    collector = state.collector
    return device.model_copy(
        update={
            "defaults": tuple(collector.defaults.values()),
            "unparsed": tuple(
                sorted(collector.unparsed, key=lambda item: item.origin.line)
            ),
            "notes": tuple(collector.notes),
        }
    )
