"""IKEv2 between ASAs and against IOS: IKE_SA_INIT, proposals, keys in
each direction, the first child SA, half-open tunnels, version fallback."""

from __future__ import annotations

from builders import (
    BRANCH,
    BRANCH_IOS_V2,
    HQ,
    add,
    direction,
    edit,
    ikev2,
    line_of,
    rules_at,
    simulate,
    states,
)

HQ2, BRANCH2 = ikev2(HQ), ikev2(BRANCH)
READY = ("READY", "READY", "established", None)


def _tunnels(result, initiator: str):
    return [t for t in result.tunnels if t.initiator.endswith(initiator)]


def test_working_pair_is_ready_both_ways(tmp_path):
    result = simulate(tmp_path, HQ2, BRANCH2)

    for side in ("a", "b"):
        tunnel = direction(result, side)
        assert tunnel.ike_version == 2
        assert states(tunnel) == READY
        assert tunnel.failed_exchange is None
        assert [(m.name, m.sender.value) for m in tunnel.exchange] == [
            ("IKE_SA_INIT", "initiator"),
            ("IKE_SA_INIT", "responder"),
            ("IKE_AUTH", "initiator"),
            ("IKE_AUTH", "responder"),
        ]
    assert result.findings == ()


def test_no_common_group_stalls_in_ike_sa_init(tmp_path):
    branch = edit(BRANCH2, " group 14", " group 19")

    result = simulate(tmp_path, HQ2, branch)

    tunnel = direction(result, "a")
    assert states(tunnel) == (
        "IN-NEG",
        "NO_SA",
        "phase1",
        "ikev2-proposal-mismatch",
    )
    assert tunnel.failed_exchange == "IKE_SA_INIT"
    assert [m.delivered for m in tunnel.exchange] == [False]
    # The finding sits on the attribute that differs, the line to change.
    assert rules_at(result, "ASA120") == {
        ("a.cfg", line_of(HQ2, " group 14")),
        ("b.cfg", line_of(branch, " group 19")),
    }


def test_first_group_not_shared_costs_a_retry(tmp_path):
    hq = edit(HQ2, " group 14", " group 19 14")

    result = simulate(tmp_path, hq, BRANCH2)

    hq_first = direction(result, "a")
    assert states(hq_first) == (
        "READY",
        "READY",
        "established",
        "ikev2-ke-retry",
    )
    assert rules_at(result, "ASA127") == {
        ("a.cfg", line_of(hq, "crypto ikev2 policy 10"))
    }
    assert states(direction(result, "b")) == READY


def test_keys_that_differ_one_way_depend_on_who_initiates(tmp_path):
    # branch checks hq with another key than hq signs with.
    branch = edit(
        BRANCH2,
        "remote-authentication",
        " ikev2 remote-authentication pre-shared-key Other-Key-9",
    )

    result = simulate(tmp_path, HQ2, branch)

    hq_first = direction(result, "a")
    assert states(hq_first) == (
        "IN-NEG",
        "NO_SA",
        "phase1",
        "ikev2-auth-mismatch",
    )
    # What an ASA prints while it retries is an open question.
    assert not hq_first.predicted.certain
    assert hq_first.failed_exchange == "IKE_AUTH"
    branch_first = direction(result, "b")
    assert states(branch_first) == (
        "NO_SA",
        "READY",
        "phase1",
        "ikev2-auth-mismatch",
    )
    assert not branch_first.predicted.certain  # half open: inferred
    assert ("a.cfg", line_of(HQ2, "local-authentication")) in rules_at(
        result, "ASA122"
    )


def test_responder_without_a_remote_key_cannot_check_the_initiator(tmp_path):
    branch = edit(BRANCH2, "remote-authentication", "")

    result = simulate(tmp_path, HQ2, branch)

    assert states(direction(result, "a")) == (
        "IN-NEG",
        "NO_SA",
        "phase1",
        "ikev2-psk-missing",
    )
    half_open = direction(result, "b")
    assert states(half_open)[:2] == ("NO_SA", "READY")
    assert half_open.fixes[0].commands[-2:] == (
        " ikev2 remote-authentication pre-shared-key <key>",
        " ikev2 local-authentication pre-shared-key <key>",
    )


def test_child_proposal_mismatch_deletes_both_sas(tmp_path):
    branch = edit(
        BRANCH2, "protocol esp encryption", " protocol esp encryption aes"
    )

    tunnel = direction(simulate(tmp_path, HQ2, branch), "a")

    assert states(tunnel) == (
        "NO_SA",
        "NO_SA",
        "phase2",
        "ikev2-child-proposal-mismatch",
    )
    assert tunnel.failed_exchange == "IKE_AUTH"


def test_narrower_responder_refuses_the_wider_selectors(tmp_path):
    branch = edit(
        BRANCH2,
        "access-list HQ-VPN",
        "access-list HQ-VPN extended permit ip 10.2.0.0 255.255.255.0"
        " 10.1.0.0 255.255.0.0",
    )

    result = simulate(tmp_path, HQ2, branch)

    assert states(direction(result, "a")) == (
        "NO_SA",
        "NO_SA",
        "phase2",
        "ts-unacceptable",
    )
    assert ("a.cfg", line_of(HQ2, "access-list BRANCH-VPN")) in rules_at(
        result, "ASA211"
    )
    narrower = direction(result, "b")
    assert states(narrower)[:3] == READY[:3]
    assert not narrower.predicted.certain


def test_pfs_on_one_side_fails_only_at_the_rekey(tmp_path):
    branch = add(
        BRANCH2,
        "set ikev2 ipsec-proposal",
        "crypto map outside_map 10 set pfs group14",
    )

    result = simulate(tmp_path, HQ2, branch)

    for side in ("a", "b"):
        tunnel = direction(result, side)
        assert states(tunnel) == (
            "READY",
            "READY",
            "established",
            "ikev2-pfs-mismatch",
        )
        assert not tunnel.predicted.certain
    assert rules_at(result, "ASA212") == {
        ("b.cfg", line_of(branch, "set pfs group14"))
    }


def test_ikev2_initiator_gets_no_answer_from_an_ikev1_only_asa(tmp_path):
    result = simulate(tmp_path, HQ2, BRANCH)

    tunnel = direction(result, "a")
    assert tunnel.ike_version == 2
    assert states(tunnel) == (
        "IN-NEG",
        "NO_SA",
        "phase1",
        "ike-version-mismatch",
    )
    assert tunnel.failed_exchange == "IKE_SA_INIT"
    assert ("a.cfg", line_of(HQ2, "set ikev2 ipsec-proposal")) in rules_at(
        result, "ASA110"
    )
    assert direction(result, "b").ike_version == 1


def test_asa_with_both_versions_falls_back_to_ikev1(tmp_path):
    hq = add(
        HQ,
        "set ikev1 transform-set",
        "crypto map outside_map 10 set ikev2 ipsec-proposal AES256",
    )
    hq = add(
        hq,
        "crypto ipsec ikev1 transform-set",
        "crypto ipsec ikev2 ipsec-proposal AES256",
        " protocol esp encryption aes-256",
        " protocol esp integrity sha-256",
    )
    hq = add(
        hq,
        "crypto ikev1 enable outside",
        "crypto ikev2 enable outside",
        "crypto ikev2 policy 20",
        " encryption aes-256",
        " integrity sha256",
        " group 14",
        " prf sha256",
    )

    result = simulate(tmp_path, hq, BRANCH)

    first, then = _tunnels(result, "a.cfg")
    assert (first.ike_version, then.ike_version) == (2, 1)
    assert states(first)[3] == "ike-version-mismatch"
    assert states(then) == ("MM_ACTIVE", "MM_ACTIVE", "established", None)
    assert not then.predicted.certain
    assert "falls back to IKEv1" in then.predicted.conditions[0]
    # The tunnel comes up: the failed IKEv2 attempt costs a retry only.
    assert {f.level.value for f in result.findings if f.rule == "ASA110"} == {
        "warning"
    }


def test_no_fallback_when_ikev2_comes_up(tmp_path):
    hq = add(
        HQ2,
        "set ikev2 ipsec-proposal",
        "crypto map outside_map 10 set ikev1 transform-set AES256-SHA",
    )
    hq = add(
        hq,
        "protocol esp integrity",
        "crypto ipsec ikev1 transform-set AES256-SHA esp-aes-256 esp-sha-hmac",
    )

    result = simulate(tmp_path, hq, BRANCH2)

    assert [t.ike_version for t in _tunnels(result, "a.cfg")] == [2]


def test_vpn_tunnel_protocol_without_ikev2(tmp_path):
    from asalint.api import load_device, pair

    (tmp_path / "a.cfg").write_text(HQ2)
    (tmp_path / "b.cfg").write_text(BRANCH2)
    hq, branch = (load_device(str(tmp_path / f"{n}.cfg")) for n in "ab")
    # The policy as `group-policy DfltGrpPolicy attributes` /
    # ` vpn-tunnel-protocol ikev1` leaves it; built here so that the test
    # does not hang on the parser.
    origin = branch.interfaces[0].origin
    policy = branch.group_policies.get("DfltGrpPolicy")
    from asalint.model import GroupPolicy

    policy = GroupPolicy(
        name="DfltGrpPolicy",
        vpn_tunnel_protocols=("ikev1",),
        vpn_tunnel_protocol_origin=origin,
        origin=origin,
    )
    branch = branch.model_copy(
        update={"group_policies": {"DfltGrpPolicy": policy}}
    )

    tunnel = direction(pair(hq, branch), "a")

    assert states(tunnel) == (
        "IN-NEG",
        "NO_SA",
        "phase1",
        "vpn-tunnel-protocol-excludes",
    )
    assert tunnel.fixes[0].commands == (
        "group-policy DfltGrpPolicy attributes",
        " vpn-tunnel-protocol ikev1 ikev2",
    )


# --- against IOS -----------------------------------------------------------


def test_asa_and_ios_router_are_ready_both_ways(tmp_path):
    result = simulate(tmp_path, HQ2, BRANCH_IOS_V2)

    assert states(direction(result, "a")) == READY
    assert states(direction(result, "b")) == READY


def test_hostname_identity_matches_no_ios_profile(tmp_path):
    hq = add(
        HQ2, "crypto ikev2 enable outside", "crypto isakmp identity hostname"
    )

    result = simulate(tmp_path, hq, BRANCH_IOS_V2)

    assert states(direction(result, "a")) == (
        "IN-NEG",
        "NO_SA",
        "phase1",
        "ikev2-identity-mismatch",
    )
    assert ("a.cfg", line_of(hq, "identity hostname")) in rules_at(
        result, "ASA123"
    )


def test_ios_smart_defaults_are_an_uncertain_offer(tmp_path):
    branch = BRANCH_IOS_V2
    for line in (
        "crypto ikev2 proposal AES256",
        "encryption aes-cbc-256",
        " integrity sha256",
        " group 14",
        "crypto ikev2 policy POLICY",
        " proposal AES256",
    ):
        branch = edit(branch, line, "")

    hq = edit(HQ2, " group 14", " group 5")

    tunnel = direction(simulate(tmp_path, hq, branch), "a")

    # hq offers aes-256 / sha256 / group 5, which the IOS 15 default
    # proposal also holds.
    assert states(tunnel) == READY
    assert not tunnel.predicted.certain
    assert any("smart default" in c for c in tunnel.predicted.conditions)


def test_ikev1_only_router_fails_ikev2_in_ike_auth(tmp_path):
    from builders import BRANCH_IOS

    hq = edit(HQ2, " group 14", " group 5")

    tunnel = direction(simulate(tmp_path, hq, BRANCH_IOS), "a")

    # The router answers IKE_SA_INIT with its smart defaults, then finds
    # no IKEv2 profile for the peer.
    assert states(tunnel) == (
        "IN-NEG",
        "NO_SA",
        "phase1",
        "ike-version-mismatch",
    )
    assert tunnel.failed_exchange == "IKE_AUTH"
