"""Every public config in the shared corpus loads without an exception.

The corpus lives beside the repository and is not part of it; the tests
skip where it is absent. An InputError is a clean answer only for a file
that really is another platform than the parser that refused it; ASA
files must come back as a Device, and their not-modelled lines are
counted and kept, never dropped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from asalint.api import load_device
from asalint.errors import InputError
from asalint.model import Device, Era, Platform
from asalint.parse.detect import detect
from asalint.source import read_config

CORPUS = Path(__file__).parents[1].parent / "shared" / "corpus"


def corpus_files(folder: str) -> list[Path]:
    root = CORPUS / folder
    if not root.is_dir():
        return []
    return sorted(
        path for path in root.iterdir()
        if path.is_file() and path.suffix != ".md"
    )


ASA_FILES = corpus_files("batfish")
IOS_FILES = corpus_files("batfish-ios")
needs_corpus = pytest.mark.skipif(
    not ASA_FILES, reason="the shared corpus is not beside this checkout"
)


def file_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@needs_corpus
@pytest.mark.parametrize("path", ASA_FILES, ids=file_id)
def test_every_asa_corpus_file_parses_as_asa(path: Path, record_property):
    device = load_device(str(path))
    not_modelled = [item for item in device.unparsed if not item.recognised]
    unreadable = [item for item in device.unparsed if item.recognised]
    record_property("not_modelled", len(not_modelled))
    record_property("unreadable", len(unreadable))

    assert device.platform == Platform.ASA
    line_count = len(read_config(str(path)).lines)
    assert all(1 <= item.origin.line <= line_count
               for item in device.unparsed)


@pytest.mark.parametrize("path", IOS_FILES, ids=file_id)
def test_every_ios_corpus_file_loads_or_is_refused_as_ios(path: Path):
    try:
        device = load_device(str(path))
    except InputError as error:
        # Refusing is clean only when the file really is IOS and the IOS
        # parser is what is missing, not an ASA parser failing on it.
        assert detect(read_config(str(path))).kind == "ios", error.problem
        return
    assert isinstance(device, Device)
    assert device.platform == Platform.IOS


@needs_corpus
def test_asa_syntax_without_a_version_line_parses_as_asa():
    crypto = load_device(str(CORPUS / "batfish" / "cisco_crypto"))
    webvpn = load_device(str(CORPUS / "batfish" / "cisco_webvpn"))

    assert crypto.era == Era.ASA84
    assert any("inferred" in note for note in crypto.notes)
    assert crypto.ikev1_interfaces.keys() == {"outside", "inside"}
    assert [entry.label for entry in crypto.crypto_maps] == [
        "myothermap 65535", "VPN 5", "VPN 10", "asacryptomap 10",
        "VPNMAP 2",
    ]
    assert webvpn.tunnel_groups["DefaultRAGroup"].type == "remote-access"
    assert webvpn.tunnel_groups["eeeeeeeeee"].type == "remote-access"


@needs_corpus
def test_not_modelled_lines_are_reported_with_their_line():
    crypto = load_device(str(CORPUS / "batfish" / "cisco_crypto"))
    by_line = {item.origin.line: item for item in crypto.unparsed}

    # A router's `crypto isakmp key` has no place on an ASA: kept, masked.
    assert by_line[178].reason == "not modelled"
    assert "*****" in by_line[178].origin.text
    assert by_line[4].reason == "certificate data not modelled"
    assert not set(range(5, 28)) & by_line.keys()  # hex lines ignored
    assert len(crypto.unparsed) > 50


@needs_corpus
def test_nat_corpus_files_keep_the_asa_order():
    mixed = load_device(str(CORPUS / "batfish" / "asa-nat-mixed"))
    sections = [(rule.section, rule.origin.line) for rule in mixed.nat_rules]

    assert sections[:2] == [(1, 24), (1, 25)]
    assert sections[-2:] == [(3, 23), (3, 26)]
    # Object NAT: static before dynamic, then fewer addresses, then name.
    assert [line for section, line in sections if section == 2] == [
        39, 35, 31, 29, 37, 33,
    ]
