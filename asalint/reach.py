"""Which of many devices `asalint check` simulates in pairs, found once.

A device is meant for another when one of its crypto map entries names
one of the other's addresses as peer, or protects a network that
overlaps one of the other's interface networks (a wrong peer address is
then the simulation's finding). Testing that for every pair of devices
is quadratic in devices and in networks. Instead each device's facts
(`Reach`) are taken once, as plain numbers a cache can keep, and indexed
by address and by network block: each device then finds the others it
is meant for by dictionary lookups.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from asalint.model import Device

Block = tuple[int, int]  # (network address as an integer, prefix length)


@dataclass(frozen=True, slots=True)
class Reach:
    """What pairing needs of one device, without the device.

    `entries` holds, per crypto map entry, the lines that set it up and
    its peers: a note about a peer is moot when the peer is among the
    devices checked.
    """

    path: str
    addresses: frozenset[int]  # interface and standby addresses
    local: tuple[Block, ...]  # the interfaces' networks
    peers: frozenset[int]  # every crypto map entry's peers
    remote: tuple[Block, ...]  # what the crypto ACLs protect, but `any`
    entries: tuple[tuple[frozenset[int], tuple[int, ...]], ...] = ()


def reach_of(device: Device) -> Reach:
    """The facts of `device` that pairing and peer notes use."""
    from asalint.commands_check import (
        ANY,
        addresses_of,
        local_networks,
        peers_of,
        remote_networks,
    )

    return Reach(
        path=device.path,
        addresses=frozenset(map(int, addresses_of(device))),
        local=_blocks(local_networks(device)),
        peers=frozenset(map(int, peers_of(device))),
        remote=_blocks(n for n in remote_networks(device) if n != ANY),
        entries=tuple(
            (_entry_lines(entry), tuple(map(int, entry.peers)))
            for entry in device.crypto_maps
        ),
    )


def _blocks(networks: Iterable) -> tuple[Block, ...]:
    # Ordered and without repeats: a crypto ACL names the same network in
    # many entries.
    found = {(int(n.network_address), n.prefixlen) for n in networks}
    return tuple(sorted(found))


def _entry_lines(entry) -> frozenset[int]:
    lines = {origin.line for origin in entry.attribute_origins.values()}
    return frozenset(lines | {entry.origin.line})


def meeting_pairs(reaches: Sequence[Reach]) -> list[tuple[int, int]]:
    """(i, j) with i < j for every two devices where one is meant for
    the other, in the order `itertools.combinations` gives them."""
    index = _Index(reaches)
    pairs: set[tuple[int, int]] = set()
    for here, reach in enumerate(reaches):
        for there in index.meant_for(reach):
            if there != here:
                pairs.add((min(here, there), max(here, there)))
    return sorted(pairs)


class _Index:
    """Devices by address, and by every network block around their own
    interface networks."""

    def __init__(self, reaches: Sequence[Reach]) -> None:
        self.owners: dict[int, list[int]] = {}
        self.exact: dict[Block, list[int]] = {}  # networks as they are
        self.inside: dict[Block, list[int]] = {}  # the blocks holding them
        self._lengths: list[int] | None = None
        for number, reach in enumerate(reaches):
            for address in reach.addresses:
                self.owners.setdefault(address, []).append(number)
            for address, prefix in reach.local:
                self.exact.setdefault((address, prefix), []).append(number)
                for block in _around(address, prefix):
                    self.inside.setdefault(block, []).append(number)

    def meant_for(self, reach: Reach) -> set[int]:
        """The devices `reach`'s entries aim at, by peer or by network."""
        found: set[int] = set()
        for peer in reach.peers:
            found.update(self.owners.get(peer, ()))
        for address, prefix in reach.remote:
            # Two networks overlap when one holds the other: an interface
            # network inside the protected one, or one around it.
            found.update(self.inside.get((address, prefix), ()))
            for block in _around(address, prefix, self.lengths):
                found.update(self.exact.get(block, ()))
        return found

    @property
    def lengths(self) -> list[int]:
        """The prefix lengths of the interface networks: the only ones
        worth a lookup (a few, where 33 exist)."""
        if self._lengths is None:
            self._lengths = sorted({prefix for _, prefix in self.exact})
        return self._lengths


def _around(
    address: int, prefix: int, lengths: Iterable[int] | None = None
) -> Iterable[Block]:
    """Every block of prefix 0 to `prefix` (or of those of `lengths`
    up to it) that holds the network."""
    for length in range(prefix + 1) if lengths is None else lengths:
        if length > prefix:
            break
        shift = 32 - length
        yield (address >> shift) << shift, length


def known_peer(
    reach: Reach | None, line: int | None, known: frozenset[int]
) -> bool:
    """Whether the entry set up at `line` names only peers among `known`.

    The first entry that cites the line and has a peer decides, as a
    note about an unknown peer is about that entry's peers.
    """
    if reach is None:
        return False
    for lines, peers in reach.entries:
        if line in lines and peers:
            return all(peer in known for peer in peers)
    return False
