"""The peer profile our side expects its partner to hold.

`asalint profile hq.cfg 203.0.113.2` reads hq's crypto map entry for the
partner at 203.0.113.2 and writes, in the format `load_profile` reads,
what the partner must configure to meet it: hq's IKE proposals, the
entry's transform sets or IPsec proposals, its PFS group, and the crypto
ACL mirrored (the partner's local networks are hq's remote ones).

The pre-shared key is never written: it is exchanged out of band, and
the profile only says that one is expected (`key_given = true`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, ip_address
from itertools import product

from asalint.errors import UsageError
from asalint.model import CryptoMapEntry, Device
from asalint.negotiate.algorithms import (
    builtin_policies,
    cipher,
    dh_group,
    digest,
    suite,
)
from asalint.negotiate.phase2 import pfs_offered
from asalint.peer_profile import CIPHERS, DIGESTS, GCM, GROUPS

log = logging.getLogger(__name__)

Proposal = dict[str, str | int]


@dataclass(frozen=True)
class Expected:
    """What the partner must hold, before it is written as TOML."""

    address: IPv4Address
    peer: IPv4Address | None  # hq, as the partner names it
    ike_version: int
    phase1: tuple[Proposal, ...]
    phase2: tuple[Proposal, ...]
    pfs: int | str
    local: tuple[IPv4Network, ...]  # the partner's side
    remote: tuple[IPv4Network, ...]  # hq's side


def expected_profile(device: Device, address: str) -> Expected:
    """The profile `device` expects of its peer at `address`."""
    peer = _address(device, address)
    entry = entry_for_peer(device, peer)
    version = 2 if entry.ikev2_proposals else 1
    ours, theirs = _networks(device, entry)
    return Expected(
        address=peer,
        peer=_local_address(device, entry),
        ike_version=version,
        phase1=_phase1_v2(device) if version == 2 else _phase1_v1(device),
        phase2=_phase2(device, entry, version),
        pfs=_pfs(device, entry),
        local=theirs,
        remote=ours,
    )


def _address(device: Device, address: str) -> IPv4Address:
    try:
        return IPv4Address(ip_address(address))
    except ValueError:
        raise UsageError(f"{device.path}: {address!r} is not an IPv4 "
                         "address") from None


def entry_for_peer(device: Device, peer: IPv4Address) -> CryptoMapEntry:
    """The first static crypto map entry naming `peer`; the ASA walks
    the entries by sequence number, so the lowest one is used."""
    entries = sorted(
        (entry for entry in device.crypto_maps if peer in entry.peers),
        key=lambda entry: (entry.map, entry.sequence),
    )
    if not entries:
        raise UsageError(f"{device.path}: no crypto map entry has peer "
                         f"{peer}")
    return entries[0]


def _local_address(device: Device, entry: CryptoMapEntry) -> IPv4Address | None:
    # The partner connects to the interface the map is bound to.
    for binding in device.bindings:
        interface = device.interface_by_name(binding.interface)
        if binding.map == entry.map and interface and interface.address:
            return interface.address.ip
    return None


# --- phase 1 -------------------------------------------------------------------


def _phase1_v1(device: Device) -> tuple[Proposal, ...]:
    """hq's pre-shared-key IKE policies, by priority; with none, the
    built-in ones the platform falls back to."""
    policies = sorted(device.ikev1_policies, key=lambda p: p.priority)
    suites = [(suite(p), p.lifetime.value) for p in policies]
    if not suites:
        suites = [(b.suite, b.lifetime)
                  for b in builtin_policies(device).policies]
    proposals = []
    for found, lifetime in suites:
        if found.authentication != "pre-share":
            continue  # a profile stands for a pre-shared-key partner
        proposal = _v1_proposal(found.encryption, found.hash, found.group,
                                lifetime)
        if proposal:
            proposals.append(proposal)
    return _at_least_one(device, proposals, "IKEv1 pre-share policy")


def _v1_proposal(encryption, hash_, group, lifetime) -> Proposal | None:
    if not _representable(encryption, hash_, group):
        return None
    proposal: Proposal = {"encryption": encryption, "hash": hash_,
                          "group": group}
    if isinstance(lifetime, int) and 60 <= lifetime <= 2_592_000:
        proposal["lifetime"] = lifetime
    return proposal


def _phase1_v2(device: Device) -> tuple[Proposal, ...]:
    """Every combination of each IKEv2 policy's lists: a profile names
    one value per transform type."""
    proposals = []
    for policy in sorted(device.ikev2_policies, key=lambda p: p.priority):
        prfs = policy.prfs or (None,)
        for enc, integrity, group, prf in product(
            policy.encryptions, policy.integrities or (None,),
            policy.groups, prfs,
        ):
            proposal = _v2_proposal(cipher(enc), integrity, group, prf)
            if proposal and proposal not in proposals:
                proposals.append(proposal)
    return _at_least_one(device, proposals, "IKEv2 policy")


def _v2_proposal(encryption, integrity, group, prf) -> Proposal | None:
    prf_name = digest(prf) if prf else None
    # With AES-GCM the integrity is the cipher's own; the profile keeps
    # the PRF in its place.
    mac = prf_name if encryption in GCM else digest(integrity or "")
    mac = mac or prf_name
    number = dh_group(group)
    if not _representable(encryption, mac, number):
        return None
    proposal: Proposal = {"encryption": encryption, "integrity": mac,
                          "group": number}
    if prf_name and prf_name != mac:
        proposal["prf"] = prf_name
    return proposal


def _representable(encryption, mac, group) -> bool:
    if encryption in CIPHERS and mac in DIGESTS and group in GROUPS:
        return True
    log.info("left out a proposal a profile cannot name: %s %s %s",
             encryption, mac, group)
    return False


def _at_least_one(device, proposals, what) -> tuple[Proposal, ...]:
    if not proposals:
        raise UsageError(f"{device.path}: no {what} a peer profile can "
                         "name")
    return tuple(proposals)


# --- phase 2 ------------------------------------------------------------------


def _phase2(device: Device, entry: CryptoMapEntry,
            version: int) -> tuple[Proposal, ...]:
    pairs = []
    if version == 2:
        for name in entry.ikev2_proposals:
            found = device.ipsec_proposals.get(name)
            if found:
                pairs += product(found.encryptions,
                                 found.integrities or (None,))
    else:
        for name in entry.transform_sets:
            found = device.transform_sets.get(name)
            if found and found.esp_encryption:
                pairs.append((found.esp_encryption, found.esp_integrity))
    lifetime = entry.lifetime_seconds.value
    proposals = []
    for encryption, integrity in pairs:
        proposal = _esp_proposal(cipher(encryption), integrity, lifetime)
        if proposal and proposal not in proposals:
            proposals.append(proposal)
    return _at_least_one(device, proposals, f"transform set in "
                         f"{entry.label}")


def _esp_proposal(encryption, integrity, lifetime) -> Proposal | None:
    mac = digest(integrity) if integrity else None
    if encryption not in CIPHERS or (mac is None and encryption not in GCM):
        log.info("left out an IPsec proposal: %s %s", encryption, mac)
        return None
    proposal: Proposal = {"encryption": encryption}
    if mac and encryption not in GCM:
        proposal["integrity"] = mac
    if isinstance(lifetime, int) and 120 <= lifetime <= 2_592_000:
        proposal["lifetime"] = lifetime
    return proposal


def _pfs(device: Device, entry: CryptoMapEntry) -> int | str:
    # A bare `set pfs` offers the platform's default group.
    groups = pfs_offered(device, entry).groups
    if not groups:
        return "none"
    return min(groups)


def _networks(device: Device, entry: CryptoMapEntry):
    """hq's side (sources) and the partner's side (destinations) of the
    permit lines of the entry's crypto ACL."""
    ours: list[IPv4Network] = []
    theirs: list[IPv4Network] = []
    for line in device.acls.get(entry.acl or "", ()):
        if line.action != "permit" or line.inactive:
            continue
        ours += [n for n in line.source if n not in ours]
        theirs += [n for n in line.destination if n not in theirs]
    if not ours or not theirs:
        raise UsageError(f"{device.path}: {entry.label} has no crypto ACL "
                         "permit line to mirror")
    return tuple(ours), tuple(theirs)


# --- TOML ---------------------------------------------------------------------


def render_profile(expected: Expected, source: str) -> str:
    """The profile as TOML text that `load_profile` reads."""
    lines = [
        f"# The peer profile {source} expects of {expected.address}.",
        "# The pre-shared key is not in this file: it is exchanged out of",
        "# band. key_given says that one is expected.",
        "",
        f"address = {_toml(str(expected.address))}",
    ]
    if expected.peer is not None:
        lines.append(f"peer = {_toml(str(expected.peer))}")
    lines += [
        f"ike_version = {expected.ike_version}",
        f"pfs = {_toml(expected.pfs)}",
        "key_given = true",
    ]
    for table, proposals in (("phase1", expected.phase1),
                             ("phase2", expected.phase2)):
        for proposal in proposals:
            lines += ["", f"[[{table}]]"]
            lines += [f"{k} = {_toml(v)}" for k, v in proposal.items()]
    lines += [
        "",
        "[networks]",
        f"local = {_toml([str(n) for n in expected.local])}",
        f"remote = {_toml([str(n) for n in expected.remote])}",
    ]
    return "\n".join(lines) + "\n"


def _toml(value) -> str:
    # JSON strings, integers and arrays of strings are valid TOML.
    return json.dumps(value)


def write_profile(device: Device, address: str) -> str:
    """The TOML profile `device` expects of its peer at `address`."""
    return render_profile(expected_profile(device, address), device.path)
