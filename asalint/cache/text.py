"""A config read once for the cache: its text and a digest of it that
holds nothing of a key.

The digest covers the path, the reading notes and the text with every
secret token masked as `mask_line` masks it. A digest of the raw bytes
would be a digest over the keys too: anyone holding the cache, whose
entries keep the masked text of most lines, could test guesses of a weak
key against it offline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from asalint.source import (
    SECRET_HINT,
    SECRET_HINTS,
    clean_line,
    mask_line,
    read_text,
)


@dataclass(frozen=True)
class ConfigText:
    """A config file read once: its text, reading notes and digest."""

    path: str
    text: str
    notes: tuple[str, ...]
    digest: str

    def line(self, number: int) -> str:
        """Line `number` (1-based) as `read_config` would give it."""
        return clean_line(self._raw_lines[number - 1])

    @cached_property
    def _raw_lines(self) -> list[str]:
        # Split only when a key must be read back.
        return self.text.split("\n")


def read_config_text(path: str) -> ConfigText:
    """Read `path` and digest it; InputError when it cannot be read."""
    text, notes = read_text(path)
    digest = content_digest(path, text, notes)
    return ConfigText(path, text, tuple(notes), digest)


def content_digest(path: str, text: str, notes: Sequence[str]) -> str:
    """SHA-256 of the path, the notes and the text with secrets masked."""
    head = f"asalint-cache\0{path}\0{list(notes)}\0"
    digest = hashlib.sha256(head.encode("utf-8", "surrogatepass"))
    for piece in _masked_pieces(text):
        digest.update(piece.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _masked_pieces(text: str) -> Iterator[str]:
    """The text in pieces, every line holding a secret masked."""
    position = 0
    for start, end in _hinted_lines(text):
        yield text[position:start]
        yield _masked_line(text[start:end])
        position = end
    yield text[position:]


def _hinted_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line holding a secret hint, in order."""
    starts = {text.rfind("\n", 0, at) + 1 for at in _hint_positions(text)}
    lines = []
    for start in sorted(starts):
        end = text.find("\n", start)
        lines.append((start, len(text) if end < 0 else end))
    return lines


def _hint_positions(text: str) -> Iterator[int]:
    if not text.isascii():
        # lower() may change the length of non-ASCII text, and with it
        # every offset; the case-blind pattern is slower but exact.
        yield from (match.start() for match in SECRET_HINT.finditer(text))
        return

    lowered = text.lower()
    for hint in SECRET_HINTS:
        at = lowered.find(hint)
        while at >= 0:
            yield at
            at = lowered.find(hint, at + 1)


def _masked_line(line: str) -> str:
    cleaned = clean_line(line)
    masked = mask_line(cleaned)
    if masked == cleaned:
        return line
    # Mark a line the reader cleans (pager debris, carriage returns) so
    # that it cannot stand for the same line without them: the parser
    # notes the debris it removed.
    return masked if cleaned == line else f"\0{masked}"
