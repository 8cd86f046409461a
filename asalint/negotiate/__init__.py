"""The IKE simulation: every tunnel between two devices, both ways.

`simulate_pair` pairs the devices' crypto map entries (`asalint.pairing`),
walks each direction through the design's steps (`simulate`), and
returns the tunnels in output order with their findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from ipaddress import IPv4Address

from asalint.model import Device
from asalint.results import PairResult


def simulate_pair(
    first: Device,
    second: Device,
    nat: Mapping[IPv4Address, IPv4Address] | None = None,
) -> PairResult:
    """Every tunnel between `first` and `second`, each side initiating.

    `nat` declares a static NAT between them, which neither config
    shows: an address a device holds -> the address its peer reaches it
    at (and sees its packets come from).
    """
    from asalint.negotiate.findings import deduplicate
    from asalint.negotiate.index import DeviceIndex
    from asalint.negotiate.simulate import simulate_leg
    from asalint.pairing import pair_devices

    pairing = pair_devices(
        DeviceIndex(first, 0, nat), DeviceIndex(second, 1, nat)
    )
    simulated = []
    for leg in pairing.legs:
        # An ASA entry with both versions falls back to IKEv1 only when
        # IKEv2 fails; its IKEv2 leg comes first.
        if leg.fallback and _established(simulated[-1]):
            continue
        simulated.append(simulate_leg(leg))
        if leg.fallback and _established(simulated[-1]):
            simulated[-2] = _rescued(simulated[-2])
    findings = [item for result in simulated for item in result.findings]
    return PairResult(
        tunnels=tuple(result.tunnel for result in simulated),
        findings=deduplicate(findings + list(pairing.strangers)),
    )


def _rescued(failed):
    """The IKEv2 attempt of a tunnel that comes up over IKEv1: its faults
    cost a retry, not the tunnel, so they are warnings, not errors."""
    from asalint.results import Level

    findings = [
        finding.model_copy(update={"level": Level.WARNING})
        if finding.level == Level.ERROR
        else finding
        for finding in failed.findings
    ]
    return replace(failed, findings=tuple(findings))


def _established(simulated) -> bool:
    return simulated.tunnel.predicted.stage.value == "established"
