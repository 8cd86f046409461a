"""Crypto map entries, dynamic maps and interface bindings.

The ASA prints one line per attribute (`crypto map M 10 set peer A`);
the lines of one map and sequence number are grouped into one entry
whose origin is its first line. Router-style blocks (`crypto map M 10
ipsec-isakmp` with indented `set` lines) are read the same way. When two
lines set the same attribute, the later one wins, as on the device.
"""

from __future__ import annotations

from ipaddress import IPv4Address

from asalint.model import CryptoMapBinding, CryptoMapEntry, Setting
from asalint.parse.asa_interfaces import resolve_address
from asalint.parse.asa_state import AsaState, EntryDraft
from asalint.parse.tree import Node

# The ASA applies these to an entry without its own line: Cisco ASA VPN
# CLI guide, "crypto ipsec security-association lifetime" (28800 s,
# 4608000 KB). A bare `set pfs` means group2 there ("set pfs" without a
# group keyword: "group2 ... is the default").
SA_LIFETIME_SECONDS = 28800
SA_LIFETIME_KILOBYTES = 4608000
BARE_PFS_GROUP = "group2"


def read_crypto_map(state: AsaState, node: Node) -> None:
    """`crypto map M N ...`, `crypto map M interface IF`."""
    words = node.words
    if len(words) < 4:
        state.collector.unreadable(node, "crypto map line without command")
        return

    if words[3] == "interface" and len(words) > 4:
        state.bindings[words[4]] = CryptoMapBinding(
            map=words[2], interface=words[4], origin=state.origin(node)
        )
    elif words[3].isdigit():
        _entry_line(state, node, words[2], int(words[3]), False)
    else:
        state.collector.not_modelled(node)


def read_dynamic_map(state: AsaState, node: Node) -> None:
    """`crypto dynamic-map D N ...`: entries a peer may match by ACL."""
    words = node.words
    if len(words) < 4 or not words[3].isdigit():
        state.collector.unreadable(node, "dynamic-map without a sequence")
        return
    _entry_line(state, node, words[2], int(words[3]), True)


def _entry_line(state, node: Node, name: str, seq: int, dynamic: bool):
    key = (name, seq, dynamic)
    draft = state.map_entries.get(key)
    if draft is None:
        draft = EntryDraft(name, seq, dynamic, state.origin(node))
        state.map_entries[key] = draft

    if len(node.words) > 4:
        _attribute(state, draft, node, node.words[4:])
    for child in node.children:
        _attribute(state, draft, child, child.words)


def _attribute(state, draft: EntryDraft, node: Node, words) -> None:
    if words[0] == "set" and len(words) > 1:
        _set_attribute(state, draft, node, words[1:])
    elif words[:2] == ["match", "address"] and len(words) > 2:
        _assign(state, draft, node, "match", acl=words[2])
    elif words[0] == "ipsec-isakmp":
        _ipsec_isakmp(state, draft, node, words)
    elif words[0] == "reverse-route":
        _assign(state, draft, node, "reverse-route", reverse_route=True)
    elif words[0] != "description":
        state.collector.not_modelled(node)


def _assign(state, draft: EntryDraft, node: Node, attribute: str, **values):
    draft.values.update(values)
    draft.origins[attribute] = state.origin(node)


def _ipsec_isakmp(state, draft: EntryDraft, node: Node, words) -> None:
    # `ipsec-isakmp dynamic D`: this entry answers for the dynamic map D.
    if len(words) >= 3 and words[1] == "dynamic":
        _assign(state, draft, node, "dynamic", dynamic_map=words[2])
    elif len(words) > 1:
        state.collector.not_modelled(node)


def _set_attribute(state, draft: EntryDraft, node: Node, words) -> None:
    if words[0] in ("ikev1", "ikev2") and len(words) > 1:
        words = _versioned(words)
    handler = _SET_HANDLERS.get(words[0])
    if handler is None:
        state.collector.not_modelled(node)
        return
    handler(state, draft, node, words[1:])


def _versioned(words: list[str]) -> list[str]:
    # `set ikev1 transform-set`, `set ikev2 ipsec-proposal`,
    # `set ikev1 phase1-mode`: the version keyword adds nothing here.
    if words[0] == "ikev2" and words[1] == "ipsec-proposal":
        return ["ipsec-proposal", *words[2:]]
    if words[1] in ("transform-set", "phase1-mode"):
        return words[1:]
    return words


def _peer(state, draft, node: Node, args: list[str]) -> None:
    if not args:
        state.collector.unreadable(node, "set peer without an address")
        return

    peers: list[IPv4Address] = []
    hostnames: list[str] = []
    for word in args:
        address = resolve_address(state, word)
        if address is None:
            hostnames.append(word)
        else:
            peers.append(address)
    _assign(state, draft, node, "peer", peers=tuple(peers),
            peer_hostnames=tuple(hostnames))


def _transform_sets(state, draft, node: Node, args: list[str]) -> None:
    if not args:
        state.collector.unreadable(node, "transform-set without a name")
        return
    _assign(state, draft, node, "transform-set", transform_sets=tuple(args))


def _proposals(state, draft, node: Node, args: list[str]) -> None:
    if not args:
        state.collector.unreadable(node, "ipsec-proposal without a name")
        return
    _assign(state, draft, node, "proposal", ikev2_proposals=tuple(args))


def _pfs(state, draft, node: Node, args: list[str]) -> None:
    where = state.origin(node)
    if args:
        _assign(state, draft, node, "pfs",
                pfs=Setting(value=args[0], origin=where), pfs_bare=False)
        return

    # A bare `set pfs` leaves the group to the device (group2 on the ASA
    # as documented; recent 9.x releases may differ, hence uncertain).
    state.collector.default("pfs-group", BARE_PFS_GROUP, uncertain=True)
    _assign(state, draft, node, "pfs",
            pfs=Setting(value=BARE_PFS_GROUP, origin=where), pfs_bare=True)


def _lifetime(state, draft, node: Node, args: list[str]) -> None:
    # `security-association lifetime seconds N [kilobytes M]`
    if args[:1] != ["lifetime"] or len(args) < 3:
        state.collector.not_modelled(node)
        return

    where = state.origin(node)
    for unit, value in zip(args[1::2], args[2::2], strict=False):
        setting = Setting(
            value=int(value) if value.isdigit() else value, origin=where
        )
        if unit in ("seconds", "kilobytes"):
            draft.values[f"lifetime_{unit}"] = setting
    draft.origins["lifetime"] = where


def _connection_type(state, draft, node: Node, args: list[str]) -> None:
    known = ("answer-only", "originate-only", "bidirectional")
    if not args or args[0] not in known:
        state.collector.unreadable(node, "connection-type not readable")
        return
    setting = Setting(value=args[0], origin=state.origin(node))
    _assign(state, draft, node, "connection-type", connection_type=setting)


def _phase1_mode(state, draft, node: Node, args: list[str]) -> None:
    if not args or args[0] not in ("main", "aggressive"):
        state.collector.unreadable(node, "phase1-mode not readable")
        return
    setting = Setting(value=args[0], origin=state.origin(node))
    _assign(state, draft, node, "phase1-mode", phase1_mode=setting)


def _flag(name: str, attribute: str):
    def handler(state, draft, node: Node, args: list[str]) -> None:
        _assign(state, draft, node, attribute, **{name: True})

    return handler


def _profile(name: str):
    def handler(state, draft, node: Node, args: list[str]) -> None:
        if not args:
            state.collector.unreadable(node, "profile without a name")
            return
        _assign(state, draft, node, name.replace("_", "-"),
                **{name: args[0]})

    return handler


_SET_HANDLERS = {
    "peer": _peer,
    "transform-set": _transform_sets,
    "ipsec-proposal": _proposals,
    "pfs": _pfs,
    "security-association": _lifetime,
    "connection-type": _connection_type,
    "phase1-mode": _phase1_mode,
    "nat-t-disable": _flag("nat_t_disable", "nat-t-disable"),
    "reverse-route": _flag("reverse_route", "reverse-route"),
    "isakmp-profile": _profile("isakmp_profile"),
    "ikev2-profile": _profile("ikev2_profile"),
}


# --- freezing --------------------------------------------------------------


def build_entries(
    state: AsaState,
) -> tuple[tuple[CryptoMapEntry, ...], tuple[CryptoMapEntry, ...]]:
    """(static entries, dynamic-map entries), each map by sequence."""
    first_seen = {}
    for draft in state.map_entries.values():
        first_seen.setdefault(draft.map, len(first_seen))
    drafts = sorted(
        state.map_entries.values(),
        key=lambda draft: (first_seen[draft.map], draft.sequence),
    )
    entries = [_freeze(state, draft) for draft in drafts]
    static = tuple(entry for entry in entries if not entry.dynamic)
    dynamic = tuple(entry for entry in entries if entry.dynamic)
    return static, dynamic


def _freeze(state: AsaState, draft: EntryDraft) -> CryptoMapEntry:
    values = dict(draft.values)
    values.setdefault("lifetime_seconds", _global_seconds(state))
    values.setdefault("lifetime_kilobytes", _global_kilobytes(state))
    if "pfs" not in values:
        state.collector.default("pfs", "off")
    return CryptoMapEntry(
        map=draft.map,
        sequence=draft.sequence,
        dynamic=draft.dynamic,
        origin=draft.origin,
        attribute_origins=dict(draft.origins),
        **values,
    )


def _global_seconds(state: AsaState) -> Setting:
    if state.sa_lifetime_seconds is not None:
        return state.sa_lifetime_seconds
    state.collector.default("ipsec-sa-lifetime-seconds",
                            str(SA_LIFETIME_SECONDS))
    return Setting(value=SA_LIFETIME_SECONDS)


def _global_kilobytes(state: AsaState) -> Setting:
    if state.sa_lifetime_kilobytes is not None:
        return state.sa_lifetime_kilobytes
    state.collector.default("ipsec-sa-lifetime-kilobytes",
                            str(SA_LIFETIME_KILOBYTES))
    return Setting(value=SA_LIFETIME_KILOBYTES)
