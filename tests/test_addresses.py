"""Address sets, proxy identities and ACL matching."""

from __future__ import annotations

from builders import ace, net

from asalint.addresses import (
    Fit,
    NetSet,
    accepts,
    expand,
    permits,
    proposals,
    same_set,
)

# --- NetSet ------------------------------------------------------------------


def test_adjacent_networks_merge_into_one_interval():
    merged = NetSet.of([net("10.0.0.0/25"), net("10.0.0.128/25")])

    assert merged.intervals == ((0x0A000000, 0x0A0000FF),)
    assert merged.contains(net("10.0.0.0/24"))


def test_contains_needs_every_address():
    found = NetSet.of([net("10.0.0.0/24"), net("10.0.2.0/24")])

    assert found.contains(net("10.0.2.128/25"))
    assert not found.contains(net("10.0.0.0/22"))  # 10.0.1.0/24 missing


def test_overlaps_and_covers():
    found = NetSet.of([net("192.0.2.0/24")])

    assert found.overlaps(net("192.0.0.0/16"))
    assert not found.overlaps(net("198.51.100.0/24"))
    assert found.covers(NetSet.of([net("192.0.2.64/26")]))
    assert not found.covers(NetSet.of([net("192.0.2.0/23")]))


def test_same_set_ignores_how_the_networks_are_cut():
    halves = (net("10.0.0.0/25"), net("10.0.0.128/25"))

    assert same_set(halves, (net("10.0.0.0/24"),))
    assert not same_set(halves, (net("10.0.0.0/23"),))


def test_union_and_equality():
    first = NetSet.of([net("10.0.0.0/24")])
    second = NetSet.of([net("10.0.1.0/24")])

    assert first.union(second) == NetSet.of([net("10.0.0.0/23")])
    assert not NetSet()


# --- proxy identities --------------------------------------------------------


def test_group_entry_expands_to_every_combination():
    entry = ace(("10.1.0.0/24", "10.1.1.0/24"), ("10.2.0.0/24", "10.3.0.0/24"))

    found = [(p.local, p.remote) for p in expand(entry)]

    assert found == [
        (net("10.1.0.0/24"), net("10.2.0.0/24")),
        (net("10.1.0.0/24"), net("10.3.0.0/24")),
        (net("10.1.1.0/24"), net("10.2.0.0/24")),
        (net("10.1.1.0/24"), net("10.3.0.0/24")),
    ]


def test_deny_and_inactive_entries_propose_nothing():
    entries = (
        ace("10.1.0.0/24", "10.2.0.0/24", action="deny"),
        ace("10.1.1.0/24", "10.2.0.0/24").model_copy(
            update={"inactive": True}
        ),
        ace("10.1.2.0/24", "10.2.0.0/24"),
    )

    assert [p.local for p in proposals(entries)] == [net("10.1.2.0/24")]


# --- a responder's crypto ACL ------------------------------------------------


def _proposal(local: str, remote: str):
    return expand(ace(local, remote))[0]


def test_exact_mirror_is_accepted_as_mirror():
    responder = (ace("10.2.0.0/16", "10.1.0.0/16"),)

    found = accepts(_proposal("10.1.0.0/16", "10.2.0.0/16"), responder)

    assert found.fit is Fit.MIRROR
    assert found.entry is responder[0]


def test_narrower_proposal_fits_inside_a_wider_entry():
    responder = (ace("10.2.0.0/16", "10.1.0.0/16"),)

    found = accepts(_proposal("10.1.4.0/24", "10.2.0.0/16"), responder)

    assert found.fit is Fit.INSIDE


def test_wider_or_partly_overlapping_proposal_is_refused():
    responder = (ace("10.2.0.0/24", "10.1.0.0/24"),)

    wider = accepts(_proposal("10.1.0.0/16", "10.2.0.0/24"), responder)
    partly = accepts(_proposal("10.1.0.0/25", "10.2.0.0/23"), responder)

    assert wider.fit is Fit.NONE
    assert partly.fit is Fit.NONE


def test_earlier_deny_ends_the_search():
    responder = (
        ace("10.2.0.0/16", "10.1.0.0/16", action="deny"),
        ace("10.2.0.0/16", "10.1.0.0/16"),
    )

    found = accepts(_proposal("10.1.0.0/16", "10.2.0.0/16"), responder)

    assert found.fit is Fit.NONE
    assert found.entry is responder[0]


def test_protocol_entry_does_not_hold_an_ip_proposal():
    responder = (ace("10.2.0.0/16", "10.1.0.0/16", protocol="tcp"),)

    found = accepts(_proposal("10.1.0.0/16", "10.2.0.0/16"), responder)

    assert found.fit is Fit.NONE


# --- interface ACLs and vpn-filters ------------------------------------------


def test_icmp_only_acl_blocks_a_flow_of_all_traffic():
    acl = (ace("0.0.0.0/0", "0.0.0.0/0", protocol="icmp"),)

    allowed, entry = permits(acl, net("10.1.0.0/16"), net("10.2.0.0/16"))

    assert (allowed, entry) == (False, None)


def test_first_ip_entry_that_touches_the_flow_decides():
    acl = (
        ace("10.1.0.0/16", "10.2.0.0/16", action="deny", line=3),
        ace("0.0.0.0/0", "0.0.0.0/0", line=4),
    )

    allowed, entry = permits(acl, net("10.1.5.0/24"), net("10.2.0.0/24"))

    assert not allowed
    assert entry is not None and entry.origin.line == 3


def test_partial_deny_leaves_the_rest_to_later_entries():
    acl = (
        ace("10.1.5.0/24", "10.2.0.0/16", action="deny"),
        ace("10.1.0.0/16", "10.2.0.0/16", line=7),
    )

    allowed, entry = permits(acl, net("10.1.0.0/16"), net("10.2.0.0/16"))

    assert allowed
    assert entry is not None and entry.origin.line == 7
