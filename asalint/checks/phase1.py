"""Phase 1 checks (1xx) on one config: policies, groups, keys, routes.

Each check reports what the device itself lacks to start or answer a
tunnel; what depends on the peer's config is the pair simulation's job.
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Address

from asalint.checks.algorithms import weak_algorithms
from asalint.checks.common import (
    PEER,
    best_routes,
    bound_entries,
    ike_versions,
    is_asa_syntax,
    runs_routing_protocol,
    static_entries,
    uses_pre_shared_keys,
    where,
)
from asalint.checks.registry import check, finding
from asalint.model import (
    CryptoMapEntry,
    Device,
    Era,
    KeyState,
    Platform,
    TunnelGroup,
)
from asalint.results import Finding

DEFAULT_L2L_GROUP = "DefaultL2LGroup"


def _entries_using(device: Device, version: int) -> list[CryptoMapEntry]:
    entries = list(device.crypto_maps) + list(device.dynamic_maps)
    using = [e for e in entries if version in ike_versions(e)]
    return sorted(using, key=lambda e: e.origin.line)


@check("ASA102")
def check_ikev1_policy_exists(device: Device) -> Iterator[Finding]:
    """IKEv1 entries need an IKEv1 policy the device can propose.

    ASA 8.4 and later ship no default IKEv1 policy; older ASA and PIX
    releases have only a built-in rsa-sig policy, which never matches a
    pre-shared-key peer. IOS has default policies and is left out.
    """
    entries = _entries_using(device, 1)
    if device.platform == Platform.IOS or device.ikev1_policies:
        return
    if not entries:
        return

    first = entries[0]
    reason = (
        "this release has no default policy"
        if device.era == Era.ASA84
        else "the built-in default policy uses rsa-sig, not pre-share"
    )
    yield finding(
        "ASA102", device, first.origin, "ikev1",
        f"crypto map {first.label} uses IKEv1, but no IKEv1 policy is "
        f"configured ({reason})",
    )


@check("ASA125")
def check_ikev2_policy_exists(device: Device) -> Iterator[Finding]:
    """IKEv2 entries need an IKEv2 policy; the ASA has no default one."""
    entries = _entries_using(device, 2)
    if device.platform == Platform.IOS or device.ikev2_policies:
        return
    if not entries:
        return

    first = entries[0]
    yield finding(
        "ASA125", device, first.origin, "ikev2",
        f"crypto map {first.label} uses IKEv2, but no IKEv2 policy is "
        "configured",
    )


# --- tunnel-groups and keys --------------------------------------------------


def _needs_key(device: Device, entry: CryptoMapEntry) -> bool:
    """A key is needed unless every IKEv1 policy uses certificates."""
    if 2 in ike_versions(entry):
        return True
    return uses_pre_shared_keys(device) or not device.ikev1_policies


def _peers(device: Device) -> Iterator[tuple[CryptoMapEntry, IPv4Address]]:
    for entry in static_entries(device):
        if _needs_key(device, entry):
            for peer in entry.peers:
                yield entry, peer


def _default_group_key(device: Device) -> bool:
    group = device.tunnel_groups.get(DEFAULT_L2L_GROUP)
    return group is not None and group.ikev1_key.state != KeyState.ABSENT


@check("ASA103")
def check_tunnel_group_exists(device: Device) -> Iterator[Finding]:
    """The ASA finds a peer's key in the tunnel-group named by its
    address; without one it falls back to DefaultL2LGroup."""
    if not is_asa_syntax(device):
        return
    for entry, peer in _peers(device):
        if str(peer) in device.tunnel_groups or _default_group_key(device):
            continue
        yield finding(
            "ASA103", device, where(entry, PEER), str(peer),
            f"no tunnel-group {peer} for the peer of crypto map "
            f"{entry.label}, and DefaultL2LGroup holds no key",
        )


@check("ASA104")
def check_key_exists(device: Device) -> Iterator[Finding]:
    """Every pre-shared-key peer needs a key on this device."""
    if is_asa_syntax(device):
        yield from _tunnel_groups_without_key(device)
    else:
        yield from _peers_without_key(device)


def _tunnel_groups_without_key(device: Device) -> Iterator[Finding]:
    reported: set[str] = set()
    for entry, peer in _peers(device):
        group = device.tunnel_groups.get(str(peer))
        if group is None or group.name in reported:
            continue
        if 1 not in ike_versions(entry) or _has_v1_key(group):
            continue
        reported.add(group.name)
        yield finding(
            "ASA104", device, group.origin, group.name,
            f"tunnel-group {group.name} holds no IKEv1 pre-shared key",
            related=[(where(entry, PEER), f"peer of {entry.label}")],
        )


def _has_v1_key(group: TunnelGroup) -> bool:
    return group.ikev1_key.state != KeyState.ABSENT


def _peers_without_key(device: Device) -> Iterator[Finding]:
    # IOS and PIX 6 hold keys per peer address (`crypto isakmp key K
    # address A`, keyrings, `isakmp key K address A netmask M`).
    for entry, peer in _peers(device):
        if 1 not in ike_versions(entry) or not uses_pre_shared_keys(device):
            continue
        if any(_key_covers(key, peer) for key in device.peer_keys):
            continue
        yield finding(
            "ASA104", device, where(entry, PEER), str(peer),
            f"no pre-shared key for peer {peer} of crypto map "
            f"{entry.label}",
        )


def _key_covers(key, peer: IPv4Address) -> bool:
    return (
        not key.ikev2
        and key.peer is not None
        and peer in key.peer
        and key.key.state != KeyState.ABSENT
    )


@check("ASA121")
def check_ikev2_key_exists(device: Device) -> Iterator[Finding]:
    """An IKEv2 tunnel-group needs a local and a remote key."""
    if not is_asa_syntax(device):
        return
    reported: set[str] = set()
    for entry, peer in _peers(device):
        group = device.tunnel_groups.get(str(peer))
        if group is None or group.name in reported:
            continue
        if ike_versions(entry) != {2} or _has_v2_keys(group):
            continue
        reported.add(group.name)
        yield finding(
            "ASA121", device, group.origin, group.name,
            f"tunnel-group {group.name} holds no IKEv2 local and remote "
            "pre-shared keys",
            related=[(where(entry, PEER), f"peer of {entry.label}")],
        )


def _has_v2_keys(group: TunnelGroup) -> bool:
    return (
        group.ikev2_local_key.state != KeyState.ABSENT
        or group.ikev2_remote_key.state != KeyState.ABSENT
    )


# --- what the device refuses itself ---------------------------------------------


@check("ASA111")
def check_weak_crypto_allowed(device: Device) -> Iterator[Finding]:
    """IOS XE 17.11 and later refuse DES, 3DES, MD5 and DH groups 1, 2
    and 5 unless `crypto engine compliance shield disable` allows them:
    a policy or transform set using one is never offered or accepted."""
    if device.weak_crypto_allowed.value is not False:
        return
    for origin, subject, weak in weak_algorithms(device):
        yield finding(
            "ASA111", device, origin, subject,
            f"{subject} uses {weak}, which this release refuses unless "
            "weak crypto is allowed",
        )


@check("ASA112")
def check_route_to_peer(device: Device) -> Iterator[Finding]:
    """IKE packets to the peer must leave by the map's interface."""
    learns_routes = runs_routing_protocol(device)
    for entry, binding in bound_entries(device):
        for peer in entry.peers:
            routes = best_routes(device, peer)
            if any(r.interface == binding.interface for r in routes):
                continue
            if not routes and learns_routes:
                continue  # a routing protocol may well know the way
            route = routes[0] if routes else None
            yield _no_route(device, entry, binding.interface, peer, route)


def _no_route(device, entry, interface, peer, route) -> Finding:
    related = []
    if route is None:
        message = f"no route to peer {peer} of crypto map {entry.label}"
    else:
        message = (
            f"peer {peer} of crypto map {entry.label} is routed out of "
            f"{route.interface}, not {interface} where the map is bound"
        )
        if route.origin is not None:
            related.append((route.origin, "the route used"))
    return finding(
        "ASA112", device, where(entry, PEER), f"{entry.label}|{peer}",
        message, related=related,
    )


@check("ASA117")
def check_l2l_keys_exempt_from_xauth(device: Device) -> Iterator[Finding]:
    """IOS prompts every peer of a map with Xauth for a user name after
    phase 1; a site-to-site peer never answers unless its key says
    `no-xauth`."""
    if not device.xauth:
        return
    peers = {peer for entry in static_entries(device) for peer in entry.peers}
    for key in device.peer_keys:
        if key.no_xauth or key.ikev2 or key.peer is None:
            continue
        if not any(peer in key.peer for peer in peers):
            continue
        yield finding(
            "ASA117", device, key.origin, str(key.peer),
            f"the key for {key.peer} lacks no-xauth while a crypto map "
            "asks for Xauth: the LAN-to-LAN peer is prompted and never "
            "answers",
        )
