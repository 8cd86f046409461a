"""What to change, in config syntax, on which side, for each cause."""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv4Address

from asalint.negotiate import fixes_identity, syntax
from asalint.negotiate.phase1 import offers
from asalint.negotiate.phase2 import responder_map, transforms_of
from asalint.negotiate.walk import End, Fault, Walk
from asalint.results import Fix, Side

INITIATOR, RESPONDER, BOTH = Side.INITIATOR, Side.RESPONDER, Side.BOTH


def fixes_for(walk: Walk, fault: Fault) -> tuple[Fix, ...]:
    build = FIXES.get(fault.cause)
    if build is None:
        return ()
    return tuple(fix for fix in build(walk, fault) if fix.commands)


def _fix(end: End, commands: list[str], why: str) -> Fix:
    return Fix(path=end.device.path, commands=tuple(commands), why=why)


def _side(walk: Walk, fault: Fault) -> End:
    return walk.responder if fault.side == RESPONDER else walk.initiator


def _entry_name(end: End) -> tuple[str, int]:
    entry = end.entry
    assert entry is not None
    return entry.map, entry.sequence


# --- trigger -----------------------------------------------------------------


def _bind(walk: Walk, fault: Fault) -> list[Fix]:
    end = walk.initiator
    name, _ = _entry_name(end)
    interface = _outside_name(end, walk.leg.peer)
    return [
        _fix(end, syntax.bind_map(end.device, name, interface), "bind the map")
    ]


def _outside_name(end: End, peer: IPv4Address | None) -> str:
    route = end.index.routing.lookup(peer) if peer else None
    if route and route.interface:
        return route.interface
    return end.interface_key or "<interface>"


def _enable(walk: Walk, fault: Fault) -> list[Fix]:
    end = _side(walk, fault)
    interface = end.interface_key or "<interface>"
    return [
        _fix(end, syntax.enable_ike(end.device, interface), "enable IKEv1")
    ]


def _acl(walk: Walk, fault: Fault) -> list[Fix]:
    end = walk.initiator
    assert end.entry is not None and end.entry.acl
    pairs = _mirror_pairs(walk)
    commands = [
        line
        for local, remote in pairs
        for line in syntax.acl_entry(end.device, end.entry.acl, local, remote)
    ]
    return [_fix(end, commands, "protect local -> remote networks")]


def _mirror_pairs(walk: Walk):
    """(local, remote) networks for the initiator, read off the peer's
    crypto ACL for this tunnel, mirrored."""
    responder = walk.responder.index
    address = walk.initiator.address
    for entry in responder.entries_by_peer.get(address, []) if address else []:
        found = [
            (remote, local)
            for ace in responder.acl(entry.acl)
            if ace.action == "permit"
            for local in ace.source
            for remote in ace.destination
        ]
        if found:
            return found[:4]
    return []


def _transform_missing(walk: Walk, fault: Fault) -> list[Fix]:
    end = walk.initiator
    name, sequence = _entry_name(end)
    wanted = _peer_transforms(walk, walk.responder)
    if not wanted:
        return []
    set_name = "TS-" + "-".join(
        filter(None, (wanted[0].encryption, wanted[0].integrity))
    )
    commands = syntax.transform_set(
        end.device, set_name, wanted[0]
    ) + syntax.map_lines(
        end.device,
        name,
        sequence,
        [syntax.set_transform_set(end.device, set_name)],
    )
    return [_fix(end, commands, "define a transform set the peer also offers")]


def _peer_transforms(walk: Walk, other: End):
    entry = other.entry or walk.chosen or _peer_entry(walk, other)
    if entry is None:
        return []
    return transforms_of(other.device, entry)


def _peer_entry(walk: Walk, other: End):
    me = walk.initiator if other is walk.responder else walk.responder
    address = me.address
    entries = other.index.entries_by_peer.get(address, []) if address else []
    return entries[0] if entries else None


def _incomplete(walk: Walk, fault: Fault) -> list[Fix]:
    end = walk.initiator
    entry = end.entry
    assert entry is not None
    settings = []
    if not entry.peers and not entry.peer_hostnames:
        settings.append(f"set peer {_peer_address(walk)}")
    if not entry.acl:
        settings.append("match address <acl>")
    if not entry.transform_sets:
        settings.append(
            syntax.set_transform_set(end.device, "<transform-set>")
        )
    commands = syntax.map_lines(
        end.device, entry.map, entry.sequence, settings
    )
    return [_fix(end, commands, "complete the entry")]


def _peer_address(walk: Walk) -> str:
    owned = [
        str(interface.address.ip)
        for interface in walk.responder.device.interfaces
        if interface.address
        and walk.responder.index.key(interface).lower()
        in walk.responder.index.crypto_interfaces
    ]
    return owned[0] if owned else "<peer>"


def _answer_only(walk: Walk, fault: Fault) -> list[Fix]:
    end = walk.initiator
    name, sequence = _entry_name(end)
    commands = syntax.unset(
        end.device, name, sequence, "set connection-type answer-only"
    )
    return [_fix(end, commands, "let the entry initiate (if it should)")]


def _no_policy(walk: Walk, fault: Fault) -> list[Fix]:
    end, other = walk.initiator, walk.responder
    return [
        _fix(
            end,
            _policy_like(end, other),
            "add an IKEv1 policy the peer accepts",
        )
    ]


def _policy_like(end: End, other: End) -> list[str]:
    theirs = [offer for offer in offers(other.device) if offer.origin]
    strong = [offer for offer in theirs if not offer.suite.weak()]
    if not theirs:
        return []
    # A new policy must not take a number in use: it would replace a
    # policy that other peers rely on.
    return syntax.policy(
        end.device, _free_priority(end), (strong or theirs)[0].suite
    )


def _free_priority(end: End) -> int:
    used = {policy.priority for policy in end.device.ikev1_policies}
    return next(n for n in range(10, 10_000, 10) if n not in used)


def _pre_share_only(end: End) -> bool:
    return any(
        offer.suite.authentication == "pre-share"
        for offer in offers(end.device)
        if offer.origin
    )


def _route_protected(walk: Walk, fault: Fault) -> list[Fix]:
    end = _side(walk, fault)
    proposal = walk.proposals[0] if walk.proposals else None
    if proposal is None:
        return []
    target = proposal.remote if fault.side == INITIATOR else proposal.local
    return [
        _fix(
            end,
            syntax.route(end.device, end.interface_key, target),
            "route it out of the crypto interface",
        )
    ]


def _nat(walk: Walk, fault: Fault) -> list[Fix]:
    end = _side(walk, fault)
    proposal = walk.proposals[0] if walk.proposals else None
    if proposal is None:
        return []
    local, remote = proposal.local, proposal.remote
    if fault.side == RESPONDER:
        local, remote = remote, local
    inside = end.index.routing.lookup(local)
    commands = syntax.nat_exemption(
        end.device,
        inside.interface if inside else None,
        end.interface_key,
        local,
        remote,
    )
    return [_fix(end, commands, "exempt the protected traffic from NAT")]


# --- phase 1 -----------------------------------------------------------------


def _route_peer(walk: Walk, fault: Fault) -> list[Fix]:
    end = walk.initiator
    peer = walk.leg.peer
    if peer is None:
        return []
    from ipaddress import IPv4Network

    return [
        _fix(
            end,
            syntax.route(end.device, end.interface_key, IPv4Network(peer)),
            "route the peer out of the crypto interface",
        )
    ]


def _return_route(walk: Walk, fault: Fault) -> list[Fix]:
    end = walk.responder
    address = walk.initiator.address
    if address is None:
        return []
    from ipaddress import IPv4Network

    return [
        _fix(
            end,
            syntax.route(end.device, end.interface_key, IPv4Network(address)),
            "route the initiator back out where it came in",
        )
    ]


def _set_peer(walk: Walk, fault: Fault) -> list[Fix]:
    end = walk.initiator
    name, sequence = _entry_name(end)
    if walk.leg.fault == "peer-is-standby-address":
        interface = walk.responder.interface
        right = (
            str(interface.address.ip)
            if interface and interface.address
            else "<peer>"
        )
    else:
        right = _peer_address(walk)
    commands = syntax.map_lines(
        end.device, name, sequence, [f"set peer {right}"]
    )
    return [
        _fix(
            end, commands, "point the entry at the address the peer answers on"
        )
    ]


def _version(walk: Walk, fault: Fault) -> list[Fix]:
    return _enable(walk, fault)


def _policy_mismatch(walk: Walk, fault: Fault) -> list[Fix]:
    end, other = walk.responder, walk.initiator
    why = "add a policy equal to one the initiator offers"
    if _pre_share_only(end) and not _pre_share_only(other):
        # The initiator offers certificates only (IOS: `authentication`
        # defaults to rsa-sig), while both sides hold keys: the initiator
        # needs a pre-share policy, not the responder an rsa-sig one.
        end, other = other, end
        why = "add a pre-share policy equal to one the responder accepts"
    return [_fix(end, _policy_like(end, other), why)]


def _keys_missing(walk: Walk, fault: Fault) -> list[Fix]:
    end = _side(walk, fault)
    other = walk.initiator if end is walk.responder else walk.responder
    address = other.address
    if address is None:
        return []
    if walk.version == 2:
        return [
            _fix(
                end,
                syntax.ikev2_keys(end.device, address),
                "give the peer an IKEv2 key each way (local = peer's remote)",
            )
        ]
    return [
        _fix(
            end,
            syntax.psk(end.device, address),
            "give the peer's address a key (the same on both sides)",
        )
    ]


def _psk_mismatch(walk: Walk, fault: Fault) -> list[Fix]:
    end = walk.responder
    address = walk.initiator.address
    if address is None:
        return []
    return [
        _fix(
            end,
            syntax.psk(end.device, address),
            "set the same key on both sides",
        )
    ]


def _xauth(walk: Walk, fault: Fault) -> list[Fix]:
    end = _side(walk, fault)
    other = walk.initiator if end is walk.responder else walk.responder
    if other.address is None:
        return []
    return [
        _fix(
            end,
            syntax.peer_key(end.device, other.address, no_xauth=True),
            "exempt the L2L peer from Xauth",
        )
    ]


# --- phase 2 and traffic -----------------------------------------------------


def _no_map(walk: Walk, fault: Fault) -> list[Fix]:
    end = walk.responder
    map_name = responder_map(walk) or "outside_map"
    address = walk.initiator.address
    sequence = _free_sequence(walk, map_name)
    transforms = [
        name
        for name in (
            walk.initiator.entry.transform_sets if walk.initiator.entry else ()
        )
    ]
    acl = "<acl>"
    settings = [f"match address {acl}", f"set peer {address}"]
    if transforms:
        settings.append(syntax.set_transform_set(end.device, transforms[0]))
    commands = syntax.map_lines(end.device, map_name, sequence, settings)
    for proposal in walk.proposals[:4]:
        commands += syntax.acl_entry(
            end.device, acl, proposal.remote, proposal.local
        )
    return [_fix(end, commands, "add an entry for the initiator")]


def _free_sequence(walk: Walk, map_name: str, below: int = 0) -> int:
    """An unused sequence number before the map's first dynamic entry."""
    entries = walk.responder.index.entries_for_map(map_name)
    dynamic = [entry.sequence for entry in entries if entry.dynamic_map]
    used = {entry.sequence for entry in entries}
    limit = below or (min(dynamic) if dynamic else 65535)
    candidates = [n for n in range(limit - 1, 0, -1) if n not in used]
    return candidates[0] if candidates else 1


def _order(walk: Walk, fault: Fault) -> list[Fix]:
    """Move the static entry in front of the dynamic one that catches
    its peer: the same entry under a lower sequence number."""
    if walk.order is None:
        return []
    via, later = walk.order
    end = walk.responder
    sequence = _free_sequence(walk, later.map, below=via.sequence)
    settings = [f"match address {later.acl}"]
    settings.append("set peer " + " ".join(str(p) for p in later.peers))
    if later.transform_sets:
        names = " ".join(later.transform_sets)
        settings.append(syntax.set_transform_set(end.device, names))
    if later.pfs.value:
        settings.append(f"set pfs {later.pfs.value}")
    commands = syntax.map_lines(end.device, later.map, sequence, settings)
    commands += syntax.remove_entry(end.device, later.map, later.sequence)
    return [_fix(end, commands, "static entries go before dynamic ones")]


def _proxy(walk: Walk, fault: Fault) -> list[Fix]:
    end = walk.responder
    entry = walk.chosen or _peer_entry(walk, end)
    acl = entry.acl if entry and entry.acl else "<acl>"
    commands = [
        line
        for proposal in walk.proposals[:4]
        for line in syntax.acl_entry(
            end.device, acl, proposal.remote, proposal.local
        )
    ]
    return [_fix(end, commands, "make the ACLs mirror images")]


def _transform_mismatch(walk: Walk, fault: Fault) -> list[Fix]:
    end = walk.responder
    wanted = _peer_transforms(walk, walk.initiator)
    entry = walk.chosen or _peer_entry(walk, end)
    if not wanted or entry is None:
        return []
    set_name = "TS-" + "-".join(
        filter(None, (wanted[0].encryption, wanted[0].integrity))
    )
    commands = syntax.transform_set(
        end.device, set_name, wanted[0]
    ) + syntax.map_lines(
        end.device,
        entry.map,
        entry.sequence,
        [
            syntax.set_transform_set(
                end.device, " ".join((*entry.transform_sets, set_name))
            )
        ],
    )
    return [
        _fix(end, commands, "offer a transform set the initiator proposes")
    ]


def _pfs(walk: Walk, fault: Fault) -> list[Fix]:
    from asalint.negotiate.phase2 import pfs_wanted

    end = walk.initiator
    chosen = walk.chosen or _peer_entry(walk, walk.responder)
    if chosen is None or end.entry is None:
        return []
    wanted = pfs_wanted(walk.responder.device, chosen)
    group = min(wanted.groups or {2})
    commands = syntax.map_lines(
        end.device,
        end.entry.map,
        end.entry.sequence,
        [f"set pfs group{group}"],
    )
    return [_fix(end, commands, "offer the PFS group the responder requires")]


def _blocked(walk: Walk, fault: Fault) -> list[Fix]:
    end = _side(walk, fault)
    return [
        _fix(
            end,
            syntax.permit_vpn(end.device),
            "let decrypted traffic bypass the interface ACL"
            " (or permit it there)",
        )
    ]


# --- IKEv2 -------------------------------------------------------------------


def _v2_keys_both(walk: Walk, fault: Fault) -> list[Fix]:
    end = walk.responder
    address = walk.initiator.address
    if address is None:
        return []
    return [
        _fix(
            end,
            syntax.ikev2_keys(end.device, address),
            "each side's local key must equal the other's remote key",
        )
    ]


def _v2_policy(walk: Walk, fault: Fault) -> list[Fix]:
    end, other = walk.responder, walk.initiator
    if fault.cause == "ikev2-no-policy":
        end, other = walk.initiator, walk.responder
    policies = other.device.ikev2_policies
    if not policies:
        return []
    first = min(policies, key=lambda policy: policy.priority)
    values = {
        "encryption": " ".join(first.encryptions),
        "integrity": " ".join(first.integrities),
        "group": " ".join(first.groups),
        "prf": " ".join(first.prfs),
    }
    commands = syntax.ikev2_policy(end.device, values)
    return [_fix(end, commands, "offer a proposal the peer also offers")]


def _v2_protocols(walk: Walk, fault: Fault) -> list[Fix]:
    end = walk.responder
    group = end.device.tunnel_groups.get(str(walk.initiator.address))
    name = (group.default_group_policy if group else None) or "DfltGrpPolicy"
    return [_fix(end, syntax.tunnel_protocols(name), "allow IKEv2")]


def _v2_child(walk: Walk, fault: Fault) -> list[Fix]:
    end, other = walk.responder, walk.initiator
    if other.entry is None or end.device.platform.value == "ios":
        return []
    names = other.entry.ikev2_proposals
    proposals = other.device.ipsec_proposals
    first = proposals.get(names[0]) if names else None
    if first is None:
        return []
    commands = syntax.ipsec_proposal(
        first.name,
        " ".join(first.encryptions),
        " ".join(first.integrities),
    )
    chosen = walk.chosen
    if chosen is not None:
        listed = " ".join((*chosen.ikev2_proposals, first.name))
        commands += syntax.map_lines(
            end.device,
            chosen.map,
            chosen.sequence,
            [f"set ikev2 ipsec-proposal {listed}"],
        )
    return [_fix(end, commands, "offer the initiator's child proposal")]


FIXES: dict[str, Callable[[Walk, Fault], list[Fix]]] = {
    "crypto-map-not-applied": _bind,
    "ike-not-enabled": _enable,
    "crypto-acl-missing": _acl,
    "transform-set-missing": _transform_missing,
    "crypto-map-incomplete": _incomplete,
    "answer-only": _answer_only,
    "no-ike-policy": _no_policy,
    "crypto-acl-mismatch": _acl,
    "no-route-to-protected-network": _route_protected,
    "nat-exemption-missing": _nat,
    "no-route-to-peer": _route_peer,
    "peer-address-mismatch": _set_peer,
    "peer-is-standby-address": _set_peer,
    "ike-version-mismatch": _version,
    "aggressive-mode-refused": fixes_identity.aggressive,
    "phase1-policy-mismatch": _policy_mismatch,
    "weak-crypto-refused": _policy_mismatch,
    "no-return-route": _return_route,
    "tunnel-group-missing": _keys_missing,
    "psk-missing": _keys_missing,
    "psk-mismatch": _psk_mismatch,
    "identity-mismatch": fixes_identity.identity,
    "xauth-on-l2l-peer": _xauth,
    "no-crypto-map-for-peer": _no_map,
    "crypto-map-order": _order,
    "proxy-id-mismatch": _proxy,
    "transform-set-mismatch": _transform_mismatch,
    "pfs-mismatch": _pfs,
    "vpn-traffic-blocked": _blocked,
    "nat-t-blocked": fixes_identity.nat_t,
    "ikev2-no-policy": _v2_policy,
    "ikev2-proposal-mismatch": _v2_policy,
    "ikev2-psk-missing": _keys_missing,
    "ikev2-auth-mismatch": _v2_keys_both,
    "ikev2-identity-mismatch": fixes_identity.identity,
    "vpn-tunnel-protocol-excludes": _v2_protocols,
    "ts-unacceptable": _proxy,
    "ikev2-child-proposal-mismatch": _v2_child,
}
