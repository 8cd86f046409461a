"""The repository index: the light scan, which files, which tunnels, and
`asalint check` over the test repository in fixtures/repo.

fixtures/repo holds a head office (hq-fw) with tunnels to an ASA branch,
an IOS branch, a data centre firewall behind a provider's NAT (named in
asalint.toml), and a partner marked external; a third branch names hq,
which does not name it back (one-sided); a Juniper config and an old,
excluded copy of hq sit beside them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from ipaddress import IPv4Address
from pathlib import Path

import pytest

from asalint import api
from asalint.config import load_config
from asalint.errors import InputError, UsageError
from asalint.repository import (
    PairSetting,
    PeerSetting,
    RepositoryIndex,
    RepositorySettings,
    ScanRecord,
    TunnelPlan,
    build_index,
    candidate_files,
    glob_matches,
    scan_file,
    scan_text,
)
from asalint.repository import index as index_module
from asalint.repository.check import check_paths, simulate, vpn_address

REPO = Path(__file__).parents[1]
FIXTURES = REPO / "fixtures"
TEST_REPO = FIXTURES / "repo"
CORPUS = REPO.parent / "shared" / "corpus"

HQ = "configs/hq-fw.cfg"
BRANCH1 = "configs/branch1-fw.cfg"
BRANCH2 = "configs/branch2-rtr.cfg"
BRANCH3 = "configs/branch3-fw.cfg"
DC = "configs/dc-fw.cfg"
JUNIPER = "configs/core-srx.conf"

needs_git = pytest.mark.skipif(
    shutil.which("git") is None, reason="git is not installed"
)


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=asalint tests",
         "-c", "user.email=tests@example.invalid", *args],
        capture_output=True, text=True, check=True,
    )
    return done.stdout


def committed_copy(source: Path, target: Path) -> Path:
    """`source` copied to `target` as a git work tree, all committed."""
    shutil.copytree(source, target)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "configs as the backup pulled them")
    return target


def scan(text: str) -> ScanRecord:
    return scan_text("x.cfg", text, "digest")


def peers(record: ScanRecord) -> list[tuple[str, int, str | None]]:
    return [(str(r.network), r.line, r.entry) for r in record.peers]


# --- the scan agrees with the parser ------------------------------------------


def _configs() -> list[Path]:
    found = sorted(FIXTURES.glob("**/*.cfg"))
    if CORPUS.is_dir():
        found += sorted(p for p in CORPUS.rglob("*") if p.is_file())
    return found


def test_scan_reads_what_the_parser_reads_on_every_fixture_and_corpus_file():
    compared = 0
    for path in _configs():
        try:
            device = api.load_device(str(path))
        except InputError:
            continue
        record = scan_file(str(path))
        assert record.platform == device.platform.value, path
        assert record.hostname == device.hostname, path
        assert {o.address for o in record.owned} == _device_addresses(
            device
        ), path
        assert {r.network.network_address for r in record.peers} == {
            peer for entry in device.crypto_maps for peer in entry.peers
        }, path
        compared += 1
    assert compared >= 100


def _device_addresses(device) -> set[IPv4Address]:
    found = {i.address.ip for i in device.interfaces if i.address}
    return found | {i.standby for i in device.interfaces if i.standby}


# --- the scan, line by line ---------------------------------------------------

ASA = """\
ASA Version 9.8(4)
hostname edge
name 192.0.2.7 partner-gw
interface GigabitEthernet0/0
 nameif outside
 ip address 198.51.100.1 255.255.255.0 standby 198.51.100.2
interface GigabitEthernet0/1
 nameif inside
 ip address 10.1.0.1 255.255.0.0
crypto map VPN 10 set peer 203.0.113.9
crypto map VPN 10 set peer 203.0.113.2 partner-gw vpn.example.net
crypto map VPN interface outside
tunnel-group 203.0.113.2 type ipsec-l2l
tunnel-group BRANCHES type ipsec-l2l
"""


def test_asa_scan_keeps_addresses_standby_and_the_last_set_peer_line():
    record = scan(ASA)
    assert record.platform == "asa" and record.hostname == "edge"
    owned = [(str(o.address), o.interface, o.line, o.standby, o.vpn)
             for o in record.owned]
    assert owned == [
        ("198.51.100.1", "outside", 6, False, True),
        ("198.51.100.2", "outside", 6, True, True),
        ("10.1.0.1", "inside", 9, False, False),
    ]
    # A later `set peer` replaces the earlier; `name` aliases resolve; a
    # DNS name cannot be matched offline.
    assert peers(record) == [
        ("203.0.113.2/32", 11, "VPN 10"), ("192.0.2.7/32", 11, "VPN 10"),
    ]
    kinds = [(str(r.network), r.kind) for r in record.references]
    assert ("203.0.113.2/32", "tunnel-group") in kinds
    assert record.vpn_address() == IPv4Address("198.51.100.1")


IOS = """\
version 15.4
hostname rtr
crypto isakmp key <secret hidden> address 198.51.100.1
crypto isakmp key 6 XyZ address 0.0.0.0 0.0.0.0
crypto keyring PARTNERS
 pre-shared-key address 192.0.2.0 255.255.255.0 key Word
crypto map CM local-address Loopback0
crypto map CM 10 ipsec-isakmp
 set peer 198.51.100.1
 set peer 198.51.100.9 default
 match address VPN
interface Loopback0
 ip address 203.0.113.50 255.255.255.255
interface GigabitEthernet0/0
 ip address 203.0.113.18 255.255.255.240
 standby 1 ip 203.0.113.17
 crypto map CM
"""


def test_ios_scan_reads_child_peers_keys_keyrings_and_local_address():
    record = scan(IOS)
    assert record.platform == "ios"
    assert peers(record) == [
        ("198.51.100.1/32", 9, "CM 10"), ("198.51.100.9/32", 10, "CM 10"),
    ]
    keys = [(str(r.network), r.line) for r in record.references
            if r.kind == "key"]
    assert keys == [("198.51.100.1/32", 3), ("192.0.2.0/24", 6)]
    # A wildcard key answers any peer.
    assert record.answers_any
    vpn = {str(o.address) for o in record.owned if o.vpn}
    assert vpn == {"203.0.113.50", "203.0.113.18", "203.0.113.17"}


PIX6 = """\
PIX Version 6.3(5)
nameif ethernet0 outside security0
hostname pix
ip address outside 198.51.100.5 255.255.255.0
failover ip address outside 198.51.100.6
isakmp key ******** address 203.0.113.2 netmask 255.255.255.255
crypto map CM 10 set peer 203.0.113.2
crypto map CM 20 ipsec-isakmp dynamic DYN
crypto map CM interface outside
"""


def test_pix6_scan_reads_top_level_addresses_and_isakmp_keys():
    record = scan(PIX6)
    assert record.platform == "pix"
    owned = [(str(o.address), o.standby, o.vpn) for o in record.owned]
    assert owned == [
        ("198.51.100.5", False, True), ("198.51.100.6", True, True),
    ]
    assert [(str(r.network), r.kind) for r in record.references] == [
        ("203.0.113.2/32", "key"), ("203.0.113.2/32", "peer"),
    ]
    assert record.answers_any  # the dynamic map entry


def test_other_vendors_and_non_configs_are_skipped_with_the_reason():
    juniper = scan_file(str(TEST_REPO / JUNIPER))
    assert juniper.platform is None
    assert "Juniper" in (juniper.skipped or "")
    prose = scan("Notes from the change window.\nNothing to see.\n")
    assert prose.platform is None and "not a Cisco" in (prose.skipped or "")


# --- which files ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, pattern, matches",
    [
        ("configs/hq.cfg", "configs/**", True),
        ("configs/a/b/hq.cfg", "configs/**/*.cfg", True),
        ("configs/hq.cfg", "configs/**/*.cfg", True),
        ("configs/hq.txt", "configs/**/*.cfg", False),
        ("configs/archive/old.cfg", "configs/archive", True),
        ("configs/archive/old.cfg", "configs/archive/**", True),
        ("other/configs/hq.cfg", "configs/**", False),
        ("deep/down/hq.cfg", "*.cfg", True),
        ("deep/down/hq.cfg", "hq.c?g", True),
        ("deep/hq.cfg", "deep/*.conf", False),
    ],
)
def test_glob_matches(path, pattern, matches):
    assert glob_matches(path, pattern) is matches


@needs_git
def test_candidates_are_git_files_within_include_minus_exclude(tmp_path):
    root = committed_copy(TEST_REPO, tmp_path / "repo")
    (root / "configs" / "scratch.cfg").write_text("hostname scratch\n")
    names = candidate_files(root, ["configs/**"], ["configs/archive/**"])
    # Untracked scratch files are no part of the repository.
    assert names == [BRANCH1, BRANCH2, BRANCH3, JUNIPER, DC, HQ]


def test_candidates_outside_git_come_from_a_walk_skipping_hidden_folders(
    tmp_path,
):
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x.cfg").write_text("hostname x\n")
    (tmp_path / "fw").mkdir()
    (tmp_path / "fw" / "a.cfg").write_text("hostname a\n")
    (tmp_path / "README.md").write_text("# configs\n")
    assert candidate_files(tmp_path) == ["fw/a.cfg"]


# --- the index ------------------------------------------------------------------


def record(path, owned=(), peers=(), refs=(), answers_any=False):
    from asalint.repository.scan import Owned, Reference

    return ScanRecord(
        path=path,
        digest="d",
        platform="asa",
        hostname=path.removesuffix(".cfg"),
        owned=tuple(
            Owned(address=IPv4Address(a), interface="outside", line=5)
            for a in owned
        ),
        references=tuple(
            Reference(address=IPv4Address(n), line=20 + i, kind="peer",
                      entry=f"VPN {10 * (i + 1)}")
            for i, n in enumerate(peers)
        ) + tuple(
            Reference(address=IPv4Address(n), line=40, kind="tunnel-group")
            for n in refs
        ),
        answers_any=answers_any,
    )


def test_links_need_a_back_reference_unless_the_peer_answers_anyone():
    index = RepositoryIndex(Path("."), [
        record("a.cfg", ["198.51.100.1"], peers=["203.0.113.2",
                                                  "203.0.113.3"]),
        record("b.cfg", ["203.0.113.2"], refs=["198.51.100.1"]),
        record("c.cfg", ["203.0.113.3"], peers=["192.0.2.1"]),
    ])
    assert [link.owner for link in index.links("a.cfg")] == [
        "b.cfg", "c.cfg",
    ]
    assert [link.owner for link in index.one_sided("a.cfg")] == ["c.cfg"]
    assert index.partners("b.cfg") == {"a.cfg"}

    hub = RepositoryIndex(Path("."), [
        record("a.cfg", ["198.51.100.1"], peers=["203.0.113.3"]),
        record("c.cfg", ["203.0.113.3"], answers_any=True),
    ])
    assert list(hub.one_sided("a.cfg")) == []


def test_an_address_two_configs_hold_has_no_owner_until_peers_names_it():
    records = [
        record("a.cfg", ["198.51.100.1"], peers=["203.0.113.2"]),
        record("b1.cfg", ["203.0.113.2"], refs=["198.51.100.1"]),
        record("b2.cfg", ["203.0.113.2"], refs=["198.51.100.1"]),
    ]
    assert RepositoryIndex(Path("."), records).owner(
        IPv4Address("203.0.113.2")
    ) is None
    settings = RepositorySettings(peers=(
        PeerSetting(address=IPv4Address("203.0.113.2"), device="b2"),
    ))
    index = RepositoryIndex(Path("."), records, settings)
    assert index.owner(IPv4Address("203.0.113.2")) == "b2.cfg"


def test_unknown_peers_leave_out_external_and_named_addresses():
    records = [record("a.cfg", ["198.51.100.1"],
                      peers=["192.0.2.50", "192.0.2.77", "192.0.2.10"]),
               record("b.cfg", ["10.0.0.2"], refs=["198.51.100.1"])]
    settings = RepositorySettings(peers=(
        PeerSetting(address=IPv4Address("192.0.2.50"), external=True),
        PeerSetting(address=IPv4Address("192.0.2.10"), file="b.cfg"),
    ))
    index = RepositoryIndex(Path("."), records, settings)
    unknown = [str(r.network) for r in index.unknown_peers("a.cfg")]
    assert unknown == ["192.0.2.77/32"]
    # b is reached at 192.0.2.10, an address it does not hold: NAT.
    assert index.tunnels(["a.cfg"]) == [
        TunnelPlan("a.cfg", "b.cfg", (("b.cfg", IPv4Address("192.0.2.10")),))
    ]


def test_a_named_pair_takes_the_one_peer_no_config_holds_as_the_nat_address():
    records = [record("a.cfg", ["198.51.100.1"],
                      peers=["192.0.2.50", "192.0.2.10"]),
               record("b.cfg", ["10.0.0.2"], peers=["198.51.100.1"])]
    external = PeerSetting(address=IPv4Address("192.0.2.50"), external=True)
    settings = RepositorySettings(
        pairs=(PairSetting(a="a.cfg", b="b"),), peers=(external,)
    )
    index = RepositoryIndex(Path("."), records, settings)
    assert index.aliases == {IPv4Address("192.0.2.10"): "b.cfg"}
    assert index.partners("a.cfg") == {"b.cfg"}


def test_a_named_pair_or_peer_that_is_no_config_is_a_usage_error():
    records = [record("a.cfg", ["198.51.100.1"])]
    pair = RepositorySettings(pairs=(PairSetting(a="a.cfg", b="gone.cfg"),))
    with pytest.raises(UsageError, match="no config 'gone.cfg'"):
        RepositoryIndex(Path("."), records, pair)
    peer = RepositorySettings(peers=(
        PeerSetting(address=IPv4Address("192.0.2.1"), file="gone.cfg"),
    ))
    with pytest.raises(UsageError, match=r"\[peers\] 192.0.2.1"):
        RepositoryIndex(Path("."), records, peer)


# --- the cache of the index -------------------------------------------------------


def test_index_cache_rescans_only_changed_files_and_ignores_damage(
    tmp_path, monkeypatch
):
    root = tmp_path / "repo"
    shutil.copytree(TEST_REPO / "configs", root)
    cache = tmp_path / "cache"
    scanned: list[str] = []
    original = index_module.scan_text

    def counting(path, text, digest):
        scanned.append(path)
        return original(path, text, digest)

    monkeypatch.setattr(index_module, "scan_text", counting)
    first = build_index(root, cache_dir=cache)
    assert len(scanned) == 7  # every file, the Juniper one included

    scanned.clear()
    hq = root / "hq-fw.cfg"
    hq.write_text(hq.read_text().replace("198.51.100.1 ", "198.51.100.7 "))
    second = build_index(root, cache_dir=cache)
    assert scanned == ["hq-fw.cfg"]
    assert second.owner(IPv4Address("198.51.100.7")) == "hq-fw.cfg"
    assert first.records["dc-fw.cfg"] == second.records["dc-fw.cfg"]

    (cache / index_module.INDEX_FILE).write_text('{"format": 1, "rec')
    scanned.clear()
    build_index(root, cache_dir=cache)
    assert len(scanned) == 7


def test_index_cache_holds_no_key_and_no_line_text(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    key = "Walrus-Tangerine-42"
    text = (TEST_REPO / HQ).read_text().replace("*****", key)
    (root / "hq.cfg").write_text(text)
    build_index(root, cache_dir=tmp_path / "cache")

    stored = (tmp_path / "cache" / index_module.INDEX_FILE).read_text()
    assert key not in stored
    assert "pre-shared-key" not in stored and "tunnel-group" in stored
    assert json.loads(stored)["records"][0][0] == "hq.cfg"


def test_an_unchanged_file_is_not_even_read_again(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    shutil.copytree(TEST_REPO / "configs", root)
    hour_ago = time.time_ns() - 3600 * 10**9
    for file in root.rglob("*"):
        os.utime(file, ns=(hour_ago, hour_ago))
    cache = tmp_path / "cache"
    build_index(root, cache_dir=cache)

    import asalint.cache.text as text_module

    read: list[str] = []
    original = text_module.read_config_text
    monkeypatch.setattr(text_module, "read_config_text",
                        lambda path: read.append(path) or original(path))
    again = build_index(root, cache_dir=cache)
    assert read == [] and len(again.records) == 6

    # Touched (a checkout rewrites files): read and digested, not scanned.
    os.utime(root / "hq-fw.cfg")
    build_index(root, cache_dir=cache)
    assert read == [str(root / "hq-fw.cfg")]


@pytest.mark.parametrize("damage", [
    lambda records: records[0][7][0].__setitem__(0, "198.51.100.1"),
    lambda records: records[0][8][0].__setitem__(3, "anything"),
    lambda records: records[0].pop(),
    lambda records: records[0].__setitem__(1, ""),
])
def test_a_damaged_index_record_discards_the_cache(tmp_path, damage):
    root = tmp_path / "repo"
    shutil.copytree(TEST_REPO / "configs", root)
    cache = tmp_path / "cache"
    build_index(root, cache_dir=cache)
    index_file = cache / index_module.INDEX_FILE
    document = json.loads(index_file.read_text())
    document["records"].sort(key=lambda record: record[0] != "hq-fw.cfg")
    damage(document["records"])
    index_file.write_text(json.dumps(document))
    assert index_module._read_cache(cache) == {}


# --- NAT in front of a device ----------------------------------------------------


def test_the_vpn_address_is_where_the_map_is_bound_or_local_address():
    dc = api.load_device(str(TEST_REPO / DC))
    assert vpn_address(dc) == IPv4Address("172.31.0.2")
    rtr = api.load_device(str(TEST_REPO / BRANCH2))
    assert vpn_address(rtr) == IPv4Address("203.0.113.18")


def test_the_nat_pair_is_simulated_as_established_but_uncertain():
    devices = {
        HQ: api.load_device(str(TEST_REPO / HQ)),
        DC: api.load_device(str(TEST_REPO / DC)),
    }
    plan = TunnelPlan(HQ, DC, ((DC, IPv4Address("192.0.2.10")),))
    result = simulate(plan, devices)
    assert {t.predicted.stage.value for t in result.tunnels} == {
        "established"
    }
    for tunnel in result.tunnels:
        assert not tunnel.predicted.certain
        assert any("172.31.0.2 is seen as 192.0.2.10" in c
                   for c in tunnel.predicted.conditions)
    # Without the NAT address, hq's peer is nobody's and dc's tunnel-group
    # never matches: the simulation would stall.
    bare = api.pair(devices[HQ], devices[DC])
    assert {t.predicted.stage.value for t in bare.tunnels} != {"established"}


# --- `check` over the test repository ---------------------------------------------


@pytest.fixture
def repo(tmp_path, monkeypatch):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = committed_copy(TEST_REPO, tmp_path / "repo")
    monkeypatch.chdir(root)
    return root


def findings_of(result, *rules):
    return sorted(
        (f.rule, f.path, f.line) for f in result.findings
        if not rules or f.rule in rules
    )


def directions(result):
    return sorted(
        (t.initiator, t.responder, t.predicted.stage.value,
         t.predicted.cause or "none")
        for t in result.tunnels
    )


def test_check_with_no_path_finds_every_tunnel_in_the_repository(repo):
    result = check_paths([], config=load_config())
    assert not result.errors
    assert sorted(d.path for d in result.devices) == [
        BRANCH1, BRANCH2, BRANCH3, DC, HQ,
    ]
    assert directions(result) == [
        (BRANCH1, HQ, "established", "psk-unverifiable"),
        (BRANCH2, HQ, "established", "psk-unverifiable"),
        (BRANCH3, HQ, "phase1", "tunnel-group-missing"),
        (DC, HQ, "established", "psk-unverifiable"),
        (HQ, BRANCH1, "established", "psk-unverifiable"),
        (HQ, BRANCH2, "established", "psk-unverifiable"),
        (HQ, DC, "established", "psk-unverifiable"),
    ]
    # The one-sided branch, its consequence on hq, and the unknown peer of
    # branch1; the partner marked external gives nothing.
    assert findings_of(result, "ASA407", "ASA103", "ASA404") == [
        ("ASA103", HQ, 12),
        ("ASA404", BRANCH1, 36),
        ("ASA407", BRANCH3, 29),
    ]
    states = {(t.initiator, t.predicted.initiator_state,
               t.predicted.responder_state) for t in result.tunnels}
    assert (BRANCH3, "MM_WAIT_MSG4", "MM_WAIT_MSG3") in states


def test_check_of_one_file_reads_its_peer_from_disk(repo):
    result = check_paths([BRANCH1], config=load_config())
    assert sorted(d.path for d in result.devices) == [BRANCH1, HQ]
    assert directions(result) == [
        (BRANCH1, HQ, "established", "psk-unverifiable"),
        (HQ, BRANCH1, "established", "psk-unverifiable"),
    ]
    # hq's single-config findings are not this run's business; its side
    # of the tunnel is.
    assert {f.path for f in result.findings} == {BRANCH1, HQ}
    assert all(f.rule in ("ASA106", "ASA114") for f in result.findings
               if f.path == HQ)


def test_check_from_a_subfolder_shows_paths_relative_to_it(repo,
                                                           monkeypatch):
    monkeypatch.chdir(repo / "configs")
    result = check_paths(["dc-fw.cfg"], config=load_config())
    assert sorted(d.path for d in result.devices) == ["dc-fw.cfg",
                                                      "hq-fw.cfg"]
    assert all(not t.predicted.certain for t in result.tunnels)


def test_a_folder_is_checked_with_its_peers_elsewhere(repo):
    os.mkdir("configs/sites")
    git(repo, "mv", BRANCH3, "configs/sites/branch3-fw.cfg")
    result = check_paths(["configs/sites"], config=load_config())
    assert findings_of(result, "ASA407", "ASA103") == [
        ("ASA103", HQ, 12),
        ("ASA407", "configs/sites/branch3-fw.cfg", 29),
    ]


def test_an_excluded_file_given_by_name_is_not_checked(repo):
    result = check_paths(["configs/archive/hq-fw-2019.cfg"],
                         config=load_config())
    assert result.devices == () and result.findings == ()


def test_another_vendors_config_given_by_name_is_an_input_error(repo):
    result = check_paths([JUNIPER], config=load_config())
    assert [e.path for e in result.errors] == [JUNIPER]
    assert "Juniper" in result.errors[0].problem


def test_without_the_exclude_the_old_copy_holds_hq_address_too(
    repo, caplog
):
    toml = repo / "asalint.toml"
    toml.write_text(toml.read_text().replace(
        'exclude = ["configs/archive/**"]', ""
    ))
    caplog.set_level("INFO", logger="asalint")
    result = check_paths([BRANCH1], config=load_config())
    # Both copies name branch1, so both are simulated with it; which of
    # them branch1's peer 198.51.100.1 is, no address can tell.
    assert {t.responder for t in result.tunnels} == {
        HQ, "configs/archive/hq-fw-2019.cfg", BRANCH1,
    }
    assert "198.51.100.1 is held by 2 configs" in caplog.text


def test_the_repository_check_gives_valid_sarif(repo):
    from test_report_sarif import validated

    from asalint.report.sarif import render_sarif

    result = check_paths([], config=load_config())
    document = validated(json.loads(
        render_sarif(result.result, list(result.devices), root=repo)
    ))
    located = {
        (r["ruleId"],
         r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in document["runs"][0]["results"]
    }
    assert ("ASA407", BRANCH3, 29) in located
    assert ("ASA404", BRANCH1, 36) in located
