"""The human view: per tunnel direction, the states and the exchange.

Each direction of each tunnel is drawn as a ladder, the way an engineer
sketches a main-mode exchange on a whiteboard: the initiator's and the
responder's lifelines, one row per message, an arrow for each message
that arrives, and a mark on the first one that does not. Nothing is
drawn after the mark: the peers never get further. Under the ladder
come the reason, the lines of both files that decided it, and the fix
in config syntax, file by file.

Rendering goes through rich into a string; the CLI decides where the
string goes. Every config text shown comes from an `Origin`, whose text
is masked when it is parsed; control characters are neutralised here so
that a crafted config cannot drive the terminal.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import astuple, dataclass
from typing import TextIO

from rich._wrap import divide_line
from rich.cells import cell_len, set_cell_size
from rich.console import (
    Console,
    ConsoleOptions,
    RenderableType,
    RenderResult,
)
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from asalint.causes import CAUSES
from asalint.model import Origin
from asalint.report.common import established, level_counts, ordered_findings
from asalint.results import (
    Finding,
    Fix,
    Level,
    Message,
    PairResult,
    Prediction,
    Side,
    Stage,
    Step,
    Tunnel,
)
from asalint.summary import Reported, unparsed_counts

MIN_WIDTH = 60
LANE = 30  # columns between the two lifelines of a ladder
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

LEVEL_STYLE = {
    Level.ERROR: "bold red",
    Level.WARNING: "yellow",
    Level.NOTE: "cyan",
}


@dataclass(frozen=True)
class Glyphs:
    """The characters a ladder is drawn with."""

    lifeline: str
    shaft: str
    right: str
    left: str
    stop: str


UNICODE = Glyphs("│", "─", "▶", "◀", "✗")
ASCII = Glyphs("|", "-", ">", "<", "x")


def render_text(
    result: PairResult,
    devices: Sequence[Reported],
    *,
    color: bool = False,
    width: int = 80,
    unicode: bool = True,
) -> str:
    """The whole report as one string, wrapped at `width` columns."""
    buffer = io.StringIO()
    console = _console(buffer, color, max(width, MIN_WIDTH))
    glyphs = UNICODE if unicode else ASCII
    width = console.width  # a property that asks the terminal each time
    for renderable in _report(result, devices, glyphs):
        lines = None if color else _plain_lines(renderable, width)
        if lines is not None:
            buffer.write("".join(line + "\n" for line in lines))
        elif isinstance(renderable, FindingView):
            for part in renderable.renderables():
                console.print(part)
        elif isinstance(renderable, Grid):
            console.print(renderable.build())
        elif isinstance(renderable, Verbatim):
            console.print(renderable.text, soft_wrap=True)
        else:
            console.print(renderable)
    return _strip_trailing_spaces(buffer.getvalue())


def _plain_lines(renderable: RenderableType, width: int) -> list[str] | None:
    """The lines rich would print for `renderable`, when they are plain.

    A report can hold tens of thousands of findings, and rich costs a
    fifth of a millisecond for each line it wraps; without colour, a
    `Hanging` or a `Text` prints as its words wrapped the way rich wraps
    them (its own `divide_line`), at a hundredth of the cost. None sends
    anything else through rich.
    """
    if isinstance(renderable, FindingView | Grid):
        return renderable.plain_lines(width)
    if isinstance(renderable, Hanging):
        text, indent = renderable.text, renderable.indent
        hang: int | None = renderable.hang
    elif isinstance(renderable, Text):
        text, indent, hang = renderable, 0, None
    else:
        return None
    plain = text.plain
    if "\n" in plain or "\t" in plain:
        return None
    if text.justify not in (None, "default"):
        return None
    if hang is None:
        if text.no_wrap or text.overflow not in (None, "fold"):
            return None
        return _plain_wrap(plain, width)
    return _plain_hanging(plain, indent, hang, width)


def _plain_hanging(
    plain: str, indent: int, hang: int, width: int
) -> list[str]:
    """What `Hanging.__rich_console__` yields, as strings."""
    room = max(width - indent, 20)
    first, *rest = _plain_wrap(plain, room)
    lines = [" " * indent + first]
    if not rest:
        return lines

    start = len(first)
    start += len(plain[start:]) - len(plain[start:].lstrip())
    tail = _plain_wrap(plain[start:], max(room - hang, 20))
    return lines + [" " * (indent + hang) + line for line in tail]


def _plain_wrap(plain: str, width: int) -> list[str]:
    """`Text(plain).wrap(console, width, overflow="fold")`, as strings."""
    simple = plain.isascii() and plain.isprintable()
    if simple and len(plain) <= width:
        return [plain]  # nothing to wrap, nothing to crop

    breaks = _simple_breaks(plain, width) if simple else None
    if breaks is None:
        simple = False
        breaks = divide_line(plain, width, fold=True)
    lines, start = [], 0
    for end in [*breaks, len(plain)]:
        line = plain[start:end]
        fits = simple and len(line) <= width  # one cell per character
        lines.append(line if fits else _fitted(line, width))
        start = end
    return lines


_TRAILING_SPACE = re.compile(r"\s+$")
_WORD_CHARACTER = re.compile(r"\S")


def _simple_breaks(plain: str, width: int) -> list[int] | None:
    """Where rich breaks printable ASCII text, one cell per character.

    rich puts each word (with the spaces after it) on the line while its
    last letter fits; the first word that does not starts the next line.
    That word holds the first letter past the line's width, so each
    break is one search and one `rfind`, not a step per word. None when
    a word is longer than a line, which rich folds: it does that itself.
    """
    breaks: list[int] = []
    floor = len(plain) - len(plain.lstrip(" "))  # past leading spaces
    start = 0
    while True:
        beyond = _WORD_CHARACTER.search(plain, start + width)
        if beyond is None:
            return breaks
        word = plain.rfind(" ", floor, beyond.start()) + 1
        if word <= start:
            return None  # the word alone is wider than the line
        breaks.append(word)
        start = floor = word


def _fitted(line: str, width: int) -> str:
    # As rich does: drop trailing whitespace beyond the width (counted in
    # characters), then crop to the width (counted in cells).
    excess = len(line) - width
    trailing = _TRAILING_SPACE.search(line) if excess > 0 else None
    if trailing is not None:
        line = line[: len(line) - min(len(trailing.group(0)), excess)]
    if cell_len(line) > width:
        line = set_cell_size(line, width)
    return line


def wants_colour(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    if "NO_COLOR" in environ or environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def wants_unicode(stream: TextIO) -> bool:
    """Box-drawing characters only where the stream can encode them."""
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        "".join(astuple(UNICODE)).encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def terminal_width(stream: TextIO, default: int = 80) -> int:
    """The terminal's width when `stream` is one, else `default`."""
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return default
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return default


def _console(buffer: io.StringIO, color: bool, width: int) -> Console:
    # markup, emoji and highlighting are off: config text is shown as it
    # is, never read as rich markup (`[bold]`) or coloured by guesswork.
    return Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        markup=False,
        emoji=False,
        highlight=False,
        legacy_windows=False,
    )


def _indent(renderable: RenderableType, columns: int) -> Padding:
    """`renderable` shifted right; its wrapped lines keep the indent."""
    return Padding(renderable, (0, 0, 0, columns))


class Hanging:
    """Text indented by `indent`, its wrapped lines by `hang` more.

    The deeper indent shows that a line continues the one above, so a
    long cited config line is not read as two lines of the config.
    """

    def __init__(self, text: Text, indent: int = 0, hang: int = 4) -> None:
        self.text = text
        self.indent = indent
        self.hang = hang

    def __rich_console__(
        self, console: Console, options: ConsoleOptions
    ) -> RenderResult:
        room = max(options.max_width - self.indent, 20)
        first, *rest = self.text.wrap(console, room, overflow="fold")
        yield Text.assemble(" " * self.indent, first)
        if not rest:
            return

        # Wrap what follows the first line again, in the narrower room.
        plain = self.text.plain
        start = len(first.plain)
        start += len(plain[start:]) - len(plain[start:].lstrip())
        tail = self.text[start:].wrap(
            console, max(room - self.hang, 20), overflow="fold"
        )
        for line in tail:
            yield Text.assemble(" " * (self.indent + self.hang), line)


@dataclass(frozen=True)
class Grid:
    """Rows of cells: a rich grid, or plain columns when every cell fits.

    Plain, each column is as wide as its widest cell (or as its set
    width), `gap` spaces apart, after `indent` spaces: what rich draws
    when nothing wraps. `build` makes the rich grid for everything else.
    """

    rows: tuple[tuple[str | Text, ...], ...]
    indent: int
    gap: int
    build: Callable[[], RenderableType]
    widths: tuple[int | None, ...] = ()

    def plain_lines(self, width: int) -> list[str] | None:
        rows = [[_plain(cell) for cell in row] for row in self.rows]
        if any(not cell.isprintable() for row in rows for cell in row):
            return None
        columns = _column_widths(rows, self.widths)
        if columns is None:
            return None
        room = self.indent + sum(columns) + self.gap * (len(columns) - 1)
        if room > width:
            return None
        gap = " " * self.gap
        return [
            " " * self.indent + gap.join(
                cell + " " * (size - cell_len(cell))
                for cell, size in zip(row, columns, strict=True)
            )
            for row in rows
        ]


def _plain(cell: str | Text) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _column_widths(
    rows: list[list[str]], fixed: tuple[int | None, ...]
) -> list[int] | None:
    """Each column's width; None when a cell overflows its set width."""
    widths = [max(map(cell_len, column)) for column in zip(*rows, strict=True)]
    for index, size in enumerate(fixed):
        if size is not None:
            if widths[index] > size:
                return None
            widths[index] = size
    return widths


@dataclass(frozen=True)
class Verbatim:
    """A line never wrapped: a config command must paste as one line."""

    text: Text


def _strip_trailing_spaces(text: str) -> str:
    return "\n".join(line.rstrip(" ") for line in text.split("\n"))


def clean(text: str) -> str:
    """Config-derived text with control characters made visible."""
    if text.isprintable():
        return text  # no control character is printable
    return CONTROL.sub(lambda match: f"\\x{ord(match[0]):02x}", text)


# --- the report, top to bottom ----------------------------------------------


def _report(
    result: PairResult, devices: Sequence[Reported], glyphs: Glyphs
) -> list[RenderableType]:
    names = {device.path: _hostname(device) for device in devices}
    parts: list[RenderableType] = [
        Hanging(_device_line(device)) for device in devices
    ]
    for tunnel in result.tunnels:
        parts.append(Text())
        parts.extend(_tunnel_section(tunnel, names, glyphs))

    findings = ordered_findings(result, devices)
    if findings:
        parts.append(Text())
        parts.extend(_findings_section(findings))

    parts.append(Text())
    parts.append(Hanging(_summary(result.tunnels, findings)))
    return parts


def _hostname(device: Reported) -> str:
    return clean(device.hostname or os.path.basename(device.path))


def _device_line(device: Reported) -> Text:
    not_modelled, unreadable = unparsed_counts(device)
    platform = " ".join(
        part for part in (device.platform.value, device.version) if part
    )
    line = Text(clean(device.path), style="bold")
    line.append(f": {_hostname(device)}, {clean(platform)}")
    line.append(f" ({device.era.value}), ")
    line.append(_plural(not_modelled, "line") + " not modelled")
    if unreadable:
        line.append(", ")
        line.append(_plural(unreadable, "line") + " unreadable", "yellow")
    if device.notes:
        # How the file was read (Latin-1, NUL bytes, pager prompts) tells
        # the user why line texts may differ from what an editor shows.
        line.append("; " + "; ".join(clean(note) for note in device.notes))
    return line


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# --- one tunnel direction ---------------------------------------------------


def _tunnel_section(
    tunnel: Tunnel, names: Mapping[str, str], glyphs: Glyphs
) -> list[RenderableType]:
    parts: list[RenderableType] = [Hanging(_title(tunnel))]
    parts.append(_states(tunnel, names))
    parts.extend(_verdict(tunnel))
    parts.append(Text())
    parts.append(_ladder(tunnel, names, glyphs))
    parts.extend(_reason(tunnel.steps, tunnel.predicted))
    parts.extend(_fixes(tunnel.fixes))
    return parts


def _title(tunnel: Tunnel) -> Text:
    arrow = " -> "
    title = Text(clean(tunnel.initiator + arrow + tunnel.responder))
    title.stylize("bold")
    details = []
    entry = tunnel.crypto_map.get(tunnel.initiator)
    if entry:
        details.append(entry)
    if tunnel.ike_version != 1:
        details.append(f"IKEv{tunnel.ike_version}")
    if tunnel.mode != "main":
        details.append(f"{tunnel.mode} mode")
    if tunnel.initiator_address or tunnel.responder_address:
        source = tunnel.initiator_address or "?"
        target = tunnel.responder_address or "?"
        details.append(source + arrow + target)
    if details:
        title.append(" (" + clean(", ".join(details)) + ")")
    return title


def _states(tunnel: Tunnel, names: Mapping[str, str]) -> Grid:
    predicted = tunnel.predicted
    rows = (
        (tunnel.initiator, "initiator", predicted.initiator_state),
        (tunnel.responder, "responder", predicted.responder_state),
    )
    cells = tuple(
        (
            f"{names.get(path, clean(path))} ({role})",
            _state(state),
            clean(tunnel.crypto_map.get(path, "")),
        )
        for path, role, state in rows
    )
    return Grid(cells, indent=2, gap=2, build=lambda: _states_table(cells))


def _states_table(cells: tuple[tuple[str, Text, str], ...]) -> Padding:
    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(overflow="fold")
    grid.add_column(no_wrap=True)
    grid.add_column()
    for row in cells:
        grid.add_row(*row)
    return _indent(grid, 2)


def _state(state: str) -> Text:
    good = state in ("MM_ACTIVE", "QM_IDLE", "AM_ACTIVE", "READY")
    return Text(clean(state), style="bold green" if good else "bold red")


def _verdict(tunnel: Tunnel) -> list[RenderableType]:
    predicted = tunnel.predicted
    line = Text("stage ")
    good = predicted.stage == Stage.ESTABLISHED
    line.append(predicted.stage.value, "green" if good else "bold red")
    if tunnel.failed_exchange:
        line.append(f" ({clean(tunnel.failed_exchange)})")
    if predicted.cause:
        line.append(", cause ")
        line.append(predicted.cause, "bold")
        rule = CAUSES.get(predicted.cause)
        if rule:
            line.append(f" ({rule.rule})")
    if predicted.cause_side:
        line.append(_side_words(predicted.cause_side))
    lines: list[RenderableType] = [Hanging(line, 2)]

    if not predicted.certain:
        conditions = "; ".join(clean(c) for c in predicted.conditions)
        uncertain = Text()
        uncertain.append("uncertain: ", "yellow")
        uncertain.append(conditions or "the outcome rests on an assumption")
        lines.append(Hanging(uncertain, 2))
    return lines


def _side_words(side: Side) -> str:
    if side == Side.BOTH:
        return ", in both configs"
    return f", in the {side.value}'s config"


# --- the ladder -------------------------------------------------------------


def _ladder(
    tunnel: Tunnel, names: Mapping[str, str], glyphs: Glyphs
) -> RenderableType:
    if not tunnel.exchange:
        who = names.get(tunnel.initiator, clean(tunnel.initiator))
        return _indent(
            Text(f"no IKE message is sent: {who} never starts IKE"), 2
        )

    label_width = max(len(message.name) for message in tunnel.exchange)
    rows: list[tuple[str | Text, ...]] = [
        ("", "", _heads(tunnel, names), "")
    ]
    for message in tunnel.exchange:
        rows.append(("", clean(message.name), *_rung(message, glyphs)))
        if not message.delivered:
            break  # the peers get no further: nothing is drawn after
    widths = (1, min(label_width, 12), None, None)
    cells = tuple(rows)
    return Grid(
        cells, indent=0, gap=1, widths=widths,
        build=lambda: _ladder_table(cells, widths),
    )


def _ladder_table(
    cells: tuple[tuple[str | Text, ...], ...], widths: tuple
) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=widths[0])
    grid.add_column(width=widths[1], no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column()
    for row in cells:
        grid.add_row(*row)
    return grid


def _heads(tunnel: Tunnel, names: Mapping[str, str]) -> Text:
    # The initiator's name starts on its lifeline, the responder's ends
    # on its own, so each name sits over the column it labels.
    span = LANE + 2
    left = names.get(tunnel.initiator, clean(tunnel.initiator))
    right = names.get(tunnel.responder, clean(tunnel.responder))
    half = span // 2 - 1
    left = _shorten(left, half)
    right = _shorten(right, half)
    gap = span - len(left) - len(right)
    return Text(left + " " * gap + right, style="bold")


def _shorten(name: str, room: int) -> str:
    return name if len(name) <= room else name[: room - 1] + "~"


def _rung(message: Message, glyphs: Glyphs) -> tuple[Text, Text]:
    rightward = message.sender == Side.INITIATOR
    note = Text(clean(message.note), style="dim")
    if message.delivered:
        return _arrow(rightward, glyphs), note

    stop = Text("stops here", style="bold red")
    if message.note:
        stop.append(": ")
        stop.append(note)
    return _broken_arrow(rightward, glyphs), stop


def _arrow(rightward: bool, glyphs: Glyphs) -> Text:
    shaft = glyphs.shaft * (LANE - 1)
    if rightward:
        body = shaft + glyphs.right
    else:
        body = glyphs.left + shaft
    return Text(glyphs.lifeline + body + glyphs.lifeline)


def _broken_arrow(rightward: bool, glyphs: Glyphs) -> Text:
    # The message leaves its sender and is lost half-way: the mark is
    # where the other side refuses it or never receives it.
    half = LANE // 2
    shaft = glyphs.shaft * (half - 1)
    gap = " " * (LANE - half)
    line = Text(glyphs.lifeline)
    if rightward:
        line.append(shaft)
        line.append(glyphs.stop, "bold red")
        line.append(gap)
    else:
        line.append(gap)
        line.append(glyphs.stop, "bold red")
        line.append(shaft)
    line.append(glyphs.lifeline)
    return line


# --- why, and what to change ------------------------------------------------


def _reason(
    steps: Sequence[Step], predicted: Prediction
) -> list[RenderableType]:
    failed = [step for step in steps if not step.ok][:1]
    assumed = [step for step in steps if step.ok and not step.certain]
    if not predicted.certain:
        failed += assumed
    parts: list[RenderableType] = []
    for step in failed:
        parts.append(Text())
        parts.append(_step_detail(step))
        parts.extend(_citations(step.lines))
    return parts


def _step_detail(step: Step) -> Hanging:
    label = "assumed" if step.ok else "why"
    line = Text()
    line.append(f"{label} ({step.step}): ", "bold")
    line.append(clean(step.detail))
    return Hanging(line, 2)


def _citations(lines: Sequence[Origin]) -> list[Hanging]:
    return [Hanging(Text(clean(origin.cite())), 4) for origin in lines]


def _fixes(fixes: Sequence[Fix]) -> list[RenderableType]:
    if not fixes:
        return []

    parts: list[RenderableType] = [Text(), Text("  Fix:", style="bold")]
    by_path: dict[str, list[Fix]] = {}
    for fix in fixes:
        by_path.setdefault(fix.path, []).append(fix)
    for path, group in by_path.items():
        parts.append(Hanging(Text(clean(path), style="bold"), 4))
        parts.extend(_fix_lines(group))
    return parts


def _fix_lines(fixes: Sequence[Fix]) -> list[RenderableType]:
    lines: list[RenderableType] = []
    for fix in fixes:
        if fix.why:
            # `!` starts a comment on the ASA and IOS, so the block can be
            # pasted into a config session as it stands.
            lines.append(Hanging(Text(f"! {clean(fix.why)}", "dim"), 6, 2))
        for command in fix.commands:
            lines.append(Verbatim(Text(" " * 6 + clean(command))))
    return lines


# --- findings and summary ---------------------------------------------------


def _findings_section(findings: Sequence[Finding]) -> list[RenderableType]:
    parts: list[RenderableType] = [Text("Findings", style="bold")]
    parts.extend(FindingView(finding) for finding in findings)
    return parts


@dataclass(frozen=True)
class FindingView:
    """One finding: its head line, its message, its related lines.

    Drawn by rich in colour; without colour its lines are put together
    as plain strings, with no rich text built at all.
    """

    finding: Finding

    def renderables(self) -> list[RenderableType]:
        head = Hanging(_finding_head(self.finding), 2)
        return [head, *_finding_body(self.finding)]

    def plain_lines(self, width: int) -> list[str]:
        finding = self.finding
        lines = _plain_hanging(_head_words(finding), 2, 4, width)
        lines += _plain_hanging(clean(finding.message), 4, 0, width)
        for related in finding.related:
            where = f"{related.path}:{related.line}"
            text = clean(f"{where} {related.message}")
            lines += _plain_hanging(text, 4, 4, width)
        return lines


def _finding_head(finding: Finding) -> Text:
    head = Text()
    head.append(finding.rule, "bold")
    head.append(" ")
    head.append(finding.level.value, LEVEL_STYLE[finding.level])
    head.append(_head_rest(finding))
    return head


def _head_words(finding: Finding) -> str:
    """The head's text without rich: rule, level, place and rule name."""
    return f"{finding.rule} {finding.level.value}{_head_rest(finding)}"


def _head_rest(finding: Finding) -> str:
    where = finding.path
    if finding.line is not None:
        where += f":{finding.line}"
    return f"  {clean(where)}  {finding.name}"


def _finding_body(finding: Finding) -> list[Hanging]:
    body = [Hanging(Text(clean(finding.message)), 4, 0)]
    for related in finding.related:
        where = f"{related.path}:{related.line}"
        text = Text(clean(f"{where} {related.message}"), "dim")
        body.append(Hanging(text, 4))
    return body


def _summary(tunnels: Sequence[Tunnel], findings: Sequence[Finding]) -> Text:
    up = sum(1 for tunnel in tunnels if established(tunnel))
    counts = level_counts(findings)
    by_level = ", ".join(
        _plural(count, level.value) for level, count in counts.items()
    )
    line = Text(_plural(len(tunnels), "tunnel direction"))
    line.append(f", {up} established; ")
    line.append(_plural(len(findings), "finding"))
    line.append(f": {by_level}")
    return line
