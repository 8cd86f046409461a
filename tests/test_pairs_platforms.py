"""Every platform combination a real ASA meets has its fixture pairs.

The pairs are `fixtures/pairs/<combination>-<name>/`, with `a` the first
platform named and `b` the second; `test_pairs` runs them against the
simulation. These tests keep the set complete: for each combination a
working pair and at least three faults with distinct causes, both
configs of the platforms the name promises, and IKEv2 expectations
where the combination is IKEv2.
"""

from __future__ import annotations

import pytest
from pairs_expect import Pair, all_pairs

from asalint.model import Era, Platform

# combination -> (platform of a, platform of b, IKE version)
COMBINATIONS = {
    "pix6-pix6": ("pix6", "pix6", 1),
    "pix6-asa": ("pix6", "asa", 1),
    "asa-ios": ("asa", "ios", 1),
    "ios-ios": ("ios", "ios", 1),
    "asa-asa-ikev2": ("asa", "asa", 2),
    "asa-ios-ikev2": ("asa", "ios", 2),
}
MIN_FAULTS = 3


def _combination(name: str) -> str | None:
    """The longest combination the pair's name starts with."""
    found = [c for c in COMBINATIONS if name.startswith(c + "-")]
    return max(found, key=len) if found else None


def _pairs_of(combination: str) -> list[Pair]:
    return [
        pair for pair in all_pairs() if _combination(pair.name) == combination
    ]


def _is_platform(path: str, wanted: str) -> bool:
    from asalint.api import load_device

    device = load_device(path)
    if wanted == "pix6":
        return device.era == Era.PIX6
    if wanted == "asa":
        return device.platform == Platform.ASA
    return device.platform == Platform.IOS


@pytest.mark.parametrize("combination", sorted(COMBINATIONS))
def test_working_pair_comes_up_both_ways(combination: str) -> None:
    pairs = {pair.name: pair for pair in _pairs_of(combination)}
    working = pairs.get(f"{combination}-working")

    assert working is not None, f"no {combination}-working pair"
    assert {t.initiator for t in working.tunnels} == {"a", "b"}
    for expected in working.tunnels:
        assert (expected.stage, expected.cause) == ("established", "none")


@pytest.mark.parametrize("combination", sorted(COMBINATIONS))
def test_faults_with_distinct_causes(combination: str) -> None:
    faults = [
        pair
        for pair in _pairs_of(combination)
        if not pair.name.endswith("-working")
    ]
    causes = {
        frozenset(t.cause for t in pair.tunnels if t.cause != "none")
        for pair in faults
    }

    assert len(faults) >= MIN_FAULTS
    assert frozenset() not in causes, "a fault pair that never fails"
    assert len(causes) == len(faults), "two fault pairs, the same causes"


@pytest.mark.parametrize("combination", sorted(COMBINATIONS))
def test_configs_are_of_the_named_platforms(combination: str) -> None:
    first, second, _ = COMBINATIONS[combination]

    for pair in _pairs_of(combination):
        assert _is_platform(pair.path("a"), first), pair.name
        assert _is_platform(pair.path("b"), second), pair.name


@pytest.mark.parametrize("combination", sorted(COMBINATIONS))
def test_ike_version_is_stated(combination: str) -> None:
    """IKEv2 directions name the version, and the exchange if failing."""
    version = COMBINATIONS[combination][2]

    for pair in _pairs_of(combination):
        for expected in pair.tunnels:
            if version == 1:
                assert expected.ike_version in (None, 1), pair.name
                continue
            assert expected.ike_version == 2, pair.name
            failing = expected.stage != "established"
            assert (expected.failed_exchange is not None) == failing
