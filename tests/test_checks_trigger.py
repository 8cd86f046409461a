"""Trigger and traffic checks (3xx): each names the line it reports."""

from __future__ import annotations

from single_configs import HQ

from asalint.checks import registered
from asalint.parse import parse_device
from asalint.source import SourceText

ACL_LINE = 11
FIRST_ENTRY_LINE = 14
BINDING_LINE = 17

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


def fired(rule: str, text: str) -> list[int]:
    """The lines the checks of `rule` report in config `text`."""
    device = parse_device(SourceText("site.cfg", tuple(text.splitlines())))
    return sorted(
        finding.line
        for check in registered()[rule]
        for finding in check(device)
    )


def change(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), 1)
            if fragment in line]
    assert len(hits) == 1, fragment
    return hits[0]


# --- ASA301 crypto-map-not-applied -------------------------------------------


def test_unbound_map_is_reported_at_its_first_entry():
    text = change(HQ, "crypto map outside_map interface outside\n", "")
    assert fired("ASA301", text) == [FIRST_ENTRY_LINE]


def test_each_unbound_map_is_reported_once():
    text = change(
        HQ, "crypto ikev1 enable",
        "crypto map spare_map 10 match address BRANCH-VPN\n"
        "crypto map spare_map 10 set peer 192.0.2.1\n"
        "crypto ikev1 enable",
    )
    assert fired("ASA301", text) == [line_of(text, "spare_map 10 match")]


def test_bound_maps_pass_on_asa_and_ios():
    assert fired("ASA301", HQ) == []
    assert fired("ASA301", IOS) == []


def test_ios_map_without_interface_is_reported():
    text = change(IOS, " crypto map VPN\n", "")
    assert fired("ASA301", text) == [line_of(text, "crypto map VPN 10")]


# --- ASA302 ike-not-enabled --------------------------------------------------


def test_ike_off_on_the_bound_interface_is_reported_at_the_binding():
    text = change(HQ, "crypto ikev1 enable outside\n", "")
    assert fired("ASA302", text) == [BINDING_LINE]


def test_ike_enabled_on_another_interface_does_not_count():
    text = change(HQ, "crypto ikev1 enable outside", "crypto ikev1 enable "
                  "inside")
    assert fired("ASA302", text) == [BINDING_LINE]


def test_ikev2_entry_needs_ikev2_enabled():
    text = change(
        HQ, "crypto map outside_map 10 set ikev1 transform-set TS",
        "crypto map outside_map 10 set ikev2 ipsec-proposal P",
    )
    assert fired("ASA302", text) == [BINDING_LINE]
    enabled = change(text, "crypto ikev1 enable outside",
                     "crypto ikev2 enable outside")
    assert fired("ASA302", enabled) == []


def test_isakmp_enable_spelling_counts():
    text = change(HQ, "crypto ikev1 enable outside",
                  "crypto isakmp enable outside")
    assert fired("ASA302", text) == []


# --- ASA303 dynamic-map-only -------------------------------------------------


DYNAMIC_ONLY = change(
    HQ,
    "crypto map outside_map 10 match address BRANCH-VPN\n"
    "crypto map outside_map 10 set peer 203.0.113.2\n"
    "crypto map outside_map 10 set ikev1 transform-set TS\n",
    "crypto dynamic-map DYN 10 set ikev1 transform-set TS\n"
    "crypto map outside_map 65535 ipsec-isakmp dynamic DYN\n",
)


def test_dynamic_only_site_is_noted_at_the_dynamic_entry():
    assert fired("ASA303", DYNAMIC_ONLY) == [
        line_of(DYNAMIC_ONLY, "65535 ipsec-isakmp dynamic")
    ]


def test_a_static_entry_beside_the_dynamic_one_passes():
    text = change(
        HQ, "crypto map outside_map interface",
        "crypto dynamic-map DYN 10 set ikev1 transform-set TS\n"
        "crypto map outside_map 65535 ipsec-isakmp dynamic DYN\n"
        "crypto map outside_map interface",
    )
    assert fired("ASA303", text) == []


# --- ASA305 crypto-acl-mismatch ----------------------------------------------


def test_reversed_acl_is_reported_at_the_acl_line():
    text = change(HQ, "permit ip 10.1.0.0 255.255.0.0 10.2.0.0 255.255.0.0",
                  "permit ip 10.2.0.0 255.255.0.0 10.1.0.0 255.255.0.0")
    assert fired("ASA305", text) == [ACL_LINE]


def test_ios_mask_where_a_wildcard_belongs_is_reported():
    text = change(IOS, " permit ip 10.2.0.0 0.0.255.255 10.1.0.0 0.0.255.255",
                  " permit ip 10.2.0.0 255.255.0.0 10.1.0.0 255.255.0.0")
    assert fired("ASA305", text) == [line_of(text, " permit ip")]


def test_acl_from_the_local_side_passes():
    assert fired("ASA305", HQ) == []
    assert fired("ASA305", IOS) == []


# --- ASA306 no-route-to-protected-network ------------------------------------


ROUTED_INSIDE = change(
    HQ, "route outside 0.0.0.0 0.0.0.0 198.51.100.254 1\n",
    "route outside 0.0.0.0 0.0.0.0 198.51.100.254 1\n"
    "route inside 10.2.0.0 255.255.0.0 10.1.0.254 1\n",
)


def test_remote_network_routed_inside_is_reported_at_the_acl():
    assert fired("ASA306", ROUTED_INSIDE) == [ACL_LINE]


def test_no_route_at_all_is_reported():
    text = change(HQ, "route outside 0.0.0.0 0.0.0.0 198.51.100.254 1\n", "")
    assert fired("ASA306", text) == [ACL_LINE]


def test_reverse_route_entries_are_left_alone():
    text = change(
        ROUTED_INSIDE, "crypto map outside_map interface",
        "crypto map outside_map 10 set reverse-route\n"
        "crypto map outside_map interface",
    )
    assert fired("ASA306", text) == []


def test_ios_next_hop_route_resolves_to_its_interface():
    assert fired("ASA306", IOS) == []


# --- ASA307 nat-exemption-missing --------------------------------------------


PAT = change(
    HQ, "route outside",
    "object network INSIDE-NET\n"
    " subnet 10.1.0.0 255.255.0.0\n"
    " nat (inside,outside) dynamic interface\n"
    "route outside",
)


def test_pat_before_the_crypto_map_is_reported_at_the_acl():
    assert fired("ASA307", PAT) == [ACL_LINE]


def test_twice_nat_exemption_ahead_of_the_pat_passes():
    text = change(
        PAT, "object network INSIDE-NET",
        "object network HQ-LAN\n subnet 10.1.0.0 255.255.0.0\n"
        "object network BR-LAN\n subnet 10.2.0.0 255.255.0.0\n"
        "nat (inside,outside) source static HQ-LAN HQ-LAN "
        "destination static BR-LAN BR-LAN no-proxy-arp route-lookup\n"
        "object network INSIDE-NET",
    )
    assert fired("ASA307", text) == []


def test_exemption_for_another_peer_does_not_help():
    text = change(
        PAT, "object network INSIDE-NET",
        "object network HQ-LAN\n subnet 10.1.0.0 255.255.0.0\n"
        "object network OTHER\n subnet 172.16.0.0 255.255.0.0\n"
        "nat (inside,outside) source static HQ-LAN HQ-LAN "
        "destination static OTHER OTHER\n"
        "object network INSIDE-NET",
    )
    assert fired("ASA307", text) == [ACL_LINE]


def test_no_translating_rule_means_no_finding():
    assert fired("ASA307", HQ) == []


# --- ASA309 / ASA310 crypto ACL contents -------------------------------------


def test_deny_line_in_a_crypto_acl_is_reported():
    text = change(
        HQ, "access-list BRANCH-VPN",
        "access-list BRANCH-VPN extended deny ip host 10.1.0.5 "
        "10.2.0.0 255.255.0.0\naccess-list BRANCH-VPN",
    )
    assert fired("ASA309", text) == [ACL_LINE]
    assert fired("ASA309", HQ) == []


def test_deny_in_an_acl_no_crypto_map_uses_is_not_reported():
    text = change(
        HQ, "route outside",
        "access-list OUTSIDE-IN extended deny ip any any\nroute outside",
    )
    assert fired("ASA309", text) == []


def test_any_as_destination_is_reported():
    text = change(HQ, "10.2.0.0 255.255.0.0\n", "any\n")
    assert fired("ASA310", text) == [ACL_LINE]
    assert fired("ASA310", HQ) == []


def test_no_route_on_a_router_running_bgp_is_not_a_fault():
    text = change(IOS, "ip route 0.0.0.0 0.0.0.0 203.0.113.254\n",
                  "router bgp 65001\n neighbor 203.0.113.254 remote-as 1\n")
    assert fired("ASA306", text) == []
