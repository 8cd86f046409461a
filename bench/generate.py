"""Realistic ASA 9.x running-configs of a given size, for the benchmarks.

A generated config reads like `more system:running-config` of a hub
firewall in a failover pair: interfaces with standby addresses, names,
network objects and nested object-groups, interface and crypto ACLs, twice
NAT exemptions and object NAT, routes, IKEv1 policies, transform sets, one
crypto map with a tunnel to each of many third parties, and a tunnel-group
with a plain pre-shared key for each peer.

Pair mode gives two configs with one tunnel between them (mirrored ACLs,
the same key, NAT exemption on both sides); every other tunnel goes to a
third party whose networks belong to neither device. Output depends only
on the arguments: every random choice comes from a seeded generator.

Addresses: the sites' outside subnets and the third-party peers come from
198.18.0.0/15, which RFC 2544 sets aside for benchmarks; site N's inside
networks are 10.N.0.0/16; third-party networks are /27s of 172.16.0.0/12.

    python bench/generate.py --lines 20000 -o hq.cfg
    python bench/generate.py --pair --lines 20000 -o pair/
    python bench/generate.py --repo 100 --lines 5000 -o repo/
"""

from __future__ import annotations

import argparse
import itertools
import random
import string
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

SITE_OUTSIDE = IPv4Network("198.18.0.0/16")
THIRD_PARTY_PEERS = IPv4Network("198.19.0.0/16")
THIRD_PARTY_NETS = IPv4Network("172.16.0.0/12")

# Each third party owns four consecutive /27s of THIRD_PARTY_NETS, so no
# two tunnels of one device protect overlapping networks.
THIRD_PARTY_COUNT = 2**20 // 32 // 4
MAX_SITE = 250
MAX_VLANS = 100

CRYPTO_MAP = "outside_map"
GROUP_POLICY = "GP-L2L"
TRANSFORM_SETS = {
    "ESP-AES-256-SHA": "esp-aes-256 esp-sha-hmac",
    "ESP-AES-128-SHA": "esp-aes esp-sha-hmac",
    "ESP-AES-192-SHA": "esp-aes-192 esp-sha-hmac",
    "ESP-3DES-SHA": "esp-3des esp-sha-hmac",
    "ESP-3DES-MD5": "esp-3des esp-md5-hmac",
}
# (priority, encryption, hash, group): the usual ladder from strong to
# legacy that a hub keeps so that old partners still match a policy.
IKEV1_POLICIES = (
    (10, "aes-256", "sha", 14),
    (20, "aes-256", "sha", 5),
    (30, "aes-192", "sha", 5),
    (40, "aes", "sha", 2),
    (50, "3des", "sha", 2),
    (60, "3des", "md5", 2),
)
LINK_TRANSFORM_SET = "ESP-AES-256-SHA"
DEFAULT_KEEP = "threshold 10 retry 2"
KEY_ALPHABET = string.ascii_letters + string.digits + "%+-.=@_"

# Show-run order of the sections a builder fills.
SECTIONS = (
    "header", "names", "interfaces", "dns", "objects", "groups",
    "acl_outside", "acl_inside", "acl_crypto", "logging", "twice_nat",
    "object_nat", "routing", "management", "transform_sets",
    "crypto_map", "crypto_tail", "ike", "services", "group_policies",
    "tunnel_groups", "inspection", "trailer",
)


@dataclass(frozen=True)
class Site:
    """One firewall pair: its number decides every address it owns."""

    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= MAX_SITE:
            raise ValueError(f"site number must be 1..{MAX_SITE}")

    @property
    def hostname(self) -> str:
        return f"fw-site{self.number:03d}"

    @property
    def outside_subnet(self) -> IPv4Network:
        base = SITE_OUTSIDE.network_address + 8 * self.number
        return IPv4Network((base, 29))

    @property
    def outside_gateway(self) -> IPv4Address:
        return self.outside_subnet.network_address + 1

    @property
    def outside_address(self) -> IPv4Address:
        return self.outside_subnet.network_address + 2

    @property
    def outside_standby(self) -> IPv4Address:
        return self.outside_subnet.network_address + 3

    def inside(self, third: int, fourth: int = 0) -> IPv4Address:
        return IPv4Address(f"10.{self.number}.{third}.{fourth}")

    @property
    def inside_subnet(self) -> IPv4Network:
        return IPv4Network((self.inside(1), 24))

    @property
    def routed_lan(self) -> IPv4Network:
        """Networks behind the core router on the inside interface."""
        return IPv4Network((self.inside(128), 17))

    @property
    def vpn_networks(self) -> tuple[IPv4Network, ...]:
        """What the site offers every VPN partner, the pair's peer too."""
        return (self.inside_subnet, self.routed_lan)


@dataclass(frozen=True)
class Link:
    """The one tunnel between the two devices of a pair."""

    local: Site
    remote: Site
    key: str


def third_party_peer(party: int) -> IPv4Address:
    # 250 peers per /24 keeps .0 and .255 out of the peer addresses.
    high, low = divmod(party, 250)
    return THIRD_PARTY_PEERS.network_address + 256 * high + low + 1


def third_party_networks(party: int, count: int) -> list[IPv4Network]:
    first = THIRD_PARTY_NETS.network_address + party * 4 * 32
    return [IPv4Network((first + 32 * index, 27)) for index in range(count)]


def new_key(rng: random.Random) -> str:
    return "".join(rng.choices(KEY_ALPHABET, k=rng.randint(16, 28)))


def dotted(network: IPv4Network) -> str:
    return f"{network.network_address} {network.netmask}"


# --- the builder -------------------------------------------------------------


class Builder:
    """Lines per show-run section, and how many there are in all."""

    def __init__(self) -> None:
        self.sections: dict[str, list[str]] = {name: [] for name in SECTIONS}
        self.size = 0

    def add(self, section: str, *lines: str) -> None:
        self.sections[section].extend(lines)
        self.size += len(lines)

    def commit(self, block: list[tuple[str, str]]) -> None:
        for section, line in block:
            self.add(section, line)

    def text(self) -> str:
        lines = (line for name in SECTIONS for line in self.sections[name])
        return "\n".join(lines) + "\n"


class Block:
    """Lines for several sections, committed together or not at all."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def add(self, section: str, *lines: str) -> None:
        self.lines.extend((section, line) for line in lines)

    def __len__(self) -> int:
        return len(self.lines)


# --- one device --------------------------------------------------------------


class DeviceWriter:
    """Writes one site's config, growing it round by round to size."""

    def __init__(self, site: Site, seed: int, link: Link | None) -> None:
        self.site = site
        self.link = link
        self.rng = random.Random(f"asalint-bench:{seed}:{site.number}")
        self.builder = Builder()
        self.first_party = self.rng.randrange(THIRD_PARTY_COUNT)
        self.names = 0

    def write(self, lines: int) -> str:
        self.fixed_sections()
        link = self.link
        reserve = self.link_size()
        link_at = self.rng.randint(1, max(1, lines // 120))
        for round_number in itertools.count(1):
            block = self.round(round_number)
            if self.builder.size + len(block) + reserve > lines:
                break
            self.builder.commit(block.lines)
            if link is not None and round_number >= link_at:
                self.builder.commit(self.link_round(link, round_number).lines)
                link, reserve = None, 0
        if link is not None:
            self.builder.commit(self.link_round(link, 0).lines)
        self.pad(lines)
        return self.builder.text()

    def pad(self, lines: int) -> None:
        if self.builder.size > lines:
            raise ValueError(
                f"{lines} lines is too small: a config needs at least "
                f"{self.builder.size}"
            )
        while self.builder.size < lines:
            self.builder.add("names", self.name_line())

    def name_line(self) -> str:
        self.names += 1
        third, fourth = divmod(self.names, 250)
        address = self.site.inside(64 + third % 64, fourth + 1)
        return f"name {address} host-{self.names:05d} description inventory"

    # --- sections every config has -------------------------------------------

    def fixed_sections(self) -> None:
        self.header()
        self.interfaces()
        self.dns()
        self.local_groups()
        self.logging()
        self.routing()
        self.management()
        self.crypto()
        self.services()
        self.inspection()

    def header(self) -> None:
        serial = "".join(self.rng.choices(string.ascii_uppercase, k=11))
        self.builder.add(
            "header",
            ": Saved",
            ":",
            f": Serial Number: {serial}",
            ": Hardware:   ASA5545, 12288 MB RAM, CPU Lynnfield 2793 MHz,"
            " 1 CPU (8 cores)",
            ":",
            "ASA Version 9.8(4)32",
            "!",
            f"hostname {self.site.hostname}",
            f"domain-name site{self.site.number:03d}.example.net",
            "names",
            "no mac-address auto",
        )

    def interfaces(self) -> None:
        site = self.site
        self.interface(
            "GigabitEthernet0/0", "outside", 0, "WAN uplink",
            site.outside_address, site.outside_subnet.netmask,
            site.outside_standby,
        )
        self.interface(
            "GigabitEthernet0/1", "inside", 100, "core switch",
            site.inside(1, 1), IPv4Address("255.255.255.0"),
            site.inside(1, 2),
        )
        self.builder.add(
            "interfaces",
            "interface GigabitEthernet0/2",
            " description LAN Failover Interface",
            "!",
            "interface GigabitEthernet0/3",
            " no nameif",
            " no security-level",
            " no ip address",
            "!",
        )
        self.interface(
            "Management0/0", "management", 100, "out of band",
            site.inside(0, 1), IPv4Address("255.255.255.0"),
            site.inside(0, 2),
        )

    def interface(
        self,
        hardware: str,
        nameif: str,
        level: int,
        description: str,
        address: IPv4Address,
        mask: IPv4Address,
        standby: IPv4Address,
    ) -> None:
        self.builder.add(
            "interfaces",
            f"interface {hardware}",
            f" description {description}",
            f" nameif {nameif}",
            f" security-level {level}",
            f" ip address {address} {mask} standby {standby}",
            "!",
        )
        self.builder.add("logging", f"mtu {nameif} 1500")

    def dns(self) -> None:
        site = self.site
        self.builder.add(
            "dns",
            "ftp mode passive",
            "clock timezone CET 1",
            "dns domain-lookup inside",
            "dns server-group DefaultDNS",
            f" name-server {site.inside(1, 53)}",
            f" domain-name site{site.number:03d}.example.net",
            "same-security-traffic permit inter-interface",
            "same-security-traffic permit intra-interface",
            "object-group service WEB-PORTS tcp",
            " port-object eq www",
            " port-object eq https",
            " port-object eq 8443",
        )

    def local_groups(self) -> None:
        # Group 0 is everything the site offers; the others are the
        # slices a partner usually gets.
        slices = list(self.site.routed_lan.subnets(new_prefix=19))[:3]
        groups = [list(self.site.vpn_networks)] + [[net] for net in slices]
        for index, members in enumerate(groups):
            self.builder.add(
                "groups",
                f"object-group network VPN-LOCAL-{index}",
                " description networks offered to VPN partners",
                *(f" network-object {dotted(net)}" for net in members),
            )
        self.builder.add(
            "object_nat",
            "object network obj_any",
            " nat (any,outside) dynamic interface",
        )
        self.builder.add(
            "objects", "object network obj_any", " subnet 0.0.0.0 0.0.0.0"
        )

    def logging(self) -> None:
        self.builder.add(
            "logging",
            "pager lines 24",
            "logging enable",
            "logging timestamp",
            "logging buffered informational",
            "logging trap notifications",
            f"logging host inside {self.site.inside(1, 60)}",
            "failover",
            "failover lan unit primary",
            "failover lan interface FOLINK GigabitEthernet0/2",
            "failover link FOLINK GigabitEthernet0/2",
            "failover interface ip FOLINK 169.254.255.1 255.255.255.252"
            " standby 169.254.255.2",
            "icmp unreachable rate-limit 1 burst-size 1",
            "no asdm history enable",
            "arp timeout 14400",
            "no arp permit-nonconnected",
        )

    def routing(self) -> None:
        site = self.site
        self.builder.add(
            "routing",
            "access-group outside_access_in in interface outside",
            "access-group inside_access_in in interface inside",
            f"route outside 0.0.0.0 0.0.0.0 {site.outside_gateway} 1",
            f"route inside {dotted(site.routed_lan)} {site.inside(1, 254)} 1",
        )

    def management(self) -> None:
        site = self.site
        self.builder.add(
            "management",
            "timeout xlate 3:00:00",
            "timeout pat-xlate 0:00:30",
            "timeout conn 1:00:00 half-closed 0:10:00 udp 0:02:00"
            " icmp 0:00:02",
            "user-identity default-domain LOCAL",
            "aaa authentication ssh console LOCAL",
            "http server enable",
            f"http {site.inside(0)} 255.255.255.0 management",
            "no snmp-server location",
            "no snmp-server contact",
        )
        self.builder.add(
            "services",
            "telnet timeout 5",
            f"ssh {site.inside(0)} 255.255.255.0 management",
            "ssh timeout 30",
            "ssh version 2",
            "console timeout 0",
            "threat-detection basic-threat",
            "threat-detection statistics access-list",
            f"ntp server {site.inside(1, 123)} source inside",
            "dynamic-access-policy-record DfltAccessPolicy",
        )

    def crypto(self) -> None:
        for name, transforms in TRANSFORM_SETS.items():
            self.builder.add(
                "transform_sets",
                f"crypto ipsec ikev1 transform-set {name} {transforms}",
            )
        self.builder.add(
            "transform_sets",
            "crypto ipsec security-association pmtu-aging infinite",
        )
        self.builder.add(
            "crypto_tail",
            f"crypto map {CRYPTO_MAP} interface outside",
            "crypto ca trustpool policy",
            "crypto ikev1 enable outside",
        )
        for priority, encryption, hash_, group in IKEV1_POLICIES:
            self.builder.add(
                "ike",
                f"crypto ikev1 policy {priority}",
                " authentication pre-share",
                f" encryption {encryption}",
                f" hash {hash_}",
                f" group {group}",
                " lifetime 86400",
            )

    def services(self) -> None:
        self.builder.add(
            "group_policies",
            f"group-policy {GROUP_POLICY} internal",
            f"group-policy {GROUP_POLICY} attributes",
            " vpn-idle-timeout 30",
            " vpn-tunnel-protocol ikev1",
        )

    def inspection(self) -> None:
        inspects = ("dns preset_dns_map", "ftp", "h323 h225", "icmp",
                    "netbios", "rsh", "sqlnet", "sunrpc", "tftp", "xdmcp")
        checksum = "".join(self.rng.choices("0123456789abcdef", k=32))
        self.builder.add(
            "inspection",
            "!",
            "class-map inspection_default",
            " match default-inspection-traffic",
            "!",
            "policy-map type inspect dns preset_dns_map",
            " parameters",
            "  message-length maximum client auto",
            "  message-length maximum 512",
            "policy-map global_policy",
            " class inspection_default",
            *(f"  inspect {name}" for name in inspects),
            "!",
            "service-policy global_policy global",
            "prompt hostname context",
            "no call-home reporting anonymous",
        )
        self.builder.add("trailer", f"Cryptochecksum:{checksum}", ": end")

    # --- what grows with the size ------------------------------------------

    def round(self, number: int) -> Block:
        """Objects, ACL entries, a route, a name and a third-party tunnel.

        Rounds are built before the builder knows whether they fit; the
        random generator is only advanced here, so a round that does not
        fit leaves the output unchanged up to it.
        """
        block = Block()
        self.servers(block, number)
        self.app_group(block, number)
        self.inside_rules(block, number)
        if number % 40 == 0 and number // 40 <= MAX_VLANS:
            self.vlan(block, number // 40)
        if number <= THIRD_PARTY_COUNT:
            self.third_party(block, number)
        return block

    def servers(self, block: Block, number: int) -> None:
        site = self.site
        host = site.inside(128 + (number // 250) % 128, number % 250 + 1)
        block.add(
            "objects",
            f"object network SRV-{number:05d}",
            f" host {host}",
            f" description application server {number}",
        )
        users = IPv4Network((site.inside(128 + number % 128), 24))
        block.add(
            "objects", f"object network NET-{number:05d}",
            f" subnet {dotted(users)}",
        )
        if number % 3 == 0:
            block.add(
                "object_nat", f"object network NET-{number:05d}",
                " nat (inside,outside) dynamic interface",
            )
        block.add("names", self.name_line())

    def app_group(self, block: Block, number: int) -> None:
        # Every eighth group is a base that the next seven nest, the
        # depth real rule bases show (group-object two levels deep).
        base = number - number % 8
        lines = [
            f"object-group network APP-{number:05d}",
            f" description application {number}",
            f" network-object object SRV-{number:05d}",
            f" network-object object NET-{number:05d}",
        ]
        if base and base != number:
            lines.append(f" group-object APP-{base:05d}")
        block.add("groups", *lines)

    def inside_rules(self, block: Block, number: int) -> None:
        host = f"host-{self.names:05d}"
        port = self.rng.choice(("https", "ssh", "ldaps", "8080", "sqlnet"))
        block.add(
            "acl_inside",
            f"access-list inside_access_in remark application {number}",
            "access-list inside_access_in extended permit tcp"
            f" object-group APP-{number:05d} object SRV-{number:05d}"
            " object-group WEB-PORTS",
            f"access-list inside_access_in extended permit tcp"
            f" object NET-{number:05d} host {host} eq {port}",
        )
        if number % 5 == 0:
            block.add(
                "routing",
                f"route inside {self.site.inside(64 + number % 64)}"
                f" 255.255.255.0 {self.site.inside(1, 254)} 1",
            )

    def vlan(self, block: Block, vlan_index: int) -> None:
        vlan = 1 + vlan_index
        nameif = f"vlan{vlan}"
        block.add(
            "interfaces",
            f"interface GigabitEthernet0/3.{vlan}",
            f" vlan {vlan}",
            f" nameif {nameif}",
            " security-level 50",
            f" ip address {self.site.inside(vlan, 1)} 255.255.255.0"
            f" standby {self.site.inside(vlan, 2)}",
            "!",
        )
        block.add("logging", f"mtu {nameif} 1500")

    def third_party(self, block: Block, number: int) -> None:
        party = (self.first_party + number) % THIRD_PARTY_COUNT
        peer = third_party_peer(party)
        remote = f"TP-{party:05d}-NETS"
        networks = third_party_networks(party, self.rng.randint(1, 3))
        block.add(
            "groups",
            f"object-group network {remote}",
            *(f" network-object {dotted(net)}" for net in networks),
        )
        local = f"VPN-LOCAL-{self.rng.randrange(4)}"
        block.add(
            "acl_outside",
            "access-list outside_access_in extended permit tcp"
            f" object-group {remote} object SRV-{number:05d} eq https",
        )
        self.tunnel(block, 10 * number, peer, local, remote)

    def tunnel(
        self, block: Block, sequence: int, peer: IPv4Address,
        local: str, remote: str, link: Link | None = None,
    ) -> None:
        """ACL, NAT exemption, crypto map entry and tunnel-group.

        The pair's link takes fixed settings, the same on both sides, so
        that it comes up; a third party gets the hub's usual mix.
        """
        acl = f"outside_cryptomap_{sequence}"
        block.add(
            "acl_crypto",
            f"access-list {acl} extended permit ip object-group {local}"
            f" object-group {remote}",
        )
        block.add(
            "twice_nat",
            f"nat (inside,outside) source static {local} {local}"
            f" destination static {remote} {remote} no-proxy-arp"
            " route-lookup",
        )
        entry = f"crypto map {CRYPTO_MAP} {sequence}"
        if link is None:
            settings = self.third_party_settings()
        else:
            settings = ("group14", LINK_TRANSFORM_SET, False, DEFAULT_KEEP)
        self.map_entry(block, entry, peer, acl, *settings[:3])
        key = link.key if link is not None else new_key(self.rng)
        self.tunnel_group(block, peer, key, settings[3])

    def third_party_settings(self) -> tuple[str | None, str, bool, str]:
        """PFS group, transform set, a lifetime line?, keepalive."""
        return (
            self.rng.choice((None, None, "group2", "group5", "group14")),
            self.rng.choice(list(TRANSFORM_SETS)),
            self.rng.random() < 0.3,
            self.rng.choice((DEFAULT_KEEP, DEFAULT_KEEP, "disable")),
        )

    def map_entry(
        self, block: Block, entry: str, peer: IPv4Address, acl: str,
        pfs: str | None, transform_set: str, lifetime: bool,
    ) -> None:
        block.add("crypto_map", f"{entry} match address {acl}")
        if pfs:
            block.add("crypto_map", f"{entry} set pfs {pfs}")
        block.add(
            "crypto_map",
            f"{entry} set peer {peer}",
            f"{entry} set ikev1 transform-set {transform_set}",
        )
        if lifetime:
            block.add(
                "crypto_map",
                f"{entry} set security-association lifetime seconds 3600",
            )

    def tunnel_group(
        self, block: Block, peer: IPv4Address, key: str, keepalive: str
    ) -> None:
        block.add(
            "tunnel_groups",
            f"tunnel-group {peer} type ipsec-l2l",
            f"tunnel-group {peer} general-attributes",
            f" default-group-policy {GROUP_POLICY}",
            f"tunnel-group {peer} ipsec-attributes",
            f" ikev1 pre-shared-key {key}",
            f" isakmp keepalive {keepalive}",
        )

    # --- the pair's own tunnel ---------------------------------------------

    def link_size(self) -> int:
        """Room to keep free for the link until it is written."""
        if self.link is None:
            return 0
        return len(self.link_round(self.link, 0))

    def link_round(self, link: Link, number: int) -> Block:
        """The tunnel to the other device of the pair, mirrored there."""
        block = Block()
        remote = f"VPN-PEER-{link.remote.hostname.upper()}"
        block.add(
            "groups",
            f"object-group network {remote}",
            f" description {link.remote.hostname} networks",
            *(f" network-object {dotted(net)}"
              for net in link.remote.vpn_networks),
        )
        self.tunnel(
            block, 10 * number + 5, link.remote.outside_address,
            "VPN-LOCAL-0", remote, link,
        )
        return block


# --- the public entry points ------------------------------------------------


def generate_device(lines: int, seed: int = 0, site: int = 1) -> str:
    """One config of exactly `lines` lines, talking to third parties."""
    return DeviceWriter(Site(site), seed, None).write(lines)


def link_key(seed: int, first: Site, second: Site) -> str:
    low, high = sorted((first.number, second.number))
    return new_key(random.Random(f"asalint-bench-link:{seed}:{low}:{high}"))


def generate_pair(
    lines: int, seed: int = 0, sites: tuple[int, int] = (1, 2)
) -> tuple[str, str]:
    """Two configs of `lines` lines each, with one tunnel between them."""
    first, second = Site(sites[0]), Site(sites[1])
    key = link_key(seed, first, second)
    return (
        DeviceWriter(first, seed, Link(first, second, key)).write(lines),
        DeviceWriter(second, seed, Link(second, first, key)).write(lines),
    )


def generate_repo(devices: int, lines: int, seed: int = 0) -> list[str]:
    """`devices` configs; sites 1 and 2, 3 and 4, ... are pairs."""
    configs: list[str] = []
    for first in range(1, devices + 1, 2):
        if first + 1 <= devices:
            configs.extend(generate_pair(lines, seed, (first, first + 1)))
        else:
            configs.append(generate_device(lines, seed, first))
    return configs


def write_repo(directory: Path, devices: int, lines: int, seed: int = 0):
    """Write a repository of configs; return their paths in site order."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, text in enumerate(generate_repo(devices, lines, seed), 1):
        path = directory / f"{Site(number).hostname}.cfg"
        path.write_text(text)
        paths.append(path)
    return paths


def write_pair(directory: Path, lines: int, seed: int = 0) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / "a.cfg", directory / "b.cfg"]
    for path, text in zip(paths, generate_pair(lines, seed), strict=True):
        path.write_text(text)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--pair", action="store_true",
                      help="write a.cfg and b.cfg into the -o folder")
    mode.add_argument("--repo", type=int, metavar="DEVICES",
                      help="write DEVICES configs into the -o folder")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)

    if args.pair:
        write_pair(args.output, args.lines, args.seed)
    elif args.repo:
        write_repo(args.output, args.repo, args.lines, args.seed)
    else:
        args.output.write_text(generate_device(args.lines, args.seed))


if __name__ == "__main__":
    main()
