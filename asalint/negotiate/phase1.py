"""Steps 1 to 5: IKEv1 phase 1, main or aggressive mode.

1 msg1    the initiator reaches the peer address; the responder owns it
          and runs IKEv1 there
2 policy  the responder walks its own policies in priority order for one
          equal to any offered (encryption, hash, group, authentication)
3 msg2    the responder's reply is routed back out where MM1 came in
4 keys    each side holds a key for the other
5 auth    the keys are equal, the identity sent is acceptable
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from asalint.model import Device, Origin
from asalint.negotiate.algorithms import Suite, builtin_policies, suite
from asalint.negotiate.identity import (
    IDENTITY_MISMATCH,
    Identity,
    key_by_identity,
    sent_identity,
)
from asalint.negotiate.keys import KeyChoice, condition_for, key_for
from asalint.negotiate.routing import egress, learned, same_interface
from asalint.negotiate.states import Family
from asalint.negotiate.trigger import counterpart
from asalint.negotiate.walk import (
    Fault,
    Outcome,
    Passed,
    Walk,
    attribute,
    lines,
)
from asalint.pairing import MISMATCH, STANDBY
from asalint.results import Side

INITIATOR, RESPONDER, BOTH = Side.INITIATOR, Side.RESPONDER, Side.BOTH
PRE_SHARE = "pre-share"


def _first(walk: Walk, checks) -> Fault | None:
    for check in checks:
        fault = check(walk)
        if fault is not None:
            return fault
    return None


def _peer_line(walk: Walk) -> Origin | None:
    return attribute(walk.initiator.entry, "peer")


def _arrival_line(walk: Walk) -> Origin | None:
    interface = walk.responder.interface
    if interface is None:
        return None
    return interface.address_origin or interface.origin


# --- step 1: MSG1 -----------------------------------------------------------


def msg1(walk: Walk) -> Outcome:
    fault = _first(walk, MSG1_CHECKS)
    if fault:
        return fault
    interface = walk.responder.interface
    owner = walk.leg.responder_interface
    assert interface is not None and owner is not None
    enabled = walk.responder.index.ike_enable_line(interface)
    return Passed(
        f"{walk.responder.name} owns {walk.leg.peer} on"
        f" {walk.responder.index.key(owner)} and runs IKEv1 there",
        lines(_peer_line(walk), enabled or _arrival_line(walk)),
    )


def _route_to_peer(walk: Walk) -> Fault | None:
    peer, crypto = walk.leg.peer, walk.initiator.interface_key
    if peer is None:
        return _unresolved(walk)
    route = egress(walk.initiator.index, peer)
    if route is not None and same_interface(route.interface, crypto):
        return None
    if route is None and learned(walk, INITIATOR, peer):
        return None
    where = f"out of {route.interface}" if route else "nowhere"
    return Fault(
        "no-route-to-peer",
        INITIATOR,
        f"{peer} is routed {where}, not out of {crypto}",
        initiator_lines=lines(route.cite if route else None, _peer_line(walk)),
        responder_lines=lines(_arrival_line(walk)),
        certain=False,
        condition="without a route out of the crypto interface the"
        " initiator's MM1 does not reach the peer (uncertain)",
    )


def _unresolved(walk: Walk) -> Fault:
    # A host name that cannot be taken to resolve to the other device.
    entry = walk.initiator.entry
    names = ", ".join(entry.peer_hostnames) if entry else ""
    return Fault(
        "peer-address-mismatch",
        INITIATOR,
        f"set peer {names} names no address of {walk.responder.name}"
        " that the configs can confirm",
        initiator_lines=lines(_peer_line(walk)),
        responder_lines=lines(*_crypto_address_lines(walk)),
        certain=False,
        condition="a host name is resolved outside the configs (uncertain)",
    )


def _peer_mismatch(walk: Walk) -> Fault | None:
    if walk.leg.fault != MISMATCH:
        return None
    owned = ", ".join(_crypto_addresses(walk)) or "no interface"
    peer, index = walk.leg.peer, walk.responder.index
    if peer is not None and peer in index.seen_as:
        detail = (
            f"set peer {peer} is {walk.responder.name}'s own address,"
            " hidden by the NAT between the peers; it is reached at"
            f" {index.translated(peer)}"
        )
    else:
        detail = (
            f"set peer {peer} is no address of {walk.responder.name},"
            f" which terminates VPNs on {owned}"
        )
    return Fault(
        "peer-address-mismatch",
        INITIATOR,
        detail,
        initiator_lines=lines(_peer_line(walk)),
        responder_lines=lines(*_crypto_address_lines(walk)),
    )


def _crypto_addresses(walk: Walk) -> list[str]:
    index = walk.responder.index
    return [
        str(index.translated(interface.address.ip))
        for interface in index.device.interfaces
        if interface.address
        and index.key(interface).lower() in index.crypto_interfaces
    ]


def _crypto_address_lines(walk: Walk) -> list[Origin | None]:
    index = walk.responder.index
    return [
        interface.address_origin or interface.origin
        for interface in index.device.interfaces
        if interface.address
        and index.key(interface).lower() in index.crypto_interfaces
    ]


def _standby(walk: Walk) -> Fault | None:
    if walk.leg.fault != STANDBY:
        return None
    interface = walk.responder.interface
    assert interface is not None
    active = interface.address.ip if interface.address else "its address"
    return Fault(
        "peer-is-standby-address",
        INITIATOR,
        f"set peer {walk.leg.peer} is the failover standby address of"
        f" {walk.responder.name} {walk.responder.interface_key}; the"
        f" active unit answers on {active}",
        initiator_lines=lines(_peer_line(walk)),
        responder_lines=lines(_arrival_line(walk)),
    )


def _responder_ike(walk: Walk) -> Fault | None:
    index, interface = walk.responder.index, walk.responder.interface
    assert interface is not None
    if index.ike_enabled(interface):
        return None
    if index.ikev2_enabled(interface):
        # Either side may move: the initiator to IKEv2, the responder
        # back to IKEv1 on this interface.
        return Fault(
            "ike-version-mismatch",
            BOTH,
            f"{walk.responder.interface_key} runs IKEv2 only; the"
            " initiator speaks IKEv1",
            initiator_lines=lines(_peer_line(walk)),
            responder_lines=lines(_arrival_line(walk)),
        )
    return Fault(
        "ike-not-enabled",
        RESPONDER,
        f"IKEv1 is not enabled on {walk.responder.interface_key}",
        initiator_lines=lines(_peer_line(walk)),
        responder_lines=lines(_arrival_line(walk)),
    )


def _aggressive_refused(walk: Walk) -> Fault | None:
    setting = walk.responder.device.aggressive_mode_disabled
    if walk.mode != "aggressive" or setting.value is not True:
        return None
    return Fault(
        "aggressive-mode-refused",
        RESPONDER,
        "the initiator asks for aggressive mode; the responder has it"
        " disabled",
        initiator_lines=lines(attribute(walk.initiator.entry, "phase1-mode")),
        responder_lines=lines(setting.origin),
    )


MSG1_CHECKS: tuple[Callable[[Walk], Fault | None], ...] = (
    _route_to_peer,
    _peer_mismatch,
    _standby,
    _responder_ike,
    _aggressive_refused,
)


# --- step 2: policy ---------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    priority: int
    suite: Suite
    lifetime: int | None
    origin: Origin | None  # None: built into the software
    weak_refused: bool = False


def offers(device: Device) -> list[Offer]:
    """The device's policies, best priority first, built-ins included."""
    refuse = device.weak_crypto_allowed.value is False
    found = [
        Offer(
            policy.priority,
            suite(policy),
            _int(policy.lifetime.value),
            policy.origin,
            refuse and suite(policy).weak(),
        )
        for policy in sorted(device.ikev1_policies, key=lambda p: p.priority)
    ]
    builtins = builtin_policies(device)
    if not (builtins.only_when_none and found):
        found += [
            Offer(
                b.priority,
                b.suite,
                b.lifetime,
                None,
                refuse and b.suite.weak(),
            )
            for b in builtins.policies
        ]
    return found


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def policy(walk: Walk) -> Outcome:
    mine, theirs = offers(walk.initiator.device), offers(walk.responder.device)
    pairs = [
        (r, i)
        for r in theirs
        for i in mine
        if r.suite == i.suite and not _builtin_certificates(r, i)
    ]
    if not pairs:
        return _no_match(walk, mine, theirs)
    usable = [
        (r, i) for r, i in pairs if not (r.weak_refused or i.weak_refused)
    ]
    if not usable:
        return _weak(walk, pairs[0])
    keyed, key_fault = _with_responder_key(walk, usable)
    if not keyed:
        assert key_fault is not None
        return key_fault
    return _matched(walk, keyed[0])


def _builtin_certificates(theirs: Offer, mine: Offer) -> bool:
    # The ASA's and PIX's built-in policies use rsa-sig; without a
    # trustpoint, which the built-in policy never comes with, they
    # authenticate nothing, so they do not count as a match.
    return (theirs.origin is None or mine.origin is None) and (
        theirs.suite.authentication == "rsa-sig"
    )


def _no_match(walk: Walk, mine: list[Offer], theirs: list[Offer]) -> Fault:
    side = RESPONDER if not walk.responder.device.ikev1_policies else BOTH
    detail = (
        f"no policy of {walk.responder.name} equals one offered by"
        f" {walk.initiator.name} (encryption, hash, group, authentication)"
    )
    builtin = _hangs_on_builtin(mine, theirs)
    return Fault(
        "phase1-policy-mismatch",
        side,
        detail,
        initiator_lines=_policy_lines(walk, mine, Side.INITIATOR),
        responder_lines=_policy_lines(walk, theirs, Side.RESPONDER),
        certain=not builtin,
        condition="a built-in policy (rsa-sig) never matches a pre-share"
        " policy (uncertain)"
        if builtin
        else None,
    )


def _hangs_on_builtin(mine: list[Offer], theirs: list[Offer]) -> bool:
    """Would a built-in policy match but for its authentication?

    Only then does the outcome hang on the built-in policy being what
    the design says it is (rsa-sig, uncertain).
    """
    return any(
        (r.origin is None or i.origin is None)
        and (r.suite.encryption, r.suite.hash, r.suite.group)
        == (i.suite.encryption, i.suite.hash, i.suite.group)
        for r in theirs
        for i in mine
    )


def _policy_lines(walk: Walk, found: list[Offer], side: Side):
    configured = [offer.origin for offer in found if offer.origin]
    if configured:
        return lines(*configured[:3])
    end = walk.end(side)
    interface = end.interface
    return lines(
        end.index.ike_enable_line(interface) if interface else None,
        interface.origin if interface else None,
    )


def _weak(walk: Walk, pair: tuple[Offer, Offer]) -> Fault:
    theirs, mine = pair
    side = RESPONDER if theirs.weak_refused else INITIATOR
    return Fault(
        "weak-crypto-refused",
        side,
        "the only common policies use DES, 3DES, MD5 or DH group 1, 2 or"
        " 5, which IOS XE 17.11 and later refuse",
        initiator_lines=lines(mine.origin),
        responder_lines=lines(theirs.origin),
    )


def _with_responder_key(walk: Walk, pairs):
    """IOS and PIX 6 skip a pre-share policy with no key for the peer.

    IOS looks the key up while it evaluates the proposals, so a missing
    key fails here, in MM_NO_STATE, not after MM4 as on an ASA.
    """
    if walk.responder.family != Family.IOS or walk.mode == "aggressive":
        # In aggressive mode the key is found by the identity that the
        # same first message carries: the keys step looks it up.
        return pairs, None
    address = walk.initiator.address
    choice = key_for(walk.responder.index, address) if address else None
    if choice is not None and choice.problem is None:
        return pairs, None
    keyless = [(r, i) for r, i in pairs if r.suite.authentication != PRE_SHARE]
    if keyless:
        return keyless, None
    return [], _key_fault(walk, choice, RESPONDER, point="policy")


def _matched(walk: Walk, pair: tuple[Offer, Offer]) -> Passed:
    theirs, mine = pair
    walk.authentication = theirs.suite.authentication
    walk.policy_lines = (mine.origin, theirs.origin)
    builtin = theirs if theirs.origin is None else mine
    if builtin.origin is None:
        walk.assume(
            f"the built-in policy {builtin.priority} is used as documented"
            " (uncertain)"
        )
    if theirs.lifetime and mine.lifetime and theirs.lifetime != mine.lifetime:
        # The guides word the rule both ways and no field report shows a
        # failure from it: the shorter lifetime is used.
        walk.warn(
            Fault(
                "phase1-lifetime-mismatch",
                BOTH,
                f"IKE lifetimes differ: {mine.lifetime} s and"
                f" {theirs.lifetime} s; the shorter is used",
                initiator_lines=lines(mine.origin),
                responder_lines=lines(theirs.origin),
            )
        )
    return Passed(
        f"{walk.responder.name} policy {theirs.priority} matches"
        f" {walk.initiator.name} policy {mine.priority}",
        lines(mine.origin, theirs.origin),
    )


# --- step 3: MSG2 back ------------------------------------------------------


def msg2(walk: Walk) -> Outcome:
    address = walk.initiator.address
    if address is None:
        return Passed("initiator address unknown")
    route = egress(walk.responder.index, address)
    arrival = arrival_interfaces(walk)
    if route is None and learned(walk, RESPONDER, address):
        return Passed(f"{walk.responder.name} is taken to route {address}")
    if route is not None and any(
        same_interface(route.interface, name) for name in arrival
    ):
        return Passed(
            f"{walk.responder.name} routes {address} out of {route.interface}",
            lines(route.cite),
        )
    where = f"out of {route.interface}" if route else "nowhere"
    return Fault(
        "no-return-route",
        RESPONDER,
        f"{walk.responder.name} routes {address} {where}, not out of"
        f" {walk.responder.interface_key} where MM1 arrived",
        initiator_lines=lines(_peer_line(walk)),
        responder_lines=lines(
            route.cite if route else None, _arrival_line(walk)
        ),
    )


def arrival_interfaces(walk: Walk) -> list[str]:
    """Where the responder takes IKE in: the owning interface, and for an
    IOS `local-address` interface, the interfaces its map is bound to."""
    index, interface = walk.responder.index, walk.responder.interface
    if interface is None:
        return []
    key = index.key(interface)
    found = [key]
    for entries in index.maps.values():
        if entries and _local_address_is(entries[0], key):
            found += [
                b.interface for b in index.bound_interfaces(entries[0].map)
            ]
    return found


def _local_address_is(entry, key: str) -> bool:
    return (
        bool(entry.local_address)
        and entry.local_address.lower() == key.lower()
    )


# --- step 4: keys -----------------------------------------------------------


def keys(walk: Walk) -> Outcome:
    if walk.authentication != PRE_SHARE:
        walk.assumption = "certificate-auth-unverifiable"
        walk.assume(
            f"{walk.authentication} authentication succeeds: certificates"
            " are not in the configs"
        )
        return Passed(f"{walk.authentication} authentication, not keys")
    responder = _responder_key(walk)
    if responder.problem:
        return _key_fault(walk, responder, RESPONDER, point="keys")
    initiator = _initiator_key(walk)
    if initiator.problem:
        return _key_fault(walk, initiator, INITIATOR, point="keys")
    walk.keys = (initiator, responder)
    return Passed(
        f"{walk.initiator.name} uses {initiator.how};"
        f" {walk.responder.name} uses {responder.how}",
        lines(initiator.origin, responder.origin),
    )


def _responder_key(walk: Walk) -> KeyChoice:
    address = walk.initiator.address
    assert address is not None
    if walk.mode == "aggressive":
        return key_by_identity(
            walk.responder.index, _sent(walk), address
        )
    return key_for(walk.responder.index, address)


def _sent(walk: Walk) -> Identity:
    """The initiator's identity. A name that only a default gives (PIX 6
    is said to default to its host name) is taken as the address, and
    the prediction says so."""
    initiator = walk.initiator
    identity = sent_identity(
        initiator.device, initiator.entry, initiator.address
    )
    if not identity.named or identity.origin is not None:
        return identity
    setting = initiator.device.isakmp_identity
    walk.assume(f"identity: the default ({setting.value}) is taken as address")
    return Identity("address", str(initiator.address or ""), None)


def _initiator_key(walk: Walk) -> KeyChoice:
    peer = walk.leg.peer
    assert peer is not None
    return key_for(walk.initiator.index, peer, walk.initiator.entry)


def _key_fault(
    walk: Walk, choice: KeyChoice | None, side: Side, point: str
) -> Fault:
    problem = choice.problem if choice else "psk-missing"
    how = choice.how if choice else "no key for the initiator's address"
    assert problem is not None
    if problem == IDENTITY_MISMATCH:
        assert choice is not None
        return _aggressive_identity(walk, choice)
    found = (choice.origin, *choice.related) if choice else ()
    if side == RESPONDER:
        mine = lines(*found, counterpart(walk))
        other = lines(_peer_line(walk), _source_line(walk))
    else:
        mine = lines(*found, _peer_line(walk))
        other = lines(counterpart(walk))
    uncertain = side == INITIATOR
    return Fault(
        problem,
        side,
        f"{walk.end(side).name}: {how}{_through_nat(walk, side)}",
        initiator_lines=mine if side == INITIATOR else other,
        responder_lines=mine if side == RESPONDER else other,
        certain=not uncertain,
        point=point,
        condition="an initiator without a key for the peer stalls after MM2"
        " (uncertain)"
        if uncertain
        else None,
    )


def _through_nat(walk: Walk, side: Side) -> str:
    """Why the key is looked up by an address neither config shows."""
    other = walk.initiator if side == RESPONDER else walk.responder
    if other.address not in other.index.reached_at:
        return ""
    seen = "arrives as" if side == RESPONDER else "is reached at"
    return (
        f" ({other.name} {seen} {other.address} through the NAT between"
        " the peers)"
    )


def _source_line(walk: Walk) -> Origin | None:
    """The initiator's address line: what the responder looks keys up by."""
    interface = walk.initiator.interface
    if interface is None:
        return None
    return interface.address_origin or interface.origin


# --- step 5: authentication --------------------------------------------------


def auth(walk: Walk) -> Outcome:
    if walk.assumption == "certificate-auth-unverifiable":
        return Passed("certificate authentication assumed to succeed")
    initiator, responder = walk.keys
    assert initiator.key is not None and responder.key is not None
    equal = initiator.key.equals(responder.key)
    if equal is False:
        return Fault(
            "psk-mismatch",
            BOTH,
            f"the keys differ: {walk.initiator.name} ({initiator.how}) and"
            f" {walk.responder.name} ({responder.how})",
            initiator_lines=lines(initiator.origin),
            responder_lines=lines(responder.origin),
        )
    if equal is None:
        walk.assumption = "psk-unverifiable"
        walk.assume(condition_for(initiator.key, responder.key))
    return _first(walk, AUTH_CHECKS) or Passed(
        "keys equal" if equal else "keys assumed equal",
        lines(initiator.origin, responder.origin),
    )


def _xauth(walk: Walk) -> Fault | None:
    for side in (RESPONDER, INITIATOR):
        end = walk.end(side)
        choice = walk.keys[0 if side == INITIATOR else 1]
        key = choice.peer_key
        if end.device.xauth and key is not None and not key.no_xauth:
            return Fault(
                "xauth-on-l2l-peer",
                side,
                f"{end.name} asks for Xauth on its crypto map and its key"
                " for the peer lacks no-xauth",
                initiator_lines=lines(key.origin)
                if side == INITIATOR
                else lines(_peer_line(walk)),
                responder_lines=lines(key.origin) if side == RESPONDER else (),
                certain=side == RESPONDER,
                point="xauth",
                condition=None
                if side == RESPONDER
                else "an IOS initiator prompts for Xauth too (uncertain)",
            )
    return None


def _identity(walk: Walk) -> Fault | None:
    """Main mode: a name sent in MM5 meets a key chosen by address.

    In aggressive mode the identity chose the key (step 4), so there is
    nothing left to check here."""
    identity = _sent(walk)
    if walk.mode == "aggressive" or not identity.named:
        return None
    return Fault(
        IDENTITY_MISMATCH,
        INITIATOR,
        f"{walk.initiator.name} sends {identity.label()} as identity; a"
        " pre-shared key in main mode is bound to the address",
        initiator_lines=lines(identity.origin),
        responder_lines=lines(walk.keys[1].origin),
        certain=False,
        condition="the responder refuses a non-address identity with"
        " pre-shared keys (uncertain)",
    )


def _aggressive_identity(walk: Walk, choice: KeyChoice) -> Fault:
    """Aggressive mode: the name the initiator sends finds no key."""
    identity = _sent(walk)
    mode_line = attribute(walk.initiator.entry, "phase1-mode")
    return Fault(
        IDENTITY_MISMATCH,
        BOTH,
        f"{walk.initiator.name} sends {identity.label()} in aggressive"
        f" mode; {walk.responder.name}: {choice.how}",
        initiator_lines=lines(identity.origin, mode_line),
        responder_lines=lines(choice.origin, counterpart(walk)),
        certain=False,
        point="keys",
        condition="in aggressive mode the responder looks the key up by"
        " the identity and does not fall back to the address (uncertain)",
    )


AUTH_CHECKS = (_xauth, _identity)
