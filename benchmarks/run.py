#!/usr/bin/env python3
"""Measure cramps' speed and print one table, with the command behind every figure.

Run it with the interpreter of an environment where cramps is installed (a regular
`pip install .`, so the byte-code is compiled as a user's would be):

    .venv/bin/python benchmarks/run.py            # medians of 15 runs
    .venv/bin/python benchmarks/run.py --runs 31  # steadier figures
    .venv/bin/python benchmarks/run.py --only scale --against be0dcaa  # batch scale only

The scale section (issue #15) builds the wheel of an earlier commit (`--against`, by default
the commit before the batch speed-ups) into a separate virtual environment, from `git archive`
of that commit, and measures its batch and this one's side by side on the same input:
throughput with --jobs 1 and --jobs 2, bytes per line with and without --fields, and peak
memory. Wall-clock figures on a shared machine move with the load of others: each figure is a
median, and CPU time per line (which the load moves less) is printed beside it.

It prints figures only; it asserts nothing (no test depends on timing).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
CRAMPS = BIN / "cramps"

MINIMAL_TYPER_APP = """\
import typer

app = typer.Typer()


@app.command()
def hello() -> None:
    pass


@app.command()
def goodbye() -> None:
    pass


app()
"""

JSON_FLOOR = """\
import json, sys
for line in open(sys.argv[1]):
    json.loads(line)
for line in open(sys.argv[2]):
    sys.stdout.write(json.dumps(json.loads(line), separators=(",", ":")) + "\\n")
"""

ANSWERS = {
    "age": 58,
    "sex": "female",
    "medications": ["Dyazide"],
    "cramps_per_week": 4,
    "symptoms": [],
    "conditions": ["diabetes"],
}


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # let warm-up runs write byte-code, as pip does
    env.pop("CRAMPS_NO_CACHE", None)
    return env


def wall(command: list[str], runs: int) -> float:
    """Median wall time in ms over `runs` runs, after two warm-up runs."""
    env = environment()
    times = []
    for i in range(runs + 2):
        start = time.perf_counter()
        subprocess.run(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False
        )
        if i >= 2:
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def peak_rss_mib(command: list[str]) -> float:
    """Peak resident memory of one run, in MiB."""
    child = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment()
    )
    _, _, usage = os.wait4(child.pid, 0)
    return usage.ru_maxrss / 1024


def grown_rules(factor: int, folder: Path) -> Path:
    """The shipped rules with every rule copied factor-1 more times as advice rules."""
    import yaml

    from cramp_cli.knowledge.loader import default_rules_path

    data = yaml.safe_load(default_rules_path().read_text(encoding="utf-8"))
    copies = []
    for k in range(1, factor):
        for rule in data["rules"]:
            if "when" not in rule:
                continue
            copy = {
                key: value
                for key, value in rule.items()
                if key
                not in (
                    "likelihood",
                    "score",
                    "calls_for_doctor",
                    "triage",
                    "triage_when",
                    "fallback",
                    "reassurance",
                    "summary",
                    "unless_flags",
                )
            }
            copy.update(id=f"{rule['id']}_copy_{k}", kind="advice")
            copies.append(copy)
    data["rules"] += copies
    path = folder / f"rules-x{factor}.yaml"

    class NoAliases(yaml.SafeDumper):
        def ignore_aliases(self, data: object) -> bool:
            return True  # rules files may not use aliases

    text = yaml.dump(data, Dumper=NoAliases, sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


LOAD_CODE = """\
import sys, time
from pathlib import Path
from cramp_cli.engine.model import build
from cramp_cli.knowledge.loader import read_rules_bytes, validate_bytes
raw = read_rules_bytes(Path(sys.argv[1]), "rules", 1 << 30)
start = time.perf_counter()
data, problems = validate_bytes(raw, "rules")
assert not problems, [str(p) for p in problems[:3]]
kb = build(data, "rules", "")
print((time.perf_counter() - start) * 1000, len(kb.rules))
"""


MEDICINE_CODE = """\
import random, time
from cramp_cli.knowledge.loader import load
start = time.perf_counter()
kb = load()
built = (time.perf_counter() - start) * 1000
names = [row[0] for row in zip(kb.medicines.names)]
rng = random.Random(7)
typed = []
for i, name in enumerate(rng.sample(names, 1000)):
    if i % 3 == 1 and len(name) > 5:  # a third misspelt: two letters swapped
        j = rng.randrange(1, len(name) - 2)
        name = name[:j] + name[j + 1] + name[j] + name[j + 2:]
    typed.append(f"{name} {i % 50 + 1}mg bd" if i % 3 == 2 else name)
start = time.perf_counter()
for text in typed:
    kb.medicines.match(text)
each = (time.perf_counter() - start) * 1e6 / len(typed)
print(built, each, len(names))
"""


def medicine_figures() -> tuple[float, float, int]:
    """Knowledge base load (cache hit) in ms, µs to read one typed medicine, dictionary size."""
    out = subprocess.run(
        [sys.executable, "-c", MEDICINE_CODE],
        capture_output=True,
        text=True,
        env=environment(),
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def load_ms(path: Path, repeats: int) -> tuple[float, int]:
    """Median ms to load + validate + compile a rules file in a fresh process (no cache)."""
    times, rules = [], 0
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", LOAD_CODE, str(path)],
            capture_output=True,
            text=True,
            env=environment(),
            check=True,
        ).stdout.split()
        times.append(float(out[0]))
        rules = int(out[1])
    return statistics.median(times), rules


ROOT = Path(__file__).resolve().parent.parent
BASELINE = "be0dcaa"  # the last commit before issue #15 (batch on every core, leaner JSON)
FIELDS = "triage.level,red_flags.id,causes.id,medications"
MEDICATIONS = [
    ["Lipitor 40 mg"],
    ["Dyazide"],
    ["furosemide", "ramipril"],
    [],
    ["quinine"],
    ["simvastatin", "amlodipine 5mg"],
    ["metformin"],
]
CONDITIONS = [[], ["diabetes"], ["kidney_disease", "heart_failure"], [], ["osteoarthritis"]]
SYMPTOMS = [[], ["one_leg_swollen"], ["fatigue"], None, ["dark_urine", "muscle_weakness"], []]


def intake_line(i: int) -> str:
    """One varied, valid answers document: what a year of intake forms looks like."""
    answers: dict[str, object] = {
        "age": 18 + i % 83,
        "sex": ("female", "male", "other")[i % 3],
        "medications": MEDICATIONS[i % len(MEDICATIONS)],
        "conditions": CONDITIONS[i % len(CONDITIONS)],
        "cramps_per_week": i % 8,
        "activity_level": ("sedentary", "light", "moderate", "vigorous")[i % 4],
        "smoker": i % 5 == 0,
        "standing_hours": i % 13,
        "cramp_minutes": 1 + i % 12,
        "footwear": ["high_heels"] if i % 7 == 0 else [],
    }
    if SYMPTOMS[i % len(SYMPTOMS)] is not None:
        answers["symptoms"] = SYMPTOMS[i % len(SYMPTOMS)]
    return json.dumps(answers)


def build_old(commit: str, folder: Path) -> Path:
    """The `cramps` of an earlier commit, built as a wheel into its own virtual environment."""
    source = folder / f"src-{commit}"
    source.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    venv = folder / f"venv-{commit}"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", str(source)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return venv / "bin" / "cramps"


class Run:
    """Wall seconds, CPU seconds (the process and the workers it waited for), peak MiB."""

    def __init__(self, command: list[str], sink: Path | None = None):
        out = sink.open("wb") if sink is not None else subprocess.DEVNULL
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, env=environment())
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        self.wall = time.perf_counter() - start
        self.cpu = usage.ru_utime + usage.ru_stime
        self.peak = usage.ru_maxrss / 1024
        if sink is not None:
            out.close()


def median_run(command: list[str], runs: int, sink: Path | None = None) -> Run:
    """The run of median wall time, after one warm-up run; output to `sink` (a file, as
    `cramps check --batch in.jsonl > out.jsonl` writes it) or discarded."""
    Run(command, sink)
    done = sorted((Run(command, sink) for _ in range(runs)), key=lambda r: r.wall)
    return done[len(done) // 2]


BURN = "x = 0\nfor i in range(30_000_000):\n    x += i\n"


def headroom() -> float:
    """How much faster two CPU-bound processes finish together than one after the other, now:
    2.0 on two idle cores, 1.0 when other work already takes a core. --jobs 2 cannot beat it."""
    command = [sys.executable, "-c", BURN]
    start = time.perf_counter()
    subprocess.run(command, check=True)
    alone = time.perf_counter() - start
    start = time.perf_counter()
    pair = [subprocess.Popen(command) for _ in range(2)]
    for child in pair:
        child.wait()
    return 2 * alone / (time.perf_counter() - start)


def side_by_side(command: list[str], folder: Path, runs: int) -> float:
    """How much faster two separate runs of `command` finish side by side than one after the
    other (median of `runs`): the ceiling for --jobs 2 of this very work on this machine,
    where the caches and memory two processes share slow both (a bare loop shows less)."""
    ratios = []
    for _ in range(runs):
        alone = Run(command, folder / "alone.jsonl").wall
        sinks = [(folder / f"side-{i}.jsonl").open("wb") for i in range(2)]
        start = time.perf_counter()
        pair = [
            subprocess.Popen(command, stdout=sink, stderr=subprocess.DEVNULL, env=environment())
            for sink in sinks
        ]
        for child in pair:
            child.wait()
        together = time.perf_counter() - start
        for sink in sinks:
            sink.close()
        ratios.append(2 * alone / together)
    return statistics.median(ratios)


def instructions(command: list[str]) -> int:
    """User-space instructions `command` executes, counted by valgrind's callgrind (which runs
    it about fifty times slower). A count the load of others cannot move, unlike wall time."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=environment(),
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError("callgrind printed no count")
    return int(found.group(1))


def instructions_a_line(cramps: str, source: Path, lines: int, folder: Path) -> float:
    """Instructions a batch line costs: a run of `lines` lines less a run of one line (start-up,
    loading, the summary), over the lines between. Kernel time (writing) is not counted."""
    head = source.read_text().splitlines(keepends=True)[:lines]
    one, many = folder / "one-line.jsonl", folder / "many-lines.jsonl"
    one.write_text(head[0])
    many.write_text("".join(head))
    python = str(Path(cramps).parent / "python")

    def count(path: Path) -> int:
        return instructions([python, cramps, "check", "--batch", str(path)])

    return (count(many) - count(one)) / (lines - 1)


def scale_rows(row, folder: Path, lines: int, runs: int, against: str | None) -> None:  # type: ignore[no-untyped-def]
    """Issue #15's figures: batch throughput, --jobs, bytes per line, memory, against a commit."""
    source = folder / "intake.jsonl"
    source.write_text("".join(intake_line(i) + "\n" for i in range(lines)))
    new = [str(CRAMPS), "check", "--batch", str(source)]
    old_cramps = build_old(against, folder) if against else None
    old = [str(old_cramps), "check", "--batch", str(source)] if old_cramps else None

    answers = folder / "one.json"
    answers.write_text(json.dumps(ANSWERS))
    check_new = [str(CRAMPS), "check", "--answers", str(answers), "--format", "json"]
    start_new = wall(check_new, runs * 3)
    if old_cramps is not None:
        check_old = [str(old_cramps), *check_new[1:]]
        start_old = wall(check_old, runs * 3)
        row(
            "start-up of a non-interactive check --format json, this vs before",
            f"{start_new:.0f} ms vs {start_old:.0f} ms (commit {against})",
            check_new,
        )
    else:
        row("start-up of a non-interactive check --format json", f"{start_new:.0f} ms", check_new)

    out = folder / "out.jsonl"  # a real file: writing 17 KB a line is part of the cost
    one = median_run([*new, "--jobs", "1"], runs, out)
    before_two = headroom()
    two = median_run([*new, "--jobs", "2"], runs, out)
    room = (before_two + headroom()) / 2
    ceiling = side_by_side([*new, "--jobs", "1"], folder, runs)
    if old is not None:
        before = median_run(old, runs, out)
        row(
            f"batch before (commit {against}), {lines:,} varied lines",
            f"{lines / before.wall:,.0f} lines/s ({before.cpu / lines * 1000:.3f} ms CPU a line)",
            old,
        )
    ratio = f" = {before.wall / one.wall:.2f}x commit {against} (target 3x)" if old else ""
    cpu_ratio = f", {before.cpu / one.cpu:.2f}x by CPU time" if old else ""
    row(
        f"batch --jobs 1, {lines:,} varied lines, full documents, to a file",
        f"{lines / one.wall:,.0f} lines/s ({one.cpu / lines * 1000:.3f} ms CPU a line)"
        f"{ratio}{cpu_ratio}",
        [*new, "--jobs", "1"],
    )
    row(
        f"batch --jobs 2, {lines:,} varied lines, full documents, to a file",
        f"{lines / two.wall:,.0f} lines/s = {one.wall / two.wall:.2f}x --jobs 1 (target 1.7x; "
        f"two CPU-bound processes ran {room:.2f}x one at the time, two --jobs 1 runs "
        f"{ceiling:.2f}x)",
        [*new, "--jobs", "2"],
    )
    if shutil.which("valgrind") and old_cramps is not None:
        sample = 3000
        new_ins = instructions_a_line(str(CRAMPS), source, sample, folder)
        old_ins = instructions_a_line(str(old_cramps), source, sample, folder)
        row(
            f"instructions a batch line in user space (callgrind, {sample:,} lines), "
            f"this vs commit {against}",
            f"{new_ins / 1000:,.0f}k vs {old_ins / 1000:,.0f}k = {old_ins / new_ins:.2f}x fewer "
            "(the kernel's time writing each line is not counted)",
            f"valgrind --tool=callgrind {shlex.join(new)}",
        )
    narrow = median_run([*new, "--jobs", "2", "--fields", FIELDS], runs, out)
    row(
        f"batch --jobs 2 --fields, {lines:,} lines",
        f"{lines / narrow.wall:,.0f} lines/s",
        [*new, "--jobs", "2", "--fields", FIELDS],
    )

    full_out, narrow_out = folder / "full.jsonl", folder / "narrow.jsonl"
    Run(new, full_out)
    Run([*new, "--fields", FIELDS], narrow_out)
    full_bytes, narrow_bytes = full_out.stat().st_size / lines, narrow_out.stat().st_size / lines
    row(
        "bytes per output line, full vs --fields",
        f"{full_bytes:,.0f} B vs {narrow_bytes:,.0f} B ({full_bytes / narrow_bytes:.0f}x fewer)",
        [*new, "--fields", FIELDS],
    )

    big = folder / "intake-big.jsonl"
    with big.open("w") as sink:
        for _ in range(10):
            sink.write(source.read_text())
    for jobs in ("1", "2"):
        small_peak = Run([*new, "--jobs", jobs]).peak
        big_peak = Run([str(CRAMPS), "check", "--batch", str(big), "--jobs", jobs]).peak
        row(
            f"batch --jobs {jobs} peak memory (largest process), {lines:,} vs {lines * 10:,} lines",
            f"{small_peak:.1f} MiB vs {big_peak:.1f} MiB",
            [str(CRAMPS), "check", "--batch", str(big), "--jobs", jobs],
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per timing (median)")
    parser.add_argument("--batch-lines", type=int, default=2000)
    parser.add_argument(
        "--scale-lines",
        type=int,
        default=20000,
        help="lines of the --jobs and commit-against-commit batch figures",
    )
    parser.add_argument(
        "--against",
        default=BASELINE,
        metavar="COMMIT",
        help="earlier commit to measure batch against ('' for none)",
    )
    parser.add_argument(
        "--only",
        choices=("all", "scale"),
        default="all",
        help="scale: only the batch scale figures (issue #15)",
    )
    args = parser.parse_args()
    if not CRAMPS.exists():
        sys.exit(f"no cramps next to {sys.executable}: install it first (pip install .)")
    import typer

    rows: list[tuple[str, str, str]] = []

    def row(measure: str, figure: str, command: list[str] | str) -> None:
        text = command if isinstance(command, str) else shlex.join(command)
        rows.append((measure, figure, text))
        print(f"  {measure}: {figure}", file=sys.stderr)

    runs = args.runs
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.only == "scale":
            scale_rows(row, folder, args.scale_lines, max(3, runs // 5), args.against or None)
            return report(rows, runs)
        app = folder / "minimal_typer_app.py"
        app.write_text(MINIMAL_TYPER_APP)
        answers = folder / "answers.json"
        answers.write_text(json.dumps(ANSWERS))

        bare_cmd = [sys.executable, "-c", "pass"]
        bare = wall(bare_cmd, runs)
        row("python -c pass", f"{bare:.0f} ms", bare_cmd)
        floor_cmd = [sys.executable, str(app), "hello"]
        floor = wall(floor_cmd, runs)
        row(f"minimal two-command Typer {typer.__version__} app", f"{floor:.0f} ms", floor_cmd)
        version_cmd = [str(CRAMPS), "--version"]
        version = wall(version_cmd, runs)
        row(
            "cramps --version",
            f"{version:.0f} ms = {version / floor:.2f}x Typer (target 1.1x)",
            version_cmd,
        )
        check_cmd = [str(CRAMPS), "check", "--answers", str(answers), "--format", "json"]
        check = wall(check_cmd, runs)
        row(
            "cramps check --answers FILE --format json",
            f"{check:.0f} ms = {check / floor:.2f}x Typer (target 1.3x); "
            f"{check - bare:.0f} ms over the bare interpreter (stretch goal 100)",
            check_cmd,
        )
        text_cmd = [str(CRAMPS), "check", "--answers", str(answers), "--no-color"]
        row(
            "cramps check --answers FILE (text through rich)",
            f"{wall(text_cmd, runs):.0f} ms",
            text_cmd,
        )

        lines = [json.dumps({**ANSWERS, "age": 20 + i % 80}) for i in range(args.batch_lines)]
        batch_in = folder / "batch.jsonl"
        batch_in.write_text("\n".join(lines) + "\n")
        batch_out = folder / "batch-out.jsonl"
        batch_cmd = [str(CRAMPS), "check", "--batch", str(batch_in)]
        with batch_out.open("w") as sink:
            subprocess.run(
                batch_cmd, stdout=sink, stderr=subprocess.DEVNULL, env=environment(), check=True
            )
        batch_runs = max(3, runs // 3)
        batch = wall(batch_cmd, batch_runs)
        floor_script = folder / "json_floor.py"
        floor_script.write_text(JSON_FLOOR)
        json_cmd = [sys.executable, str(floor_script), str(batch_in), str(batch_out)]
        json_floor = wall(json_cmd, batch_runs)
        row(
            f"cramps check --batch, {args.batch_lines} lines",
            f"{batch:.0f} ms = {batch / json_floor:.2f}x the bare JSON floor (target 3x)",
            batch_cmd,
        )
        row(
            f"bare JSON floor, {args.batch_lines} lines (parse in; parse and re-serialise out)",
            f"{json_floor:.0f} ms",
            json_cmd,
        )

        big_lines = args.batch_lines * 100
        big_in = folder / "batch-big.jsonl"
        with big_in.open("w") as sink:
            for i in range(big_lines):
                sink.write(lines[i % len(lines)] + "\n")
        small_rss = peak_rss_mib(batch_cmd)
        big_cmd = [str(CRAMPS), "check", "--batch", str(big_in)]
        big_rss = peak_rss_mib(big_cmd)
        row(
            f"batch peak memory, {args.batch_lines} vs {big_lines} lines",
            f"{small_rss:.1f} MiB vs {big_rss:.1f} MiB",
            big_cmd,
        )

        built, each, size = medicine_figures()
        row(
            f"reading 1000 typed medicine names ({size} in the dictionary; a third misspelt)",
            f"{each:.0f} µs a name; knowledge base with its medicine index loaded in "
            f"{built:.0f} ms",
            "kb.medicines.match, in one process",
        )
        scale_rows(row, folder, args.scale_lines, max(3, runs // 5), args.against or None)

        from cramp_cli.knowledge.loader import default_rules_path

        repeats = max(3, runs // 5)
        base_ms, base_rules = load_ms(default_rules_path(), repeats)
        row(
            f"load + validate + compile, {base_rules} rules",
            f"{base_ms:.0f} ms ({base_ms / base_rules:.2f} ms a rule)",
            "knowledge.validate_bytes + build, no cache",
        )
        for factor in (10, 100):
            path = grown_rules(factor, folder)
            ms, count = load_ms(path, repeats)
            row(
                f"load + validate + compile, {count} rules (x{factor})",
                f"{ms:.0f} ms ({ms / count:.2f} ms a rule)",
                f"knowledge.validate_bytes + build of {path.name}",
            )

    return report(rows, runs)


def report(rows: list[tuple[str, str, str]], runs: int) -> int:
    import typer

    load = os.getloadavg()[0]
    print(
        f"\ncramps benchmarks: Python {sys.version.split()[0]}, Typer {typer.__version__}, "
        f"{os.cpu_count()} cores (load average {load:.1f} at the end); medians of {runs} "
        "runs\n"
    )
    print("| measure | figure | command |")
    print("|---|---|---|")
    for measure, figure, command in rows:
        print(f"| {measure} | {figure} | `{command}` |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
