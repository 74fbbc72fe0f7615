#!/usr/bin/env python3
"""Leaks: valgrind's memcheck over `strata migrate`, `status` and `undo --all` on every engine.

For each engine (SQLite, PostgreSQL, MariaDB) a project of ten migrations is migrated,
shown and undone under `valgrind --leak-check=full`, and each run's leak summary is read:
the bytes *definitely lost* (no pointer to them is left anywhere) and the stacks that
allocated them. Memory still reachable at exit (the Swift runtime's metadata caches,
libraries' one-time tables) is not a leak and is reported apart. A definitely lost block
whose allocation stack passes through Strata's own code is Strata's leak; one allocated
entirely inside a library (libmariadb, the TLS library) is that library's, and is listed.

Valgrind 3.19 cannot read the debug information of the release binary, so a copy without
it is run (the same code; its symbols name the functions). Run it through
`scripts/reliability leaks`; `--smoke` runs SQLite's `status` only and writes nothing.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kill  # noqa: E402  (the engines and their clients)

ROOT = kill.ROOT
SMOKE = "--smoke" in sys.argv
ENGINES = ["sqlite"] if SMOKE else os.environ.get("RELIABILITY_ENGINES", "sqlite,postgres,mysql").split(",")
COMMANDS = [["status"]] if SMOKE else [["migrate"], ["status"], ["undo", "--all"]]


def stripped_binary(work):
    """A copy of strata without debug information, which valgrind 3.19 can read."""
    copy = os.path.join(work, "strata")
    subprocess.run(["objcopy", "--strip-debug", kill.STRATA, copy], check=True)
    return copy


def write_project(engine, work):
    project = os.path.join(work, "project")
    os.makedirs(os.path.join(project, "db", "migrations"))
    with open(os.path.join(project, "strata.yml"), "w") as file:
        file.write(f"environments:\n  development:\n    url: {engine.url()}\n")
    for number in range(1, 11):
        with open(os.path.join(project, "db", "migrations", f"2025010100{number:04d}-create-t-{number}.sql"), "w") as file:
            file.write(f"-- migrate:up\nCREATE TABLE t_{number} (id INTEGER PRIMARY KEY, name VARCHAR(20));\n"
                       f"INSERT INTO t_{number} (id, name) VALUES (1, 'one');\n-- migrate:down\nDROP TABLE t_{number};\n")
    return project


def memcheck(binary, engine, project, arguments, work):
    """Runs `strata ARGUMENTS` under memcheck; returns the leak summary and the definitely
    lost blocks' stacks (function names, innermost first)."""
    log = os.path.join(work, "memcheck.log")
    env = dict(os.environ, **engine.environment())
    result = subprocess.run(["valgrind", "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=definite", "--num-callers=40",
                             f"--log-file={log}", binary, *arguments, "--quiet"], cwd=project, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"leaks: strata {' '.join(arguments)} on {engine.name} exited {result.returncode}:\n{result.stderr}\n{open(log).read()[-3000:]}")
    text = open(log).read()
    summary = {}
    for kind in ("definitely lost", "indirectly lost", "possibly lost", "still reachable"):
        match = re.search(rf"{kind}: ([\d,]+) bytes in ([\d,]+) blocks", text)
        summary[kind] = {"bytes": int(match.group(1).replace(",", "")), "blocks": int(match.group(2).replace(",", ""))} if match else {"bytes": 0, "blocks": 0}
    blocks = []
    for record in re.split(r"==\d+== \n", text):
        if "are definitely lost" not in record:
            continue
        frames = re.findall(r"(?:at|by) 0x[0-9A-F]+: (.+?) \(", record)
        size = re.search(r"([\d,]+) (?:\([\d,]+ direct, [\d,]+ indirect\) )?bytes in", record)
        blocks.append({"bytes": int(size.group(1).replace(",", "")) if size else 0, "stack": frames[:12],
                       "strata": any("Strata" in frame or "strata" in frame for frame in frames)})
    return summary, blocks


def main():
    if not os.path.exists(kill.STRATA):
        sys.exit(f"leaks: no strata binary at {kill.STRATA}; build it, or set STRATA_BINARY")
    runs = []
    for name in ENGINES:
        work = tempfile.mkdtemp(prefix=f"strata-leaks-{name}-")
        engine = kill.make_engine(name, work)
        engine.reset()
        project = write_project(engine, work)
        binary = stripped_binary(work)
        if SMOKE:
            subprocess.run([kill.STRATA, "migrate", "--quiet"], cwd=project, env=dict(os.environ, **engine.environment()), check=True)
        for arguments in COMMANDS:
            print(f"{name}: strata {' '.join(arguments)} under memcheck", flush=True)
            summary, blocks = memcheck(binary, engine, project, arguments, work)
            runs.append({"engine": name, "command": " ".join(arguments), "summary": summary, "blocks": blocks})
        engine.reset()
        shutil.rmtree(work, ignore_errors=True)
    results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "valgrind": subprocess.run(["valgrind", "--version"], capture_output=True, text=True).stdout.strip(), "runs": runs}
    section = render(results)
    print(section)
    strata_leaks = [block for run in runs for block in run["blocks"] if block["strata"]]
    if not SMOKE:
        with open(os.path.join(ROOT, "docs", "reliability-leaks.json"), "w") as file:
            json.dump(results, file, indent=2)
        kill.write_section("leaks", "Leaks", section)
    if strata_leaks:
        sys.exit(f"leaks: {len(strata_leaks)} blocks definitely lost through Strata's code")


def render(results):
    lines = [f"Run {results['date']} with {results['valgrind']} (memcheck, `--leak-check=full`) on the release build, ten migrations "
             "of two statements each; `scripts/reliability leaks` repeats it.", "",
             "| engine | command | definitely lost | of it through Strata's code | indirectly lost | possibly lost | still reachable at exit |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for run in results["runs"]:
        s = run["summary"]
        ours = sum(block["bytes"] for block in run["blocks"] if block["strata"])
        lines.append(f"| {run['engine']} | `strata {run['command']}` | {s['definitely lost']['bytes']:,} B in {s['definitely lost']['blocks']} blocks | "
                     f"{ours:,} B | {s['indirectly lost']['bytes']:,} B | {s['possibly lost']['bytes']:,} B | {s['still reachable']['bytes']:,} B |")
    others = {}
    for run in results["runs"]:
        for block in run["blocks"]:
            if not block["strata"]:
                key = " ← ".join(block["stack"][:4])
                others[key] = others.get(key, 0) + block["bytes"]
    if others:
        lines += ["", "Definitely lost inside libraries, not through Strata's code (allocation stack, innermost first):", ""]
        lines += [f"- {size:,} B: `{stack}`" for stack, size in sorted(others.items(), key=lambda item: -item[1])]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
