"""The repository index: which config holds which address, which peers
each names, which tunnels they form, and what asalint.toml adds.

A peer found by address must point back: the config that holds a peer
address must name an address of the first config (in a `set peer`, a
tunnel-group or a key), or answer anyone through a dynamic map. A peer
that does not is a one-sided tunnel (`one_sided`).

Records are cached in one file beside the parsed-model cache, each with
the digest of its file's text; the digest covers no key (see
`asalint.cache.text`), and a record holds addresses and line numbers
only, never a line's text.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from asalint import __version__
from asalint.errors import InputError
from asalint.model import Frozen
from asalint.repository.files import candidate_files
from asalint.repository.scan import Owned, Reference, ScanRecord, scan_text

if TYPE_CHECKING:
    from asalint.config import ConfigFile

log = logging.getLogger(__name__)

INDEX_FILE = "repository-index.json"
INDEX_FORMAT = 2


# --- what asalint.toml says about tunnels --------------------------------------


class PeerSetting(Frozen):
    """A `[peers]` entry: whose an address is, or that no config is."""

    address: IPv4Address
    file: str | None = None  # relative to the repository root
    device: str | None = None  # the hostname of the config
    external: bool = False


class PairSetting(Frozen):
    """A `[[pairs]]` entry: two configs (paths or hostnames) that form a
    tunnel although no address says so (NAT hides them)."""

    a: str
    b: str


class RepositorySettings(Frozen):
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    pairs: tuple[PairSetting, ...] = ()
    peers: tuple[PeerSetting, ...] = ()
    # The folder of asalint.toml, relative to the repository root: the
    # files it names are relative to it.
    base: str = ""

    def file_key(self, name: str) -> str:
        path = PurePosixPath(self.base) / name.removeprefix("./")
        return path.as_posix()


def settings_from_config(
    config: ConfigFile | None, root: Path
) -> RepositorySettings:
    """The repository keys of a loaded asalint.toml, with its paths made
    relative to the repository root (they are written relative to the
    folder the file sits in)."""
    if config is None or config.path is None:
        return RepositorySettings()
    base = Path(config.path).resolve().parent
    prefix = _relative(base, root.resolve())
    keys = config.config

    def moved(name: str) -> str:
        return (PurePosixPath(prefix) / name).as_posix() if prefix else name

    return RepositorySettings(
        include=tuple(moved(glob) for glob in keys.include),
        exclude=tuple(moved(glob) for glob in keys.exclude),
        pairs=tuple(PairSetting(a=p.a, b=p.b) for p in keys.pairs),
        peers=tuple(
            PeerSetting(
                address=address,
                file=entry.file,
                device=entry.device,
                external=bool(entry.external),
            )
            for address, entry in keys.peers.items()
        ),
        base=prefix,
    )


def _relative(folder: Path, root: Path) -> str:
    try:
        relative = folder.relative_to(root).as_posix()
    except ValueError:
        return ""
    return "" if relative == "." else relative


# --- the index -----------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A peer line of one config whose address another config holds."""

    path: str
    reference: Reference
    owner: str
    standby: bool = False  # the address is the owner's standby address


@dataclass(frozen=True)
class TunnelPlan:
    """Two configs to simulate, and the addresses NAT gives them.

    `aliases` maps a path to the address its peer reaches it at, where
    that is not an address of its own interfaces.
    """

    first: str
    second: str
    aliases: tuple[tuple[str, IPv4Address], ...] = ()
    named: bool = False  # asalint.toml's [[pairs]] names the two

    @property
    def paths(self) -> tuple[str, str]:
        return self.first, self.second


class RepositoryIndex:
    """Records of every config in a repository, and the tunnels among them.

    Paths are relative to `root`, with forward slashes, as git lists them.
    """

    def __init__(
        self,
        root: Path,
        records: Iterable[ScanRecord],
        settings: RepositorySettings | None = None,
        prefer: Iterable[str] = (),
    ) -> None:
        self.root = root
        self.settings = settings or RepositorySettings()
        # Files given together: a peer address one of them holds is
        # theirs, whatever other configs of the repository hold it too.
        self.prefer = frozenset(prefer)
        everything = list(records)
        self.records = {r.path: r for r in everything if r.platform}
        self.skipped = {r.path: r.skipped or "" for r in everything
                        if not r.platform}
        self._holders = _holders(self.records.values())
        self.external = {p.address for p in self.settings.peers
                         if p.external}
        self.aliases = self._aliases()
        self._links: dict[str, tuple[Link, ...]] = {}
        self._named_by: dict[str, set[str]] = {}
        for path in self.records:
            for link in self.links(path):
                self._named_by.setdefault(link.owner, set()).add(path)

    # --- who holds an address ---------------------------------------------

    def holders(self, address: IPv4Address) -> list[tuple[str, Owned]]:
        return self._holders.get(address, [])

    def owner(
        self, address: IPv4Address, preferring: bool = False
    ) -> str | None:
        """The one config an address belongs to, by asalint.toml first;
        `preferring`: among the files given together, if one holds it."""
        if address in self.aliases:
            return self.aliases[address]
        if address in self.external:
            return None
        paths = {path for path, _ in self.holders(address)}
        given = paths & self.prefer if preferring else set()
        if len(given) == 1:
            return given.pop()
        return paths.pop() if len(paths) == 1 else None

    def addresses_of(self, path: str) -> set[IPv4Address]:
        """Every address that stands for `path`: its own and its aliases."""
        record = self.records[path]
        found = {owned.address for owned in record.owned}
        return found | {a for a, p in self.aliases.items() if p == path}

    def by_hostname(self, hostname: str) -> str | None:
        paths = [p for p, r in self.records.items() if r.hostname == hostname]
        return paths[0] if len(paths) == 1 else None

    def _aliases(self) -> dict[IPv4Address, str]:
        from asalint.errors import UsageError

        aliases: dict[IPv4Address, str] = {}
        for peer in self.settings.peers:
            if peer.external:
                continue
            path = self._named(peer.file, peer.device)
            if path is None:
                raise UsageError(
                    f"asalint.toml: [peers] {peer.address}: no config "
                    f"{peer.file or peer.device!r} in the repository"
                )
            aliases[peer.address] = path
        for pair in self.settings.pairs:
            for path, address in self._pair_addresses(pair):
                aliases.setdefault(address, path)
        return aliases

    def _named(self, file: str | None, device: str | None) -> str | None:
        if file is not None:
            key = self.settings.file_key(file)
            return key if key in self.records else None
        return self.by_hostname(device) if device else None

    def _pair_addresses(
        self, pair: PairSetting
    ) -> list[tuple[str, IPv4Address]]:
        a, b = self.pair_paths(pair)
        given = [(a, self._unowned_peer(b)), (b, self._unowned_peer(a))]
        return [(path, address) for path, address in given if address]

    def _unowned_peer(self, path: str) -> IPv4Address | None:
        """The one peer of `path` that no config holds, if just one.

        A pair named without addresses is hidden by NAT when each side
        names an address the other does not hold: with a single such
        peer on a side, that address can only be the other config's.
        """
        found = {
            reference.address
            for reference in self.records[path].peers
            if reference.host
            and not self.holders(reference.address)
            and reference.address not in self.external
        }
        if len(found) > 1:
            log.info("%s: several peers no config holds; give the pair's "
                     "addresses in asalint.toml", path)
        return found.pop() if len(found) == 1 else None

    def pair_paths(self, pair: PairSetting) -> tuple[str, str]:
        from asalint.errors import UsageError

        found = []
        for name in (pair.a, pair.b):
            path = self._named(name, None) or self.by_hostname(name)
            if path is None:
                raise UsageError(
                    f"asalint.toml: [[pairs]] {pair.a} and {pair.b}: "
                    f"no config {name!r} in the repository"
                )
            found.append(path)
        return found[0], found[1]

    # --- tunnels ------------------------------------------------------------

    def links(self, path: str) -> tuple[Link, ...]:
        """The peers of `path` that another config holds."""
        if path not in self._links:
            self._links[path] = tuple(self._find_links(path))
        return self._links[path]

    def _find_links(self, path: str) -> Iterator[Link]:
        for reference in self.records[path].peers:
            address = reference.address
            owner = self.owner(address, path in self.prefer)
            self._log_ambiguous(path, address, owner)
            if not reference.host or owner in (None, path):
                continue
            standby = any(
                owned.standby for holder, owned in self.holders(address)
                if holder == owner
            )
            yield Link(path, reference, owner, standby)

    def _log_ambiguous(
        self, path: str, address: IPv4Address, owner: str | None
    ) -> None:
        holders = {holder for holder, _ in self.holders(address)}
        if owner is None and len(holders) > 1:
            # An HA pair exported as two files, or an old copy: say which
            # one the peer is in asalint.toml [peers].
            log.info(
                "%s: peer %s is held by %d configs (%s); name one in "
                "asalint.toml [peers]", path, address, len(holders),
                ", ".join(sorted(holders)),
            )

    def partners(self, path: str) -> set[str]:
        """Configs that form a tunnel with `path`, either side naming it."""
        found = {link.owner for link in self.links(path)}
        found |= self._named_by.get(path, set())
        for pair in self.settings.pairs:
            a, b = self.pair_paths(pair)
            if path in (a, b):
                found.add(b if path == a else a)
        return found

    def tunnels(self, paths: Iterable[str]) -> list[TunnelPlan]:
        """Every pair of configs to simulate that holds one of `paths`."""
        plans: dict[frozenset[str], TunnelPlan] = {}
        for path in paths:
            for partner in sorted(self.partners(path)):
                key = frozenset((path, partner))
                if key not in plans:
                    plans[key] = self._plan(path, partner)
        return list(plans.values())

    def _plan(self, first: str, second: str) -> TunnelPlan:
        aliases = []
        for here, there in ((first, second), (second, first)):
            alias = self._alias_seen_by(here, there)
            if alias is not None:
                aliases.append((here, alias))
        named = frozenset((first, second)) in self._named_pairs
        return TunnelPlan(first, second, tuple(aliases), named)

    @property
    def _named_pairs(self) -> set[frozenset[str]]:
        return {
            frozenset(self.pair_paths(pair)) for pair in self.settings.pairs
        }

    def _alias_seen_by(self, path: str, peer: str) -> IPv4Address | None:
        """The address `peer` names for `path` that `path` does not hold:
        where NAT in front of `path` gives it another address."""
        record = self.records[path]
        for reference in self.records[peer].peers:
            address = reference.address
            if self.aliases.get(address) == path and not record.holds(
                address
            ):
                return address
        return None

    # --- what the index itself finds ---------------------------------------

    def one_sided(self, path: str) -> Iterator[Link]:
        """Links from `path` to a config that names nothing of `path`."""
        mine = self.addresses_of(path)
        for link in self.links(path):
            owner = self.records[link.owner]
            if owner.answers_any:
                continue  # a dynamic map answers peers it does not name
            named = owner.references
            if not any(r.covers(a) for a in mine for r in named):
                yield link

    def unknown_peers(self, path: str) -> Iterator[Reference]:
        """Peer addresses of `path` that no config holds and asalint.toml
        neither gives to a config nor marks external."""
        for reference in self.records[path].peers:
            address = reference.address
            if not reference.host:
                continue
            if address in self.aliases or address in self.external:
                continue
            if not self.holders(address):
                yield reference


def _holders(
    records: Iterable[ScanRecord],
) -> dict[IPv4Address, list[tuple[str, Owned]]]:
    holders: dict[IPv4Address, list[tuple[str, Owned]]] = {}
    for record in records:
        for owned in record.owned:
            holders.setdefault(owned.address, []).append((record.path, owned))
    return holders


# --- building the index, through its cache -------------------------------------

Signature = tuple[int, int]  # (size, mtime in ns): unchanged, not re-read


def build_index(
    root: str | os.PathLike,
    settings: RepositorySettings | None = None,
    *,
    cache_dir: str | os.PathLike | None = None,
    names: Sequence[str] | None = None,
    prefer: Iterable[str] = (),
) -> RepositoryIndex:
    """Scan the configs under `root` (or only `names`, relative to it).

    `cache_dir` holds the index file (None: scan every file). A cached
    record is reused when its file's size and modification time are
    unchanged, or else when the digest of its text is.
    """
    root = Path(root).resolve()
    settings = settings or RepositorySettings()
    if names is None:
        names = candidate_files(root, settings.include, settings.exclude)
    cached = _read_cache(Path(cache_dir)) if cache_dir is not None else {}
    found = {name: _record(root / name, name, cached.get(name))
             for name in names}
    if cache_dir is not None and _changed(found, cached):
        _write_cache(Path(cache_dir), found)
    records = [record for record, _ in found.values()]
    _log_skipped(records)
    return RepositoryIndex(root, records, settings, prefer)


def _record(
    file: Path, name: str, hit: tuple[ScanRecord, Signature | None] | None
) -> tuple[ScanRecord, Signature | None]:
    from asalint.cache.text import read_config_text

    signature = _signature(file)
    if hit is not None and signature is not None and hit[1] == signature:
        return hit
    try:
        config = read_config_text(str(file))
    except InputError as error:
        return ScanRecord(path=name, digest="", skipped=error.problem), None
    if hit is not None and hit[0].digest == config.digest:
        return hit[0], signature
    return scan_text(name, config.text, config.digest), signature


def _changed(found: dict, cached: dict) -> bool:
    """Whether the index file would say anything new."""
    kept = {name: hit for name, hit in found.items() if hit[0].digest}
    if kept.keys() != cached.keys():
        return True
    return any(hit is not cached[name] for name, hit in kept.items())


def _signature(file: Path) -> Signature | None:
    try:
        status = file.stat()
    except OSError:
        return None
    # A file written in the last moments may change again within the
    # clock's resolution without its time moving: trust only its digest.
    if time.time_ns() - status.st_mtime_ns < RACY_NS:
        return None
    return status.st_size, status.st_mtime_ns


RACY_NS = 2_000_000_000


def _log_skipped(records: Iterable[ScanRecord]) -> None:
    for record in records:
        if record.skipped and "looks like" in record.skipped:
            log.info("%s: skipped: %s", record.path, record.skipped)
        elif record.skipped:
            log.debug("%s: skipped: %s", record.path, record.skipped)


# --- the index file ----------------------------------------------------------------
#
# One JSON document: the format, the asalint version, and one list per
# record. Addresses are stored as integers (parsing dotted text costs more
# than the scan saves). Anything that is not exactly this shape is a
# damaged or foreign file, ignored and rewritten, never trusted.


def _read_cache(
    cache_dir: Path,
) -> dict[str, tuple[ScanRecord, Signature | None]]:
    try:
        document = json.loads((cache_dir / INDEX_FILE).read_bytes())
        if document["format"] != INDEX_FORMAT:
            return {}
        if document["asalint"] != __version__:
            return {}
        decoded = [_decode(item) for item in document["records"]]
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        log.debug("index cache not usable; scanning every file")
        return {}
    return {record.path: (record, signature) for record, signature in decoded}


def _write_cache(
    cache_dir: Path, found: dict[str, tuple[ScanRecord, Signature | None]]
) -> None:
    from asalint.cache import ModelCache

    if not ModelCache(cache_dir).usable():
        return  # not our folder: never write into it
    document = {
        "format": INDEX_FORMAT,
        "asalint": __version__,
        "records": [_encode(record, signature)
                    for record, signature in found.values()
                    if record.digest],
    }
    _replace(cache_dir / INDEX_FILE, json.dumps(document).encode())


def _encode(record: ScanRecord, signature: Signature | None) -> list:
    return [
        record.path, record.digest, list(signature or ()), record.platform,
        record.skipped, record.hostname, record.answers_any,
        [[int(o.address), o.interface, o.line, o.standby, o.vpn]
         for o in record.owned],
        [[int(r.address), r.prefixlen, r.line, r.kind, r.entry]
         for r in record.references],
    ]


def _decode(item: list) -> tuple[ScanRecord, Signature | None]:
    (path, digest, signature, platform, skipped, hostname, answers_any,
     owned, references) = item
    _expect(isinstance(path, str) and isinstance(digest, str) and digest)
    _expect(platform in (None, "asa", "pix", "ios"))
    _expect(all(isinstance(v, str | None) for v in (skipped, hostname)))
    _expect(isinstance(answers_any, bool))
    record = ScanRecord(
        path=path, digest=digest, platform=platform, skipped=skipped,
        hostname=hostname, answers_any=answers_any,
        owned=tuple(_owned(o) for o in owned),
        references=tuple(_reference(r) for r in references),
    )
    return record, _decoded_signature(signature)


def _decoded_signature(signature: list) -> Signature | None:
    if not signature:
        return None
    size, mtime = signature
    _expect(type(size) is int and type(mtime) is int)
    return size, mtime


def _owned(item: list) -> Owned:
    address, interface, line, standby, vpn = item
    _expect(type(address) is int and type(line) is int)
    _expect(isinstance(interface, str))
    _expect(isinstance(standby, bool) and isinstance(vpn, bool))
    return Owned(IPv4Address(address), interface, line, standby, vpn)


def _reference(item: list) -> Reference:
    address, prefixlen, line, kind, entry = item
    _expect(
        type(address) is int and type(line) is int
        and type(prefixlen) is int and 0 < prefixlen <= 32
        and kind in REFERENCE_KINDS
        and (entry is None or type(entry) is str)
    )
    return Reference(IPv4Address(address), line, kind, entry, prefixlen)


REFERENCE_KINDS = frozenset({"peer", "tunnel-group", "key"})


def _expect(condition: bool) -> None:
    if not condition:
        raise ValueError("not an index record")


def _replace(target: Path, data: bytes) -> None:
    # Written beside the target and renamed over it: a concurrent run
    # reads the old index or the new one, never a part of one.
    import tempfile

    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
    except OSError as error:
        log.info("index cache not written: %s", error.strerror)
        Path(temporary).unlink(missing_ok=True)
