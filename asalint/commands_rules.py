"""`asalint rules` and `asalint rule ID-or-name`: the catalogue, printed.

Reads only the catalogue, so listing the rules stays fast: neither the
parser library nor the simulation is imported.
"""

from __future__ import annotations

import textwrap
from typing import Any

from asalint import __version__, rule_index
from asalint.catalogue import Catalogue, Rule, catalogue
from asalint.errors import UsageError

WIDTH = 79


def rules_document() -> dict[str, Any]:
    """The JSON document of `asalint rules --format json`."""
    return {
        "asalint": __version__,
        "rules": [rule_record(rule) for rule in catalogue().rules],
    }


def rule_record(rule: Rule) -> dict[str, Any]:
    """Every field of one rule, its examples included."""
    record = rule.model_dump(mode="json", exclude_none=False)
    record["examples"] = [
        example.model_dump(mode="json", exclude_none=True)
        for example in rule.examples
    ]
    return record


# --- text --------------------------------------------------------------------

# The table is read without the validated catalogue: see rule_index.
render_rules_table = rule_index.render_rules_table


def render_rule(id_or_name: str) -> str:
    """One rule as a page of the manual."""
    rule = find_rule(id_or_name)
    parts = [
        f"{rule.id} {rule.name}",
        "",
        _facts(rule),
        "",
        textwrap.fill(rule.summary, WIDTH),
        "",
        rule.explanation.strip(),
        "",
        "Fix:",
        textwrap.indent(rule.fix.strip(), "    "),
        "",
        "Examples: " + ", ".join(
            f"{example.name} ({example.expect})" for example in rule.examples
        ),
    ]
    return "\n".join(parts) + "\n"


def _facts(rule: Rule) -> str:
    facts = [f"level: {rule.level.value}", f"family: {rule.family.value}"]
    if rule.cause:
        facts.append(f"cause: {rule.cause}")
    if rule.state:
        facts.append(f"ASA initiator shows: {rule.state}")
    if rule.security_severity:
        facts.append(f"security-severity: {rule.security_severity}")
    return "\n".join(facts)


def find_rule(id_or_name: str, rules: Catalogue | None = None) -> Rule:
    """The rule with that id or name; UsageError naming close ones."""
    rules = rules or catalogue()
    rule = rules.get(id_or_name)
    if rule is not None:
        return rule

    wanted = id_or_name.strip().lower()
    close = [r.id for r in rules.rules if wanted and wanted in r.name]
    hint = f" (did you mean {', '.join(close[:5])}?)" if close else ""
    raise UsageError(f"no rule {id_or_name!r}{hint}")
