"""An ASA against an IOS router: IOS state names, IOS key lookup, IOS
defaults (rsa-sig, default policies, bare PFS), weak crypto, Xauth."""

from __future__ import annotations

from builders import (
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


def test_working_pair_prints_qm_idle_on_the_router(tmp_path):
    result = simulate(tmp_path, HQ, BRANCH_IOS)

    assert states(direction(result, "a")) == (
        "MM_ACTIVE",
        "QM_IDLE",
        "established",
        None,
    )
    assert states(direction(result, "b")) == (
        "QM_IDLE",
        "MM_ACTIVE",
        "established",
        None,
    )
    assert result.findings == ()


def test_ios_policy_without_authentication_line_is_rsa_sig(tmp_path):
    branch = edit(BRANCH_IOS, "authentication pre-share", "")

    result = simulate(tmp_path, HQ, branch)

    assert states(direction(result, "a")) == (
        "MM_WAIT_MSG2",
        "MM_NO_STATE",
        "phase1",
        "phase1-policy-mismatch",
    )
    assert states(direction(result, "b")) == (
        "MM_NO_STATE",
        "NO_SA",
        "phase1",
        "phase1-policy-mismatch",
    )
    assert ("b.cfg", line_of(branch, "crypto isakmp policy 10")) in rules_at(
        result, "ASA101"
    )


def test_router_without_a_key_refuses_at_the_policy(tmp_path):
    branch = edit(BRANCH_IOS, "crypto isakmp key", "")

    result = simulate(tmp_path, HQ, branch)

    hq_first = direction(result, "a")
    assert states(hq_first) == (
        "MM_WAIT_MSG2",
        "MM_NO_STATE",
        "phase1",
        "psk-missing",
    )
    assert hq_first.predicted.certain
    assert [m.name for m in hq_first.exchange] == ["MM1"]
    router_first = direction(result, "b")
    assert states(router_first) == (
        "MM_SA_SETUP",
        "MM_WAIT_MSG3",
        "phase1",
        "psk-missing",
    )
    assert not router_first.predicted.certain
    assert router_first.fixes[0].commands == (
        "crypto isakmp key <key> address 198.51.100.1",
    )


def test_key_mismatch_on_the_router_is_mm_key_exch(tmp_path):
    branch = edit(
        BRANCH_IOS,
        "crypto isakmp key",
        "crypto isakmp key Other-Key-2 address 198.51.100.1",
    )

    result = simulate(tmp_path, HQ, branch)

    assert states(direction(result, "a")) == (
        "MM_WAIT_MSG6",
        "MM_KEY_EXCH",
        "phase1",
        "psk-mismatch",
    )
    assert states(direction(result, "b")) == (
        "MM_KEY_EXCH",
        "MM_WAIT_MSG5",
        "phase1",
        "psk-mismatch",
    )


def test_bare_pfs_on_the_router_accepts_group2_but_offers_group1(tmp_path):
    hq = add(
        HQ,
        "set ikev1 transform-set",
        "crypto map outside_map 10 set pfs group2",
    )
    branch = add(BRANCH_IOS, " set transform-set AES256-SHA", " set pfs")

    result = simulate(tmp_path, hq, branch)

    assert states(direction(result, "a"))[2:] == ("established", None)
    assert states(direction(result, "b")) == (
        "QM_IDLE",
        "MM_ACTIVE",
        "phase2",
        "pfs-mismatch",
    )


def test_default_policies_apply_when_the_router_has_none(tmp_path):
    hq = edit(HQ, "encryption aes-256", " encryption 3des")
    hq = edit(hq, "group 14", " group 2")
    branch = BRANCH_IOS
    for line in (
        "crypto isakmp policy 10",
        "encr aes 256",
        "hash sha",
        "authentication pre-share",
        "group 14",
    ):
        branch = edit(branch, line, "")

    tunnel = direction(simulate(tmp_path, hq, branch), "a")

    # 3des, sha, pre-share, group 2 is default suite 65512.
    assert states(tunnel) == ("MM_ACTIVE", "QM_IDLE", "established", None)
    assert not tunnel.predicted.certain
    assert any("65512" in c for c in tunnel.predicted.conditions)


def test_ios_xe_17_11_refuses_weak_policies(tmp_path):
    hq = edit(HQ, "encryption aes-256", " encryption 3des")
    hq = edit(hq, "group 14", " group 2")
    branch = edit(BRANCH_IOS, "version 15.4", "version 17.12")
    branch = edit(branch, "encr aes 256", " encr 3des")
    branch = edit(branch, " group 14", " group 2")

    result = simulate(tmp_path, hq, branch)

    assert states(direction(result, "a")) == (
        "MM_WAIT_MSG2",
        "MM_NO_STATE",
        "phase1",
        "weak-crypto-refused",
    )
    assert direction(result, "a").predicted.cause_side.value == "responder"


def test_xauth_on_the_map_needs_no_xauth_on_the_key(tmp_path):
    branch = add(
        BRANCH_IOS,
        " mode tunnel",
        "crypto map CMAP client authentication list VPN-USERS",
    )

    tunnel = direction(simulate(tmp_path, HQ, branch), "a")

    assert states(tunnel) == (
        "MM_ACTIVE",
        "CONF_XAUTH",
        "phase1",
        "xauth-on-l2l-peer",
    )
    assert tunnel.fixes[0].commands == (
        "crypto isakmp key <key> address 198.51.100.1 no-xauth",
    )


def test_no_xauth_key_lets_the_l2l_peer_through(tmp_path):
    branch = add(
        BRANCH_IOS,
        " mode tunnel",
        "crypto map CMAP client authentication list VPN-USERS",
    )
    branch = edit(
        branch,
        "crypto isakmp key",
        "crypto isakmp key Example-Key-1 address 198.51.100.1 no-xauth",
    )

    tunnel = direction(simulate(tmp_path, HQ, branch), "a")

    assert states(tunnel) == ("MM_ACTIVE", "QM_IDLE", "established", None)


def test_mask_typed_for_a_wildcard_matches_no_traffic(tmp_path):
    branch = edit(
        BRANCH_IOS,
        " permit ip 10.2.0.0 0.0.255.255 10.1.0.0",
        " permit ip 10.2.0.0 255.255.0.0 10.1.0.0 255.255.0.0",
    )

    result = simulate(tmp_path, HQ, branch)

    router_first = direction(result, "b")
    assert states(router_first) == (
        "NO_SA",
        "NO_SA",
        "trigger",
        "crypto-acl-mismatch",
    )
    assert "wildcard" in router_first.steps[0].detail


def test_keyring_of_a_matching_isakmp_profile_holds_the_key(tmp_path):
    branch = edit(BRANCH_IOS, "crypto isakmp key", "")
    branch = add(
        branch,
        "group 14",
        "crypto keyring HQ-RING",
        " pre-shared-key address 198.51.100.1 key Example-Key-1",
        "crypto isakmp profile HQ-PROFILE",
        " keyring HQ-RING",
        " match identity address 198.51.100.1 255.255.255.255",
    )
    branch = add(
        branch,
        " set transform-set AES256-SHA",
        " set isakmp-profile HQ-PROFILE",
    )

    result = simulate(tmp_path, HQ, branch)

    for side in ("a", "b"):
        assert states(direction(result, side))[2:] == ("established", None)


def test_local_address_loopback_terminates_the_tunnel(tmp_path):
    branch = edit(
        BRANCH_IOS,
        " ip address 203.0.113.2 255.255.255.0",
        " ip address 192.0.2.2 255.255.255.0",
    )
    branch = edit(
        branch, "ip route 0.0.0.0", "ip route 0.0.0.0 0.0.0.0 192.0.2.254"
    )
    branch = add(
        branch, " mode tunnel", "crypto map CMAP local-address Loopback0"
    )
    branch = add(
        branch,
        "ip nat inside source list",
        "interface Loopback0",
        " ip address 203.0.113.2 255.255.255.255",
    )

    result = simulate(tmp_path, HQ, branch)

    hq_first, router_first = direction(result, "a"), direction(result, "b")
    assert states(hq_first) == ("MM_ACTIVE", "QM_IDLE", "established", None)
    assert states(router_first) == (
        "QM_IDLE",
        "MM_ACTIVE",
        "established",
        None,
    )
    # The router's IKE packets carry the loopback's address.
    assert router_first.initiator_address == "203.0.113.2"


def test_rsa_sig_default_is_fixed_on_the_router_both_ways():
    from pathlib import Path

    from asalint import api

    folder = Path(__file__).parents[1] / "fixtures" / "pairs"
    folder = folder / "asa-ios-auth-default-rsa-sig"
    hq = api.load_device(str(folder / "a.cfg"))
    router = api.load_device(str(folder / "b.cfg"))
    used = {policy.priority for policy in router.ikev1_policies}

    result = api.pair(hq, router)

    for tunnel in result.tunnels:
        assert tunnel.predicted.cause == "phase1-policy-mismatch"
        (fix,) = tunnel.fixes
        assert fix.path == router.path
        assert " authentication pre-share" in fix.commands
        priority = int(fix.commands[0].split()[-1])
        assert priority not in used
