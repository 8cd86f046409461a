"""Aggressive mode and ISAKMP identities, from config text.

In aggressive mode the first message carries the initiator's identity
and the responder finds the key by it: the ASA the tunnel-group of that
name, IOS the key for that host name. In main mode the key was chosen by
address before the identity arrives. Each test changes a working pair
(tests/builders.py) and asserts both sides' states, stage and cause.
"""

from __future__ import annotations

from builders import (
    BRANCH,
    BRANCH_IOS,
    HQ,
    add,
    direction,
    edit,
    line_of,
    rules_at,
    simulate,
    states,
)

AGGRESSIVE = "crypto map outside_map 10 set ikev1 phase1-mode aggressive"


def _aggressive_hq(*identity: str) -> str:
    hq = add(HQ, "set ikev1 transform-set", AGGRESSIVE)
    if identity:
        hq = add(hq, "crypto ikev1 enable outside", *identity)
    return hq


def _branch_group(name: str, key: str = "Example-Key-1") -> str:
    """BRANCH with its group for hq renamed to `name`."""
    branch = edit(
        BRANCH,
        "tunnel-group 198.51.100.1 type",
        f"tunnel-group {name} type ipsec-l2l",
    )
    branch = edit(
        branch,
        "tunnel-group 198.51.100.1 ipsec",
        f"tunnel-group {name} ipsec-attributes",
    )
    return edit(branch, "pre-shared-key", f" ikev1 pre-shared-key {key}")


# --- the ASA responder: the tunnel-group named by the identity ---------------


def test_key_id_selects_the_group_of_that_name(tmp_path):
    hq = _aggressive_hq("crypto isakmp identity key-id HQ-SITE")
    branch = add(
        _branch_group("HQ-SITE"),
        "ikev1 pre-shared-key",
        "tunnel-group 198.51.100.1 type ipsec-l2l",
        "tunnel-group 198.51.100.1 ipsec-attributes",
        " ikev1 pre-shared-key Example-Key-1",
    )

    tunnel = direction(simulate(tmp_path, hq, branch), "a")

    assert tunnel.mode == "aggressive"
    assert states(tunnel) == ("AM_ACTIVE", "AM_ACTIVE", "established", None)
    keys = next(step for step in tunnel.steps if step.step == "keys")
    assert "tunnel-group HQ-SITE" in keys.detail
    key_line = line_of(branch, "tunnel-group HQ-SITE ipsec-attributes") + 1
    assert ("b.cfg", key_line) in {
        (o.path.rsplit("/", 1)[-1], o.line) for o in keys.lines
    }


def test_hostname_identity_is_the_fqdn(tmp_path):
    hq = _aggressive_hq("crypto isakmp identity hostname")
    hq = add(hq, "hostname hq", "domain-name example.net")
    branch = _branch_group("hq.example.net")

    tunnel = direction(simulate(tmp_path, hq, branch), "a")

    assert states(tunnel) == ("AM_ACTIVE", "AM_ACTIVE", "established", None)


def test_a_name_no_group_carries_is_an_uncertain_identity_mismatch(tmp_path):
    hq = _aggressive_hq("crypto isakmp identity key-id HQ-SITE")

    result = simulate(tmp_path, hq, BRANCH)

    tunnel = direction(result, "a")
    assert states(tunnel) == (
        "AM_WAIT_MSG2",
        "NO_SA",
        "phase1",
        "identity-mismatch",
    )
    assert not tunnel.predicted.certain
    assert tunnel.predicted.cause_side.value == "both"
    assert ("a.cfg", line_of(hq, "key-id HQ-SITE")) in rules_at(
        result, "ASA107"
    )
    assert ("b.cfg", line_of(BRANCH, "ikev1 pre-shared-key")) in rules_at(
        result, "ASA107"
    )
    # branch initiates in main mode with its address: unaffected.
    assert states(direction(result, "b"))[2] == "established"


def test_address_identity_keeps_the_address_lookup(tmp_path):
    hq = _aggressive_hq("crypto isakmp identity address")

    tunnel = direction(simulate(tmp_path, hq, BRANCH), "a")

    assert states(tunnel) == ("AM_ACTIVE", "AM_ACTIVE", "established", None)
    assert tunnel.predicted.certain


def test_no_group_at_all_stops_before_the_second_message(tmp_path):
    hq = _aggressive_hq()
    branch = _branch_group("SOMEONE-ELSE")

    tunnel = direction(simulate(tmp_path, hq, branch), "a")

    assert states(tunnel) == (
        "AM_WAIT_MSG2",
        "NO_SA",
        "phase1",
        "tunnel-group-missing",
    )
    assert [m.name for m in tunnel.exchange] == ["AM1"]


def test_keys_differ_the_initiator_checks_the_second_message(tmp_path):
    hq = _aggressive_hq()
    branch = _branch_group("198.51.100.1", key="Other-Key-2")

    tunnel = direction(simulate(tmp_path, hq, branch), "a")

    assert states(tunnel) == (
        "AM_WAIT_MSG2",
        "AM_WAIT_MSG3",
        "phase1",
        "psk-mismatch",
    )
    assert [(m.name, m.delivered) for m in tunnel.exchange] == [
        ("AM1", True),
        ("AM2", False),
    ]


# --- main mode: the name arrives after the key was chosen by address ---------


def test_key_id_in_main_mode_is_an_uncertain_mismatch(tmp_path):
    hq = add(
        HQ,
        "crypto ikev1 enable outside",
        "crypto isakmp identity key-id HQ-SITE",
    )

    tunnel = direction(simulate(tmp_path, hq, BRANCH), "a")

    assert states(tunnel) == (
        "MM_WAIT_MSG6",
        "MM_WAIT_MSG5",
        "phase1",
        "identity-mismatch",
    )
    assert not tunnel.predicted.certain
    assert "key-id HQ-SITE" in tunnel.steps[-1].detail


# --- IOS ---------------------------------------------------------------------

IOS_AGGRESSIVE_PEER = (
    "crypto isakmp peer address 198.51.100.1",
    " set aggressive-mode password Example-Key-1",
    " set aggressive-mode client-endpoint fqdn branch-rtr.example.net",
)


def test_ios_initiates_aggressive_mode_toward_an_isakmp_peer(tmp_path):
    branch = add(
        BRANCH_IOS, "crypto isakmp key Example-Key-1", *IOS_AGGRESSIVE_PEER
    )
    hq = add(
        HQ,
        " ikev1 pre-shared-key Example-Key-1",
        "tunnel-group branch-rtr.example.net type ipsec-l2l",
        "tunnel-group branch-rtr.example.net ipsec-attributes",
        " ikev1 pre-shared-key Example-Key-1",
    )

    tunnel = direction(simulate(tmp_path, hq, branch), "b")

    assert tunnel.mode == "aggressive"
    assert states(tunnel) == ("QM_IDLE", "AM_ACTIVE", "established", None)


def test_ios_fqdn_identity_without_its_group_on_the_asa(tmp_path):
    branch = add(
        BRANCH_IOS, "crypto isakmp key Example-Key-1", *IOS_AGGRESSIVE_PEER
    )

    result = simulate(tmp_path, HQ, branch)

    tunnel = direction(result, "b")
    assert states(tunnel) == (
        "AG_NO_STATE",
        "NO_SA",
        "phase1",
        "identity-mismatch",
    )
    assert ("b.cfg", line_of(branch, "client-endpoint")) in rules_at(
        result, "ASA107"
    )


def test_ios_responder_finds_the_key_by_host_name(tmp_path):
    hq = _aggressive_hq("crypto isakmp identity hostname")
    hq = add(hq, "hostname hq", "domain-name example.net")
    branch = add(
        BRANCH_IOS,
        "crypto isakmp key Example-Key-1",
        "crypto isakmp key Example-Key-1 hostname hq.example.net",
    )

    tunnel = direction(simulate(tmp_path, hq, branch), "a")

    assert states(tunnel) == ("AM_ACTIVE", "QM_IDLE", "established", None)
    keys = next(step for step in tunnel.steps if step.step == "keys")
    assert "host name hq.example.net" in keys.detail


def test_ios_aggressive_mode_disable_refuses_the_first_message(tmp_path):
    hq = _aggressive_hq()
    branch = add(
        BRANCH_IOS,
        "crypto isakmp key Example-Key-1",
        "crypto isakmp aggressive-mode disable",
    )

    result = simulate(tmp_path, hq, branch)

    tunnel = direction(result, "a")
    assert states(tunnel) == (
        "AM_WAIT_MSG2",
        "NO_SA",
        "phase1",
        "aggressive-mode-refused",
    )
    assert ("b.cfg", line_of(branch, "aggressive-mode disable")) in rules_at(
        result, "ASA115"
    )
    assert states(direction(result, "b"))[2] == "established"


def test_isakmp_profile_initiates_aggressive_mode(tmp_path):
    branch = add(
        BRANCH_IOS,
        "crypto isakmp key Example-Key-1",
        "crypto isakmp profile HQ",
        " match identity address 198.51.100.1 255.255.255.255",
        " initiate mode aggressive",
    )
    branch = add(
        branch, " set transform-set AES256-SHA", " set isakmp-profile HQ"
    )

    tunnel = direction(simulate(tmp_path, HQ, branch), "b")

    assert tunnel.mode == "aggressive"
    assert states(tunnel) == ("QM_IDLE", "AM_ACTIVE", "established", None)


# --- fixes, in the syntax of the side that asked -------------------------------


def test_ios_fixes_undo_the_isakmp_peer_policy(tmp_path):
    branch = add(
        BRANCH_IOS, "crypto isakmp key Example-Key-1", *IOS_AGGRESSIVE_PEER
    )

    tunnel = direction(simulate(tmp_path, HQ, branch), "b")

    assert [fix.commands for fix in tunnel.fixes] == [
        (
            "crypto isakmp peer address 198.51.100.1",
            " no set aggressive-mode client-endpoint",
        ),
        (
            "tunnel-group branch-rtr.example.net type ipsec-l2l",
            "tunnel-group branch-rtr.example.net ipsec-attributes",
            " ikev1 pre-shared-key <key>",
        ),
    ]
    assert [fix.path.rsplit("/", 1)[-1] for fix in tunnel.fixes] == [
        "b.cfg",
        "a.cfg",
    ]


def test_ios_aggressive_refused_fix_keys_the_address_instead(tmp_path):
    branch = add(
        BRANCH_IOS, "crypto isakmp key Example-Key-1", *IOS_AGGRESSIVE_PEER
    )
    hq = add(HQ, "crypto ikev1 enable outside", "crypto ikev1 am-disable")

    tunnel = direction(simulate(tmp_path, hq, branch), "b")

    assert states(tunnel)[3] == "aggressive-mode-refused"
    assert [fix.commands for fix in tunnel.fixes] == [
        (
            "no crypto isakmp peer address 198.51.100.1",
            "crypto isakmp key <key> address 198.51.100.1",
        ),
        ("no crypto ikev1 am-disable",),
    ]


def test_profile_identity_fix_goes_to_the_profile(tmp_path):
    branch = add(
        BRANCH_IOS,
        "crypto isakmp key Example-Key-1",
        "crypto isakmp profile HQ",
        " match identity address 198.51.100.1 255.255.255.255",
        " self-identity fqdn",
    )
    branch = add(
        branch, " set transform-set AES256-SHA", " set isakmp-profile HQ"
    )

    tunnel = direction(simulate(tmp_path, HQ, branch), "b")

    assert states(tunnel) == (
        "MM_KEY_EXCH",
        "MM_WAIT_MSG5",
        "phase1",
        "identity-mismatch",
    )
    assert tunnel.fixes[0].commands == (
        "crypto isakmp profile HQ",
        " self-identity address",
    )
