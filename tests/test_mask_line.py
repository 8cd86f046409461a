"""Secret forms met in the field that `check` quotes in its findings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from asalint.cli import run
from asalint.source import mask_line

PAIRS = Path(__file__).parents[1] / "fixtures" / "pairs"

FIELD_FORMS = [
    "crypto map outside_map 10 set ikev2 pre-shared-key Field-Canary-1",
    "crypto map outside_map 10 set ikev1 pre-shared-key 8 Field-Canary-2",
    " ip nhrp authentication Field-Canary-3",
]


@pytest.mark.parametrize("line", FIELD_FORMS)
def test_the_key_is_masked(line):
    masked = mask_line(line)

    assert "Field-Canary" not in masked
    assert masked.endswith("*****")


def test_check_quotes_an_unmodelled_key_line_masked(tmp_path, capsys,
                                                    monkeypatch):
    config = tmp_path / "a.cfg"
    shutil.copy(PAIRS / "working-84" / "a.cfg", config)
    with config.open("a") as text:
        text.write(FIELD_FORMS[0] + "\n")
    monkeypatch.chdir(tmp_path)

    run(["check", str(config), "-f", "json", "--no-cache"])
    out = capsys.readouterr().out

    assert "Field-Canary" not in out
    quoted = [f for f in json.loads(out)["findings"] if f["rule"] == "ASA902"]
    assert any("pre-shared-key *****" in f["message"] for f in quoted)
