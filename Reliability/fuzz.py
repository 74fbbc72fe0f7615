#!/usr/bin/env python3
"""Fuzzing: libFuzzer with AddressSanitizer over Strata's parsers (the package in Fuzz/).

Targets (Fuzz/Sources): the statement splitter under every syntax, the SQL migration file
parser, strata.yml with `${VAR}` interpolation, interpolation alone, and database URLs. Each
checks properties, not only crashes (the splitter's statements joined back split into the
same statements; nothing expands inside `$${`; see each target's doc comment).

For each target: first every committed input — the seeds (Fuzz/Corpus/TARGET) and the
inputs of past failures (Fuzz/Regressions/TARGET) — is run once; then libFuzzer mutates
from the seeds for a bounded time (`--smoke`: 30 s a target, from the test command) or for
at least 10^6 executions (`scripts/reliability fuzz`), with a 10 s limit per input (a hang
is a failure). A failing input is saved in Fuzz/.build/artifacts; once fixed, it belongs in
Fuzz/Regressions/TARGET. Writes its part of docs/reliability.md and docs/reliability-fuzz.json
unless `--smoke`.
"""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kill  # noqa: E402  (write_section)

ROOT = kill.ROOT
FUZZ = os.path.join(ROOT, "Fuzz")
SMOKE = "--smoke" in sys.argv
SECONDS = int(os.environ.get("RELIABILITY_FUZZ_SECONDS", "30"))
RUNS = int(os.environ.get("RELIABILITY_FUZZ_RUNS", "1000000"))
# Every directory of Fuzz/Sources but the shared one is a target (Fuzz/Package.swift).
TARGETS = sorted(name for name in os.listdir(os.path.join(FUZZ, "Sources")) if name != "FuzzSupport")
SCRATCH = os.path.join(FUZZ, ".build", "sanitized")
# Swift's own crash reporter reads the crashed process's memory in a way ASan reports as an
# overflow of its own; libFuzzer's report is the one wanted.
ENV = dict(os.environ, SWIFT_BACKTRACE="enable=no")


def build():
    started = time.time()
    # --sanitize=fuzzer links libFuzzer's main and instruments C; Swift code gets its coverage
    # instrumentation only from swiftc's own -sanitize=fuzzer (without it libFuzzer sees
    # nothing of Strata and finds no new inputs).
    subprocess.run(["swift", "build", "--package-path", FUZZ, "--scratch-path", SCRATCH, "-c", "release",
                    "--sanitize=fuzzer", "--sanitize=address", "-Xswiftc", "-sanitize=fuzzer,address"], check=True)
    return time.time() - started


def stat(output, name):
    found = re.findall(rf"stat::{name}:\s+(\d+)", output)
    return int(found[-1]) if found else 0


def run(target):
    binary = os.path.join(SCRATCH, "release", target)
    seeds = os.path.join(FUZZ, "Corpus", target)
    regressions = os.path.join(FUZZ, "Regressions", target)
    committed = [seeds] + ([regressions] if os.path.isdir(regressions) else [])
    # Every committed input once (-runs=0 runs the corpus and nothing more).
    replay = subprocess.run([binary, "-runs=0", "-timeout=10", *committed], env=ENV, capture_output=True, text=True, errors="replace")
    if replay.returncode != 0:
        return {"target": target, "committed_inputs_failed": True, "output": replay.stderr[-4000:]}
    inputs = sum(len(os.listdir(directory)) for directory in committed)
    work = os.path.join(FUZZ, ".build", "corpus", target)
    artifacts = os.path.join(FUZZ, ".build", "artifacts")
    os.makedirs(work, exist_ok=True)
    os.makedirs(artifacts, exist_ok=True)
    budget = [f"-max_total_time={SECONDS}"] if SMOKE else [f"-runs={RUNS}"]
    started = time.time()
    fuzzing = subprocess.run([binary, *budget, "-timeout=10", "-max_len=4096", "-rss_limit_mb=2048", "-print_final_stats=1",
                              f"-artifact_prefix={artifacts}/{target}-", work, *committed],
                             env=ENV, capture_output=True, text=True, errors="replace")
    elapsed = time.time() - started
    output = fuzzing.stderr
    failure = None
    if fuzzing.returncode != 0:
        failure = "\n".join(line for line in output.splitlines()
                            if line.startswith(("PROPERTY FAILED", "==", "SUMMARY", "artifact_prefix", "Test unit written")) or "ERROR" in line)[-3000:]
    return {"target": target, "committed_inputs": inputs, "executions": stat(output, "number_of_executed_units"),
            "seconds": round(elapsed, 1), "executions_per_second": stat(output, "average_exec_per_sec"),
            "new_inputs": stat(output, "new_units_added"), "peak_rss_mb": stat(output, "peak_rss_mb"),
            "failure": failure}


def render(results):
    lines = [f"Run {results['date']} on {results['machine']}: libFuzzer with AddressSanitizer (`swift build -c release --sanitize=fuzzer "
             f"--sanitize=address -Xswiftc -sanitize=fuzzer,address`), built in {results['build_s']:.0f} s. Each target first ran every committed input "
             "(Fuzz/Corpus and Fuzz/Regressions), then mutated from them with a 10 s limit an input.", "",
             "| target | committed inputs | executions | per second | new inputs found | crashes or property failures |",
             "|---|---:|---:|---:|---:|---:|"]
    for row in results["targets"]:
        if row.get("committed_inputs_failed"):
            lines.append(f"| {row['target']} | failed | | | | 1 |")
            continue
        lines.append(f"| {row['target']} | {row['committed_inputs']} | {row['executions']:,} | {row['executions_per_second']:,} | "
                     f"{row['new_inputs']} | {0 if row['failure'] is None else 1} |")
    return "\n".join(lines)


def main():
    targets = [name for name in sys.argv[1:] if not name.startswith("--")] or TARGETS
    build_s = build()
    results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "machine": f"{os.cpu_count()} cores, {subprocess.run(['uname', '-sr'], capture_output=True, text=True).stdout.strip()}",
               "build_s": round(build_s, 1), "targets": []}
    for target in targets:
        print(f"{target}: " + (f"{SECONDS} s" if SMOKE else f"{RUNS:,} executions"), flush=True)
        row = run(target)
        results["targets"].append(row)
        if row.get("committed_inputs_failed"):
            print(f"  a committed input fails:\n{row['output']}", flush=True)
        else:
            print(f"  {row['executions']:,} executions in {row['seconds']} s, {row['new_inputs']} new inputs"
                  + ("" if row["failure"] is None else f"\n  FAILED:\n{row['failure']}"), flush=True)
    if not SMOKE:
        with open(os.path.join(ROOT, "docs", "reliability-fuzz.json"), "w") as file:
            json.dump(results, file, indent=2)
        kill.write_section("fuzz", "Fuzzing", render(results))
    print(render(results))
    failed = [row["target"] for row in results["targets"] if row.get("committed_inputs_failed") or row.get("failure")]
    if failed:
        sys.exit(f"fuzz: {', '.join(failed)} failed")


if __name__ == "__main__":
    main()
