"""Reading a config file into lines, and masking the secrets in a line.

Everything that reads a config goes through `read_config`, so encodings,
line endings, byte-order marks and pager debris are handled in one place
and line numbers always match the file as an editor shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from asalint.errors import InputError

# `show running-config` captured through a terminal pager leaves the prompt
# and the carriage returns that erased it inside the text.
PAGER_DEBRIS = re.compile(r"<-+\s*More\s*-+>")
BACKSPACES = re.compile(r"[^\x08]?\x08")

# Share of NUL or control bytes above which a file is binary, not a config.
BINARY_SHARE = 0.10


@dataclass(frozen=True)
class SourceText:
    """A config's lines, 1-based through `line()`, with reading notes."""

    path: str
    lines: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    def line(self, number: int) -> str:
        return self.lines[number - 1]


def read_config(path: str) -> SourceText:
    """Read `path` as a config; raise InputError with one clear line."""
    text, notes = read_text(path)
    return config_from_text(path, text, notes)


def read_text(path: str) -> tuple[str, list[str]]:
    """The file's decoded text, lines not yet cleaned, and reading notes.

    The parsed-model cache hashes this text and cleans only the lines it
    needs; `config_from_text` finishes the reading on a cache miss.
    """
    return _decode(path, _read_bytes(path))


def config_from_text(path: str, text: str, notes: list[str]) -> SourceText:
    """The config held in text from `read_text`."""
    lines, debris_notes = _clean_lines(text)
    if not any(line.strip() for line in lines):
        raise InputError(path, "empty file, no config lines")
    return SourceText(path, tuple(lines), tuple(notes + debris_notes))


def clean_line(line: str) -> str:
    """One line of `read_text`'s text as `read_config` would give it."""
    return _clean_line(line)


def _read_bytes(path: str) -> bytes:
    file = Path(path)
    if not file.exists():
        raise InputError(path, "no such file")
    if file.is_dir():
        raise InputError(path, "is a directory, not a config file")
    try:
        return file.read_bytes()
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror}") from None


def _decode(path: str, data: bytes) -> tuple[str, list[str]]:
    notes: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), ["UTF-16 text"]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        notes.append("UTF-8 byte-order mark removed")
    if _looks_binary(data):
        raise InputError(path, "binary data, not a text config")
    if b"\x00" in data:
        data = data.replace(b"\x00", b"")
        notes.append("NUL bytes removed")
    try:
        return data.decode("utf-8"), notes
    except UnicodeDecodeError:
        # Old exports are often Latin-1 (banners, descriptions); every
        # byte decodes, and the keywords asalint reads are ASCII anyway.
        notes.append("not UTF-8, read as Latin-1")
        return data.decode("latin-1"), notes


# Control bytes that text does not hold (tab, newlines, form feed and
# backspace are text: pager debris holds backspaces).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (8, 9, 10, 12, 13))


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if not sample:
        return False
    # translate() drops the control bytes in C: a byte loop in Python
    # took longer than the rest of reading a cached config.
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > BINARY_SHARE


def _clean_lines(text: str) -> tuple[list[str], list[str]]:
    # Split on LF only: str.splitlines() would also split on the bare
    # carriage returns of pager debris and shift every line number.
    raw = text.split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    lines = [_clean_line(line) for line in raw]
    notes = []
    if any(PAGER_DEBRIS.search(line) for line in raw):
        notes.append("terminal pager prompts removed")
    return lines, notes


def _clean_line(line: str) -> str:
    line = line.rstrip("\r")
    if "\x08" in line:
        line = BACKSPACES.sub("", line)
    line = PAGER_DEBRIS.sub("", line)
    if "\r" in line:
        # What a terminal shows after carriage returns: the last segment
        # that holds text (the pager blanks its prompt, then redraws).
        segments = [part for part in line.split("\r") if part.strip()]
        line = segments[-1] if segments else ""
    return line.replace("\t", " ").rstrip()


# --- secrets ---------------------------------------------------------------

MASKED_TOKENS = frozenset(
    {"<secret hidden>", "<removed>", "<redacted>", "<hidden>", "<secret>"}
)

# Each pattern captures the text before the secret; the secret is the next
# token. Ordered from the most specific form to the most general.
_SECRET_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        (r"^(\s*(?:ikev1\s+|ikev2\s+(?:local|remote)-authentication\s+)?"
        r"pre-shared-key\s+(?:address\s+\S+(?:\s+\S+)?\s+key\s+)?(?:[08]\s+)?)"),
        r"^(\s*(?:crypto\s+)?isakmp\s+key\s+(?:[068]\s+)?)",
        r"^(\s*pre-shared-key\s+(?:local|remote)\s+(?:[068]\s+)?)",
        r"^(\s*(?:enable\s+)?(?:password|secret)\s+(?:[05789]\s+)?)",
        (r"^(\s*enable\s+(?:password|secret)\s+(?:level\s+\d+\s+)?"
        r"(?:[05789]\s+)?)"),
        (r"^(\s*username\s+\S+\s+(?:privilege\s+\d+\s+)?"
        r"(?:password|secret)\s+(?:[05789]\s+)?)"),
        r"^(\s*passwd\s+)",
        r"^(\s*snmp-server\s+community\s+)",
        r"^(\s*snmp-server\s+host\s+\S+\s+\S+\s+community\s+)",
        r"^(\s*failover\s+(?:ipsec\s+pre-shared-)?key\s+(?:[08]\s+)?)",
        (r"^(\s*(?:tacacs-server|radius-server)\s+(?:host\s+\S+\s+)?"
        r"key\s+(?:[07]\s+)?)"),
        r"^(\s*key\s+config-key\s+password-encryption\s+)",
        r"^(\s*(?:server-)?key\s+(?:[07]\s+)?)",
        r"^(\s*key-string\s+(?:[07]\s+)?)",
        r"^(\s*ldap-login-password\s+)",
        r"^(\s*ntp\s+authentication-key\s+\d+\s+md5\s+)",
        r"^(\s*(?:aaa-server\s+\S+\s+\S+\s+)?host\s+\S+\s+key\s+)",
    )
]


# IOS keyring keys: a key type digit, `local` / `remote`, and
# `address A [M] key K` or `hostname H key K` before the key.
_KEYRING_KEY = re.compile(
    r"^(\s*pre-shared-key\s+(?:(?:local|remote)\s+)?"
    r"(?:(?:address|hostname)\s+\S+(?:\s+(?!key\b)\S+)?\s+key\s+)?"
    r"(?:\d\s+(?=\S))?)",
    re.IGNORECASE,
)

# Secrets in the middle of a line (routing-protocol keys, SNMPv3
# passphrases, `password` after a user name): a second pass.
_SECRET_INSIDE = re.compile(
    r"((?<!<)\b(?:password|passwd|secret|authentication-key"
    r"|key-string(?:\s+password)?|message-digest-key\s+\d+\s+md5"
    r"|authentication\s+key\s+\S+\s+\d+|pre-share\s+key"
    r"|auth\s+(?:md5|sha\S*)|priv\s+(?:des|3des|aes(?:\s+\d+)?+))"
    r"\s+(?:[0-9]\s+)?+)(?![*<])(\S+)",
    re.IGNORECASE,
)


def mask_line(text: str) -> str:
    """The line with any secret it holds replaced by `*****`."""
    text = _SECRET_INSIDE.sub(r"\1*****", text)
    for pattern in (_KEYRING_KEY, *_SECRET_PATTERNS):
        match = pattern.match(text)
        if match and len(text) > match.end():
            return _mask_after(text, match.end())
    return text


def _mask_after(text: str, start: int) -> str:
    rest = text[start:]
    if rest.startswith("*") or any(
        rest.lower().startswith(token) for token in MASKED_TOKENS
    ):
        return text
    parts = rest.split(None, 1)
    tail = f" {parts[1]}" if len(parts) > 1 else ""
    return f"{text[:start]}*****{tail}"
