"""IKEv2: IKE_SA_INIT, IKE_AUTH with its first child SA, then traffic.

The steps follow IKEV2.md section 4. The trigger, the route checks, the
choice of the responder's crypto map entry and the traffic checks are
IKEv1's; what differs is the exchange: proposals are lists matched per
transform type, each direction has its own key (the initiator's local
key must equal the responder's remote one, and back), the first child
SA carries no PFS, and a key that fails only on the way back leaves the
tunnel half open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Address

from asalint.model import (
    CryptoMapEntry,
    Device,
    KeyState,
    Origin,
    Platform,
    PreSharedKey,
)
from asalint.negotiate.algorithms import (
    ChildProposal,
    V2Proposal,
    child_proposal,
    ios_default_v2,
    transform,
    v2_proposal,
)
from asalint.negotiate.index import DEFAULT_L2L, DeviceIndex
from asalint.negotiate.keys import L2L, condition_for
from asalint.negotiate.phase1 import MSG1_CHECKS, msg2
from asalint.negotiate.phase2 import Rules, choose_entry, pfs_offered
from asalint.negotiate.trigger import counterpart
from asalint.negotiate.walk import (
    Fault,
    Outcome,
    Passed,
    Walk,
    attribute,
    lines,
    proposal_line,
)
from asalint.results import Side

INITIATOR, RESPONDER, BOTH = Side.INITIATOR, Side.RESPONDER, Side.BOTH

# Every release's DfltGrpPolicy allows IKEv2 unless it is configured.
DEFAULT_PROTOCOLS = ("ikev1", "ikev2", "l2tp-ipsec")
DEFAULT_GROUP_POLICY = "DfltGrpPolicy"


def _address_line(walk: Walk, side: Side) -> Origin | None:
    interface = walk.end(side).interface
    if interface is None:
        return None
    return interface.address_origin or interface.origin


# --- step 1: IKE_SA_INIT reaches a responder that speaks IKEv2 ---------------


def sa_init(walk: Walk) -> Outcome:
    for check in (*MSG1_CHECKS[:3], _responder_v2):
        fault = check(walk)
        if fault is not None:
            return fault
    return Passed(
        f"{walk.responder.name} owns {walk.leg.peer} and runs IKEv2 on"
        f" {walk.responder.interface_key}",
        lines(attribute(walk.initiator.entry, "peer")),
    )


def _responder_v2(walk: Walk) -> Fault | None:
    index, interface = walk.responder.index, walk.responder.interface
    assert interface is not None
    if index.ikev2_enabled(interface):
        return None
    initiator = lines(proposal_line(walk.initiator.entry))
    responder = lines(
        index.ike_enable_line(interface), _address_line(walk, RESPONDER)
    )
    if index.ike_enabled(interface):
        # An IKEv1-only ASA gives no answer to IKE_SA_INIT.
        return Fault(
            "ike-version-mismatch",
            BOTH,
            f"{walk.responder.interface_key} runs IKEv1 only; the initiator"
            " speaks IKEv2",
            initiator_lines=initiator,
            responder_lines=responder,
        )
    return Fault(
        "ike-not-enabled",
        RESPONDER,
        f"IKEv2 is not enabled on {walk.responder.interface_key}",
        initiator_lines=initiator,
        responder_lines=responder,
    )


# --- step 2: a common IKE proposal -------------------------------------------


@dataclass(frozen=True)
class Offer2:
    proposal: V2Proposal
    origin: Origin | None  # None: IOS smart default
    weak_refused: bool


def offers2(walk: Walk, side: Side) -> list[Offer2]:
    device = walk.end(side).device
    refuse = device.weak_crypto_allowed.value is False
    found = [
        v2_proposal(
            policy.priority,
            policy.encryptions,
            policy.integrities,
            policy.prfs,
            policy.groups,
        )
        for policy in sorted(device.ikev2_policies, key=lambda p: p.priority)
    ]
    origins: list[Origin | None] = [
        policy.origin
        for policy in sorted(device.ikev2_policies, key=lambda p: p.priority)
    ]
    if not found and device.default_used("ikev2-default-proposal"):
        walk.assume(
            f"{walk.end(side).name} uses the IOS smart default proposal,"
            " whose contents differ by release (uncertain)"
        )
        found, origins = [ios_default_v2(device.version)], [None]
    return [
        Offer2(proposal, origin, refuse)
        for proposal, origin in zip(found, origins, strict=True)
    ]


def proposal(walk: Walk) -> Outcome:
    mine, theirs = offers2(walk, INITIATOR), offers2(walk, RESPONDER)
    pairs = [
        (r, i) for r in theirs for i in mine if r.proposal.shares(i.proposal)
    ]
    if not pairs:
        return _proposal_fault(walk, mine, theirs, "ikev2-proposal-mismatch")
    usable = [(r, i) for r, i in pairs if _strong_enough(r, i)]
    if not usable:
        return _proposal_fault(walk, mine, theirs, "weak-crypto-refused")
    theirs_chosen, mine_chosen = usable[0]
    _key_exchange_retry(walk, mine, theirs_chosen, mine_chosen)
    return Passed(
        f"{walk.responder.name} accepts an IKEv2 proposal of"
        f" {walk.initiator.name}",
        lines(mine_chosen.origin, theirs_chosen.origin),
    )


def _strong_enough(theirs: Offer2, mine: Offer2) -> bool:
    first, second = theirs.proposal, mine.proposal
    if theirs.weak_refused or mine.weak_refused:
        first, second = first.without_weak(), second.without_weak()
    return first.shares(second)


def _proposal_fault(walk, mine, theirs, cause: str) -> Fault:
    gap = _proposal_gap(mine, theirs)
    return Fault(
        cause,
        BOTH,
        f"no IKEv2 proposal of {walk.responder.name} shares {gap} with"
        f" one of {walk.initiator.name}"
        + (" once weak algorithms are refused" if "weak" in cause else ""),
        initiator_lines=_offer_lines(walk, INITIATOR, mine, gap),
        responder_lines=_offer_lines(walk, RESPONDER, theirs, gap),
    )


def _proposal_gap(mine: list[Offer2], theirs: list[Offer2]) -> str:
    """The first transform type no pair of proposals has in common."""
    for name, values in (
        ("encryption", lambda p: p.encryptions),
        ("integrity", lambda p: p.integrities),
        ("prf", lambda p: p.prfs),
        ("group", lambda p: set(p.groups)),
    ):
        if not any(
            values(m.proposal) & values(t.proposal)
            for m in mine
            for t in theirs
        ):
            return name
    return "every transform type"


def _offer_lines(walk: Walk, side: Side, offers: list[Offer2], gap: str):
    """Each offered policy's line for the missing transform, where the
    parser kept it, then the policy itself."""
    by_origin = {
        policy.origin: policy
        for policy in walk.end(side).device.ikev2_policies
    }
    found: list[Origin | None] = []
    for offer in offers[:3]:
        policy = by_origin.get(offer.origin) if offer.origin else None
        if policy is not None:
            found.append(policy.attribute_origins.get(gap))
        found.append(offer.origin)
    return lines(*found)


def _key_exchange_retry(walk, mine, theirs: Offer2, matched: Offer2):
    """The initiator's KE uses its first group; a responder that picks
    another common group costs one INVALID_KE_PAYLOAD round trip."""
    first = mine[0].proposal.groups[:1]
    common = [
        g for g in theirs.proposal.groups if g in matched.proposal.groups
    ]
    if not first or not common or common[0] == first[0]:
        return
    walk.assumption = walk.assumption or "ikev2-ke-retry"
    walk.warn(
        Fault(
            "ikev2-ke-retry",
            INITIATOR,
            f"the initiator's key exchange uses group {first[0]};"
            f" {walk.responder.name} picks group {common[0]} and asks"
            " again (INVALID_KE_PAYLOAD)",
            initiator_lines=lines(mine[0].origin),
            responder_lines=lines(theirs.origin),
        )
    )


# --- keys and identities -----------------------------------------------------


@dataclass(frozen=True)
class Keys2:
    """One side's IKEv2 keys for the other, or why it has none."""

    local: PreSharedKey | None = None
    remote: PreSharedKey | None = None
    local_line: Origin | None = None
    remote_line: Origin | None = None
    decided: Origin | None = None  # the group or profile that was chosen
    how: str = ""
    problem: str | None = None

    @property
    def key_lines(self) -> tuple[Origin | None, ...]:
        # IKEv2 keys are per direction: both lines hold a key.
        return (self.local_line, self.remote_line)


def keys2(
    walk: Walk, side: Side, peer: IPv4Address | None, identity: str
) -> Keys2:
    end = walk.end(side)
    if peer is None:
        return Keys2(problem="tunnel-group-missing", how="no peer address")
    if end.device.platform == Platform.IOS:
        return _ios_keys(end.index, peer, end.entry, side, identity)
    return _asa_keys(end.index, peer)


def _asa_keys(index: DeviceIndex, peer: IPv4Address) -> Keys2:
    # The group named by the peer's address, else DefaultL2LGroup.
    group = index.tunnel_group(str(peer))
    if group is None or group.type not in (None, L2L):
        group = index.tunnel_group(DEFAULT_L2L)
        if group is None or not _has_key(group.ikev2_remote_key):
            return Keys2(
                how=f"no tunnel-group {peer}, nor a DefaultL2LGroup key",
                problem="tunnel-group-missing",
            )
    return Keys2(
        local=group.ikev2_local_key,
        remote=group.ikev2_remote_key,
        local_line=group.ikev2_local_key.origin,
        remote_line=group.ikev2_remote_key.origin,
        decided=group.type_origin or group.origin,
        how=f"tunnel-group {group.name}",
    )


def _has_key(key: PreSharedKey) -> bool:
    return key.state != KeyState.ABSENT


def _ios_keys(index, peer, entry, side: Side, identity: str) -> Keys2:
    profiles = [p for p in index.device.isakmp_profiles.values() if p.ikev2]
    if side == INITIATOR and entry is not None:
        profile = index.device.isakmp_profiles.get(entry.ikev2_profile or "")
    else:
        if not profiles:
            return Keys2(
                how="no IKEv2 profile", problem="ike-version-mismatch"
            )
        profile = _matching_profile(profiles, peer, identity)
        if profile is None:
            return Keys2(
                decided=_match_line(profiles[0]),
                how=f"no IKEv2 profile matches the peer's {identity}"
                + (f" {peer}" if identity == "address" else ""),
                problem="ikev2-identity-mismatch",
            )
    return _keyring_keys(index, profile, peer)


def _match_line(profile) -> Origin:
    return profile.attribute_origins.get("match", profile.origin)


def _matching_profile(profiles, peer: IPv4Address, identity: str):
    if identity != "address":
        return None  # these profiles match addresses only
    for profile in profiles:
        if any(peer in network for network in profile.match_addresses):
            return profile
    return None


def _keyring_keys(index: DeviceIndex, profile, peer: IPv4Address) -> Keys2:
    rings = set(profile.keyrings) if profile else None
    found = [
        key
        for key in index.device.peer_keys
        if key.ikev2
        and key.peer is not None
        and peer in key.peer
        and (rings is None or key.keyring in rings)
    ]
    local = next((k for k in found if k.direction in (None, "local")), None)
    remote = next((k for k in found if k.direction in (None, "remote")), None)
    return Keys2(
        local=local.key if local else None,
        remote=remote.key if remote else None,
        local_line=local.origin if local else None,
        remote_line=remote.origin if remote else None,
        decided=profile.origin if profile else None,
        how=f"IKEv2 profile {profile.name}" if profile else "no profile",
    )


def identity_of(device: Device) -> str:
    """What an IKEv2 peer sends as IDi/IDr: auto means the address."""
    value = str(device.isakmp_identity.value or "auto").split()[0].lower()
    return "address" if value in ("auto", "address") else value


# --- step 3: IKE_AUTH arrives ------------------------------------------------


def auth_arrives(walk: Walk) -> Outcome:
    back = msg2(walk)
    if isinstance(back, Fault):
        return _at(back, "auth_lost")
    mine = keys2(walk, INITIATOR, walk.leg.peer, "address")
    if mine.problem or not _usable(mine.local):
        return Fault(
            "ikev2-psk-missing",
            INITIATOR,
            f"{walk.initiator.name} ({mine.how}) has no local key to sign"
            " its IKE_AUTH",
            initiator_lines=lines(
                mine.decided, attribute(walk.initiator.entry, "peer")
            ),
            responder_lines=lines(counterpart(walk)),
            point="auth_lost",
        )
    walk.keys = (mine,)
    return Passed(
        f"IKE_AUTH leaves {walk.initiator.name} signed ({mine.how})",
        lines(mine.local_line),
    )


def _usable(key: PreSharedKey | None) -> bool:
    return key is not None and _has_key(key)


def _at(fault: Fault, point: str) -> Fault:
    return Fault(
        fault.cause,
        fault.side,
        fault.detail,
        fault.initiator_lines,
        fault.responder_lines,
        fault.certain,
        point,
        fault.condition,
    )


# --- step 4: the responder finds the peer ------------------------------------


def peer(walk: Walk) -> Outcome:
    identity = identity_of(walk.initiator.device)
    theirs = keys2(walk, RESPONDER, walk.initiator.address, identity)
    fault = _peer_fault(walk, theirs, identity) or _protocols(walk, theirs)
    if fault is not None:
        return fault
    walk.keys = (walk.keys[0], theirs)
    return Passed(
        f"{walk.responder.name} finds the initiator ({theirs.how})",
        lines(theirs.decided, theirs.remote_line),
    )


def _peer_fault(walk: Walk, theirs: Keys2, identity: str) -> Fault | None:
    if theirs.problem is None and _usable(theirs.remote):
        return None
    cause = theirs.problem or "ikev2-psk-missing"
    side = BOTH if cause == "ike-version-mismatch" else RESPONDER
    mine = lines(attribute(walk.initiator.entry, "peer"))
    if cause == "ikev2-identity-mismatch" and identity != "address":
        # The initiator sends a name where the profiles match addresses.
        side = BOTH
        mine = lines(walk.initiator.device.isakmp_identity.origin, *mine)
    return Fault(
        cause,
        side,
        f"{walk.responder.name}: {theirs.how}"
        + ("" if theirs.problem else ", and no remote key to check the peer"),
        initiator_lines=mine,
        responder_lines=lines(theirs.decided, counterpart(walk)),
        point="peer",
    )


def _protocols(walk: Walk, theirs: Keys2) -> Fault | None:
    device = walk.responder.device
    if device.platform == Platform.IOS:
        return None
    group = _group_of(walk.responder.index, walk.initiator.address)
    name = group.default_group_policy if group else None
    policy = device.group_policies.get(name or DEFAULT_GROUP_POLICY)
    protocols, line = _inherited(device, policy)
    if "ikev2" in protocols:
        return None
    return Fault(
        "vpn-tunnel-protocol-excludes",
        RESPONDER,
        f"group-policy {policy.name if policy else DEFAULT_GROUP_POLICY}"
        " does not list ikev2 in vpn-tunnel-protocol",
        initiator_lines=lines(attribute(walk.initiator.entry, "peer")),
        responder_lines=lines(line, theirs.decided),
        point="peer",
    )


def _group_of(index: DeviceIndex, address: IPv4Address | None):
    group = index.tunnel_group(str(address)) if address else None
    return group or index.tunnel_group(DEFAULT_L2L)


def _inherited(
    device: Device, policy
) -> tuple[tuple[str, ...], Origin | None]:
    if policy is not None and policy.vpn_tunnel_protocols is not None:
        return policy.vpn_tunnel_protocols, policy.vpn_tunnel_protocol_origin
    default = device.group_policies.get(DEFAULT_GROUP_POLICY)
    if default is not None and default.vpn_tunnel_protocols is not None:
        return default.vpn_tunnel_protocols, default.vpn_tunnel_protocol_origin
    return DEFAULT_PROTOCOLS, None


# --- step 5: the initiator's key, checked by the responder -------------------


def initiator_key(walk: Walk) -> Outcome:
    mine, theirs = walk.keys
    return _compare(
        walk,
        (mine.local, mine.local_line),
        (theirs.remote, theirs.remote_line),
        "initiator_key",
        "the initiator's local key and the responder's remote key",
    )


def _compare(walk, first, second, point: str, what: str) -> Outcome:
    (key, line), (other, other_line) = first, second
    assert key is not None and other is not None
    equal = key.equals(other)
    if equal is None:
        walk.assumption = walk.assumption or "psk-unverifiable"
        walk.assume(condition_for(key, other) + f" ({what})")
    if equal is not False:
        return Passed(f"{what} agree", lines(line, other_line))
    half_open = point == "half_open"
    mine, theirs = (other_line, line) if half_open else (line, other_line)
    return Fault(
        "ikev2-auth-mismatch",
        BOTH,
        f"{what} differ",
        initiator_lines=lines(mine),
        responder_lines=lines(theirs),
        certain=not half_open,
        point=point,
        condition="a key that fails only on the way back leaves the tunnel"
        " half open (inferred)"
        if half_open
        else None,
    )


# --- step 6: the first child SA ----------------------------------------------


def child(walk: Walk) -> Outcome:
    rules = Rules(_child_offer, refused="ts-unacceptable")
    outcome = choose_entry(walk, rules)
    if isinstance(outcome, Fault):
        return _at(outcome, "child")
    if walk.chosen is not None:
        _rekey(walk, walk.chosen)
    return outcome


def child_proposals(
    device: Device, entry: CryptoMapEntry
) -> list[ChildProposal]:
    found = []
    for name in entry.ikev2_proposals:
        if name in device.ipsec_proposals:
            proposal = device.ipsec_proposals[name]
            found.append(
                child_proposal(proposal.encryptions, proposal.integrities)
            )
        elif name in device.transform_sets:
            one = transform(device.transform_sets[name])
            found.append(
                child_proposal(
                    (one.encryption or "null",), (one.integrity or "null",)
                )
            )
    return found


def _child_offer(walk: Walk, chosen: CryptoMapEntry) -> Fault | None:
    initiator = walk.initiator
    assert initiator.entry is not None
    offered = child_proposals(initiator.device, initiator.entry)
    wanted = child_proposals(walk.responder.device, chosen)
    if any(mine.shares(theirs) for mine in offered for theirs in wanted):
        return None
    gap = _child_gap(offered, wanted)
    return Fault(
        "ikev2-child-proposal-mismatch",
        BOTH if wanted else RESPONDER,
        f"no IPsec proposal of {walk.responder.name} {chosen.label} shares"
        f" {gap} with {initiator.entry.label}",
        initiator_lines=lines(
            *_proposal_lines(initiator.device, initiator.entry, gap)
        ),
        responder_lines=lines(
            *_proposal_lines(walk.responder.device, chosen, gap)
        ),
    )


def _child_gap(offered, wanted) -> str:
    """Which transform no pair of proposals has in common."""
    if not any(m.encryptions & t.encryptions for m in offered for t in wanted):
        return "encryption"
    if not any(m.integrities & t.integrities for m in offered for t in wanted):
        return "integrity"
    return "encryption and integrity"


def _proposal_lines(device: Device, entry: CryptoMapEntry, gap: str):
    """The lines of the entry's proposals that set the missing transform
    (where the parser kept them), the map's line naming them, then the
    proposals (or IOS transform sets) themselves."""
    named = [
        device.ipsec_proposals[name]
        for name in entry.ikev2_proposals
        if name in device.ipsec_proposals
    ]
    kept = [p.attribute_origins.get(gap.split()[0]) for p in named[:2]]
    sets = [
        device.transform_sets[name].origin
        for name in entry.ikev2_proposals
        if name in device.transform_sets
    ]
    headers = [p.origin for p in named[:2]] + sets[:2]
    return [*kept, proposal_line(entry), *headers]


def _rekey(walk: Walk, chosen: CryptoMapEntry) -> None:
    """PFS is matched like any transform at the first rekey: one-sided or
    different groups lose the child SA then, not at setup."""
    initiator = walk.initiator
    assert initiator.entry is not None
    mine = pfs_offered(initiator.device, initiator.entry).groups
    theirs = pfs_offered(walk.responder.device, chosen).groups
    if mine == theirs:
        return
    side = BOTH if mine and theirs else INITIATOR if mine else RESPONDER
    walk.assumption = walk.assumption or "ikev2-pfs-mismatch"
    walk.assume("PFS is matched only at the first rekey (inferred)")
    walk.warn(
        Fault(
            "ikev2-pfs-mismatch",
            side,
            "PFS differs: the child SA is lost at its first rekey",
            initiator_lines=lines(attribute(initiator.entry, "pfs"))
            if mine
            else (),
            responder_lines=lines(attribute(chosen, "pfs")) if theirs else (),
        )
    )


# --- step 7: the responder's key, checked by the initiator -------------------


def responder_key(walk: Walk) -> Outcome:
    fault = _responder_identity(walk)
    if fault is not None:
        return fault
    mine, theirs = walk.keys
    if not _usable(theirs.local):
        return Fault(
            "ikev2-psk-missing",
            RESPONDER,
            f"{walk.responder.name} ({theirs.how}) has no local key to sign"
            " its IKE_AUTH answer",
            initiator_lines=lines(mine.remote_line),
            responder_lines=lines(theirs.decided),
            certain=False,
            point="responder_local",
        )
    if not _usable(mine.remote):
        return Fault(
            "ikev2-psk-missing",
            INITIATOR,
            f"{walk.initiator.name} ({mine.how}) has no remote key to check"
            " the answer",
            initiator_lines=lines(mine.decided),
            responder_lines=lines(theirs.local_line),
            certain=False,
            point="half_open",
        )
    return _compare(
        walk,
        (theirs.local, theirs.local_line),
        (mine.remote, mine.remote_line),
        "half_open",
        "the responder's local key and the initiator's remote key",
    )


def _responder_identity(walk: Walk) -> Fault | None:
    """An IOS initiator checks IDr against the profile its map names,
    after the responder has installed its SAs: half open (observed on
    IOS XE for an identity mismatch)."""
    initiator = walk.initiator
    if initiator.device.platform != Platform.IOS or initiator.entry is None:
        return None
    profiles = initiator.device.isakmp_profiles
    profile = profiles.get(initiator.entry.ikev2_profile or "")
    if profile is None or not profile.match_addresses:
        return None
    identity = identity_of(walk.responder.device)
    peer = walk.leg.peer
    if peer and _matching_profile([profile], peer, identity):
        return None
    return Fault(
        "ikev2-identity-mismatch",
        INITIATOR,
        f"{initiator.name}: IKEv2 profile {profile.name} does not match the"
        f" responder's {identity} {peer if identity == 'address' else ''}",
        initiator_lines=lines(_match_line(profile)),
        responder_lines=lines(_address_line(walk, RESPONDER)),
        point="half_open",
    )


STEPS_V2: tuple[tuple[str, Callable[[Walk], Outcome]], ...] = (
    ("sa_init", sa_init),
    ("proposal", proposal),
    ("auth", auth_arrives),
    ("peer", peer),
    ("initiator_key", initiator_key),
    ("child", child),
    ("responder_key", responder_key),
)


def open_questions(walk: Walk, point: str, states: tuple[str, str]) -> None:
    """IKEV2.md section 7: what an ASA prints while stuck, and whether an
    ASA responder deletes the IKE SA when the first child SA fails."""
    ends = (walk.initiator, walk.responder)
    for end, state in zip(ends, states, strict=True):
        if state == "IN-NEG" and end.device.platform != Platform.IOS:
            walk.assume(
                f"{end.name} is taken to show IN-NEG while it retries;"
                " what an ASA prints then is not known"
            )
    if point == "child" and walk.responder.device.platform != Platform.IOS:
        walk.assume(
            "an ASA responder is taken to delete the IKE SA with the"
            " refused child SA, as IOS XE does (uncertain)"
        )
