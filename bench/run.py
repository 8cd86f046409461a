"""Measure asalint against its speed targets, in one run on this machine.

    python bench/run.py            # the figures the README reports
    python bench/run.py --quick    # small sizes: a smoke test in a minute

Configs are generated (bench/generate.py, seeded) into a temporary folder.
Every figure is the median wall time of a few runs of a fresh process,
measured with time.perf_counter around the process, and its peak RSS is
read from os.wait4. A pair run and its ciscoconfparse2 baseline take
turns, so that both meet the same load on a shared machine. Each figure
is printed beside its baseline, as a ratio against its target:

- `asalint pair` on two 20 000-line configs against ciscoconfparse2 alone
  parsing the same two files (import included in both): at most 1.3x;
- `asalint --version` against `python -c pass`: at most 4x, and
  `asalint rules`: at most 8x; neither may import ciscoconfparse2;
- growth, `asalint pair` on 200 000-line configs against 20 000: at most
  11x;
- `asalint check` over 100 configs of 5 000 lines, second run (cache
  warm) against the first (cache cold): at most 10%;
- the RSS each further config line adds (no target; ciscoconfparse2 for
  comparison).

A command the CLI does not have yet is skipped with a message. The pair
runs use a fresh working folder each time, and `--no-cache` where the
CLI offers it, so that no run is served from the parsed-model cache.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

# generate.py is a script beside this one, not part of a package.
sys.path.insert(0, str(Path(__file__).parent))
import generate

CCP2_PARSE = (
    "import sys\n"
    "from ciscoconfparse2 import CiscoConfParse\n"
    "for path in sys.argv[1:]:\n"
    "    CiscoConfParse(path, syntax='asa', loguru=False)\n"
)


# Until the CLI has `check`: the library function it will call, with the
# cache in the working folder and parsing on every CPU.
RUN_CHECK = (
    "import sys\n"
    "from asalint.commands_check import run_check\n"
    "run_check(sys.argv[1:], cache_dir='.asalint_cache', jobs=None)\n"
)


@dataclass(frozen=True)
class Sizes:
    pair: int = 20_000
    large: int = 200_000
    repo_devices: int = 100
    repo_lines: int = 5_000


QUICK = Sizes(pair=2_000, large=20_000, repo_devices=10, repo_lines=1_000)


@dataclass
class Run:
    """One process: wall seconds, peak RSS in KiB, exit code, CPU seconds.

    CPU time (user and system, the workers' included) is what a busy
    machine disturbs least: the report gives its ratio beside the wall
    time's.
    """

    wall: float
    rss_kib: int
    code: int
    stderr: str = ""
    cpu: float = 0.0


@dataclass
class Figure:
    """One line of the report."""

    name: str
    value: float | None = None
    baseline: float | None = None
    target: float | None = None
    unit: str = "s"
    note: str = ""
    cpu: float | None = None
    baseline_cpu: float | None = None

    @classmethod
    def timed(cls, name: str, ours: Run, theirs: Run, target: float,
              note: str = "") -> Figure:
        return cls(name, ours.wall, theirs.wall, target, note=note,
                   cpu=ours.cpu, baseline_cpu=theirs.cpu)

    @property
    def cpu_ratio(self) -> float | None:
        if self.cpu is None or not self.baseline_cpu:
            return None
        return self.cpu / self.baseline_cpu

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    @property
    def verdict(self) -> str:
        if self.ratio is None or self.target is None:
            return "skip" if self.value is None else ""
        return "ok" if self.ratio <= self.target else "MISSED"


# --- running a process -------------------------------------------------------


def bytecode_environment(root: Path) -> dict[str, str]:
    """The environment, with compiled bytecode kept under `root`.

    An installed package runs from compiled bytecode; a shell that sets
    PYTHONDONTWRITEBYTECODE would make every run compile asalint's
    sources again. The bytecode goes to a folder of the run, not beside
    the sources.
    """
    environment = dict(os.environ)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    environment["PYTHONPYCACHEPREFIX"] = str(root / "bytecode")
    return environment


# What every measured process runs with; main() sets it for the run.
ENVIRONMENT: dict[str, str] = dict(os.environ)


def run_once(command: Sequence[str], cwd: Path) -> Run:
    """Run `command` once; its wall time and its own peak RSS."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(command), cwd=cwd, env=ENVIRONMENT,
            stdout=subprocess.DEVNULL, stderr=errors,
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        text = errors.read().decode(errors="replace")
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    rss = usage.ru_maxrss // (1024 if sys.platform == "darwin" else 1)
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, rss, process.returncode, text, cpu)


def median_run(
    command: Sequence[str],
    repeat: int,
    cwd: Callable[[], Path],
    ok_codes: tuple[int, ...] = (0,),
) -> Run:
    """Median wall time and highest peak RSS over `repeat` runs."""
    runs = [run_once(command, cwd()) for _ in range(repeat)]
    return _median(command, runs, ok_codes)


def paired_runs(
    ours: Sequence[str],
    theirs: Sequence[str],
    repeat: int,
    cwd: Callable[[], Path],
    ok_codes: tuple[int, ...] = (0, 1),
) -> tuple[Run, Run]:
    """Medians of `ours` and `theirs`, run in turn.

    On a shared machine the load drifts within seconds: taking one run
    of each in turn lets both meet the same load, where three of one
    then three of the other would not.
    """
    pairs = [
        (run_once(ours, cwd()), run_once(theirs, cwd()))
        for _ in range(repeat)
    ]
    return (
        _median(ours, [mine for mine, _ in pairs], ok_codes),
        _median(theirs, [other for _, other in pairs], (0,)),
    )


def _median(
    command: Sequence[str], runs: list[Run], ok_codes: tuple[int, ...]
) -> Run:
    for run in runs:
        if run.code not in ok_codes:
            tail = run.stderr.strip().splitlines()[-3:]
            raise RuntimeError(
                f"{' '.join(command[:3])}... exited {run.code}: {tail}"
            )
    wall = statistics.median(run.wall for run in runs)
    cpu = statistics.median(run.cpu for run in runs)
    return Run(wall, max(run.rss_kib for run in runs), runs[0].code, "", cpu)


class Bench:
    """The generated inputs, the commands, and the figures so far."""

    def __init__(self, root: Path, sizes: Sizes, repeat: int, heavy: int):
        self.root = root
        self.sizes = sizes
        self.repeat = repeat
        self.heavy = heavy
        self.asalint = _asalint_command()
        self.figures: list[Figure] = []
        self.rss: dict[str, Run] = {}

    def fresh_folder(self) -> Path:
        return Path(tempfile.mkdtemp(dir=self.root, prefix="cwd-"))

    def has_command(self, name: str) -> bool:
        run = run_once([*self.asalint, name, "--help"], self.root)
        return run.code == 0

    def pair_command(self, paths: Sequence[Path]) -> list[str]:
        command = [*self.asalint, "pair", *map(str, paths)]
        help_run = subprocess.run(
            [*self.asalint, "pair", "--help"],
            check=False, capture_output=True, text=True, env=ENVIRONMENT,
        )
        if "--no-cache" in help_run.stdout:
            command.append("--no-cache")
        return command


def _asalint_command() -> list[str]:
    # The console script beside this interpreter, as users run it.
    script = shutil.which("asalint", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "asalint"]


# --- the measurements --------------------------------------------------------


def measure_pair(bench: Bench) -> None:
    paths = generate.write_pair(bench.root / "pair", bench.sizes.pair)
    command = bench.pair_command(paths)
    baseline = [sys.executable, "-c", CCP2_PARSE, *map(str, paths)]

    _warm_up(bench, command, baseline)
    ours, theirs = paired_runs(
        command, baseline, bench.repeat, bench.fresh_folder
    )
    bench.rss["pair"], bench.rss["ccp2"] = ours, theirs
    bench.figures.append(Figure.timed(
        f"pair, 2 x {bench.sizes.pair} lines, vs ciscoconfparse2 alone",
        ours, theirs, 1.3,
    ))


def _warm_up(bench: Bench, *commands: Sequence[str]) -> None:
    # Compiled bytecode and the page cache, so that the first timed run
    # pays no more than the others.
    for command in commands:
        run_once(command, bench.fresh_folder())


def measure_start_up(bench: Bench) -> None:
    bare = median_run([sys.executable, "-c", "pass"], bench.repeat * 3,
                      bench.fresh_folder)
    bench.rss["bare"] = bare
    for arguments, target in ((["--version"], 4.0), (["rules"], 8.0)):
        bench.figures.append(_start_up(bench, arguments, target, bare))


def _start_up(
    bench: Bench, arguments: list[str], target: float, bare: Run
) -> Figure:
    name = f"asalint {' '.join(arguments)} vs python -c pass"
    if arguments[0] != "--version" and not bench.has_command(arguments[0]):
        return Figure(name, target=target, note="command not there yet")

    command = [*bench.asalint, *arguments]
    _warm_up(bench, command)
    run = median_run(command, bench.repeat * 3, bench.fresh_folder)
    bench.rss[arguments[0]] = run
    imported = heavy_imports(arguments)
    note = "imports ciscoconfparse2!" if imported else "no ciscoconfparse2"
    return Figure.timed(name, run, bare, target, note)


def heavy_imports(arguments: list[str]) -> list[str]:
    """The ciscoconfparse2 modules that running the command imports."""
    code = (
        "import sys\n"
        f"sys.argv = ['asalint', *{arguments!r}]\n"
        "from asalint.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        check=False, capture_output=True, text=True, env=ENVIRONMENT,
    )
    modules = [line.rsplit("|", 1)[-1].strip()
               for line in done.stderr.splitlines() if "|" in line]
    return [name for name in modules if name.startswith("ciscoconfparse2")]


def measure_growth(bench: Bench) -> None:
    paths = generate.write_pair(bench.root / "large", bench.sizes.large)
    command = bench.pair_command(paths)
    baseline = [sys.executable, "-c", CCP2_PARSE, *map(str, paths)]
    large, theirs = paired_runs(
        command, baseline, bench.heavy, bench.fresh_folder
    )
    bench.rss["large"], bench.rss["ccp2-large"] = large, theirs

    factor = bench.sizes.large / bench.sizes.pair
    growth = theirs.wall / bench.rss["ccp2"].wall
    bench.figures.append(Figure.timed(
        f"pair, {bench.sizes.large} vs {bench.sizes.pair} lines",
        large, bench.rss["pair"], 1.1 * factor,
        f"linear: {factor:.0f}x; ciscoconfparse2 alone: {growth:.1f}x",
    ))


def measure_check(bench: Bench) -> None:
    sizes = bench.sizes
    name = (f"check, {sizes.repo_devices} x {sizes.repo_lines} lines, "
            "second run vs first")
    command, note = _check_command(bench)
    if not command:
        bench.figures.append(Figure(name, target=0.10, note=note))
        return

    repo = bench.root / "repo"
    paths = generate.write_repo(repo, sizes.repo_devices, sizes.repo_lines)
    command += [path.name for path in paths]
    first = _cold_checks(bench, repo, command)
    second = median_run(command, bench.repeat, lambda: repo, (0, 1))
    bench.rss["check"] = first
    bench.figures.append(Figure.timed(name, second, first, 0.10, note))


def _check_command(bench: Bench) -> tuple[list[str], str]:
    """`asalint check`, or its library function while the CLI lacks it."""
    if bench.has_command("check"):
        return [*bench.asalint, "check"], ""
    probe = run_once([sys.executable, "-c", RUN_CHECK], bench.root)
    if probe.code == 0:
        return [sys.executable, "-c", RUN_CHECK], "library run_check, no CLI"
    return [], "command not there yet"


def _cold_checks(bench: Bench, repo: Path, command: list[str]) -> Run:
    def cold() -> Path:
        shutil.rmtree(repo / ".asalint_cache", ignore_errors=True)
        return repo

    return median_run(command, bench.heavy, cold, (0, 1))


def memory_figures(bench: Bench) -> None:
    """Peak RSS, and what each further config line adds to it.

    The added RSS per line is the slope between the two sizes, so that
    the interpreter and the imports, paid once, do not count.
    """
    added_lines = 2 * (bench.sizes.large - bench.sizes.pair)
    for small, large, label in (("pair", "large", "asalint pair"),
                                ("ccp2", "ccp2-large", "ciscoconfparse2")):
        low, high = bench.rss[small], bench.rss[large]
        per_line = (high.rss_kib - low.rss_kib) / added_lines
        bench.figures.append(Figure(
            f"RSS per added config line, {label}", per_line, unit="KiB",
            note=f"peak {low.rss_kib / 1024:.0f} MiB at "
                 f"2 x {bench.sizes.pair} lines, "
                 f"{high.rss_kib / 1024:.0f} MiB at 2 x {bench.sizes.large}",
        ))


# --- the report --------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            names = [line.split(":", 1)[1].strip() for line in info
                     if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}, {platform.system()} "
            f"{platform.release()}")


def render(figure: Figure) -> str:
    def amount(value: float | None) -> str:
        if value is None:
            return "-"
        return f"{value:.3f} {figure.unit}"

    def times(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}x"

    target = "-" if figure.target is None else f"<= {figure.target:g}x"
    return (f"{figure.name:<58} {amount(figure.value):>12} "
            f"{amount(figure.baseline):>10} {times(figure.ratio):>8} "
            f"{times(figure.cpu_ratio):>8} {target:>9} "
            f"{figure.verdict:>6}  {figure.note}")


def report(bench: Bench) -> str:
    header = (f"{'measure':<58} {'asalint':>12} {'baseline':>10} "
              f"{'ratio':>8} {'cpu':>8} {'target':>9} {'':>6}")
    lines = [
        f"asalint benchmarks on {machine()}",
        "each figure: median wall time of fresh processes, bytecode cached",
        "",
        header,
    ]
    lines += [render(figure) for figure in bench.figures]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="small sizes, for a smoke test")
    parser.add_argument("--repeat", type=int, default=5,
                        help="runs per figure (median); default 5")
    parser.add_argument("--heavy-repeat", type=int, default=1,
                        help="runs of the 200k pair and the cold check")
    parser.add_argument("--json", type=Path, help="also write figures here")
    args = parser.parse_args(argv)

    sizes = QUICK if args.quick else Sizes()
    with tempfile.TemporaryDirectory(prefix="asalint-bench-") as root:
        ENVIRONMENT.clear()
        ENVIRONMENT.update(bytecode_environment(Path(root)))
        bench = Bench(Path(root), sizes, args.repeat, args.heavy_repeat)
        for step in (measure_start_up, measure_pair, measure_growth,
                     measure_check, memory_figures):
            print(f"... {step.__name__}", file=sys.stderr, flush=True)
            step(bench)
    print(report(bench))
    if args.json:
        figures = [
            asdict(figure)
            | {"ratio": figure.ratio, "cpu_ratio": figure.cpu_ratio}
            for figure in bench.figures
        ]
        args.json.write_text(json.dumps(
            {"machine": machine(), "figures": figures}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
