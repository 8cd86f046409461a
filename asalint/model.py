"""The device model: what a parsed ASA, PIX or IOS config says about VPNs.

Every model is frozen and forbids unknown fields. Every element that came
from a config line carries its `Origin` (file, 1-based line, the text with
secrets masked) so that a finding can point at the line to change. Values
the device applies when a line is absent are filled in by the parser and
recorded in `Device.defaults`, so a prediction can say it hangs on one.
"""

from __future__ import annotations

from enum import StrEnum
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from pydantic import BaseModel, ConfigDict, SecretStr


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Origin(Frozen):
    """Where an element came from. `text` never holds a secret."""

    path: str
    line: int
    text: str

    def cite(self) -> str:
        return f"{self.path}:{self.line} {self.text.strip()}"


# --- platform --------------------------------------------------------------


class Platform(StrEnum):
    ASA = "asa"
    PIX = "pix"
    IOS = "ios"


class Era(StrEnum):
    """Syntax era; decides defaults, NAT order and command spellings."""

    PIX6 = "pix6"
    ASA_PRE83 = "asa-pre-8.3"  # PIX 7.x/8.x and ASA 7.0 to 8.2
    ASA83 = "asa-8.3"  # 8.3: object NAT, still `crypto isakmp`
    ASA84 = "asa-8.4+"  # 8.4 and later: `crypto ikev1`, no default policy
    IOS = "ios"


class Setting(Frozen):
    """A scalar setting, either from a line or a device default."""

    value: str | int | bool | None
    origin: Origin | None = None

    @property
    def is_default(self) -> bool:
        return self.origin is None


class DefaultUsed(Frozen):
    """A setting the device applies when its line is absent."""

    setting: str
    value: str
    uncertain: bool = False


class Unparsed(Frozen):
    """A line asalint recognised but could not read, or does not model."""

    origin: Origin
    reason: str
    recognised: bool = False


# --- addresses -------------------------------------------------------------


class Interface(Frozen):
    hardware: str
    nameif: str | None = None
    security_level: int | None = None
    address: IPv4Interface | None = None
    standby: IPv4Address | None = None
    shutdown: bool = False
    crypto_map: str | None = None  # IOS: `crypto map M` under the interface
    access_group_in: str | None = None
    origin: Origin
    address_origin: Origin | None = None
    # `dhcp`, `pppoe` or `negotiated`: the provider assigns the address,
    # which the config cannot tell; the interface still sends IKE.
    assigned_address: str | None = None


class NetworkObject(Frozen):
    """`object network`, `object-group network` or a `name`.

    `networks` is the resolved set (nested groups and ranges expanded);
    `unresolved` lists member names the config never defines.
    """

    name: str
    kind: str  # name | object | group
    networks: tuple[IPv4Network, ...] = ()
    unresolved: tuple[str, ...] = ()
    fqdn: str | None = None
    origin: Origin


class AclEntry(Frozen):
    """One access-list entry, with object and group references resolved.

    An entry written with groups stands for every combination of its
    source and destination members, as the ASA expands it.
    """

    acl: str
    action: str  # permit | deny
    protocol: str  # ip | tcp | udp | icmp | a number | an object name
    source: tuple[IPv4Network, ...]
    destination: tuple[IPv4Network, ...]
    source_port: str | None = None
    destination_port: str | None = None
    inactive: bool = False
    references: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()
    # IOS `A W` pairs whose wildcard is no prefix (often a subnet mask
    # typed where IOS wants a wildcard): they match no single network and
    # add nothing to `source` / `destination`.
    bad_wildcards: tuple[str, ...] = ()
    origin: Origin


class NatKind(StrEnum):
    IDENTITY = "identity"  # exemption: real and mapped are the same
    TRANSLATE = "translate"


class NatRule(Frozen):
    """A NAT rule, normalised across eras.

    `section` and `position` give the device's evaluation order (lowest
    first): ASA 8.3+ manual NAT = 1, object NAT = 2, after-auto = 3;
    before 8.3 `nat 0 access-list` = 1, `static` = 2, `nat`/`global` = 3;
    IOS `ip nat inside source` = 1. `destination` empty means any.
    """

    section: int
    position: int
    kind: NatKind
    real_interface: str | None = None  # None: any
    mapped_interface: str | None = None
    source: tuple[IPv4Network, ...] = ()
    destination: tuple[IPv4Network, ...] = ()
    route_lookup: bool = False
    inactive: bool = False
    origin: Origin


class Route(Frozen):
    interface: str | None  # nameif (ASA) or interface name (IOS); None
    network: IPv4Network
    gateway: IPv4Address | None = None
    distance: int = 1
    origin: Origin | None = None  # None: connected route


# --- IKE -------------------------------------------------------------------


class IkeV1Policy(Frozen):
    priority: int
    authentication: Setting
    encryption: Setting
    hash: Setting
    group: Setting
    lifetime: Setting
    origin: Origin


class IkeV2Policy(Frozen):
    """`attribute_origins` maps `encryption`, `integrity`, `group`, `prf`
    to the line that set it, where the parser kept it."""

    priority: int
    encryptions: tuple[str, ...]
    integrities: tuple[str, ...]
    groups: tuple[str, ...]
    prfs: tuple[str, ...] = ()
    lifetime: Setting
    origin: Origin
    attribute_origins: dict[str, Origin] = {}


class TransformSet(Frozen):
    """IKEv1 transform set; `esp_integrity` None for GCM or `esp-none`."""

    name: str
    esp_encryption: str | None
    esp_integrity: str | None
    ah: str | None = None
    mode: Setting
    origin: Origin


class IpsecProposal(Frozen):
    """IKEv2 `ipsec-proposal` (ASA) or IOS IKEv2 transform set.

    `attribute_origins` maps `encryption` / `integrity` to the line that
    set it (` protocol esp encryption ...`).
    """

    name: str
    encryptions: tuple[str, ...]
    integrities: tuple[str, ...]
    origin: Origin
    attribute_origins: dict[str, Origin] = {}


class KeyState(StrEnum):
    ABSENT = "absent"
    PLAIN = "plain"
    MASKED = "masked"
    ENCRYPTED = "encrypted"


class PreSharedKey(Frozen):
    """A key as the config holds it; the value never leaves memory."""

    state: KeyState
    value: SecretStr | None = None
    origin: Origin | None = None

    def equals(self, other: PreSharedKey) -> bool | None:
        """True or False when both are plain, None when unknown."""
        if self.state != KeyState.PLAIN or other.state != KeyState.PLAIN:
            return None
        assert self.value is not None and other.value is not None
        mine = self.value.get_secret_value()
        return mine == other.value.get_secret_value()


NO_KEY = PreSharedKey(state=KeyState.ABSENT)


class TunnelGroup(Frozen):
    name: str
    type: str | None = None  # ipsec-l2l | remote-access | ...
    ikev1_key: PreSharedKey = NO_KEY
    ikev2_local_key: PreSharedKey = NO_KEY
    ikev2_remote_key: PreSharedKey = NO_KEY
    peer_id_validate: str | None = None
    default_group_policy: str | None = None
    origin: Origin
    type_origin: Origin | None = None


class PeerKey(Frozen):
    """IOS `crypto isakmp key`, keyring entries, PIX 6 `isakmp key`."""

    peer: IPv4Network | None  # None: a hostname key
    hostname: str | None = None
    key: PreSharedKey
    no_xauth: bool = False
    keyring: str | None = None
    ikev2: bool = False
    direction: str | None = None  # IKEv2: local | remote; None: both
    origin: Origin


class IsakmpProfile(Frozen):
    """IOS ISAKMP or IKEv2 profile: which peers it matches, which keys."""

    name: str
    ikev2: bool = False
    keyrings: tuple[str, ...] = ()
    match_addresses: tuple[IPv4Network, ...] = ()
    local_auth: str | None = None
    remote_auth: str | None = None
    origin: Origin
    # `match` -> the first ` match identity ...` line, `keyring` -> ...
    attribute_origins: dict[str, Origin] = {}


class CryptoMapEntry(Frozen):
    """A static crypto map entry, or one entry of a dynamic map.

    `attribute_origins` maps an attribute name (`peer`, `match`,
    `transform-set`, `pfs`, ...) to the line that set it.
    """

    map: str
    sequence: int
    dynamic: bool = False  # an entry of a `crypto dynamic-map`
    dynamic_map: str | None = None  # `ipsec-isakmp dynamic NAME`
    acl: str | None = None
    peers: tuple[IPv4Address, ...] = ()
    peer_hostnames: tuple[str, ...] = ()
    transform_sets: tuple[str, ...] = ()
    ikev2_proposals: tuple[str, ...] = ()
    pfs: Setting = Setting(value=None)  # None: off; else `group14` ...
    pfs_bare: bool = False  # bare `set pfs`: the group is the default
    lifetime_seconds: Setting = Setting(value=None)
    lifetime_kilobytes: Setting = Setting(value=None)
    connection_type: Setting = Setting(value="bidirectional")
    phase1_mode: Setting = Setting(value="main")
    nat_t_disable: bool = False
    reverse_route: bool = False
    isakmp_profile: str | None = None  # IOS
    ikev2_profile: str | None = None  # IOS `set ikev2-profile`: IKEv2
    local_address: str | None = None  # IOS `crypto map M local-address IF`
    # The ISAKMP identity this entry sends when it is not the device's
    # global one: IOS `set aggressive-mode client-endpoint` of a `crypto
    # isakmp peer`, or the `self-identity` of the entry's ISAKMP profile.
    # Values as `isakmp_identity` holds them (`address`, `fqdn NAME` ...).
    local_identity: Setting | None = None
    origin: Origin
    attribute_origins: dict[str, Origin] = {}

    @property
    def label(self) -> str:
        return f"{self.map} {self.sequence}"


class CryptoMapBinding(Frozen):
    map: str
    interface: str  # nameif on ASA/PIX, interface name on IOS
    origin: Origin


class GroupPolicy(Frozen):
    name: str
    vpn_filter: str | None = None
    # `vpn-tunnel-protocol ikev1 ikev2 ...`; None: not set here, so the
    # policy inherits DfltGrpPolicy's list.
    vpn_tunnel_protocols: tuple[str, ...] | None = None
    vpn_tunnel_protocol_origin: Origin | None = None
    origin: Origin


# --- the device ------------------------------------------------------------


class Device(Frozen):
    path: str
    hostname: str | None = None
    # `domain-name` (ASA, PIX 6) or `ip domain name` (IOS): with the
    # host name it makes the FQDN a `hostname` ISAKMP identity carries.
    domain_name: str | None = None
    platform: Platform
    version: str | None = None
    era: Era
    interfaces: tuple[Interface, ...] = ()
    names: dict[str, IPv4Address] = {}
    objects: dict[str, NetworkObject] = {}
    acls: dict[str, tuple[AclEntry, ...]] = {}
    nat_rules: tuple[NatRule, ...] = ()
    nat_control: bool = False
    routes: tuple[Route, ...] = ()
    ikev1_policies: tuple[IkeV1Policy, ...] = ()
    ikev2_policies: tuple[IkeV2Policy, ...] = ()
    ikev1_interfaces: dict[str, Origin] = {}  # nameif -> enabling line
    ikev2_interfaces: dict[str, Origin] = {}
    # `auto`, `address`, `hostname`, `dn`, or `key-id NAME` with its name
    isakmp_identity: Setting = Setting(value="auto")
    nat_traversal: Setting = Setting(value=True)
    aggressive_mode_disabled: Setting = Setting(value=False)
    weak_crypto_allowed: Setting = Setting(value=True)  # IOS XE 17.11+
    transform_sets: dict[str, TransformSet] = {}
    ipsec_proposals: dict[str, IpsecProposal] = {}
    crypto_maps: tuple[CryptoMapEntry, ...] = ()
    dynamic_maps: tuple[CryptoMapEntry, ...] = ()
    bindings: tuple[CryptoMapBinding, ...] = ()
    tunnel_groups: dict[str, TunnelGroup] = {}
    peer_keys: tuple[PeerKey, ...] = ()
    isakmp_profiles: dict[str, IsakmpProfile] = {}
    group_policies: dict[str, GroupPolicy] = {}
    permit_vpn: Setting = Setting(value=True)
    xauth: bool = False  # IOS: a crypto map asks for Xauth
    # ACL name -> the first line outside crypto maps that names it
    # (access-group, NAT, class-map, route-map, vpn-filter, split tunnel,
    # access-class, capture ...): an ACL in none of these and in no
    # crypto map is unused.
    acl_uses: dict[str, Origin] = {}
    # Transform set or IKEv2 proposal name -> the first line outside
    # crypto maps that names it (`crypto ipsec profile` for VTIs): one
    # in none of these and in no crypto map entry is unused.
    transform_set_uses: dict[str, Origin] = {}
    defaults: tuple[DefaultUsed, ...] = ()
    unparsed: tuple[Unparsed, ...] = ()
    notes: tuple[str, ...] = ()

    # Lookups the simulation needs often; cheap enough to compute on use.

    def interface_by_name(self, name: str) -> Interface | None:
        for interface in self.interfaces:
            if name in (interface.nameif, interface.hardware):
                return interface
        return None

    def owns_address(self, address: IPv4Address) -> Interface | None:
        for interface in self.interfaces:
            if interface.address and interface.address.ip == address:
                return interface
        return None

    def standby_owner(self, address: IPv4Address) -> Interface | None:
        for interface in self.interfaces:
            if interface.standby == address:
                return interface
        return None

    def interface_key(self, interface: Interface) -> str:
        """How crypto bindings and routes name this interface."""
        if self.platform == Platform.IOS:
            return interface.hardware
        return interface.nameif or interface.hardware

    def default_used(self, setting: str) -> DefaultUsed | None:
        for default in self.defaults:
            if default.setting == setting:
                return default
        return None
