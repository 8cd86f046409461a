"""Helpers every platform parser shares.

Origins with masked text, address and mask arithmetic, the `Collector`
that gathers unparsed lines, defaults and notes, and the reader of the
address tokens in an access-list entry (`any`, `host A`, `A M`, `object N`,
`object-group N`, `interface IF`, a name).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from ipaddress import (
    AddressValueError,
    IPv4Address,
    IPv4Network,
    summarize_address_range,
)

from pydantic import SecretStr

from asalint.model import (
    DefaultUsed,
    KeyState,
    NetworkObject,
    Origin,
    PreSharedKey,
    Unparsed,
)
from asalint.parse.tree import Node
from asalint.source import MASKED_TOKENS, mask_line

ANY = IPv4Network("0.0.0.0/0")
NOT_MODELLED = "not modelled"


def origin(path: str, node: Node) -> Origin:
    """The node's origin; the text has any secret masked."""
    return Origin(path=path, line=node.line, text=mask_line(node.text))


# --- addresses -------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def parse_ip(text: str) -> IPv4Address | None:
    """An IPv4 address, or None when `text` is not one.

    Remembered: a config names the same few addresses (masks above all)
    on thousands of lines, and an address is immutable, so one object
    serves every line.
    """
    try:
        return IPv4Address(text)
    except (AddressValueError, ValueError):
        return None


@lru_cache(maxsize=1 << 16)
def network_of(address: IPv4Address, prefix: int) -> IPv4Network:
    """The network of `prefix` bits holding `address`, host bits dropped.

    Remembered, as `parse_ip` is: the same networks fill many lines, and
    a network is immutable.
    """
    return IPv4Network((address, prefix), strict=False)


def is_ipv6(text: str) -> bool:
    # Enough to tell an IPv6 literal or prefix from a name: names never
    # hold a colon on the ASA, and IOS object names rarely do.
    return ":" in text and all(
        ch in "0123456789abcdefABCDEF:./" for ch in text
    )


def mask_to_prefix(mask: str) -> int | None:
    """Prefix length of a dotted mask; None if not a contiguous mask."""
    address = parse_ip(mask)
    if address is None:
        return None

    bits = int(address)
    inverted = bits ^ 0xFFFFFFFF
    if inverted & (inverted + 1):
        return None
    return 32 - inverted.bit_length()


def network_from_mask(address: str, mask: str) -> IPv4Network | None:
    """`A M` as a network; host bits beyond the mask are dropped.

    The ASA accepts `10.1.1.5 255.255.255.0` in many commands and applies
    the mask, so the parser does the same rather than refuse the line.
    """
    base = parse_ip(address)
    prefix = mask_to_prefix(mask)
    if base is None or prefix is None:
        return None
    return network_of(base, prefix)


def network_from_wildcard(address: str, wildcard: str) -> IPv4Network | None:
    """IOS `A W` as a network; None for a non-contiguous wildcard.

    A non-contiguous wildcard (or a netmask typed where IOS wants a
    wildcard) matches a set that is no single network: the caller reports
    the line instead of guessing.
    """
    base = parse_ip(address)
    inverse = parse_ip(wildcard)
    if base is None or inverse is None:
        return None

    bits = int(inverse)
    if bits & (bits + 1):
        return None
    return network_of(base, 32 - bits.bit_length())


def host_network(address: str) -> IPv4Network | None:
    base = parse_ip(address)
    return network_of(base, 32) if base is not None else None


def range_networks(first: str, last: str) -> tuple[IPv4Network, ...] | None:
    """An address range as the fewest networks that cover it exactly."""
    low, high = parse_ip(first), parse_ip(last)
    if low is None or high is None or low > high:
        return None
    return tuple(summarize_address_range(low, high))


def looks_like_mask(text: str) -> bool:
    address = parse_ip(text)
    return address is not None and text.count(".") == 3


# --- collecting what the model does not hold -------------------------------


@dataclass
class Collector:
    """Lines not modelled or not readable, defaults applied, notes.

    Each parser owns one; `Device` takes its tuples at the end.
    """

    path: str
    unparsed: list[Unparsed] = field(default_factory=list)
    defaults: dict[str, DefaultUsed] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def origin(self, node: Node) -> Origin:
        return origin(self.path, node)

    def not_modelled(self, node: Node, reason: str = NOT_MODELLED) -> None:
        self.unparsed.append(Unparsed(origin=self.origin(node), reason=reason))

    def unreadable(self, node: Node, reason: str) -> None:
        """A line we recognise but cannot read (bad address, no value)."""
        self.unparsed.append(
            Unparsed(origin=self.origin(node), reason=reason, recognised=True)
        )

    def default(self, setting: str, value: str, uncertain: bool = False):
        # Keyed by setting: a default is recorded once per device.
        self.defaults[setting] = DefaultUsed(
            setting=setting, value=value, uncertain=uncertain
        )

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def not_modelled_count(self) -> int:
        return sum(1 for item in self.unparsed if not item.recognised)


# --- access-list address tokens --------------------------------------------


@dataclass(frozen=True)
class AddressSpec:
    """What one address position of an ACL entry stands for."""

    networks: tuple[IPv4Network, ...] = ()
    references: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()
    ipv6: bool = False


@dataclass(frozen=True)
class AddressBook:
    """The names an address token may use, resolved to networks."""

    names: Mapping[str, IPv4Address] = field(default_factory=dict)
    objects: Mapping[str, NetworkObject] = field(default_factory=dict)
    interfaces: Mapping[str, IPv4Address] = field(default_factory=dict)

    def address(self, word: str) -> IPv4Address | None:
        """An IPv4 literal, or a `name` that stands for one."""
        return parse_ip(word) or self.names.get(word)

    def object(self, name: str) -> AddressSpec:
        found = self.objects.get(name)
        if found is None:
            return AddressSpec(references=(name,), unresolved=(name,))
        return AddressSpec(
            networks=found.networks,
            references=(name,),
            unresolved=found.unresolved,
        )

    def interface(self, name: str) -> AddressSpec:
        address = self.interfaces.get(name)
        if address is None:
            return AddressSpec(references=(name,), unresolved=(name,))
        return AddressSpec(
            networks=(network_of(address, 32),), references=(name,)
        )


def read_acl_address(
    words: Sequence[str],
    index: int,
    book: AddressBook,
    wildcard: bool = False,
    bare_host: bool = False,
) -> tuple[AddressSpec, int] | None:
    """Read one address position from `words[index]`.

    Returns the spec and the index after it, or None when the tokens are
    not an address (a missing argument, a bad mask). `wildcard` reads IOS
    inverse masks; `bare_host` takes a lone address as a host, as IOS
    standard ACLs write it.
    """
    if index >= len(words):
        return None

    word = words[index].lower()
    if word in ("any", "any4"):
        return AddressSpec(networks=(ANY,)), index + 1
    if word == "any6":
        return AddressSpec(ipv6=True), index + 1
    if word in ("host", "object", "object-group", "interface"):
        return _keyword_address(words, index, book)
    return _address_and_mask(words, index, book, wildcard, bare_host)


def _keyword_address(
    words: Sequence[str], index: int, book: AddressBook
) -> tuple[AddressSpec, int] | None:
    if index + 1 >= len(words):
        return None

    keyword, value = words[index].lower(), words[index + 1]
    if keyword == "host":
        return _host(value, book), index + 2
    if keyword == "interface":
        return book.interface(value), index + 2
    return book.object(value), index + 2


def _host(value: str, book: AddressBook) -> AddressSpec:
    if is_ipv6(value):
        return AddressSpec(ipv6=True)

    address = book.address(value)
    if address is None:
        return AddressSpec(references=(value,), unresolved=(value,))
    return AddressSpec(networks=(network_of(address, 32),))


def _address_and_mask(
    words: Sequence[str],
    index: int,
    book: AddressBook,
    wildcard: bool,
    bare_host: bool,
) -> tuple[AddressSpec, int] | None:
    first = words[index]
    if is_ipv6(first):
        return AddressSpec(ipv6=True), index + 1

    mask = words[index + 1] if index + 1 < len(words) else None
    if mask is None or not looks_like_mask(mask):
        return _bare(first, index, book, bare_host)

    address = book.address(first)
    if address is None:
        spec = AddressSpec(references=(first,), unresolved=(first,))
        return spec, index + 2
    reader = network_from_wildcard if wildcard else network_from_mask
    network = reader(str(address), mask)
    if network is None:
        return None
    return AddressSpec(networks=(network,)), index + 2


def _bare(
    first: str, index: int, book: AddressBook, bare_host: bool
) -> tuple[AddressSpec, int] | None:
    if not bare_host:
        return None
    address = book.address(first)
    if address is None:
        return None
    return AddressSpec(networks=(network_of(address, 32),)), index + 1


# --- pre-shared keys -------------------------------------------------------

# Key types that mean "enciphered on the device": ASA `8` (master
# passphrase), IOS `6` (AES) and `7` (Vigenere, reversible but still not
# the text both sides compare).
_ENCRYPTED_TYPES = frozenset({"6", "7", "8"})


def read_key(words: Sequence[str], where: Origin) -> PreSharedKey | None:
    """A key from the words after its keyword; None when none is given.

    `*****` (any run of `*`) and `<secret hidden>`-style placeholders are
    masked: the device printed no key. `8 X` is encrypted. Anything else
    is the key itself, held only as a SecretStr.
    """
    if not words:
        return None

    rest = " ".join(words)
    if rest.startswith("*") or _is_placeholder(rest):
        return PreSharedKey(state=KeyState.MASKED, origin=where)
    if words[0] in _ENCRYPTED_TYPES and len(words) > 1:
        return PreSharedKey(state=KeyState.ENCRYPTED, origin=where)
    value = words[1] if words[0] == "0" and len(words) > 1 else words[0]
    return PreSharedKey(
        state=KeyState.PLAIN, value=SecretStr(value), origin=where
    )


def _is_placeholder(rest: str) -> bool:
    lowered = rest.lower()
    if any(lowered.startswith(token) for token in MASKED_TOKENS):
        return True
    # Other tools' redaction marks: `<anything>` or `[redacted]`.
    return (rest[0], rest[-1]) in (("<", ">"), ("[", "]")) and (
        "redact" in lowered or "hidden" in lowered or "removed" in lowered
    )


# `ip address dhcp [setroute]`, `ip address pppoe [setroute]` (ASA) and
# `ip address dhcp` / `ip address negotiated` (IOS, dialers): the address
# comes from the provider at run time.
ASSIGNED_ADDRESS = frozenset({"dhcp", "pppoe", "negotiated"})


def assigned_address(words: list[str]) -> str | None:
    """`dhcp`, `pppoe` or `negotiated` for `ip address <that> ...`."""
    if len(words) > 2 and words[2].lower() in ASSIGNED_ADDRESS:
        return words[2].lower()
    return None
