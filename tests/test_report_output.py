"""Writing a report: stdout, or a file replaced atomically."""

from __future__ import annotations

import os

import pytest

from asalint.errors import UsageError
from asalint.report import output
from asalint.report.output import check_output_path, write_output


def test_no_path_writes_to_stdout(capsys):
    write_output("report\n", None)

    assert capsys.readouterr().out == "report\n"


def test_dash_means_stdout(capsys):
    write_output("report\n", "-")

    assert capsys.readouterr().out == "report\n"


def test_file_is_written_and_nothing_else_is_left(tmp_path, capsys):
    target = tmp_path / "report.json"

    write_output('{"a": 1}\n', str(target))

    assert target.read_text(encoding="utf-8") == '{"a": 1}\n'
    assert os.listdir(tmp_path) == ["report.json"]
    assert capsys.readouterr().out == ""


def test_existing_file_is_replaced_with_its_mode_kept(tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("old\n")
    target.chmod(0o640)

    write_output("new\n", str(target))

    assert target.read_text() == "new\n"
    assert target.stat().st_mode & 0o777 == 0o640


def test_new_file_gets_the_umask_mode_not_a_private_one(tmp_path):
    target = tmp_path / "report.txt"
    previous = os.umask(0o022)
    try:
        write_output("x\n", str(target))
    finally:
        os.umask(previous)

    assert target.stat().st_mode & 0o777 == 0o644


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(
    tmp_path, monkeypatch
):
    target = tmp_path / "report.txt"
    target.write_text("old\n")

    def refuse(source, destination):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output.os, "replace", refuse)
    with pytest.raises(UsageError, match="cannot write: Permission denied"):
        write_output("new\n", str(target))

    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["report.txt"]


def test_missing_folder_is_a_usage_error_naming_the_path(tmp_path):
    target = tmp_path / "missing" / "report.json"

    with pytest.raises(UsageError) as raised:
        write_output("x", str(target))

    assert str(raised.value) == (
        f"{target}: cannot write: No such file or directory"
    )


def test_output_path_may_not_be_an_input_config(tmp_path):
    config = tmp_path / "hq.cfg"
    config.write_text("hostname hq\n")
    same = tmp_path / "." / "hq.cfg"

    with pytest.raises(UsageError, match="is an input config"):
        check_output_path(str(same), [str(config), "other.cfg"])


def test_output_path_that_is_no_input_passes(tmp_path):
    config = tmp_path / "hq.cfg"
    config.write_text("hostname hq\n")

    check_output_path(str(tmp_path / "out.json"), [str(config)])
    check_output_path(None, [str(config)])
