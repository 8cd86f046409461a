"""State names per platform family, exchange mode and point of failure.

`show crypto isakmp sa` names the same point differently: the ASA (and
PIX 7 and later) prints role-split MM_WAIT_MSGn states, IOS and PIX 6
print MM_NO_STATE ... QM_IDLE on both roles. The rows follow DESIGN.md's
two state tables and STATES.md section 7.

A point is where the negotiation stops:

    trigger      no IKE packet is ever sent
    msg1         MM1 gets no answer (nobody listens at that address)
    policy       the responder refuses every proposal
    msg2         the responder's reply does not make it back
    keys         a side has no key for the other (after MM2)
    auth         MM5 cannot be verified (keys differ, identity refused)
    xauth        phase 1 done, an IOS peer waits for Xauth credentials
    phase2       quick mode refused
    traffic      SAs up, traffic fails
    established  nothing fails
"""

from __future__ import annotations

from enum import StrEnum

from asalint.model import Device, Era, Platform


class Family(StrEnum):
    ASA = "asa"  # ASA, PIX 7 and later
    IOS = "ios"  # IOS, IOS XE, PIX 6


def family(device: Device) -> Family:
    if device.platform == Platform.IOS or device.era == Era.PIX6:
        return Family.IOS
    return Family.ASA


NO_SA = "NO_SA"

# (mode, point) -> (ASA family state, IOS family state)
_INITIATOR: dict[tuple[str, str], tuple[str, str]] = {
    ("main", "trigger"): (NO_SA, NO_SA),
    ("main", "msg1"): ("MM_WAIT_MSG2", "MM_NO_STATE"),
    ("main", "policy"): ("MM_WAIT_MSG2", "MM_NO_STATE"),
    ("main", "msg2"): ("MM_WAIT_MSG2", "MM_NO_STATE"),
    ("main", "keys"): ("MM_WAIT_MSG4", "MM_SA_SETUP"),
    ("main", "auth"): ("MM_WAIT_MSG6", "MM_KEY_EXCH"),
    ("main", "xauth"): ("MM_ACTIVE", "CONF_XAUTH"),
    ("main", "phase2"): ("MM_ACTIVE", "QM_IDLE"),
    ("main", "traffic"): ("MM_ACTIVE", "QM_IDLE"),
    ("main", "established"): ("MM_ACTIVE", "QM_IDLE"),
    ("aggressive", "trigger"): (NO_SA, NO_SA),
    ("aggressive", "msg1"): ("AM_WAIT_MSG2", "AG_NO_STATE"),
    ("aggressive", "policy"): ("AM_WAIT_MSG2", "AG_NO_STATE"),
    ("aggressive", "msg2"): ("AM_WAIT_MSG2", "AG_NO_STATE"),
    ("aggressive", "keys"): ("AM_WAIT_MSG2", "AG_NO_STATE"),
    ("aggressive", "auth"): ("AM_WAIT_MSG2", "AG_NO_STATE"),
    ("aggressive", "xauth"): ("AM_ACTIVE", "CONF_XAUTH"),
    ("aggressive", "phase2"): ("AM_ACTIVE", "QM_IDLE"),
    ("aggressive", "traffic"): ("AM_ACTIVE", "QM_IDLE"),
    ("aggressive", "established"): ("AM_ACTIVE", "QM_IDLE"),
}

_RESPONDER: dict[tuple[str, str], tuple[str, str]] = {
    ("main", "trigger"): (NO_SA, NO_SA),
    ("main", "msg1"): (NO_SA, NO_SA),
    # An ASA responder that finds no proposal acceptable creates no SA;
    # IOS shows MM_NO_STATE, then deletes it.
    ("main", "policy"): (NO_SA, "MM_NO_STATE"),
    ("main", "msg2"): ("MM_WAIT_MSG3", "MM_SA_SETUP"),
    ("main", "keys"): ("MM_WAIT_MSG3", "MM_SA_SETUP"),
    ("main", "auth"): ("MM_WAIT_MSG5", "MM_KEY_EXCH"),
    ("main", "xauth"): ("MM_ACTIVE", "CONF_XAUTH"),
    ("main", "phase2"): ("MM_ACTIVE", "QM_IDLE"),
    ("main", "traffic"): ("MM_ACTIVE", "QM_IDLE"),
    ("main", "established"): ("MM_ACTIVE", "QM_IDLE"),
    ("aggressive", "trigger"): (NO_SA, NO_SA),
    ("aggressive", "msg1"): (NO_SA, NO_SA),
    ("aggressive", "policy"): (NO_SA, "AG_NO_STATE"),
    ("aggressive", "msg2"): ("AM_WAIT_MSG3", "AG_INIT_EXCH"),
    # Without a key the responder cannot build its second message.
    ("aggressive", "keys"): (NO_SA, NO_SA),
    # The initiator checks the key in the second message and never
    # sends the third.
    ("aggressive", "auth"): ("AM_WAIT_MSG3", "AG_INIT_EXCH"),
    ("aggressive", "xauth"): ("AM_ACTIVE", "CONF_XAUTH"),
    ("aggressive", "phase2"): ("AM_ACTIVE", "QM_IDLE"),
    ("aggressive", "traffic"): ("AM_ACTIVE", "QM_IDLE"),
    ("aggressive", "established"): ("AM_ACTIVE", "QM_IDLE"),
}

# States that the sources only infer: a prediction showing one of them
# carries certain: false. (role, family, mode, point)
_INFERRED = frozenset(
    {
        ("initiator", Family.IOS, "main", "keys"),
        ("responder", Family.IOS, "main", "msg2"),
        ("responder", Family.IOS, "main", "keys"),
        ("initiator", Family.ASA, "main", "xauth"),
        ("responder", Family.ASA, "main", "xauth"),
    }
    | {
        (role, fam, "aggressive", point)
        for role in ("initiator", "responder")
        for fam in Family
        for point in ("msg2", "keys", "auth", "xauth")
    }
)


# Every (mode, point) the IKEv1 tables name, in table order.
IKEV1_POINTS: tuple[tuple[str, str], ...] = tuple(_INITIATOR)


def is_inferred(role: str, fam: Family, mode: str, point: str) -> bool:
    """Is the state `role` shows at this point only inferred?"""
    return (role, fam, mode, point) in _INFERRED


def _pick(row: tuple[str, str], fam: Family) -> str:
    return row[0] if fam == Family.ASA else row[1]


def initiator_state(fam: Family, mode: str, point: str) -> str:
    return _pick(_INITIATOR[(mode, point)], fam)


def responder_state(fam: Family, mode: str, point: str) -> str:
    return _pick(_RESPONDER[(mode, point)], fam)


def inferred(
    initiator: Family, responder: Family, mode: str, point: str
) -> bool:
    """True when either predicted state is only inferred by the sources."""
    return ("initiator", initiator, mode, point) in _INFERRED or (
        "responder",
        responder,
        mode,
        point,
    ) in _INFERRED


# Messages of each exchange, and the index of the message at which each
# point stops (None: every message is delivered).
MAIN_MODE = ("MM1", "MM2", "MM3", "MM4", "MM5", "MM6")
AGGRESSIVE_MODE = ("AM1", "AM2", "AM3")
QUICK_MODE = ("QM1", "QM2", "QM3")

STOPS_AT: dict[tuple[str, str], int | None] = {
    ("main", "msg1"): 0,
    ("main", "policy"): 0,
    ("main", "msg2"): 1,
    ("main", "keys"): 2,
    ("main", "auth"): 4,
    ("main", "xauth"): 6,
    ("main", "phase2"): 6,
    ("aggressive", "msg1"): 0,
    ("aggressive", "policy"): 0,
    ("aggressive", "msg2"): 1,
    ("aggressive", "keys"): 0,
    ("aggressive", "auth"): 1,
    ("aggressive", "xauth"): 3,
    ("aggressive", "phase2"): 3,
}


# --- IKEv2 -----------------------------------------------------------------
# IKEV2.md section 5: `show crypto ikev2 sa` prints NO_SA, IN-NEG, READY
# on both platforms; the exchange that stalled is reported beside it.
# point -> (initiator, responder, exchange that stalled)

V2_POINTS: dict[str, tuple[str, str, str | None]] = {
    "trigger": (NO_SA, NO_SA, None),
    "sa_init": ("IN-NEG", NO_SA, "IKE_SA_INIT"),
    "proposal": ("IN-NEG", NO_SA, "IKE_SA_INIT"),
    "auth_lost": ("IN-NEG", "IN-NEG", "IKE_AUTH"),
    "peer": ("IN-NEG", NO_SA, "IKE_AUTH"),
    "initiator_key": ("IN-NEG", NO_SA, "IKE_AUTH"),
    "child": (NO_SA, NO_SA, "IKE_AUTH"),
    "half_open": (NO_SA, "READY", "IKE_AUTH"),
    "responder_local": (NO_SA, NO_SA, "IKE_AUTH"),
    "traffic": ("READY", "READY", None),
    "established": ("READY", "READY", None),
}

# Points whose states IKEV2.md only infers.
V2_INFERRED = frozenset({"auth_lost", "responder_local"})

IKEV2_EXCHANGE = (
    ("IKE_SA_INIT", "initiator"),
    ("IKE_SA_INIT", "responder"),
    ("IKE_AUTH", "initiator"),
    ("IKE_AUTH", "responder"),
)

V2_STOPS_AT: dict[str, int | None] = {
    "sa_init": 0,
    "proposal": 0,
    "auth_lost": 2,
    "peer": 2,
    "initiator_key": 2,
    "child": 2,
    "responder_local": 3,
    "half_open": 3,
}
