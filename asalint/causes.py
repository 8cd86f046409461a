"""Cause tags and the rule ids that report them.

Ids follow the families of the catalogue: 1xx phase 1, 2xx phase 2,
3xx trigger and traffic (binding, routes, NAT), 4xx consistency,
5xx hygiene, 9xx input. An id, once given, never changes meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

from asalint.results import Level, Stage


@dataclass(frozen=True)
class Cause:
    tag: str
    rule: str
    level: Level
    stage: Stage
    asa_initiator_state: str | None  # what an ASA initiator shows


_E, _W, _N = Level.ERROR, Level.WARNING, Level.NOTE
_T, _P1, _P2, _TR, _OK = (
    Stage.TRIGGER,
    Stage.PHASE1,
    Stage.PHASE2,
    Stage.TRAFFIC,
    Stage.ESTABLISHED,
)

CAUSES: dict[str, Cause] = {
    cause.tag: cause
    for cause in (
        # phase 1
        Cause("phase1-policy-mismatch", "ASA101", _E, _P1, "MM_WAIT_MSG2"),
        Cause("no-ike-policy", "ASA102", _E, _T, "NO_SA"),
        Cause("tunnel-group-missing", "ASA103", _E, _P1, "MM_WAIT_MSG4"),
        Cause("psk-missing", "ASA104", _E, _P1, "MM_WAIT_MSG4"),
        Cause("psk-mismatch", "ASA105", _E, _P1, "MM_WAIT_MSG6"),
        Cause("psk-unverifiable", "ASA106", _W, _OK, "MM_ACTIVE"),
        Cause("identity-mismatch", "ASA107", _E, _P1, "MM_WAIT_MSG6"),
        Cause("peer-address-mismatch", "ASA108", _E, _P1, "MM_WAIT_MSG2"),
        Cause("peer-is-standby-address", "ASA109", _E, _P1, "MM_WAIT_MSG2"),
        Cause("ike-version-mismatch", "ASA110", _E, _P1, "MM_WAIT_MSG2"),
        Cause("weak-crypto-refused", "ASA111", _E, _P1, "MM_WAIT_MSG2"),
        Cause("no-route-to-peer", "ASA112", _E, _P1, "MM_WAIT_MSG2"),
        Cause("no-return-route", "ASA113", _E, _P1, "MM_WAIT_MSG2"),
        Cause("phase1-lifetime-mismatch", "ASA114", _W, _OK, None),
        Cause("aggressive-mode-refused", "ASA115", _E, _P1, "AM_WAIT_MSG2"),
        Cause("certificate-auth-unverifiable", "ASA116", _W, _OK, None),
        Cause("ikev2-proposal-mismatch", "ASA120", _E, _P1, None),
        Cause("ikev2-psk-missing", "ASA121", _E, _P1, None),
        Cause("ikev2-auth-mismatch", "ASA122", _E, _P1, None),
        Cause("ikev2-identity-mismatch", "ASA123", _E, _P1, None),
        Cause("vpn-tunnel-protocol-excludes", "ASA124", _E, _P1, None),
        Cause("ikev2-no-policy", "ASA125", _E, _T, None),
        # Without NAT-T both phases complete on UDP 500; bare ESP then
        # fails to cross the NAT: traffic, not phase 1.
        Cause("nat-t-blocked", "ASA126", _W, _TR, "MM_ACTIVE"),
        Cause("ikev2-ke-retry", "ASA127", _N, _OK, None),
        # An IOS peer whose crypto map asks for Xauth prompts an L2L peer
        # whose key lacks `no-xauth`; the L2L peer never answers.
        Cause("xauth-on-l2l-peer", "ASA117", _E, _P1, "MM_ACTIVE"),
        # phase 2
        Cause("transform-set-mismatch", "ASA201", _E, _P2, "MM_ACTIVE"),
        Cause("pfs-mismatch", "ASA202", _E, _P2, "MM_ACTIVE"),
        Cause("proxy-id-mismatch", "ASA203", _E, _P2, "MM_ACTIVE"),
        Cause("no-crypto-map-for-peer", "ASA204", _E, _P2, "MM_ACTIVE"),
        Cause("crypto-map-order", "ASA205", _E, _P2, "MM_ACTIVE"),
        Cause("proxy-id-not-mirrored", "ASA206", _W, _OK, "MM_ACTIVE"),
        Cause("ipsec-lifetime-mismatch", "ASA207", _N, _OK, "MM_ACTIVE"),
        Cause("ikev2-child-proposal-mismatch", "ASA210", _E, _P2, None),
        Cause("ts-unacceptable", "ASA211", _E, _P2, None),
        Cause("ikev2-pfs-mismatch", "ASA212", _W, _OK, None),
        # trigger and traffic
        Cause("crypto-map-not-applied", "ASA301", _E, _T, "NO_SA"),
        Cause("ike-not-enabled", "ASA302", _E, _T, "NO_SA"),
        Cause("dynamic-map-only", "ASA303", _N, _T, "NO_SA"),
        Cause("answer-only", "ASA304", _N, _T, "NO_SA"),
        Cause("crypto-acl-mismatch", "ASA305", _E, _T, "NO_SA"),
        Cause("no-route-to-protected-network", "ASA306", _E, _TR, "NO_SA"),
        Cause("nat-exemption-missing", "ASA307", _E, _TR, "NO_SA"),
        Cause("vpn-traffic-blocked", "ASA308", _E, _TR, "MM_ACTIVE"),
        # consistency
        Cause("crypto-acl-missing", "ASA401", _E, _T, "NO_SA"),
        Cause("transform-set-missing", "ASA402", _E, _T, "NO_SA"),
        Cause("crypto-map-incomplete", "ASA403", _E, _T, "NO_SA"),
    )
}

# Findings that carry no cause tag (hygiene, input); the catalogue
# describes them like the others.
PEER_NOT_IN_PAIR = ("ASA404", "peer-not-in-pair", Level.NOTE)
# The repository index: a peer whose config names nothing of this one.
PEER_NOT_POINTING_BACK = ("ASA407", "peer-not-pointing-back", Level.WARNING)
UNREADABLE_LINE = ("ASA901", "unreadable-line", Level.WARNING)
NOT_MODELLED = ("ASA902", "not-modelled", Level.NOTE)
# Findings about `asalint:` suppression directives (asalint.suppress).
SUPPRESSION_WITHOUT_REASON = (
    "ASA903", "suppression-without-reason", Level.WARNING,
)
UNUSED_SUPPRESSION = ("ASA904", "unused-suppression", Level.WARNING)


def cause(tag: str) -> Cause:
    return CAUSES[tag]
