"""Consistency checks (4xx): references that lead nowhere, and objects
that nothing uses.

The ASA accepts a crypto map entry that names an ACL or a transform set
not yet defined (it warns once, at the prompt); the saved config then
holds an entry that can never be used.
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Address

from asalint.checks.common import (
    IKEV2_PROPOSAL,
    MATCH,
    TRANSFORM_SET,
    dynamic_references,
    is_asa_syntax,
    static_entries,
    where,
)
from asalint.checks.registry import check, finding
from asalint.model import CryptoMapEntry, Device
from asalint.negotiate.states import Family, family
from asalint.results import Finding

BUILT_IN_GROUPS = {"DefaultL2LGroup", "DefaultRAGroup", "DefaultWEBVPNGroup"}


def _all_entries(device: Device) -> list[CryptoMapEntry]:
    return list(device.crypto_maps) + list(device.dynamic_maps)


@check("ASA401")
def check_crypto_acl_defined(device: Device) -> Iterator[Finding]:
    """The ACL named by `match address` must exist."""
    for entry in _all_entries(device):
        if entry.acl is None or entry.acl in device.acls:
            continue
        yield finding(
            "ASA401", device, where(entry, MATCH), f"{entry.label}|acl",
            f"crypto map {entry.label} matches access-list {entry.acl}, "
            "which is not defined",
        )


@check("ASA402")
def check_transform_sets_defined(device: Device) -> Iterator[Finding]:
    """Transform sets and IKEv2 proposals named by an entry must exist."""
    for entry in _all_entries(device):
        for name in entry.transform_sets:
            if name not in device.transform_sets:
                yield finding(
                    "ASA402", device, where(entry, TRANSFORM_SET),
                    f"{entry.label}|{name}",
                    f"crypto map {entry.label} names transform set {name}, "
                    "which is not defined",
                )
        for name in entry.ikev2_proposals:
            if name not in device.ipsec_proposals:
                yield finding(
                    "ASA402", device, where(entry, *IKEV2_PROPOSAL),
                    f"{entry.label}|{name}",
                    f"crypto map {entry.label} names IPsec proposal {name}, "
                    "which is not defined",
                )


@check("ASA403")
def check_entry_complete(device: Device) -> Iterator[Finding]:
    """A static entry needs an ACL, a peer and a transform set; an entry
    of a dynamic map needs at least a transform set."""
    for entry in _all_entries(device):
        if entry.dynamic_map is not None:
            continue
        missing = _missing_parts(entry)
        if not missing:
            continue
        yield finding(
            "ASA403", device, entry.origin, entry.label,
            f"crypto map {entry.label} has no {' and no '.join(missing)}",
        )


def _missing_parts(entry: CryptoMapEntry) -> list[str]:
    missing = []
    if not entry.dynamic and entry.acl is None:
        missing.append("match address")
    if not entry.dynamic and not (entry.peers or entry.peer_hostnames):
        missing.append("peer")
    named = entry.transform_sets or entry.ikev2_proposals
    if not named and entry.ikev2_profile is None:
        missing.append("transform set")
    return missing


@check("ASA405")
def check_objects_defined(device: Device) -> Iterator[Finding]:
    """Names, objects and object-groups used must be defined."""
    for objects in device.objects.values():
        for name in objects.unresolved:
            yield _undefined(device, objects.origin, name, objects.name)
    for entries in device.acls.values():
        for acl_entry in entries:
            for name in acl_entry.unresolved:
                yield _undefined(device, acl_entry.origin, name, acl_entry.acl)


def _undefined(device: Device, origin, name: str, user: str) -> Finding:
    return finding(
        "ASA405", device, origin, f"{user}|{name}",
        f"{user} refers to {name}, which is not defined: the device "
        "refuses the line or matches nothing for it",
    )


@check("ASA406")
def check_dynamic_map_defined(device: Device) -> Iterator[Finding]:
    """`ipsec-isakmp dynamic D` needs a `crypto dynamic-map D`."""
    defined = {entry.map for entry in device.dynamic_maps}
    for entry in dynamic_references(device):
        if entry.dynamic_map in defined:
            continue
        yield finding(
            "ASA406", device, entry.origin, entry.label,
            f"crypto map {entry.label} refers to dynamic map "
            f"{entry.dynamic_map}, which has no entries",
        )


# --- unused ------------------------------------------------------------------


@check("ASA410")
def check_transform_set_used(device: Device) -> Iterator[Finding]:
    """A transform set no crypto map entry or IPsec profile names."""
    used = {name for e in _all_entries(device) for name in e.transform_sets}
    used |= set(device.transform_set_uses)
    for name, transform_set in sorted(device.transform_sets.items()):
        if name in used:
            continue
        yield finding(
            "ASA410", device, transform_set.origin, name,
            f"transform set {name} is used by no crypto map entry",
        )


@check("ASA411")
def check_tunnel_group_used(device: Device) -> Iterator[Finding]:
    """An L2L tunnel-group named by an address no entry peers with.

    With a dynamic map any peer may connect and pick its group by
    address, so such a device is left out.
    """
    if not is_asa_syntax(device) or device.dynamic_maps:
        return
    peers = {str(p) for e in static_entries(device) for p in e.peers}
    for name, group in sorted(device.tunnel_groups.items()):
        if name in BUILT_IN_GROUPS or name in peers:
            continue
        if group.type != "ipsec-l2l" or not _is_address(name):
            continue
        yield finding(
            "ASA411", device, group.origin, name,
            f"tunnel-group {name} is for a peer no crypto map entry names",
        )


def _is_address(text: str) -> bool:
    try:
        IPv4Address(text)
    except ValueError:
        return False
    return True


@check("ASA412")
def check_crypto_acl_used(device: Device) -> Iterator[Finding]:
    """An ACL shaped like a crypto ACL that nothing uses.

    Such ACLs are what a removed crypto map entry leaves behind; asalint
    counts as uses the crypto maps and every other place the parser
    records (access-group, NAT, vpn-filter, class-map, route-map ...).
    """
    if not device.crypto_maps or family(device) == Family.IOS:
        # The IOS and PIX 6 parsers do not record every use of an ACL
        # (SNMP communities, `access-class` on vty lines, PIX `nat 0`):
        # without them an "unused" ACL would often be a false alarm.
        return
    used = _acls_used(device)
    for name, entries in sorted(device.acls.items()):
        if name in used or not _crypto_shaped(entries):
            continue
        yield finding(
            "ASA412", device, entries[0].origin, name,
            f"access-list {name} looks like a crypto ACL but nothing "
            "uses it",
        )


def _acls_used(device: Device) -> set[str]:
    used = {e.acl for e in _all_entries(device) if e.acl}
    used |= {i.access_group_in for i in device.interfaces if i.access_group_in}
    used |= {g.vpn_filter for g in device.group_policies.values()}
    used |= set(device.acl_uses)
    return {name for name in used if name}


def _crypto_shaped(entries) -> bool:
    """Only `permit ip` between networks: the shape of a crypto ACL."""
    active = [e for e in entries if not e.inactive]
    return bool(active) and all(
        e.action == "permit"
        and e.protocol == "ip"
        and e.source_port is None
        and e.destination_port is None
        for e in active
    )
