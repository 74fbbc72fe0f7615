#!/usr/bin/env python3
"""Instructions, not seconds: what Strata executes, counted by valgrind's callgrind.

On SQLite (no server whose work would be counted elsewhere):
  - `strata status` with 1,000 migrations applied (the no-op a developer runs most);
  - `strata migrate` of 100 one-table migrations from empty;
  - `strata migrate --atomic` of the same 100.
Each is counted three times (every thread's instructions, from process start to exit); the
counts move by a fraction of a percent between runs, so a regression shows as a number that
the machine's speed does not blur. Valgrind 3.19 cannot read the debug information of the
release binary, so a copy without it is counted (the same code).

Run it through `scripts/bench instructions`. Writes docs/benchmarks-instructions.json and its
part of docs/benchmarks.md; `--smoke` counts once with $STRATA_BINARY and writes nothing.
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (write_project, machine)

SMOKE = "--smoke" in sys.argv
RUNS = 1 if SMOKE else 3


def count(binary, project, *arguments):
    """Instructions executed by `strata ARGUMENTS` in `project`, every thread's."""
    result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", binary, *arguments],
                            cwd=project, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"instructions: strata {' '.join(arguments)} exited {result.returncode}:\n{result.stderr}")
    match = re.search(r"Collected : (\d+)", result.stderr)
    if not match:
        sys.exit(f"instructions: no count from callgrind:\n{result.stderr}")
    return int(match.group(1))


def measure(binary, work):
    engine = bench.SQLite(work)
    cases = []

    applied, _ = bench.write_project(engine, 1000)
    engine.reset()
    bench.strata(engine, applied, "migrate", "--atomic")
    cases.append(("strata status, 1,000 applied (no-op)", lambda: count(binary, applied, "status")))

    fresh, _ = bench.write_project(engine, 100)

    def migrate(*options):
        engine.reset()
        return count(binary, fresh, "migrate", "--quiet", *options)

    cases.append(("strata migrate, 100 migrations from empty", lambda: migrate()))
    cases.append(("strata migrate --atomic, 100 migrations from empty", lambda: migrate("--atomic")))
    results = []
    for name, case in cases:
        counts = [case() for _ in range(RUNS)]
        print(f"  {name}: {', '.join(f'{c:,}' for c in counts)}", flush=True)
        results.append({"case": name, "instructions": statistics.median(counts), "min": min(counts), "max": max(counts), "runs": RUNS})
    return results


def render(results):
    machine = results["machine"]
    lines = [f"Counted {machine['date']} with valgrind's callgrind ({results['valgrind']}); {machine['swift']}; SQLite; the median of "
             f"{results['runs']} runs, every thread's instructions from process start to exit:", "",
             "| command | instructions (millions) | spread between runs |", "|---|---:|---:|"]
    for row in results["cases"]:
        spread = (row["max"] - row["min"]) / row["instructions"] * 100
        lines.append(f"| {row['case']} | {row['instructions'] / 1e6:.1f} | {spread:.2f}% |")
    return "\n".join(lines)


def write_markdown(results):
    bench.write_between("<!-- instructions:begin (written by Benchmarks/instructions.py) -->", "<!-- instructions:end -->", render(results))


def main():
    output = os.path.join(bench.ROOT, "docs", "benchmarks-instructions.json")
    if "--render" in sys.argv:
        with open(output) as file:
            write_markdown(json.load(file))
        return
    work = tempfile.mkdtemp(prefix="strata-bench-instructions-")
    try:
        binary = os.path.join(work, "strata")
        subprocess.run(["objcopy", "--strip-debug", bench.STRATA, binary], check=True)
        valgrind = subprocess.run(["valgrind", "--version"], capture_output=True, text=True, check=True).stdout.strip()
        print("instructions: callgrind on SQLite", flush=True)
        results = {"machine": bench.machine(), "valgrind": valgrind, "runs": RUNS, "cases": measure(binary, work)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(render(results))
    if SMOKE:
        return
    with open(output, "w") as file:
        json.dump(results, file, indent=2)
    write_markdown(results)


if __name__ == "__main__":
    main()
