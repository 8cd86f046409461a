"""Parsing what aggressive mode and ISAKMP identities need: domain
names, `key-id` names, IOS `crypto isakmp peer` and ISAKMP profile
lines, and where they land on the crypto map entries."""

from __future__ import annotations

from ipaddress import IPv4Network

from builders import BRANCH_IOS, BRANCH_PIX6, HQ, add, line_of

from asalint.api import load_device
from asalint.model import KeyState


def _parse(tmp_path, text: str, name: str = "x.cfg"):
    path = tmp_path / name
    path.write_text(text)
    return load_device(str(path))


def test_asa_key_id_keeps_its_name_and_domain_name_is_read(tmp_path):
    hq = add(HQ, "hostname hq", "domain-name example.net")
    hq = add(hq, "crypto ikev1 enable outside",
             "crypto isakmp identity key-id HQ-Site")

    device = _parse(tmp_path, hq)

    assert device.domain_name == "example.net"
    assert device.isakmp_identity.value == "key-id HQ-Site"
    assert device.isakmp_identity.origin.line == line_of(hq, "key-id")


def test_asa_key_id_without_a_name_is_unreadable(tmp_path):
    hq = add(HQ, "crypto ikev1 enable outside",
             "crypto isakmp identity key-id")

    device = _parse(tmp_path, hq)

    assert device.isakmp_identity.is_default
    assert [u.origin.line for u in device.unparsed if u.recognised
            and "key-id" in u.reason] == [line_of(hq, "identity key-id")]


def test_pix6_key_id_and_domain_name(tmp_path):
    pix = BRANCH_PIX6.replace(
        "isakmp identity address", "isakmp identity key-id Branch-PIX"
    )
    pix = add(pix, "hostname branch-pix", "domain-name example.org")

    device = _parse(tmp_path, pix)

    assert device.isakmp_identity.value == "key-id Branch-PIX"
    assert device.domain_name == "example.org"


def test_ios_domain_name_in_both_spellings(tmp_path):
    old = add(BRANCH_IOS, "hostname branch-rtr", "ip domain-name example.com")
    new = add(BRANCH_IOS, "hostname branch-rtr", "ip domain name example.org")

    assert _parse(tmp_path, old, "old.cfg").domain_name == "example.com"
    assert _parse(tmp_path, new, "new.cfg").domain_name == "example.org"


def test_ios_isakmp_peer_makes_its_entry_aggressive(tmp_path):
    text = add(
        BRANCH_IOS,
        "crypto isakmp key Example-Key-1",
        "crypto isakmp peer address 198.51.100.1",
        " set aggressive-mode password Other-Key-9",
        " set aggressive-mode client-endpoint fqdn branch.example.com",
    )

    device = _parse(tmp_path, text)

    entry = device.crypto_maps[0]
    assert entry.phase1_mode.value == "aggressive"
    assert entry.phase1_mode.origin.line == line_of(text, "password")
    assert entry.local_identity.value == "fqdn branch.example.com"
    assert entry.local_identity.origin.line == line_of(text, "client-end")
    password = [k for k in device.peer_keys if k.origin.line == line_of(
        text, "password")]
    assert [(k.peer, k.key.state) for k in password] == [
        (IPv4Network("198.51.100.1/32"), KeyState.PLAIN)
    ]
    assert "Other-Key-9" not in password[0].origin.text


def test_ios_isakmp_peer_for_another_address_changes_nothing(tmp_path):
    text = add(
        BRANCH_IOS,
        "crypto isakmp key Example-Key-1",
        "crypto isakmp peer address 192.0.2.77",
        " set aggressive-mode client-endpoint user-fqdn vpn@example.com",
    )

    entry = _parse(tmp_path, text).crypto_maps[0]

    assert entry.phase1_mode.value == "main"
    assert entry.local_identity is None


def test_ios_profile_initiate_mode_and_self_identity(tmp_path):
    text = add(
        BRANCH_IOS,
        "crypto isakmp key Example-Key-1",
        "crypto isakmp profile HQ",
        " match identity address 198.51.100.1 255.255.255.255",
        " self-identity fqdn",
        " initiate mode aggressive",
    )
    text = add(text, " set transform-set AES256-SHA", " set isakmp-profile HQ")

    device = _parse(tmp_path, text)

    entry = device.crypto_maps[0]
    assert entry.phase1_mode.origin.line == line_of(text, "initiate mode")
    assert entry.local_identity.value == "fqdn"
    assert entry.attribute_origins["identity"].line == line_of(
        text, "self-identity"
    )
    assert not [u for u in device.unparsed if "initiate" in u.origin.text]
