"""Step 6: quick mode. Only the responder decides.

The responder reads the crypto map bound where the request arrived, in
sequence order, and takes the first entry that is dynamic, or static with
the initiator as `set peer`, and whose ACL holds the proposal; that
choice is final, so an early dynamic entry can catch a peer that a later
static entry was written for. Then it needs a transform set in common
and, if it asks for PFS, the same group from the initiator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Address

from asalint.addresses import (
    Acceptance,
    Fit,
    ProxyIdentity,
    accepts,
    proposals,
)
from asalint.model import CryptoMapEntry, Device, Platform
from asalint.negotiate.algorithms import (
    IPSEC_LIFETIME,
    Transform,
    dh_group,
    pfs_default,
    transform,
)
from asalint.negotiate.index import DeviceIndex
from asalint.negotiate.phase1 import arrival_interfaces
from asalint.negotiate.routing import reached_inside
from asalint.negotiate.walk import (
    Fault,
    Outcome,
    Passed,
    Walk,
    attribute,
    lines,
)
from asalint.results import Side

INITIATOR, RESPONDER, BOTH = Side.INITIATOR, Side.RESPONDER, Side.BOTH


@dataclass(frozen=True)
class Selection:
    """The responder's choice for one proposal."""

    entry: CryptoMapEntry | None = None
    acceptance: Acceptance | None = None
    via: CryptoMapEntry | None = None  # the static entry naming a dynamic map
    refused: tuple[CryptoMapEntry, ...] = ()  # entries for the peer, ACL no
    later: CryptoMapEntry | None = None  # a static entry the dynamic hides
    skipped: tuple[CryptoMapEntry, ...] = ()  # incomplete, so never used


OfferCheck = Callable[[Walk, CryptoMapEntry], "Fault | None"]


@dataclass(frozen=True)
class Rules:
    """What differs between IKEv1 quick mode and the IKEv2 child SA."""

    offer: OfferCheck  # the chosen entry's transforms (and PFS)
    refused: str = "proxy-id-mismatch"  # the cause of an ACL refusal


def phase2(walk: Walk) -> Outcome:
    return choose_entry(walk, Rules(_offer_fault))


def choose_entry(walk: Walk, rules: Rules) -> Outcome:
    """Every proposal to the responder's map; the first refusal stops."""
    first: Selection | None = None
    for proposal in walk.proposals:
        selection = select(walk, proposal)
        walk.chosen = walk.chosen or selection.entry
        outcome = _judge(walk, proposal, selection, rules)
        if isinstance(outcome, Fault):
            return outcome
        first = first or selection
    assert first is not None and first.entry is not None
    walk.chosen = first.entry
    _lifetime_note(walk, first.entry)
    return Passed(
        f"{walk.responder.name} answers with {_label(first)}",
        lines(first.entry.origin, *_acl_lines(first), *_pfs_lines(walk)),
    )


def _pfs_lines(walk: Walk):
    """Where either side sets PFS: it decided the outcome too."""
    return [
        attribute(entry, "pfs")
        for entry in (walk.initiator.entry, walk.chosen)
        if entry is not None and (entry.pfs_bare or entry.pfs.value)
    ]


def _label(selection: Selection) -> str:
    assert selection.entry is not None
    if selection.via is not None:
        return f"{selection.via.label} (dynamic {selection.entry.label})"
    return selection.entry.label


def _acl_lines(selection: Selection):
    acceptance = selection.acceptance
    return (
        (acceptance.entry.origin,) if acceptance and acceptance.entry else ()
    )


# --- choosing the responder's entry ------------------------------------------


def responder_map(walk: Walk) -> str | None:
    index = walk.responder.index
    for name in arrival_interfaces(walk):
        binding = index.map_on.get(name.lower())
        if binding is not None:
            return binding.map
    return None


def select(walk: Walk, proposal: ProxyIdentity) -> Selection:
    index, address = walk.responder.index, walk.initiator.address
    map_name = responder_map(walk)
    if map_name is None or address is None:
        return Selection()
    refused: list[CryptoMapEntry] = []
    skipped: list[CryptoMapEntry] = []
    entries = index.entries_for_map(map_name)
    for position, entry in enumerate(entries):
        if not entry.dynamic_map and not _complete(index, entry):
            skipped.append(entry)
            continue
        found = _try(index, entry, address, proposal)
        if found is not None:
            chosen, acceptance = found
            via = entry if entry.dynamic_map else None
            rest = entries[position + 1 :]
            later = _later_static(index, rest, address, proposal)
            return Selection(
                chosen, acceptance, via, tuple(refused), later if via else None
            )
        if address in entry.peers:
            refused.append(entry)
    return Selection(refused=tuple(refused), skipped=tuple(skipped))


def _complete(index: DeviceIndex, entry: CryptoMapEntry) -> bool:
    # An entry without a peer is no candidate at all. One naming the
    # peer whose ACL is undefined holds no proxy (a refusal), and a
    # missing transform set shows only once the entry is chosen.
    return bool(entry.peers)


def _try(
    index: DeviceIndex,
    entry: CryptoMapEntry,
    address: IPv4Address,
    proposal: ProxyIdentity,
) -> tuple[CryptoMapEntry, Acceptance] | None:
    if entry.dynamic_map:
        for dynamic in index.dynamic_entries(entry.dynamic_map):
            acceptance = _dynamic_accepts(index, dynamic, proposal)
            if acceptance.fit is not Fit.NONE:
                return dynamic, acceptance
        return None
    if address not in entry.peers:
        return None
    acceptance = accepts(proposal, index.acl(entry.acl))
    return (entry, acceptance) if acceptance.fit is not Fit.NONE else None


def _dynamic_accepts(
    index: DeviceIndex, entry: CryptoMapEntry, proposal: ProxyIdentity
) -> Acceptance:
    # A dynamic entry without an ACL takes whatever the peer proposes.
    if not entry.acl:
        return Acceptance(Fit.MIRROR)
    return accepts(proposal, index.acl(entry.acl))


def _later_static(index, entries, address, proposal) -> CryptoMapEntry | None:
    for entry in entries:
        if entry.dynamic_map or address not in entry.peers:
            continue
        if not _complete(index, entry):
            continue
        if accepts(proposal, index.acl(entry.acl)).fit is not Fit.NONE:
            return entry
    return None


# --- judging the choice ------------------------------------------------------


def _judge(
    walk: Walk, proposal: ProxyIdentity, selection: Selection, rules: Rules
) -> Fault | None:
    if selection.entry is None:
        if selection.refused:
            refused = selection.refused[0]
            return _proxy_refused(walk, proposal, refused, rules.refused)
        return _no_entry(walk, selection)
    offer = rules.offer(walk, selection.entry)
    if selection.later is not None:
        return _order(walk, selection, offer, rules.offer)
    if offer is not None:
        return offer
    _proxy_notes(walk, proposal, selection)
    return None


def _no_entry(walk: Walk, selection: Selection) -> Fault:
    address = walk.initiator.address
    map_name = responder_map(walk)
    where = f"crypto map {map_name}" if map_name else "no crypto map"
    return Fault(
        "no-crypto-map-for-peer",
        RESPONDER,
        f"{walk.responder.name} has {where} on"
        f" {walk.responder.interface_key} with no usable entry for"
        f" {address} and no dynamic entry",
        initiator_lines=lines(attribute(walk.initiator.entry, "peer")),
        responder_lines=lines(*_no_entry_lines(walk, selection, map_name)),
    )


def _no_entry_lines(walk: Walk, selection: Selection, map_name):
    """The responder's incomplete entries that might have been meant for
    the initiator, its entries for it on other maps, and the binding."""
    index, address = walk.responder.index, walk.initiator.address
    meant = [
        attribute(entry, "match")
        for entry in selection.skipped
        if not entry.peers or address in entry.peers
    ]
    elsewhere = index.entries_by_peer.get(address, []) if address else []
    binding = index.map_on.get((walk.responder.interface_key or "").lower())
    interface = walk.responder.interface
    return [
        *meant[:2],
        *(attribute(entry, "peer") for entry in elsewhere[:2]),
        binding.origin if binding else None,
        interface.origin if interface and not map_name else None,
    ]


def _proxy_refused(
    walk: Walk, proposal: ProxyIdentity, entry: CryptoMapEntry, cause: str
) -> Fault:
    acl = walk.responder.index.acl(entry.acl)
    return Fault(
        cause,
        _proxy_fault_side(walk, acl),
        f"{walk.responder.name} {entry.label} access-list {entry.acl} does"
        f" not hold the mirror of {proposal.label()}",
        initiator_lines=lines(proposal.entry.origin),
        responder_lines=lines(
            acl[0].origin if acl else None, attribute(entry, "match")
        ),
    )


def _proxy_fault_side(walk: Walk, acl) -> Side:
    """The responder alone is at fault when its ACL protects none of its
    own networks (reversed, or a mask for a wildcard); otherwise the two
    ACLs simply differ."""
    index, crypto = walk.responder.index, walk.responder.interface_key
    own = [p for p in proposals(acl) if reached_inside(index, p.local, crypto)]
    return BOTH if own else RESPONDER


def _order(
    walk: Walk, selection: Selection, offer: Fault | None, check: OfferCheck
):
    assert selection.via is not None and selection.later is not None
    walk.order = (selection.via, selection.later)
    static_offer = check(walk, selection.later)
    fault = Fault(
        "crypto-map-order",
        RESPONDER,
        f"{selection.via.label} (dynamic) comes before {selection.later.label}"
        f" and catches {walk.initiator.address}",
        initiator_lines=lines(attribute(walk.initiator.entry, "peer")),
        responder_lines=lines(selection.via.origin, selection.later.origin),
    )
    if offer is not None and static_offer is None:
        return fault
    walk.warn(
        Fault(
            fault.cause,
            fault.side,
            fault.detail + "; its settings happen to match",
            fault.initiator_lines,
            fault.responder_lines,
            level="warning",
        )
    )
    return offer


def _proxy_notes(
    walk: Walk, proposal: ProxyIdentity, selection: Selection
) -> None:
    acceptance = selection.acceptance
    if acceptance is None or acceptance.fit is not Fit.INSIDE:
        return
    if walk.responder.device.platform != Platform.IOS:
        walk.assume(
            "a proposal inside the responder's ACL entry is accepted"
            " (documented for IOS; uncertain on the ASA)"
        )
    # Established, but only because the proposal fits: the non-mirror is
    # what the prediction hangs on, unless something earlier already did.
    walk.assumption = walk.assumption or "proxy-id-not-mirrored"
    walk.warn(
        Fault(
            "proxy-id-not-mirrored",
            BOTH,
            f"{proposal.label()} lies inside, but is not the mirror of,"
            f" {walk.responder.name} access-list {_acl_name(acceptance)}",
            initiator_lines=lines(proposal.entry.origin),
            responder_lines=lines(
                acceptance.entry.origin if acceptance.entry else None
            ),
        )
    )


# --- what the chosen entry asks for ------------------------------------------


def _acl_name(acceptance: Acceptance) -> str:
    return acceptance.entry.acl if acceptance.entry else ""


def _offer_fault(walk: Walk, chosen: CryptoMapEntry) -> Fault | None:
    return _transforms(walk, chosen) or _pfs(walk, chosen)


def transforms_of(device: Device, entry: CryptoMapEntry) -> list[Transform]:
    return [
        transform(device.transform_sets[name])
        for name in entry.transform_sets
        if name in device.transform_sets
    ]


def _transforms(walk: Walk, chosen: CryptoMapEntry) -> Fault | None:
    initiator = walk.initiator
    assert initiator.entry is not None
    offered = transforms_of(initiator.device, initiator.entry)
    wanted = transforms_of(walk.responder.device, chosen)
    if any(one in wanted for one in offered):
        return None
    # An entry whose sets are all undefined is the responder's fault
    # alone; two valid but different sets are a disagreement.
    return Fault(
        "transform-set-mismatch",
        BOTH if wanted and offered else RESPONDER if offered else BOTH,
        f"no transform set of {walk.responder.name} {chosen.label} equals"
        f" one of {initiator.entry.label} (encryption, integrity, mode)",
        initiator_lines=lines(attribute(initiator.entry, "transform-set")),
        responder_lines=lines(attribute(chosen, "transform-set")),
    )


@dataclass(frozen=True)
class Pfs:
    groups: frozenset[int] | None  # None: PFS off
    uncertain: bool = False
    why: str = ""


def pfs_wanted(device: Device, entry: CryptoMapEntry) -> Pfs:
    """The groups a responder entry accepts (None: it asks for none)."""
    if entry.pfs_bare:
        default = pfs_default(device)
        return Pfs(default.accepts, default.uncertain, default.why)
    group = dh_group(entry.pfs.value)
    return Pfs(frozenset({group}) if group is not None else None)


def pfs_offered(device: Device, entry: CryptoMapEntry) -> Pfs:
    if entry.pfs_bare:
        default = pfs_default(device)
        return Pfs(frozenset({default.offers}), default.uncertain, default.why)
    group = dh_group(entry.pfs.value)
    return Pfs(frozenset({group}) if group is not None else None)


def _pfs(walk: Walk, chosen: CryptoMapEntry) -> Fault | None:
    initiator = walk.initiator
    assert initiator.entry is not None
    wanted = pfs_wanted(walk.responder.device, chosen)
    if wanted.groups is None:
        return None  # a responder without PFS accepts an offer of it
    offered = pfs_offered(initiator.device, initiator.entry)
    for pfs in (wanted, offered):
        if pfs.uncertain:
            walk.assume(pfs.why + " (uncertain)")
    if offered.groups and offered.groups & wanted.groups:
        return None
    # A responder that requires PFS the initiator does not offer is the
    # one to change; two different groups are a disagreement.
    return Fault(
        "pfs-mismatch",
        BOTH if offered.groups else RESPONDER,
        f"{walk.responder.name} {chosen.label} requires PFS"
        f" {_groups(wanted)}; {initiator.entry.label} offers"
        f" {_groups(offered) if offered.groups else 'none'}",
        initiator_lines=lines(
            attribute(initiator.entry, "pfs")
            if offered.groups
            else initiator.entry.origin
        ),
        responder_lines=lines(attribute(chosen, "pfs")),
        certain=not (wanted.uncertain or offered.uncertain),
    )


def _groups(pfs: Pfs) -> str:
    return " or ".join(f"group{group}" for group in sorted(pfs.groups or ()))


def _lifetime_note(walk: Walk, chosen: CryptoMapEntry) -> None:
    initiator = walk.initiator
    assert initiator.entry is not None
    mine, theirs = initiator.entry.lifetime_seconds, chosen.lifetime_seconds
    if mine.is_default and theirs.is_default:
        return
    first = mine.value or IPSEC_LIFETIME[initiator.device.platform]
    second = theirs.value or IPSEC_LIFETIME[walk.responder.device.platform]
    if first == second:
        return
    walk.warn(
        Fault(
            "ipsec-lifetime-mismatch",
            BOTH,
            f"IPsec SA lifetimes differ: {first} s and {second} s; the"
            " shorter is used",
            initiator_lines=lines(mine.origin),
            responder_lines=lines(theirs.origin),
        )
    )
