"""The ASA / PIX 7 parser: config text -> Device, area by area.

Fixtures under fixtures/single/ hold whole configs of both syntax eras
(asa-9x-branch.cfg: 9.x syntax; asa-82-hq.cfg: 8.2 syntax; pix-70.cfg:
PIX 7.0); small inline configs test one construct each.
"""

from __future__ import annotations

import time
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asalint.api import load_device
from asalint.errors import InputError
from asalint.model import Device, Era, KeyState, NatKind, Platform
from asalint.parse import parse_device
from asalint.parse.detect import detect
from asalint.source import SourceText

SINGLE = Path(__file__).parents[1] / "fixtures" / "single"


def fixture(name: str) -> Device:
    return load_device(str(SINGLE / name))


def parse(text: str, path: str = "inline.cfg") -> Device:
    lines = tuple(text.strip("\n").split("\n"))
    return parse_device(SourceText(path, lines))


def unparsed_at(device: Device, line: int):
    found = [item for item in device.unparsed if item.origin.line == line]
    assert found, f"line {line} is not reported"
    return found[0]


def net(text: str) -> IPv4Network:
    return IPv4Network(text)


@pytest.fixture(scope="module")
def branch() -> Device:
    return fixture("asa-9x-branch.cfg")


@pytest.fixture(scope="module")
def hq() -> Device:
    return fixture("asa-82-hq.cfg")


@pytest.fixture(scope="module")
def pix() -> Device:
    return fixture("pix-70.cfg")


# --- platform, version, era ------------------------------------------------


def test_version_line_sets_platform_version_and_era(branch, hq, pix):
    assert (branch.platform, branch.version, branch.era) == (
        Platform.ASA, "9.12(4)", Era.ASA84,
    )
    assert (hq.platform, hq.version, hq.era) == (
        Platform.ASA, "8.2(5)", Era.ASA_PRE83,
    )
    assert (pix.platform, pix.version, pix.era) == (
        Platform.PIX, "7.0(4)", Era.ASA_PRE83,
    )
    assert branch.hostname == "branch-fw"


@pytest.mark.parametrize(
    ("version_line", "era"),
    [
        ("ASA Version 7.2(4)", Era.ASA_PRE83),
        ("ASA Version 8.2(5)", Era.ASA_PRE83),
        ("ASA Version 8.3(1)", Era.ASA83),
        ("ASA Version 8.4(2)", Era.ASA84),
        ("ASA Version 9.16(4)", Era.ASA84),
        ("PIX Version 8.0(4)", Era.ASA_PRE83),
        ("FWSM Version 3.2(1)", Era.ASA_PRE83),
    ],
)
def test_era_follows_the_version(version_line, era):
    assert parse(f"{version_line}\nhostname fw\n").era == era


@pytest.mark.parametrize(
    ("line", "era"),
    [
        ("crypto ikev1 enable outside", Era.ASA84),
        ("nat (inside,outside) source static A A", Era.ASA83),
        ("crypto isakmp enable outside", Era.ASA_PRE83),
        ("nat (inside) 0 access-list NONAT", Era.ASA_PRE83),
    ],
)
def test_era_without_version_line_is_inferred_and_noted(line, era):
    device = parse(f"hostname fw\ninterface G0/0\n nameif outside\n{line}\n")

    assert device.era == era
    assert any("inferred" in note for note in device.notes)


def test_platform_is_told_from_the_text_not_the_name():
    lines = ("PIX Version 6.3(5)", "nameif ethernet0 outside security0")
    pix6 = detect(SourceText("asa-firewall.cfg", lines))
    assert (pix6.kind, pix6.platform, pix6.version) == ("pix6", "pix", "6.3(5)")

    ios = SourceText("asa.cfg", ("version 15.2", "hostname r1"))
    assert detect(ios).kind == "ios"


@pytest.mark.parametrize(
    ("text", "vendor"),
    [
        (("set system host-name fw1\nset interfaces ge-0/0/0 unit 0\n"
          "set security zones security-zone trust\n"), "Juniper"),
        ("system {\n    host-name fw1;\n}\ninterfaces {\n}\n", "Juniper"),
        (("config system global\n    set hostname fw1\nend\n"
          "config firewall policy\nend\n"), "Fortinet"),
        ('<?xml version="1.0"?>\n<config version="10.1.0">\n</config>\n',
         "Palo Alto"),
        (("!Command: show running-config\nfeature interface-vlan\n"
          "feature lacp\n"), "NX-OS"),
        (("! device: sw1 (DCS-7050TX-64, EOS-4.24.1F)\n"
          "management api http-commands\n"), "Arista"),
    ],
)
def test_another_vendors_config_is_named(text, vendor):
    with pytest.raises(InputError) as raised:
        parse(text, "fw1.cfg")

    assert vendor in raised.value.problem
    assert "not Cisco ASA, PIX or IOS" in raised.value.problem


# --- banners and certificates ----------------------------------------------


def test_lines_after_two_banner_lines_are_read():
    device = parse(
        """
ASA Version 9.8(4)
banner motd Authorised access only
banner login interface Vlan1 nameif nowhere
interface GigabitEthernet0/0
 nameif outside
 ip address 192.0.2.1 255.255.255.0
crypto map CM 10 set peer 198.51.100.1
crypto map CM interface outside
"""
    )
    outside = device.interface_by_name("outside")

    assert outside is not None and outside.origin.line == 4
    assert outside.address == IPv4Interface("192.0.2.1/24")
    assert device.crypto_maps[0].origin.line == 7
    assert device.bindings[0].origin.line == 8
    assert all(i.hardware != "Vlan1" for i in device.interfaces)


def test_certificate_hex_lines_are_ignored_and_later_lines_read(branch):
    cert_head = unparsed_at(branch, 110)
    reported = {item.origin.line for item in branch.unparsed}

    assert cert_head.reason == "certificate data not modelled"
    assert not reported & {111, 112, 113, 114}
    assert branch.ikev1_interfaces["outside"].line == 115


# --- interfaces, names, routes ---------------------------------------------


def test_interfaces_with_nameif_level_address_standby(branch):
    outside = branch.interface_by_name("outside")

    assert outside.hardware == "GigabitEthernet1/1"
    assert outside.security_level == 0
    assert outside.address == IPv4Interface("203.0.113.2/29")
    assert outside.standby == IPv4Address("203.0.113.3")
    assert outside.address_origin.line == 20
    assert outside.access_group_in == "OUTSIDE-IN"
    assert branch.owns_address(IPv4Address("203.0.113.2")) is outside
    assert branch.standby_owner(IPv4Address("203.0.113.3")) is outside


def test_unnamed_shut_interface_and_dhcp_address(branch):
    spare = branch.interface_by_name("GigabitEthernet1/3")
    management = branch.interface_by_name("management")

    assert spare.shutdown and spare.nameif is None and spare.address is None
    assert management.address is None
    assert management.assigned_address == "dhcp"
    assert management.address_origin.line == 38


def test_names_resolve_in_acls_and_peers(branch, hq):
    assert branch.names["hq-peer"] == IPv4Address("198.51.100.10")
    assert branch.acls["VPN-HQ"][1].destination == (
        net("198.51.100.10/32"),
    )
    assert branch.acls["OUTSIDE-IN"][2].source == (net("10.20.0.0/24"),)
    assert hq.crypto_maps[0].peers == (IPv4Address("203.0.113.2"),)


def test_static_routes_but_no_connected_ones(branch):
    default, inside = branch.routes

    assert (default.interface, default.network) == ("outside", net("0.0.0.0/0"))
    assert default.gateway == IPv4Address("203.0.113.1")
    assert (inside.distance, inside.origin.line) == (5, 80)
    assert all(route.origin is not None for route in branch.routes)


def test_route_variants():
    device = parse(
        """
ASA Version 9.9
name 10.9.9.1 core
route inside 10.0.0.0 255.0.0.0 core 3 track 7
route outside 0.0.0.0 0.0.0.0 192.0.2.1 tunneled
route outside 10.1.0.0 255.255.0.0
route dmz 10.2.0.0 255.255.0.0 0.0.0.0 5
"""
    )
    core, onlink = device.routes

    assert core.gateway == IPv4Address("10.9.9.1") and core.distance == 3
    assert onlink.gateway is None and onlink.distance == 5
    assert unparsed_at(device, 4).reason == "tunneled default route"
    assert unparsed_at(device, 5).recognised


# --- objects, groups, ACLs -------------------------------------------------


def test_objects_host_subnet_range_fqdn(branch):
    objects = branch.objects

    assert objects["HQ-DMZ"].networks == (net("10.11.0.5/32"),)
    assert objects["BRANCH-LAN"].networks == (net("10.20.0.0/24"),)
    assert objects["PRINTERS"].networks == (
        net("10.20.0.200/29"), net("10.20.0.208/31"), net("10.20.0.210/32"),
    )
    assert objects["PARTNER"].fqdn == "vpn.partner.example"
    assert objects["PARTNER"].networks == ()
    assert objects["HQ-LAN"].origin.line == 42


def test_nested_groups_expand_and_survive_a_cycle(branch):
    hq_nets = branch.objects["HQ-NETS"]

    assert hq_nets.kind == "group"
    assert set(hq_nets.networks) == {
        net("10.10.0.0/16"), net("10.11.0.5/32"), net("10.12.0.0/24"),
    }
    assert "NOT-DEFINED" in hq_nets.unresolved
    assert "HQ-NETS" in hq_nets.unresolved  # nested inside itself


def test_acl_entries_resolve_objects_groups_and_keywords(branch):
    first, inactive = branch.acls["VPN-HQ"]

    assert first.source == (net("10.20.0.0/24"),)
    assert set(first.destination) == set(branch.objects["HQ-NETS"].networks)
    assert first.references == ("BRANCH-LAN", "HQ-NETS")
    assert first.unresolved == ("HQ-NETS", "NOT-DEFINED")
    assert (first.origin.line, first.protocol, first.action) == (
        63, "ip", "permit",
    )
    assert inactive.inactive and inactive.origin.line == 65


def test_acl_ports_service_groups_and_interface_token(branch):
    web, isakmp, wide = branch.acls["OUTSIDE-IN"]

    assert web.source == (net("0.0.0.0/0"),)
    assert web.destination_port == "object-group WEB"
    assert isakmp.source_port == "eq 500"
    assert isakmp.destination == (net("203.0.113.2/32"),)
    assert isakmp.destination_port == "eq isakmp"
    assert wide.destination == (net("10.99.0.0/16"),)


def test_acl_lines_not_read_are_reported(branch):
    ipv6 = unparsed_at(branch, 68)
    bad_mask = unparsed_at(branch, 70)

    assert not ipv6.recognised and "IPv6" in ipv6.reason
    assert bad_mask.recognised
    assert "BROKEN" not in branch.acls
    assert 64 not in {item.origin.line for item in branch.unparsed}


def test_acl_without_extended_keyword_and_with_groups(hq):
    entry = hq.acls["VPN-BRANCH"][0]
    nonat = hq.acls["NONAT"]

    assert entry.source == (net("10.10.0.0/16"),)
    assert entry.destination == (net("10.20.0.0/24"),)
    assert nonat[0].destination == (net("10.20.0.0/24"), net("10.21.0.0/24"))
    assert nonat[1].action == "deny"


def test_undefined_objects_in_acls_are_unresolved():
    device = parse(
        """
ASA Version 9.9
access-list A extended permit ip object MISSING host 10.0.0.1
access-list A extended permit ip object-group NOPE any
"""
    )
    first, second = device.acls["A"]

    assert first.source == () and first.unresolved == ("MISSING",)
    assert second.unresolved == ("NOPE",)
    assert second.destination == (net("0.0.0.0/0"),)


def test_acl_uses_outside_crypto_maps(branch, hq):
    assert branch.acl_uses["OUTSIDE-IN"].line == 72
    assert branch.acl_uses["FILTER"].line == 133
    assert "VPN-HQ" not in branch.acl_uses
    assert hq.acl_uses["NONAT"].line == 29


# --- NAT -------------------------------------------------------------------


def rules(device: Device):
    return [
        (rule.section, rule.position, rule.kind, rule.origin.line)
        for rule in device.nat_rules
    ]


def test_nat_84_twice_object_and_after_auto_in_order(branch):
    assert rules(branch) == [
        (1, 1, NatKind.IDENTITY, 73),
        (2, 1, NatKind.IDENTITY, 78),  # static before dynamic
        (2, 2, NatKind.TRANSLATE, 76),
        (3, 1, NatKind.TRANSLATE, 74),
    ]
    exemption = branch.nat_rules[0]
    assert (exemption.real_interface, exemption.mapped_interface) == (
        "inside", "outside",
    )
    assert exemption.source == (net("10.20.0.0/24"),)
    assert set(exemption.destination) == set(
        branch.objects["HQ-NETS"].networks
    )
    assert exemption.route_lookup


def test_object_nat_is_sorted_as_the_asa_sorts_it():
    device = parse(
        """
ASA Version 9.9
object network WIDE
 subnet 10.0.0.0 255.255.0.0
object network ZED
 host 10.1.1.1
object network ALPHA
 host 10.1.1.1
object network DYN
 host 10.0.0.1
object network WIDE
 nat (inside,outside) static 192.0.2.0
object network DYN
 nat (inside,outside) dynamic interface
object network ZED
 nat (inside,outside) static 192.0.2.200
object network ALPHA
 nat (inside,outside) static ALPHA
"""
    )
    assert rules(device) == [
        (2, 1, NatKind.IDENTITY, 17),  # ALPHA: one address, name first
        (2, 2, NatKind.TRANSLATE, 15),  # ZED
        (2, 3, NatKind.TRANSLATE, 11),  # WIDE: more addresses
        (2, 4, NatKind.TRANSLATE, 13),  # dynamic last
    ]


def test_twice_nat_line_insert_inactive_and_undefined():
    device = parse(
        """
ASA Version 9.9
object network A
 host 10.0.0.1
object network B
 host 10.0.0.2
nat (inside,outside) source static A A
nat (inside,outside) line 1 source static B B inactive
nat (inside,outside) source static GHOST GHOST
nat (inside,outside) source static A A destination static GONE GONE
"""
    )
    assert rules(device) == [
        (1, 1, NatKind.IDENTITY, 7),
        (1, 2, NatKind.IDENTITY, 6),
    ]
    assert device.nat_rules[0].inactive
    assert "GHOST" in unparsed_at(device, 8).reason
    assert "GONE" in unparsed_at(device, 9).reason


def test_nat_pre83_exemption_static_and_dynamic(hq):
    assert rules(hq) == [
        (1, 1, NatKind.IDENTITY, 29),  # nat 0 access-list, permit only
        (2, 1, NatKind.TRANSLATE, 32),
        (2, 2, NatKind.IDENTITY, 33),
        (2, 3, NatKind.TRANSLATE, 34),  # static PAT
        (2, 4, NatKind.TRANSLATE, 35),  # policy static
        (3, 1, NatKind.TRANSLATE, 30),
        (3, 2, NatKind.IDENTITY, 31),  # nat 0 A M: identity NAT
    ]
    exemption = hq.nat_rules[0]
    assert exemption.real_interface == "inside"
    assert exemption.source == (net("10.10.0.0/16"),)
    assert exemption.destination == (net("10.20.0.0/24"), net("10.21.0.0/24"))
    assert hq.nat_rules[4].source == (net("10.10.0.80/32"),)
    assert hq.nat_control
    assert unparsed_at(hq, 28).reason == "global address pool"


def test_policy_static_onto_its_own_address_is_identity():
    device = parse(
        """
ASA Version 8.0(4)
access-list POL extended permit ip host 10.0.0.5 10.9.0.0 255.255.0.0
static (inside,outside) 10.0.0.5 access-list POL
nat (inside) 0 access-list UNDEFINED
"""
    )
    (rule,) = device.nat_rules

    assert (rule.section, rule.kind) == (2, NatKind.IDENTITY)
    assert rule.destination == (net("10.9.0.0/16"),)
    assert unparsed_at(device, 4).recognised


# --- IKE -------------------------------------------------------------------


def test_ikev1_policy_block_with_defaults_filled(branch):
    strong, bare = branch.ikev1_policies

    assert strong.priority == 10 and strong.origin.line == 117
    assert strong.encryption.value == "aes-256"
    assert strong.encryption.origin.line == 119
    assert strong.group.value == 14
    assert strong.lifetime.value == 86400 and strong.lifetime.is_default
    assert (bare.authentication.value, bare.hash.value) == ("pre-share", "sha")
    assert bare.group.value == 2 and bare.group.is_default
    assert bare.encryption.value == "aes"
    assert branch.default_used("ikev1-policy-20-group").value == "2"
    assert branch.default_used("ikev1-policy-10-encryption") is None


def test_ikev1_policy_one_line_and_block_forms(hq, pix):
    block, one_line = hq.ikev1_policies

    assert block.origin.line == 47 and block.lifetime.origin.line == 52
    assert one_line.priority == 30 and one_line.origin.line == 53
    assert one_line.encryption.value == "aes-256"
    assert one_line.encryption.origin.line == 54
    assert one_line.group.value == 5
    assert one_line.hash.is_default
    (old,) = pix.ikev1_policies
    assert (old.encryption.value, old.hash.value, old.group.value) == (
        "des", "md5", 1,
    )
    assert old.lifetime.value == 3600


def test_ikev2_policy_holds_lists(branch):
    (policy,) = branch.ikev2_policies

    assert policy.encryptions == ("aes-256", "aes-192")
    assert policy.integrities == ("sha256", "sha")
    assert policy.groups == ("19", "14")
    assert policy.prfs == ("sha256",)
    assert policy.lifetime.value == 86400 and policy.lifetime.is_default


def test_ike_enabled_interfaces_in_every_spelling(branch, hq, pix):
    assert branch.ikev1_interfaces["outside"].line == 115
    assert branch.ikev2_interfaces["outside"].line == 129
    assert hq.ikev1_interfaces["outside"].line == 46
    assert pix.ikev1_interfaces["outside"].line == 21


def test_no_ike_enable_removes_the_interface():
    device = parse(
        """
ASA Version 9.9
crypto ikev1 enable outside
crypto ikev1 enable inside
no crypto ikev1 enable inside
"""
    )
    assert list(device.ikev1_interfaces) == ["outside"]


def test_identity_nat_t_and_aggressive_mode(branch, hq, pix):
    assert branch.isakmp_identity.value == "address"
    assert branch.aggressive_mode_disabled.value is True
    assert branch.aggressive_mode_disabled.origin.line == 116
    assert hq.nat_traversal.value is True
    assert hq.nat_traversal.origin.line == 56
    assert hq.isakmp_identity.value == "auto"
    assert hq.isakmp_identity.is_default
    assert pix.isakmp_identity.origin.line == 22


def test_nat_t_default_depends_on_the_release(branch, pix):
    assert branch.nat_traversal.value is True
    assert branch.nat_traversal.is_default
    assert branch.default_used("nat-traversal").uncertain
    assert pix.nat_traversal.value is False  # 7.0: off until 7.2(1)
    assert pix.default_used("nat-traversal").value == "off"


def test_no_nat_traversal_line_wins():
    device = parse(
        """
ASA Version 9.9
crypto isakmp nat-traversal 30
no crypto isakmp nat-traversal
"""
    )
    assert device.nat_traversal.value is False
    assert device.nat_traversal.origin.line == 3


def test_without_any_policy_pre84_records_the_built_in_one(pix):
    device = parse("ASA Version 8.2(1)\ncrypto isakmp enable outside\n")

    assert device.ikev1_policies == ()
    assert device.default_used("ikev1-default-policy").uncertain
    assert parse("ASA Version 9.1(1)\n").default_used(
        "ikev1-default-policy"
    ) is None


# --- IPsec -----------------------------------------------------------------


def test_transform_sets_and_mode(branch, hq):
    strong = branch.transform_sets["AES256-SHA"]
    transport = branch.transform_sets["AES128-MD5"]

    assert (strong.esp_encryption, strong.esp_integrity) == (
        "esp-aes-256", "esp-sha-hmac",
    )
    assert strong.mode.value == "tunnel" and strong.mode.is_default
    assert transport.mode.value == "transport"
    assert transport.mode.origin.line == 83
    assert hq.transform_sets["ESP-3DES-SHA"].origin.line == 38


def test_router_style_transform_spelling_is_normalised():
    device = parse(
        """
crypto ikev1 enable outside
crypto ipsec transform-set T1 esp-aes 256 esp-sha-hmac
 mode transport
crypto ipsec ikev1 transform-set T2 esp-aes 128 esp-none
crypto ipsec ikev1 transform-set T3 esp-rot13 esp-sha-hmac
"""
    )
    t1, t2 = device.transform_sets["T1"], device.transform_sets["T2"]

    assert t1.esp_encryption == "esp-aes-256" and t1.mode.value == "transport"
    assert t2.esp_encryption == "esp-aes" and t2.esp_integrity is None
    assert "T3" not in device.transform_sets
    assert unparsed_at(device, 5).recognised


def test_ikev2_ipsec_proposal(branch):
    proposal = branch.ipsec_proposals["PROP-GCM"]

    assert proposal.encryptions == ("aes-gcm-256", "aes-gcm")
    assert proposal.integrities == ("null",)
    assert proposal.origin.line == 84


# --- crypto maps -----------------------------------------------------------


def test_crypto_map_lines_group_into_one_entry(branch):
    entry = branch.crypto_maps[0]

    assert (entry.map, entry.sequence, entry.dynamic) == (
        "OUTSIDE-MAP", 10, False,
    )
    assert entry.origin.line == 89
    assert entry.acl == "VPN-HQ"
    assert entry.transform_sets == ("AES256-SHA", "AES128-MD5")
    assert entry.connection_type.value == "answer-only"
    origins = {name: item.line for name, item in entry.attribute_origins.items()}
    assert origins == {
        "match": 89, "pfs": 90, "peer": 95, "transform-set": 92,
        "lifetime": 93, "connection-type": 94,
    }


def test_the_later_set_peer_line_wins(branch):
    entry = branch.crypto_maps[0]

    assert entry.peers == (IPv4Address("198.51.100.10"),)
    assert entry.peer_hostnames == ()


def test_several_peers_names_and_hostnames():
    device = parse(
        """
ASA Version 9.9
name 192.0.2.5 far-end
crypto map M 1 set peer far-end 192.0.2.6 vpn.example.net
"""
    )
    entry = device.crypto_maps[0]

    assert entry.peers == (IPv4Address("192.0.2.5"), IPv4Address("192.0.2.6"))
    assert entry.peer_hostnames == ("vpn.example.net",)


def test_bare_set_pfs_uses_the_asa_group_and_says_so(branch):
    entry = branch.crypto_maps[0]
    default = branch.default_used("pfs-group")

    assert entry.pfs.value == "group2" and entry.pfs_bare
    assert entry.pfs.origin.line == 90
    assert (default.value, default.uncertain) == ("group2", True)
    assert branch.crypto_maps[1].pfs.value == "group14"
    assert not branch.crypto_maps[1].pfs_bare


def test_pfs_absent_is_off_by_default(hq):
    entry = hq.crypto_maps[0]

    assert entry.pfs.value is None and entry.pfs.is_default
    assert hq.default_used("pfs").value == "off"


def test_lifetimes_from_entry_global_or_default(branch, pix):
    own, other = branch.crypto_maps[0], branch.crypto_maps[1]

    assert own.lifetime_kilobytes.value == "unlimited"
    assert own.lifetime_seconds.value == 3600  # global line 87
    assert own.lifetime_seconds.origin.line == 87
    assert other.lifetime_kilobytes.value == 4608000
    assert other.lifetime_kilobytes.is_default
    assert pix.crypto_maps[0].lifetime_seconds.value == 28800
    assert pix.default_used("ipsec-sa-lifetime-seconds").value == "28800"


def test_entry_options_aggressive_nat_t_reverse_route(branch, hq):
    entry = branch.crypto_maps[1]

    assert entry.ikev2_proposals == ("PROP-GCM",)
    assert entry.phase1_mode.value == "aggressive"
    assert entry.attribute_origins["phase1-mode"].line == 100
    assert entry.nat_t_disable and entry.reverse_route
    assert hq.crypto_maps[0].phase1_mode.value == "aggressive"
    trustpoint = unparsed_at(branch, 103)
    assert trustpoint.reason == "not modelled" and not trustpoint.recognised


def test_dynamic_maps_and_the_entry_that_points_at_them(branch):
    pointer = branch.crypto_maps[2]
    (dynamic,) = branch.dynamic_maps

    assert (pointer.sequence, pointer.dynamic_map) == (65535, "DYN")
    assert pointer.attribute_origins["dynamic"].line == 104
    assert (dynamic.map, dynamic.sequence, dynamic.dynamic) == ("DYN", 5, True)
    assert dynamic.transform_sets == ("AES256-SHA",)
    assert dynamic.lifetime_seconds.value == 7200
    assert dynamic.origin.line == 106


def test_binding_to_an_interface(branch):
    (binding,) = branch.bindings

    assert (binding.map, binding.interface) == ("OUTSIDE-MAP", "outside")
    assert binding.origin.line == 105


def test_router_style_crypto_map_block_is_read_too():
    device = parse(
        """
crypto ikev1 enable outside
crypto map VPN 5 ipsec-isakmp
  match address VPN-ACL
  set peer 192.0.2.9
  set transform-set TS
  set pfs group5
"""
    )
    entry = device.crypto_maps[0]

    assert (entry.acl, entry.peers) == ("VPN-ACL", (IPv4Address("192.0.2.9"),))
    assert entry.pfs.value == "group5"
    assert entry.attribute_origins["peer"].line == 4


def test_maps_keep_their_order_and_sequence_order():
    device = parse(
        """
ASA Version 9.9
crypto map B 20 set peer 192.0.2.2
crypto map A 5 set peer 192.0.2.3
crypto map B 10 set peer 192.0.2.1
"""
    )
    labels = [entry.label for entry in device.crypto_maps]

    assert labels == ["B 10", "B 20", "A 5"]


# --- tunnel-groups, group-policies, sysopt ---------------------------------


def test_tunnel_group_key_states(branch):
    groups = branch.tunnel_groups

    hq_group = groups["198.51.100.10"]
    assert hq_group.type == "ipsec-l2l" and hq_group.type_origin.line == 135
    assert hq_group.ikev1_key.state == KeyState.MASKED
    assert hq_group.ikev1_key.origin.line == 139
    partner = groups["192.0.2.77"]
    assert partner.ikev2_remote_key.state == KeyState.ENCRYPTED
    assert partner.ikev2_local_key.state == KeyState.MASKED
    assert partner.ikev1_key.state == KeyState.ABSENT
    plain = groups["192.0.2.88"].ikev1_key
    assert plain.state == KeyState.PLAIN
    assert plain.value.get_secret_value() == "branch-shared-Secret9"


def test_tunnel_group_attributes(branch):
    hq_group = branch.tunnel_groups["198.51.100.10"]

    assert hq_group.default_group_policy == "GP-HQ"
    assert hq_group.peer_id_validate == "nocheck"
    assert hq_group.origin.line == 135
    assert unparsed_at(branch, 141).reason == "not modelled"


def test_default_l2l_group_has_its_built_in_type(branch):
    default = branch.tunnel_groups["DefaultL2LGroup"]

    assert default.type == "ipsec-l2l" and default.type_origin is None
    assert default.ikev1_key.state == KeyState.MASKED


def test_pre84_plain_pre_shared_key_and_a_missing_one(hq):
    key = hq.tunnel_groups["203.0.113.2"].ikev1_key

    assert key.state == KeyState.PLAIN
    assert key.equals(key) is True
    missing = hq.tunnel_groups["203.0.113.9"].ikev1_key
    assert missing.state == KeyState.ABSENT
    assert unparsed_at(hq, 63).recognised


@pytest.mark.parametrize(
    "written", ["*****", "****", "<secret hidden>", "<removed>", "<redacted>",
                "<hidden>", "8 ZW5jcnlwdGVk"],
)
def test_masked_and_encrypted_keys_are_never_compared(written):
    device = parse(
        f"""
ASA Version 9.9
tunnel-group 192.0.2.1 type ipsec-l2l
tunnel-group 192.0.2.1 ipsec-attributes
 ikev1 pre-shared-key {written}
"""
    )
    key = device.tunnel_groups["192.0.2.1"].ikev1_key

    expected = KeyState.ENCRYPTED if written[0] == "8" else KeyState.MASKED
    assert key.state == expected
    assert key.equals(key) is None


def test_group_policy_vpn_filter(branch):
    policy = branch.group_policies["GP-HQ"]

    assert policy.vpn_filter == "FILTER"
    assert policy.origin.line == 131
    assert policy.vpn_tunnel_protocols == ("ikev1", "ikev2")
    assert policy.vpn_tunnel_protocol_origin.line == 134


def test_sysopt_permit_vpn_in_each_form(branch, hq, pix):
    assert branch.permit_vpn.value is False
    assert branch.permit_vpn.origin.line == 151
    assert hq.permit_vpn.value is True and hq.permit_vpn.origin.line == 37
    assert pix.permit_vpn.value is True  # 7.0 spelled it permit-ipsec
    default = parse("ASA Version 9.9\n")
    assert default.permit_vpn.value is True and default.permit_vpn.is_default


# --- secrets ---------------------------------------------------------------


def test_no_plain_key_reaches_the_model_text(branch, hq):
    for device, secret in ((branch, "branch-shared-Secret9"),
                           (hq, "hq-branch-Key1")):
        dumped = device.model_dump_json()
        assert secret not in dumped
        assert secret not in repr(device)
        assert all(secret not in item.origin.text for item in device.unparsed)


def test_secrets_inside_lines_not_modelled_are_masked():
    device = parse(
        """
ASA Version 9.9
interface GigabitEthernet0/1
 nameif inside
 ospf message-digest-key 1 md5 OspfKey1
router bgp 65001
 neighbor 10.0.0.1 password 0 BgpKey2
snmp-server user u1 g1 v3 auth sha SnmpAuth3 priv aes 128 SnmpPriv4
username admin password AdminPass5 privilege 15
aaa-server RAD (inside) host 10.0.0.9
 key RadiusKey6
"""
    )
    texts = " ".join(item.origin.text for item in device.unparsed)

    assert len(device.unparsed) == 7
    for secret in ("OspfKey1", "BgpKey2", "SnmpAuth3", "SnmpPriv4",
                   "AdminPass5", "RadiusKey6"):
        assert secret not in texts
    assert "ospf message-digest-key 1 md5 *****" in texts


# --- robustness ------------------------------------------------------------


TRUNCATED = """
ASA Version 9.9
interface
name 10.0.0.1
name banana split
object network
object network O
 subnet 10.0.0.0
 range 10.0.0.9 10.0.0.1
object-group network
object-group network G
 network-object host
access-list
access-list A extended
access-list A extended permit
access-list A extended permit ip host
nat (inside)
nat (inside,outside) source static
static (inside,outside)
route outside
crypto map
crypto map M
crypto map M 10
crypto map M 10 set peer
crypto map M 10 set pfs
crypto map M 10 set connection-type sideways
crypto dynamic-map D
crypto ikev1 policy x
crypto ikev1 policy 5
 group
 encryption
isakmp policy
crypto ipsec ikev1 transform-set T
crypto isakmp identity
tunnel-group
tunnel-group X ipsec-attributes
 ikev1 pre-shared-key
group-policy
"""


def test_truncated_lines_are_reported_never_raised():
    device = parse(TRUNCATED)
    reported = {item.origin.line for item in device.unparsed}

    # Modelled: the version, the two named blocks, the bare map entry,
    # its bare `set pfs`, the IKE policy and the tunnel-group block.
    assert reported == set(range(2, 38)) - {6, 10, 22, 24, 28, 35}
    assert all(item.recognised for item in device.unparsed)
    assert device.crypto_maps[0].pfs_bare


VOCABULARY = (
    "crypto map ikev1 isakmp policy enable set peer pfs match address nat",
    "static source destination object object-group network host any 10 0",
    "(inside,outside) (inside) access-list extended permit deny ip",
    "10.0.0.1 255.255.255.0 tunnel-group ipsec-attributes pre-shared-key",
    "interface route outside no sysopt connection permit-vpn name",
    "transform-set esp-aes lifetime seconds dynamic-map line",
)
WORDS = st.sampled_from([word for row in VOCABULARY for word in row.split()])
LINES = st.lists(
    st.tuples(st.booleans(), st.lists(WORDS, min_size=1, max_size=8)),
    max_size=25,
)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(LINES)
def test_any_sequence_of_asa_words_parses(lines):
    text = "\n".join(
        (" " if child else "") + " ".join(words) for child, words in lines
    )
    device = parse("ASA Version 9.9\n" + text + "\n")

    assert device.platform == Platform.ASA
    assert all(item.origin.line >= 2 for item in device.unparsed)


# --- speed -----------------------------------------------------------------


def _large_config() -> list[str]:
    lines = ["ASA Version 9.12(4)", "hostname big"]
    for i in range(400):
        lines += [f"interface GigabitEthernet0/{i}", f" nameif if{i}",
                  f" ip address 10.{i // 250}.{i % 250}.1 255.255.255.0"]
    for i in range(4000):
        lines += [f"object network O{i}",
                  f" host 10.100.{i // 250}.{i % 250}"]
    for i in range(600):
        lines += [f"object-group network G{i}", f" network-object object O{i}",
                  f" group-object G{(i + 1) % 600}" if i % 10 else
                  " network-object host 10.9.9.9"]
    for i in range(8200):
        lines.append(f"access-list A{i % 300} extended permit tcp "
                     f"object-group G{i % 600} object O{i % 4000} eq 443")
    for i in range(400):
        lines += [f"crypto map M {i} match address A{i % 300}",
                  f"crypto map M {i} set peer 198.51.{i // 250}.{i % 250}"]
    return lines


def test_a_20000_line_config_costs_little_beyond_the_tree():
    from asalint.parse.asa import parse_asa
    from asalint.parse.tree import build_tree

    source = SourceText("big.cfg", tuple(_large_config()))
    assert len(source.lines) >= 20000
    tree_seconds = model_seconds = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        tree = build_tree(source, "asa")
        tree_seconds = min(tree_seconds, time.perf_counter() - start)
        start = time.perf_counter()
        device = parse_asa(source, tree, detect(source))
        model_seconds = min(model_seconds, time.perf_counter() - start)

    assert len(device.crypto_maps) == 400
    assert model_seconds < tree_seconds * 1.5


def test_group_policy_tunnel_protocols_in_both_spellings():
    device = parse(
        """
ASA Version 8.2(5)
group-policy OLD attributes
 vpn-tunnel-protocol IPSec l2tp-ipsec
group-policy NEW attributes
 vpn-tunnel-protocol ikev2
"""
    )

    old, new = device.group_policies["OLD"], device.group_policies["NEW"]
    assert old.vpn_tunnel_protocols == ("ikev1", "l2tp-ipsec")
    assert old.vpn_tunnel_protocol_origin.line == 3
    assert new.vpn_tunnel_protocols == ("ikev2",)
    assert new.vpn_tunnel_protocol_origin.line == 5


def test_ikev2_policy_and_proposal_cite_each_attribute_line():
    device = parse(
        """
ASA Version 9.12(4)
crypto ikev2 policy 10
 encryption aes-256 aes
 integrity sha256
 group 14 19
 prf sha256
crypto ipsec ikev2 ipsec-proposal P1
 protocol esp encryption aes-256
 protocol esp integrity sha-256 sha-1
"""
    )

    policy = device.ikev2_policies[0]
    lines = {name: o.line for name, o in policy.attribute_origins.items()}
    assert lines == {"encryption": 3, "integrity": 4, "group": 5, "prf": 6}
    proposal = device.ipsec_proposals["P1"]
    assert proposal.integrities == ("sha-256", "sha-1")
    assert proposal.attribute_origins["encryption"].line == 8
    assert proposal.attribute_origins["integrity"].line == 9


def test_junos_in_braces_is_named_not_read_as_ios():
    from asalint.errors import InputError

    text = (
        "## Last commit: 2026-01-01 by admin\nversion 20.4R3.8;\n"
        "system {\n    host-name srx1;\n}\ninterfaces {\n}\n"
    )
    with pytest.raises(InputError) as raised:
        parse(text, "srx.conf")

    assert raised.value.problem == (
        "looks like a Juniper Junos config, not Cisco ASA, PIX or IOS"
    )
