"""The fixture pairs against the simulation: one test per pair and side.

Every `fixtures/pairs/NAME/expected.toml` states, for each direction,
what a real pair of devices would show (see `pairs_expect` for the
format). The simulation must reproduce the states, stage, cause, the
cited lines and the finding. The checks at the end keep the fixtures
themselves honest: valid states and tags, rule ids that agree with
`asalint.causes`, cited lines that exist, and a pair for every cause of
the negotiation table.
"""

from __future__ import annotations

from functools import cache

import pytest
from pairs_expect import (
    ExpectedTunnel,
    Pair,
    all_pairs,
    label_of,
)

from asalint.causes import CAUSES
from asalint.negotiate.states import Family, family
from asalint.results import PairResult, Side, Stage, Step, Tunnel

PAIRS = {pair.name: pair for pair in all_pairs()}
EXPECTED = [t for pair in PAIRS.values() for t in pair.tunnels]

# The cause tags of the negotiation table (DESIGN.md, steps 0 to 7, IKEv1
# main mode between ASAs) that must each have a fixture pair.
TABLE_CAUSES = (
    "crypto-map-not-applied",
    "ike-not-enabled",
    "crypto-acl-missing",
    "transform-set-missing",
    "crypto-map-incomplete",
    "dynamic-map-only",
    "answer-only",
    "no-ike-policy",
    "crypto-acl-mismatch",
    "no-route-to-protected-network",
    "nat-exemption-missing",
    "no-route-to-peer",
    "peer-address-mismatch",
    "peer-is-standby-address",
    "ike-version-mismatch",
    "phase1-policy-mismatch",
    "psk-missing",
    "no-return-route",
    "tunnel-group-missing",
    "psk-mismatch",
    "psk-unverifiable",
    "no-crypto-map-for-peer",
    "crypto-map-order",
    "proxy-id-mismatch",
    "transform-set-mismatch",
    "pfs-mismatch",
    "vpn-traffic-blocked",
)

# Pairs that exist in one syntax era only, and why.
ONE_ERA = {
    "no-ike-policy-84": "before 8.4 the ASA has a built-in policy",
    "tunnel-group-named-84": "the lookup rule does not differ by era",
    "ike-version-mismatch-84": "IKEv2 came with ASA 8.4",
}

ASA_STATES = {
    "NO_SA",
    "MM_WAIT_MSG2",
    "MM_WAIT_MSG3",
    "MM_WAIT_MSG4",
    "MM_WAIT_MSG5",
    "MM_WAIT_MSG6",
    "MM_ACTIVE",
    # aggressive mode (DESIGN.md: AM_* on the ASA)
    "AM_WAIT_MSG2",
    "AM_WAIT_MSG3",
    "AM_ACTIVE",
}
# IKEv2 tunnel status as `show crypto ikev2 sa` prints it (IKEV2.md).
IKEV2_STATES = {"NO_SA", "IN-NEG", "READY", "DELETE"}
# IOS, IOS XE and PIX 6 print other names for the same points, on either
# role (DESIGN.md, the IOS / PIX 6 table); CONF_XAUTH waits for Xauth
# credentials after main mode.
IOS_STATES = {
    "NO_SA",
    "MM_NO_STATE",
    "MM_SA_SETUP",
    "MM_KEY_EXCH",
    "CONF_XAUTH",
    "QM_IDLE",
    # aggressive mode
    "AG_NO_STATE",
    "AG_INIT_EXCH",
}
# family -> (its state names, the states that show phase 1 done)
FAMILY_STATES = {
    Family.ASA: (ASA_STATES, {"MM_ACTIVE", "AM_ACTIVE"}),
    Family.IOS: (IOS_STATES, {"QM_IDLE"}),
}


# --- running the simulation ------------------------------------------------


@cache
def simulate(name: str) -> PairResult:
    """Both devices of a pair, loaded once for all of its tests."""
    from asalint.api import load_device, pair

    fixture = PAIRS[name]
    first = load_device(fixture.path("a"))
    second = load_device(fixture.path("b"))
    return pair(first, second, nat=fixture.nat)


def _matches(tunnel: Tunnel, expected: ExpectedTunnel) -> bool:
    pair = PAIRS[expected.pair]
    initiator = pair.path(expected.initiator)
    if tunnel.initiator != initiator:
        return False
    if expected.crypto_map is None:
        return True
    return tunnel.crypto_map.get(initiator) == expected.crypto_map


def find_tunnel(expected: ExpectedTunnel) -> Tunnel:
    result = simulate(expected.pair)
    found = [t for t in result.tunnels if _matches(t, expected)]
    assert len(found) == 1, (
        f"{len(found)} tunnels with {expected.initiator} initiating"
        f" from {expected.crypto_map}; got {_summary(result)}"
    )
    return found[0]


def _summary(result: PairResult) -> list[str]:
    return [
        f"{t.initiator} {t.crypto_map.get(t.initiator)}"
        for t in result.tunnels
    ]


def _predicted(tunnel: Tunnel, expected: ExpectedTunnel) -> dict:
    predicted = tunnel.predicted
    actual: dict[str, object] = {
        "initiator_state": predicted.initiator_state,
        "responder_state": predicted.responder_state,
        "stage": str(predicted.stage),
        "cause": predicted.cause or "none",
        "certain": predicted.certain,
    }
    if expected.cause_side is not None:
        side = predicted.cause_side
        actual["cause_side"] = str(side) if side else None
    if expected.ike_version is not None:
        actual["ike_version"] = tunnel.ike_version
    if expected.failed_exchange is not None:
        actual["failed_exchange"] = tunnel.failed_exchange
    return actual


def _deciding_steps(tunnel: Tunnel, established: bool) -> list[Step]:
    """The failing step, or every step when the tunnel comes up."""
    if established:
        return list(tunnel.steps)
    failing = [step for step in tunnel.steps if not step.ok]
    assert failing, "the prediction fails, but no step says where"
    return failing[:1]


def _cited(steps: list[Step], pair: Pair) -> set[tuple[str, int]]:
    sides = {pair.path(side): side for side in ("a", "b")}
    return {
        (sides.get(origin.path, origin.path), origin.line)
        for step in steps
        for origin in step.lines
    }


# --- the simulation against the fixtures -------------------------------------


@pytest.mark.parametrize("expected", EXPECTED, ids=label_of)
def test_pair_direction(expected: ExpectedTunnel) -> None:
    """States, stage, cause; the deciding lines; the finding."""
    tunnel = find_tunnel(expected)

    assert _predicted(tunnel, expected) == expected.wanted()
    _assert_lines_cited(tunnel, expected)
    if expected.rule is not None:
        _assert_finding(expected)


def _assert_lines_cited(tunnel: Tunnel, expected: ExpectedTunnel) -> None:
    established = expected.stage == Stage.ESTABLISHED
    steps = _deciding_steps(tunnel, established)
    cited = _cited(steps, PAIRS[expected.pair])

    for wanted in expected.lines:
        assert cited & set(wanted.choices), (
            f"none of {wanted.choices} cited; steps cite {sorted(cited)}"
        )


def _assert_finding(expected: ExpectedTunnel) -> None:
    """A finding of the expected rule sits at one of the cited lines."""
    pair = PAIRS[expected.pair]
    lines = {
        (pair.path(side), line)
        for cited in expected.lines
        for side, line in cited.choices
    }

    findings = simulate(expected.pair).findings
    at = {(f.path, f.line) for f in findings if f.rule == expected.rule}

    assert at & lines, f"{expected.rule} at {sorted(at, key=str)}"


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_no_unexpected_tunnel(name: str) -> None:
    """Every tunnel of the result is one the fixture expects, once."""
    pair = PAIRS[name]
    result = simulate(name)

    unexpected = [
        t
        for t in result.tunnels
        if not any(_matches(t, e) for e in pair.tunnels)
    ]

    assert not unexpected, _summary(result)
    assert len(result.tunnels) == len(pair.tunnels), _summary(result)


LEFT_OUT = [name for name, pair in PAIRS.items() if pair.left_out]


@pytest.mark.parametrize("name", LEFT_OUT)
def test_third_party_entries_left_out(name: str) -> None:
    pair = PAIRS[name]
    result = simulate(name)

    for side, entry in pair.left_out:
        path = pair.path(side)
        users = [t for t in result.tunnels if t.crypto_map.get(path) == entry]
        assert not users, f"{side}:{entry} is in {_summary(result)}"


# --- the fixtures themselves -----------------------------------------------


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_fixture_is_well_formed(name: str) -> None:
    pair = PAIRS[name]

    assert (pair.folder / "a.cfg").is_file()
    assert (pair.folder / "b.cfg").is_file()
    assert pair.tunnels, "expected.toml lists no tunnel"
    for expected in pair.tunnels:
        _check_fields(expected)
        _check_states(expected)
        _check_lines_exist(pair, expected)


def _check_fields(expected: ExpectedTunnel) -> None:
    assert expected.initiator in ("a", "b")
    assert expected.stage in set(Stage)
    assert expected.cause_side in (None, *set(Side))
    if expected.cause == "none":
        assert expected.rule is None and expected.cause_side is None
        return
    assert expected.rule == CAUSES[expected.cause].rule


def _check_states(expected: ExpectedTunnel) -> None:
    """States that follow from the stage, per DESIGN.md's tables, in
    the names of each side's platform family."""
    states = (expected.initiator_state, expected.responder_state)
    assert set(states) <= ASA_STATES | IOS_STATES | IKEV2_STATES
    if expected.ike_version == 2:
        return
    families = _families(expected)
    for state, side in zip(states, families, strict=True):
        assert state in FAMILY_STATES[side][0], f"{state} on {side}"
    done = [FAMILY_STATES[side][1] for side in families]
    finished = [state in d for state, d in zip(states, done, strict=True)]
    if expected.stage == Stage.TRIGGER:
        assert states == ("NO_SA", "NO_SA")
    if expected.stage in (Stage.PHASE2, Stage.TRAFFIC, Stage.ESTABLISHED):
        assert all(finished), states
    # Xauth follows main mode, so the side not prompting shows phase 1
    # done while the prompting side waits.
    if expected.stage == Stage.PHASE1 and "CONF_XAUTH" not in states:
        assert not any(finished), states


def _families(expected: ExpectedTunnel) -> tuple[Family, Family]:
    from asalint.api import load_device

    pair = PAIRS[expected.pair]
    first = family(load_device(pair.path(expected.initiator)))
    second = family(load_device(pair.path(expected.responder)))
    return first, second


def _check_lines_exist(pair: Pair, expected: ExpectedTunnel) -> None:
    texts = {
        side: (pair.folder / f"{side}.cfg").read_text().splitlines()
        for side in ("a", "b")
    }
    assert expected.lines, "a prediction cites at least one line"
    for cited in expected.lines:
        for side, line in cited.choices:
            text = texts[side][line - 1].strip()
            assert text and text != "!", f"{side}:{line} is blank"


def test_fixture_ids_are_unique() -> None:
    labels = [label_of(expected) for expected in EXPECTED]

    assert len(labels) == len(set(labels))


def test_every_table_cause_has_a_pair() -> None:
    covered = {expected.cause for expected in EXPECTED}

    assert set(TABLE_CAUSES) - covered == set()


def test_both_syntax_eras() -> None:
    """A fault pair in 8.4+ syntax has its pre-8.3 twin, and back."""
    names = set(PAIRS)
    modern = {n.removesuffix("-84") for n in names if n.endswith("-84")}
    old = {n.removesuffix("-pre83") for n in names if n.endswith("-pre83")}
    one_era = {n.removesuffix("-84") for n in ONE_ERA}

    assert modern - old == one_era
    assert old - modern == set()
