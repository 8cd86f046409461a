"""Algorithm names and the platform defaults that decide a negotiation.

The parsers keep values as the config spells them (`aes 256`, `aes-256`,
`sha`, `group14`, `esp-aes 256`, `esp-sha-hmac`); the simulation compares
canonical names from here. Built-in policies and PFS defaults are tables
per platform and era, not `if` ladders.
"""

from __future__ import annotations

from dataclasses import dataclass

from asalint.model import Device, Era, IkeV1Policy, Platform, TransformSet

# --- canonical names -------------------------------------------------------

_CIPHERS = {
    "des": "des",
    "3des": "3des",
    "aes": "aes-128",
    "aes-128": "aes-128",
    "aes128": "aes-128",
    "aes-192": "aes-192",
    "aes192": "aes-192",
    "aes-256": "aes-256",
    "aes256": "aes-256",
    "null": "null",
    "gcm": "aes-gcm-128",
    "aes-gcm": "aes-gcm-128",
    "gcm-128": "aes-gcm-128",
    "aes-gcm-128": "aes-gcm-128",
    "gcm-192": "aes-gcm-192",
    "aes-gcm-192": "aes-gcm-192",
    "gcm-256": "aes-gcm-256",
    "aes-gcm-256": "aes-gcm-256",
    "gmac": "aes-gmac-128",
    "aes-gmac": "aes-gmac-128",
    "aes-gmac-192": "aes-gmac-192",
    "aes-gmac-256": "aes-gmac-256",
    "gmac-256": "aes-gmac-256",
}

_DIGESTS = {
    "sha": "sha1",
    "sha1": "sha1",
    "sha-1": "sha1",
    "md5": "md5",
    "sha256": "sha256",
    "sha-256": "sha256",
    "sha384": "sha384",
    "sha-384": "sha384",
    "sha512": "sha512",
    "sha-512": "sha512",
    "none": None,
    "null": None,
}

_AUTH = {
    "pre-share": "pre-share",
    "preshare": "pre-share",
    "pre-shared": "pre-share",
    "rsa-sig": "rsa-sig",
    "rsa-encr": "rsa-encr",
    "ecdsa-sig": "ecdsa-sig",
    "crack": "crack",
}


def _word(value: object) -> str:
    return str(value).strip().lower().replace(" ", "-").replace("_", "-")


def cipher(value: object) -> str:
    """`aes 256`, `aes-256`, `esp-aes 256` -> `aes-256`."""
    word = _word(value).removeprefix("esp-").replace("-cbc", "")
    return _CIPHERS.get(word, word)


def digest(value: object) -> str | None:
    """`sha`, `esp-sha-hmac` -> `sha1`; `esp-none` -> None."""
    word = _word(value).removeprefix("esp-").removesuffix("-hmac")
    return _DIGESTS.get(word, word)


def dh_group(value: object) -> int | None:
    """`group14`, `14` -> 14; None or text that names no group -> None."""
    if value is None:
        return None
    word = _word(value).removeprefix("group").strip("-")
    return int(word) if word.isdigit() else None


def authentication(value: object) -> str:
    word = _word(value)
    return _AUTH.get(word, word)


@dataclass(frozen=True)
class Suite:
    """An IKE policy reduced to what must be equal on both sides."""

    encryption: str
    hash: str | None
    group: int | None
    authentication: str

    def weak(self) -> bool:
        return (
            self.encryption in WEAK_CIPHERS
            or self.hash in WEAK_DIGESTS
            or self.group in WEAK_GROUPS
        )


def suite(policy: IkeV1Policy) -> Suite:
    return Suite(
        cipher(policy.encryption.value),
        digest(policy.hash.value),
        dh_group(policy.group.value),
        authentication(policy.authentication.value),
    )


@dataclass(frozen=True)
class Transform:
    """A transform set reduced to what must be equal on both sides."""

    encryption: str | None
    integrity: str | None
    mode: str


def transform(transform_set: TransformSet) -> Transform:
    encryption = transform_set.esp_encryption
    integrity = transform_set.esp_integrity
    return Transform(
        cipher(encryption) if encryption else None,
        digest(integrity) if integrity else None,
        _word(transform_set.mode.value or "tunnel"),
    )


# IOS XE 17.11 and later refuse these unless weak crypto is allowed.
WEAK_CIPHERS = frozenset({"des", "3des"})
WEAK_DIGESTS = frozenset({"md5"})
WEAK_GROUPS = frozenset({1, 2, 5})

# --- built-in IKE policies -------------------------------------------------


@dataclass(frozen=True)
class BuiltInPolicy:
    priority: int
    suite: Suite
    lifetime: int = 86400


def _builtin(priority: int, *fields: object) -> BuiltInPolicy:
    encryption, hash_, group, auth = fields
    return BuiltInPolicy(priority, Suite(encryption, hash_, group, auth))


# Before 8.4 the ASA (and PIX 7) keeps one lowest-priority policy with
# rsa-sig authentication, so it never matches a pre-share policy.
ASA_BUILTIN = (_builtin(65535, "3des", "sha1", 2, "rsa-sig"),)

# PIX 6 `isakmp policy` defaults: des, sha, rsa-sig, group 1.
PIX6_BUILTIN = (_builtin(65535, "des", "sha1", 1, "rsa-sig"),)

# IOS 12.4(20)T and later: eight default suites, used only when no
# `crypto isakmp policy` is configured (`show crypto isakmp default
# policy`). Older releases had one: des, sha, rsa-sig, group 1.
IOS_DEFAULT_SUITES = tuple(
    _builtin(priority, encryption, hash_, group, auth)
    for priority, encryption, hash_, group, auth in (
        (65507, "aes-128", "sha1", 5, "rsa-sig"),
        (65508, "aes-128", "sha1", 5, "pre-share"),
        (65509, "aes-128", "md5", 5, "rsa-sig"),
        (65510, "aes-128", "md5", 5, "pre-share"),
        (65511, "3des", "sha1", 2, "rsa-sig"),
        (65512, "3des", "sha1", 2, "pre-share"),
        (65513, "3des", "md5", 2, "rsa-sig"),
        (65514, "3des", "md5", 2, "pre-share"),
    )
)
IOS_OLD_DEFAULT = (_builtin(65535, "des", "sha1", 1, "rsa-sig"),)


@dataclass(frozen=True)
class BuiltIns:
    """The policies a device uses beside (or instead of) its own."""

    policies: tuple[BuiltInPolicy, ...]
    only_when_none: bool  # IOS: defaults vanish once one is configured
    why: str


def builtin_policies(device: Device) -> BuiltIns:
    if device.era == Era.ASA84:
        return BuiltIns((), False, "ASA 8.4 and later have no default")
    if device.era == Era.PIX6:
        return BuiltIns(PIX6_BUILTIN, False, "PIX 6 default policy")
    if device.platform == Platform.IOS:
        return _ios_builtins(device.version)
    return BuiltIns(ASA_BUILTIN, False, "built-in rsa-sig policy 65535")


def _ios_builtins(version: str | None) -> BuiltIns:
    if version and _older_than(version, (12, 4, 20)):
        return BuiltIns(IOS_OLD_DEFAULT, True, "IOS default policy")
    return BuiltIns(
        IOS_DEFAULT_SUITES, True, "IOS default policies 65507-65514"
    )


def version_tuple(version: str) -> tuple[int, ...]:
    """`9.8(4)22` -> (9, 8, 4, 22); `12.4(20)T` -> (12, 4, 20)."""
    numbers: list[int] = []
    digits = ""
    for char in version:
        if char.isdigit():
            digits += char
            continue
        if digits:
            numbers.append(int(digits))
            digits = ""
        if char.isalpha() and len(numbers) >= 2:
            break
    if digits:
        numbers.append(int(digits))
    return tuple(numbers)


def _older_than(version: str, reference: tuple[int, ...]) -> bool:
    found = version_tuple(version)
    return bool(found) and found < reference


# --- PFS -------------------------------------------------------------------


@dataclass(frozen=True)
class PfsDefault:
    """What a bare `set pfs` means on a platform."""

    offers: int  # the group proposed as initiator
    accepts: frozenset[int]  # groups accepted as responder
    uncertain: bool
    why: str


# The ASA has documented group2 for a bare `set pfs`; releases from 9.13
# on are said to differ (deprecations of group 2), so it is uncertain
# there. An IOS responder with a bare `set pfs` accepts group1 or group2.
_ASA_PFS = PfsDefault(2, frozenset({2}), False, "bare set pfs is group2")
_ASA_PFS_RECENT = PfsDefault(
    2, frozenset({2}), True, "bare set pfs taken as group2 on recent 9.x"
)
_IOS_PFS = PfsDefault(1, frozenset({1, 2}), False, "bare set pfs is group1")
RECENT_ASA = (9, 13)


def pfs_default(device: Device) -> PfsDefault:
    if device.platform == Platform.IOS or device.era == Era.PIX6:
        return _IOS_PFS
    if device.era != Era.ASA84:
        return _ASA_PFS
    version = version_tuple(device.version or "")
    if not version or version >= RECENT_ASA:
        return _ASA_PFS_RECENT
    return _ASA_PFS


# --- IPsec SA lifetime -----------------------------------------------------

IPSEC_LIFETIME = {Platform.ASA: 28800, Platform.PIX: 28800, Platform.IOS: 3600}


# --- IKEv2 -----------------------------------------------------------------

AEAD = frozenset(
    {"aes-gcm-128", "aes-gcm-192", "aes-gcm-256", "aes-gmac-128"}
    | {"aes-gmac-192", "aes-gmac-256"}
)


@dataclass(frozen=True)
class V2Proposal:
    """An IKEv2 proposal: lists are unions within the one proposal.

    `groups` keeps the configured order: the initiator's key exchange
    uses its first group. An AEAD cipher carries no integrity (None).
    """

    encryptions: frozenset[str]
    integrities: frozenset[str | None]
    prfs: frozenset[str | None]
    groups: tuple[int, ...]
    priority: int = 0

    def shares(self, other: V2Proposal) -> bool:
        """A common value for every transform type."""
        return bool(
            self.encryptions & other.encryptions
            and self.integrities & other.integrities
            and self.prfs & other.prfs
            and set(self.groups) & set(other.groups)
        )

    def without_weak(self) -> V2Proposal:
        return V2Proposal(
            self.encryptions - WEAK_CIPHERS,
            self.integrities - WEAK_DIGESTS,
            self.prfs - WEAK_DIGESTS,
            tuple(g for g in self.groups if g not in WEAK_GROUPS),
            self.priority,
        )


def v2_proposal(
    priority: int,
    encryptions: tuple[str, ...],
    integrities: tuple[str, ...],
    prfs: tuple[str, ...],
    groups: tuple[str, ...],
) -> V2Proposal:
    ciphers = frozenset(cipher(value) for value in encryptions)
    aead = bool(ciphers) and ciphers <= AEAD
    digests = frozenset(digest(value) for value in integrities)
    return V2Proposal(
        ciphers,
        frozenset({None}) if aead else digests,
        frozenset(digest(value) for value in prfs) or digests,
        tuple(g for g in (dh_group(value) for value in groups) if g),
        priority,
    )


# IOS smart defaults: the `default` proposal, used when no user policy is
# configured. Contents differ by release (field reports, no Cisco table):
# IOS 15.x, and a recent IOS XE.
IOS_15_DEFAULT = v2_proposal(
    0,
    ("aes-256", "aes-192", "aes-128"),
    ("sha512", "sha384", "sha256", "sha1", "md5"),
    (),
    ("5", "2"),
)
IOS_XE_DEFAULT = v2_proposal(
    0, ("aes-256",), ("sha512", "sha384"), (), ("19", "14", "21", "5")
)


def ios_default_v2(version: str | None) -> V2Proposal:
    found = version_tuple(version or "")
    if found and found[0] < 16:
        return IOS_15_DEFAULT
    return IOS_XE_DEFAULT


@dataclass(frozen=True)
class ChildProposal:
    """An IKEv2 child SA proposal (ASA ipsec-proposal, IOS transform set)."""

    encryptions: frozenset[str]
    integrities: frozenset[str | None]

    def shares(self, other: ChildProposal) -> bool:
        return bool(
            self.encryptions & other.encryptions
            and self.integrities & other.integrities
        )


def child_proposal(
    encryptions: tuple[str, ...], integrities: tuple[str, ...]
) -> ChildProposal:
    ciphers = frozenset(cipher(value) for value in encryptions)
    if ciphers and ciphers <= AEAD:
        return ChildProposal(ciphers, frozenset({None}))
    return ChildProposal(
        ciphers, frozenset(digest(value) for value in integrities)
    )
