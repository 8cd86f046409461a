"""The configuration: where it is found, what it holds, how it fails.

Discovery runs in a folder tree under tmp_path; each error case states
the one line a user reads.
"""

from __future__ import annotations

from datetime import date
from ipaddress import IPv4Address
from pathlib import Path

import pytest

from asalint.config import (
    ConfigFile,
    find_config,
    level_settings,
    load_config,
    read_config_file,
    rules_named,
    selection,
    with_options,
)
from asalint.errors import UsageError
from asalint.results import Level

DURABLE = """\
fail-on = "warning"

[levels]
psk-mismatch = "warning"
ASA902 = "off"

[[ignore]]
rule = "ASA203"
device = "hq-fw"
peer = "198.51.100.10"
reason = "partner fixes their ACL in January"
expires = 2027-01-31

[[ignore]]
rule = "clear-text-key"
file = "lab/*.cfg"
reason = "lab devices"
"""


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / name
    file.write_text(text)
    return file


# --- discovery ---------------------------------------------------------------


def test_asalint_toml_wins_over_the_others_in_one_folder(tmp_path):
    _write(tmp_path, "pyproject.toml", "[tool.asalint]\n")
    _write(tmp_path, ".asalint.toml", "")
    _write(tmp_path, "asalint.toml", "")

    assert find_config(tmp_path) == tmp_path / "asalint.toml"


def test_dot_asalint_toml_wins_over_pyproject(tmp_path):
    _write(tmp_path, "pyproject.toml", "[tool.asalint]\n")
    _write(tmp_path, ".asalint.toml", "")

    assert find_config(tmp_path) == tmp_path / ".asalint.toml"


def test_the_nearest_folder_wins(tmp_path):
    deep = tmp_path / "site" / "hq"
    _write(tmp_path, "asalint.toml", "")
    _write(tmp_path / "site", "pyproject.toml", "[tool.asalint]\n")
    deep.mkdir()

    assert find_config(deep) == tmp_path / "site" / "pyproject.toml"


def test_a_pyproject_without_the_table_is_passed_over(tmp_path):
    _write(tmp_path, "asalint.toml", 'select = ["ASA1"]\n')
    _write(tmp_path / "repo", "pyproject.toml", "[project]\nname = 'x'\n")

    assert find_config(tmp_path / "repo") == tmp_path / "asalint.toml"


def test_no_file_gives_the_defaults(tmp_path, monkeypatch):
    monkeypatch.setattr(
        "asalint.config.find_config", lambda start=None: None
    )

    loaded = load_config(start=tmp_path)

    assert loaded == ConfigFile()
    assert selection(loaded.config) == rules_named("ALL")


def test_found_file_is_named_relative_to_the_working_folder(
    tmp_path, monkeypatch
):
    _write(tmp_path, "asalint.toml", 'select = ["ASA1"]\n')
    (tmp_path / "configs").mkdir()
    monkeypatch.chdir(tmp_path / "configs")

    loaded = load_config()

    assert loaded.path == str(Path("..") / "asalint.toml")
    assert loaded.config.select == ("ASA1",)


def test_an_explicit_file_wins_over_the_search(tmp_path, monkeypatch):
    _write(tmp_path, "asalint.toml", 'select = ["ASA1"]\n')
    other = _write(tmp_path / "ci", "strict.toml", 'select = ["ASA5"]\n')
    monkeypatch.chdir(tmp_path)

    loaded = load_config(str(other))

    assert (loaded.path, loaded.config.select) == (str(other), ("ASA5",))


def test_pyproject_reads_its_tool_table(tmp_path):
    file = _write(
        tmp_path, "pyproject.toml",
        '[project]\nname = "x"\n[tool.asalint]\nignore = ["ASA902"]\n',
    )

    assert read_config_file(str(file)).config.ignored == ("ASA902",)


# --- the keys ----------------------------------------------------------------


def test_durable_ignores_with_their_header_lines(tmp_path):
    loaded = read_config_file(str(_write(tmp_path, "a.toml", DURABLE)))
    first, second = loaded.config.durable

    assert (first.rule, first.device, first.peer) == (
        "ASA203", "hq-fw", IPv4Address("198.51.100.10"),
    )
    assert first.expires == date(2027, 1, 31)
    assert (second.file, second.expires) == ("lab/*.cfg", None)
    assert loaded.ignore_lines == (7, 14)
    assert loaded.config.fail_on == Level.WARNING


def test_an_ignore_expires_the_day_after_its_date(tmp_path):
    loaded = read_config_file(str(_write(tmp_path, "a.toml", DURABLE)))
    entry = loaded.config.durable[0]

    assert not entry.expired(date(2027, 1, 31))
    assert entry.expired(date(2027, 2, 1))


def test_levels_by_id_or_name_resolve_to_ids(tmp_path):
    loaded = read_config_file(str(_write(tmp_path, "a.toml", DURABLE)))

    assert level_settings(loaded.config) == {
        "ASA105": "warning", "ASA902": "off",
    }


def test_repository_keys_validate(tmp_path):
    text = (
        'include = ["sites/**/*.cfg"]\nexclude = ["old/*"]\n'
        '[[pairs]]\na = "hq.cfg"\nb = "dr.cfg"\nreason = "NAT between"\n'
        '[peers."192.0.2.7"]\nexternal = true\n'
    )
    config = read_config_file(str(_write(tmp_path, "a.toml", text))).config

    assert config.include == ("sites/**/*.cfg",)
    assert config.pairs[0].b == "dr.cfg"
    assert config.peers[IPv4Address("192.0.2.7")].external is True


@pytest.mark.parametrize(
    "select, ignore, on, off",
    [
        (None, (), "ASA105", None),
        (("ASA1",), ("ASA105",), "ASA101", "ASA105"),
        # The narrower selector wins, whichever list it is in.
        (("ASA105",), ("ASA1",), "ASA105", "ASA101"),
        (("ALL",), ("psk-mismatch",), "ASA104", "ASA105"),
        # On a tie the ignore wins.
        (("ASA105",), ("psk-mismatch",), None, "ASA105"),
        (("ASA5",), (), "ASA507", "ASA105"),
    ],
)
def test_select_then_ignore_the_more_specific_wins(select, ignore, on, off):
    from asalint.config import Config

    chosen = selection(Config(select=select, ignore=ignore))

    if on:
        assert on in chosen
    if off:
        assert off not in chosen


def test_selectors_take_ids_names_prefixes_and_all():
    assert rules_named("psk-mismatch") == {"ASA105"}
    assert rules_named("asa105") == {"ASA105"}
    assert {"ASA501", "ASA507"} <= rules_named("ASA5")
    assert not any(rule.startswith("ASA1") for rule in rules_named("ASA5"))
    assert rules_named("ALL") >= rules_named("ASA1") | rules_named("ASA9")
    assert rules_named("ASA999") == frozenset()


def test_command_line_select_replaces_and_ignore_adds(tmp_path):
    text = 'select = ["ASA1"]\nignore = ["ASA101"]\n'
    loaded = read_config_file(str(_write(tmp_path, "a.toml", text)))

    changed = with_options(
        loaded, select=["ASA5,ASA1"], ignore=["ASA507", "ASA102"]
    )

    assert changed.config.select == ("ASA5", "ASA1")
    assert changed.config.ignored == ("ASA101", "ASA507", "ASA102")
    assert changed.path == loaded.path


def test_command_line_selector_naming_no_rule_is_a_usage_error():
    with pytest.raises(UsageError, match=r"^--ignore: 'ASA9999' names"):
        with_options(ConfigFile(), ignore=["ASA105,ASA9999"])


# --- errors: one line naming the file and the key -----------------------------


@pytest.mark.parametrize(
    "text, problem",
    [
        ('selcet = ["ASA1"]\n', "unknown key 'selcet'"),
        ('fail_on = "error"\n', "unknown key 'fail_on'"),
        ('fail-on = "loud"\n', "fail-on: Input should be 'note'"),
        ('exit-zero = "yes"\n', "exit-zero: Input should be a valid bool"),
        ('select = ["ASA9999"]\n', "select: 'ASA9999' names no rule"),
        ('ignore = ["nothing-like-it"]\n', "ignore: 'nothing-like-it'"),
        ('[levels]\nASA105 = "loud"\n', "levels.ASA105: Input should be"),
        ('[levels]\nASA999 = "off"\n', "levels.ASA999: no rule has this"),
        ('[[ignore]]\nrule = "ASA105"\n', "ignore #1: missing key 'reason'"),
        (
            '[[ignore]]\nrule = "ASA105"\nreason = " "\n',
            "ignore #1.reason: must say why",
        ),
        (
            '[[ignore]]\nrule = "ASA105"\nreason = "x"\nhost = "fw"\n',
            "ignore #1: unknown key 'host'",
        ),
        (
            '[[ignore]]\nrule = "ASA1O5"\nreason = "x"\n',
            "ignore #1.rule: 'ASA1O5' names no rule",
        ),
        (
            '[[ignore]]\nrule = "ASA105"\nreason = "x"\nexpires = "soon"\n',
            "ignore #1.expires: Input should be a valid date",
        ),
        ('ignore = [3]\n', "ignore #1: should be a rule selector or a table"),
        ('[peers."fw-b"]\nexternal = true\n', "peers.fw-b: Input is not"),
        ('[[pairs]]\na = "x.cfg"\n', "pairs #1: missing key 'b'"),
        ("select = [\n", "not valid TOML"),
    ],
)
def test_a_bad_config_is_one_usage_error_line(tmp_path, text, problem):
    file = _write(tmp_path, "asalint.toml", text)

    with pytest.raises(UsageError) as raised:
        read_config_file(str(file))

    message = str(raised.value)
    assert message.startswith(f"{file}: ")
    assert problem in message
    assert "\n" not in message


def test_pyproject_errors_name_the_tool_table(tmp_path):
    file = _write(tmp_path, "pyproject.toml", "[tool.asalint]\nfoo = 1\n")

    with pytest.raises(UsageError, match=r"tool\.asalint: unknown key 'foo'"):
        read_config_file(str(file))


def test_a_missing_explicit_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="nope.toml: no such file"):
        load_config(str(tmp_path / "nope.toml"))


# --- through the command line ----------------------------------------------------

PAIR = Path(__file__).parents[1] / "fixtures" / "pairs" / "psk-mismatch-84"


@pytest.fixture
def pair_dir(tmp_path, monkeypatch):
    """psk-mismatch-84 (one ASA105 error in each file) in the working
    folder."""
    for side in ("a", "b"):
        (tmp_path / f"{side}.cfg").write_text(
            (PAIR / f"{side}.cfg").read_text()
        )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _pair_code(*options: str) -> int:
    from asalint.cli import run

    return run(["pair", "a.cfg", "b.cfg", "--no-cache", *options])


@pytest.mark.parametrize(
    "config, options, code",
    [
        ("", (), 1),
        ('[levels]\npsk-mismatch = "warning"\n', (), 0),
        ('fail-on = "warning"\n[levels]\nASA105 = "warning"\n', (), 1),
        (
            'fail-on = "warning"\n[levels]\nASA105 = "warning"\n',
            ("--fail-on", "error"),
            0,
        ),
        ("exit-zero = true\n", (), 0),
        ("exit-zero = true\n", ("--no-exit-zero",), 1),
        ("", ("--exit-zero",), 0),
    ],
)
def test_levels_fail_on_and_exit_zero_from_the_config(
    pair_dir, capsys, config, options, code
):
    (pair_dir / "asalint.toml").write_text(config)

    assert _pair_code(*options) == code


def test_a_config_found_above_applies(pair_dir, capsys, monkeypatch):
    (pair_dir / "pyproject.toml").write_text(
        '[tool.asalint]\nignore = ["ASA105"]\n'
    )
    (pair_dir / "hq").mkdir()
    monkeypatch.chdir(pair_dir / "hq")
    from asalint.cli import run

    code = run(["pair", "../a.cfg", "../b.cfg", "--no-cache"])

    assert code == 0


def test_the_config_option_wins_over_the_found_file(pair_dir, capsys):
    (pair_dir / "asalint.toml").write_text('ignore = ["ASA105"]\n')
    (pair_dir / "strict.toml").write_text('select = ["ALL"]\n')

    assert _pair_code() == 0
    assert _pair_code("--config", "strict.toml") == 1


@pytest.mark.parametrize(
    "config, options, line",
    [
        (
            'selcet = ["ASA1"]\n', (),
            "asalint: asalint.toml: unknown key 'selcet'\n",
        ),
        (
            '[[ignore]]\nrule = "ASA105"\n', (),
            "asalint: asalint.toml: ignore #1: missing key 'reason'\n",
        ),
        (
            "", ("--select", "ASA1,ASA9999"),
            "asalint: --select: 'ASA9999' names no rule\n",
        ),
        (
            "", ("--config", "missing.toml"),
            "asalint: missing.toml: no such file\n",
        ),
    ],
)
def test_a_bad_config_exits_2_with_one_line(
    pair_dir, capsys, config, options, line
):
    (pair_dir / "asalint.toml").write_text(config)

    code = _pair_code(*options)

    captured = capsys.readouterr()
    assert (code, captured.err, captured.out) == (2, line, "")


def test_check_reads_the_config_too(pair_dir, capsys):
    from asalint.cli import run

    (pair_dir / "asalint.toml").write_text('select = ["ASA5"]\n')
    assert run(["check", "a.cfg", "b.cfg", "--no-cache"]) == 1

    (pair_dir / "asalint.toml").write_text(
        'select = ["ASA5"]\n[[ignore]]\nrule = "ASA507"\nreason = "lab"\n'
    )
    assert run(["check", "a.cfg", "b.cfg", "--no-cache"]) == 0
