"""The PIX 6.x parser: one-line commands land in the device model."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path

import pytest

from asalint.api import load_device
from asalint.model import Era, KeyState, NatKind, Platform

FIXTURES = Path(__file__).parents[1] / "fixtures" / "single"

net = IPv4Network


def parse_text(tmp_path: Path, text: str):
    path = tmp_path / "pix.cfg"
    path.write_text(
        "PIX Version 6.3(5)\n"
        "nameif ethernet0 outside security0\n"
        "nameif ethernet1 inside security100\n"
        "ip address outside 192.0.2.1 255.255.255.0\n"
        "ip address inside 10.0.0.1 255.255.255.0\n" + text
    )
    return load_device(str(path))


@pytest.fixture(scope="module")
def pix():
    return load_device(str(FIXTURES / "pix6-branch.cfg"))


def unparsed_lines(device) -> dict[int, tuple[str, bool]]:
    return {
        item.origin.line: (item.reason, item.recognised)
        for item in device.unparsed
    }


def test_identity(pix):
    assert (pix.hostname, pix.version) == ("branch-pix", "6.3(5)")
    assert (pix.platform, pix.era) == (Platform.PIX, Era.PIX6)
    assert pix.nat_control is True


def test_interfaces_from_several_lines(pix):
    outside = pix.interface_by_name("outside")
    assert outside.hardware == "ethernet0"
    assert outside.security_level == 0
    assert outside.address == IPv4Interface("198.51.100.2/29")
    assert outside.standby == IPv4Address("198.51.100.3")
    assert outside.address_origin.line == 33
    assert outside.access_group_in == "outside_in"
    inside = pix.interface_by_name("ethernet1")
    assert (inside.nameif, inside.security_level) == ("inside", 100)
    dmz = pix.interface_by_name("dmz")
    assert dmz.shutdown and dmz.address is None
    assert unparsed_lines(pix)[35] == ("interface address not read", True)


def test_names_and_object_groups(pix):
    assert pix.names["mail-server"] == IPv4Address("10.20.0.25")
    assert pix.objects["hq-nets"].networks == (
        net("10.10.0.0/16"), net("172.16.5.5/32"))
    # A nested group brings its members along.
    assert pix.objects["all-remote"].networks == (
        net("10.10.0.0/16"), net("172.16.5.5/32"), net("192.168.77.0/24"))


def test_acls_take_masks_and_names(pix):
    permit, deny = pix.acls["nonat"]
    assert permit.source == (net("10.20.0.0/24"),)
    assert permit.destination == (net("10.10.0.0/16"), net("172.16.5.5/32"))
    assert permit.references == ("hq-nets",)
    assert deny.action == "deny"
    [vpn] = pix.acls["vpn-hq"]
    assert (vpn.source, vpn.destination, vpn.origin.line) == (
        (net("10.20.0.0/24"),), (net("10.10.0.0/16"),), 27)
    [mail] = pix.acls["outside_in"]
    assert mail.destination_port == "eq smtp"


def test_nat_order_exemption_static_dynamic(pix):
    rules = [(r.section, r.position, r.kind, r.real_interface,
              r.mapped_interface, r.source, r.destination, r.origin.line)
             for r in pix.nat_rules]
    assert rules == [
        (1, 1, NatKind.IDENTITY, "inside", None, (net("10.20.0.0/24"),),
         (net("10.10.0.0/16"), net("172.16.5.5/32")), 25),
        (2, 2, NatKind.TRANSLATE, "inside", "outside",
         (net("10.20.0.25/32"),), (), 42),
        (3, 3, NatKind.TRANSLATE, "inside", "outside",
         (net("10.20.0.0/24"),), (), 41),
    ]


def test_identity_nat_and_identity_static(tmp_path):
    device = parse_text(
        tmp_path,
        "nat (inside) 0 10.0.0.0 255.255.255.0 0 0\n"
        "static (inside,outside) 10.0.0.9 10.0.0.9 netmask 255.255.255.255\n",
    )
    static, nat0 = device.nat_rules
    assert (static.section, static.kind) == (2, NatKind.IDENTITY)
    assert (nat0.section, nat0.kind) == (3, NatKind.IDENTITY)
    assert nat0.source == (net("10.0.0.0/24"),)


def test_routes(pix):
    static = [(r.interface, r.network, r.gateway, r.distance)
              for r in pix.routes if r.origin is not None]
    assert static == [
        ("outside", net("0.0.0.0/0"), IPv4Address("198.51.100.1"), 1),
        ("inside", net("10.21.0.0/16"), IPv4Address("10.20.0.254"), 2),
    ]
    connected = {(r.interface, r.network) for r in pix.routes
                 if r.origin is None}
    assert connected == {("outside", net("198.51.100.0/29")),
                         ("inside", net("10.20.0.0/24"))}


def test_one_line_isakmp_policies(pix):
    ten, twenty = pix.ikev1_policies
    assert (ten.priority, ten.encryption.value, ten.hash.value,
            ten.authentication.value, ten.group.value,
            ten.lifetime.value) == (10, "aes-256", "sha", "pre-share", 2,
                                    86400)
    assert ten.origin.line == 65 and ten.group.origin.line == 68
    assert (twenty.encryption.value, twenty.group.value) == ("des", 1)
    assert twenty.encryption.is_default
    assert pix.default_used("ikev1-policy-20-encryption").value == "des"
    assert pix.default_used("ikev1-default-policy").uncertain


def test_isakmp_keys(pix):
    hq, anyone = pix.peer_keys
    assert hq.peer == net("203.0.113.1/32") and hq.no_xauth
    assert hq.key.state == KeyState.MASKED
    assert anyone.peer == net("0.0.0.0/0") and not anyone.no_xauth


def test_plain_key_stays_secret(tmp_path):
    device = parse_text(
        tmp_path, "isakmp key pix-secret-1 address 192.0.2.7\n"
    )
    [key] = device.peer_keys
    assert key.peer == net("192.0.2.7/32")
    assert key.key.value.get_secret_value() == "pix-secret-1"
    assert "pix-secret-1" not in device.model_dump_json()


def test_isakmp_globals(pix):
    assert pix.ikev1_interfaces["outside"].line == 60
    assert pix.isakmp_identity.value == "address"
    assert pix.nat_traversal.value is True
    assert pix.nat_traversal.origin.line == 64
    assert pix.permit_vpn.value is True
    assert pix.permit_vpn.origin.line == 46


def test_absent_lines_use_pix6_defaults(tmp_path):
    device = parse_text(tmp_path, "")
    assert device.permit_vpn.value is False and device.permit_vpn.is_default
    assert device.nat_traversal.value is False
    assert device.isakmp_identity.value == "hostname"
    assert device.default_used("isakmp-identity").uncertain
    assert device.default_used("sysopt-permit-ipsec").value == "off"


def test_transform_sets(pix):
    aes = pix.transform_sets["aes-sha"]
    assert (aes.esp_encryption, aes.esp_integrity) == (
        "esp-aes-256", "esp-sha-hmac")
    assert aes.mode.value == "tunnel" and aes.mode.is_default
    des = pix.transform_sets["des-md5"]
    assert des.mode.value == "transport" and des.mode.origin.line == 49


def test_crypto_map_from_one_line_commands(pix):
    entry, reference = pix.crypto_maps
    assert entry.label == "outside_map 10"
    assert entry.acl == "vpn-hq"
    assert entry.peers == (IPv4Address("203.0.113.1"),)
    assert entry.transform_sets == ("aes-sha",)
    assert entry.pfs.value == "group2"
    assert entry.lifetime_seconds.value == 3600
    assert entry.lifetime_kilobytes.value == 4608000
    assert entry.attribute_origins["lifetime"].line == 55
    assert entry.origin.line == 50
    assert reference.dynamic_map == "remote-users"
    [dynamic] = pix.dynamic_maps
    assert dynamic.transform_sets == ("des-md5",)
    assert dynamic.lifetime_seconds.value == 28800
    assert dynamic.lifetime_seconds.is_default


def test_binding_and_xauth(pix):
    [binding] = pix.bindings
    assert (binding.map, binding.interface) == ("outside_map", "outside")
    assert pix.xauth is True


def test_bare_pfs_is_group1_uncertain(tmp_path):
    device = parse_text(
        tmp_path,
        "crypto map M 10 ipsec-isakmp\ncrypto map M 10 set pfs\n",
    )
    [entry] = device.crypto_maps
    assert entry.pfs.value == "group1" and entry.pfs_bare
    assert device.default_used("pfs-group").uncertain


def test_not_modelled_lines_are_kept(pix):
    lines = unparsed_lines(pix)
    assert lines[12] == ("not modelled", False)  # fixup
    assert lines[30] == ("not modelled", False)  # pager
    assert 74 not in lines and 75 not in lines  # checksum, `: end`
    assert 1 not in lines and 14 not in lines  # version, names


def test_bad_lines_are_reported_not_raised(tmp_path):
    device = parse_text(
        tmp_path,
        "isakmp policy x hash sha\n"
        "isakmp policy 10 hash rot13\n"
        "isakmp key\n"
        "crypto map M x set peer 1.1.1.1\n"
        "crypto map M 10 set pfs group\n"
        "nat (inside) 0 access-list missing\n"
        "nat inside 1 0 0\n"
        "static (inside) 1.1.1.1 2.2.2.2\n"
        "route outside 0.0.0.0\n"
        "ip address nowhere 1.1.1.1 255.0.0.0\n"
        "name 1.2.3\n",
    )
    recognised = {line for line, (_, known) in unparsed_lines(device).items()
                  if known}
    assert recognised == set(range(6, 17))
