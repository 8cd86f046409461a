"""Helpers every renderer shares, so text and JSON agree on order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from asalint.results import Finding, Level, PairResult, Stage, Tunnel
from asalint.summary import Reported


def ordered_findings(
    result: PairResult, devices: Sequence[Reported]
) -> list[Finding]:
    """Findings in file order: the files as given, then line, then rule.

    The sort is stable, so findings on the same line keep the order the
    checks produced them in.
    """
    rank = {device.path: index for index, device in enumerate(devices)}

    def key(finding: Finding) -> tuple[int, str, int, str]:
        position = rank.get(finding.path, len(rank))
        return (position, finding.path, finding.line or 0, finding.rule)

    return sorted(result.findings, key=key)


def level_counts(findings: Sequence[Finding]) -> dict[Level, int]:
    """How many findings at each level, most severe first."""
    counts = Counter(finding.level for finding in findings)
    ordered = sorted(Level, key=lambda level: -level.rank)
    return {level: counts.get(level, 0) for level in ordered}


def established(tunnel: Tunnel) -> bool:
    return tunnel.predicted.stage == Stage.ESTABLISHED
