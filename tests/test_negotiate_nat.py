"""A static NAT between the peers, declared to `asalint.api.pair`.

hq's outside address is private (192.168.100.2) and a NAT device in
front of it, in neither config, publishes it as 198.51.100.1: branch's
`set peer` and tunnel-group must name the public address, and with NAT-T
off on either side ESP crosses the NAT bare (uncertain: a one-to-one NAT
may forward it, port translation never does).
"""

from __future__ import annotations

from ipaddress import IPv4Address
from pathlib import Path

from builders import (
    BRANCH,
    BRANCH_IOS,
    BRANCH_PIX6,
    HQ,
    add,
    direction,
    edit,
    hq_group5,
    ikev2,
    line_of,
    rules_at,
    states,
)

from asalint.api import load_device, pair

PRIVATE, PUBLIC = IPv4Address("192.168.100.2"), IPv4Address("198.51.100.1")
NAT = {PRIVATE: PUBLIC}

# hq behind the NAT: its outside interface holds the private address.
HQ_BEHIND = edit(
    HQ,
    "ip address 198.51.100.1",
    " ip address 192.168.100.2 255.255.255.0",
).replace(
    "route outside 0.0.0.0 0.0.0.0 198.51.100.254 1",
    "route outside 0.0.0.0 0.0.0.0 192.168.100.1 1",
)


def simulate(tmp_path: Path, first: str, second: str, nat=NAT):
    (tmp_path / "a.cfg").write_text(first)
    (tmp_path / "b.cfg").write_text(second)
    return pair(
        load_device(str(tmp_path / "a.cfg")),
        load_device(str(tmp_path / "b.cfg")),
        nat=nat,
    )


def _conditions(tunnel) -> str:
    return " / ".join(tunnel.predicted.conditions)


def test_without_the_declaration_the_public_address_is_nobodys(tmp_path):
    result = simulate(tmp_path, HQ_BEHIND, BRANCH, nat=None)

    # branch keys hq's public address, which hq's packets then lack;
    # branch's peer is no address of hq at all.
    assert states(direction(result, "a"))[:2] == (
        "MM_WAIT_MSG4",
        "MM_WAIT_MSG3",
    )
    assert states(direction(result, "b"))[3] == "peer-address-mismatch"


def test_nat_t_on_both_sides_comes_up_assuming_the_nat(tmp_path):
    result = simulate(tmp_path, HQ_BEHIND, BRANCH)

    for side in ("a", "b"):
        tunnel = direction(result, side)
        assert states(tunnel) == (
            "MM_ACTIVE",
            "MM_ACTIVE",
            "established",
            None,
        )
        assert not tunnel.predicted.certain
        assert "192.168.100.2 is seen as 198.51.100.1" in _conditions(tunnel)
        assert "UDP 4500" in _conditions(tunnel)
    assert direction(result, "a").initiator_address == str(PUBLIC)


def test_nat_t_off_on_the_natted_side_leaves_esp_bare(tmp_path):
    hq = add(
        HQ_BEHIND,
        "crypto ikev1 enable outside",
        "no crypto isakmp nat-traversal",
    )

    result = simulate(tmp_path, hq, BRANCH)

    for side in ("a", "b"):
        tunnel = direction(result, side)
        assert states(tunnel) == (
            "MM_ACTIVE",
            "MM_ACTIVE",
            "traffic",
            "nat-t-blocked",
        )
        assert not tunnel.predicted.certain
        assert "protocol 50" in _conditions(tunnel)
    hq_first = direction(result, "a")
    assert hq_first.predicted.cause_side.value == "initiator"
    assert [fix.commands for fix in hq_first.fixes] == [
        ("crypto isakmp nat-traversal 20",)
    ]
    assert rules_at(result, "ASA126") == {
        ("a.cfg", line_of(hq, "no crypto isakmp nat-traversal"))
    }


def test_set_nat_t_disable_on_the_responders_entry(tmp_path):
    branch = add(
        BRANCH,
        "set ikev1 transform-set",
        "crypto map outside_map 10 set nat-t-disable",
    )

    result = simulate(tmp_path, HQ_BEHIND, branch)

    tunnel = direction(result, "a")
    assert states(tunnel)[2:] == ("traffic", "nat-t-blocked")
    assert tunnel.predicted.cause_side.value == "responder"
    assert ("b.cfg", line_of(branch, "nat-t-disable")) in rules_at(
        result, "ASA126"
    )
    assert tunnel.fixes[0].commands == (
        "no crypto map outside_map 10 set nat-t-disable",
    )


def test_tunnel_group_named_by_the_private_address(tmp_path):
    branch = BRANCH.replace("tunnel-group 198.51.100.1", "tunnel-group "
                            "192.168.100.2")

    result = simulate(tmp_path, HQ_BEHIND, branch)

    tunnel = direction(result, "a")
    assert states(tunnel) == (
        "MM_WAIT_MSG4",
        "MM_WAIT_MSG3",
        "phase1",
        "tunnel-group-missing",
    )
    failing = next(step for step in tunnel.steps if not step.ok)
    assert "arrives as 198.51.100.1 through the NAT" in failing.detail
    assert ("b.cfg", line_of(branch, "tunnel-group 192.168.100.2 type")) in {
        (o.path.rsplit("/", 1)[-1], o.line) for o in failing.lines
    }


def test_set_peer_naming_the_private_address_reaches_nothing(tmp_path):
    branch = BRANCH.replace("set peer 198.51.100.1", "set peer 192.168.100.2")

    result = simulate(tmp_path, HQ_BEHIND, branch)

    tunnel = direction(result, "b")
    assert states(tunnel) == (
        "MM_WAIT_MSG2",
        "NO_SA",
        "phase1",
        "peer-address-mismatch",
    )
    failing = next(step for step in tunnel.steps if not step.ok)
    assert "hidden by the NAT" in failing.detail
    assert "reached at 198.51.100.1" in failing.detail


def test_ios_responder_keys_the_public_address(tmp_path):
    result = simulate(tmp_path, HQ_BEHIND, BRANCH_IOS)

    tunnel = direction(result, "a")
    assert states(tunnel) == ("MM_ACTIVE", "QM_IDLE", "established", None)
    assert not tunnel.predicted.certain


def test_a_mapping_for_an_address_neither_holds_changes_nothing(tmp_path):
    result = simulate(
        tmp_path,
        HQ,
        BRANCH,
        nat={IPv4Address("192.0.2.99"): IPv4Address("192.0.2.100")},
    )

    for side in ("a", "b"):
        tunnel = direction(result, side)
        assert states(tunnel)[2] == "established"
        assert tunnel.predicted.certain


def test_pix6_behind_nat_has_nat_t_off_by_default(tmp_path):
    pix = edit(
        BRANCH_PIX6,
        "ip address outside",
        "ip address outside 192.168.200.2 255.255.255.0",
    ).replace(
        "route outside 0.0.0.0 0.0.0.0 203.0.113.254 1",
        "route outside 0.0.0.0 0.0.0.0 192.168.200.1 1",
    )
    nat = {IPv4Address("192.168.200.2"): IPv4Address("203.0.113.2")}

    result = simulate(tmp_path, hq_group5(), pix, nat=nat)

    tunnel = direction(result, "a")
    assert states(tunnel) == (
        "MM_ACTIVE",
        "QM_IDLE",
        "traffic",
        "nat-t-blocked",
    )
    assert tunnel.predicted.cause_side.value == "responder"
    # No line turns it off: the finding sits on the PIX's outside address.
    assert ("b.cfg", line_of(pix, "ip address outside")) in rules_at(
        result, "ASA126"
    )
    assert tunnel.fixes[0].commands == ("isakmp nat-traversal 20",)


def test_ikev2_floats_to_4500_whatever_the_nat_t_setting(tmp_path):
    hq = add(
        ikev2(HQ_BEHIND),
        "crypto ikev2 enable outside",
        "no crypto isakmp nat-traversal",
    )

    result = simulate(tmp_path, hq, ikev2(BRANCH))

    for side in ("a", "b"):
        tunnel = direction(result, side)
        assert tunnel.ike_version == 2
        assert states(tunnel) == ("READY", "READY", "established", None)
        assert "UDP 4500" in _conditions(tunnel)
