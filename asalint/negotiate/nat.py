"""NAT before the crypto map: is a protected flow left untranslated?

The ASA translates a packet before it looks up the crypto map, so a flow
that some rule translates never matches the crypto ACL. Rules are read in
the device's order (`NatRule.section`, `.position`): 8.3 and later,
manual NAT, object NAT, after-auto manual NAT; before 8.3, `nat 0
access-list`, `static`, `nat`/`global`. The first rule that matches the
flow wins. With PIX 6, or `nat-control`, a flow no rule matches is
dropped. Identity NAT without `route-lookup` also picks the egress
interface, whatever the routing table says.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from ipaddress import IPv4Network

from asalint.addresses import overlap
from asalint.model import Era, NatKind, NatRule
from asalint.negotiate.index import DeviceIndex

# Only twice NAT (ASA 8.3 and later) picks the egress interface itself.
EGRESS_BY_NAT = frozenset({Era.ASA83, Era.ASA84})


class Verdict(Enum):
    EXEMPT = "exempt"  # an identity rule matches: untranslated
    UNTOUCHED = "untouched"  # no rule matches, and none is required
    TRANSLATED = "translated"
    DROPPED = "dropped"  # nat-control / PIX 6: no rule, no passage
    DIVERTED = "diverted"  # identity NAT sends it out another interface


@dataclass(frozen=True)
class NatOutcome:
    verdict: Verdict
    rule: NatRule | None = None
    shadowed: NatRule | None = None  # an exemption the rule hides

    @property
    def passes(self) -> bool:
        return self.verdict in (Verdict.EXEMPT, Verdict.UNTOUCHED)


def evaluate(
    index: DeviceIndex,
    source: IPv4Network,
    destination: IPv4Network,
    real: str | None,
    egress: str | None,
) -> NatOutcome:
    """What NAT does to (source -> destination) from `real` to `egress`."""
    rules = index.nat_rules
    decides_egress = index.device.era in EGRESS_BY_NAT
    for position, rule in enumerate(rules):
        if not _matches(rule, source, destination, real, egress):
            continue
        if rule.kind == NatKind.IDENTITY:
            return _identity(rule, egress if decides_egress else None)
        shadowed = _later_exemption(
            rules[position + 1 :], source, destination, real, egress
        )
        return NatOutcome(Verdict.TRANSLATED, rule, shadowed)
    if index.device.era == Era.PIX6 or index.device.nat_control:
        return NatOutcome(Verdict.DROPPED)
    return NatOutcome(Verdict.UNTOUCHED)


def _identity(rule: NatRule, egress: str | None) -> NatOutcome:
    if _diverts(rule, egress):
        return NatOutcome(Verdict.DIVERTED, rule)
    return NatOutcome(Verdict.EXEMPT, rule)


def _diverts(rule: NatRule, egress: str | None) -> bool:
    return bool(
        not rule.route_lookup
        and rule.destination
        and rule.mapped_interface
        and egress
        and rule.mapped_interface.lower() != egress.lower()
    )


def _matches(
    rule: NatRule,
    source: IPv4Network,
    destination: IPv4Network,
    real: str | None,
    egress: str | None,
) -> bool:
    if not _same(rule.real_interface, real):
        return False
    # An identity rule with a destination and no route-lookup decides the
    # egress itself (8.3 and later), so its mapped interface is no filter.
    diverting = _diverting_kind(rule) and rule.section == 1
    if not diverting and not _same(rule.mapped_interface, egress):
        return False
    if rule.source and not overlap(rule.source, (source,)):
        return False
    return not rule.destination or overlap(rule.destination, (destination,))


def _diverting_kind(rule: NatRule) -> bool:
    return (
        rule.kind == NatKind.IDENTITY
        and bool(rule.destination)
        and not rule.route_lookup
    )


def _same(rule_side: str | None, flow_side: str | None) -> bool:
    # None on either side: the rule names `any`, or the flow's interface
    # is unknown; both match.
    if rule_side is None or flow_side is None or rule_side == "any":
        return True
    return rule_side.lower() == flow_side.lower()


def _later_exemption(
    rules: tuple[NatRule, ...],
    source: IPv4Network,
    destination: IPv4Network,
    real: str | None,
    egress: str | None,
) -> NatRule | None:
    for rule in rules:
        if rule.kind == NatKind.IDENTITY and _matches(
            rule, source, destination, real, egress
        ):
            return rule
    return None
