"""Phase 1 checks (1xx) on one config: each names the line it reports."""

from __future__ import annotations

from single_configs import HQ

from asalint.checks import registered
from asalint.parse import parse_device
from asalint.source import SourceText

ENTRY_LINE, PEER_LINE, GROUP_LINE = 14, 15, 24

POLICY = (
    "crypto ikev1 policy 10\n authentication pre-share\n"
    " encryption aes-256\n hash sha\n group 14\n"
)
KEY = (
    "tunnel-group 203.0.113.2 ipsec-attributes\n"
    " ikev1 pre-shared-key *****\n"
)

IOS = """\
version 15.4
hostname branch-r
crypto isakmp policy 10
 encr aes 256
 authentication pre-share
 group 14
crypto isakmp key 0 ***** address 198.51.100.1
crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac
crypto map VPN 10 ipsec-isakmp
 set peer 198.51.100.1
 set transform-set TS
 match address HQ-VPN
interface GigabitEthernet0/0
 ip address 203.0.113.2 255.255.255.0
 crypto map VPN
interface GigabitEthernet0/1
 ip address 10.2.0.1 255.255.0.0
ip route 0.0.0.0 0.0.0.0 203.0.113.254
ip access-list extended HQ-VPN
 permit ip 10.2.0.0 0.0.255.255 10.1.0.0 0.0.255.255
"""


def findings(rule: str, text: str):
    device = parse_device(SourceText("site.cfg", tuple(text.splitlines())))
    return [f for check in registered()[rule] for f in check(device)]


def fired(rule: str, text: str) -> list[int]:
    return sorted(finding.line for finding in findings(rule, text))


def change(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), 1)
            if fragment in line]
    assert len(hits) == 1, fragment
    return hits[0]


# --- ASA102 / ASA125 no policy ------------------------------------------------


def test_no_ikev1_policy_is_reported_at_the_first_ikev1_entry():
    assert fired("ASA102", change(HQ, POLICY, "")) == [ENTRY_LINE]
    assert fired("ASA102", HQ) == []


def test_no_ikev1_policy_before_8_4_names_the_rsa_sig_default():
    text = change(change(HQ, POLICY, ""), "9.8(4)", "8.2(5)")
    text = change(text, "set ikev1 transform-set", "set transform-set")
    [finding] = findings("ASA102", text)
    assert finding.line == ENTRY_LINE and "rsa-sig" in finding.message


def test_ios_has_default_policies():
    text = change(IOS, "crypto isakmp policy 10\n encr aes 256\n"
                  " authentication pre-share\n group 14\n", "")
    assert fired("ASA102", text) == []


def test_no_ikev2_policy_is_reported_for_an_ikev2_entry():
    text = change(HQ, "set ikev1 transform-set TS",
                  "set ikev2 ipsec-proposal P")
    assert fired("ASA125", text) == [ENTRY_LINE]
    with_policy = change(
        text, "tunnel-group 203.0.113.2 type",
        "crypto ikev2 policy 10\n encryption aes-256\n integrity sha256\n"
        " group 14\n prf sha256\ntunnel-group 203.0.113.2 type",
    )
    assert fired("ASA125", with_policy) == []


# --- ASA103 / ASA104 groups and keys -----------------------------------------


def test_peer_without_tunnel_group_is_reported_at_set_peer():
    text = change(HQ, "tunnel-group 203.0.113.2 type ipsec-l2l\n" + KEY, "")
    assert fired("ASA103", text) == [PEER_LINE]
    assert fired("ASA103", HQ) == []


def test_word_named_group_is_not_found_for_the_address():
    text = HQ.replace("tunnel-group 203.0.113.2", "tunnel-group BRANCH")
    assert fired("ASA103", text) == [PEER_LINE]


def test_default_l2l_group_with_a_key_serves_every_peer():
    text = change(
        HQ, "tunnel-group 203.0.113.2 type ipsec-l2l\n" + KEY,
        "tunnel-group DefaultL2LGroup ipsec-attributes\n"
        " ikev1 pre-shared-key *****\n",
    )
    assert fired("ASA103", text) == []


def test_certificate_only_device_needs_no_key():
    text = change(HQ, "tunnel-group 203.0.113.2 type ipsec-l2l\n" + KEY, "")
    text = change(text, "authentication pre-share", "authentication rsa-sig")
    assert fired("ASA103", text) == []
    assert fired("ASA104", text) == []


def test_group_without_key_is_reported_at_the_group():
    text = change(HQ, KEY, "")
    [finding] = findings("ASA104", text)
    assert finding.line == GROUP_LINE
    assert [r.line for r in finding.related] == [PEER_LINE]


def test_ios_peer_without_key_is_reported_at_set_peer():
    text = change(IOS, "crypto isakmp key 0 ***** address 198.51.100.1\n", "")
    assert fired("ASA104", text) == [line_of(text, " set peer")]
    assert fired("ASA104", IOS) == []


def test_ios_key_for_a_subnet_covers_the_peer():
    text = change(IOS, "address 198.51.100.1\n",
                  "address 198.51.100.0 255.255.255.0\n")
    assert fired("ASA104", text) == []


def test_ikev2_group_without_keys_is_reported_at_the_group():
    text = change(HQ, "set ikev1 transform-set TS",
                  "set ikev2 ipsec-proposal P")
    text = change(text, KEY, "tunnel-group 203.0.113.2 ipsec-attributes\n")
    assert fired("ASA121", text) == [GROUP_LINE]
    keyed = change(
        text, "tunnel-group 203.0.113.2 ipsec-attributes\n",
        "tunnel-group 203.0.113.2 ipsec-attributes\n"
        " ikev2 remote-authentication pre-shared-key *****\n"
        " ikev2 local-authentication pre-shared-key *****\n",
    )
    assert fired("ASA121", keyed) == []


# --- ASA111 weak crypto on IOS XE 17.11+ ---------------------------------------


def test_ios_xe_17_refuses_group_2():
    text = change(change(IOS, "version 15.4", "version 17.12"),
                  " group 14\n", " group 2\n")
    assert fired("ASA111", text) == [line_of(text, " group 2")]


def test_older_ios_and_allowed_weak_crypto_pass():
    weak = change(IOS, " group 14\n", " group 2\n")
    assert fired("ASA111", weak) == []
    allowed = change(
        change(weak, "version 15.4", "version 17.12"),
        "hostname branch-r\n",
        "hostname branch-r\ncrypto engine compliance shield disable\n",
    )
    assert fired("ASA111", allowed) == []


# --- ASA112 no-route-to-peer ---------------------------------------------------


def test_no_route_to_peer_is_reported_at_set_peer():
    text = change(HQ, "route outside 0.0.0.0 0.0.0.0 198.51.100.254 1\n", "")
    assert fired("ASA112", text) == [line_of(text, "set peer")]


def test_peer_routed_out_of_another_interface_cites_the_route():
    text = change(
        HQ, "crypto ipsec",
        "route inside 203.0.113.0 255.255.255.0 10.1.0.254 1\ncrypto ipsec",
    )
    [finding] = findings("ASA112", text)
    assert finding.line == line_of(text, "set peer")
    assert [r.line for r in finding.related] == [line_of(text, "route inside")]


def test_default_route_out_of_the_map_interface_passes():
    assert fired("ASA112", HQ) == []
    assert fired("ASA112", IOS) == []


# --- ASA117 Xauth on an IOS map -----------------------------------------------


def test_l2l_key_without_no_xauth_is_reported_at_the_key():
    text = change(IOS, "crypto map VPN 10 ipsec-isakmp\n",
                  "crypto map VPN client authentication list USERS\n"
                  "crypto map VPN 10 ipsec-isakmp\n")
    assert fired("ASA117", text) == [line_of(text, "crypto isakmp key")]
    exempt = change(text, "address 198.51.100.1\n",
                    "address 198.51.100.1 no-xauth\n")
    assert fired("ASA117", exempt) == []


def test_equal_routes_out_of_both_interfaces_are_enough():
    # Two interfaces in one subnet: the connected routes tie, and one of
    # them leaves by the map's interface.
    text = change(IOS, " crypto map VPN\n", "")
    text = change(text, "interface GigabitEthernet0/1\n"
                  " ip address 10.2.0.1 255.255.0.0\n",
                  "interface GigabitEthernet0/1\n"
                  " ip address 203.0.113.3 255.255.255.0\n"
                  " crypto map VPN\n")
    text = change(text, "ip route 0.0.0.0 0.0.0.0 203.0.113.254\n", "")
    text = change(text, "set peer 198.51.100.1", "set peer 203.0.113.9")
    assert fired("ASA112", text) == []


def test_no_route_on_a_router_running_ospf_is_not_a_fault():
    text = change(IOS, "ip route 0.0.0.0 0.0.0.0 203.0.113.254\n",
                  "router ospf 1\n network 203.0.113.0 0.0.0.255 area 0\n")
    assert fired("ASA112", text) == []
