"""docs/outcomes.md against the simulation: nothing there may drift.

Every cause of `asalint.causes` has a row with its rule and level;
every state the state tables of `asalint.negotiate.states` can predict
is defined on the page; and the page's two point tables say, cell by
cell, what those tables say, inferred states starred.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from asalint.causes import CAUSES
from asalint.negotiate.states import (
    IKEV1_POINTS,
    V2_INFERRED,
    V2_POINTS,
    Family,
    initiator_state,
    is_inferred,
    responder_state,
)

ROOT = Path(__file__).parents[1]
PAGE = (ROOT / "docs" / "outcomes.md").read_text()

ROLES = (
    ("initiator", initiator_state),
    ("responder", responder_state),
)


def _table(first_header: str) -> list[list[str]]:
    """The body rows of the table whose header starts `| first_header |`."""
    lines = PAGE.splitlines()
    start = next(
        n for n, line in enumerate(lines)
        if line.startswith(f"| {first_header} |")
    )
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def _ikev1_states() -> set[str]:
    return {
        state(family, mode, point)
        for mode, point in IKEV1_POINTS
        for family in Family
        for _, state in ROLES
    }


def _ikev2_states() -> set[str]:
    return {
        state for initiator, responder, _ in V2_POINTS.values()
        for state in (initiator, responder)
    }


# --- causes ------------------------------------------------------------------

CAUSE_ROWS = {row[0]: row for row in _table("cause")}


@pytest.mark.parametrize("tag", sorted(CAUSES))
def test_every_cause_has_its_row(tag):
    row = CAUSE_ROWS.get(tag)

    assert row is not None, f"docs/outcomes.md has no row for {tag}"
    cause = CAUSES[tag]
    assert (row[1], row[2]) == (cause.rule, cause.level.value)
    assert all(row[3:]), f"{tag}: step, side and certainty must be given"


def test_no_row_for_a_cause_the_code_does_not_know():
    assert set(CAUSE_ROWS) - set(CAUSES) == set()


# --- states ------------------------------------------------------------------


@pytest.mark.parametrize(
    "state", sorted(_ikev1_states() | _ikev2_states())
)
def test_every_predicted_state_is_defined(state):
    assert f"- `{state}`:" in PAGE, f"{state} is not defined on the page"


def test_the_ikev1_table_is_the_simulations():
    rows = {(row[0], row[1]): row[2:] for row in _table("mode")}

    assert set(rows) == set(IKEV1_POINTS)
    for (mode, point), cells in rows.items():
        expected = [
            _cell(family, role, state, mode, point)
            for family in (Family.ASA, Family.IOS)
            for role, state in ROLES
        ]
        assert cells == expected, (mode, point)


def _cell(family, role, state, mode, point) -> str:
    name = state(family, mode, point)
    return f"{name} *" if is_inferred(role, family, mode, point) else name


def test_the_ikev2_table_is_the_simulations():
    rows = {row[0]: row[2:] for row in _table("point")}

    assert set(rows) == set(V2_POINTS)
    for point, (initiator, responder, exchange) in V2_POINTS.items():
        star = "*" if point in V2_INFERRED else ""
        assert rows[point] == [
            initiator,
            responder,
            exchange or "-",
            star,
        ], point


def test_the_readme_links_the_page():
    readme = (ROOT / "README.md").read_text()

    assert "(docs/outcomes.md)" in readme
