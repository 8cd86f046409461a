"""Config text -> `Device`. See `parse_device`.

The platform is detected from the text; the tree is built once by
`tree.build_tree`; each platform's parser walks it into the model.
Platform parsers are imported only when a config of theirs is read.
"""

from __future__ import annotations

import importlib
import logging

from asalint.errors import InputError
from asalint.model import Device
from asalint.parse.detect import Detection, detect
from asalint.source import SourceText

log = logging.getLogger(__name__)

# kind -> (tree syntax, module, function, what the user calls it)
_PARSERS = {
    "asa": ("asa", "asalint.parse.asa", "parse_asa", "ASA"),
    "pix6": ("asa", "asalint.parse.pix6", "parse_pix6", "PIX 6"),
    "ios": ("ios", "asalint.parse.ios", "parse_ios", "IOS"),
}


def parse_device(source: SourceText) -> Device:
    """Parse one config; InputError when it is not one asalint reads."""
    from asalint.parse.tree import build_tree

    detection = detect(source)
    syntax, module, function, label = _PARSERS[detection.kind]
    log.debug("%s: read as %s", source.path, label)

    parser = _load(module, function, source.path, label)
    tree = build_tree(source, syntax)
    if detection.kind == "asa":
        return parser(source, tree, detection)
    return parser(source, tree)


def _load(module: str, function: str, path: str, label: str):
    try:
        return getattr(importlib.import_module(module), function)
    except ModuleNotFoundError as error:
        # Only the platform module itself missing means "not yet"; a
        # missing import inside it is a bug and must surface.
        if error.name != module:
            raise
        raise InputError(path, f"{label} configs are not supported yet")


__all__ = ["Detection", "parse_device"]
