"""`asalint rules` without the validated catalogue: the same table, read
straight from the rule files, at a fraction of the start-up."""

from __future__ import annotations

import subprocess
import sys

from asalint import rule_index
from asalint.catalogue import catalogue
from asalint.cli import run

CHEAP_RULES = (
    "import io, sys, contextlib\n"
    "from asalint.cli import run\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    code = run(['rules'])\n"
    "heavy = ('pydantic', 'typer', 'rich', 'ciscoconfparse2')\n"
    "print(code, sorted({m.split('.')[0] for m in sys.modules\n"
    "                    if m.split('.')[0] in heavy}))\n"
)


def test_the_table_is_the_validated_catalogue_s():
    validated = rule_index.table_of(catalogue().rules)

    assert rule_index.rule_lines() == validated
    assert rule_index.render_rules_table() == (
        rule_index.render_rules_table(validated)
    )


def test_the_listing_imports_no_model_and_no_typer():
    done = subprocess.run(
        [sys.executable, "-c", CHEAP_RULES], capture_output=True,
        text=True, check=True,
    )

    assert done.stdout.split("\n")[0] == "0 []"


def test_the_short_way_prints_what_the_command_prints(capsys):
    assert run(["rules"]) == 0
    short = capsys.readouterr().out
    assert run(["rules", "--format", "text"]) == 0  # through typer

    assert capsys.readouterr().out == short
    assert short.startswith("ASA101  phase1-policy-mismatch ")


def test_a_file_it_cannot_read_leaves_the_table_to_the_catalogue(
    tmp_path, monkeypatch
):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "ASA101-broken.toml").write_text('id = "ASA101"\nname = ')
    monkeypatch.setattr(rule_index, "PACKAGE", tmp_path / "asalint")
    monkeypatch.setattr(rule_index, "_validated", lambda: "catalogue's")

    assert rule_index.find_rules() == rules
    assert rule_index.rule_lines() == "catalogue's"


def test_a_field_of_another_type_is_the_catalogue_s_to_judge(
    tmp_path, monkeypatch
):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "ASA101-odd.toml").write_text(
        'id = "ASA101"\nname = "odd"\nlevel = 3\nsummary = "s"\n'
    )
    monkeypatch.setattr(rule_index, "PACKAGE", tmp_path / "asalint")
    monkeypatch.setattr(rule_index, "_validated", lambda: "catalogue's")

    assert rule_index.rule_lines() == "catalogue's"
