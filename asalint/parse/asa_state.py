"""What the ASA parser gathers while it walks the tree once.

The walk only sorts lines into this state; the area modules then build
the frozen model from it in dependency order (names before objects,
objects before ACLs, ACLs before NAT), so a config that names an object
before defining it still resolves, as the device's own order of
`show running-config` sections does not matter to the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address

from asalint.model import (
    AclEntry,
    CryptoMapBinding,
    Era,
    GroupPolicy,
    IpsecProposal,
    NatRule,
    NetworkObject,
    Origin,
    Platform,
    Route,
    Setting,
    TransformSet,
    TunnelGroup,
)
from asalint.parse.common import Collector
from asalint.parse.tree import Node


@dataclass
class InterfaceDraft:
    hardware: str
    origin: Origin
    fields: dict[str, object] = field(default_factory=dict)


@dataclass
class PolicyDraft:
    """An IKE policy assembled from a block or from one-line commands."""

    priority: int
    origin: Origin
    settings: dict[str, Setting] = field(default_factory=dict)
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    list_origins: dict[str, Origin] = field(default_factory=dict)


@dataclass
class EntryDraft:
    """A crypto map entry assembled from its `crypto map M N ...` lines."""

    map: str
    sequence: int
    dynamic: bool
    origin: Origin
    values: dict[str, object] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)


@dataclass
class AsaState:
    collector: Collector
    platform: Platform
    era: Era
    version: str | None = None
    hostname: str | None = None
    domain_name: str | None = None

    # addresses: raw nodes, resolved once everything is read
    names: dict[str, IPv4Address] = field(default_factory=dict)
    interface_nodes: list[Node] = field(default_factory=list)
    interfaces: dict[str, InterfaceDraft] = field(default_factory=dict)
    access_groups: dict[str, str] = field(default_factory=dict)
    object_nodes: list[Node] = field(default_factory=list)
    group_nodes: list[Node] = field(default_factory=list)
    service_groups: set[str] = field(default_factory=set)
    acl_nodes: list[Node] = field(default_factory=list)
    route_nodes: list[Node] = field(default_factory=list)
    nat_nodes: list[Node] = field(default_factory=list)
    object_nat: list[tuple[str, Node]] = field(default_factory=list)
    nat_control: bool = False
    acl_uses: dict[str, Origin] = field(default_factory=dict)
    syntax_marks: set[str] = field(default_factory=set)

    # built from the raw nodes
    objects: dict[str, NetworkObject] = field(default_factory=dict)
    acls: dict[str, list[AclEntry]] = field(default_factory=dict)
    nat_rules: list[NatRule] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)

    # IKE and IPsec
    ikev1_policies: dict[int, PolicyDraft] = field(default_factory=dict)
    ikev2_policies: dict[int, PolicyDraft] = field(default_factory=dict)
    ikev1_interfaces: dict[str, Origin] = field(default_factory=dict)
    ikev2_interfaces: dict[str, Origin] = field(default_factory=dict)
    isakmp_identity: Setting | None = None
    nat_traversal: Setting | None = None
    aggressive_mode_disabled: Setting | None = None
    transform_sets: dict[str, TransformSet] = field(default_factory=dict)
    ipsec_proposals: dict[str, IpsecProposal] = field(default_factory=dict)
    sa_lifetime_seconds: Setting | None = None
    sa_lifetime_kilobytes: Setting | None = None
    map_entries: dict[tuple[str, int, bool], EntryDraft] = field(
        default_factory=dict
    )
    bindings: dict[str, CryptoMapBinding] = field(default_factory=dict)

    # tunnel-groups and policies
    tunnel_groups: dict[str, TunnelGroup] = field(default_factory=dict)
    group_policies: dict[str, GroupPolicy] = field(default_factory=dict)
    permit_vpn: Setting | None = None

    @property
    def path(self) -> str:
        return self.collector.path

    def origin(self, node: Node) -> Origin:
        return self.collector.origin(node)
