"""Finding and loading asalint's configuration, as frozen data.

The configuration lives in `asalint.toml`, `.asalint.toml` or the
`[tool.asalint]` table of `pyproject.toml`. It is searched for upward
from the working folder; the first folder that holds any of the three
wins, in that order (a `pyproject.toml` counts only when it has the
table, as network teams' config repositories rarely have one at all).
`--config FILE` wins over the search.

    select = ["ALL"]                 # ids, names, prefixes (ASA1), ALL
    ignore = ["ASA902"]              # the more specific selector wins
    fail-on = "warning"              # note | warning | error
    exit-zero = false
    [levels]
    ASA206 = "error"                 # id or name -> note|warning|error|off
    [[ignore]]                       # a durable ignore: survives backups
    rule = "ASA203"                  # that drop the config's `!` comments
    device = "hq-fw"                 # or file = "configs/hq*.cfg"
    peer = "198.51.100.10"
    reason = "partner fixes their ACL in the January window"
    expires = 2027-01-31             # after this day the finding is back

TOML cannot hold both `ignore = [...]` and `[[ignore]]` tables in one
file, so the `ignore` array takes both kinds of item: selector strings
and durable-ignore tables. A durable ignore with only `rule` and
`reason` ignores that rule everywhere, with its reason on record.

Every error is a UsageError of one line naming the file and the key.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from datetime import date
from ipaddress import IPv4Address
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    Tag,
    ValidationError,
    field_validator,
)

from asalint.catalogue import catalogue
from asalint.errors import UsageError
from asalint.results import Level

log = logging.getLogger(__name__)

CONFIG_FILES = ("asalint.toml", ".asalint.toml", "pyproject.toml")
PYPROJECT = "pyproject.toml"
PYPROJECT_TABLE = ("tool", "asalint")

ALL = "ALL"
OFF = "off"
LevelSetting = Literal["note", "warning", "error", "off"]

# `ASA`, then up to three digits: ASA, ASA1, ASA10, ASA105.
_PREFIX = re.compile(r"^ASA\d{0,3}$")


class Strict(BaseModel):
    """Frozen, and every key it does not know is an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --- the file's tables ---------------------------------------------------------


class IgnoreEntry(Strict):
    """A durable ignore: config backups drop `!` comments, this stays.

    It matches a finding of `rule` whose file matches the glob `file`,
    whose device has the hostname `device` and whose peer is `peer`;
    what it leaves out matches anything. From the day after `expires`
    it is off and its findings are reported again.
    """

    rule: str
    file: str | None = None
    device: str | None = None
    peer: IPv4Address | None = None
    reason: str
    expires: date | None = None

    @field_validator("reason")
    @classmethod
    def _reason_given(cls, reason: str) -> str:
        if not reason.strip():
            raise ValueError("must say why the finding is ignored")
        return reason

    def expired(self, today: date) -> bool:
        return self.expires is not None and today > self.expires


class PairEntry(Strict):
    """Two configs that form a tunnel although no address says so."""

    a: str
    b: str
    reason: str | None = None


class PeerEntry(Strict):
    """Where a peer address lives when NAT hides it from the configs."""

    file: str | None = None
    device: str | None = None
    external: StrictBool | None = None


def _ignore_kind(item: Any) -> str:
    return "selector" if isinstance(item, str) else "entry"


IgnoreItem = Annotated[
    Annotated[str, Tag("selector")] | Annotated[IgnoreEntry, Tag("entry")],
    Discriminator(_ignore_kind),
]


class Config(Strict):
    """The keys of the configuration; every one optional."""

    select: tuple[str, ...] | None = None  # None: every rule
    ignore: tuple[IgnoreItem, ...] = ()
    levels: dict[str, LevelSetting] = {}
    fail_on: Level | None = Field(default=None, alias="fail-on")
    exit_zero: StrictBool | None = Field(default=None, alias="exit-zero")
    # Read by the repository scan: which files, which pairs, which peers.
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    pairs: tuple[PairEntry, ...] = ()
    peers: dict[IPv4Address, PeerEntry] = {}

    @property
    def ignored(self) -> tuple[str, ...]:
        """The selector strings of `ignore`."""
        return tuple(item for item in self.ignore if isinstance(item, str))

    @property
    def durable(self) -> tuple[IgnoreEntry, ...]:
        """The durable-ignore tables of `ignore`."""
        return tuple(
            item for item in self.ignore if isinstance(item, IgnoreEntry)
        )


class ConfigFile(Strict):
    """A loaded configuration and where it came from.

    `path` is None when no file was found (the defaults apply);
    `ignore_lines` holds the line of each durable ignore's `[[ignore]]`
    header, so a finding about an expired one can point at it.
    """

    path: str | None = None
    config: Config = Config()
    ignore_lines: tuple[int | None, ...] = ()

    def ignore_line(self, index: int) -> int | None:
        if index < len(self.ignore_lines):
            return self.ignore_lines[index]
        return None


# --- selectors -------------------------------------------------------------


def rules_named(selector: str) -> frozenset[str]:
    """The rule ids a selector names: an id, a name, a prefix or ALL.

    Empty when it names none, which the loaders report as an error.
    """
    rules = catalogue().rules
    text = selector.strip()
    if text.upper() == ALL:
        return frozenset(rule.id for rule in rules)

    rule = catalogue().get(text)
    if rule is not None:
        return frozenset({rule.id})
    if _PREFIX.match(text.upper()):
        prefix = text.upper()
        return frozenset(r.id for r in rules if r.id.startswith(prefix))
    return frozenset()


def specificity(selector: str) -> int:
    """How narrowly a selector names rules: ALL < ASA < ASA1 < ASA105.

    A rule both selected and ignored follows the narrower selector, as
    in ruff; on a tie the ignore wins.
    """
    text = selector.strip().upper()
    if text == ALL:
        return -1
    if _PREFIX.match(text):
        return len(text) - len("ASA")
    return 3  # a name names one rule, like a full id


def selection(config: Config) -> frozenset[str]:
    """The ids of the rules `select` and `ignore` leave on."""
    select = (ALL,) if config.select is None else config.select
    return frozenset(
        rule.id
        for rule in catalogue().rules
        if _selected(rule.id, select, config.ignored)
    )


def _selected(
    rule_id: str, select: tuple[str, ...], ignore: tuple[str, ...]
) -> bool:
    best: tuple[int, bool] | None = None
    for ignoring, selectors in ((False, select), (True, ignore)):
        for selector in selectors:
            if rule_id in rules_named(selector):
                candidate = (specificity(selector), ignoring)
                best = candidate if best is None else max(best, candidate)
    return best is not None and not best[1]


def level_settings(config: Config) -> dict[str, LevelSetting]:
    """Rule id -> the level `[levels]` gives it (or `off`)."""
    found = {}
    for key, setting in config.levels.items():
        rule = catalogue().get(key)
        if rule is not None:
            found[rule.id] = setting
    return found


# --- finding the file ------------------------------------------------------


def find_config(start: Path | None = None) -> Path | None:
    """The configuration file that applies in `start` (the working folder).

    Each folder from `start` up to the filesystem root is searched; the
    first holding any of CONFIG_FILES wins, in that order.
    """
    folder = (start or Path.cwd()).resolve()
    for candidate_folder in (folder, *folder.parents):
        for name in CONFIG_FILES:
            candidate = candidate_folder / name
            if candidate.is_file() and _holds_config(candidate):
                log.debug("configuration: %s", candidate)
                return candidate
    return None


def _holds_config(file: Path) -> bool:
    if file.name != PYPROJECT:
        return True
    # A project's pyproject.toml counts only with a [tool.asalint] table;
    # a glance at the text spares parsing every pyproject on the way up.
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return _TOOL_TABLE.search(text) is not None


_TOOL_TABLE = re.compile(r"^\s*\[+\s*tool\s*\.\s*asalint\b", re.MULTILINE)


# --- loading -------------------------------------------------------------------


def load_config(
    path: str | None = None, *, start: Path | None = None
) -> ConfigFile:
    """The configuration: `path` when given, else the one found upward
    from `start`; the defaults when there is none."""
    if path is None:
        found = find_config(start)
        if found is None:
            return ConfigFile()
        path = _shown(found)
    return read_config_file(path)


def _shown(file: Path) -> str:
    # Findings name files as the user would type them: relative to the
    # working folder, even when the configuration sits above it.
    try:
        return os.path.relpath(file)
    except ValueError:  # another drive on Windows
        return str(file)


def read_config_file(path: str) -> ConfigFile:
    """Read and validate one configuration file; UsageError if bad."""
    text = _read(path)
    data = _toml(path, text)
    where = ""
    if Path(path).name == PYPROJECT:
        data = _pyproject_table(data)
        where = "tool.asalint."

    config = _validated(path, data, where)
    _check_rule_names(path, config, where)
    return ConfigFile(
        path=path,
        config=config,
        ignore_lines=_ignore_lines(text, config),
    )


def _pyproject_table(data: dict[str, Any]) -> Any:
    tool = data.get("tool", {})
    return tool.get("asalint", {}) if isinstance(tool, dict) else {}


def _read(path: str) -> str:
    file = Path(path)
    if not file.is_file():
        problem = "is a directory" if file.is_dir() else "no such file"
        raise UsageError(f"{path}: {problem}")
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read: {error.strerror}") from None


def _toml(path: str, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: not valid TOML: {error}") from None


def _validated(path: str, data: Any, where: str) -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        raise UsageError(f"{path}: {_problem(error, where)}") from None


# Union tags and dict-key markers pydantic puts into an error's location.
_LOC_NOISE = {"selector", "entry", "[key]"}


def _problem(error: ValidationError, where: str) -> str:
    first = error.errors()[0]
    loc = [part for part in first["loc"] if part not in _LOC_NOISE]
    kind = first["type"]
    if kind in ("extra_forbidden", "missing") and loc:
        *parent, key = loc
        what = "unknown key" if kind == "extra_forbidden" else "missing key"
        return _at(_dotted(parent, where), f"{what} '{key}'")

    if kind == "model_type":
        message = "should be a table"
        if loc and isinstance(loc[-1], int):
            message = "should be a rule selector or a table"
    else:
        message = first["msg"].removeprefix("Value error, ")
    return _at(_dotted(loc, where), message)


def _at(key: str, problem: str) -> str:
    return f"{key}: {problem}" if key else problem


def _dotted(loc: list, where: str) -> str:
    # Entries of an array are counted from 1, as a reader counts tables.
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f" #{part + 1}"
        else:
            text += f".{part}" if text else str(part)
    return f"{where}{text}" if text else where.rstrip(".")


# --- rule names ------------------------------------------------------------


def _check_rule_names(path: str, config: Config, where: str) -> None:
    # A misspelt id would silently select or silence nothing.
    named = [("select", s) for s in config.select or ()]
    named += [("ignore", s) for s in config.ignored]
    named += [
        (f"ignore #{n}.rule", item.rule)
        for n, item in enumerate(config.ignore, 1)
        if isinstance(item, IgnoreEntry)
    ]
    for key, selector in named:
        if not rules_named(selector):
            raise UsageError(
                f"{path}: {where}{key}: {selector!r} names no rule"
            )

    for key in config.levels:
        if catalogue().get(key) is None:
            raise UsageError(
                f"{path}: {where}levels.{key}: no rule has this id or name"
            )


_IGNORE_HEADER = re.compile(r"^\s*\[\[\s*(?:tool\.asalint\.)?ignore\s*\]\]")


def _ignore_lines(text: str, config: Config) -> tuple[int | None, ...]:
    """The line of each durable ignore's `[[ignore]]` header.

    Entries written inline (`ignore = [{...}]`) have no header of their
    own: their findings then carry no line.
    """
    lines = tuple(
        number
        for number, line in enumerate(text.split("\n"), 1)
        if _IGNORE_HEADER.match(line)
    )
    count = len(config.durable)
    return lines if len(lines) == count else (None,) * count


# --- the command line on top -------------------------------------------------


def with_options(
    loaded: ConfigFile,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
) -> ConfigFile:
    """`--select` replaces the file's `select`; `--ignore` adds to its
    `ignore`. Each option takes ids, names and prefixes, comma-separated
    or repeated."""
    update: dict[str, Any] = {}
    if select:
        update["select"] = _option_selectors("--select", select)
    if ignore:
        extra = _option_selectors("--ignore", ignore)
        update["ignore"] = loaded.config.ignore + extra
    if not update:
        return loaded
    config = loaded.config.model_copy(update=update)
    return loaded.model_copy(update={"config": config})


def _option_selectors(option: str, values: list[str]) -> tuple[str, ...]:
    selectors = tuple(
        part.strip()
        for value in values
        for part in value.split(",")
        if part.strip()
    )
    for selector in selectors:
        if not rules_named(selector):
            raise UsageError(f"{option}: {selector!r} names no rule")
    return selectors
