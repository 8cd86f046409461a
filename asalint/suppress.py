"""Silencing findings: inline directives, durable ignores, selection.

Inline, in the config itself:

    ! asalint: disable=ASA105,clear-text-key reason="rotating keys"
    tunnel-group 198.51.100.10 ipsec-attributes
     ikev1 pre-shared-key *****

silences those rules on the next command line and on its children when
it opens a block; `! asalint: disable-file=ID reason="..."` silences
them in the whole file. The ASA keeps no `!` comments, and backup tools
that pull the running config drop them, so the same directive is also
read where the device stores text of our own: an ACL `remark` (for the
next entry, as the remark describes it) and a `description` (for the
interface, object or map entry it describes). A directive needs a
reason (ASA903), and one that silences nothing is reported (ASA904).

Durable ignores live in the configuration (`[[ignore]]`, see
asalint.config); one whose expiry date has passed is off, and a note
says its findings are back.

`apply_suppressions` runs every finding through, in this order: the
rule selection and `[levels]`, then inline directives, then durable
ignores. The parsers drop comments, so directives are read from the
source lines here.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatch
from pathlib import Path, PurePath, PurePosixPath
from typing import Literal

from asalint.catalogue import catalogue
from asalint.causes import SUPPRESSION_WITHOUT_REASON, UNUSED_SUPPRESSION
from asalint.config import (
    OFF,
    ConfigFile,
    IgnoreEntry,
    level_settings,
    rules_named,
    selection,
)
from asalint.errors import InputError
from asalint.model import Device, Frozen
from asalint.results import Finding, Level, Tunnel
from asalint.source import SourceText, config_from_text, read_text

log = logging.getLogger(__name__)

WITHOUT_REASON = SUPPRESSION_WITHOUT_REASON[0]
UNUSED = UNUSED_SUPPRESSION[0]
# Directives about these rules are never reported unused: silencing the
# findings about directives must not itself raise one.
ABOUT_DIRECTIVES = frozenset({WITHOUT_REASON, UNUSED})

MARKER = "asalint:"


class Directive(Frozen):
    """One `asalint:` directive found in a config file.

    `first`..`last` are the lines it covers (the whole file for
    `disable-file`; none when no command follows it). `problem` says
    why a directive that looks like one could not be read.
    """

    path: str
    line: int
    scope: Literal["lines", "file"] = "lines"
    selectors: tuple[str, ...] = ()
    reason: str | None = None
    first: int | None = None
    last: int | None = None
    problem: str | None = None

    @property
    def subject(self) -> str:
        """What the directive is, for a finding's logical key.

        Built from the rule names alone: the comment around them is the
        user's free text, which might hold anything, a key included.
        """
        if self.problem:
            return f"unreadable directive on line {self.line}"
        kind = "disable-file" if self.scope == "file" else "disable"
        return f"{kind}={','.join(self.selectors)}"

    def covers(self, finding: Finding) -> bool:
        if finding.path != self.path or self.problem:
            return False
        if self.scope == "file":
            return True
        if finding.line is None or self.first is None:
            return False
        return self.first <= finding.line <= (self.last or self.first)


class Suppression(Frozen):
    """What `apply_suppressions` leaves: the findings kept, how many it
    silenced, and the new findings about the suppressions themselves."""

    kept: tuple[Finding, ...] = ()
    suppressed: int = 0
    new: tuple[Finding, ...] = ()

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.kept + self.new


# --- reading directives ------------------------------------------------------

# `disable=ID[,ID] reason="..."`, after the `asalint:` marker.
_BODY = re.compile(
    r"^\s*(?P<kind>disable|disable-file)\s*=\s*"
    r"(?P<rules>[\w-]+(?:\s*,\s*[\w-]+)*)"
    r"(?:\s+reason\s*=\s*"
    r"(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s\"']\S*)))?"
    r"\s*$",
    re.IGNORECASE,
)
# Text the device keeps: `access-list NAME remark ...` on the ASA, a
# ` remark` child in an IOS named ACL, and `description` lines.
_REMARK = re.compile(r"^\s*(?:access-list\s+\S+\s+)?remark\s+(?P<text>.*)$")
_DESCRIPTION = re.compile(r"^\s*description\s+(?P<text>.*)$")
# In that free text the marker must be followed by a directive: a remark
# that merely mentions asalint is prose, not a broken directive.
_IN_TEXT = re.compile(r"asalint:\s*disable(?:-file)?\s*=", re.IGNORECASE)


def read_directives(source: SourceText) -> tuple[Directive, ...]:
    """Every directive in `source`, with the lines each one covers."""
    lines = source.lines
    found = []
    for index, line in enumerate(lines):
        body, where = _directive_text(line)
        if body is None:
            continue
        directive = _parsed(source.path, index + 1, body)
        if directive.scope == "lines":
            span = _span(lines, index, where)
            if span is not None:
                directive = directive.model_copy(
                    update={"first": span[0], "last": span[1]}
                )
        found.append(directive)
    return tuple(found)


def _directive_text(line: str) -> tuple[str | None, str]:
    """The text after the marker, and what kind of line holds it."""
    stripped = line.strip()
    if stripped.startswith("!"):
        comment = stripped.lstrip("!").strip()
        if comment.lower().startswith(MARKER):
            return comment[len(MARKER):], "comment"
        return None, ""

    for kind, pattern in (("remark", _REMARK), ("description", _DESCRIPTION)):
        match = pattern.match(line)
        if match:
            found = _IN_TEXT.search(match.group("text"))
            if found:
                start = found.start() + len(MARKER)
                return match.group("text")[start:], kind
    return None, ""


def _parsed(path: str, number: int, body: str) -> Directive:
    match = _BODY.match(body)
    if match is None:
        return Directive(
            path=path, line=number,
            problem='not `disable=ID[,ID] reason="..."` or `disable-file=`',
        )

    reason = next(
        (match.group(g) for g in ("dq", "sq", "bare") if match.group(g)),
        None,
    )
    selectors = tuple(s.strip() for s in match.group("rules").split(","))
    file_wide = match.group("kind").lower() == "disable-file"
    return Directive(
        path=path, line=number,
        scope="file" if file_wide else "lines",
        selectors=selectors,
        reason=reason.strip() if reason and reason.strip() else None,
    )


def _span(
    lines: Sequence[str], index: int, where: str
) -> tuple[int, int] | None:
    """The 1-based lines a directive on line `index` (0-based) covers.

    A description describes the block it sits in; a comment or a remark
    the next command (a remark: the next that is not a remark too, as
    remarks stack above the entry they describe).
    """
    if where == "description" and _indent(lines[index]) > 0:
        target = _parent(lines, index)
    else:
        target = _next_command(lines, index, where == "remark")
    if target is None:
        return None
    return target + 1, _block_end(lines, target) + 1


def _is_command(line: str) -> bool:
    # `!` comments, and `:` lines (the ASA's `: Saved` header and `: end`
    # trailer), are never commands.
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith(("!", ":"))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _next_command(
    lines: Sequence[str], index: int, skip_remarks: bool
) -> int | None:
    for number in range(index + 1, len(lines)):
        line = lines[number]
        if not _is_command(line):
            continue
        if skip_remarks and _REMARK.match(line):
            continue
        return number
    return None


def _parent(lines: Sequence[str], index: int) -> int | None:
    depth = _indent(lines[index])
    for number in range(index - 1, -1, -1):
        if _is_command(lines[number]) and _indent(lines[number]) < depth:
            return number
    return None


def _block_end(lines: Sequence[str], target: int) -> int:
    """The last line of the block `target` opens (itself if none)."""
    depth = _indent(lines[target])
    last = target
    for number in range(target + 1, len(lines)):
        if not _is_command(lines[number]):
            continue
        if _indent(lines[number]) <= depth:
            break
        last = number
    return last


def source_directives(path: str) -> tuple[Directive, ...]:
    """The directives in the file at `path`; none if it cannot be read.

    Most configs hold no directive: the marker is looked for in the
    decoded text before the lines are cleaned.
    """
    try:
        text, notes = read_text(path)
        if MARKER not in text.lower():
            return ()
        return read_directives(config_from_text(path, text, notes))
    except InputError as error:
        # It was read a moment ago to be parsed: it changed meanwhile.
        log.debug("%s: directives not read: %s", path, error.problem)
        return ()


# --- applying ----------------------------------------------------------------

Silencer = tuple[str, int]  # ("directive" | "ignore", index)


@dataclass(frozen=True)
class _Context:
    """Everything a finding is checked against, resolved once."""

    loaded: ConfigFile
    selected: frozenset[str]
    levels: Mapping[str, str]
    directives: tuple[tuple[Directive, frozenset[str]], ...]
    durable: tuple[tuple[int, IgnoreEntry, frozenset[str]], ...]
    hostnames: Mapping[str, str]
    today: date


def apply_suppressions(
    findings: Iterable[Finding],
    devices: Sequence[Device],
    loaded: ConfigFile | None = None,
    *,
    tunnels: Iterable[Tunnel] = (),
    single: bool = True,
    targets: Iterable[str] | None = None,
    sources: Mapping[str, SourceText] | None = None,
    today: date | None = None,
) -> Suppression:
    """Select, re-level and silence `findings` of a run over `devices`.

    `tunnels` and `single` say what ran (the simulated pairs; the
    single-config checks on each target), so that a directive for a rule
    that could not fire in this run is not called unused. `targets` are
    the files the user asked about (None: every device); directives in
    the others (peers read to simulate a tunnel) are applied but never
    reported on. Directives come from `sources` when given, else from
    each device's file.
    """
    context = _context(devices, loaded or ConfigFile(), sources, today)
    kept, silenced = _sift(findings, context)

    asked = _asked(devices, targets)
    ran = _Ran(_paired(tunnels), asked if single else set(), asked)
    raised = list(_about_directives(context, silenced, ran))
    raised += _expired_notes(context, kept)
    new, silenced_new = _sift(raised, context)

    count = len(silenced) + len(silenced_new)
    log.debug("%d findings silenced, %d about suppressions", count, len(new))
    return Suppression(kept=tuple(kept), suppressed=count, new=tuple(new))


def _context(
    devices: Sequence[Device],
    loaded: ConfigFile,
    sources: Mapping[str, SourceText] | None,
    today: date | None,
) -> _Context:
    config = loaded.config
    today = today or date.today()
    return _Context(
        loaded=loaded,
        selected=selection(config),
        levels=level_settings(config),
        directives=_directives(devices, sources),
        durable=tuple(
            (index, entry, rules_named(entry.rule))
            for index, entry in enumerate(config.durable)
            if not entry.expired(today)
        ),
        hostnames={d.path: d.hostname or "" for d in devices},
        today=today,
    )


def _directives(
    devices: Sequence[Device], sources: Mapping[str, SourceText] | None
) -> tuple[tuple[Directive, frozenset[str]], ...]:
    found: list[Directive] = []
    for device in devices:
        if sources is not None and device.path in sources:
            found.extend(read_directives(sources[device.path]))
        else:
            found.extend(source_directives(device.path))

    # A line directive is the narrower claim: a finding it covers is
    # its, and a file-wide one for the same rule is then redundant.
    found.sort(key=lambda d: d.scope == "file")
    return tuple(
        (d, frozenset().union(*map(rules_named, d.selectors)))
        for d in found
    )


def _sift(
    findings: Iterable[Finding], context: _Context
) -> tuple[list[Finding], list[tuple[Finding, Silencer]]]:
    """The findings kept, and those silenced with what silenced them."""
    kept, silenced = [], []
    for finding in findings:
        shown = _levelled(finding, context)
        if shown is None:
            continue
        silencer = _silencer(shown, context)
        if silencer is None:
            kept.append(shown)
        else:
            silenced.append((shown, silencer))
    return kept, silenced


def _levelled(finding: Finding, context: _Context) -> Finding | None:
    """The finding at its configured level; None when its rule is off."""
    known = catalogue().get(finding.rule) is not None
    if known and finding.rule not in context.selected:
        return None
    setting = context.levels.get(finding.rule)
    if setting is None:
        return finding
    if setting == OFF:
        return None
    return finding.model_copy(update={"level": Level(setting)})


def _silencer(finding: Finding, context: _Context) -> Silencer | None:
    for index, (directive, rules) in enumerate(context.directives):
        if finding.rule in rules and directive.covers(finding):
            return "directive", index
    for index, entry, rules in context.durable:
        if finding.rule in rules and _ignores(entry, finding, context):
            return "ignore", index
    return None


def _ignores(entry: IgnoreEntry, finding: Finding, context: _Context) -> bool:
    """Does the durable ignore match the finding's file, device, peer?"""
    if entry.file and not _file_matches(entry.file, finding.path, context):
        return False
    if entry.device:
        hostname = context.hostnames.get(finding.path, "")
        # ASA and IOS host names are not case-sensitive.
        if hostname.casefold() != entry.device.casefold():
            return False
    if entry.peer is not None:
        return _names_address(finding, str(entry.peer))
    return True


def _file_matches(pattern: str, path: str, context: _Context) -> bool:
    """The glob against the path as given and as seen from the folder
    of the configuration file, where a repository's globs are written."""
    candidates = {PurePath(path).as_posix()}
    if context.loaded.path:
        folder = Path(context.loaded.path).resolve().parent
        relative = os.path.relpath(Path(path).resolve(), folder)
        if not relative.startswith(".."):
            candidates.add(PurePath(relative).as_posix())
    return any(
        fnmatch(candidate, pattern) or PurePosixPath(candidate).match(pattern)
        for candidate in candidates
    )


def _names_address(finding: Finding, address: str) -> bool:
    # The peer is part of a finding's logical key: the far end's address
    # for a pair finding, the tunnel-group or map entry for a single one.
    exact = re.compile(rf"(?<![\d.]){re.escape(address)}(?![\d.])")
    texts = [finding.key]
    texts += [v for v in finding.properties.values() if isinstance(v, str)]
    return any(exact.search(text) for text in texts)


# --- findings about suppressions ---------------------------------------------


@dataclass(frozen=True)
class _Ran:
    """The files the pair simulation and the single checks ran on."""

    paired: set[str]
    checked: set[str]
    asked: set[str]  # directives elsewhere are not reported on


def _asked(
    devices: Sequence[Device], targets: Iterable[str] | None
) -> set[str]:
    paths = {device.path for device in devices}
    if targets is None:
        return paths
    # The same file may be spelt `./hq.cfg` on the command line and
    # `hq.cfg` in the device; a folder asks about every file inside.
    wanted = [os.path.abspath(target) for target in targets]
    return {path for path in paths if _inside(os.path.abspath(path), wanted)}


def _inside(path: str, targets: list[str]) -> bool:
    return any(
        path == target or path.startswith(target.rstrip(os.sep) + os.sep)
        for target in targets
    )


def _paired(tunnels: Iterable[Tunnel]) -> set[str]:
    paths = set()
    for tunnel in tunnels:
        paths |= {tunnel.initiator, tunnel.responder}
    return paths


def _about_directives(
    context: _Context, silenced: list[tuple[Finding, Silencer]], ran: _Ran
) -> Iterator[Finding]:
    """ASA903 for each directive without a reason, ASA904 for each that
    silences nothing (or names what is no rule)."""
    used: dict[int, set[str]] = {}
    for finding, (kind, index) in silenced:
        if kind == "directive":
            used.setdefault(index, set()).add(finding.rule)

    for index, (directive, _) in enumerate(context.directives):
        if directive.path not in ran.asked:
            continue
        host = context.hostnames.get(directive.path, "")
        if directive.problem:
            yield _unused(directive, f"not read: {directive.problem}", host)
            continue
        if directive.reason is None:
            yield _without_reason(directive, host)
        idle = [
            selector
            for selector in directive.selectors
            if _idle(selector, used.get(index, set()), directive, context, ran)
        ]
        if idle:
            yield _unused(directive, _idle_message(directive, idle), host)


def _idle(
    selector: str,
    used: set[str],
    directive: Directive,
    context: _Context,
    ran: _Ran,
) -> bool:
    """Did the selector silence nothing, where its rules could fire?"""
    rules = rules_named(selector)
    if not rules:
        return True
    if rules & (used | ABOUT_DIRECTIVES):
        return False
    on = {r for r in rules & context.selected if context.levels.get(r) != OFF}
    return any(_could_fire(rule, directive.path, ran) for rule in on)


def _could_fire(rule_id: str, path: str, ran: _Ran) -> bool:
    # `asalint pair` runs no single-config check, and `asalint check` on
    # one file simulates no tunnel: a directive for a rule that had no
    # chance to fire on this file is not idle, only untested.
    from asalint.catalogue import PAIR_ONLY_RULES
    from asalint.checks import registered

    rule = catalogue()[rule_id]
    pair_rule = rule.cause is not None or rule_id in PAIR_ONLY_RULES
    if pair_rule and path in ran.paired:
        return True
    return path in ran.checked and rule_id in registered()


def _idle_message(directive: Directive, idle: list[str]) -> str:
    unknown = [s for s in idle if not rules_named(s)]
    if unknown:
        return f"{', '.join(unknown)}: no rule has this id or name"
    rules = ", ".join(idle)
    if directive.scope == "file":
        return f"{rules}: does not fire in this file; remove the directive"
    if directive.first is None:
        return f"{rules}: no command follows the directive"
    return (
        f"{rules}: does not fire on line {_lines(directive)}; remove the "
        "directive, or move it above the line the finding names"
    )


def _lines(directive: Directive) -> str:
    if directive.first == directive.last:
        return str(directive.first)
    return f"{directive.first}-{directive.last}"


def _without_reason(directive: Directive, host: str) -> Finding:
    rules = ",".join(directive.selectors)
    return _finding(
        WITHOUT_REASON, directive.path, directive.line, directive.subject,
        f"the directive silences {rules} without saying why: add "
        'reason="..." for the next reviewer',
        host,
    )


def _unused(directive: Directive, message: str, host: str) -> Finding:
    return _finding(
        UNUSED, directive.path, directive.line, directive.subject,
        f"unused suppression: {message}", host,
    )


def _expired_notes(context: _Context, kept: list[Finding]) -> list[Finding]:
    """A note for each durable ignore past its expiry date."""
    notes = []
    for index, entry in enumerate(context.loaded.config.durable):
        if not entry.expired(context.today):
            continue
        rules = rules_named(entry.rule)
        back = sum(
            1 for f in kept if f.rule in rules and _ignores(entry, f, context)
        )
        notes.append(_expired_note(context, index, entry, back))
    return notes


def _expired_note(
    context: _Context, index: int, entry: IgnoreEntry, back: int
) -> Finding:
    path = context.loaded.path or "asalint.toml"
    where = ", ".join(
        f"{key} {value}"
        for key, value in (
            ("file", entry.file), ("device", entry.device),
            ("peer", entry.peer),
        )
        if value
    )
    subject = f"ignore {entry.rule} {where}".strip()
    finding = _finding(
        UNUSED, path, context.loaded.ignore_line(index), subject,
        f"the ignore of {entry.rule}{f' ({where})' if where else ''} "
        f"expired on {entry.expires}: {back} finding(s) it silenced "
        "are reported again; fix them or renew the ignore",
        host="config",
    )
    return finding.model_copy(update={"level": Level.NOTE})


def _finding(
    rule_id: str,
    path: str,
    line: int | None,
    subject: str,
    message: str,
    host: str = "",
) -> Finding:
    rule = catalogue()[rule_id]
    return Finding(
        rule=rule.id,
        name=rule.name,
        cause=rule.cause,
        level=rule.level,
        message=message,
        path=path,
        line=line,
        key=f"{rule.id}|{host or path}|{subject}",
    )
