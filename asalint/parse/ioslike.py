"""What the IOS and the PIX 6 parsers share.

Both platforms write IKEv1 the same way (PIX 6 on one line, IOS in
blocks), keep keys per peer address rather than in tunnel-groups, and
print the same state names. This module holds the state a walk fills
(`LegacyState`), the drafts that later lines may still change (the later
of two contradictory lines wins, as on the device), the reading of a
pre-shared key, and the step that freezes it all into a `Device`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address

from asalint.model import (
    AclEntry,
    CryptoMapBinding,
    CryptoMapEntry,
    Device,
    Era,
    IkeV1Policy,
    IkeV2Policy,
    Interface,
    IpsecProposal,
    IsakmpProfile,
    KeyState,
    NatRule,
    NetworkObject,
    Origin,
    PeerKey,
    Platform,
    PreSharedKey,
    Route,
    Setting,
    TransformSet,
)
from asalint.parse.common import Collector, parse_ip
from asalint.parse.tree import Node
from asalint.source import MASKED_TOKENS

# --- keys ------------------------------------------------------------------


def _is_masked(word: str) -> bool:
    """`*****`, or the first word of a placeholder like `<removed>`."""
    if set(word) == {"*"}:
        return True
    lowered = word.lower()
    return lowered.startswith("<") and any(
        token.startswith(lowered) for token in MASKED_TOKENS
    )


def read_key(
    words: list[str], index: int, origin: Origin
) -> tuple[PreSharedKey, int] | None:
    """The key at `words[index]`, after an optional type digit.

    IOS type 6 is enciphered under the router's master key (`key
    config-key password-encryption`), so it can never be compared; type 0
    (or none) is the key itself. `show running-config` on PIX 6 prints
    `********`. Returns the key and the index after it.
    """
    if index >= len(words):
        return None

    kind = words[index]
    if kind in ("0", "6", "7") and index + 1 < len(words):
        key = _key_value(words, index + 1, origin)
        if key is None or kind == "0" or key[0].state == KeyState.MASKED:
            return key
        return PreSharedKey(state=KeyState.ENCRYPTED, origin=origin), key[1]
    return _key_value(words, index, origin)


def _key_value(
    words: list[str], index: int, origin: Origin
) -> tuple[PreSharedKey, int]:
    word = words[index]
    if not _is_masked(word):
        key = PreSharedKey(state=KeyState.PLAIN, value=word, origin=origin)
        return key, index + 1

    # `<secret hidden>` is two words once the line is split.
    end = index + 1
    if word.startswith("<"):
        while end < len(words) and not words[end - 1].endswith(">"):
            end += 1
    return PreSharedKey(state=KeyState.MASKED, origin=origin), end


# --- drafts ----------------------------------------------------------------


@dataclass
class PolicyDraft:
    """An IKEv1 policy: a block on IOS, one-line commands on PIX 6."""

    priority: int
    origin: Origin
    settings: dict[str, Setting] = field(default_factory=dict)


@dataclass
class EntryDraft:
    """A crypto map or dynamic-map entry, as its lines arrive."""

    map: str
    sequence: int
    dynamic: bool
    origin: Origin
    values: dict[str, object] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)

    def set(self, attribute: str, origin: Origin, **values: object) -> None:
        self.values.update(values)
        self.origins[attribute] = origin


@dataclass
class NatDraft:
    """An `ip nat inside source` line, expanded once ACLs are known."""

    node: Node
    static: bool


@dataclass
class RouteMapClause:
    name: str
    sequence: int
    permit: bool
    origin: Origin
    acls: list[str] = field(default_factory=list)


@dataclass
class ProposalDraft:
    """An IOS `crypto ikev2 proposal`: lists in the ASA's words."""

    origin: Origin
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class Ikev2Drafts:
    """IOS IKEv2 proposals and the policies that name them."""

    proposals: dict[str, ProposalDraft] = field(default_factory=dict)
    policies: dict[str, list[str]] = field(default_factory=dict)
    no_default: Origin | None = None


@dataclass
class AggressiveDraft:
    """IOS: how entries toward a peer, or naming an ISAKMP profile,
    start phase 1 and which identity they send."""

    aggressive: Origin | None = None  # the line that asks for it
    identity: Setting | None = None


@dataclass
class LegacyState:
    """Everything a walk of an IOS or PIX 6 config gathers."""

    collector: Collector
    platform: Platform
    era: Era
    version: str | None = None
    hostname: str | None = None
    domain_name: str | None = None

    interfaces: dict[str, Interface] = field(default_factory=dict)
    names: dict[str, IPv4Address] = field(default_factory=dict)
    objects: dict[str, NetworkObject] = field(default_factory=dict)
    group_nodes: list[Node] = field(default_factory=list)
    access_groups: dict[str, str] = field(default_factory=dict)  # IF: ACL
    acls: dict[str, list[AclEntry]] = field(default_factory=dict)
    nat_drafts: list[NatDraft] = field(default_factory=list)
    route_maps: dict[str, list[RouteMapClause]] = field(default_factory=dict)
    nat_rules: list[NatRule] = field(default_factory=list)
    # IOS `ip nat inside|outside` interfaces, and the one interface of
    # each side when there is exactly one (what a NatRule can name).
    nat_sides: dict[str, list[str]] = field(default_factory=dict)
    nat_interfaces: dict[str, str | None] = field(default_factory=dict)
    nat_control: bool = False
    routes: list[Route] = field(default_factory=list)

    ikev1_policies: dict[int, PolicyDraft] = field(default_factory=dict)
    ikev2_policies: list[IkeV2Policy] = field(default_factory=list)
    ikev1_interfaces: dict[str, Origin] = field(default_factory=dict)
    ikev2_interfaces: dict[str, Origin] = field(default_factory=dict)
    settings: dict[str, Setting] = field(default_factory=dict)
    ike_disabled: Origin | None = None  # `no crypto isakmp [enable]`
    no_default_policies: Origin | None = None
    sa_lifetimes: dict[str, Setting] = field(default_factory=dict)
    transform_sets: dict[str, TransformSet] = field(default_factory=dict)
    ipsec_proposals: dict[str, IpsecProposal] = field(default_factory=dict)
    entries: dict[tuple[str, int, bool], EntryDraft] = field(
        default_factory=dict
    )
    map_settings: dict[str, dict[str, tuple[object, Origin]]] = field(
        default_factory=dict
    )
    bindings: list[CryptoMapBinding] = field(default_factory=list)
    peer_keys: list[PeerKey] = field(default_factory=list)
    profiles: dict[str, IsakmpProfile] = field(default_factory=dict)
    ikev2: Ikev2Drafts = field(default_factory=Ikev2Drafts)
    # "peer A" / "profile P" -> aggressive mode and identity (IOS)
    aggressive: dict[str, AggressiveDraft] = field(default_factory=dict)
    xauth: bool = False

    @property
    def path(self) -> str:
        return self.collector.path

    def origin(self, node: Node) -> Origin:
        return self.collector.origin(node)

    def address(self, word: str) -> IPv4Address | None:
        """An address literal, or a PIX `name` that stands for one."""
        return parse_ip(word) or self.names.get(word)

    def group_by_name(self, name: str) -> Node | None:
        for node in self.group_nodes:
            if node.words[2] == name:
                return node
        return None

    def entry(
        self, name: str, sequence: int, dynamic: bool, node: Node
    ) -> EntryDraft:
        """The draft of `name sequence`, created by its first line."""
        key = (name, sequence, dynamic)
        if key not in self.entries:
            self.entries[key] = EntryDraft(
                name, sequence, dynamic, self.origin(node)
            )
        return self.entries[key]

    def policy(self, priority: int, node: Node) -> PolicyDraft:
        if priority not in self.ikev1_policies:
            self.ikev1_policies[priority] = PolicyDraft(
                priority, self.origin(node)
            )
        return self.ikev1_policies[priority]


# --- freezing --------------------------------------------------------------

# IKEv1 policy values where a line is absent. IOS and PIX 6 agree: the
# table of IKE policy parameters in Cisco's "Configuring Internet Key
# Exchange Security Protocol" (IOS Security Configuration Guide) gives
# 56-bit DES-CBC, SHA-1, RSA signatures, 768-bit Diffie-Hellman (group 1)
# and 86,400 seconds as the defaults; PIX 6.3 `isakmp policy` uses the
# same values.
IKEV1_POLICY_DEFAULTS: dict[str, str | int] = {
    "encryption": "des",
    "hash": "sha",
    "authentication": "rsa-sig",
    "group": 1,
    "lifetime": 86400,
}


def freeze_policy(state: LegacyState, draft: PolicyDraft) -> IkeV1Policy:
    """The policy with every absent value filled in as a default."""
    settings = dict(draft.settings)
    for name, value in IKEV1_POLICY_DEFAULTS.items():
        if name not in settings:
            settings[name] = Setting(value=value)
            state.collector.default(
                f"ikev1-policy-{draft.priority}-{name}", str(value)
            )
    return IkeV1Policy(priority=draft.priority, origin=draft.origin, **settings)


def freeze_entry(state: LegacyState, draft: EntryDraft) -> CryptoMapEntry:
    values = dict(draft.values)
    origins = dict(draft.origins)
    for name, (value, origin) in state.map_settings.get(draft.map, {}).items():
        values.setdefault(name, value)
        origins.setdefault(name, origin)
    return CryptoMapEntry(
        map=draft.map,
        sequence=draft.sequence,
        dynamic=draft.dynamic,
        origin=draft.origin,
        attribute_origins=origins,
        **values,
    )


def fill_lifetimes(state: LegacyState, seconds: int) -> None:
    """Entries without an SA lifetime take the global one, else the
    platform's default (IOS 3,600 s, PIX 6 28,800 s; 4,608,000 KB on
    both)."""
    defaults = {"seconds": seconds, "kilobytes": 4608000}
    for unit, value in defaults.items():
        field_name = f"lifetime_{unit}"
        setting = state.sa_lifetimes.get(unit) or Setting(value=value)
        for draft in state.entries.values():
            if field_name in draft.values:
                continue
            draft.values[field_name] = setting
            if setting.origin is not None:
                draft.origins.setdefault("lifetime", setting.origin)
        if unit not in state.sa_lifetimes and state.entries:
            state.collector.default(f"ipsec-sa-lifetime-{unit}", str(value))


def connected_routes(state: LegacyState, device_key) -> list[Route]:
    """A route per addressed interface that is up (origin None)."""
    routes = []
    for interface in state.interfaces.values():
        if interface.address is None or interface.shutdown:
            continue
        routes.append(
            Route(
                interface=device_key(interface),
                network=interface.address.network,
                distance=0,
            )
        )
    return routes


def freeze(state: LegacyState) -> Device:
    """The frozen `Device`; drafts become model elements here."""
    entries = [freeze_entry(state, d) for d in state.entries.values()]
    entries.sort(key=lambda entry: (entry.map, entry.sequence))
    policies = [freeze_policy(state, d) for d in state.ikev1_policies.values()]
    policies.sort(key=lambda policy: policy.priority)

    device = Device(
        path=state.path,
        hostname=state.hostname,
        domain_name=state.domain_name,
        platform=state.platform,
        version=state.version,
        era=state.era,
        interfaces=tuple(state.interfaces.values()),
        names=state.names,
        objects=state.objects,
        acls={name: tuple(acl) for name, acl in state.acls.items()},
        nat_rules=tuple(state.nat_rules),
        nat_control=state.nat_control,
        ikev1_policies=tuple(policies),
        ikev2_policies=tuple(state.ikev2_policies),
        ikev1_interfaces=state.ikev1_interfaces,
        ikev2_interfaces=state.ikev2_interfaces,
        transform_sets=state.transform_sets,
        ipsec_proposals=state.ipsec_proposals,
        crypto_maps=tuple(e for e in entries if not e.dynamic),
        dynamic_maps=tuple(e for e in entries if e.dynamic),
        bindings=tuple(state.bindings),
        peer_keys=tuple(state.peer_keys),
        isakmp_profiles=state.profiles,
        xauth=state.xauth,
        **state.settings,
    )
    routes = connected_routes(state, device.interface_key) + state.routes
    collector = state.collector
    return device.model_copy(
        update={
            "routes": tuple(routes),
            "defaults": tuple(collector.defaults.values()),
            "unparsed": tuple(collector.unparsed),
            "notes": tuple(collector.notes),
        }
    )


# --- small readers ---------------------------------------------------------


def to_int(word: str | None) -> int | None:
    if word is None or not word.isdigit():
        return None
    return int(word)


def first_word_index(words: list[str], *wanted: str) -> int | None:
    """Index of the first of `wanted` in `words`, None when absent."""
    for index, word in enumerate(words):
        if word.lower() in wanted:
            return index
    return None
