"""Which crypto map entries make tunnels between two devices."""

from __future__ import annotations

from ipaddress import IPv4Address

from builders import ace, asa, entry, interface

from asalint.negotiate.index import DeviceIndex
from asalint.pairing import MISMATCH, STANDBY, pair_devices


def _hq(*maps, acls=None, dynamic=()):
    return asa(
        "a.cfg",
        interfaces=(
            interface("outside", "198.51.100.1/24"),
            interface("inside", "10.1.0.1/16"),
        ),
        acls=acls or {"VPN": (ace("10.1.0.0/16", "10.2.0.0/16"),)},
        maps=maps,
        dynamic=dynamic,
    )


def _branch(*maps, dynamic=(), standby=None):
    return asa(
        "b.cfg",
        interfaces=(
            interface(
                "outside", "203.0.113.2/24", standby=standby, path="b.cfg"
            ),
            interface("inside", "10.2.0.1/16", path="b.cfg"),
        ),
        acls={"VPN": (ace("10.2.0.0/16", "10.1.0.0/16", path="b.cfg"),)},
        maps=maps,
        dynamic=dynamic,
    )


def _pair(first, second):
    return pair_devices(DeviceIndex(first, 0), DeviceIndex(second, 1))


def _summary(pairing):
    return [
        (leg.initiator.path, leg.entry.label, str(leg.peer), leg.fault)
        for leg in pairing.legs
    ]


def test_entries_naming_each_other_make_one_leg_each_way():
    hq = _hq(entry(10, peers=("203.0.113.2",)))
    branch = _branch(entry(10, peers=("198.51.100.1",), path="b.cfg"))

    pairing = _pair(hq, branch)

    assert _summary(pairing) == [
        ("a.cfg", "outside_map 10", "203.0.113.2", None),
        ("b.cfg", "outside_map 10", "198.51.100.1", None),
    ]
    assert pairing.legs[0].responder_interface.nameif == "outside"
    assert pairing.strangers == ()


def test_standby_address_is_a_leg_with_its_fault():
    hq = _hq(entry(10, peers=("203.0.113.3",)))
    branch = _branch(standby="203.0.113.3")

    pairing = _pair(hq, branch)

    assert _summary(pairing) == [
        ("a.cfg", "outside_map 10", "203.0.113.3", STANDBY)
    ]


def test_entry_for_the_peers_networks_with_a_wrong_address():
    hq = _hq(entry(10, peers=("203.0.113.9",)))

    pairing = _pair(hq, _branch())

    assert _summary(pairing) == [
        ("a.cfg", "outside_map 10", "203.0.113.9", MISMATCH)
    ]
    assert pairing.strangers == ()


def test_third_party_entry_is_left_out_and_noted():
    acls = {
        "VPN": (ace("10.1.0.0/16", "10.2.0.0/16"),),
        "PARTNER": (ace("10.1.0.0/16", "172.16.0.0/24"),),
    }
    hq = _hq(
        entry(10, peers=("203.0.113.2",)),
        entry(20, peers=("192.0.2.50",), acl="PARTNER", line=60),
        acls=acls,
    )

    pairing = _pair(hq, _branch())

    assert [leg.entry.sequence for leg in pairing.legs] == [10]
    (note,) = pairing.strangers
    assert (note.rule, note.name, note.level.value) == (
        "ASA404",
        "peer-not-in-pair",
        "note",
    )
    assert (note.path, note.line) == ("a.cfg", 60)
    assert note.key == "ASA404|a|192.0.2.50|outside_map 20"


def test_any_destination_claims_nobody():
    acls = {"VPN": (ace("10.1.0.0/16", "0.0.0.0/0"),)}
    hq = _hq(entry(10, peers=("192.0.2.50",)), acls=acls)

    pairing = _pair(hq, _branch())

    assert pairing.legs == ()
    assert len(pairing.strangers) == 1


def test_later_peer_of_the_pair_is_tried_after_an_earlier_one():
    hq = _hq(entry(10, peers=("192.0.2.50", "203.0.113.2")))

    pairing = _pair(hq, _branch())

    (leg,) = pairing.legs
    assert leg.peer == IPv4Address("203.0.113.2")
    assert leg.earlier_peers == (IPv4Address("192.0.2.50"),)
    assert [note.properties["peer"] for note in pairing.strangers] == [
        "192.0.2.50"
    ]


def test_dynamic_only_responder_gets_a_leg_that_starts_at_its_dynamic_entry():
    hq = _hq(entry(10, peers=("203.0.113.2",)))
    dynamic = entry(
        10, acl=None, map_name="DYN", dynamic=True, path="b.cfg", line=70
    )
    branch = _branch(
        entry(65535, acl=None, dynamic_map="DYN", path="b.cfg", line=71),
        dynamic=(dynamic,),
    )

    pairing = _pair(hq, branch)

    assert _summary(pairing) == [
        ("a.cfg", "outside_map 10", "203.0.113.2", None),
        ("b.cfg", "DYN 10", "198.51.100.1", None),
    ]
    reverse = pairing.legs[1]
    assert reverse.initiator_interface.nameif == "outside"
    assert reverse.responder_interface.nameif == "outside"


def test_no_dynamic_leg_when_the_responder_has_a_static_entry_too():
    hq = _hq(entry(10, peers=("203.0.113.2",)))
    dynamic = entry(10, acl=None, map_name="DYN", dynamic=True, path="b.cfg")
    branch = _branch(
        entry(10, peers=("198.51.100.1",), path="b.cfg"),
        entry(65535, acl=None, dynamic_map="DYN", path="b.cfg"),
        dynamic=(dynamic,),
    )

    pairing = _pair(hq, branch)

    assert [leg.entry.label for leg in pairing.legs] == [
        "outside_map 10",
        "outside_map 10",
    ]


def test_host_name_peer_is_taken_to_resolve_to_the_only_vpn_address():
    hostname_entry = entry(10).model_copy(
        update={"peer_hostnames": ("branch.example.net",)}
    )
    branch = _branch(entry(10, peers=("198.51.100.1",), path="b.cfg"))

    pairing = _pair(_hq(hostname_entry), branch)

    first = pairing.legs[0]
    assert (first.peer, first.hostname) == (
        IPv4Address("203.0.113.2"),
        "branch.example.net",
    )
    assert first.responder_interface.nameif == "outside"
