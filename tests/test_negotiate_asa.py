"""The simulation between two ASAs, from config text: each test breaks
one line of a working pair and asserts states, cause and cited lines."""

from __future__ import annotations

from pathlib import Path

from builders import (
    BRANCH,
    HQ,
    add,
    direction,
    edit,
    line_of,
    rules_at,
    simulate,
    states,
)

ESTABLISHED = ("MM_ACTIVE", "MM_ACTIVE", "established", None)


def _cited(tunnel) -> set[tuple[str, int]]:
    failing = [step for step in tunnel.steps if not step.ok]
    return {
        (origin.path.rsplit("/", 1)[-1], origin.line)
        for origin in failing[0].lines
    }


def test_working_pair_is_established_both_ways(tmp_path):
    result = simulate(tmp_path, HQ, BRANCH)

    for side in ("a", "b"):
        tunnel = direction(result, side)
        assert states(tunnel) == ESTABLISHED
        assert tunnel.predicted.certain
        assert [m.name for m in tunnel.exchange][-3:] == ["QM1", "QM2", "QM3"]
        assert all(m.delivered for m in tunnel.exchange)
    assert result.findings == ()


def test_json_fields_of_a_direction(tmp_path):
    tunnel = direction(simulate(tmp_path, HQ, BRANCH), "a")

    assert (tunnel.initiator_address, tunnel.responder_address) == (
        "198.51.100.1",
        "203.0.113.2",
    )
    assert list(tunnel.crypto_map.values()) == [
        "outside_map 10",
        "outside_map 10",
    ]
    assert [step.step for step in tunnel.steps] == [
        "trigger",
        "msg1",
        "policy",
        "msg2",
        "keys",
        "auth",
        "phase2",
        "traffic",
    ]


# --- direction-dependent outcomes --------------------------------------------


def test_pfs_required_by_one_side_fails_one_way_only(tmp_path):
    branch = add(
        BRANCH,
        "set ikev1 transform-set",
        "crypto map outside_map 10 set pfs group14",
    )

    result = simulate(tmp_path, HQ, branch)

    hq_first = direction(result, "a")
    assert states(hq_first) == (
        "MM_ACTIVE",
        "MM_ACTIVE",
        "phase2",
        "pfs-mismatch",
    )
    assert hq_first.predicted.cause_side.value == "responder"
    assert ("b.cfg", line_of(branch, "set pfs group14")) in _cited(hq_first)
    assert states(direction(result, "b")) == ESTABLISHED


def test_bare_pfs_on_a_recent_asa_is_group2_but_uncertain(tmp_path):
    hq = edit(HQ, "ASA Version", "ASA Version 9.16(3)")
    hq = add(
        hq, "set ikev1 transform-set", "crypto map outside_map 10 set pfs"
    )
    branch = add(
        BRANCH,
        "set ikev1 transform-set",
        "crypto map outside_map 10 set pfs group2",
    )

    result = simulate(tmp_path, hq, branch)

    for side in ("a", "b"):
        tunnel = direction(result, side)
        assert states(tunnel) == ESTABLISHED
        assert not tunnel.predicted.certain
        assert any("group2" in c for c in tunnel.predicted.conditions)


def test_narrower_side_may_initiate_the_wider_may_not(tmp_path):
    branch = edit(
        BRANCH,
        "access-list HQ-VPN",
        "access-list HQ-VPN extended permit ip 10.2.0.0 255.255.0.0"
        " 10.0.0.0 255.252.0.0",
    )

    result = simulate(tmp_path, HQ, branch)

    narrower = direction(result, "a")
    assert states(narrower)[:3] == ESTABLISHED[:3]
    assert narrower.predicted.cause == "proxy-id-not-mirrored"
    assert not narrower.predicted.certain  # uncertain on an ASA responder
    wider = direction(result, "b")
    assert states(wider) == (
        "MM_ACTIVE",
        "MM_ACTIVE",
        "phase2",
        "proxy-id-mismatch",
    )
    assert ("a.cfg", line_of(HQ, "access-list BRANCH-VPN")) in rules_at(
        result, "ASA203"
    )


def test_dynamic_map_only_side_cannot_initiate(tmp_path):
    branch = BRANCH
    for old in (
        "crypto map outside_map 10 match address",
        "crypto map outside_map 10 set peer",
    ):
        branch = edit(branch, old, "")
    branch = edit(
        branch,
        "crypto map outside_map 10 set ikev1 transform-set",
        "crypto dynamic-map DYN 10 set ikev1 transform-set AES256-SHA",
    )
    branch = add(
        branch,
        "crypto dynamic-map DYN 10",
        "crypto map outside_map 65535 ipsec-isakmp dynamic DYN",
    )
    branch = edit(branch, "tunnel-group 198.51.100.1 type", "")
    branch = edit(branch, "tunnel-group 198.51.100.1 ipsec", "")
    branch = add(
        branch,
        "crypto ikev1 enable outside",
        "tunnel-group DefaultL2LGroup ipsec-attributes",
        " ikev1 pre-shared-key Example-Key-1",
    )

    result = simulate(tmp_path, HQ, branch)

    assert states(direction(result, "a")) == ESTABLISHED
    answer_only = direction(result, "b")
    assert states(answer_only) == (
        "NO_SA",
        "NO_SA",
        "trigger",
        "dynamic-map-only",
    )
    (note,) = [f for f in result.findings if f.rule == "ASA303"]
    assert note.level.value == "note"
    assert answer_only.exchange == ()


def test_answer_only_entry_is_a_note(tmp_path):
    branch = add(
        BRANCH,
        "set ikev1 transform-set",
        "crypto map outside_map 10 set connection-type answer-only",
    )

    result = simulate(tmp_path, HQ, branch)

    assert states(direction(result, "b"))[3] == "answer-only"
    assert states(direction(result, "a")) == ESTABLISHED
    assert {f.level.value for f in result.findings} == {"note"}
    (fix,) = direction(result, "b").fixes
    assert fix.commands == (
        "no crypto map outside_map 10 set connection-type answer-only",
    )


# --- phase 1 -----------------------------------------------------------------


def test_key_mismatch_stalls_at_msg6_and_msg5(tmp_path):
    branch = edit(
        BRANCH, "ikev1 pre-shared-key", " ikev1 pre-shared-key Other-Key-2"
    )

    result = simulate(tmp_path, HQ, branch)

    tunnel = direction(result, "a")
    assert states(tunnel) == (
        "MM_WAIT_MSG6",
        "MM_WAIT_MSG5",
        "phase1",
        "psk-mismatch",
    )
    assert [m.name for m in tunnel.exchange] == [
        "MM1",
        "MM2",
        "MM3",
        "MM4",
        "MM5",
    ]
    assert not tunnel.exchange[-1].delivered
    assert rules_at(result, "ASA105") == {
        ("a.cfg", line_of(HQ, "pre-shared-key")),
        ("b.cfg", line_of(branch, "pre-shared-key")),
    }


def test_one_masked_key_makes_the_outcome_conditional(tmp_path):
    branch = edit(
        BRANCH, "ikev1 pre-shared-key", " ikev1 pre-shared-key *****"
    )

    tunnel = direction(simulate(tmp_path, HQ, branch), "a")

    assert states(tunnel)[:3] == ESTABLISHED[:3]
    assert tunnel.predicted.cause == "psk-unverifiable"
    assert tunnel.predicted.conditions == (
        "keys equal: initiator's key plain, responder's key masked",
    )


def test_no_secret_in_any_result(tmp_path):
    branch = edit(
        BRANCH, "ikev1 pre-shared-key", " ikev1 pre-shared-key Other-Key-2"
    )

    result = simulate(tmp_path, HQ, branch)

    dumped = result.model_dump_json()
    assert "Example-Key-1" not in dumped
    assert "Other-Key-2" not in dumped
    assert "<key>" in dumped  # the fix names the key as a placeholder


def test_word_named_tunnel_group_is_never_chosen(tmp_path):
    branch = BRANCH.replace("tunnel-group 198.51.100.1", "tunnel-group HQ")

    result = simulate(tmp_path, HQ, branch)

    tunnel = direction(result, "a")
    assert states(tunnel) == (
        "MM_WAIT_MSG4",
        "MM_WAIT_MSG3",
        "phase1",
        "tunnel-group-missing",
    )
    # The group the user meant is cited as where the key sits.
    assert ("b.cfg", line_of(branch, "tunnel-group HQ type")) in _cited(tunnel)
    fix = tunnel.fixes[0]
    assert fix.path.endswith("b.cfg")
    assert fix.commands == (
        "tunnel-group 198.51.100.1 type ipsec-l2l",
        "tunnel-group 198.51.100.1 ipsec-attributes",
        " ikev1 pre-shared-key <key>",
    )


def test_lifetime_difference_is_a_warning_not_a_stall(tmp_path):
    branch = edit(BRANCH, "lifetime 86400", " lifetime 28800")

    result = simulate(tmp_path, HQ, branch)

    assert states(direction(result, "a")) == ESTABLISHED
    assert {(f.rule, f.level.value) for f in result.findings} == {
        ("ASA114", "warning")
    }


def test_aggressive_mode_refused_by_am_disable(tmp_path):
    hq = add(
        HQ,
        "set ikev1 transform-set",
        "crypto map outside_map 10 set ikev1 phase1-mode aggressive",
    )
    branch = add(
        BRANCH, "crypto ikev1 enable outside", "crypto ikev1 am-disable"
    )

    result = simulate(tmp_path, hq, branch)

    tunnel = direction(result, "a")
    assert tunnel.mode == "aggressive"
    assert states(tunnel) == (
        "AM_WAIT_MSG2",
        "NO_SA",
        "phase1",
        "aggressive-mode-refused",
    )
    assert [m.name for m in tunnel.exchange] == ["AM1"]
    assert [fix.commands for fix in tunnel.fixes] == [
        ("no crypto map outside_map 10 set ikev1 phase1-mode aggressive",),
        ("no crypto ikev1 am-disable",),
    ]
    assert states(direction(result, "b")) == ESTABLISHED


def test_aggressive_mode_established_is_am_active(tmp_path):
    hq = add(
        HQ,
        "set ikev1 transform-set",
        "crypto map outside_map 10 set ikev1 phase1-mode aggressive",
    )

    tunnel = direction(simulate(tmp_path, hq, BRANCH), "a")

    assert states(tunnel) == ("AM_ACTIVE", "AM_ACTIVE", "established", None)
    assert [m.name for m in tunnel.exchange] == [
        "AM1",
        "AM2",
        "AM3",
        "QM1",
        "QM2",
        "QM3",
    ]


def test_explicit_hostname_identity_is_an_uncertain_mismatch(tmp_path):
    hq = add(
        HQ, "crypto ikev1 enable outside", "crypto isakmp identity hostname"
    )

    tunnel = direction(simulate(tmp_path, hq, BRANCH), "a")

    assert states(tunnel) == (
        "MM_WAIT_MSG6",
        "MM_WAIT_MSG5",
        "phase1",
        "identity-mismatch",
    )
    assert not tunnel.predicted.certain


def test_route_to_peer_out_of_another_interface_is_uncertain(tmp_path):
    hq = add(
        HQ,
        "route outside 0.0.0.0",
        "route inside 203.0.113.0 255.255.255.0 10.1.0.254 1",
    )

    tunnel = direction(simulate(tmp_path, hq, BRANCH), "a")

    assert states(tunnel) == (
        "MM_WAIT_MSG2",
        "NO_SA",
        "phase1",
        "no-route-to-peer",
    )
    assert not tunnel.predicted.certain
    assert ("a.cfg", line_of(hq, "route inside 203.0.113.0")) in _cited(tunnel)


# --- NAT and traffic ---------------------------------------------------------


def test_exemption_shadowed_by_an_earlier_manual_rule(tmp_path):
    # Manual NAT rules are read in the order they appear.
    hq = add(
        HQ,
        "access-list BRANCH-VPN",
        "nat (inside,outside) source dynamic HQ-LAN interface",
    )

    result = simulate(tmp_path, hq, BRANCH)

    tunnel = direction(result, "a")
    assert states(tunnel) == (
        "NO_SA",
        "NO_SA",
        "trigger",
        "nat-exemption-missing",
    )
    cited = _cited(tunnel)
    assert ("a.cfg", line_of(hq, "source dynamic HQ-LAN interface")) in cited
    assert ("a.cfg", line_of(hq, "source static HQ-LAN HQ-LAN")) in cited


def test_missing_exemption_on_the_responder_fails_traffic(tmp_path):
    branch = edit(BRANCH, "source static BRANCH-LAN BRANCH-LAN", "")

    result = simulate(tmp_path, HQ, branch)

    tunnel = direction(result, "a")
    assert states(tunnel) == (
        "MM_ACTIVE",
        "MM_ACTIVE",
        "traffic",
        "nat-exemption-missing",
    )
    assert tunnel.predicted.cause_side.value == "responder"
    fix = tunnel.fixes[0]
    assert fix.path.endswith("b.cfg")
    assert fix.commands[-1] == (
        "nat (inside,outside) 1 source static obj-10.2.0.0_16"
        " obj-10.2.0.0_16 destination static obj-10.1.0.0_16"
        " obj-10.1.0.0_16 no-proxy-arp route-lookup"
    )


def test_vpn_filter_denies_the_decrypted_traffic(tmp_path):
    branch = add(
        BRANCH,
        "tunnel-group 198.51.100.1 type ipsec-l2l",
        "tunnel-group 198.51.100.1 general-attributes",
        " default-group-policy GP-HQ",
        "group-policy GP-HQ internal",
        "group-policy GP-HQ attributes",
        " vpn-filter value HQ-FILTER",
        "access-list HQ-FILTER extended deny ip any any",
    )

    tunnel = direction(simulate(tmp_path, HQ, branch), "a")

    assert states(tunnel) == (
        "MM_ACTIVE",
        "MM_ACTIVE",
        "traffic",
        "vpn-traffic-blocked",
    )
    assert ("b.cfg", line_of(branch, "HQ-FILTER extended deny")) in _cited(
        tunnel
    )


# --- phase 2: map order ------------------------------------------------------


def _dynamic_first(branch: str, pfs: str) -> str:
    return add(
        branch,
        "crypto map outside_map interface outside",
        f"crypto dynamic-map DYN 10 set ikev1 transform-set AES256-SHA{pfs}",
        "crypto map outside_map 5 ipsec-isakmp dynamic DYN",
    )


def test_early_dynamic_entry_that_refuses_is_a_map_order_fault(tmp_path):
    branch = _dynamic_first(BRANCH, "")
    branch = add(
        branch,
        "crypto dynamic-map DYN 10",
        "crypto dynamic-map DYN 10 set pfs group21",
    )

    tunnel = direction(simulate(tmp_path, HQ, branch), "a")

    assert states(tunnel) == (
        "MM_ACTIVE",
        "MM_ACTIVE",
        "phase2",
        "crypto-map-order",
    )
    (fix,) = tunnel.fixes
    assert fix.commands == (
        "crypto map outside_map 4 match address HQ-VPN",
        "crypto map outside_map 4 set peer 198.51.100.1",
        "crypto map outside_map 4 set ikev1 transform-set AES256-SHA",
        "clear configure crypto map outside_map 10",
    )


def test_early_dynamic_entry_that_accepts_is_only_a_warning(tmp_path):
    result = simulate(tmp_path, HQ, _dynamic_first(BRANCH, ""))

    tunnel = direction(result, "a")
    assert states(tunnel) == ESTABLISHED
    assert {(f.rule, f.level.value) for f in result.findings} == {
        ("ASA205", "warning")
    }


# --- routes the config does not show ---------------------------------------


def _far_inside(text: str) -> str:
    """hq protects 10.50.0.0/16, which no configured route names."""
    return edit(
        text,
        "access-list BRANCH-VPN",
        "access-list BRANCH-VPN extended permit ip 10.50.0.0 255.255.0.0"
        " 10.2.0.0 255.255.0.0",
    )


def test_source_learned_by_a_routing_protocol_is_an_assumption(tmp_path):
    hq = _far_inside(HQ) + "router ospf 1\n"
    branch = BRANCH.replace("10.1.0.0 255.255.0.0", "10.50.0.0 255.255.0.0")

    tunnel = direction(simulate(tmp_path, hq, branch), "a")

    assert states(tunnel)[:3] == ESTABLISHED[:3]
    assert not tunnel.predicted.certain
    assert any("routing protocol" in c for c in tunnel.predicted.conditions)


def test_source_no_route_names_is_an_uncertain_mismatch(tmp_path):
    tunnel = direction(simulate(tmp_path, _far_inside(HQ), BRANCH), "a")

    assert states(tunnel) == (
        "NO_SA",
        "NO_SA",
        "trigger",
        "crypto-acl-mismatch",
    )
    assert not tunnel.predicted.certain


def test_reversed_acl_is_a_certain_mismatch(tmp_path):
    hq = edit(
        HQ,
        "access-list BRANCH-VPN",
        "access-list BRANCH-VPN extended permit ip 10.2.0.0 255.255.0.0"
        " 10.1.0.0 255.255.0.0",
    )
    hq += "router ospf 1\n"

    tunnel = direction(simulate(tmp_path, hq, BRANCH), "a")

    assert states(tunnel) == (
        "NO_SA",
        "NO_SA",
        "trigger",
        "crypto-acl-mismatch",
    )
    assert tunnel.predicted.certain


def test_host_name_peer_makes_the_prediction_conditional(tmp_path):
    hq = edit(
        HQ,
        "set peer 203.0.113.2",
        "crypto map outside_map 10 set peer branch-vpn",
    )

    tunnel = direction(simulate(tmp_path, hq, BRANCH), "a")

    assert states(tunnel) == ESTABLISHED
    assert tunnel.predicted.conditions == (
        "set peer branch-vpn is taken to resolve to 203.0.113.2",
    )


def test_map_on_an_interface_without_an_address_sends_nothing(tmp_path):
    hq = edit(HQ, " ip address 198.51.100.1 255.255.255.0", "")

    result = simulate(tmp_path, hq, BRANCH)

    hq_first = direction(result, "a")
    assert states(hq_first) == (
        "NO_SA",
        "NO_SA",
        "trigger",
        "crypto-map-not-applied",
    )
    assert "has no address" in hq_first.steps[0].detail
    # The branch's peer is then no address of hq's: a wrong peer.
    assert states(direction(result, "b"))[3] == "peer-address-mismatch"


def test_a_second_network_without_exemption_is_reported(tmp_path):
    # The tunnel comes up for 10.1.0.0/16; 10.5.0.0/16 is translated by
    # its object PAT before the crypto map and never enters the tunnel.
    hq = add(
        HQ,
        "route outside 0.0.0.0",
        "access-list BRANCH-VPN extended permit ip 10.5.0.0 255.255.0.0 "
        "10.2.0.0 255.255.0.0",
        "object network SITE-5",
        " subnet 10.5.0.0 255.255.0.0",
        " nat (inside,outside) dynamic interface",
        "route inside 10.5.0.0 255.255.0.0 10.1.0.254 1",
    )
    branch = add(
        BRANCH,
        "access-list HQ-VPN",
        "access-list HQ-VPN extended permit ip 10.2.0.0 255.255.0.0 "
        "10.5.0.0 255.255.0.0",
    )

    result = simulate(tmp_path, hq, branch)

    assert states(direction(result, "a"))[2] == "established"
    nat = [f for f in result.findings if f.rule == "ASA307"]
    # Neither side exempts the new network: each side's finding.
    assert {(Path(f.path).name, f.level.value) for f in nat} == {
        ("a.cfg", "error"), ("b.cfg", "error")
    }
    assert any("10.5.0.0/16" in f.message for f in nat)
