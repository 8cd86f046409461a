"""The messages of a direction, for the ladder the text report draws."""

from __future__ import annotations

from asalint.negotiate.states import (
    AGGRESSIVE_MODE,
    IKEV2_EXCHANGE,
    MAIN_MODE,
    QUICK_MODE,
    STOPS_AT,
    V2_STOPS_AT,
)
from asalint.results import Message, Side


def ladder(mode: str, point: str, note: str) -> tuple[Message, ...]:
    """MM1.. (or AM1..) then QM1..QM3, up to the one where it stops.

    Nothing is sent when the trigger fails; every message is delivered
    when the negotiation completes (a traffic failure comes after).
    """
    if point == "trigger":
        return ()
    phase1 = AGGRESSIVE_MODE if mode == "aggressive" else MAIN_MODE
    names = _numbered(phase1) + _numbered(QUICK_MODE)
    stop = STOPS_AT.get((mode, point))
    if stop is None:
        return tuple(Message(name=n, sender=s) for n, s in names)
    sent = [Message(name=n, sender=s) for n, s in names[:stop]]
    name, sender = names[stop]
    sent.append(Message(name=name, sender=sender, delivered=False, note=note))
    return tuple(sent)


def _numbered(names: tuple[str, ...]) -> list[tuple[str, Side]]:
    # Each exchange alternates, starting with the initiator.
    return [
        (name, Side.INITIATOR if position % 2 == 0 else Side.RESPONDER)
        for position, name in enumerate(names)
    ]


def ladder_v2(point: str, note: str) -> tuple[Message, ...]:
    """IKE_SA_INIT and IKE_AUTH, each a request and a response."""
    if point == "trigger":
        return ()
    names = [(name, Side(sender)) for name, sender in IKEV2_EXCHANGE]
    stop = V2_STOPS_AT.get(point)
    if stop is None:
        return tuple(Message(name=n, sender=s) for n, s in names)
    sent = [Message(name=n, sender=s) for n, s in names[:stop]]
    name, sender = names[stop]
    sent.append(Message(name=name, sender=sender, delivered=False, note=note))
    return tuple(sent)
