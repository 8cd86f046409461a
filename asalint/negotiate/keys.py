"""Which pre-shared key a device uses for a peer address.

ASA and PIX 7: in main mode with pre-shared keys the key is needed before
the peer's identity is known, so the ASA picks the tunnel-group named by
the peer's address; a group named with a word is never chosen. Without
one it falls back to DefaultL2LGroup, which answers only if it holds a
key. IOS and PIX 6: the `crypto isakmp key` (or keyring entry) whose
address and mask hold the peer, longest match first; an ISAKMP profile
narrows the search to its keyrings.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address

from asalint.model import (
    CryptoMapEntry,
    KeyState,
    Origin,
    PeerKey,
    PreSharedKey,
    TunnelGroup,
)
from asalint.negotiate.index import DEFAULT_L2L, DeviceIndex
from asalint.negotiate.states import Family, family

L2L = "ipsec-l2l"


@dataclass(frozen=True)
class KeyChoice:
    """The key found for a peer, or the reason there is none."""

    key: PreSharedKey | None
    origin: Origin | None  # the line that holds the key, or decided
    how: str  # what the device looked up
    problem: str | None = None  # tunnel-group-missing | psk-missing
    peer_key: PeerKey | None = None  # IOS / PIX 6
    related: tuple[Origin, ...] = ()  # e.g. word-named groups

    @property
    def key_lines(self) -> tuple[Origin | None, ...]:
        return (self.origin,)


def key_for(
    index: DeviceIndex,
    peer: IPv4Address,
    entry: CryptoMapEntry | None = None,
) -> KeyChoice:
    if family(index.device) == Family.ASA:
        return _tunnel_group_key(index, peer)
    return _peer_key(index, peer, entry)


# --- ASA -------------------------------------------------------------------


def _tunnel_group_key(index: DeviceIndex, peer: IPv4Address) -> KeyChoice:
    group = index.tunnel_group(str(peer))
    if group is not None and group.type not in (None, L2L):
        return KeyChoice(
            None,
            group.type_origin or group.origin,
            f"tunnel-group {peer} is of type {group.type}, not {L2L}",
            "tunnel-group-missing",
        )
    if group is not None:
        return _group_key(group, f"tunnel-group {peer}")
    default = index.tunnel_group(DEFAULT_L2L)
    if default is not None and default.ikev1_key.state != KeyState.ABSENT:
        return _group_key(default, f"{DEFAULT_L2L} (no group {peer})")
    return KeyChoice(
        None,
        None,
        f"no tunnel-group {peer}, and {DEFAULT_L2L} holds no key",
        "tunnel-group-missing",
        related=_stray_groups(index),
    )


def _group_key(group: TunnelGroup, how: str) -> KeyChoice:
    key = group.ikev1_key
    if key.state == KeyState.ABSENT:
        return KeyChoice(
            None, group.origin, f"{how} holds no IKEv1 key", "psk-missing"
        )
    return KeyChoice(key, key.origin or group.origin, how)


def _stray_groups(index: DeviceIndex) -> tuple[Origin, ...]:
    """L2L groups with a key that no crypto map peer selects.

    A group named with a word is never chosen for a main-mode PSK peer,
    and one named by an address no entry peers with is often the stale
    name of a peer that moved; citing them shows where the key the user
    meant sits.
    """
    peers = {str(peer) for peer in index.entries_by_peer}
    return tuple(
        group.origin
        for name, group in index.device.tunnel_groups.items()
        if group.type == L2L
        and name != DEFAULT_L2L
        and name not in peers
        and group.ikev1_key.state != KeyState.ABSENT
    )[:3]


def _is_address(name: str) -> bool:
    parts = name.split(".")
    return len(parts) == 4 and all(part.isdigit() for part in parts)


# --- IOS and PIX 6 ---------------------------------------------------------


def _peer_key(
    index: DeviceIndex, peer: IPv4Address, entry: CryptoMapEntry | None
) -> KeyChoice:
    keyrings = _keyrings_in_scope(index, peer, entry)
    candidates = [
        key
        for key in index.address_keys
        if key.peer is not None
        and peer in key.peer
        and (keyrings is None or (key.keyring or "default") in keyrings)
    ]
    if not candidates:
        scope = (
            f" in keyring {', '.join(sorted(keyrings))}" if keyrings else ""
        )
        return KeyChoice(
            None, None, f"no key for {peer}{scope}", "psk-missing"
        )
    best = max(candidates, key=_prefix_length)
    return KeyChoice(
        best.key,
        best.origin,
        f"key for {best.peer}",
        None if best.key.state != KeyState.ABSENT else "psk-missing",
        peer_key=best,
    )


def _prefix_length(key: PeerKey) -> int:
    return key.peer.prefixlen if key.peer is not None else -1


def _keyrings_in_scope(
    index: DeviceIndex, peer: IPv4Address, entry: CryptoMapEntry | None
) -> set[str] | None:
    """Keyrings to search, or None for every key of the device.

    The initiator uses the profile its map entry names; a responder the
    profile whose `match identity address` holds the peer.
    """
    profiles = index.device.isakmp_profiles
    profile = profiles.get(entry.isakmp_profile) if entry else None
    if profile is None:
        profile = next(
            (
                candidate
                for candidate in profiles.values()
                if not candidate.ikev2
                and any(peer in net for net in candidate.match_addresses)
            ),
            None,
        )
    if profile is None or not profile.keyrings:
        return None
    return set(profile.keyrings)


def condition_for(first: PreSharedKey, second: PreSharedKey) -> str:
    """Why two keys cannot be compared, as a condition sentence."""
    states = {first.state, second.state}
    if states == {KeyState.MASKED}:
        return "keys equal: both masked"
    if states == {KeyState.ENCRYPTED}:
        return "keys equal: both encrypted under their own master passphrase"
    return (
        f"keys equal: initiator's key {first.state.value},"
        f" responder's key {second.state.value}"
    )
