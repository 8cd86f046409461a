"""PIX 6.x configs (`PIX Version 6.3(5)`) -> `Device` (platform pix).

PIX 6 writes everything on one line: interfaces are assembled from
`interface ethernet0 auto`, `nameif ethernet0 outside security0` and
`ip address outside A M`; IKE from `isakmp policy 10 hash sha` lines;
crypto map entries from `crypto map M 10 set peer A` lines. Names come
first (ACLs use them), object-groups next, then the rest; NAT is built
last from the ACLs it names.

PIX 6 drops traffic that no translation matches (nat-control), does not
permit decrypted traffic past the interface ACLs unless `sysopt
connection permit-ipsec` is set, and has NAT-T off unless `isakmp
nat-traversal` is set.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from asalint.model import (
    CryptoMapBinding,
    Device,
    Era,
    Interface,
    NatKind,
    NatRule,
    Platform,
    Route,
    Setting,
)
from asalint.parse import ios_acl, ios_crypto
from asalint.parse.common import Collector, network_from_mask, parse_ip
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

_VERSION = re.compile(r"^:?\s*PIX Version\s+(\S+)", re.IGNORECASE)
_NOT_COMMANDS = re.compile(
    r"^(?::|Cryptochecksum|Building configuration|PIX Version|names$)",
    re.IGNORECASE,
)

# NatRule sections before 8.3 (and on PIX 6): `nat 0 access-list` first,
# then `static`, then `nat` / `global`.
_EXEMPT, _STATIC, _DYNAMIC = 1, 2, 3


def parse_pix6(source: SourceText, tree: list[Node]) -> Device:
    """Read a PIX 6.x configuration into the model."""
    state = LegacyState(Collector(source.path), Platform.PIX, Era.PIX6)
    state.nat_control = True  # PIX 6 drops what no translation matches
    for note in source.notes:
        state.collector.note(note)
    state.version = _version(source)

    interfaces = _Interfaces()
    for node in tree:
        if node.words[:1] == ["name"]:
            _name(state, node)
    for node in tree:
        if node.words[:1] == ["object-group"]:
            ios_acl.read_object_group(state, node)
    ios_acl.resolve_groups(state)

    nat_lines = _walk(state, tree, interfaces)
    interfaces.build(state)
    _nat(state, nat_lines)
    _finish(state)
    log.debug("%s: %d lines not modelled", source.path,
              state.collector.not_modelled_count())
    return freeze(state)


def _version(source: SourceText) -> str | None:
    for line in source.lines:
        if match := _VERSION.match(line):
            return match.group(1)
    return None


def _walk(
    state: LegacyState, tree: list[Node], interfaces: _Interfaces
) -> list[Node]:
    """Sort every line to its reader; NAT lines are returned for later."""
    nat_lines = []
    for node in tree:
        words = [word.lower() for word in node.words]
        if _NOT_COMMANDS.match(node.text) or words[0] in (
            "name", "object-group"
        ):
            continue
        if words[0] in ("nat", "static", "global"):
            nat_lines.append(node)
        elif words[0] in ("interface", "nameif", "ip", "failover"):
            interfaces.read(state, node)
        else:
            _READERS.get(words[0], _not_modelled)(state, node)
    return nat_lines


def _not_modelled(state: LegacyState, node: Node) -> None:
    state.collector.not_modelled(node)


# --- names and identity ----------------------------------------------------


def _name(state: LegacyState, node: Node) -> None:
    """`name A N`: N stands for A in later commands."""
    words = node.words
    address = parse_ip(words[1]) if len(words) > 2 else None
    if address is None:
        state.collector.unreadable(node, "name not read")
        return
    state.names[words[2]] = address


def _hostname(state: LegacyState, node: Node) -> None:
    if len(node.words) > 1:
        state.hostname = node.words[1]


def _domain_name(state: LegacyState, node: Node) -> None:
    if len(node.words) > 1:
        state.domain_name = node.words[1]


# --- interfaces ------------------------------------------------------------


class _Interfaces:
    """Interface facts spread over several one-line commands."""

    def __init__(self) -> None:
        self.fields: dict[str, dict[str, object]] = {}
        self.nameifs: dict[str, str] = {}  # nameif -> hardware

    def read(self, state: LegacyState, node: Node) -> None:
        words = [word.lower() for word in node.words]
        if words[0] == "interface" and len(words) > 1:
            self._physical(state, node)
        elif words[0] == "nameif" and len(words) > 2:
            self._nameif(state, node)
        elif words[:2] == ["ip", "address"] and len(words) > 2:
            self._address(state, node, standby=False)
        elif words[:3] == ["failover", "ip", "address"] and len(words) > 3:
            self._address(state, node, standby=True)
        else:
            state.collector.not_modelled(node)

    def _fields(self, state: LegacyState, hardware: str, node: Node):
        if hardware not in self.fields:
            self.fields[hardware] = {
                "hardware": hardware, "origin": state.origin(node)
            }
        return self.fields[hardware]

    def _physical(self, state: LegacyState, node: Node) -> None:
        # `interface ethernet0 auto [shutdown]`: speed, and whether up.
        fields = self._fields(state, node.words[1], node)
        fields["origin"] = state.origin(node)
        fields["shutdown"] = node.words[-1].lower() == "shutdown"

    def _nameif(self, state: LegacyState, node: Node) -> None:
        words = node.words
        fields = self._fields(state, words[1], node)
        fields["nameif"] = words[2]
        level = words[3].lower() if len(words) > 3 else ""
        if level.startswith("security") and level[8:].isdigit():
            fields["security_level"] = int(level[8:])
        self.nameifs[words[2]] = words[1]

    def _address(self, state: LegacyState, node: Node, standby: bool):
        words = node.words[1:] if standby else node.words
        hardware = self.nameifs.get(words[2])
        value = words[3] if len(words) > 3 else ""
        if hardware is None or parse_ip(value) is None:
            state.collector.unreadable(node, "interface address not read")
            return

        fields = self.fields[hardware]
        if standby:
            fields["standby"] = IPv4Address(value)
            return
        mask = words[4] if len(words) > 4 else "255.255.255.255"
        if network_from_mask(value, mask) is None:
            state.collector.unreadable(node, "interface mask not read")
            return
        fields["address"] = IPv4Interface(f"{value}/{mask}")
        fields["address_origin"] = state.origin(node)

    def build(self, state: LegacyState) -> None:
        for hardware, fields in self.fields.items():
            state.interfaces[hardware] = Interface(**fields)


def _access_group(state: LegacyState, node: Node) -> None:
    """`access-group ACL in interface IF`."""
    words = node.words
    if len(words) < 5 or words[2].lower() != "in":
        state.collector.not_modelled(node)
        return
    state.access_groups[words[4]] = words[1]


# --- ACLs and routes -------------------------------------------------------


def _access_list(state: LegacyState, node: Node) -> None:
    """`access-list N [line L] permit|deny ...`, with subnet masks."""
    words = node.words
    if len(words) < 3 or words[1].lower() == "compiled":
        state.collector.not_modelled(node)
        return
    rest = words[2:]
    if rest[0].lower() == "line" and len(rest) > 2:
        rest = rest[2:]
    if rest[0].lower() == "extended":
        rest = rest[1:]
    ios_acl.read_entry(state, words[1], rest, node, wildcard=False)


def _route(state: LegacyState, node: Node) -> None:
    """`route IF NET MASK GW [metric]`."""
    words = node.words
    network = network_from_mask(*words[2:4]) if len(words) > 4 else None
    gateway = parse_ip(words[4]) if len(words) > 4 else None
    if network is None or gateway is None:
        state.collector.unreadable(node, "route not read")
        return
    metric = to_int(words[5]) if len(words) > 5 else None
    state.routes.append(
        Route(
            interface=words[1],
            network=network,
            gateway=gateway,
            distance=metric or 1,
            origin=state.origin(node),
        )
    )


# --- NAT -------------------------------------------------------------------


def _nat(state: LegacyState, nodes: list[Node]) -> None:
    """`nat`, `static` and `global` lines as `NatRule`s.

    Order (pre-8.3 and PIX 6): `nat 0 access-list` (exemption), then
    `static`, then `nat N` with the `global` of the same id.
    """
    globals_ = _globals(nodes)
    rules: list[NatRule] = []
    for node in nodes:
        keyword = node.words[0].lower()
        if keyword == "nat":
            rules += _nat_line(state, node, globals_)
        elif keyword == "static":
            rules += _static(state, node)
    rules.sort(key=lambda rule: rule.section)
    state.nat_rules = [
        rule.model_copy(update={"position": index + 1})
        for index, rule in enumerate(rules)
    ]


def _globals(nodes: list[Node]) -> dict[str, list[str]]:
    """`global (IF) N ...`: the interfaces each NAT id translates to."""
    found: dict[str, list[str]] = {}
    for node in nodes:
        words = node.words
        if words[0].lower() == "global" and len(words) > 2:
            interface = words[1].strip("()")
            found.setdefault(words[2], []).append(interface)
    return found


def _nat_line(
    state: LegacyState, node: Node, globals_: dict[str, list[str]]
) -> list[NatRule]:
    """`nat (IF) 0 access-list X`, `nat (IF) 0 A M`, `nat (IF) N ...`."""
    words = node.words
    if len(words) < 4 or not words[1].startswith("("):
        state.collector.unreadable(node, "nat line not read")
        return []

    real, nat_id = words[1].strip("()"), words[2]
    if words[3].lower() == "access-list" and len(words) > 4:
        return _nat_acl(state, node, real, nat_id, words[4], globals_)
    network = _network(state, words[3:5])
    if network is None:
        state.collector.unreadable(node, "nat addresses not read")
        return []
    if nat_id == "0":
        return [_rule(state, node, _DYNAMIC, NatKind.IDENTITY, real, None,
                      (network,), ())]
    return [
        _rule(state, node, _DYNAMIC, NatKind.TRANSLATE, real, mapped,
              (network,), ())
        for mapped in globals_.get(nat_id) or [None]
    ]


def _nat_acl(
    state: LegacyState,
    node: Node,
    real: str,
    nat_id: str,
    acl: str,
    globals_: dict[str, list[str]],
) -> list[NatRule]:
    """`nat 0 access-list`: each permit entry exempts its flows; `nat N
    access-list` (policy NAT) translates them."""
    entries = state.acls.get(acl)
    if entries is None:
        state.collector.unreadable(node, f"NAT ACL {acl} is not defined")
        return []

    rules = []
    for entry in (e for e in entries if e.action == "permit"):
        if nat_id == "0":
            rule = _rule(state, node, _EXEMPT, NatKind.IDENTITY, real, None,
                         entry.source, entry.destination)
            rules.append(rule.model_copy(update={"origin": entry.origin}))
            continue
        for mapped in globals_.get(nat_id) or [None]:
            rules.append(
                _rule(state, node, _DYNAMIC, NatKind.TRANSLATE, real, mapped,
                      entry.source, entry.destination)
            )
    return rules


def _static(state: LegacyState, node: Node) -> list[NatRule]:
    """`static (real,mapped) [tcp|udp] G [p] L [p] [netmask M]` and
    `static (real,mapped) G access-list X`."""
    words = node.words
    interfaces = words[1].strip("()").split(",") if len(words) > 1 else []
    if len(interfaces) != 2 or len(words) < 4:
        state.collector.unreadable(node, "static not read")
        return []

    real, mapped = interfaces
    rest = words[2:]
    if rest[0].lower() in ("tcp", "udp"):
        rest = [rest[1], rest[3], *rest[5:]] if len(rest) > 4 else []
    if len(rest) > 2 and rest[1].lower() == "access-list":
        return _static_acl(state, node, real, mapped, rest)
    return _static_addresses(state, node, real, mapped, rest)


def _static_addresses(
    state: LegacyState, node: Node, real: str, mapped: str, rest: list[str]
) -> list[NatRule]:
    mask = "255.255.255.255"
    if "netmask" in [word.lower() for word in rest]:
        index = [word.lower() for word in rest].index("netmask")
        mask = rest[index + 1] if index + 1 < len(rest) else ""
    local = _network(state, [rest[1], mask]) if len(rest) > 1 else None
    if local is None:
        state.collector.unreadable(node, "static addresses not read")
        return []

    global_ = state.address(rest[0])
    identity = global_ == local.network_address
    kind = NatKind.IDENTITY if identity else NatKind.TRANSLATE
    return [_rule(state, node, _STATIC, kind, real, mapped, (local,), ())]


def _static_acl(
    state: LegacyState, node: Node, real: str, mapped: str, rest: list[str]
) -> list[NatRule]:
    entries = state.acls.get(rest[2])
    if entries is None:
        state.collector.unreadable(node, f"NAT ACL {rest[2]} is not defined")
        return []
    identity = rest[0].lower() != "interface" and any(
        state.address(rest[0]) in network
        for entry in entries
        for network in entry.source
    )
    kind = NatKind.IDENTITY if identity else NatKind.TRANSLATE
    return [
        _rule(state, node, _STATIC, kind, real, mapped, entry.source,
              entry.destination)
        for entry in entries
        if entry.action == "permit"
    ]


def _network(state: LegacyState, words: list[str]) -> IPv4Network | None:
    if len(words) < 2:
        return None
    address = state.address(words[0])
    return network_from_mask(str(address), words[1]) if address else None


def _rule(
    state: LegacyState,
    node: Node,
    section: int,
    kind: NatKind,
    real: str,
    mapped: str | None,
    source: tuple[IPv4Network, ...],
    destination: tuple[IPv4Network, ...],
) -> NatRule:
    any_network = IPv4Network("0.0.0.0/0")
    return NatRule(
        section=section,
        position=0,
        kind=kind,
        real_interface=real,
        mapped_interface=mapped,
        source=source,
        destination=() if destination == (any_network,) else destination,
        origin=state.origin(node),
    )


# --- IKE -------------------------------------------------------------------


def _isakmp(state: LegacyState, node: Node) -> None:
    words = [word.lower() for word in node.words]
    origin = state.origin(node)
    if words[1:2] == ["enable"] and len(words) > 2:
        state.ikev1_interfaces[node.words[2]] = origin
    elif words[1:2] == ["policy"] and len(words) > 3:
        _policy(state, node)
    elif words[1:2] == ["key"]:
        ios_crypto.read_isakmp_key_words(state, node, 2)
    elif words[1:2] == ["identity"] and len(words) > 2:
        # `key-id NAME` keeps its name, as the peer looks it up.
        kept = 4 if words[2] == "key-id" else 3
        state.settings["isakmp_identity"] = Setting(
            value=" ".join([words[2], *node.words[3:kept]]), origin=origin
        )
    elif words[1:2] == ["nat-traversal"]:
        state.settings["nat_traversal"] = Setting(value=True, origin=origin)
    elif words[1:2] == ["am-disable"]:
        state.settings["aggressive_mode_disabled"] = Setting(
            value=True, origin=origin
        )
    else:
        state.collector.not_modelled(node)


def _policy(state: LegacyState, node: Node) -> None:
    """`isakmp policy N encryption|hash|authentication|group|lifetime V`."""
    priority = to_int(node.words[2])
    if priority is None:
        state.collector.unreadable(node, "ISAKMP policy priority not read")
        return
    draft = state.policy(priority, node)
    words = node.words[3:]
    if not ios_crypto.apply_policy_words(state, draft.settings, words, node):
        state.collector.not_modelled(node)


def _crypto(state: LegacyState, node: Node) -> None:
    words = [word.lower() for word in node.words]
    if words[1:3] == ["ipsec", "transform-set"]:
        _transform_set(state, node)
    elif words[1:3] == ["ipsec", "security-association"]:
        ios_crypto.read_ipsec_global(state, node)
    elif words[1:2] == ["map"] and len(words) > 3:
        _crypto_map(state, node)
    elif words[1:2] == ["dynamic-map"] and len(words) > 4:
        _dynamic_map(state, node)
    else:
        state.collector.not_modelled(node)


def _transform_set(state: LegacyState, node: Node) -> None:
    # `crypto ipsec transform-set N mode transport` changes a set's mode.
    words = node.words
    existing = state.transform_sets.get(words[3]) if len(words) > 3 else None
    if len(words) > 5 and words[4].lower() == "mode" and existing:
        mode = Setting(value=words[5].lower(), origin=state.origin(node))
        state.transform_sets[words[3]] = existing.model_copy(
            update={"mode": mode}
        )
        return
    ios_crypto.read_transform_set(state, node)


def _crypto_map(state: LegacyState, node: Node) -> None:
    """`crypto map M N ...` attribute lines, `crypto map M interface IF`,
    `crypto map M client authentication L` (Xauth)."""
    words = node.words
    lowered = [word.lower() for word in words]
    if lowered[3] == "interface" and len(words) > 4:
        state.bindings.append(
            CryptoMapBinding(map=words[2], interface=words[4],
                             origin=state.origin(node))
        )
        return
    if lowered[3:5] == ["client", "authentication"]:
        state.xauth = True
        return
    if not words[3].isdigit() and lowered[4:5] in (
        ["set"], ["match"], ["ipsec-isakmp"]
    ):
        state.collector.unreadable(node, "crypto map sequence not read")
        return
    if not words[3].isdigit() or len(words) < 5:
        state.collector.not_modelled(node)
        return
    _entry_line(state, node, words[2], int(words[3]), False)


def _dynamic_map(state: LegacyState, node: Node) -> None:
    words = node.words
    if not words[3].isdigit():
        state.collector.unreadable(node, "dynamic-map sequence not read")
        return
    _entry_line(state, node, words[2], int(words[3]), True)


def _entry_line(
    state: LegacyState, node: Node, name: str, sequence: int, dynamic: bool
) -> None:
    words = node.words[4:]
    draft = state.entry(name, sequence, dynamic, node)
    kind = words[0].lower()
    if kind == "ipsec-isakmp":
        if len(words) > 2 and words[1].lower() == "dynamic":
            draft.set("dynamic", state.origin(node), dynamic_map=words[2])
        return
    if kind == "ipsec-manual":
        state.collector.not_modelled(node, "ipsec-manual crypto map entry")
        return
    if not ios_crypto.apply_map_words(state, draft, words, node):
        state.collector.not_modelled(node)


def _sysopt(state: LegacyState, node: Node) -> None:
    words = [word.lower() for word in node.words]
    if words[1:] == ["connection", "permit-ipsec"]:
        state.settings["permit_vpn"] = Setting(
            value=True, origin=state.origin(node)
        )
        return
    state.collector.not_modelled(node)


_READERS: dict[str, Reader] = {
    "hostname": _hostname,
    "domain-name": _domain_name,
    "access-list": _access_list,
    "access-group": _access_group,
    "route": _route,
    "isakmp": _isakmp,
    "crypto": _crypto,
    "sysopt": _sysopt,
}


# --- what PIX 6 applies when lines are absent ------------------------------


def _finish(state: LegacyState) -> None:
    _apply_access_groups(state)
    _absent_settings(state)
    _default_policy(state)
    fill_lifetimes(state, seconds=28800)


def _apply_access_groups(state: LegacyState) -> None:
    by_nameif = {i.nameif: h for h, i in state.interfaces.items()}
    for nameif, acl in state.access_groups.items():
        hardware = by_nameif.get(nameif)
        if hardware is not None:
            state.interfaces[hardware] = state.interfaces[
                hardware
            ].model_copy(update={"access_group_in": acl})


def _absent_settings(state: LegacyState) -> None:
    """PIX 6 defaults for the lines a config leaves out.

    - `sysopt connection permit-ipsec`: off, so decrypted traffic meets
      the interface ACLs.
    - `isakmp nat-traversal`: off (added in 6.3, disabled by default).
    - `isakmp identity`: one Cisco note gives hostname as the default,
      while configs nearly always set address: uncertain.
    """
    absent = {
        "permit_vpn": (False, "sysopt-permit-ipsec", "off", False),
        "nat_traversal": (False, "nat-traversal", "off", False),
        "isakmp_identity": ("hostname", "isakmp-identity", "hostname", True),
    }
    for field_name, (value, setting, text, uncertain) in absent.items():
        if field_name not in state.settings:
            state.settings[field_name] = Setting(value=value)
            state.collector.default(setting, text, uncertain)


def _default_policy(state: LegacyState) -> None:
    """PIX 6 keeps a built-in lowest-priority policy (65535: DES, SHA,
    RSA signatures, group 1, 86,400 s) that never matches a pre-share
    peer. Its suite is a table of the simulation; the parser records
    that it applies."""
    state.collector.default("ikev1-default-policy", "65535", uncertain=True)
