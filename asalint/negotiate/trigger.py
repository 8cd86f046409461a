"""Step 0: would the initiator send anything at all?

The checks run in the design's order, so that a structural fault (a map
bound nowhere) is named before its consequences (no traffic reaching
it). Any failure here leaves both sides without an SA.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from asalint.addresses import ANY, ProxyIdentity, proposals
from asalint.model import Origin
from asalint.negotiate.algorithms import builtin_policies
from asalint.negotiate.nat import Verdict, evaluate
from asalint.negotiate.routing import (
    arrival,
    egress,
    learned,
    named_by_a_route,
    reached_inside,
)
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

INITIATOR = Side.INITIATOR


def trigger(walk: Walk) -> Outcome:
    for check in CHECKS:
        fault = check(walk)
        if fault is not None:
            return fault
    entry = walk.initiator.entry
    assert entry is not None
    return Passed(
        f"traffic {walk.proposals[0].label()} triggers {entry.label}"
        f" out of {walk.initiator.interface_key}",
        lines(entry.origin, walk.proposals[0].entry.origin),
    )


def _fault(walk: Walk, cause: str, detail: str, *origins) -> Fault:
    return Fault(
        cause,
        INITIATOR,
        detail,
        initiator_lines=lines(*origins),
        responder_lines=lines(counterpart(walk)),
    )


def counterpart(walk: Walk) -> Origin | None:
    """The responder's line for this tunnel: its entry naming the
    initiator, else the address the initiator sends to."""
    responder, address = walk.responder.index, walk.initiator.address
    for entry in responder.entries_by_peer.get(address, ()) if address else ():
        return attribute(entry, "peer")
    interface = walk.responder.interface
    if interface is None:
        return None
    return interface.address_origin or interface.origin


# --- the checks, in the design's order --------------------------------------


def _dynamic(walk: Walk) -> Fault | None:
    # A dynamic entry answers only: its leg exists because it answered,
    # so its map is bound and IKE enabled there.
    entry = walk.initiator.entry
    if entry is None or not entry.dynamic:
        return None
    return _fault(
        walk,
        "dynamic-map-only",
        f"{walk.initiator.name} answers through dynamic map {entry.map}"
        f" and has no static entry for {walk.leg.peer}: it never initiates",
        entry.origin,
    )


def _bound(walk: Walk) -> Fault | None:
    entry = walk.initiator.entry
    assert entry is not None
    if walk.initiator.index.bound_interfaces(entry.map):
        return None
    return _fault(
        walk,
        "crypto-map-not-applied",
        f"crypto map {entry.map} is bound to no interface",
        entry.origin,
    )


def _interface_up(walk: Walk) -> Fault | None:
    # A map on an interface without an address, or shut down, sends
    # nothing: it is as good as bound nowhere.
    interface = walk.initiator.interface
    if interface is None:
        return None
    has_address = interface.address or interface.assigned_address
    if has_address and not interface.shutdown:
        return None
    why = "is shut down" if interface.shutdown else "has no address"
    entry = walk.initiator.entry
    binding = walk.initiator.index.map_on.get(
        (walk.initiator.interface_key or "").lower()
    )
    return _fault(
        walk,
        "crypto-map-not-applied",
        f"crypto map {entry.map if entry else ''} is bound to"
        f" {walk.initiator.interface_key}, which {why}",
        binding.origin if binding else None,
        interface.origin,
    )


def _ike_enabled(walk: Walk) -> Fault | None:
    interface = walk.initiator.interface
    index = walk.initiator.index
    if interface is None or index.enabled(interface, walk.version):
        return None
    binding = index.map_on.get((walk.initiator.interface_key or "").lower())
    return _fault(
        walk,
        "ike-not-enabled",
        f"IKEv{walk.version} is not enabled on {walk.initiator.interface_key}",
        binding.origin if binding else interface.origin,
    )


def _acl_exists(walk: Walk) -> Fault | None:
    entry = walk.initiator.entry
    assert entry is not None
    if not entry.acl or entry.acl in walk.initiator.device.acls:
        return None
    return _fault(
        walk,
        "crypto-acl-missing",
        f"access-list {entry.acl} of {entry.label} is not defined",
        attribute(entry, "match"),
    )


def _transform_sets_exist(walk: Walk) -> Fault | None:
    entry = walk.initiator.entry
    assert entry is not None
    device = walk.initiator.device
    names, line = entry.transform_sets, attribute(entry, "transform-set")
    known = set(device.transform_sets)
    if walk.version == 2:
        names, line = entry.ikev2_proposals, proposal_line(entry)
        known |= set(device.ipsec_proposals)
    if not names or any(name in known for name in names):
        return None
    what = "IKEv2 proposal" if walk.version == 2 else "transform set"
    return _fault(
        walk,
        "transform-set-missing",
        f"{what} {', '.join(names)} of {entry.label} is not defined",
        line,
    )


def _complete(walk: Walk) -> Fault | None:
    entry = walk.initiator.entry
    assert entry is not None
    missing = [
        what
        for what, present in (
            ("match address", entry.acl),
            ("set peer", entry.peers or entry.peer_hostnames),
            _offers_of(walk),
        )
        if not present
    ]
    if not missing:
        return None
    return _fault(
        walk,
        "crypto-map-incomplete",
        f"{entry.label} has no {' and no '.join(missing)}",
        entry.origin,
    )


def _offers_of(walk: Walk) -> tuple[str, object]:
    entry = walk.initiator.entry
    assert entry is not None
    if walk.version == 2:
        return "IKEv2 proposal", entry.ikev2_proposals
    return "transform set", entry.transform_sets


def _answer_only(walk: Walk) -> Fault | None:
    entry = walk.initiator.entry
    assert entry is not None
    if entry.connection_type.value != "answer-only":
        return None
    return _fault(
        walk,
        "answer-only",
        f"{entry.label} is answer-only: it never initiates",
        attribute(entry, "connection-type"),
    )


def _ike_policy(walk: Walk) -> Fault | None:
    if walk.version == 2:
        return _ikev2_policy(walk)
    device = walk.initiator.device
    builtins = builtin_policies(device)
    if device.ikev1_policies or builtins.policies:
        return None
    binding = walk.initiator.index.map_on.get(
        (walk.initiator.interface_key or "").lower()
    )
    return _fault(
        walk,
        "no-ike-policy",
        f"no IKEv1 policy is configured ({builtins.why})",
        walk.initiator.index.ike_enable_line(walk.initiator.interface)
        if walk.initiator.interface
        else None,
        binding.origin if binding else None,
    )


def _ikev2_policy(walk: Walk) -> Fault | None:
    # ASA 8.4 and later have no default IKEv2 policy; IOS has its smart
    # defaults unless they were removed.
    device = walk.initiator.device
    smart = device.default_used("ikev2-default-proposal") is not None
    if device.ikev2_policies or smart:
        return None
    entry = walk.initiator.entry
    interface = walk.initiator.interface
    return _fault(
        walk,
        "ikev2-no-policy",
        "no IKEv2 policy is configured, and there is no default",
        attribute(entry, "match"),
        walk.initiator.index.ike_enable_line(interface, 2)
        if interface
        else None,
    )


def _acl_source(walk: Walk) -> Fault | None:
    entry = walk.initiator.entry
    assert entry is not None
    index, crypto = walk.initiator.index, walk.initiator.interface_key
    acl = index.acl(entry.acl)
    found = proposals(acl)
    kept = [p for p in found if reached_inside(index, p.local, crypto)]
    if kept:
        walk.proposals = tuple(kept)
        return None
    unknown = [p for p in found if _source_unknown(walk, p)]
    if unknown and learned(walk, INITIATOR, "the crypto ACL's sources"):
        walk.proposals = tuple(unknown)
        return None
    first = acl[0].origin if acl else attribute(entry, "match")
    fault = _fault(
        walk,
        "crypto-acl-mismatch",
        _mismatch_detail(entry.acl, acl, crypto),
        first,
    )
    if not unknown:
        return fault
    return replace(
        fault,
        certain=False,
        condition="no route names the ACL's source networks: they are"
        " taken to lie behind the crypto interface (uncertain)",
    )


def _source_unknown(walk: Walk, proposal: ProxyIdentity) -> bool:
    """No route says where the source is, and nothing says the ACL is
    reversed (its destination is not this device's own network)."""
    index, crypto = walk.initiator.index, walk.initiator.interface_key
    if named_by_a_route(index, proposal.local):
        return False
    remote = proposal.remote
    return remote == ANY or not reached_inside(index, remote, crypto)


def _mismatch_detail(name, acl, crypto) -> str:
    if any(ace.bad_wildcards for ace in acl):
        return (
            f"access-list {name} has a mask where IOS wants a wildcard:"
            " it matches no traffic"
        )
    return (
        f"no source of access-list {name} is a network behind an"
        f" interface other than {crypto}: it matches no outbound traffic"
    )


def _routed_out(walk: Walk) -> Fault | None:
    index, crypto = walk.initiator.index, walk.initiator.interface_key
    kept = [
        proposal
        for proposal in walk.proposals
        if _exits(walk, proposal.remote, crypto)
    ]
    if kept:
        walk.proposals = tuple(kept)
        return None
    first = walk.proposals[0]
    route = egress(index, first.remote)
    where = f"out of {route.interface}" if route else "nowhere (no route)"
    return _fault(
        walk,
        "no-route-to-protected-network",
        f"traffic to {first.remote} is routed {where}, not out of {crypto}",
        route.cite if route else None,
        first.entry.origin,
    )


def _exits(walk: Walk, network, crypto: str | None) -> bool:
    route = egress(walk.initiator.index, network)
    if route is None:
        return learned(walk, INITIATOR, "the protected networks")
    return (route.interface or "").lower() == (crypto or "").lower()


def _nat(walk: Walk) -> Fault | None:
    results = [(p, nat_outcome(walk, p)) for p in walk.proposals]
    kept = [p for p, outcome in results if outcome.passes]
    if kept:
        # The tunnel comes up for the exempt networks; the others are
        # translated before the crypto map and never reach it.
        for proposal, outcome in results:
            if not outcome.passes:
                walk.warn(nat_fault(walk, INITIATOR, proposal, outcome))
        walk.proposals = tuple(kept)
        return None
    proposal, outcome = results[0]
    return nat_fault(walk, INITIATOR, proposal, outcome)


def nat_outcome(walk: Walk, proposal: ProxyIdentity):
    index = walk.initiator.index
    return evaluate(
        index,
        proposal.local,
        proposal.remote,
        arrival(index, proposal.local),
        walk.initiator.interface_key,
    )


def nat_fault(walk: Walk, side: Side, proposal, outcome) -> Fault:
    """A NAT outcome that stops the flow, as a fault on `side`."""
    end = walk.end(side)
    rule = outcome.rule
    cause, detail = _nat_words(outcome, end.interface_key)
    mine = lines(
        rule.origin if rule else None,
        outcome.shadowed.origin if outcome.shadowed else None,
        proposal.entry.origin if side == INITIATOR else None,
    )
    other = lines(counterpart(walk)) if side == INITIATOR else ()
    return Fault(
        cause,
        side,
        f"{proposal.local} -> {proposal.remote}: {detail}"
        if side == INITIATOR
        else f"{proposal.remote} -> {proposal.local}: {detail}",
        initiator_lines=mine if side == INITIATOR else other,
        responder_lines=mine if side != INITIATOR else other,
    )


def _nat_words(outcome, crypto: str | None) -> tuple[str, str]:
    if outcome.verdict == Verdict.DIVERTED:
        return (
            "no-route-to-protected-network",
            (
                f"identity NAT without route-lookup sends it out of"
                f" {outcome.rule.mapped_interface}, not {crypto}"
            ),
        )
    if outcome.verdict == Verdict.DROPPED:
        return (
            "nat-exemption-missing",
            "no NAT rule matches and nat-control drops untranslated traffic",
        )
    shadow = " before its exemption" if outcome.shadowed else ""
    return (
        "nat-exemption-missing",
        (
            f"translated by a NAT rule{shadow}, so it no longer matches the"
            " crypto ACL"
        ),
    )


CHECKS: tuple[Callable[[Walk], Fault | None], ...] = (
    _dynamic,
    _bound,
    _interface_up,
    _ike_enabled,
    _acl_exists,
    _transform_sets_exist,
    _complete,
    _answer_only,
    _ike_policy,
    _acl_source,
    _routed_out,
    _nat,
)
