"""State names per platform family and the exchange ladder."""

from __future__ import annotations

import pytest

from asalint.negotiate.exchange import ladder
from asalint.negotiate.states import (
    STOPS_AT,
    Family,
    inferred,
    initiator_state,
    responder_state,
)
from asalint.results import Side

POINTS = (
    "trigger",
    "msg1",
    "policy",
    "msg2",
    "keys",
    "auth",
    "xauth",
    "phase2",
    "traffic",
    "established",
)


@pytest.mark.parametrize(
    ("point", "asa", "ios"),
    [
        ("msg1", ("MM_WAIT_MSG2", "NO_SA"), ("MM_NO_STATE", "NO_SA")),
        ("policy", ("MM_WAIT_MSG2", "NO_SA"), ("MM_NO_STATE", "MM_NO_STATE")),
        (
            "msg2",
            ("MM_WAIT_MSG2", "MM_WAIT_MSG3"),
            ("MM_NO_STATE", "MM_SA_SETUP"),
        ),
        (
            "keys",
            ("MM_WAIT_MSG4", "MM_WAIT_MSG3"),
            ("MM_SA_SETUP", "MM_SA_SETUP"),
        ),
        (
            "auth",
            ("MM_WAIT_MSG6", "MM_WAIT_MSG5"),
            ("MM_KEY_EXCH", "MM_KEY_EXCH"),
        ),
        ("phase2", ("MM_ACTIVE", "MM_ACTIVE"), ("QM_IDLE", "QM_IDLE")),
    ],
)
def test_main_mode_states_per_family(point, asa, ios):
    for family, expected in ((Family.ASA, asa), (Family.IOS, ios)):
        found = (
            initiator_state(family, "main", point),
            responder_state(family, "main", point),
        )
        assert found == expected


def test_every_point_has_a_state_in_both_modes_and_families():
    for mode in ("main", "aggressive"):
        for point in POINTS:
            for family in Family:
                assert initiator_state(family, mode, point)
                assert responder_state(family, mode, point)


def test_states_the_sources_only_infer():
    assert inferred(Family.IOS, Family.ASA, "main", "keys")
    assert inferred(Family.ASA, Family.IOS, "main", "msg2")
    assert not inferred(Family.ASA, Family.ASA, "main", "keys")
    assert not inferred(Family.ASA, Family.IOS, "main", "auth")


def test_nothing_is_sent_when_the_trigger_fails():
    assert ladder("main", "trigger", "") == ()


def test_ladder_stops_at_the_refused_message():
    found = ladder("main", "keys", "tunnel-group-missing")

    assert [(m.name, m.sender, m.delivered) for m in found] == [
        ("MM1", Side.INITIATOR, True),
        ("MM2", Side.RESPONDER, True),
        ("MM3", Side.INITIATOR, False),
    ]
    assert found[-1].note == "tunnel-group-missing"


def test_phase2_failure_stops_at_quick_mode_one():
    found = ladder("aggressive", "phase2", "pfs-mismatch")

    assert [m.name for m in found] == ["AM1", "AM2", "AM3", "QM1"]
    assert not found[-1].delivered


def test_traffic_failure_delivers_every_message():
    found = ladder("main", "traffic", "vpn-traffic-blocked")

    assert len(found) == 9
    assert all(m.delivered for m in found)


def test_every_stop_lies_inside_its_ladder():
    for (mode, point), stop in STOPS_AT.items():
        assert stop is not None
        assert len(ladder(mode, point, "x")) == stop + 1
