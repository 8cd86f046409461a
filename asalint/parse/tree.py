"""The one module that talks to ciscoconfparse2.

It turns a config's lines into a plain tree of `Node`s and guards against
the parser's known faults on Cisco text:

- `banner ...` lines make every later line a child of the banner (0.9.18,
  `syntax="asa"`), which would hide whole sections; banner lines, and the
  body of an IOS delimited banner, are blanked to comments before parsing,
  keeping line numbers.
- every public method logs a coloured traceback with local variables
  through loguru before re-raising; such a traceback can hold config text
  and with it a key. Importing it adds such a handler on stdout, which
  `loguru=False` removes only part-way through parsing; so loguru's
  handlers are removed and the package's records disabled right after
  the import, and any exception is turned into an InputError that names
  only its type.
- a single string is taken as a file path: always pass a list.

ciscoconfparse2 is imported here only, and only when a config is parsed,
since its import alone costs about half a second.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from asalint.errors import InputError, frames_only
from asalint.source import SourceText

log = logging.getLogger(__name__)

# Lines starting with these are comments: `!` in every Cisco config, `:`
# in an ASA's header (`: Saved`, `: Written by ...`).
COMMENT_DELIMITERS = "!:"

_BANNER = re.compile(r"^\s*banner\s+(\S+)\s*(.*)$", re.IGNORECASE)
_IOS_BANNER_START = re.compile(
    r"^banner\s+(?:motd|login|exec|incoming|slip-ppp|prompt-timeout)\s+(\S)"
)


@dataclass
class Node:
    """A config line and the lines indented under it.

    `text` is the line as read: it may hold a secret, so it never goes to
    a log or an output; models carry masked `Origin`s instead.
    """

    line: int  # 1-based
    text: str
    indent: int
    children: list[Node] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return self.text.split()

    def walk(self) -> Iterator[Node]:
        """Every node below this one, depth first, in line order."""
        # A stack, not recursion: a damaged file can nest lines thousands
        # of levels deep, past Python's recursion limit.
        pending = list(reversed(self.children))
        while pending:
            node = pending.pop()
            yield node
            pending.extend(reversed(node.children))


def build_tree(source: SourceText, syntax: str) -> list[Node]:
    """Top-level nodes of the config, comments and blank lines left out."""
    lines = _neutralise_banners(list(source.lines), syntax)
    parse = _run_parser(source.path, lines, syntax)
    return _to_nodes(parse, lines)


def _neutralise_banners(lines: list[str], syntax: str) -> list[str]:
    if syntax == "ios":
        return _blank_ios_banners(lines)
    return ["!" if _BANNER.match(line) else line for line in lines]


def _blank_ios_banners(lines: list[str]) -> list[str]:
    # IOS: `banner motd ^C` ... `^C`; the text between the delimiters may
    # look like commands and must not be read as config.
    result = list(lines)
    index = 0
    while index < len(result):
        match = _IOS_BANNER_START.match(result[index])
        if match:
            index = _blank_until_delimiter(result, index, match)
        index += 1
    return result


def _blank_until_delimiter(lines: list[str], start: int, match) -> int:
    delimiter = match.group(1)
    if delimiter == "^" and lines[start][match.end(1):].startswith("C"):
        delimiter = "^C"
    rest = lines[start][match.start(1) + len(delimiter):]
    lines[start] = "!"
    if delimiter in rest:
        return start
    for index in range(start + 1, len(lines)):
        closes = delimiter in lines[index]
        lines[index] = "!"
        if closes:
            return index
    return len(lines)


def _run_parser(path: str, lines: list[str], syntax: str):
    parser_class = _import_parser()

    try:
        return parser_class(
            lines,
            syntax=syntax,
            loguru=False,
            comment_delimiters=list(COMMENT_DELIMITERS),
        )
    except Exception as error:  # noqa: BLE001 - its faults are untyped
        log.debug("parser failure\n%s", frames_only(error))
        raise InputError(
            path, f"the parser failed ({type(error).__name__})"
        ) from None


def preload() -> None:
    """Import the parser library now, ahead of its first config.

    A process about to fork workers calls this first: each forked worker
    then inherits the library instead of importing it again (half a
    second of CPU each).
    """
    _import_parser()


def _import_parser():
    from asalint.memory import collection_paused

    with collection_paused():  # an import of some 100 modules
        from ciscoconfparse2 import CiscoConfParse
        from loguru import logger

    # A fault before `loguru=False` takes effect would print every frame's
    # variables, this module's `lines` among them, to stdout.
    logger.remove()
    logger.disable("ciscoconfparse2")
    return CiscoConfParse


def _to_nodes(parse, lines: list[str]) -> list[Node]:
    """The parser's family tree over our own lines.

    Only the parser's plain attributes are read (`linenum`, `parent`):
    its properties each pass through a logging wrapper that costs more
    than the test itself, and the text is the line we gave it.
    """
    roots: list[Node] = []
    by_index: dict[int, Node] = {}
    for obj in parse.objs:
        text = lines[obj.linenum]
        body = text.lstrip()
        if not body or body[0] in COMMENT_DELIMITERS:
            continue
        node = Node(obj.linenum + 1, text, len(text) - len(body))
        by_index[obj.linenum] = node
        parent = obj.parent
        if parent is obj or parent.linenum not in by_index:
            roots.append(node)
        else:
            by_index[parent.linenum].children.append(node)
    return roots
