"""An ASA against a PIX 6: IOS-style state names, `nat 0` exemption and
nat-control, `sysopt connection permit-ipsec` off by default, and the
PIX 6 identity default."""

from __future__ import annotations

from builders import (
    BRANCH_PIX6,
    direction,
    edit,
    hq_group5,
    line_of,
    simulate,
    states,
)


def test_working_pair(tmp_path):
    result = simulate(tmp_path, hq_group5(), BRANCH_PIX6)

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


def test_permit_ipsec_is_off_unless_configured(tmp_path):
    branch = edit(BRANCH_PIX6, "sysopt connection permit-ipsec", "")

    result = simulate(tmp_path, hq_group5(), branch)

    hq_first = direction(result, "a")
    assert states(hq_first) == (
        "MM_ACTIVE",
        "QM_IDLE",
        "traffic",
        "vpn-traffic-blocked",
    )
    assert hq_first.predicted.cause_side.value == "responder"
    assert hq_first.fixes[0].commands == ("sysopt connection permit-ipsec",)
    pix_first = direction(result, "b")
    assert pix_first.predicted.cause_side.value == "initiator"


def test_missing_nat_0_translates_the_protected_traffic(tmp_path):
    branch = edit(BRANCH_PIX6, "nat (inside) 0 access-list NONAT", "")

    result = simulate(tmp_path, hq_group5(), branch)

    pix_first = direction(result, "b")
    assert states(pix_first) == (
        "NO_SA",
        "NO_SA",
        "trigger",
        "nat-exemption-missing",
    )
    cited = {origin.line for origin in pix_first.steps[0].lines}
    assert line_of(branch, "nat (inside) 1") in cited
    assert states(direction(result, "a"))[2:] == (
        "traffic",
        "nat-exemption-missing",
    )


def test_no_nat_rule_at_all_drops_the_traffic(tmp_path):
    branch = BRANCH_PIX6
    for line in ("nat (inside) 0", "nat (inside) 1", "global (outside) 1"):
        branch = edit(branch, line, "")

    tunnel = direction(simulate(tmp_path, hq_group5(), branch), "b")

    assert states(tunnel) == (
        "NO_SA",
        "NO_SA",
        "trigger",
        "nat-exemption-missing",
    )
    assert "nat-control" in tunnel.steps[0].detail


def test_identity_default_is_an_assumption_not_a_fault(tmp_path):
    branch = edit(BRANCH_PIX6, "isakmp identity address", "")

    tunnel = direction(simulate(tmp_path, hq_group5(), branch), "b")

    assert states(tunnel) == ("QM_IDLE", "MM_ACTIVE", "established", None)
    assert not tunnel.predicted.certain
    assert tunnel.predicted.conditions == (
        "identity: the default (hostname) is taken as address",
    )


def test_group_14_is_refused_by_a_pix_6_policy(tmp_path):
    hq = hq_group5().replace(" group 5", " group 14")

    tunnel = direction(simulate(tmp_path, hq, BRANCH_PIX6), "a")

    assert states(tunnel) == (
        "MM_WAIT_MSG2",
        "MM_NO_STATE",
        "phase1",
        "phase1-policy-mismatch",
    )
    # The PIX's built-in policy (des, sha, group 1) is no near miss: the
    # outcome does not hang on it.
    assert tunnel.predicted.certain
