#!/usr/bin/env python3
"""The server fails, not Strata: its sessions ended, or the server itself stopped, mid-migration.

Each trial empties the database, starts `strata migrate` over the kill campaign's
migrations (Reliability/kill.py) and, after a random delay spread over an uninterrupted
run, injects one fault:

  - `cut` (the default): the server ends Strata's sessions from another client —
    PostgreSQL's `pg_terminate_backend` on every session named `strata…`, MariaDB's
    `KILL CONNECTION` on every connection of Strata's user to the database;
  - `--stop`: the server itself dies — PostgreSQL stopped with `pg_ctl stop -m immediate`
    (through Debian's `pg_ctlcluster`)
    (no checkpoint, crash recovery at the next start), MariaDB's `mariadbd` sent SIGKILL —
    and is started again (scripts/start-databases) once Strata has exited.

Strata must then exit within a minute (a run that hangs is a violation), with status 0
only if every migration it was to apply is applied, else 1 with a message that names the
server and says the connection was lost; the database must satisfy the kill campaign's
invariant, and recovering as Strata's messages say must reach the uninterrupted run's end.

Run through `scripts/reliability cut` and `scripts/reliability stop`; `--smoke` runs a few
trials on each server engine. Writes its part of docs/reliability.md and
docs/reliability-cut.json (or docs/reliability-stop.json).
"""
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kill  # noqa: E402  (engines, migrations, invariant, recovery)

SMOKE = "--smoke" in sys.argv
STOP = "--stop" in sys.argv
MODE = "stop" if STOP else "cut"
TRIALS = int(os.environ.get("RELIABILITY_STOP_TRIALS" if STOP else "RELIABILITY_CUT_TRIALS", ("2" if STOP else "3") if SMOKE else ("50" if STOP else "100")))
ENGINES = [name for name in os.environ.get("RELIABILITY_ENGINES", "postgres,mysql").split(",") if name != "sqlite"]
HANG = 60


def cut(engine):
    """Ends every session of Strata's from another client; returns how many were ended."""
    if engine.name == "postgres":
        rows = engine.query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE application_name LIKE 'strata%' AND pid <> pg_backend_pid()")
        return int(rows[0][0]) if rows else 0
    ids = [row[0] for row in engine.query(
        f"SELECT id FROM information_schema.processlist WHERE db = '{engine.database}' AND id <> CONNECTION_ID() "
        f"AND user = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)")]
    for connection in ids:
        try:
            engine.query(f"KILL CONNECTION {connection}")
        except subprocess.CalledProcessError:
            pass  # It ended on its own meanwhile.
    return len(ids)


def stop(engine):
    """Stops the server as a crash would; returns 1 (the server, ended)."""
    if engine.name == "postgres":
        subprocess.run(["pg_ctlcluster", PG_VERSION, "main", "stop", "-m", "immediate"], check=True, capture_output=True)
    else:
        # This server only (its pid file names it), not the Galera nodes beside it.
        with open(engine.query("SELECT @@pid_file")[0][0]) as file:
            pid = int(file.read().strip())
        os.kill(pid, signal.SIGKILL)
        deadline = time.time() + 30
        while alive(pid):
            if time.time() > deadline:
                raise RuntimeError("mariadbd did not die within 30 s of SIGKILL")
            time.sleep(0.05)
    return 1


def alive(pid):
    """Whether process `pid` runs (a zombie waiting to be reaped does not)."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            return file.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def start_servers():
    """Starts whatever server is down, as the test command does (it waits until they accept logins)."""
    subprocess.run([os.path.join(kill.ROOT, "scripts", "start-databases")], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


PG_VERSION = os.environ.get("PG_VERSION", "15")
FAULT = stop if STOP else cut


def message_kind(output):
    """The first error line, with the migration, file and line left out: what kind of thing
    Strata said, not where the cut landed."""
    said = next((line for line in output.splitlines() if line.startswith("error:")), "(no error line)")
    said = re.sub(r"Migration \S+ failed at \S+: ", "Migration … failed at …: ", said)
    said = re.sub(r"Migration \S+ failed: ", "Migration … failed: ", said)
    return said[:160]


def campaign(name, work, rng):
    engine = kill.make_engine(name, work)
    engine.reset()
    project = kill.write_project(engine, work)
    plan = kill.migrations(engine)
    reference, durations = kill.uninterrupted(engine, project, plan)
    full = min(durations)
    outcomes, messages, violations = {}, {}, []
    cuts = 0
    trial = -1
    while cuts < TRIALS and trial + 1 < 3 * TRIALS:
        trial += 1
        engine.reset()
        delay = rng.uniform(0.02, full * 1.05)
        env = dict(os.environ, **engine.environment())
        process = subprocess.Popen([kill.STRATA, "migrate"], cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(delay)
        ended = FAULT(engine) if process.poll() is None else 0
        try:
            output, _ = process.communicate(timeout=HANG)
            hung = False
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
            hung = True
        if STOP and ended:
            start_servers()
        if ended:
            cuts += 1
        try:
            if hung:
                raise kill.Violation(f"strata did not exit within {HANG} s of {'the server stopping' if STOP else 'its connections being ended'}:\n{output[-1500:]}")
            history, progress, effects = kill.state(engine, plan)
            kill.check_invariant(engine, plan, history, progress, effects)
            status = process.returncode
            if status == 0:
                raise kill.Violation(f"strata exited 0, though the last migration always fails:\n{output[-1500:]}")
            if ended:
                key = message_kind(output)
                messages[key] = messages.get(key, 0) + 1
                outcome = f"{MODE}; " + ("dirty" if progress else "clean") + f", exit {status}"
            else:
                outcome = f"ended before the {MODE}, exit {status}"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            kill.recover(engine, project, plan)
            reached = kill.final(engine, plan)
            if reached != reference:
                raise kill.Violation(f"recovery ended elsewhere than the uninterrupted run: history {reached['history']}, progress {reached['progress']}")
        except kill.Violation as violation:
            violations.append({"trial": trial + 1, "delay_s": round(delay, 4), "violation": str(violation)[:2000]})
            print(f"  {name} trial {trial + 1}: VIOLATION after {delay:.3f}s: {violation}", flush=True)
        if ended and (cuts % 25 == 0 or SMOKE):
            print(f"  {name}: {cuts} of {TRIALS} runs {FAULT_TEXT['verb']} ({trial + 1} trials), {len(violations)} violations", flush=True)
    engine.reset()
    return {"engine": name, "trials": trial + 1, "cuts": cuts, "uninterrupted_s": round(statistics.median(durations), 3),
            "outcomes": outcomes, "messages": messages, "violations": violations}


FAULT_TEXT = {
    "cut": {"verb": "cut off by the server", "title": "The server cuts the connection",
            "fault": "has the server end Strata's sessions (PostgreSQL: `pg_terminate_backend`; MariaDB: `KILL CONNECTION`)"},
    "stop": {"verb": "interrupted by a server stop", "title": "The server stops and restarts",
             "fault": "stops the server as a crash would (PostgreSQL: `pg_ctl stop -m immediate`; MariaDB: SIGKILL to `mariadbd`), "
                      "waits for Strata to exit, and starts the server again (crash recovery) before checking"},
}[MODE]


def render(results):
    lines = [f"Run {results['date']}, seed {results['seed']}. Each trial {FAULT_TEXT['fault']}, after a delay drawn "
             "uniformly up to 1.05 times the shortest uninterrupted run.", "",
             f"| engine | runs {FAULT_TEXT['verb']} | trials | hung (no exit within 60 s) | invariant violations or a wrong end |", "|---|---:|---:|---:|---:|"]
    for row in results["campaigns"]:
        hung = sum(1 for v in row["violations"] if v["violation"].startswith("strata did not exit"))
        lines.append(f"| {row['engine']} | {row['cuts']} | {row['trials']} | {hung} | {len(row['violations']) - hung} |")
    for row in results["campaigns"]:
        lines += ["", f"{row['engine']}: how the runs ended, and the first line of what Strata said:", "", "| outcome | trials |", "|---|---:|"]
        lines += [f"| {outcome} | {count} |" for outcome, count in sorted(row["outcomes"].items(), key=lambda item: -item[1])]
        lines += ["", "| message | runs |", "|---|---:|"]
        lines += [f"| `{message.replace('|', '/')}` | {count} |" for message, count in sorted(row["messages"].items(), key=lambda item: -item[1])[:8]]
        for violation in row["violations"][:5]:
            lines += ["", f"Violation, trial {violation['trial']} (after {violation['delay_s']} s): {violation['violation'][:400]}"]
    return "\n".join(lines)


def main():
    if "--render" in sys.argv:
        # The section again from docs/reliability-cut.json, its messages grouped by kind.
        with open(os.path.join(kill.ROOT, "docs", f"reliability-{MODE}.json")) as file:
            results = json.load(file)
        for row in results["campaigns"]:
            grouped = {}
            for message, count in row["messages"].items():
                kind = message_kind(message)
                grouped[kind] = grouped.get(kind, 0) + count
            row["messages"] = grouped
        kill.write_section(MODE, FAULT_TEXT["title"], render(results))
        return
    rng = random.Random(kill.SEED)
    results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "seed": kill.SEED, "campaigns": []}
    for name in ENGINES:
        work = tempfile.mkdtemp(prefix=f"strata-{MODE}-{name}-")
        print(f"{name}: {TRIALS} runs of `strata migrate` {FAULT_TEXT['verb']}", flush=True)
        results["campaigns"].append(campaign(name, work, rng))
        shutil.rmtree(work, ignore_errors=True)
    section = render(results)
    if not SMOKE:
        with open(os.path.join(kill.ROOT, "docs", f"reliability-{MODE}.json"), "w") as file:
            json.dump(results, file, indent=2)
        kill.write_section(MODE, FAULT_TEXT["title"], section)
    print(section)
    violations = sum(len(row["violations"]) for row in results["campaigns"])
    if violations:
        sys.exit(f"reliability: {violations} violations")


if __name__ == "__main__":
    main()
