"""Fixes for aggressive mode, ISAKMP identities and NAT-T.

IOS asks for aggressive mode and names its identity outside the crypto
map (`crypto isakmp peer`, an ISAKMP profile), so the fix goes where it
was asked for: the entry's `phase1-mode` or `identity` origin says which.
"""

from __future__ import annotations

from asalint.model import CryptoMapEntry, Device, Origin
from asalint.negotiate import syntax
from asalint.negotiate.identity import sent_identity
from asalint.negotiate.walk import End, Fault, Walk
from asalint.results import Fix, Side

INITIATOR, RESPONDER, BOTH = Side.INITIATOR, Side.RESPONDER, Side.BOTH


def _fix(end: End, commands: list[str], why: str) -> Fix:
    return Fix(path=end.device.path, commands=tuple(commands), why=why)


def aggressive(walk: Walk, fault: Fault) -> list[Fix]:
    """Main mode on the initiator, or aggressive mode on the responder."""
    end, responder = walk.initiator, walk.responder
    return [
        _fix(end, main_mode(end), "use main mode"),
        _fix(
            responder,
            syntax.disable_am_disable(responder.device),
            "or accept aggressive mode on the responder",
        ),
    ]


def main_mode(end: End) -> list[str]:
    entry = end.entry
    assert entry is not None
    device = end.device
    if syntax.is_ios(device):
        return _ios_main_mode(device, entry)
    prefix = "set ikev1 phase1-mode" if _modern(device) else "set phase1-mode"
    return syntax.unset(
        device, entry.map, entry.sequence, f"{prefix} aggressive"
    )


def _modern(device: Device) -> bool:
    return device.era.value == "asa-8.4+"


def _ios_main_mode(device: Device, entry: CryptoMapEntry) -> list[str]:
    """Drop the `crypto isakmp peer` policy, whose password was the key,
    for a key by address; or the profile's `initiate mode aggressive`."""
    if _from_isakmp_peer(entry.phase1_mode.origin) and entry.peers:
        peer = entry.peers[0]
        return [
            f"no crypto isakmp peer address {peer}",
            *syntax.peer_key(device, peer),
        ]
    if entry.isakmp_profile:
        return [
            f"crypto isakmp profile {entry.isakmp_profile}",
            " no initiate mode aggressive",
        ]
    return []


def _from_isakmp_peer(origin: Origin | None) -> bool:
    text = origin.text.strip() if origin else ""
    return text.startswith("set aggressive-mode")


def identity(walk: Walk, fault: Fault) -> list[Fix]:
    """Send the address; in aggressive mode, or give the name a key."""
    end = walk.initiator
    fixes = [_fix(end, address_identity(end), "send the address as identity")]
    if walk.mode == "aggressive" and fault.cause == "identity-mismatch":
        fixes += _name_a_key(walk)
    return fixes


def address_identity(end: End) -> list[str]:
    """The global identity command, or, where an IOS entry names its own
    identity, undo that (the router then sends its address)."""
    entry = end.entry
    local = entry.local_identity if entry else None
    if entry is None or local is None:
        return syntax.identity_address(end.device)
    if _from_isakmp_peer(local.origin) and entry.peers:
        return [
            f"crypto isakmp peer address {entry.peers[0]}",
            " no set aggressive-mode client-endpoint",
        ]
    if entry.isakmp_profile:
        return [
            f"crypto isakmp profile {entry.isakmp_profile}",
            " self-identity address",
        ]
    return []


def _name_a_key(walk: Walk) -> list[Fix]:
    """IOS keys a host name, the ASA names a tunnel-group after it; PIX 6
    keys addresses only."""
    initiator, responder = walk.initiator, walk.responder
    sent = sent_identity(
        initiator.device, initiator.entry, initiator.address
    )
    device = responder.device
    if device.era.value == "pix6":
        return []
    if syntax.is_ios(device):
        commands = syntax.hostname_key(device, sent.value)
    else:
        commands = syntax.tunnel_group(device, sent.value)
    why = f"or key the identity {sent.value} it sends"
    return [_fix(responder, commands, why)]


def nat_t(walk: Walk, fault: Fault) -> list[Fix]:
    """NAT-T on wherever it is off."""
    sides = (INITIATOR, RESPONDER) if fault.side == BOTH else (fault.side,)
    return [
        _fix(walk.end(side), _nat_t_on(walk, side), "turn NAT-T on")
        for side in sides
    ]


def _nat_t_on(walk: Walk, side: Side) -> list[str]:
    end = walk.end(side)
    entry = end.entry if side == INITIATOR else walk.chosen
    if entry is not None and entry.nat_t_disable:
        return syntax.unset(
            end.device, entry.map, entry.sequence, "set nat-t-disable"
        )
    return syntax.nat_traversal(end.device)
