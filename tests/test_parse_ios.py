"""The IOS / IOS XE parser: router configs land in the device model."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asalint.api import load_device
from asalint.model import Era, KeyState, NatKind, Platform

FIXTURES = Path(__file__).parents[1] / "fixtures" / "single"
CORPUS = Path(__file__).parents[1].parent / "shared" / "corpus"
BATFISH_IOS = CORPUS / "batfish-ios"

net = IPv4Network


def parse_text(tmp_path: Path, text: str, version: str = "15.4"):
    path = tmp_path / "router.cfg"
    path.write_text(f"version {version}\nhostname r\n{text}")
    return load_device(str(path))


@pytest.fixture(scope="module")
def branch():
    return load_device(str(FIXTURES / "ios-branch.cfg"))


@pytest.fixture(scope="module")
def xe():
    return load_device(str(FIXTURES / "ios-xe-ikev2.cfg"))


def unparsed_lines(device) -> dict[int, tuple[str, bool]]:
    return {
        item.origin.line: (item.reason, item.recognised)
        for item in device.unparsed
    }


# --- identity, interfaces, routes ------------------------------------------


def test_identity(branch):
    assert branch.hostname == "branch-rtr"
    assert branch.version == "15.4"
    assert branch.platform == Platform.IOS
    assert branch.era == Era.IOS


def test_interfaces(branch):
    wan = branch.interface_by_name("GigabitEthernet0/0")
    assert wan.address == IPv4Interface("198.51.100.1/30")
    assert wan.crypto_map == "VPN"
    assert wan.access_group_in == "WAN-IN"
    assert wan.origin.line == 78 and wan.address_origin.line == 80
    lan = branch.interface_by_name("GigabitEthernet0/1")
    assert lan.address == IPv4Interface("10.1.0.1/24")
    assert not lan.shutdown
    spare = branch.interface_by_name("GigabitEthernet0/2")
    assert spare.address is None and spare.shutdown


def test_crypto_map_under_interface_is_a_binding(branch):
    [binding] = branch.bindings
    assert (binding.map, binding.interface) == ("VPN", "GigabitEthernet0/0")
    assert binding.origin.line == 84


def test_routes(branch):
    static = [r for r in branch.routes if r.origin is not None]
    assert [(r.interface, r.network, r.gateway, r.distance, r.origin.line)
            for r in static] == [
        (None, net("0.0.0.0/0"), IPv4Address("198.51.100.2"), 1, 97),
        ("GigabitEthernet0/1", net("10.50.0.0/16"),
         IPv4Address("10.1.0.254"), 5, 98),
    ]
    connected = {(r.interface, r.network) for r in branch.routes
                 if r.origin is None}
    assert connected == {
        ("GigabitEthernet0/0", net("198.51.100.0/30")),
        ("GigabitEthernet0/1", net("10.1.0.0/24")),
    }
    assert unparsed_lines(branch)[99] == ("VRF route", False)


def test_banner_text_is_not_read_as_commands(branch):
    # The motd holds an ISAKMP key, an interface and a route.
    assert branch.interface_by_name("GigabitEthernet9/9") is None
    assert not any(k.peer == net("192.0.2.66/32") for k in branch.peer_keys)
    assert not any(r.gateway == IPv4Address("192.0.2.99")
                   for r in branch.routes)
    assert not set(unparsed_lines(branch)) & set(range(18, 26))


def test_header_lines_are_no_commands(branch):
    assert 1 not in unparsed_lines(branch)
    assert 3 not in unparsed_lines(branch)


# --- ISAKMP ----------------------------------------------------------------


def test_isakmp_policies(branch):
    first, second = branch.ikev1_policies
    assert (first.priority, first.encryption.value, first.hash.value,
            first.authentication.value, first.group.value,
            first.lifetime.value) == (
        10, "aes-256", "sha256", "pre-share", 14, 28800)
    assert first.encryption.origin.line == 27
    assert (second.priority, second.encryption.value, second.group.value) == (
        20, "3des", 2)


def test_absent_policy_values_are_defaults(branch):
    second = branch.ikev1_policies[1]
    assert second.hash.value == "sha" and second.hash.is_default
    assert second.lifetime.value == 86400 and second.lifetime.is_default
    assert branch.default_used("ikev1-policy-20-hash").value == "sha"
    assert branch.default_used("ikev1-policy-10-hash") is None


def test_authentication_defaults_to_rsa_sig(tmp_path):
    device = parse_text(tmp_path, "crypto isakmp policy 5\n encr aes\n")
    [policy] = device.ikev1_policies
    assert policy.authentication.value == "rsa-sig"
    assert policy.authentication.is_default
    assert policy.encryption.value == "aes"
    assert (policy.hash.value, policy.group.value) == ("sha", 1)
    assert device.default_used("ikev1-policy-5-encryption") is None
    assert device.default_used("ikev1-policy-5-authentication") is not None


def test_default_policies_only_without_configured_ones(tmp_path, branch):
    bare = parse_text(tmp_path, "interface Gi0/0\n ip address 1.1.1.1 "
                      "255.255.255.0\n")
    assert bare.ikev1_policies == ()
    applied = bare.default_used("ikev1-default-policies")
    assert applied.value == "65507-65514" and not applied.uncertain
    assert branch.default_used("ikev1-default-policies") is None


def test_no_default_policy_removes_them(tmp_path):
    device = parse_text(tmp_path, "no crypto isakmp default policy\n")
    assert device.default_used("ikev1-default-policies") is None
    assert device.unparsed == ()


def test_default_policies_uncertain_on_12_4(tmp_path):
    device = parse_text(tmp_path, "", version="12.4")
    assert device.default_used("ikev1-default-policies").uncertain
    old = parse_text(tmp_path, "", version="12.3")
    assert old.default_used("ikev1-default-policies").value != "65507-65514"


def test_isakmp_keys(branch):
    keys = {str(k.peer or k.hostname): k for k in branch.peer_keys}
    hq = keys["198.51.100.2/32"]
    assert hq.key.state == KeyState.PLAIN and hq.no_xauth
    assert hq.key.value.get_secret_value() == "branchkey-hq"
    assert hq.keyring is None
    assert keys["192.0.2.9/32"].key.state == KeyState.ENCRYPTED
    partner = keys["203.0.113.0/24"]
    assert partner.keyring == "PARTNERS" and not partner.no_xauth
    assert partner.key.value.get_secret_value() == "partnerkey-1"
    named = keys["vpn.partner.example"]
    assert named.peer is None and named.keyring == "PARTNERS"


@pytest.mark.parametrize(
    ("line", "state"),
    [
        ("crypto isakmp key 6 Zm9vYmFy address 1.1.1.1", KeyState.ENCRYPTED),
        ("crypto isakmp key ***** address 1.1.1.1", KeyState.MASKED),
        ("crypto isakmp key <removed> address 1.1.1.1", KeyState.MASKED),
        ("crypto isakmp key 0 plain address 1.1.1.1", KeyState.PLAIN),
    ],
)
def test_key_states(tmp_path, line, state):
    [key] = parse_text(tmp_path, line + "\n").peer_keys
    assert key.key.state == state
    assert key.peer == net("1.1.1.1/32")


def test_isakmp_key_with_mask_and_wildcard_peer(tmp_path):
    device = parse_text(
        tmp_path,
        "crypto isakmp key k1 address 10.0.0.0 255.0.0.0 no-xauth\n"
        "crypto isakmp key k2 address 0.0.0.0 0.0.0.0\n",
    )
    first, second = device.peer_keys
    assert (first.peer, first.no_xauth) == (net("10.0.0.0/8"), True)
    assert (second.peer, second.no_xauth) == (net("0.0.0.0/0"), False)


def test_keys_never_reach_origins_or_dumps(branch, xe):
    secrets = ("branchkey-hq", "partnerkey-1", "partnerkey-2", "bannerkey",
               "RGVmYXVsdFR5cGU2S2V5", "hq-local-key", "shared-both-ways",
               "RW5jcnlwdGVkUmVtb3Rl", "oldkey")
    dumps = branch.model_dump_json() + xe.model_dump_json()
    for secret in secrets:
        assert secret not in dumps


def test_isakmp_profile(branch):
    profile = branch.isakmp_profiles["PARTNER-PROF"]
    assert profile.keyrings == ("PARTNERS",)
    assert profile.match_addresses == (net("203.0.113.0/24"),)
    assert not profile.ikev2


def test_global_isakmp_settings(branch, tmp_path):
    assert branch.isakmp_identity.value == "address"
    assert branch.isakmp_identity.origin.line == 38
    assert branch.nat_traversal.value is True
    device = parse_text(
        tmp_path,
        "crypto isakmp aggressive-mode disable\n"
        "no crypto ipsec nat-transparency udp-encapsulation\n",
    )
    assert device.aggressive_mode_disabled.value is True
    assert device.nat_traversal.value is False
    assert device.isakmp_identity.value == "address"
    assert device.isakmp_identity.is_default


def test_isakmp_answers_on_every_addressed_interface(branch, tmp_path):
    assert set(branch.ikev1_interfaces) == {
        "GigabitEthernet0/0", "GigabitEthernet0/1"
    }
    off = parse_text(
        tmp_path,
        "no crypto isakmp\ninterface Gi0/0\n ip address 1.1.1.1 "
        "255.255.255.0\n",
    )
    assert off.ikev1_interfaces == {}


# --- IPsec -----------------------------------------------------------------


def test_transform_sets(branch):
    sets = branch.transform_sets
    aes = sets["AES256-SHA"]
    assert (aes.esp_encryption, aes.esp_integrity) == (
        "esp-aes-256", "esp-sha-hmac")
    assert aes.mode.value == "tunnel" and aes.mode.origin.line == 52
    assert sets["3DES-MD5"].mode.value == "transport"
    gcm = sets["GCM"]
    assert (gcm.esp_encryption, gcm.esp_integrity) == ("esp-gcm-256", None)
    assert gcm.mode.is_default
    assert branch.default_used("transform-set-mode").value == "tunnel"


def test_crypto_map_entries(branch):
    entries = {entry.sequence: entry for entry in branch.crypto_maps}
    first = entries[10]
    assert first.peers == (IPv4Address("198.51.100.2"),)
    assert first.acl == "101"
    assert first.transform_sets == ("AES256-SHA",)
    assert first.attribute_origins["peer"].line == 64
    assert first.attribute_origins["match"].line == 67
    second = entries[20]
    assert second.peers == (IPv4Address("203.0.113.7"),
                            IPv4Address("203.0.113.8"))
    assert second.transform_sets == ("3DES-MD5", "AES256-SHA")
    assert second.isakmp_profile == "PARTNER-PROF"
    assert second.pfs.value == "group14" and not second.pfs_bare
    assert entries[100].dynamic_map == "DYN"


def test_bare_set_pfs_is_group1(branch):
    first = next(e for e in branch.crypto_maps if e.sequence == 10)
    assert first.pfs.value == "group1" and first.pfs_bare
    assert first.pfs.origin.line == 66
    assert branch.default_used("pfs-group").value == "group1"


def test_sa_lifetimes(branch):
    entries = {entry.sequence: entry for entry in branch.crypto_maps}
    # The global lifetime applies where the entry sets none.
    assert entries[10].lifetime_seconds.value == 28800
    assert entries[10].lifetime_seconds.origin.line == 49
    assert entries[20].lifetime_seconds.value == 3600
    assert entries[20].attribute_origins["lifetime"].line == 73
    assert entries[10].lifetime_kilobytes.value == 4608000
    assert entries[10].lifetime_kilobytes.is_default


def test_ios_default_sa_lifetime(tmp_path):
    device = parse_text(tmp_path, "crypto map M 10 ipsec-isakmp\n"
                        " set peer 1.1.1.1\n")
    [entry] = device.crypto_maps
    assert entry.lifetime_seconds.value == 3600
    assert entry.lifetime_seconds.is_default


def test_map_wide_settings(branch):
    assert {e.local_address for e in branch.crypto_maps} == {
        "GigabitEthernet0/0"
    }
    assert branch.xauth is True


def test_dynamic_map(branch):
    [entry] = branch.dynamic_maps
    assert (entry.map, entry.sequence, entry.dynamic) == ("DYN", 10, True)
    assert entry.transform_sets == ("AES256-SHA",)


def test_later_line_wins(tmp_path):
    device = parse_text(
        tmp_path,
        "hostname second\n"
        "crypto isakmp policy 10\n encr 3des\n"
        "crypto map M 10 ipsec-isakmp\n set transform-set A\n"
        "crypto isakmp policy 10\n encr aes 192\n"
        "crypto map M 10 ipsec-isakmp\n set transform-set B\n",
    )
    assert device.hostname == "second"
    [policy] = device.ikev1_policies
    assert policy.encryption.value == "aes-192"
    assert policy.encryption.origin.line == 9
    [entry] = device.crypto_maps
    assert entry.transform_sets == ("B",)


# --- ACLs and NAT ----------------------------------------------------------


def test_named_and_numbered_acls(branch):
    nat_acl = branch.acls["NAT-ACL"]
    assert [(e.action, e.source, e.destination, e.origin.line)
            for e in nat_acl] == [
        ("deny", (net("10.1.0.0/24"),), (net("10.2.0.0/16"),), 102),
        ("deny", (net("10.1.0.0/24"),), (net("172.20.0.0/16"),), 103),
        ("permit", (net("10.1.0.0/24"),), (net("0.0.0.0/0"),), 104),
    ]
    [vpn] = branch.acls["101"]
    assert (vpn.source, vpn.destination) == (
        (net("10.1.0.0/24"),), (net("10.2.0.0/16"),))
    [partner] = branch.acls["PARTNER-ACL"]
    assert partner.origin.line == 107


def test_standard_acl_matches_source_only(branch):
    [entry] = branch.acls["10"]
    assert entry.source == (net("10.1.0.0/24"),)
    assert entry.destination == (net("0.0.0.0/0"),)


def test_ports_and_hosts(branch):
    isakmp, esp, web, deny = branch.acls["WAN-IN"]
    assert (isakmp.protocol, isakmp.destination_port) == ("udp", "eq isakmp")
    assert isakmp.source == (net("198.51.100.2/32"),)
    assert esp.protocol == "esp" and esp.destination_port is None
    assert web.destination_port == "range 8000 8080"
    assert deny.action == "deny"


def test_mask_typed_as_wildcard(branch):
    [entry] = branch.acls["102"]
    assert entry.source == ()
    assert entry.bad_wildcards == ("10.1.0.0 255.255.255.0",)
    assert entry.destination == (net("10.3.0.0/24"),)


def test_nat_route_map_deny_lines_are_exemptions(branch):
    rules = [(r.position, r.kind, r.source, r.destination, r.origin.line)
             for r in branch.nat_rules]
    assert rules == [
        (1, NatKind.TRANSLATE, (net("10.1.0.10/32"),), (), 95),
        (2, NatKind.IDENTITY, (net("10.1.0.0/24"),), (net("10.2.0.0/16"),),
         102),
        (3, NatKind.IDENTITY, (net("10.1.0.0/24"),),
         (net("172.20.0.0/16"),), 103),
        (4, NatKind.TRANSLATE, (net("10.1.0.0/24"),), (), 96),
    ]
    assert {r.section for r in branch.nat_rules} == {1}
    assert {r.real_interface for r in branch.nat_rules} == {
        "GigabitEthernet0/1"
    }
    assert branch.nat_rules[3].mapped_interface == "GigabitEthernet0/0"


def test_nat_acl_list(tmp_path):
    device = parse_text(
        tmp_path,
        "ip nat inside source list 110 interface Gi0/0 overload\n"
        "access-list 110 deny ip 10.0.0.0 0.0.0.255 10.9.0.0 0.0.0.255\n"
        "access-list 110 permit ip 10.0.0.0 0.0.0.255 any\n",
    )
    identity, translate = device.nat_rules
    assert identity.kind == NatKind.IDENTITY and identity.origin.line == 4
    assert identity.destination == (net("10.9.0.0/24"),)
    assert translate.kind == NatKind.TRANSLATE and translate.origin.line == 3
    assert translate.destination == ()
    assert translate.mapped_interface == "Gi0/0"


# --- IOS XE and IKEv2 ------------------------------------------------------


def test_xe_17_11_refuses_weak_crypto(xe):
    assert xe.weak_crypto_allowed.value is False
    assert xe.weak_crypto_allowed.is_default
    assert xe.default_used("weak-crypto") is not None


def test_compliance_shield_disable_allows_weak_crypto(tmp_path):
    device = parse_text(
        tmp_path, "crypto engine compliance shield disable\n",
        version="17.12",
    )
    assert device.weak_crypto_allowed.value is True
    assert device.weak_crypto_allowed.origin.line == 3


@pytest.mark.parametrize("version", ["17.9", "16.12", "15.7"])
def test_older_releases_allow_weak_crypto(tmp_path, version):
    device = parse_text(tmp_path, "", version=version)
    assert device.weak_crypto_allowed.value is True
    assert device.default_used("weak-crypto") is None


def test_ikev2_policies_follow_the_policy(xe):
    [policy] = xe.ikev2_policies
    assert policy.encryptions == ("aes-256", "aes-gcm-256")
    assert policy.integrities == ("sha256", "sha384")
    assert policy.prfs == ("sha256", "sha384")
    assert policy.groups == ("19", "14")
    assert policy.origin.line == 5
    assert any("PROP-UNUSED" in note for note in xe.notes)


def test_ikev2_smart_defaults_recorded(branch):
    assert branch.ikev2_policies == ()
    assert branch.default_used("ikev2-default-proposal").uncertain


def test_ikev2_keyring(xe):
    keys = [k for k in xe.peer_keys if k.ikev2]
    assert [(k.peer, k.direction, k.key.state) for k in keys] == [
        (net("198.51.100.2/32"), "local", KeyState.PLAIN),
        (net("198.51.100.2/32"), "remote", KeyState.ENCRYPTED),
        (net("0.0.0.0/0"), None, KeyState.PLAIN),
    ]
    assert {k.keyring for k in keys} == {"KR-HQ"}


def test_ikev2_profile(xe):
    profile = xe.isakmp_profiles["PROF-HQ"]
    assert profile.ikev2
    assert profile.match_addresses == (net("198.51.100.2/32"),)
    assert (profile.local_auth, profile.remote_auth) == (
        "pre-share", "pre-share")
    assert profile.keyrings == ("KR-HQ",)


def test_crypto_map_with_ikev2_profile(xe):
    ikev2, ikev1 = xe.crypto_maps
    assert ikev2.ikev2_profile == "PROF-HQ"
    assert ikev2.ikev2_proposals == ("TS-GCM", "TS-AES")
    assert ikev2.attribute_origins["ikev2-proposal"].line == 49
    assert ikev1.ikev2_profile is None and ikev1.ikev2_proposals == ()
    gcm = xe.ipsec_proposals["TS-GCM"]
    assert (gcm.encryptions, gcm.integrities) == (("aes-gcm-256",),
                                                  ("null",))
    aes = xe.ipsec_proposals["TS-AES"]
    assert (aes.encryptions, aes.integrities) == (("aes-256",),
                                                  ("sha-256",))


# --- robustness ------------------------------------------------------------


BROKEN = """\
interface
crypto isakmp policy
crypto isakmp policy x
crypto isakmp policy 7
 encr rot13
 group
crypto isakmp key
crypto isakmp key k address
crypto isakmp key k address not-an-ip
crypto keyring K
 pre-shared-key address 1.1.1.1
crypto ipsec transform-set T esp-bogus
crypto ipsec transform-set T
crypto map
crypto map M x ipsec-isakmp
crypto map M 10 ipsec-isakmp
 set pfs group
 set security-association lifetime seconds many
crypto dynamic-map D
ip route 10.0.0.0
ip route 10.0.0.0 255.0.0.0
access-list 101 permit ip 1.2.3.4
access-list 101
ip access-list extended E
 permit
 frobnicate ip any any
ip nat inside source list
ip nat inside source route-map NOPE interface Gi0/0 overload
ip nat inside source static 1.1.1.1
crypto ikev2 proposal P
 encryption rot13
crypto ikev2 keyring KR
 peer x
  pre-shared-key
"""


def test_bad_lines_are_reported_not_raised(tmp_path):
    device = parse_text(tmp_path, BROKEN)
    recognised = {line for line, (_, known) in unparsed_lines(device).items()
                  if known}
    # version, hostname, then BROKEN from line 3
    assert recognised == {
        3, 4, 5, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 19, 20, 21, 22, 23,
        24, 25, 27, 28, 29, 30, 31, 33, 36,
    }
    [policy] = device.ikev1_policies
    assert policy.priority == 7 and policy.encryption.is_default


_WORDS = st.sampled_from(
    ["crypto", "isakmp", "ipsec", "map", "key", "policy", "set", "peer",
     "pfs", "address", "10", "1.1.1.1", "255.255.255.0", "0.0.0.255",
     "ip", "route", "nat", "inside", "source", "list", "access-list",
     "permit", "deny", "any", "host", "interface", "transform-set",
     "esp-aes", "256", "dynamic", "ikev2", "keyring", "pre-shared-key",
     "match", "identity", "no", "group2", "lifetime", "seconds", "x"]
)
_LINES = st.lists(
    st.tuples(st.booleans(), st.lists(_WORDS, min_size=1, max_size=8)),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(lines=_LINES)
def test_any_ios_like_text_parses(tmp_path_factory, lines):
    text = "".join(
        (" " if child else "") + " ".join(words) + "\n"
        for child, words in lines
    )
    device = parse_text(tmp_path_factory.mktemp("fuzz"), text)
    assert device.platform == Platform.IOS


# --- public configs --------------------------------------------------------

corpus = pytest.mark.skipif(
    not BATFISH_IOS.is_dir(), reason="shared corpus not present"
)


def _corpus_files():
    if not BATFISH_IOS.is_dir():
        return []
    return sorted(p.name for p in BATFISH_IOS.iterdir() if p.name != "SOURCE.md")


@corpus
@pytest.mark.parametrize("name", _corpus_files())
def test_corpus_parses(name):
    device = load_device(str(BATFISH_IOS / name))
    assert device.platform == Platform.IOS
    assert device.hostname is not None


@corpus
def test_corpus_ios_crypto():
    device = load_device(str(BATFISH_IOS / "ios-crypto"))
    policies = {p.priority: p for p in device.ikev1_policies}
    assert sorted(policies) == [10, 20, 30]
    ten = policies[10]
    assert (ten.encryption.value, ten.hash.value, ten.authentication.value,
            ten.group.value, ten.lifetime.value) == (
        "aes", "md5", "rsa-sig", 1, 14400)
    assert policies[30].authentication.value == "rsa-encr"
    assert policies[20].authentication.is_default
    states = [k.key.state for k in device.peer_keys]
    assert states.count(KeyState.ENCRYPTED) == 1


@corpus
def test_corpus_crypto_vrf_match_identity_with_vrf():
    device = load_device(str(BATFISH_IOS / "crypto-vrf"))
    profile = device.isakmp_profiles["IKE-Sales"]
    assert profile.match_addresses == tuple(
        net(f"1.1.1.{n}/32") for n in (1, 2, 3, 4)
    )
    assert [k.keyring for k in device.peer_keys] == ["Keyring-Sales"] * 4


@corpus
def test_corpus_two_maps_on_two_interfaces():
    device = load_device(str(BATFISH_IOS / "ios-crypto-ipsec-r1"))
    assert {(b.map, b.interface) for b in device.bindings} == {
        ("mymap", "TenGigabitEthernet0/0"),
        ("mysecondmap", "TenGigabitEthernet0/1"),
    }
    mymap = next(e for e in device.crypto_maps if e.map == "mymap")
    assert mymap.transform_sets == ("ts1", "ts2")
    assert mymap.pfs.value == "group2"
