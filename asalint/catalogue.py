"""The rule catalogue: one TOML file per rule in `rules/`, as frozen data.

`catalogue()` loads and validates every rule once and caches the result;
checks, renderers and the `rules` command all read rule metadata from
here, so a rule's id, name, level and texts live in one place.

This module must stay cheap to import (`asalint rules` runs it alone): it
imports neither the parser library nor the simulation.
"""

from __future__ import annotations

import logging
import re
import tomllib
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator

from asalint.causes import (
    CAUSES,
    NOT_MODELLED,
    PEER_NOT_IN_PAIR,
    PEER_NOT_POINTING_BACK,
    SUPPRESSION_WITHOUT_REASON,
    UNREADABLE_LINE,
    UNUSED_SUPPRESSION,
)
from asalint.errors import AsalintError
from asalint.model import Frozen
from asalint.results import Level
from asalint.rule_index import find_rules

log = logging.getLogger(__name__)

ID_PATTERN = re.compile(r"^ASA[1-9]\d{2}$")
NAME_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Rules that no pair cause and no single-config check produce: the pair
# simulation reports a peer that belongs to no device given, the
# repository index a peer whose config names nothing of the device.
PAIR_ONLY_RULES = {
    rule[0]: rule for rule in (PEER_NOT_IN_PAIR, PEER_NOT_POINTING_BACK)
}
INPUT_RULES = {
    rule[0]: rule
    for rule in (
        UNREADABLE_LINE,
        NOT_MODELLED,
        SUPPRESSION_WITHOUT_REASON,  # asalint.suppress reports these two
        UNUSED_SUPPRESSION,
    )
}


class Family(StrEnum):
    PHASE1 = "phase1"
    PHASE2 = "phase2"
    TRIGGER_TRAFFIC = "trigger-traffic"
    CONSISTENCY = "consistency"
    HYGIENE = "hygiene"
    INPUT = "input"


# The first digit of a rule id names its family.
FAMILY_DIGIT = {
    "1": Family.PHASE1,
    "2": Family.PHASE2,
    "3": Family.TRIGGER_TRAFFIC,
    "4": Family.CONSISTENCY,
    "5": Family.HYGIENE,
    "9": Family.INPUT,
}


class CatalogueError(AsalintError):
    """A rule file is missing, unreadable or inconsistent."""


class Example(Frozen):
    """A config (or a pair of configs) the rule fails or passes on.

    A fail example names the 1-based `line` the finding must point at;
    for a pair, `file` says in which of `a` and `b`. `xfail` says what
    the device does that asalint does not model yet (a known gap).
    """

    name: str
    expect: Literal["fail", "pass"]
    config: str | None = None
    a: str | None = None
    b: str | None = None
    line: int | None = None
    file: Literal["a", "b"] | None = None
    xfail: str | None = None

    @property
    def is_pair(self) -> bool:
        return self.config is None

    @model_validator(mode="after")
    def _shape(self) -> Example:
        if (self.config is None) == (self.a is None or self.b is None):
            raise ValueError("give either `config` or both `a` and `b`")
        if self.expect == "fail" and self.line is None:
            raise ValueError("a fail example names its `line`")
        if self.is_pair and self.expect == "fail" and self.file is None:
            raise ValueError("a failing pair example names its `file`")
        return self


class Rule(Frozen):
    id: str
    name: str
    level: Level
    family: Family
    cause: str | None = None
    state: str | None = None
    summary: str
    explanation: str
    fix: str
    security: bool = False
    security_severity: str | None = Field(
        default=None, alias="security-severity"
    )
    tags: tuple[str, ...] = ()
    examples: tuple[Example, ...]

    model_config = Frozen.model_config | {"populate_by_name": True}

    @property
    def failing(self) -> tuple[Example, ...]:
        return tuple(e for e in self.examples if e.expect == "fail")

    @property
    def passing(self) -> tuple[Example, ...]:
        return tuple(e for e in self.examples if e.expect == "pass")


class Catalogue(Frozen):
    rules: tuple[Rule, ...]

    def get(self, id_or_name: str) -> Rule | None:
        wanted = id_or_name.strip()
        return _index(self).get(wanted.upper()) or _index(self).get(
            wanted.lower()
        )

    def __getitem__(self, rule_id: str) -> Rule:
        rule = self.get(rule_id)
        if rule is None:
            raise KeyError(rule_id)
        return rule

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(rule.id for rule in self.rules)


_INDEXES: dict[int, tuple[Catalogue, dict[str, Rule]]] = {}


def _index(rules: Catalogue) -> dict[str, Rule]:
    """Id and name -> rule; every finding looks its rule up."""
    known = _INDEXES.get(id(rules))
    if known is None or known[0] is not rules:
        by_key = {rule.id: rule for rule in rules.rules}
        by_key.update({rule.name: rule for rule in rules.rules})
        known = _INDEXES[id(rules)] = (rules, by_key)
    return known[1]


# --- finding the files -----------------------------------------------------


PACKAGE = Path(__file__).resolve().parent


def rules_dir() -> Path:
    """rules/ as installed (inside the package) or in a checkout."""
    found = find_rules(PACKAGE)
    if found is None:
        raise CatalogueError("the rule catalogue (rules/) is not installed")
    return found


# --- loading ---------------------------------------------------------------


@cache
def catalogue() -> Catalogue:
    """Every rule, validated, sorted by id; loaded once per process."""
    return load_catalogue(rules_dir())


def load_catalogue(directory: Path) -> Catalogue:
    files = sorted(directory.glob("ASA*.toml"))
    if not files:
        raise CatalogueError(f"{directory.name}/: no rule files")

    rules = tuple(sorted((load_rule(f) for f in files), key=_by_id))
    _check_unique(rules)
    log.debug("catalogue: %d rules from %s", len(rules), directory)
    return Catalogue(rules=rules)


def load_rule(file: Path) -> Rule:
    """One rule file, parsed and validated on its own."""
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        rule = Rule.model_validate(data)
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as error:
        raise CatalogueError(f"{file.name}: {_first_line(error)}") from None

    problems = rule_problems(rule)
    expected = f"{rule.id}-{rule.name}.toml"
    if file.name != expected:
        problems.append(f"file should be named {expected}")
    if problems:
        raise CatalogueError(f"{file.name}: {'; '.join(problems)}")
    return rule


def _by_id(rule: Rule) -> str:
    return rule.id


def _first_line(error: Exception) -> str:
    return " ".join(str(error).split("\n")[:3])


# --- validation ------------------------------------------------------------


def rule_problems(rule: Rule) -> list[str]:
    """What is wrong with one rule on its own; empty when nothing."""
    problems = _identity_problems(rule)
    problems += _cause_problems(rule)
    problems += _example_problems(rule)
    problems += _security_problems(rule)
    return problems


def _identity_problems(rule: Rule) -> list[str]:
    problems = []
    if not ID_PATTERN.match(rule.id):
        problems.append(f"id {rule.id!r} is not ASA and three digits")
    elif FAMILY_DIGIT.get(rule.id[3]) != rule.family:
        problems.append(f"family {rule.family} does not match {rule.id}")
    if not NAME_PATTERN.match(rule.name):
        problems.append(f"name {rule.name!r} is not kebab-case")
    for field in ("summary", "explanation", "fix"):
        if not getattr(rule, field).strip():
            problems.append(f"{field} is empty")
    return problems


def _cause_problems(rule: Rule) -> list[str]:
    # The cause table is the source of ids for pair causes: a rule that
    # reports a cause must agree with it on id, name and level.
    if rule.cause is None:
        return _causeless_problems(rule)
    cause = CAUSES.get(rule.cause)
    if cause is None:
        return [f"cause {rule.cause!r} is not in the cause table"]

    problems = []
    if cause.rule != rule.id:
        problems.append(f"cause {cause.tag} belongs to {cause.rule}")
    if rule.name != cause.tag:
        problems.append(f"name should be the cause tag {cause.tag}")
    if rule.level != cause.level:
        problems.append(f"level should be {cause.level} as for the cause")
    return problems


def _causeless_problems(rule: Rule) -> list[str]:
    for cause in CAUSES.values():
        if cause.rule == rule.id:
            return [f"{rule.id} reports cause {cause.tag}: name it"]

    fixed = {**PAIR_ONLY_RULES, **INPUT_RULES}.get(rule.id)
    if fixed and (fixed[1], fixed[2]) != (rule.name, rule.level):
        return [f"{rule.id} must be {fixed[1]} at level {fixed[2]}"]
    return []


def _example_problems(rule: Rule) -> list[str]:
    problems = []
    if not rule.failing:
        problems.append("no fail example")
    if not rule.passing:
        problems.append("no pass example")

    names = [example.name for example in rule.examples]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"example name {name!r} used twice")
    for example in rule.failing:
        problems += _line_problems(example)
    return problems


def _line_problems(example: Example) -> list[str]:
    text = example.config if not example.is_pair else (
        example.a if example.file == "a" else example.b
    )
    lines = (text or "").split("\n")
    assert example.line is not None  # checked by Example
    if not 1 <= example.line <= len(lines):
        return [f"example {example.name}: line {example.line} not in it"]
    if not lines[example.line - 1].strip():
        return [f"example {example.name}: line {example.line} is blank"]
    return []


def _security_problems(rule: Rule) -> list[str]:
    severity = rule.security_severity
    if severity is None:
        return ["security rule without security-severity"] * rule.security
    if not rule.security:
        return ["security-severity on a rule that is not a security rule"]
    try:
        value = float(severity)
    except ValueError:
        return [f"security-severity {severity!r} is not a number"]
    return [] if 0.0 < value <= 10.0 else ["security-severity not in 0-10"]


def _check_unique(rules: tuple[Rule, ...]) -> None:
    for field in ("id", "name"):
        values = [getattr(rule, field) for rule in rules]
        twice = sorted({value for value in values if values.count(value) > 1})
        if twice:
            raise CatalogueError(f"rule {field} used twice: {twice[0]}")
