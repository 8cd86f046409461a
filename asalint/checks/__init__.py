"""Single-config checks, grouped by family, in one registry.

`run_checks(device)` runs every registered check on one device;
`registered()` is the registry itself, keyed by rule id. The family
modules are imported on first use, so importing this package is cheap.
"""

from __future__ import annotations

import importlib
import logging

from asalint.checks.registry import REGISTRY, Check
from asalint.model import Device
from asalint.results import Finding

log = logging.getLogger(__name__)

FAMILY_MODULES = (
    "phase1",
    "phase2",
    "trigger",
    "consistency",
    "hygiene",
    "input",
)


def registered() -> dict[str, tuple[Check, ...]]:
    """Rule id -> the checks that report it."""
    for name in FAMILY_MODULES:
        importlib.import_module(f"asalint.checks.{name}")
    return dict(REGISTRY)


def run_checks(device: Device) -> tuple[Finding, ...]:
    """Every single-config finding on `device`, in line order."""
    findings: list[Finding] = []
    for rule_id, checks in sorted(registered().items()):
        for check in checks:
            findings.extend(check(device))
    log.debug("%s: %d single-config findings", device.path, len(findings))
    return tuple(sorted(findings, key=_position))


def _position(finding: Finding) -> tuple[int, str]:
    return finding.line or 0, finding.rule


__all__ = ["registered", "run_checks"]
