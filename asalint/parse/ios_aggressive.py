"""IOS: which crypto map entries initiate aggressive mode, and with
which ISAKMP identity.

IOS starts main mode unless told otherwise, in one of two ways:

- `crypto isakmp peer address A` with ` set aggressive-mode password K`
  or ` set aggressive-mode client-endpoint TYPE VALUE`: the IOS command
  reference (`crypto isakmp aggressive-mode disable`) says the router
  then initiates aggressive mode to A. The password is the pre-shared
  key for A, the client endpoint the identity it sends.
- an ISAKMP profile with ` initiate mode aggressive`, named by the entry
  (` set isakmp-profile P`, or `crypto map M isakmp-profile P`); its
  ` self-identity` is the identity sent in either mode.

Both are read into drafts while the config is walked and land on the
entries (`phase1_mode`, `local_identity`) once every line is known.
"""

from __future__ import annotations

from asalint.model import PeerKey, Setting
from asalint.parse.common import host_network, parse_ip
from asalint.parse.ioslike import (
    AggressiveDraft,
    EntryDraft,
    LegacyState,
    read_key,
)
from asalint.parse.tree import Node

# `client-endpoint` and `self-identity` types -> the kind the model's
# identity values name (`address`, `fqdn NAME`, `user-fqdn NAME`).
_KINDS = {
    "ipv4-address": "address",
    "address": "address",
    "fqdn": "fqdn",
    "user-fqdn": "user-fqdn",
}


# --- crypto isakmp peer ----------------------------------------------------


def read_isakmp_peer(state: LegacyState, node: Node) -> None:
    """`crypto isakmp peer address A` and its ` set aggressive-mode`
    lines; a peer named by host name is not modelled."""
    words = node.words
    address = parse_ip(words[4]) if len(words) > 4 else None
    if [w.lower() for w in words[3:4]] != ["address"] or address is None:
        state.collector.not_modelled(node)
        return

    draft = state.aggressive.setdefault(f"peer {address}", AggressiveDraft())
    for child in node.children:
        if not _peer_line(state, draft, str(address), child):
            state.collector.not_modelled(child)


def _peer_line(
    state: LegacyState, draft: AggressiveDraft, address: str, node: Node
) -> bool:
    lowered = [word.lower() for word in node.words]
    if lowered[:2] != ["set", "aggressive-mode"] or len(lowered) < 4:
        return False
    origin = state.origin(node)
    if lowered[2] == "password":
        _password(state, address, node)
    elif lowered[2] == "client-endpoint":
        draft.identity = _identity(node.words[3:], origin)
    else:
        return False
    draft.aggressive = draft.aggressive or origin
    return True


def _password(state: LegacyState, address: str, node: Node) -> None:
    # The aggressive-mode password is the key this router uses for the
    # peer: a key for the peer's address alone.
    origin = state.origin(node)
    found = read_key(node.words, 3, origin)
    if found is None:
        state.collector.unreadable(node, "aggressive-mode password not read")
        return
    state.peer_keys.append(
        PeerKey(peer=host_network(address), key=found[0], origin=origin)
    )


def _identity(words: list[str], origin) -> Setting | None:
    """`fqdn NAME`, `user-fqdn NAME`, `ipv4-address A` -> a Setting."""
    kind = _KINDS.get(words[0].lower()) if words else None
    if kind is None:
        return None
    # Without a value the router sends its own address or FQDN.
    return Setting(value=" ".join([kind, *words[1:2]]), origin=origin)


# --- ISAKMP profile lines --------------------------------------------------


def read_profile_line(state: LegacyState, profile: str, node: Node) -> bool:
    """` initiate mode aggressive` and ` self-identity ...` of profile
    `profile`; False for any other line."""
    lowered = [word.lower() for word in node.words]
    origin = state.origin(node)
    key = f"profile {profile}"
    if lowered == ["initiate", "mode", "aggressive"]:
        draft = state.aggressive.setdefault(key, AggressiveDraft())
        draft.aggressive = origin
    elif lowered[:1] == ["self-identity"] and len(lowered) > 1:
        draft = state.aggressive.setdefault(key, AggressiveDraft())
        draft.identity = _identity(node.words[1:], origin)
    else:
        return False
    return True


# --- onto the entries ------------------------------------------------------


def apply_to_entries(state: LegacyState) -> None:
    """Entries toward an aggressive peer, or naming such a profile,
    start in aggressive mode and send that identity."""
    for draft in state.entries.values():
        for source in _sources(state, draft):
            _apply(draft, source)


def _sources(state: LegacyState, draft: EntryDraft) -> list[AggressiveDraft]:
    # The first peer is the one tried first; the profile applies to all.
    peers = draft.values.get("peers", ())
    profile = draft.values.get("isakmp_profile") or _map_profile(
        state, draft.map
    )
    keys = [f"peer {peers[0]}"] if peers else []
    keys += [f"profile {profile}"] if profile else []
    return [state.aggressive[key] for key in keys if key in state.aggressive]


def _map_profile(state: LegacyState, map_name: str) -> str | None:
    found = state.map_settings.get(map_name, {}).get("isakmp_profile")
    return str(found[0]) if found else None


def _apply(draft: EntryDraft, source: AggressiveDraft) -> None:
    if source.aggressive is not None:
        mode = Setting(value="aggressive", origin=source.aggressive)
        draft.set("phase1-mode", source.aggressive, phase1_mode=mode)
    if source.identity is not None and source.identity.origin is not None:
        draft.set(
            "identity", source.identity.origin, local_identity=source.identity
        )
