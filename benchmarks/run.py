#!/usr/bin/env python3
"""Measure cramps' speed and print one table, with the command behind every figure.

Run it with the interpreter of an environment where cramps is installed (a regular
`pip install .`, so the byte-code is compiled as a user's would be):

    .venv/bin/python benchmarks/run.py            # medians of 15 runs
    .venv/bin/python benchmarks/run.py --runs 31  # steadier figures

It prints figures only; it asserts nothing (no test depends on timing).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
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

ANSWERS = {"age": 58, "sex": "female", "medications": ["Dyazide"], "cramps_per_week": 4,
           "symptoms": [], "conditions": ["diabetes"]}  # fmt: skip


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
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                       check=False)  # fmt: skip
        if i >= 2:
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def peak_rss_mib(command: list[str]) -> float:
    """Peak resident memory of one run, in MiB."""
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=environment())  # fmt: skip
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
            copy = {key: value for key, value in rule.items()
                    if key not in ("likelihood", "score", "calls_for_doctor", "triage",
                                   "triage_when", "fallback", "reassurance", "summary",
                                   "unless_flags")}  # fmt: skip
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
    out = subprocess.run([sys.executable, "-c", MEDICINE_CODE], capture_output=True, text=True,
                         env=environment(), check=True).stdout.split()  # fmt: skip
    return float(out[0]), float(out[1]), int(out[2])


def load_ms(path: Path, repeats: int) -> tuple[float, int]:
    """Median ms to load + validate + compile a rules file in a fresh process (no cache)."""
    times, rules = [], 0
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", LOAD_CODE, str(path)], capture_output=True,
                             text=True, env=environment(), check=True).stdout.split()  # fmt: skip
        times.append(float(out[0]))
        rules = int(out[1])
    return statistics.median(times), rules


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per timing (median)")
    parser.add_argument("--batch-lines", type=int, default=2000)
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
        row("cramps --version", f"{version:.0f} ms = {version / floor:.2f}x Typer (target 1.1x)",
            version_cmd)  # fmt: skip
        check_cmd = [str(CRAMPS), "check", "--answers", str(answers), "--format", "json"]
        check = wall(check_cmd, runs)
        row("cramps check --answers FILE --format json",
            f"{check:.0f} ms = {check / floor:.2f}x Typer (target 1.3x); "
            f"{check - bare:.0f} ms over the bare interpreter (stretch goal 100)",
            check_cmd)  # fmt: skip
        text_cmd = [str(CRAMPS), "check", "--answers", str(answers), "--no-color"]
        row("cramps check --answers FILE (text through rich)", f"{wall(text_cmd, runs):.0f} ms",
            text_cmd)  # fmt: skip

        lines = [json.dumps({**ANSWERS, "age": 20 + i % 80}) for i in range(args.batch_lines)]
        batch_in = folder / "batch.jsonl"
        batch_in.write_text("\n".join(lines) + "\n")
        batch_out = folder / "batch-out.jsonl"
        batch_cmd = [str(CRAMPS), "check", "--batch", str(batch_in)]
        with batch_out.open("w") as sink:
            subprocess.run(batch_cmd, stdout=sink, stderr=subprocess.DEVNULL, env=environment(),
                           check=True)  # fmt: skip
        batch_runs = max(3, runs // 3)
        batch = wall(batch_cmd, batch_runs)
        floor_script = folder / "json_floor.py"
        floor_script.write_text(JSON_FLOOR)
        json_cmd = [sys.executable, str(floor_script), str(batch_in), str(batch_out)]
        json_floor = wall(json_cmd, batch_runs)
        row(f"cramps check --batch, {args.batch_lines} lines",
            f"{batch:.0f} ms = {batch / json_floor:.2f}x the bare JSON floor (target 3x)",
            batch_cmd)  # fmt: skip
        row(f"bare JSON floor, {args.batch_lines} lines (parse in; parse and re-serialise out)",
            f"{json_floor:.0f} ms", json_cmd)  # fmt: skip

        big_lines = args.batch_lines * 100
        big_in = folder / "batch-big.jsonl"
        with big_in.open("w") as sink:
            for i in range(big_lines):
                sink.write(lines[i % len(lines)] + "\n")
        small_rss = peak_rss_mib(batch_cmd)
        big_cmd = [str(CRAMPS), "check", "--batch", str(big_in)]
        big_rss = peak_rss_mib(big_cmd)
        row(f"batch peak memory, {args.batch_lines} vs {big_lines} lines",
            f"{small_rss:.1f} MiB vs {big_rss:.1f} MiB", big_cmd)  # fmt: skip

        built, each, size = medicine_figures()
        row(f"reading 1000 typed medicine names ({size} in the dictionary; a third misspelt)",
            f"{each:.0f} µs a name; knowledge base with its medicine index loaded in "
            f"{built:.0f} ms", "kb.medicines.match, in one process")  # fmt: skip

        from cramp_cli.knowledge.loader import default_rules_path

        repeats = max(3, runs // 5)
        base_ms, base_rules = load_ms(default_rules_path(), repeats)
        row(f"load + validate + compile, {base_rules} rules",
            f"{base_ms:.0f} ms ({base_ms / base_rules:.2f} ms a rule)",
            "knowledge.validate_bytes + build, no cache")  # fmt: skip
        for factor in (10, 100):
            path = grown_rules(factor, folder)
            ms, count = load_ms(path, repeats)
            row(f"load + validate + compile, {count} rules (x{factor})",
                f"{ms:.0f} ms ({ms / count:.2f} ms a rule)",
                f"knowledge.validate_bytes + build of {path.name}")  # fmt: skip

    print(f"\ncramps benchmarks: Python {sys.version.split()[0]}, Typer {typer.__version__}, "
          f"{os.cpu_count()} cores; medians of {runs} runs\n")
    print("| measure | figure | command |")
    print("|---|---|---|")
    for measure, figure, command in rows:
        print(f"| {measure} | {figure} | `{command}` |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
