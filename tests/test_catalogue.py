"""The rule catalogue: loaded, validated, complete, and every example run.

Each example of each rule is its own test (`ASA105-keys-differ`): its
config (or pair of configs) is written to files, checked as `asalint
check` would, and the rule must fire at the stated line (fail) or not
at all (pass).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from asalint.catalogue import (
    INPUT_RULES,
    PAIR_ONLY_RULES,
    CatalogueError,
    Example,
    Family,
    Rule,
    catalogue,
    load_catalogue,
    rules_dir,
)
from asalint.causes import CAUSES
from asalint.checks import registered
from asalint.commands_check import run_check
from asalint.commands_rules import (
    find_rule,
    render_rule,
    render_rules_table,
    rules_document,
)
from asalint.errors import UsageError

ROOT = Path(__file__).parents[1]
CATALOGUE = catalogue()


# --- the catalogue as a whole ------------------------------------------------


def test_at_least_thirty_rules_from_the_checkout():
    assert rules_dir() == ROOT / "rules"
    assert len(CATALOGUE.rules) >= 30


@pytest.mark.parametrize("tag", sorted(CAUSES))
def test_every_cause_has_its_rule(tag):
    cause = CAUSES[tag]
    rule = CATALOGUE[cause.rule]
    assert (rule.name, rule.cause, rule.level) == (tag, tag, cause.level)


def test_fixed_causeless_rules_are_present():
    for rule_id, name, level in (*PAIR_ONLY_RULES.values(),
                                 *INPUT_RULES.values()):
        assert (CATALOGUE[rule_id].name, CATALOGUE[rule_id].level) == (
            name, level,
        )


def test_every_rule_file_has_a_check_or_is_a_pair_or_input_rule():
    # Input rules (9xx) come from reading a file: the parser's lines it
    # could not read, the directives of the suppression pass.
    checks = registered()
    pair_rules = {cause.rule for cause in CAUSES.values()}
    pair_rules |= set(PAIR_ONLY_RULES) | set(INPUT_RULES)
    orphans = [
        rule.id
        for rule in CATALOGUE.rules
        if rule.id not in checks
        and rule.id not in pair_rules
        and rule.family != Family.INPUT
    ]
    assert orphans == []


def test_every_check_has_a_rule_file():
    assert sorted(set(registered()) - set(CATALOGUE.ids)) == []


def test_the_ids_and_names_are_unique():
    assert len(set(CATALOGUE.ids)) == len(CATALOGUE.rules)
    assert len({r.name for r in CATALOGUE.rules}) == len(CATALOGUE.rules)


def test_only_security_rules_carry_a_severity():
    for rule in CATALOGUE.rules:
        assert (rule.security_severity is not None) == rule.security
    assert float(CATALOGUE["clear-text-key"].security_severity) >= 7.0


def test_wheel_ships_the_rules():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wheel = project["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["force-include"]["rules"] == "asalint/rules"


def test_catalogue_import_stays_light():
    # `asalint rules` must not pay for the parser library or the engine.
    code = (
        "import sys, asalint.catalogue, asalint.commands_rules;"
        "asalint.commands_rules.render_rules_table();"
        "heavy = [m for m in sys.modules if m.startswith("
        "('ciscoconfparse2', 'asalint.negotiate', 'asalint.parse'))];"
        "print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"


# --- validation --------------------------------------------------------------


GOOD = """\
id = "ASA4{n}"
name = "{name}"
level = "note"
family = "{family}"
summary = "s"
explanation = "e"
fix = "f"

[[examples]]
name = "bad"
expect = "fail"
config = "hostname x\\n"
line = {line}

[[examples]]
name = "good"
expect = "pass"
config = "hostname y\\n"
"""


def _write(directory: Path, name: str = "old-thing", n: str = "90",
           family: str = "consistency", line: int = 1) -> Path:
    file = directory / f"ASA4{n}-{name}.toml"
    file.write_text(
        GOOD.format(n=n, name=name, family=family, line=line)
    )
    return file


def test_a_valid_rule_loads(tmp_path):
    _write(tmp_path)
    rules = load_catalogue(tmp_path)
    assert rules.ids == ("ASA490",)
    assert rules["old-thing"].examples[0].line == 1


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"family": "hygiene"}, "family hygiene does not match ASA490"),
        ({"line": 7}, "line 7 not in it"),
        ({"name": "Old_Thing"}, "not kebab-case"),
    ],
)
def test_a_broken_rule_is_refused(tmp_path, change, problem):
    _write(tmp_path, **change)
    with pytest.raises(CatalogueError, match=problem):
        load_catalogue(tmp_path)


def test_a_rule_without_a_pass_example_is_refused(tmp_path):
    file = _write(tmp_path)
    text = file.read_text()
    file.write_text(text[: text.rindex("[[examples]]")])
    with pytest.raises(CatalogueError, match="no pass example"):
        load_catalogue(tmp_path)


def test_two_rules_with_one_name_are_refused(tmp_path):
    _write(tmp_path, n="90")
    _write(tmp_path, n="91")
    with pytest.raises(CatalogueError, match="name used twice"):
        load_catalogue(tmp_path)


def test_a_rule_must_agree_with_the_cause_table(tmp_path):
    file = _write(tmp_path, name="psk-mismatch", n="05")
    file.write_text(file.read_text().replace(
        'family = "consistency"', 'family = "consistency"\n'
        'cause = "psk-mismatch"'
    ))
    with pytest.raises(CatalogueError, match="belongs to ASA105"):
        load_catalogue(tmp_path)


def test_an_example_gives_a_config_or_a_pair():
    with pytest.raises(ValueError, match="either `config` or both"):
        Example(name="x", expect="pass", config="a", a="b", b="c")


# --- the rules command ---------------------------------------------------------


def test_rules_document_holds_every_field_of_every_rule():
    document = json.loads(json.dumps(rules_document()))
    assert [r["id"] for r in document["rules"]] == list(CATALOGUE.ids)
    fields = set(Rule.model_fields)
    for record in document["rules"]:
        assert fields <= set(record)
        assert record["examples"]


def test_rules_table_lists_every_rule_within_79_columns():
    table = render_rules_table()
    for rule in CATALOGUE.rules:
        assert f"{rule.id}  {rule.name}" in table
    assert max(len(line) for line in table.splitlines()) <= 79


def test_rule_page_by_id_and_by_name():
    assert render_rule("asa105") == render_rule("psk-mismatch")
    page = render_rule("ASA105")
    assert page.startswith("ASA105 psk-mismatch\n")
    assert "MM_WAIT_MSG6" in page and "keys-differ (fail)" in page


def test_unknown_rule_is_a_usage_error_naming_close_ones():
    with pytest.raises(UsageError, match="did you mean ASA104, ASA105"):
        find_rule("psk-mis")


# --- every example, as its own test ------------------------------------------


def _example_params():
    for rule in CATALOGUE.rules:
        for example in rule.examples:
            marks = ()
            if example.xfail:
                marks = (pytest.mark.xfail(reason=example.xfail, strict=True),)
            yield pytest.param(
                rule, example, id=f"{rule.id}-{example.name}", marks=marks
            )


def _check_example(example: Example, tmp_path: Path):
    texts = (
        {"config": example.config}
        if not example.is_pair
        else {"a": example.a, "b": example.b}
    )
    paths = {}
    for name, text in texts.items():
        file = tmp_path / f"{name}.cfg"
        file.write_text(text or "")
        paths[name] = str(file)
    result = run_check(list(paths.values()))
    assert not result.errors, [str(error) for error in result.errors]
    return result, paths


@pytest.mark.parametrize("rule, example", list(_example_params()))
def test_example(rule: Rule, example: Example, tmp_path):
    result, _ = _check_example(example, tmp_path)
    fired = sorted(
        (Path(f.path).stem, f.line) for f in result.findings
        if f.rule == rule.id
    )

    if example.expect == "pass":
        assert fired == []
    else:
        where = example.file or "config"
        assert (where, example.line) in fired, fired


def test_installed_rules_win_over_the_checkout(tmp_path, monkeypatch):
    # An installed wheel holds the catalogue inside the package.
    packaged = tmp_path / "rules"
    packaged.mkdir()
    _write(packaged)
    monkeypatch.setattr("asalint.catalogue.PACKAGE", tmp_path)
    assert rules_dir() == packaged
    assert load_catalogue(rules_dir()).ids == ("ASA490",)
