"""Step 7: the SAs are up; does traffic flow both ways?

ESP must first cross any NAT between the peers (`natt`). The responder must send its return traffic out of the crypto interface
and leave it untranslated (the initiator's side was checked at the
trigger), and each side must let the decrypted traffic in: `sysopt
connection permit-vpn` lets it bypass the interface ACL, otherwise the
interface ACL must permit it; a vpn-filter on the tunnel-group's
group-policy applies either way.
"""

from __future__ import annotations

from ipaddress import IPv4Network

from asalint.addresses import ProxyIdentity, permits
from asalint.model import Origin
from asalint.negotiate.index import DEFAULT_L2L
from asalint.negotiate.nat import evaluate
from asalint.negotiate.natt import nat_t_fault
from asalint.negotiate.phase1 import arrival_interfaces
from asalint.negotiate.routing import (
    arrival,
    egress,
    learned,
    same_interface,
)
from asalint.negotiate.states import Family
from asalint.negotiate.trigger import nat_fault
from asalint.negotiate.walk import End, Fault, Outcome, Passed, Walk, lines
from asalint.results import Side

INITIATOR, RESPONDER = Side.INITIATOR, Side.RESPONDER
DEFAULT_GROUP_POLICY = "DfltGrpPolicy"


def traffic(walk: Walk) -> Outcome:
    proposal = walk.proposals[0]
    fault = (
        nat_t_fault(walk)
        or _return_route(walk, proposal)
        or _return_nat(walk, proposal)
        or _decrypted(walk, RESPONDER, proposal.local, proposal.remote)
        or _decrypted(walk, INITIATOR, proposal.remote, proposal.local)
    )
    if fault is not None:
        return fault
    return Passed(
        f"{proposal.local} <-> {proposal.remote} flows both ways",
        lines(proposal.entry.origin),
    )


def _return_route(walk: Walk, proposal: ProxyIdentity) -> Fault | None:
    index = walk.responder.index
    route = egress(index, proposal.local)
    crypto = arrival_interfaces(walk)
    if route is None and learned(walk, RESPONDER, proposal.local):
        return None
    if route is not None and any(
        same_interface(route.interface, name) for name in crypto
    ):
        return None
    where = f"out of {route.interface}" if route else "nowhere (no route)"
    return Fault(
        "no-route-to-protected-network",
        RESPONDER,
        f"{walk.responder.name} routes {proposal.local} {where}, not out"
        f" of {walk.responder.interface_key}",
        initiator_lines=lines(proposal.entry.origin),
        responder_lines=lines(route.cite if route else None, _chosen(walk)),
    )


def _return_nat(walk: Walk, proposal: ProxyIdentity) -> Fault | None:
    index = walk.responder.index
    outcome = evaluate(
        index,
        proposal.remote,
        proposal.local,
        arrival(index, proposal.remote),
        walk.responder.interface_key,
    )
    if outcome.passes:
        return None
    return nat_fault(walk, RESPONDER, proposal, outcome)


def _chosen(walk: Walk) -> Origin | None:
    return walk.chosen.origin if walk.chosen else None


def _decrypted(
    walk: Walk, side: Side, source: IPv4Network, destination: IPv4Network
) -> Fault | None:
    """Decrypted traffic from `source` (the peer's side) reaching this
    side's `destination`."""
    end = walk.end(side)
    blocked = _interface_acl(walk, end, source, destination)
    if blocked is None:
        blocked = _vpn_filter(walk, side, source, destination)
    if blocked is None:
        return None
    detail, origins = blocked
    mine, other = lines(*origins), lines(_other_line(walk, side))
    return Fault(
        "vpn-traffic-blocked",
        side,
        f"{end.name}: decrypted {source} -> {destination} {detail}",
        initiator_lines=mine if side == INITIATOR else other,
        responder_lines=mine if side == RESPONDER else other,
    )


def _other_line(walk: Walk, side: Side) -> Origin | None:
    other = walk.end(Side.RESPONDER if side == INITIATOR else INITIATOR)
    return other.entry.origin if other.entry else None


def _interface_acl(walk, end: End, source, destination):
    """(why, lines) when permit-vpn is off and the interface ACL does not
    let the flow in; the explicit `no sysopt` line comes first."""
    setting = end.device.permit_vpn
    if setting.value is not False:
        if setting.is_default:
            _assume_default(walk, end)
        return None
    interface = end.interface
    name = interface.access_group_in if interface else None
    if not name:
        where = interface.origin if interface else None
        return (
            "is dropped: permit-vpn is off and no access-group permits it",
            (setting.origin, where),
        )
    acl = end.index.acl(name)
    allowed, entry = permits(acl, source, destination)
    if allowed:
        return None
    # The implicit deny has no line: cite the access-group that applies
    # the ACL, or its first entry.
    applied = end.device.acl_uses.get(name) or (acl[0].origin if acl else None)
    return (
        f"is denied by access-list {name} (permit-vpn is off)",
        (setting.origin, entry.origin if entry else applied),
    )


def _assume_default(walk: Walk, end: End) -> None:
    default = end.device.default_used("sysopt-connection-permit-vpn")
    if default is not None and default.uncertain:
        walk.assume(
            f"{end.name}: permit-vpn taken as {default.value} by default"
            " (uncertain for this release)"
        )


def _vpn_filter(walk: Walk, side: Side, source, destination):
    end = walk.end(side)
    if end.family != Family.ASA:
        return None
    peer = walk.end(RESPONDER if side == INITIATOR else INITIATOR).address
    policy = _group_policy(end, str(peer) if peer else None)
    if policy is None or not policy.vpn_filter:
        return None
    # An L2L vpn-filter ACL names the remote network as its source.
    allowed, entry = permits(
        end.index.acl(policy.vpn_filter), source, destination
    )
    if allowed:
        return None
    return (
        (
            f"is denied by vpn-filter {policy.vpn_filter} of group-policy"
            f" {policy.name}"
        ),
        (entry.origin if entry else policy.origin,),
    )


def _group_policy(end: End, peer: str | None):
    groups = end.device.tunnel_groups
    group = groups.get(peer) if peer else None
    group = group or groups.get(DEFAULT_L2L)
    name = group.default_group_policy if group else None
    return end.device.group_policies.get(name or DEFAULT_GROUP_POLICY)
