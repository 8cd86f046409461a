"""Configs and models for the pairing and simulation tests.

A working pair of configs per platform, written out here as text: a
test breaks one line with `edit` and asserts what the simulation makes
of it. `line_of` finds the line a finding must cite, so a test never
hard-codes a number it did not write. Small model builders serve the
unit tests of address sets and pairing.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path

from asalint.model import (
    AclEntry,
    CryptoMapBinding,
    CryptoMapEntry,
    Device,
    Era,
    Interface,
    Origin,
    Platform,
    Route,
)
from asalint.results import PairResult, Tunnel

HQ_ADDRESS = "198.51.100.1"
BRANCH_ADDRESS = "203.0.113.2"

# hq: ASA 9.8, 10.1.0.0/16 behind it, peer 203.0.113.2.
HQ = """\
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
object network HQ-LAN
 subnet 10.1.0.0 255.255.0.0
object network BRANCH-LAN
 subnet 10.2.0.0 255.255.0.0
access-list BRANCH-VPN extended permit ip 10.1.0.0 255.255.0.0 \
10.2.0.0 255.255.0.0
nat (inside,outside) source static HQ-LAN HQ-LAN \
destination static BRANCH-LAN BRANCH-LAN no-proxy-arp route-lookup
object network HQ-LAN
 nat (inside,outside) dynamic interface
route outside 0.0.0.0 0.0.0.0 198.51.100.254 1
crypto ipsec ikev1 transform-set AES256-SHA esp-aes-256 esp-sha-hmac
crypto map outside_map 10 match address BRANCH-VPN
crypto map outside_map 10 set peer 203.0.113.2
crypto map outside_map 10 set ikev1 transform-set AES256-SHA
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
 ikev1 pre-shared-key Example-Key-1
"""

# branch: ASA 9.12, the mirror image of hq.
BRANCH = """\
ASA Version 9.12(4)
hostname branch
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 203.0.113.2 255.255.255.0
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.2.0.1 255.255.0.0
object network BRANCH-LAN
 subnet 10.2.0.0 255.255.0.0
object network HQ-LAN
 subnet 10.1.0.0 255.255.0.0
access-list HQ-VPN extended permit ip 10.2.0.0 255.255.0.0 10.1.0.0 255.255.0.0
nat (inside,outside) source static BRANCH-LAN BRANCH-LAN \
destination static HQ-LAN HQ-LAN no-proxy-arp route-lookup
object network BRANCH-LAN
 nat (inside,outside) dynamic interface
route outside 0.0.0.0 0.0.0.0 203.0.113.254 1
crypto ipsec ikev1 transform-set AES256-SHA esp-aes-256 esp-sha-hmac
crypto map outside_map 10 match address HQ-VPN
crypto map outside_map 10 set peer 198.51.100.1
crypto map outside_map 10 set ikev1 transform-set AES256-SHA
crypto map outside_map interface outside
crypto ikev1 enable outside
crypto ikev1 policy 10
 authentication pre-share
 encryption aes-256
 hash sha
 group 14
 lifetime 86400
tunnel-group 198.51.100.1 type ipsec-l2l
tunnel-group 198.51.100.1 ipsec-attributes
 ikev1 pre-shared-key Example-Key-1
"""

# branch as an IOS router, the mirror image of hq.
BRANCH_IOS = """\
version 15.4
hostname branch-rtr
!
crypto isakmp policy 10
 encr aes 256
 hash sha
 authentication pre-share
 group 14
crypto isakmp key Example-Key-1 address 198.51.100.1
!
crypto ipsec transform-set AES256-SHA esp-aes 256 esp-sha-hmac
 mode tunnel
!
crypto map CMAP 10 ipsec-isakmp
 set peer 198.51.100.1
 set transform-set AES256-SHA
 match address HQ-VPN
!
interface GigabitEthernet0/0
 ip address 203.0.113.2 255.255.255.0
 ip nat outside
 crypto map CMAP
!
interface GigabitEthernet0/1
 ip address 10.2.0.1 255.255.0.0
 ip nat inside
!
ip nat inside source list NAT interface GigabitEthernet0/0 overload
ip route 0.0.0.0 0.0.0.0 203.0.113.254
!
ip access-list extended HQ-VPN
 permit ip 10.2.0.0 0.0.255.255 10.1.0.0 0.0.255.255
ip access-list extended NAT
 deny ip 10.2.0.0 0.0.255.255 10.1.0.0 0.0.255.255
 permit ip 10.2.0.0 0.0.255.255 any
!
end
"""

# branch as a PIX 6.3: one-line `isakmp policy`, `isakmp key ... netmask`,
# `nat 0` exemption. PIX 6 has no DH group 14: pair it with `hq_group5`.
BRANCH_PIX6 = """\
PIX Version 6.3(5)
nameif ethernet0 outside security0
nameif ethernet1 inside security100
hostname branch-pix
access-list HQ-VPN permit ip 10.2.0.0 255.255.0.0 10.1.0.0 255.255.0.0
access-list NONAT permit ip 10.2.0.0 255.255.0.0 10.1.0.0 255.255.0.0
ip address outside 203.0.113.2 255.255.255.0
ip address inside 10.2.0.1 255.255.0.0
global (outside) 1 interface
nat (inside) 0 access-list NONAT
nat (inside) 1 0.0.0.0 0.0.0.0 0 0
route outside 0.0.0.0 0.0.0.0 203.0.113.254 1
sysopt connection permit-ipsec
crypto ipsec transform-set AES256-SHA esp-aes-256 esp-sha-hmac
crypto map CMAP 10 ipsec-isakmp
crypto map CMAP 10 match address HQ-VPN
crypto map CMAP 10 set peer 198.51.100.1
crypto map CMAP 10 set transform-set AES256-SHA
crypto map CMAP interface outside
isakmp enable outside
isakmp key Example-Key-1 address 198.51.100.1 netmask 255.255.255.255 no-xauth
isakmp identity address
isakmp policy 10 authentication pre-share
isakmp policy 10 encryption aes-256
isakmp policy 10 hash sha
isakmp policy 10 group 5
isakmp policy 10 lifetime 86400
"""

_V1_TO_V2 = (
    (
        "crypto ipsec ikev1 transform-set AES256-SHA esp-aes-256 esp-sha-hmac",
        (
            "crypto ipsec ikev2 ipsec-proposal AES256\n"
            " protocol esp encryption aes-256\n"
            " protocol esp integrity sha-256"
        ),
    ),
    (
        "set ikev1 transform-set AES256-SHA",
        "set ikev2 ipsec-proposal AES256",
    ),
    ("crypto ikev1 enable outside", "crypto ikev2 enable outside"),
    (
        (
            "crypto ikev1 policy 10\n authentication pre-share\n"
            " encryption aes-256\n hash sha\n group 14\n lifetime 86400"
        ),
        (
            "crypto ikev2 policy 10\n encryption aes-256\n integrity sha256\n"
            " group 14\n prf sha256\n lifetime seconds 86400"
        ),
    ),
    (
        " ikev1 pre-shared-key Example-Key-1",
        (
            " ikev2 remote-authentication pre-shared-key Example-Key-2\n"
            " ikev2 local-authentication pre-shared-key Example-Key-2"
        ),
    ),
)


def ikev2(text: str) -> str:
    """An ASA 9.x config of HQ's or BRANCH's shape, moved to IKEv2."""
    for old, new in _V1_TO_V2:
        assert old in text, old
        text = text.replace(old, new)
    return text


# branch as an IOS router speaking IKEv2 to hq.
BRANCH_IOS_V2 = """\
version 15.4
hostname branch-rtr
crypto ikev2 proposal AES256
 encryption aes-cbc-256
 integrity sha256
 group 14
crypto ikev2 policy POLICY
 proposal AES256
crypto ikev2 keyring KEYS
 peer HQ
  address 198.51.100.1
  pre-shared-key Example-Key-2
crypto ikev2 profile HQ
 match identity remote address 198.51.100.1 255.255.255.255
 authentication remote pre-share
 authentication local pre-share
 keyring local KEYS
crypto ipsec transform-set AES256-SHA256 esp-aes 256 esp-sha256-hmac
 mode tunnel
crypto map VPN 10 ipsec-isakmp
 set peer 198.51.100.1
 set transform-set AES256-SHA256
 set ikev2-profile HQ
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


def hq_group5() -> str:
    return edit(HQ, "group 14", " group 5")


def edit(text: str, old: str, new: str) -> str:
    """`text` with the one line holding `old` replaced by `new` (or
    removed when `new` is empty)."""
    lines = text.splitlines()
    found = [n for n, line in enumerate(lines) if old in line]
    assert len(found) == 1, f"{old!r} is on {len(found)} lines"
    if new:
        lines[found[0]] = new
    else:
        del lines[found[0]]
    return "\n".join(lines) + "\n"


def add(text: str, after: str, *new: str) -> str:
    """`text` with `new` lines inserted after the line holding `after`."""
    lines = text.splitlines()
    found = [n for n, line in enumerate(lines) if after in line]
    assert len(found) == 1, f"{after!r} is on {len(found)} lines"
    lines[found[0] + 1 : found[0] + 1] = list(new)
    return "\n".join(lines) + "\n"


def line_of(text: str, fragment: str) -> int:
    """The 1-based number of the one line holding `fragment`."""
    found = [
        number
        for number, line in enumerate(text.splitlines(), 1)
        if fragment in line
    ]
    assert len(found) == 1, f"{fragment!r} is on {len(found)} lines"
    return found[0]


def simulate(tmp_path: Path, first: str, second: str) -> PairResult:
    """Write both configs, parse them and pair them."""
    from asalint.api import load_device, pair

    (tmp_path / "a.cfg").write_text(first)
    (tmp_path / "b.cfg").write_text(second)
    return pair(
        load_device(str(tmp_path / "a.cfg")),
        load_device(str(tmp_path / "b.cfg")),
    )


def direction(result: PairResult, initiator: str) -> Tunnel:
    """The one tunnel that `initiator` ("a" or "b") starts."""
    found = [
        tunnel
        for tunnel in result.tunnels
        if Path(tunnel.initiator).name == f"{initiator}.cfg"
    ]
    assert len(found) == 1, [t.crypto_map for t in result.tunnels]
    return found[0]


def states(tunnel: Tunnel) -> tuple:
    predicted = tunnel.predicted
    return (
        predicted.initiator_state,
        predicted.responder_state,
        predicted.stage.value,
        predicted.cause,
    )


def rules_at(result: PairResult, rule: str) -> set[tuple[str, int | None]]:
    return {
        (Path(found.path).name, found.line)
        for found in result.findings
        if found.rule == rule
    }


# --- models, for unit tests --------------------------------------------------


def origin(path: str, line: int, text: str = "x") -> Origin:
    return Origin(path=path, line=line, text=text)


def net(text: str) -> IPv4Network:
    return IPv4Network(text)


def ace(
    source: str | tuple[str, ...],
    destination: str | tuple[str, ...],
    *,
    action: str = "permit",
    protocol: str = "ip",
    acl: str = "VPN",
    line: int = 1,
    path: str = "a.cfg",
    destination_port: str | None = None,
) -> AclEntry:
    sources = (source,) if isinstance(source, str) else source
    destinations = (
        (destination,) if isinstance(destination, str) else destination
    )
    return AclEntry(
        acl=acl,
        action=action,
        protocol=protocol,
        source=tuple(net(text) for text in sources),
        destination=tuple(net(text) for text in destinations),
        destination_port=destination_port,
        origin=origin(path, line),
    )


def interface(
    nameif: str,
    address: str,
    *,
    standby: str | None = None,
    hardware: str | None = None,
    path: str = "a.cfg",
    line: int = 1,
) -> Interface:
    return Interface(
        hardware=hardware or f"GigabitEthernet0/{nameif}",
        nameif=nameif,
        address=IPv4Interface(address),
        standby=IPv4Address(standby) if standby else None,
        origin=origin(path, line),
    )


def entry(
    sequence: int,
    *,
    peers: tuple[str, ...] = (),
    acl: str | None = "VPN",
    path: str = "a.cfg",
    line: int = 50,
    map_name: str = "outside_map",
    dynamic_map: str | None = None,
    dynamic: bool = False,
    ikev2: bool = False,
) -> CryptoMapEntry:
    return CryptoMapEntry(
        map=map_name,
        sequence=sequence,
        dynamic=dynamic,
        dynamic_map=dynamic_map,
        acl=acl,
        peers=tuple(IPv4Address(peer) for peer in peers),
        transform_sets=() if ikev2 else ("TS",),
        ikev2_proposals=("P",) if ikev2 else (),
        origin=origin(path, line),
    )


def asa(
    path: str,
    *,
    interfaces: tuple[Interface, ...],
    acls: dict[str, tuple[AclEntry, ...]] | None = None,
    maps: tuple[CryptoMapEntry, ...] = (),
    dynamic: tuple[CryptoMapEntry, ...] = (),
    routes: tuple[Route, ...] = (),
    hostname: str | None = None,
) -> Device:
    """An ASA 9.x device with its crypto maps bound to `outside`."""
    names = {entry.map for entry in maps}
    return Device(
        path=path,
        hostname=hostname or path.removesuffix(".cfg"),
        platform=Platform.ASA,
        version="9.8(4)",
        era=Era.ASA84,
        interfaces=interfaces,
        acls=acls or {},
        crypto_maps=maps,
        dynamic_maps=dynamic,
        routes=routes,
        bindings=tuple(
            CryptoMapBinding(
                map=name, interface="outside", origin=origin(path, 90)
            )
            for name in sorted(names)
        ),
    )


def route(interface_name: str, network: str, gateway: str) -> Route:
    return Route(
        interface=interface_name,
        network=net(network),
        gateway=IPv4Address(gateway),
        origin=origin("a.cfg", 80),
    )
