"""Peer profiles: the far end of a tunnel when its config is not ours.

Many tunnels end at a partner's firewall or a cloud VPN gateway whose
config nobody here can read. What the partner agreed to (address, IKE
version, phase 1 and phase 2 proposals, PFS, the networks on each side,
whether a pre-shared key was exchanged) fits in a small TOML file:

    name = "partner-gw"
    address = "192.0.2.50"          # the partner's gateway
    ike_version = 1                 # 1 or 2
    platform = "generic"            # generic (IOS-like states), ios, asa
    pfs = 14                        # a DH group, or "none"
    key_given = true                # a pre-shared key was exchanged

    [[phase1]]
    encryption = "aes-256"
    hash = "sha1"                   # IKEv2: integrity, and prf
    group = 14
    lifetime = 28800

    [[phase2]]
    encryption = "aes-256"
    integrity = "sha1"
    lifetime = 3600

    [networks]                      # as the partner sees them
    local = ["172.20.0.0/16"]       # behind the partner's gateway
    remote = ["10.10.0.0/16"]       # behind ours

`load_profile` validates it; `profile_device` turns it into a `Device`
the simulation takes like any parsed config. The device is built by
writing the configuration such a peer would hold, in the syntax of its
platform, and reading it with asalint's own parser, so that defaults and
names are exactly a real device's; every origin then points back at the
line of the profile that said it, so findings cite the profile.

The key itself never belongs in a profile: with `key_given` the device
holds a masked key, and the prediction says that the keys could not be
compared.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from asalint.errors import UsageError
from asalint.model import Device, Origin
from asalint.negotiate.algorithms import cipher, digest
from asalint.results import PairResult
from asalint.source import mask_line

CIPHERS = ("des", "3des", "aes-128", "aes-192", "aes-256",
           "aes-gcm-128", "aes-gcm-256")
DIGESTS = ("md5", "sha1", "sha256", "sha384", "sha512")
GROUPS = (1, 2, 5, 14, 15, 16, 19, 20, 21, 24)
GCM = ("aes-gcm-128", "aes-gcm-256")


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _cipher(value: str) -> str:
    name = cipher(value)
    if name not in CIPHERS:
        raise ValueError(f"unknown encryption {value!r}; one of "
                         f"{', '.join(CIPHERS)}")
    return name


def _digest(value: str) -> str:
    name = digest(value)
    if name not in DIGESTS:
        raise ValueError(f"unknown algorithm {value!r}; one of "
                         f"{', '.join(DIGESTS)}")
    return name


def _group(value: int) -> int:
    if value not in GROUPS:
        raise ValueError(f"unknown DH group {value}; one of "
                         f"{', '.join(map(str, GROUPS))}")
    return value


class Phase1(_Strict):
    """One IKE proposal: IKEv1 names `hash`, IKEv2 `integrity` and `prf`."""

    encryption: str
    hash: str | None = None
    integrity: str | None = None
    group: int
    prf: str | None = None
    lifetime: int | None = Field(default=None, ge=60, le=2_592_000)

    _check_cipher = field_validator("encryption")(_cipher)
    _check_group = field_validator("group")(_group)

    @field_validator("hash", "integrity", "prf")
    @classmethod
    def _check_digest(cls, value: str | None) -> str | None:
        return None if value is None else _digest(value)

    @model_validator(mode="after")
    def _one_digest(self) -> Phase1:
        if self.hash and self.integrity and self.hash != self.integrity:
            raise ValueError("give hash or integrity, not both")
        if not (self.hash or self.integrity):
            raise ValueError("missing key 'hash' (IKEv2: 'integrity')")
        return self

    @property
    def digest(self) -> str:
        return self.integrity or self.hash or "sha1"


class Phase2(_Strict):
    """One IPsec (ESP) proposal; GCM carries its own integrity."""

    encryption: str
    integrity: str | None = None
    lifetime: int | None = Field(default=None, ge=120, le=2_592_000)

    _check_cipher = field_validator("encryption")(_cipher)

    @field_validator("integrity")
    @classmethod
    def _check_digest(cls, value: str | None) -> str | None:
        return None if value is None else _digest(value)

    @model_validator(mode="after")
    def _integrity_unless_gcm(self) -> Phase2:
        if self.integrity is None and self.encryption not in GCM:
            raise ValueError("missing key 'integrity'")
        return self


class Networks(_Strict):
    """Protected networks, as the partner sees them."""

    local: tuple[IPv4Network, ...] = Field(min_length=1)
    remote: tuple[IPv4Network, ...] = Field(min_length=1)


class PeerProfile(_Strict):
    """What the partner agreed to; see the module's docstring."""

    name: str | None = None
    address: IPv4Address
    peer: IPv4Address | None = None  # ours, as the partner names it
    ike_version: Literal[1, 2] = 1
    platform: Literal["generic", "ios", "asa"] = "generic"
    phase1: tuple[Phase1, ...] = Field(min_length=1)
    phase2: tuple[Phase2, ...] = Field(min_length=1)
    pfs: int | Literal["none"] = "none"
    key_given: bool = True
    networks: Networks

    @field_validator("pfs")
    @classmethod
    def _check_pfs(cls, value: int | str) -> int | str:
        return value if value == "none" else _group(int(value))

    @model_validator(mode="after")
    def _versions(self) -> PeerProfile:
        # AES-GCM protects IKE messages only in IKEv2; an ASA offers it
        # for ESP only in IKEv2 proposals as well.
        if self.ike_version == 2:
            return self
        for number, proposal in enumerate(self.phase1, 1):
            if proposal.encryption in GCM:
                raise ValueError(f"phase1 #{number}.encryption: AES-GCM "
                                 "needs IKEv2 (ike_version = 2)")
        for number, proposal in enumerate(self.phase2, 1):
            if self.platform == "asa" and proposal.encryption in GCM:
                raise ValueError(f"phase2 #{number}.encryption: an ASA "
                                 "offers AES-GCM with IKEv2 only")
        return self


# --- reading the file ----------------------------------------------------------


@dataclass(frozen=True)
class LoadedProfile:
    """A validated profile, and where each of its keys was written."""

    path: str
    profile: PeerProfile
    lines: ProfileLines


def load_profile(path: str) -> LoadedProfile:
    """Read and validate a profile; UsageError of one line if bad."""
    text = _read(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: not valid TOML: {error}") from None
    try:
        profile = PeerProfile.model_validate(data)
    except ValidationError as error:
        raise UsageError(f"{path}: {_problem(error)}") from None
    return LoadedProfile(path, profile, ProfileLines.of(text))


def _read(path: str) -> str:
    file = Path(path)
    if not file.is_file():
        problem = "is a directory" if file.is_dir() else "no such file"
        raise UsageError(f"{path}: {problem}")
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read: {error.strerror}") from None


def _problem(error: ValidationError) -> str:
    """The first error as `key: problem`, never quoting a value.

    A value could be a key someone put where it does not belong.
    """
    first = error.errors()[0]
    where = _dotted(first["loc"])
    if first["type"] == "extra_forbidden":
        return f"unknown key '{where}'"
    if first["type"] == "missing":
        return f"missing key '{where}'"
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] not in ("value_error", "assertion_error"):
        # pydantic's own messages describe the input, not echo it; keep
        # them to their first clause.
        message = message.split(",")[0]
    return f"{where}: {message}" if where else message


def _dotted(loc: tuple) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f" #{part + 1}"
        elif isinstance(part, str) and not part.startswith(("int", "literal")):
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True)
class ProfileLines:
    """1-based line of each key of a profile, for the origins.

    `keys` maps ("address",), ("phase1", 0, "group"), ("networks",
    "local") ... to the line of the key; `tables` maps ("phase1", 0) or
    ("networks",) to the line of the table's header.
    """

    text: tuple[str, ...]
    keys: dict[tuple, int] = field(default_factory=dict)
    tables: dict[tuple, int] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str) -> ProfileLines:
        lines = cls(tuple(text.split("\n")))
        counts: dict[str, int] = {}
        table: tuple = ()
        for number, line in enumerate(lines.text, 1):
            table = lines._read_line(line, number, table, counts)
        return lines

    def _read_line(self, line, number, table, counts) -> tuple:
        if match := _ARRAY_TABLE.match(line):
            name = match.group(1)
            counts[name] = counts.get(name, -1) + 1
            table = (name, counts[name])
            self.tables[table] = number
        elif match := _TABLE.match(line):
            table = (match.group(1),)
            self.tables[table] = number
        elif match := _KEY.match(line):
            self.keys.setdefault((*table, match.group(1)), number)
        return table

    def key(self, *path, default: int = 1) -> int:
        """The line of a key; else of the nearest key or table holding
        it (an inline table has no line per key); else `default`."""
        for length in range(len(path), 0, -1):
            prefix = path[:length]
            if prefix in self.keys:
                return self.keys[prefix]
            if prefix in self.tables:
                return self.tables[prefix]
        return default

    def cite(self, path: str, line: int) -> Origin:
        text = self.text[line - 1] if line <= len(self.text) else ""
        return Origin(path=path, line=line, text=mask_line(text))


_ARRAY_TABLE = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_-]+)\s*\]\]")
_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_-]+)\s*\]")
_KEY = re.compile(r"^\s*\"?([A-Za-z0-9_-]+)\"?\s*=")


# --- the device the profile stands for ---------------------------------------


def profile_device(loaded: LoadedProfile, local: Device) -> Device:
    """The peer's device, as the simulation sees a parsed config.

    `local` is our side: the profile's `peer` defaults to the address of
    the interface that `local` binds the crypto map naming the profile's
    address to.
    """
    from asalint.parse import parse_device
    from asalint.source import SourceText

    profile = loaded.profile
    peer = profile.peer or _our_address(loaded, local)
    name = profile.name or Path(loaded.path).stem
    written = _writer(profile.platform)(profile, peer, name)
    source = SourceText(loaded.path, tuple(text for text, _ in written))
    device = parse_device(source)

    keys = [key for _, key in written]

    def origin(old: Origin) -> Origin:
        line = loaded.lines.key(*keys[old.line - 1])
        return loaded.lines.cite(loaded.path, line)

    return _with_origins(device, origin)


def _our_address(loaded: LoadedProfile, local: Device) -> IPv4Address:
    address = loaded.profile.address
    for entry in local.crypto_maps:
        if address in entry.peers:
            for binding in local.bindings:
                if binding.map != entry.map:
                    continue
                interface = local.interface_by_name(binding.interface)
                if interface is not None and interface.address:
                    return interface.address.ip
    raise UsageError(
        f"{loaded.path}: peer: {local.path} has no crypto map entry for "
        f"{address} on an interface with an address; give `peer`, the "
        "address the partner connects to"
    )


def _with_origins(value: Any, origin: Callable[[Origin], Origin]) -> Any:
    """`value` with every Origin inside it replaced by `origin(it)`."""
    if isinstance(value, Origin):
        return origin(value)
    if isinstance(value, BaseModel):
        changes = {}
        for name in type(value).model_fields:
            old = getattr(value, name)
            new = _with_origins(old, origin)
            if new is not old:
                changes[name] = new
        return value.model_copy(update=changes) if changes else value
    if isinstance(value, tuple):
        items = tuple(_with_origins(item, origin) for item in value)
        return items if any(a is not b for a, b in zip(items, value,
                                                     strict=True)) else value
    if isinstance(value, dict):
        return {k: _with_origins(v, origin) for k, v in value.items()}
    return value


def _writer(platform: str):
    from asalint import profile_syntax

    return {
        "generic": profile_syntax.ios_lines,
        "ios": profile_syntax.ios_lines,
        "asa": profile_syntax.asa_lines,
    }[platform]


# --- the simulation --------------------------------------------------------------


def pair_with_profile(
    local: Device, profile_path: str
) -> tuple[PairResult, Device]:
    """Every tunnel between `local` and the profile's peer, each side
    initiating; the peer's device comes back for the report."""
    from asalint import api

    loaded = load_profile(profile_path)
    peer = profile_device(loaded, local)
    result = api.pair(local, peer)
    if loaded.profile.platform == "generic":
        # Fixes in a generic peer's "syntax" would be advice in a
        # language the partner's device may not speak.
        result = PairResult(
            tunnels=tuple(
                tunnel.model_copy(update={"fixes": tuple(
                    fix for fix in tunnel.fixes if fix.path != peer.path
                )})
                for tunnel in result.tunnels
            ),
            findings=result.findings,
        )
    return result, peer
