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
    if not path:
        # Path("") is the working folder: "is a directory" would puzzle.
        raise InputError("''", "an empty path names no file")
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

MASK = "*****"

MASKED_TOKENS = frozenset(
    {"<secret hidden>", "<removed>", "<redacted>", "<hidden>", "<secret>"}
)

# Every line `mask_line` changes holds one of these words, in any case:
# a caller that must mask a whole text may look for them first and run
# `mask_line` only on the lines that hold one.
SECRET_HINTS = (
    "key", "pass", "secret", "community", "-pw", "aaa-server",
    "snmp-server", "auth", "priv", "psk", "://",
)
# The hints as one case-blind pattern, for text that is not ASCII: there
# `lower()` and the patterns' IGNORECASE may disagree on a letter.
SECRET_HINT = re.compile(
    "|".join(map(re.escape, SECRET_HINTS)), re.IGNORECASE
)

# Lines whose every word after the prefix is a secret: the ASA takes the
# new and then the old master passphrase on one line.
_SECRET_REST = re.compile(
    r"^(\s*key\s+config-key\s+password-encrypt(?:ion)?\s+)(\S.*)$",
    re.IGNORECASE,
)

# Each pattern captures the text before the secret; the secret is the next
# token. Ordered from the most specific form to the most general; the
# first that matches decides.
_SECRET_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        # IOS keyring keys: a key type digit, `local` / `remote`, and
        # `address A [M] key K` or `hostname H key K` before the key.
        (r"^(\s*pre-shared-key\s+(?:(?:local|remote)\s+)?"
        r"(?:(?:address|hostname)\s+\S+(?:\s+(?!key\b)\S+)?\s+key\s+)?"
        r"(?:\d\s+(?=\S))?)"),
        (r"^(\s*(?:ikev1\s+|ikev2\s+(?:local|remote)-authentication\s+)"
        r"pre-shared-key\s+(?:[08]\s+)?)"),
        r"^(\s*(?:crypto\s+)?isakmp\s+key\s+(?:[068]\s+)?)",
        (r"^(\s*enable\s+(?:password|secret)\s+(?:level\s+\d+\s+)?"
        r"(?:[05789]\s+)?)"),
        r"^(\s*(?:password|secret)\s+(?:[05789]\s+)?)",
        (r"^(\s*username\s+\S+\s+(?:privilege\s+\d+\s+)?"
        r"(?:password|secret)\s+(?:[05789]\s+)?)"),
        r"^(\s*passwd\s+)",
        r"^(\s*snmp-server\s+community\s+(?:[08]\s+)?)",
        # ASA: `snmp-server host IF A [poll|trap] community [0|8] C`.
        (r"^(\s*snmp-server\s+host\s+\S+\s+\S+\s+(?:\S+\s+)*?"
        r"community\s+(?:[08]\s+)?)"),
        # IOS: `snmp-server host A [traps|informs] [version V] C`, the
        # community in place, without a keyword.
        (r"^(\s*snmp-server\s+host\s+\d[\d.]*\s+(?:vrf\s+\S+\s+)?"
        r"(?:(?:traps|informs)\s+)?(?:version\s+(?:1|2c|3\s+\S+)\s+)?)"
        r"(?!(?:vrf|traps|informs|version)\b)"),
        r"^(\s*failover\s+(?:ipsec\s+pre-shared-)?key\s+(?:[08]\s+|hex\s+)?)",
        (r"^(\s*(?:tacacs-server|radius-server)\s+"
        r"(?:host\s+\S+\s+(?:\S+\s+)*?)?key\s+(?:[07]\s+)?)"),
        r"^(\s*ntp\s+authentication-key\s+\d+\s+\S+\s+(?:[078]\s+)?)",
        r"^(\s*(?:server-)?key\s+(?:[07]\s+)?)",
        r"^(\s*key-string\s+(?:[07]\s+)?)",
        r"^(\s*ldap-login-password\s+)",
        r"^(\s*radius-common-pw\s+)",
        r"^(\s*(?:aaa-server\s+\S+\s+(?:\(\S+\)\s+)?)?host\s+\S+\s+key\s+)",
        # `aaa-server TAG [(IF)] host A [KEY] [timeout S]`: the ASA takes
        # the key in place, without a keyword.
        (r"^(\s*aaa-server\s+\S+\s+(?:\(\S+\)\s+)?host\s+\S+\s+)"
        r"(?!(?:key|timeout)\b)"),
        r"^(\s*standby\s+(?:\d+\s+)?authentication\s+(?:text\s+)?)(?!md5\b)",
        r"^(\s*vrrp\s+\d+\s+authentication\s+(?:text\s+)?)(?!md5\b)",
        r"^(\s*wpa-psk\s+(?:ascii|hex)\s+(?:[07]\s+)?)",
    )
]

# Secrets in the middle of a line (routing-protocol keys, SNMPv3
# passphrases, `password` after a user name): a second pass. NTP's
# `authentication-key N md5 K` comes first, so that `md5` is not taken
# for the key of an OSPF-style `authentication-key [T] K`.
_SECRET_INSIDE = re.compile(
    r"((?<!<)\b(?:authentication-key\s+\d+\s+(?:md5|sha\d*)"
    r"|password(?:\s+level\s+\d+)?|passwd|secret|authentication-key"
    r"|key-string(?:\s+password)?|message-digest-key\s+\d+\s+md5"
    r"|authentication\s+key\s+\S+\s+\d+|pre-share\s+key"
    # A key set on a crypto map entry (`set ikev1|ikev2 pre-shared-key`),
    # and the NHRP password of a DMVPN interface.
    r"|set\s+ikev[12]\s+pre-shared-key|nhrp\s+authentication"
    r"|auth\s+(?:md5|sha\S*)|priv\s+(?:des|3des|aes(?:\s+\d+)?+))"
    r"\s+(?:[0-9]\s+)?+)(\S+)",
    re.IGNORECASE,
)

# `scheme://user:password@host` in a URL (ASA auto-update, IOS archive).
_URL_PASSWORD = re.compile(r"(://[^\s/:@]+:)[^\s/@]+(?=@)")


def mask_line(text: str) -> str:
    """The line with every secret it holds replaced by `*****`.

    Each secret word becomes one `*****` and every other word is kept,
    so a masked line has as many words as the line, in the same places.
    """
    if not _may_hold_secret(text):
        # Most lines of a config hold no secret: a few substring tests
        # spare them the two dozen patterns below.
        return text

    text = _URL_PASSWORD.sub(rf"\1{MASK}", text)
    # The patterns see the line without its indent: on a line indented
    # thousands of columns deep each would rescan the indent.
    body = text.lstrip()
    indent = text[: len(text) - len(body)]
    rest = _SECRET_REST.match(body)
    if rest:
        words = [_masked(word) for word in rest.group(2).split()]
        return indent + rest.group(1) + " ".join(words)

    body = _mask_first_pattern(body)
    return indent + _SECRET_INSIDE.sub(_mask_inside, body)


def _may_hold_secret(text: str) -> bool:
    if not text.isascii():
        return SECRET_HINT.search(text) is not None
    lowered = text.lower()
    for hint in SECRET_HINTS:  # a loop: twice as fast as any() here
        if hint in lowered:
            return True
    return False


def _mask_first_pattern(text: str) -> str:
    if not text:
        return text
    for pattern in _SECRET_PATTERNS:
        match = pattern.match(text)
        if match and len(text) > match.end():
            return _mask_after(text, match.end())
    return text


def _mask_inside(match: re.Match[str]) -> str:
    return match.group(1) + _masked(match.group(2))


def _mask_after(text: str, start: int) -> str:
    rest = text[start:]
    if any(rest.lower().startswith(token) for token in MASKED_TOKENS):
        return text
    parts = rest.split(None, 1)
    tail = f" {parts[1]}" if len(parts) > 1 else ""
    return f"{text[:start]}{_masked(parts[0])}{tail}"


def _masked(word: str) -> str:
    # A run of asterisks is a mask already (the ASA prints `*****`, PIX 6
    # eight of them); a key that merely starts with one is still a key.
    lowered = word.lower()
    if word.strip("*") == "" or any(
        token.split()[0] == lowered for token in MASKED_TOKENS
    ):
        return word
    return MASK
