"""`asalint profile`: the peer profile a config expects of its partner.

The written profile is read back with `load_profile` and simulated
against the config it came from: what hq asks of its partner must bring
the tunnel up in both directions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from asalint import api
from asalint.errors import UsageError
from asalint.peer_profile import load_profile, pair_with_profile
from asalint.profile_writer import write_profile

PAIRS = Path(__file__).parents[1] / "fixtures" / "pairs"

# (fixture side, its peer's address, IKE version, hq's plain key)
SIDES = [
    ("working-84/a.cfg", "198.51.100.10", 1, "Harbour-Lantern-42"),
    ("working-84/b.cfg", "203.0.113.2", 1, "Harbour-Lantern-42"),
    ("asa-asa-ikev2-working/a.cfg", "198.51.100.10", 2, "Kestrel-Basalt-19"),
    ("ios-ios-working/a.cfg", "198.51.100.10", 1, "Ferry-Quartz-77"),
]


def written(tmp_path: Path, side: str, address: str) -> tuple:
    hq = api.load_device(str(PAIRS / side))
    path = tmp_path / "partner.toml"
    path.write_text(write_profile(hq, address))
    return hq, path


@pytest.mark.parametrize("side, address, version, key", SIDES)
def test_the_written_profile_brings_the_tunnel_up_both_ways(
    tmp_path, side, address, version, key
):
    hq, path = written(tmp_path, side, address)
    profile = load_profile(str(path)).profile
    assert (str(profile.address), profile.ike_version) == (address, version)

    result, _ = pair_with_profile(hq, str(path))
    states = {t.initiator: t.predicted.stage.value for t in result.tunnels}
    assert states == {hq.path: "established", str(path): "established"}


def test_the_profile_mirrors_the_crypto_acl_and_copies_the_proposals(
    tmp_path,
):
    _, path = written(tmp_path, "working-84/a.cfg", "198.51.100.10")
    profile = load_profile(str(path)).profile
    assert [str(n) for n in profile.networks.local] == ["10.20.0.0/24"]
    assert [str(n) for n in profile.networks.remote] == ["10.10.0.0/24"]
    assert [(p.encryption, p.hash, p.group, p.lifetime)
            for p in profile.phase1] == [("aes-256", "sha1", 14, 86400)]
    assert [(p.encryption, p.integrity) for p in profile.phase2] == [
        ("aes-256", "sha1")]
    assert (profile.pfs, str(profile.peer)) == ("none", "203.0.113.2")


def test_the_profile_asks_for_the_pfs_group_of_the_entry(tmp_path):
    # hq's entry says `set pfs group14`; its branch in this fixture
    # asks for none, but a partner that follows the profile agrees.
    hq, path = written(tmp_path, "pfs-mismatch-84/a.cfg", "198.51.100.10")
    assert load_profile(str(path)).profile.pfs == 14

    result, _ = pair_with_profile(hq, str(path))
    assert {t.predicted.stage.value for t in result.tunnels} == {
        "established"}


@pytest.mark.parametrize("side, address, version, key", SIDES)
def test_the_key_is_never_written(tmp_path, side, address, version, key):
    # The fixture holds the key in plain text, so a leak would show.
    assert key in (PAIRS / side).read_text()
    _, path = written(tmp_path, side, address)
    profile = path.read_text()
    assert key not in profile
    assert "key_given = true" in profile


def test_an_address_no_entry_names_is_a_usage_error(tmp_path):
    hq = api.load_device(str(PAIRS / "working-84/a.cfg"))
    with pytest.raises(UsageError, match="no crypto map entry has peer "
                       "192.0.2.9"):
        write_profile(hq, "192.0.2.9")


def test_the_command_writes_the_profile_to_a_file(tmp_path, capsys):
    from asalint.cli import run

    target = tmp_path / "partner.toml"
    config = str(PAIRS / "working-84/a.cfg")
    assert run(["profile", config, "198.51.100.10", "-o",
                str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert str(load_profile(str(target)).profile.address) == "198.51.100.10"


def test_the_command_refuses_an_unknown_address_in_one_line(capsys):
    from asalint.cli import run

    config = str(PAIRS / "working-84/a.cfg")
    assert run(["profile", config, "192.0.2.9"]) == 2
    err = capsys.readouterr().err
    assert err == (f"asalint: {config}: no crypto map entry has peer "
                   "192.0.2.9\n")
