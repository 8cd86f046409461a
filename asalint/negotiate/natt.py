"""NAT traversal, when a NAT sits between the peers.

Neither config shows a NAT device between the peers; the caller declares
it (`asalint.api.pair(..., nat=...)`), and each walk lists what it
changes in `Walk.translations`. The keys, tunnel-groups and `set peer`
lines then name the translated addresses (the steps use them already);
what is left is the encapsulation.

IKEv1: both peers announce NAT-T in MM1/MM2, detect the NAT from the
NAT-D payloads of MM3/MM4, move IKE to UDP 4500 at MM5 and carry ESP
in UDP 4500. A side with NAT-T off (`no crypto isakmp nat-traversal`;
PIX 6 without `isakmp nat-traversal`; IOS `no crypto ipsec
nat-transparency udp-encapsulation`; `set nat-t-disable` on the crypto
map entry) announces nothing, so IKE stays on UDP 500, both phases
complete, and ESP goes out bare. ESP has no ports: a one-to-one NAT that
forwards protocol 50 passes it, a port translation (PAT) does not, and
which one sits there is not in the configs. Field reports show exactly
that: the tunnel up, the traffic failing.

IKEv2 detects NAT in IKE_SA_INIT and floats to UDP 4500 at IKE_AUTH
(RFC 7296, 2.23); the configs hold no switch for it on either platform.
"""

from __future__ import annotations

from asalint.model import Origin
from asalint.negotiate.walk import End, Fault, Walk, attribute, lines
from asalint.results import Side

INITIATOR, RESPONDER, BOTH = Side.INITIATOR, Side.RESPONDER, Side.BOTH

CARRIED = (
    "NAT-T: IKE moves to UDP 4500 and ESP travels inside it; the NAT"
    " device is taken to pass UDP 500 and 4500"
)
BARE_ESP = (
    "ESP without NAT-T crosses a NAT only where it translates one to one"
    " and forwards protocol 50, never through port translation (uncertain)"
)


def nat_t_fault(walk: Walk) -> Fault | None:
    """With NAT between the peers, NAT-T off on either side leaves ESP
    bare; with it on (or IKEv2), the prediction assumes UDP 4500 passes."""
    if not walk.translations:
        return None
    off = {side: _off(walk, side) for side in (INITIATOR, RESPONDER)}
    if walk.version == 2 or not any(off.values()):
        walk.assume(CARRIED)
        return None
    sides = [side for side, origins in off.items() if origins]
    return Fault(
        "nat-t-blocked",
        sides[0] if len(sides) == 1 else BOTH,
        f"NAT-T is off on {_names(walk, sides)}, and a NAT sits between"
        f" the peers ({'; '.join(walk.translations)}): ESP goes out"
        " without UDP encapsulation",
        initiator_lines=lines(*off[INITIATOR]),
        responder_lines=lines(*off[RESPONDER]),
        certain=False,
        condition=BARE_ESP,
    )


def _off(walk: Walk, side: Side) -> tuple[Origin | None, ...]:
    """The lines that turn NAT-T off on `side`; () when it is on.

    A default that turns it off (PIX 6, ASA 7.0 and 7.1) cites the
    interface the tunnel uses, the line that would take the command."""
    end = walk.end(side)
    entry = end.entry if side == INITIATOR else walk.chosen
    if entry is not None and entry.nat_t_disable:
        return (attribute(entry, "nat-t-disable"),)
    setting = end.device.nat_traversal
    if setting.value is not False:
        return ()
    return (setting.origin or _interface_line(end),)


def _interface_line(end: End) -> Origin | None:
    interface = end.interface
    if interface is None:
        return None
    return interface.address_origin or interface.origin


def _names(walk: Walk, sides: list[Side]) -> str:
    return " and ".join(walk.end(side).name for side in sides)
