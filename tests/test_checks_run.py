"""`run_check`: single-config checks on each file, pair simulation for
the devices whose tunnels meet among the files."""

from __future__ import annotations

from pathlib import Path

from asalint.catalogue import catalogue
from asalint.commands_check import meets, run_check

# The catalogue's working pair: hq (198.51.100.1, 10.1.0.0/16) and branch
# (203.0.113.2, 10.2.0.0/16), one IKEv1 tunnel between them.
WORKING = catalogue()["psk-mismatch"].passing[0]
HQ, BRANCH = WORKING.a or "", WORKING.b or ""

THIRD = BRANCH.replace("hostname branch", "hostname depot").replace(
    "203.0.113.2", "192.0.2.60").replace("10.2.0.", "10.3.0.").replace(
    "10.2.0.0", "10.3.0.0")

# A site that talks to neither: other peer, other networks.
STRANGER = THIRD.replace("198.51.100.1", "192.0.2.99").replace(
    "10.1.0.0", "10.9.0.0")


def write(tmp_path: Path, **configs: str) -> list[str]:
    paths = []
    for name, text in configs.items():
        file = tmp_path / f"{name}.cfg"
        file.write_text(text)
        paths.append(str(file))
    return paths


def with_entry_to_depot(text: str) -> str:
    return text.replace(
        "crypto map outside_map interface outside\n",
        "crypto map outside_map 20 match address DEPOT-VPN\n"
        "crypto map outside_map 20 set peer 192.0.2.60\n"
        "crypto map outside_map 20 set ikev1 transform-set AES256-SHA\n"
        "crypto map outside_map interface outside\n",
    ).replace(
        "route outside",
        "access-list DEPOT-VPN extended permit ip 10.1.0.0 255.255.0.0 "
        "10.3.0.0 255.255.0.0\nroute outside",
    )


def test_a_pair_that_meets_is_simulated_both_ways(tmp_path):
    result = run_check(write(tmp_path, hq=HQ, branch=BRANCH))
    assert len(result.devices) == 2 and not result.errors
    assert sorted(Path(t.initiator).stem for t in result.tunnels) == [
        "branch", "hq",
    ]
    assert {t.predicted.stage.value for t in result.tunnels} == {
        "established"
    }


def test_devices_that_do_not_meet_are_not_paired(tmp_path):
    result = run_check(write(tmp_path, hq=HQ, stranger=STRANGER))
    assert result.tunnels == ()
    hq, stranger = result.devices
    assert not meets(hq, stranger) and not meets(stranger, hq)


def test_an_unreadable_file_is_an_error_and_the_rest_is_checked(tmp_path):
    paths = write(tmp_path, hq=HQ, branch=BRANCH)
    missing = str(tmp_path / "gone.cfg")
    result = run_check([*paths, missing])
    assert [error.path for error in result.errors] == [missing]
    assert len(result.tunnels) == 2


def test_single_config_findings_come_in_file_and_line_order(tmp_path):
    paths = write(tmp_path, hq=HQ, branch=BRANCH)
    result = run_check(paths)
    keys = [(paths.index(f.path), f.line) for f in result.findings]
    assert keys == sorted(keys)
    # Both files hold their key in clear text (ASA507), once each.
    assert [Path(f.path).stem for f in result.findings
            if f.rule == "ASA507"] == ["hq", "branch"]


def test_a_peer_among_the_files_is_no_stranger(tmp_path):
    hq = with_entry_to_depot(HQ)
    result = run_check(write(tmp_path, hq=hq, branch=BRANCH, depot=THIRD))
    assert [f for f in result.findings if f.rule == "ASA404"] == []


def test_a_peer_outside_the_files_is_noted(tmp_path):
    hq = with_entry_to_depot(HQ)
    result = run_check(write(tmp_path, hq=hq, branch=BRANCH))
    noted = [(Path(f.path).stem, f.line) for f in result.findings
             if f.rule == "ASA404"]
    peer_line = hq.splitlines().index(
        "crypto map outside_map 20 set peer 192.0.2.60") + 1
    assert noted == [("hq", peer_line)]
