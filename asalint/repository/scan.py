"""The light scan: what one config says about addresses and peers.

A handful of regexes per line, and no parser library: the records of a
whole repository are read in the time the parser takes for one config.
A test holds the scan to the full parse on every fixture and corpus file
(addresses, standby addresses, peers, hostname).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network

from asalint.errors import InputError

# Lines read to tell the platform: the version line sits at the top of
# every export, and a few hundred lines hold enough syntax without it.
HEAD_LINES = 400


# --- what a scan records -----------------------------------------------------


# Plain slotted dataclasses, not pydantic models: a repository holds tens
# of thousands of peers and keys, and the cached index must load in a
# small part of the time the scan takes.


@dataclass(frozen=True, slots=True)
class Owned:
    """An address a config holds on an interface."""

    address: IPv4Address
    interface: str
    line: int
    standby: bool = False  # a failover standby address: never answers
    vpn: bool = False  # a crypto map is bound there (or local-address)


@dataclass(frozen=True, slots=True)
class Reference:
    """An address or network a config names for a VPN peer."""

    address: IPv4Address
    line: int
    kind: str  # peer | tunnel-group | key
    entry: str | None = None  # the crypto map entry: "outside_map 10"
    prefixlen: int = 32  # a key may name a network

    @property
    def network(self) -> IPv4Network:
        return IPv4Network((self.address, self.prefixlen), strict=False)

    @property
    def host(self) -> bool:
        return self.prefixlen == 32

    def covers(self, address: IPv4Address) -> bool:
        shift = 32 - self.prefixlen
        return int(address) >> shift == int(self.address) >> shift


@dataclass(frozen=True, slots=True)
class ScanRecord:
    """What the light scan read from one file."""

    path: str
    digest: str
    platform: str | None = None  # asa | pix | ios; None: skipped
    skipped: str | None = None  # why the file is not indexed
    hostname: str | None = None
    owned: tuple[Owned, ...] = ()
    references: tuple[Reference, ...] = ()
    answers_any: bool = False  # a dynamic map answers unnamed peers

    @property
    def name(self) -> str:
        return self.hostname or self.path

    @property
    def peers(self) -> tuple[Reference, ...]:
        return tuple(r for r in self.references if r.kind == "peer")

    def holds(self, address: IPv4Address) -> bool:
        return any(owned.address == address for owned in self.owned)

    def vpn_address(self) -> IPv4Address | None:
        """The active address a crypto map is bound to, first found."""
        active = [owned for owned in self.owned if not owned.standby]
        for owned in active:
            if owned.vpn:
                return owned.address
        return active[0].address if active else None


# --- the scan ------------------------------------------------------------------

_IP = r"(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})"

_HOSTNAME = re.compile(r"^hostname\s+(\S+)")
_NAME = re.compile(rf"^name {_IP} (\S+)")
_INTERFACE = re.compile(r"^interface\s+(\S+)")
_NAMEIF = re.compile(r"^\s+nameif\s+(\S+)")
_ADDRESS = re.compile(
    rf"^\s+ip address {_IP} {_IP}(?: standby {_IP})?(?: secondary)?\s*$"
)
_HSRP = re.compile(rf"^\s+standby(?:\s+\d+)?\s+ip\s+{_IP}")
_BOUND_HERE = re.compile(r"^\s+crypto map\s+(\S+)\s*$")  # IOS
_PIX6_ADDRESS = re.compile(rf"^ip address (\S+) {_IP} {_IP}")
_PIX6_STANDBY = re.compile(rf"^failover ip address (\S+) {_IP}")
_MAP_PEER = re.compile(r"^crypto map (\S+) (\d+) set peer\s+(.+)$")
_MAP_ENTRY = re.compile(r"^crypto map (\S+) (\d+) ipsec-isakmp(\s+dynamic)?")
_MAP_BIND = re.compile(r"^crypto map (\S+) interface (\S+)")
_MAP_LOCAL = re.compile(r"^crypto map (\S+) local-address (\S+)")
_CHILD_PEER = re.compile(rf"^\s+set peer {_IP}")
_TUNNEL_GROUP = re.compile(rf"^tunnel-group {_IP} type ")
# The key may be a placeholder of several words (`<secret hidden>`).
_KEY = r"(?:<[^>]*>|\S+)"
_ISAKMP_KEY = re.compile(
    rf"^(?:crypto\s+)?isakmp\s+key\s+(?:[0-9]\s+)?{_KEY}\s+address\s+{_IP}"
    rf"(?:\s+(?:netmask\s+)?{_IP})?"
)
_KEYRING_KEY = re.compile(
    rf"^\s+pre-shared-key\s+address\s+{_IP}(?:\s+{_IP})?\s+key"
)
_KEYRING_PEER = re.compile(rf"^\s+address\s+{_IP}(?:\s+{_IP})?\s*$")
_PROFILE_MATCH = re.compile(
    rf"^\s+match identity (?:remote )?address {_IP}(?:\s+{_IP})?"
)

_TOP_PREFIXES = (
    "hostname", "name ", "interface", "ip address", "failover ip", "crypto",
    "tunnel-group", "isakmp",
)


@dataclass
class _Interface:
    hardware: str
    line: int
    nameif: str | None = None
    addresses: list[tuple[IPv4Address, int, bool]] = field(
        default_factory=list
    )
    bound: bool = False


@dataclass
class _Scan:
    """The scan's working state, line by line."""

    hostname: str | None = None
    interfaces: dict[str, _Interface] = field(default_factory=dict)
    references: list[Reference] = field(default_factory=list)
    # ASA `set peer` lines per entry: a later line replaces the earlier.
    map_peers: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # `name A N`
    bound_names: set[str] = field(default_factory=set)
    answers_any: bool = False
    block: str = ""  # the kind of the current top-level block
    current: _Interface | None = None
    entry: str | None = None  # IOS: the crypto map entry being read


def scan_lines(lines: Iterable[str]) -> _Scan:
    """Read hostname, addresses, peers and bindings from config lines."""
    scan = _Scan()
    for number, line in enumerate(lines, start=1):
        if not line or line[0] in "!:":
            continue
        if line[0] == " ":
            _child(scan, line, number)
        elif line.startswith(_TOP_PREFIXES):
            _top(scan, line, number)
        else:
            scan.block, scan.current = "", None
    return scan


def _top(scan: _Scan, line: str, number: int) -> None:
    scan.block, scan.current, scan.entry = "", None, None
    if match := _INTERFACE.match(line):
        scan.current = _interface(scan, match.group(1), number)
        scan.block = "interface"
    elif line.startswith("crypto"):
        _crypto(scan, line, number)
    elif match := _TUNNEL_GROUP.match(line):
        _reference(scan, match.group(1), None, number, "tunnel-group")
    elif match := _ISAKMP_KEY.match(line):
        _reference(scan, match.group(1), match.group(2), number, "key")
    elif match := _HOSTNAME.match(line):
        scan.hostname = match.group(1)
    elif match := _NAME.match(line):
        scan.names[match.group(2)] = match.group(1)
    else:
        _pix6_address(scan, line, number)


def _crypto(scan: _Scan, line: str, number: int) -> None:
    if match := _MAP_PEER.match(line):
        entry = f"{match.group(1)} {match.group(2)}"
        words = match.group(3).split()
        scan.map_peers[entry] = [(word, number) for word in words]
    elif match := _MAP_ENTRY.match(line):
        scan.answers_any |= bool(match.group(3))
        scan.entry = f"{match.group(1)} {match.group(2)}"
        scan.block = "map"
    elif match := _MAP_BIND.match(line):
        scan.bound_names.add(match.group(2))
    elif match := _MAP_LOCAL.match(line):
        # IOS sources IKE from this interface's address.
        scan.bound_names.add(match.group(2))
    elif match := _ISAKMP_KEY.match(line):
        _reference(scan, match.group(1), match.group(2), number, "key")
    elif line.startswith(("crypto keyring", "crypto ikev2 keyring")):
        scan.block = "keyring"
    elif line.startswith(("crypto isakmp profile", "crypto ikev2 profile")):
        scan.block = "profile"


def _child(scan: _Scan, line: str, number: int) -> None:
    if scan.block == "interface" and scan.current is not None:
        _interface_child(scan.current, line, number)
    elif scan.block == "map" and (match := _CHILD_PEER.match(line)):
        # IOS: each ` set peer` line adds a peer to the entry.
        scan.map_peers.setdefault(scan.entry or "", []).append(
            (match.group(1), number)
        )
    elif scan.block == "keyring":
        match = _KEYRING_KEY.match(line) or _KEYRING_PEER.match(line)
        if match:
            _reference(scan, match.group(1), match.group(2), number, "key")
    elif scan.block == "profile" and (match := _PROFILE_MATCH.match(line)):
        _reference(scan, match.group(1), match.group(2), number, "key")


def _interface_child(interface: _Interface, line: str, number: int) -> None:
    if match := _ADDRESS.match(line):
        address = IPv4Address(match.group(1))
        interface.addresses.append((address, number, False))
        if match.group(3):
            standby = IPv4Address(match.group(3))
            interface.addresses.append((standby, number, True))
    elif match := _NAMEIF.match(line):
        interface.nameif = match.group(1)
    elif match := _HSRP.match(line):
        # An IOS HSRP virtual address: the router answers on it while
        # active, and `crypto map M redundancy` sources IKE from it.
        interface.addresses.append((IPv4Address(match.group(1)), number,
                                    False))
    elif _BOUND_HERE.match(line):
        interface.bound = True


def _interface(scan: _Scan, name: str, number: int) -> _Interface:
    interface = scan.interfaces.get(name)
    if interface is None:
        interface = scan.interfaces[name] = _Interface(name, number)
    return interface


def _pix6_address(scan: _Scan, line: str, number: int) -> None:
    # PIX 6 gives addresses on top-level lines named by the nameif.
    if match := _PIX6_ADDRESS.match(line):
        interface = _interface(scan, match.group(1), number)
        interface.addresses.append((IPv4Address(match.group(2)), number,
                                    False))
    elif match := _PIX6_STANDBY.match(line):
        interface = _interface(scan, match.group(1), number)
        interface.addresses.append((IPv4Address(match.group(2)), number,
                                    True))


def peer_references(scan: _Scan) -> list[Reference]:
    """Every crypto map peer, with `name` aliases resolved.

    A peer given as a host name that no `name` line defines cannot be
    matched offline, and is left out.
    """
    found = []
    for entry, words in scan.map_peers.items():
        for word, number in words:
            try:
                address = IPv4Address(scan.names.get(word, word))
            except ValueError:
                continue
            found.append(Reference(
                address=address, line=number, kind="peer", entry=entry
            ))
    return found


def _reference(
    scan: _Scan, address: str, mask: str | None, number: int, kind: str
) -> None:
    try:
        network = IPv4Network(f"{address}/{mask or '32'}", strict=False)
    except ValueError:
        return
    if network.prefixlen == 0:
        # A wildcard key (0.0.0.0 0.0.0.0) answers any peer.
        scan.answers_any = True
        return
    scan.references.append(Reference(
        address=network.network_address, line=number, kind=kind,
        prefixlen=network.prefixlen,
    ))


def owned_addresses(scan: _Scan) -> tuple[Owned, ...]:
    """Every interface address, marked where a crypto map is bound."""
    owned = []
    for interface in scan.interfaces.values():
        name = interface.nameif or interface.hardware
        vpn = interface.bound or bool(
            {name, interface.hardware} & scan.bound_names
        )
        for address, line, standby in interface.addresses:
            owned.append(Owned(
                address=address, interface=name, line=line,
                standby=standby, vpn=vpn,
            ))
    return tuple(owned)


# --- one file --------------------------------------------------------------------


def scan_file(path: str) -> ScanRecord:
    """The record of one file; a skipped record for anything not ours."""
    from asalint.cache.text import read_config_text

    try:
        config = read_config_text(path)
    except InputError as error:
        return ScanRecord(path=path, digest="", skipped=error.problem)
    return scan_text(path, config.text, config.digest)


def scan_text(path: str, text: str, digest: str) -> ScanRecord:
    """The record of a config's text, read by `read_config_text`."""
    from asalint.source import clean_line

    lines = [clean_line(line) for line in text.split("\n")]
    platform, skipped = _platform(path, lines)
    if platform is None:
        return ScanRecord(path=path, digest=digest, skipped=skipped)

    scan = scan_lines(lines)
    return ScanRecord(
        path=path,
        digest=digest,
        platform=platform,
        hostname=scan.hostname,
        owned=owned_addresses(scan),
        references=tuple(scan.references + peer_references(scan)),
        answers_any=scan.answers_any,
    )


def _platform(path: str, lines: list[str]) -> tuple[str | None, str | None]:
    """The platform from the file's first lines, or why it is skipped."""
    from asalint.parse.detect import detect
    from asalint.source import SourceText

    head = SourceText(path, tuple(lines[:HEAD_LINES]))
    try:
        return detect(head).platform, None
    except InputError as error:
        return None, error.problem
