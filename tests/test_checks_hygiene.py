"""Hygiene (5xx) and input (9xx) checks on one config: each names the
line it reports, and none repeats a key."""

from __future__ import annotations

from asalint.checks import registered, run_checks
from asalint.parse import parse_device
from asalint.source import SourceText

KEY = "Sec-Ret-Do-Not-Print-7"

HQ = f"""\
ASA Version 9.8(4)
hostname hq
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 198.51.100.1 255.255.255.0
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.1.0.1 255.255.0.0
access-list BRANCH-VPN extended permit ip 10.1.0.0 255.255.0.0 10.2.0.0 255.255.0.0
route outside 0.0.0.0 0.0.0.0 198.51.100.254 1
crypto ipsec ikev1 transform-set TS esp-aes-256 esp-sha-hmac
crypto map outside_map 10 match address BRANCH-VPN
crypto map outside_map 10 set peer 203.0.113.2
crypto map outside_map 10 set ikev1 transform-set TS
crypto map outside_map interface outside
crypto ikev1 enable outside
crypto ikev1 policy 10
 authentication pre-share
 encryption aes-256
 hash sha
 group 14
 lifetime 86400
tunnel-group 203.0.113.2 type ipsec-l2l
tunnel-group 203.0.113.2 ipsec-attributes
 ikev1 pre-shared-key {KEY}
"""

TS_LINE, ENTRY_LINE, KEY_LINE = 13, 14, 27

IKEV2_POLICY = """\
crypto ikev2 policy 20
 encryption aes-256
 integrity sha
 group 14
 prf sha
 lifetime seconds 86400
"""

IOS = f"""\
version 15.4
hostname branch-r
crypto isakmp policy 10
 encr aes 256
 hash sha
 authentication pre-share
 group 14
crypto isakmp key {KEY} address 198.51.100.1
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
crypto map VPN 10 ipsec-isakmp
 set peer 198.51.100.1
 set transform-set TS
 match address HQ-VPN
interface GigabitEthernet0/0
 ip address 203.0.113.2 255.255.255.0
 crypto map VPN
ip route 0.0.0.0 0.0.0.0 203.0.113.254
ip access-list extended HQ-VPN
 permit ip 10.2.0.0 0.0.255.255 10.1.0.0 0.0.255.255
"""


def device_of(text: str):
    return parse_device(SourceText("site.cfg", tuple(text.splitlines())))


def findings(rule: str, text: str):
    device = device_of(text)
    return [f for check in registered()[rule] for f in check(device)]


def fired(rule: str, text: str) -> list[int]:
    return sorted(finding.line for finding in findings(rule, text))


def change(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def add_before(text: str, anchor: str, lines: str) -> str:
    return change(text, anchor, lines + anchor)


def line_of(text: str, fragment: str) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), 1)
            if fragment in line]
    assert len(hits) == 1, fragment
    return hits[0]


# --- ASA501 .. ASA504 algorithms ---------------------------------------------


def test_3des_in_a_policy_is_reported_at_its_line():
    text = change(HQ, " encryption aes-256", " encryption 3des")
    assert fired("ASA501", text) == [line_of(text, "encryption 3des")]
    assert fired("ASA501", HQ) == []


def test_des_in_a_transform_set_is_reported_at_the_set():
    text = change(HQ, "TS esp-aes-256", "TS esp-des")
    assert fired("ASA501", text) == [TS_LINE]


def test_md5_is_reported_in_policy_and_transform_set():
    text = change(HQ, "esp-sha-hmac", "esp-md5-hmac")
    text = change(text, " hash sha", " hash md5")
    assert fired("ASA502", text) == [TS_LINE, line_of(text, "hash md5")]


def test_sha1_is_a_note_only_where_sha2_exists():
    # The ASA's IKEv1 hash and transform sets know no SHA-2.
    assert fired("ASA503", HQ) == []
    text = add_before(HQ, "tunnel-group 203.0.113.2 type", IKEV2_POLICY)
    assert fired("ASA503", text) != []
    assert fired("ASA503", IOS) == [line_of(IOS, " hash sha")]


def test_sha1_in_an_ikev2_policy_is_reported_where_it_is_set():
    text = add_before(HQ, "tunnel-group 203.0.113.2 type", IKEV2_POLICY)
    assert fired("ASA503", text) == [
        line_of(text, " integrity sha"), line_of(text, " prf sha"),
    ]


def test_weak_dh_groups_in_policy_and_pfs():
    text = change(HQ, " group 14", " group 5")
    text = add_before(text, "crypto map outside_map interface",
                      "crypto map outside_map 10 set pfs group2\n")
    assert fired("ASA504", text) == [
        line_of(text, "set pfs group2"), line_of(text, " group 5"),
    ]


def test_bare_set_pfs_is_group_2_on_the_asa():
    text = add_before(HQ, "crypto map outside_map interface",
                      "crypto map outside_map 10 set pfs\n")
    assert fired("ASA504", text) == [line_of(text, "set pfs")]


# --- ASA505 / ASA506 ---------------------------------------------------------


def test_aggressive_mode_with_keys_is_reported_at_its_line():
    text = add_before(HQ, "crypto map outside_map interface",
                      "crypto map outside_map 10 set phase1-mode "
                      "aggressive\n")
    assert fired("ASA505", text) == [line_of(text, "phase1-mode")]
    certificates = change(text, "authentication pre-share",
                          "authentication rsa-sig")
    assert fired("ASA505", certificates) == []


def test_lifetimes_outside_the_range_are_reported():
    text = change(HQ, " lifetime 86400", " lifetime 172800")
    text = add_before(text, "crypto map outside_map interface",
                      "crypto map outside_map 10 set security-association "
                      "lifetime seconds 60\n")
    assert fired("ASA506", text) == [
        line_of(text, "lifetime seconds 60"), line_of(text, "172800"),
    ]


def test_default_and_usual_lifetimes_pass():
    text = add_before(HQ, "crypto map outside_map interface",
                      "crypto map outside_map 10 set security-association "
                      "lifetime seconds 28800\n")
    assert fired("ASA506", text) == []


# --- ASA507 clear-text keys --------------------------------------------------


def test_plain_keys_are_reported_where_they_are():
    assert fired("ASA507", HQ) == [KEY_LINE]
    assert fired("ASA507", IOS) == [line_of(IOS, "crypto isakmp key")]


def test_masked_and_encrypted_keys_pass():
    masked = change(HQ, KEY, "*****")
    encrypted = change(HQ, KEY, "8 AbCdEfGhIjKlMnOpQrStUvWxYzAAAAA")
    assert fired("ASA507", masked) == []
    assert fired("ASA507", encrypted) == []


def test_no_finding_repeats_the_key():
    for text in (HQ, IOS):
        for finding in run_checks(device_of(text)):
            dumped = finding.model_dump_json()
            assert KEY not in dumped, finding.rule


# --- ASA901 / ASA902 input ---------------------------------------------------


def test_unreadable_line_is_reported_at_its_line():
    text = add_before(HQ, "crypto map outside_map interface",
                      "crypto map outside_map 10 set connection-type "
                      "answer\n")
    [finding] = findings("ASA901", text)
    assert finding.line == line_of(text, "connection-type")
    assert finding.level.value == "warning"


def test_line_not_modelled_is_noted_at_its_line():
    text = add_before(HQ, "crypto map outside_map interface",
                      "crypto map outside_map 10 set security-association "
                      "replay window-size 1024\n")
    assert fired("ASA902", text) == [line_of(text, "replay window-size")]
    assert fired("ASA902", HQ) == []
