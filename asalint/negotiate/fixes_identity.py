"""Fixes for aggressive mode, ISAKMP identities and NAT-T.

IOS asks for aggressive mode and names its identity outside the crypto
map (`crypto isakmp peer`, an ISAKMP profile), so undoing it is undone
where it was asked for; the line that did so is the entry's
`phase1-mode` or `identity` origin.
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
        return _undo_ios(entry, entry.phase1_mode.origin, "initiate mode")
    prefix = "set ikev1 phase1-mode" if _modern(device) else "set phase1-mode"
    return syntax.unset(
        device, entry.map, entry.sequence, f"{prefix} aggressive"
    )


def _modern(device: Device) -> bool:
    return device.era.value == "asa-8.4+"


def _undo_ios(
    entry: CryptoMapEntry, origin: Origin | None, profile_line: str
) -> list[str]:
    """Undo what a `crypto isakmp peer` or profile line asked for."""
    text = origin.text.strip() if origin else ""
    if text.startswith("set aggressive-mode") and entry.peers:
        return [f"no crypto isakmp peer address {entry.peers[0]}"]
    if entry.isakmp_profile:
        undo = {
            "initiate mode": " no initiate mode aggressive",
            "self-identity": " self-identity address",
        }[profile_line]
        return [f"crypto isakmp profile {entry.isakmp_profile}", undo]
    return []


def identity(walk: Walk, fault: Fault) -> list[Fix]:
    """Send the address; in aggressive mode, or give the name a key."""
    end = walk.initiator
    fixes = [_fix(end, address_identity(end), "send the address as identity")]
    if walk.mode == "aggressive" and fault.cause == "identity-mismatch":
        fixes += _name_a_key(walk)
    return fixes


def address_identity(end: End) -> list[str]:
    entry = end.entry
    local = entry.local_identity if entry else None
    if entry is not None and local is not None:
        return _undo_ios(entry, local.origin, "self-identity")
    return syntax.identity_address(end.device)


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
