"""The rules table `asalint rules` prints, read straight from `rules/`.

The catalogue (`asalint.catalogue`) validates every rule into pydantic
models, which alone costs several times Python's start-up: too much for
a listing a pre-commit user runs by hand. Listing needs five fields of
each rule, so this module reads them with tomllib into plain records
and imports nothing heavier. The catalogue stays the one model of a
rule; a test holds this table to the one the validated catalogue gives.
Any file this reader cannot take is left to the catalogue, which names
the problem as it always does.
"""

from __future__ import annotations

import textwrap
import tomllib
from pathlib import Path
from typing import NamedTuple

WIDTH = 79
INDENT = " " * 8

# The wheel puts rules/ inside the package (pyproject.toml force-include);
# a checkout or an editable install has it beside the package. A plain
# path serves both and costs less to import than importlib.resources.
PACKAGE = Path(__file__).resolve().parent


class RuleLine(NamedTuple):
    """What the table shows of one rule."""

    id: str
    name: str
    level: str
    state: str | None
    summary: str


def find_rules(package: Path | None = None) -> Path | None:
    """rules/ as installed (inside `package`) or in a checkout."""
    package = package or PACKAGE
    for candidate in (package / "rules", package.parent / "rules"):
        if candidate.is_dir():
            return candidate
    return None


def render_rules_table(lines: tuple[RuleLine, ...] | None = None) -> str:
    """Each rule on two lines: id, name, level, state; then its summary."""
    rules = lines if lines is not None else rule_lines()
    name_width = max(len(rule.name) for rule in rules)
    text = []
    for rule in rules:
        head = (
            f"{rule.id:<7} {rule.name:<{name_width}} {rule.level:<8}"
            f" {rule.state or ''}"
        )
        text.append(head.rstrip())
        text.extend(
            textwrap.wrap(
                rule.summary, WIDTH, initial_indent=INDENT,
                subsequent_indent=INDENT,
            )
        )
    return "\n".join(text) + "\n"


def rule_lines() -> tuple[RuleLine, ...]:
    """Every rule's table fields, by id; the catalogue's on any doubt."""
    directory = find_rules()
    try:
        files = sorted(directory.glob("ASA*.toml")) if directory else []
        found = [_read(file) for file in files]
    except (OSError, ValueError, KeyError, TypeError):
        found = []
    if not found:
        return _validated()
    return tuple(sorted(found, key=lambda rule: rule.id))


def _read(file: Path) -> RuleLine:
    # tomllib's TOMLDecodeError is a ValueError; a missing field a
    # KeyError; a field of the wrong type a TypeError below.
    data = tomllib.loads(file.read_text(encoding="utf-8"))
    fields = (data["id"], data["name"], data["level"], data["summary"])
    state = data.get("state")
    if not all(isinstance(v, str) for v in (*fields, state or "")):
        raise TypeError(f"{file.name}: a table field is not a string")
    return RuleLine(fields[0], fields[1], fields[2], state, fields[3])


def _validated() -> tuple[RuleLine, ...]:
    """The table from the validated catalogue: it raises what is wrong."""
    from asalint.catalogue import catalogue

    return table_of(catalogue().rules)


def table_of(rules) -> tuple[RuleLine, ...]:
    """The table's fields of validated catalogue rules."""
    return tuple(
        RuleLine(rule.id, rule.name, rule.level.value, rule.state,
                 rule.summary)
        for rule in rules
    )
