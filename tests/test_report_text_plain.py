"""The text view's plain path: without colour, lines that rich would
only wrap are wrapped without it, and must come out exactly as rich
prints them."""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text

from asalint.api import load_device, pair
from asalint.report import text as text_view
from asalint.results import Finding, Level, Related

PAIRS = Path(__file__).parents[1] / "fixtures" / "pairs"

# Words of every shape rich treats apart: short, longer than a line,
# wide (two cells each), runs of spaces, punctuation of config lines.
WORDS = st.one_of(
    st.text(alphabet="abcdefxyz0123456789.-:/()", min_size=1, max_size=12),
    st.text(alphabet="abc-", min_size=60, max_size=130),
    st.text(alphabet="漢字表", min_size=1, max_size=40),
    st.sampled_from(["ASA902", "10.1.1.0/24", "access-list", "=>"]),
)
SPACES = st.text(alphabet=" ", min_size=1, max_size=4)


@st.composite
def sentences(draw) -> str:
    words = draw(st.lists(WORDS, max_size=40))
    lead = draw(st.sampled_from(["", " ", "   "]))
    gaps = [draw(SPACES) for _ in words]
    tail = draw(st.sampled_from(["", " ", "     "]))
    body = "".join(word + gap for word, gap in zip(words, gaps, strict=True))
    return lead + body.rstrip() + tail


def through_rich(renderable, width: int) -> str:
    buffer = io.StringIO()
    console = text_view._console(buffer, False, width)
    console.print(renderable)
    return buffer.getvalue()


def plain(renderable, width: int) -> str:
    lines = text_view._plain_lines(renderable, width)
    assert lines is not None
    return "".join(line + "\n" for line in lines)


@settings(max_examples=400, deadline=None)
@given(
    sentence=sentences(),
    indent=st.sampled_from([0, 2, 4, 6]),
    hang=st.sampled_from([0, 2, 4]),
    width=st.sampled_from([60, 61, 80, 100, 132]),
)
def test_a_hanging_text_wraps_as_rich_wraps_it(sentence, indent, hang, width):
    hanging = text_view.Hanging(Text(sentence), indent, hang)

    assert plain(hanging, width) == through_rich(hanging, width)


@settings(max_examples=200, deadline=None)
@given(sentence=sentences(), width=st.sampled_from([60, 80, 100]))
def test_a_bare_text_wraps_as_rich_wraps_it(sentence, width):
    line = Text(sentence, style="bold")

    assert plain(line, width) == through_rich(line, width)


def test_rich_keeps_what_it_must_draw_itself():
    assert text_view._plain_lines(Text("a\nb"), 80) is None
    assert text_view._plain_lines(Text("a\tb"), 80) is None
    assert text_view._plain_lines(Text("a", justify="center"), 80) is None
    assert text_view._plain_lines(Text("a", overflow="ellipsis"), 80) is None
    assert text_view._plain_lines(text_view.Verbatim(Text("a")), 80) is None


FIXTURE_PAIRS = sorted(
    folder.name for folder in PAIRS.iterdir() if (folder / "a.cfg").is_file()
)


@functools.cache
def fixture_report(name: str):
    folder = PAIRS / name
    devices = [load_device(str(folder / side)) for side in ("a.cfg", "b.cfg")]
    return pair(*devices), devices


@pytest.mark.parametrize("name", FIXTURE_PAIRS)
@pytest.mark.parametrize("width", [60, 100])
def test_a_whole_report_reads_as_rich_alone_renders_it(
    name, width, monkeypatch
):
    result, devices = fixture_report(name)

    fast = text_view.render_text(result, devices, width=width)
    monkeypatch.setattr(text_view, "_plain_lines", lambda *_: None)
    slow = text_view.render_text(result, devices, width=width)

    assert fast == slow
    assert len(fast.splitlines()) > 5


def test_the_fixture_reports_take_the_plain_path():
    # Most of every report, ladders included, is drawn without rich.
    result, devices = fixture_report("acl-subset-84")
    parts = text_view._report(result, devices, text_view.UNICODE)

    plain = [p for p in parts if text_view._plain_lines(p, 80) is not None]

    assert len(plain) >= 0.9 * len(parts)
    assert any(isinstance(p, text_view.Grid) for p in plain)


@settings(max_examples=200, deadline=None)
@given(
    message=sentences(),
    related=st.lists(sentences(), max_size=2),
    path=st.sampled_from(["hq.cfg", "configs/漢字-fw.cfg", "a\x07b.cfg"]),
    line=st.one_of(st.none(), st.integers(1, 99999)),
    width=st.sampled_from([60, 80, 100]),
)
def test_a_finding_reads_as_rich_draws_it(message, related, path, line, width):
    finding = Finding(
        rule="ASA902", name="not-modelled", cause=None, level=Level.NOTE,
        path=path,
        line=line, message=message + "\x1b[2J",
        related=tuple(
            Related(path=path, line=index + 1, message=text)
            for index, text in enumerate(related)
        ),
    )
    view = text_view.FindingView(finding)

    drawn = "".join(through_rich(part, width) for part in view.renderables())
    assert plain(view, width) == drawn


@settings(max_examples=500, deadline=None)
@given(
    text=st.text(alphabet="ab -.:/", max_size=300),
    width=st.integers(20, 120),
)
def test_breaks_in_plain_ascii_are_rich_s(text, width):
    from rich._wrap import divide_line

    breaks = text_view._simple_breaks(text, width)

    if breaks is not None:
        assert breaks == divide_line(text, width, fold=True)
    else:
        # Only a word wider than a line (the first with its indent) is
        # left to rich, which folds it.
        first, *words = re.findall(r"\s*\S+", text)
        assert any(len(w) > width for w in [first, *map(str.strip, words)])
