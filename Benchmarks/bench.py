#!/usr/bin/env python3
"""Strata against the database's own limit, measured in one run.

For SQLite (a file), PostgreSQL and MariaDB, and N = 500 and N = 5000:
  - `strata migrate` of N one-table migrations from empty, then `strata undo --all`;
  - the raw limit: the same statements run by the database's own client (sqlite3, psql,
    mariadb), each in its own transaction;
and, with 1,000 migrations applied, a no-op `strata migrate` and `strata status`
(process start to exit, median of at least 10), next to the database's own client
connecting and reading the history table. Runs are interleaved — in every round Strata, the
raw client and the raw client with the history row take turns going first — and ratios are
the median of the ratios within each round, because fsync latency on these machines is
bimodal and drifts. Peak memory is the process's maximum resident set size (wait4's
ru_maxrss).

Run it through scripts/bench, which builds strata in release mode and starts the servers.
Writes docs/benchmarks.md and docs/benchmarks.json.
"""
import datetime
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The release build scripts/bench makes; the test command's smoke runs name the debug one.
STRATA = os.path.abspath(os.environ.get("STRATA_BINARY", os.path.join(ROOT, ".build", "release", "strata")))
# `--quick`: N = 500 only, 3 rounds, 7 no-op rounds — a few minutes, for a first look.
QUICK = "--quick" in sys.argv[1:]
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "500" if QUICK else "500,5000").split(",")]
# A run of 500 lasts about a second, so its ratio moves more with the machine's noise: more
# rounds there, for the same precision of the median.
ROUNDS = {500: int(os.environ.get("BENCH_ROUNDS_500", "3" if QUICK else "21")),
          5000: int(os.environ.get("BENCH_ROUNDS_5000", "3" if QUICK else "11"))}
NOOP_RUNS = int(os.environ.get("BENCH_NOOP_RUNS", "7" if QUICK else "21"))
ENGINES = os.environ.get("BENCH_ENGINES", "sqlite,postgres,mysql").split(",")
# Before each engine and size: wait until the machine is this idle over a second (iowait
# counts as busy), for at most this long. The servers' background work after a benchmark
# (InnoDB's purge and flushing, autovacuum after thousands of dropped tables) otherwise
# takes one of two cores from the next one.
QUIET_IDLE = float(os.environ.get("BENCH_QUIET_IDLE", "0.9"))
QUIET_TIMEOUT_S = float(os.environ.get("BENCH_QUIET_TIMEOUT", "120"))


def cpu_ticks():
    """All CPUs' idle ticks and total ticks since boot, from /proc/stat."""
    with open("/proc/stat") as file:
        user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in file.readline().split()[1:9])
    return idle, user + nice + system + idle + iowait + irq + softirq + steal


def settle(label):
    """Waits until the machine is quiet (QUIET_IDLE over one second) or QUIET_TIMEOUT_S has
    passed, and says which, with the seconds waited: both sides of a comparison then start
    on a machine that nothing else is using."""
    start = time.monotonic()
    previous = cpu_ticks()
    idle_share = 0.0
    while True:
        time.sleep(1)
        current = cpu_ticks()
        idle_share = (current[0] - previous[0]) / max(1, current[1] - previous[1])
        previous = current
        waited = time.monotonic() - start
        if idle_share >= QUIET_IDLE or waited >= QUIET_TIMEOUT_S:
            break
    state = "quiet" if idle_share >= QUIET_IDLE else "still busy, going on"
    print(f"{label}: machine {state} ({idle_share:.0%} idle) after {waited:.0f} s", flush=True)
    return waited


def run(command, *, cwd=None, env=None, stdin=None):
    """Runs a command; returns (seconds, peak RSS in MiB). Fails loudly on a non-zero exit.

    Started with posix_spawn (vfork underneath), not subprocess: forking the Python
    interpreter costs milliseconds, which would be counted in every 20 ms no-op run."""
    executable = shutil.which(command[0]) or command[0]
    with tempfile.TemporaryFile() as stderr:
        actions = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0), (os.POSIX_SPAWN_DUP2, stderr.fileno(), 2)]
        if stdin is not None:
            actions.append((os.POSIX_SPAWN_DUP2, stdin.fileno(), 0))
        # The child inherits the working directory (the bench is single-threaded).
        previous = os.getcwd()
        os.chdir(cwd or previous)
        try:
            start = time.perf_counter()
            pid = os.posix_spawn(executable, command, env if env is not None else os.environ, file_actions=actions)
            _, status, usage = os.wait4(pid, 0)
        finally:
            os.chdir(previous)
        elapsed = time.perf_counter() - start
        stderr.seek(0)
        message = stderr.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"bench: {' '.join(command)} exited {code}:\n{message}")
    return elapsed, usage.ru_maxrss / 1024


class Engine:
    """A database engine: how to make it empty, how Strata reaches it, how its client runs SQL."""

    def __init__(self, name, directory):
        self.name = name
        self.directory = directory

    def create_table(self, i):
        return f"CREATE TABLE bench_{i} (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL)"

    def drop_table(self, i):
        return f"DROP TABLE bench_{i}"

    def raw_script(self, statements, history=None, create_history=False):
        """Each statement in its own transaction; with `history`, plus that transaction's
        history-row statement, as Strata records it."""
        lines = [self.history_table()] if create_history else []
        for index, statement in enumerate(statements):
            extra = f"{history[index]};\n" if history else ""
            lines.append(f"{self.begin};\n{statement};\n{extra}COMMIT;\n")
        return "".join(lines)

    def history_table(self):
        return ("CREATE TABLE raw_history (version VARCHAR(14) NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, "
                f"checksum VARCHAR(64) NOT NULL, applied_at {self.timestamp} NOT NULL, execution_ms BIGINT NOT NULL){self.table_options};\n")

    begin = "BEGIN"
    timestamp = "TIMESTAMP"
    table_options = ""
    port = None


class SQLite(Engine):
    timestamp = "TEXT"
    table_options = " WITHOUT ROWID"

    def __init__(self, directory):
        super().__init__("sqlite", directory)
        self.path = os.path.join(directory, "bench.sqlite3")

    def reset(self):
        for suffix in ("", "-journal", "-wal", "-shm"):
            if os.path.exists(self.path + suffix):
                os.remove(self.path + suffix)

    def reset_with_client(self):
        """Drops the database as a raw client would (deleting the file); returns the seconds."""
        start = time.perf_counter()
        self.reset()
        return time.perf_counter() - start

    def url(self):
        return f"sqlite:{self.path}"

    def environment(self):
        return {}

    def raw_script(self, statements, history=None, create_history=False):
        """In the journal mode Strata commits in (TRUNCATE, whose commit is synced: see
        SQLiteDatabaseConnection.prepareForChanges), so both pay for the same durability."""
        return "PRAGMA journal_mode = TRUNCATE;\n" + super().raw_script(statements, history, create_history)

    def raw(self, script_path):
        with open(script_path) as script:
            return run(["sqlite3", self.path], stdin=script)

    def traced_raw(self, script_path):
        with open(script_path) as script:
            return traced(["sqlite3", self.path], stdin=script)

    def client_select(self):
        """The client's own no-op: open the database, read the history table."""
        return run(["sqlite3", self.path, "SELECT count(*) FROM strata_migrations"])


class Postgres(Engine):
    def __init__(self, directory, url):
        super().__init__("postgres", directory)
        self.parts = urllib.parse.urlparse(url)
        self.port = self.parts.port or 5432

    def client_env(self):
        env = dict(os.environ, PGPASSWORD=urllib.parse.unquote(self.parts.password or ""))
        return env

    def client(self):
        return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.parts.hostname, "-p", str(self.parts.port or 5432),
                "-U", urllib.parse.unquote(self.parts.username), "-d", self.parts.path.lstrip("/")]

    def reset(self):
        subprocess.run(self.client() + ["-c", "DROP SCHEMA IF EXISTS bench CASCADE", "-c", "CREATE SCHEMA bench"],
                       env=self.client_env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def reset_with_client(self):
        """Drops and creates the schema with psql, timed as a raw client's step; returns the seconds."""
        return run(self.client() + ["-c", "SET client_min_messages = warning", "-c", "DROP SCHEMA IF EXISTS bench CASCADE",
                                    "-c", "CREATE SCHEMA bench"], env=self.client_env())[0]

    def url(self):
        netloc = f"{self.parts.username}:${{BENCH_DB_PASSWORD}}@{self.parts.hostname}:{self.parts.port or 5432}"
        return f"postgres://{netloc}{self.parts.path}?schema=bench"

    def environment(self):
        return {"BENCH_DB_PASSWORD": urllib.parse.unquote(self.parts.password or "")}

    def raw_script(self, statements, history=None, create_history=False):
        return "SET search_path TO bench;\n" + super().raw_script(statements, history, create_history)

    def raw(self, script_path):
        return run(self.client() + ["-f", script_path], env=self.client_env())

    def traced_raw(self, script_path):
        return traced(self.client() + ["-f", script_path], env=self.client_env())

    def client_select(self):
        """The client's own no-op: connect, authenticate, read the history table."""
        return run(self.client() + ["-c", "SELECT count(*) FROM bench.strata_migrations"], env=self.client_env())

    def server_counters(self):
        """The server's own counts: transactions committed in the database, WAL records
        written and WAL syncs (pg_stat_wal), read once the last client's backend has exited
        and reported them."""
        time.sleep(0.5)
        row = subprocess.run(self.client() + ["-Atc", "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()), "
                                              "wal_records, wal_sync FROM pg_stat_wal"],
                             env=self.client_env(), check=True, capture_output=True, text=True).stdout.strip().split("|")
        return {"commits": int(row[0]), "wal_records": int(row[1]), "wal_syncs": int(row[2])}


class MariaDB(Engine):
    begin = "START TRANSACTION"
    timestamp = "DATETIME(6)"
    table_options = " ENGINE=InnoDB"

    def __init__(self, directory, url):
        super().__init__("mysql", directory)
        self.parts = urllib.parse.urlparse(url)
        self.port = self.parts.port or 3306
        self.defaults = os.path.join(directory, "client.cnf")
        with open(self.defaults, "w") as file:
            file.write(f"[client]\nuser={urllib.parse.unquote(self.parts.username)}\n"
                       f"password={urllib.parse.unquote(self.parts.password or '')}\n"
                       f"host={self.parts.hostname}\nport={self.parts.port or 3306}\n")
        os.chmod(self.defaults, 0o600)

    def client(self, database=None):
        command = ["mariadb", f"--defaults-extra-file={self.defaults}"]
        return command + ([database] if database else [])

    def reset(self):
        subprocess.run(self.client() + ["-e", "DROP DATABASE IF EXISTS strata_bench; CREATE DATABASE strata_bench"], check=True)

    def url(self):
        netloc = f"{self.parts.username}:${{BENCH_DB_PASSWORD}}@{self.parts.hostname}:{self.parts.port or 3306}"
        return f"mysql://{netloc}/strata_bench"

    def environment(self):
        return {"BENCH_DB_PASSWORD": urllib.parse.unquote(self.parts.password or "")}

    def raw(self, script_path):
        with open(script_path) as script:
            return run(self.client("strata_bench"), stdin=script)

    def traced_raw(self, script_path):
        with open(script_path) as script:
            return traced(self.client("strata_bench"), stdin=script)

    def client_select(self):
        """The client's own no-op: connect, authenticate, read the history table."""
        return run(self.client("strata_bench") + ["-e", "SELECT count(*) FROM strata_migrations"])

    def server_counters(self):
        """The server's own counts, server-wide: COMMIT statements (Com_commit; DDL commits by itself, uncounted), InnoDB
        log writes (Innodb_log_writes) and InnoDB syncs (Innodb_data_fsyncs: MariaDB 10.11 has
        no Innodb_os_log_fsyncs, and counts the log's syncs with the data files')."""
        output = subprocess.run(self.client() + ["-N", "-B", "-e", "SHOW GLOBAL STATUS WHERE Variable_name IN "
                                                 "('Com_commit', 'Innodb_log_writes', 'Innodb_data_fsyncs')"],
                                check=True, capture_output=True, text=True).stdout
        values = dict(line.split("\t") for line in output.strip().splitlines())
        return {"commits": int(values["Com_commit"]), "log_writes": int(values["Innodb_log_writes"]),
                "fsyncs": int(values["Innodb_data_fsyncs"])}


def versions(n):
    """The versions of n migrations, one second apart."""
    base = datetime.datetime(2025, 1, 1)
    return [(base + datetime.timedelta(seconds=i)).strftime("%Y%m%d%H%M%S") for i in range(n)]


def write_project(engine, n):
    """A Strata project with n one-table migrations, and the raw up and down scripts."""
    project = os.path.join(engine.directory, f"project-{n}")
    shutil.rmtree(project, ignore_errors=True)
    migrations = os.path.join(project, "db", "migrations")
    os.makedirs(migrations)
    with open(os.path.join(project, "strata.yml"), "w") as file:
        file.write(f"environments:\n  development:\n    url: {engine.url()}\n")
    numbered = versions(n)
    for i, version in enumerate(numbered):
        with open(os.path.join(migrations, f"{version}-create-bench-{i}.sql"), "w") as file:
            file.write(f"-- migrate:up\n{engine.create_table(i)};\n\n-- migrate:down\n{engine.drop_table(i)};\n")
    scripts = {}
    checksum = "0" * 64
    insert = [f"INSERT INTO raw_history VALUES ('{numbered[i]}', 'create-bench-{i}', '{checksum}', CURRENT_TIMESTAMP, 1)" for i in range(n)]
    delete = [f"DELETE FROM raw_history WHERE version = '{numbered[i]}'" for i in reversed(range(n))]
    for name, statements, history in (
        ("up", [engine.create_table(i) for i in range(n)], None),
        ("down", [engine.drop_table(i) for i in reversed(range(n))], None),
        ("history_up", [engine.create_table(i) for i in range(n)], insert),
        ("history_down", [engine.drop_table(i) for i in reversed(range(n))], delete),
    ):
        path = os.path.join(engine.directory, f"raw-{name}-{n}.sql")
        with open(path, "w") as file:
            file.write(engine.raw_script(statements, history, create_history=name == "history_up"))
        scripts[name] = path
    return project, scripts


def strata(engine, project, *arguments, quiet=True):
    """Runs strata in the project; `--quiet` unless asked to print what a user would see."""
    env = dict(os.environ, **engine.environment())
    return run([STRATA, *arguments] + (["--quiet"] if quiet else []), cwd=project, env=env)


def measure_migrations(engine, n):
    """Rounds of: Strata, the raw client, and the raw client with the history row, each
    applying n migrations from empty and then undoing them. The three take turns going
    first, and ratios are taken within each round — fsync latency here drifts over minutes,
    so a ratio of two medians from different minutes would measure the drift."""
    project, scripts = write_project(engine, n)
    samples = {key: [] for key in ("strata_up", "strata_down", "raw_up", "raw_down", "history_up", "history_down")}
    memory = []

    def run_strata():
        seconds, rss = strata(engine, project, "migrate", "--lock-timeout", "600")
        samples["strata_up"].append(seconds)
        memory.append(rss)
        seconds, rss = strata(engine, project, "undo", "--all", "--lock-timeout", "600")
        samples["strata_down"].append(seconds)
        memory.append(rss)

    def run_raw(kind, up, down):
        samples[f"{kind}_up"].append(engine.raw(scripts[up])[0])
        samples[f"{kind}_down"].append(engine.raw(scripts[down])[0])

    variants = [run_strata, lambda: run_raw("raw", "up", "down"), lambda: run_raw("history", "history_up", "history_down")]
    for round_number in range(ROUNDS.get(n, 1)):
        shift = round_number % len(variants)
        for variant in variants[shift:] + variants[:shift]:
            engine.reset()
            variant()
        print(f"  {engine.name} N={n} round {round_number + 1}: "
              + ", ".join(f"{key} {values[-1]:.2f}s" for key, values in samples.items()), flush=True)
    medians = {key: statistics.median(values) for key, values in samples.items()}
    result = {"engine": engine.name, "n": n, "rounds": ROUNDS.get(n, 1), "peak_rss_mib": max(memory)}
    for direction in ("up", "down"):
        ours, raw = medians[f"strata_{direction}"], medians[f"raw_{direction}"]
        with_history = medians[f"history_{direction}"]
        pairs = list(zip(samples[f"strata_{direction}"], samples[f"raw_{direction}"], samples[f"history_{direction}"]))
        result[direction] = {
            "strata_s": ours, "raw_s": raw, "raw_with_history_s": with_history,
            # The median of the per-round ratios.
            "ratio": statistics.median(a / b for a, b, _ in pairs),
            "ratio_to_raw_with_history": statistics.median(a / c for a, _, c in pairs),
            "strata_ms_per_migration": ours / n * 1000, "raw_ms_per_migration": raw / n * 1000,
            "overhead_ms_per_migration": (ours - raw) / n * 1000,
            "samples": {"strata_s": samples[f"strata_{direction}"], "raw_s": samples[f"raw_{direction}"],
                        "raw_with_history_s": samples[f"history_{direction}"]},
        }
    return result


def measure_noop(engine, n=1000):
    project, _ = write_project(engine, n)
    engine.reset()
    strata(engine, project, "migrate", "--lock-timeout", "600")
    result = {"engine": engine.name, "applied": n}
    # The client's no-op, `strata migrate` and `strata status` take turns, so that a slow
    # spell of the machine falls on all three alike.
    times = {"client": [], "migrate": [], "status": []}
    memory = {"migrate": [], "status": []}
    runs = {
        "client": lambda: engine.client_select(),
        "migrate": lambda: strata(engine, project, "migrate"),
        # As a user runs it: the table of 1,000 rows is printed (to /dev/null).
        "status": lambda: strata(engine, project, "status", quiet=False),
    }
    order = list(runs)
    for round_number in range(NOOP_RUNS):
        shift = round_number % len(order)
        for name in order[shift:] + order[:shift]:
            seconds, rss = runs[name]()
            times[name].append(seconds)
            if name in memory:
                memory[name].append(rss)
    for name, values in times.items():
        result[name] = {"median_ms": statistics.median(values) * 1000, "min_ms": min(values) * 1000, "runs": NOOP_RUNS}
        if name in memory:
            result[name]["peak_rss_mib"] = max(memory[name])
            # Against the client's own no-op of the same round.
            result[name]["ratio_to_client"] = statistics.median(a / b for a, b in zip(values, times["client"]))
    return result


COUNT_SIZES = (50, 100)
COUNTED_CALLS = "connect,close,write,writev,sendto,sendmsg,fsync,fdatasync"


def traced(command, *, cwd=None, env=None, stdin=None):
    """Runs a command under strace; returns the lines of its trace (every thread's)."""
    with tempfile.NamedTemporaryFile(suffix=".trace") as trace:
        run(["strace", "-f", "-qq", "-e", f"trace={COUNTED_CALLS}", "-o", trace.name, *command], cwd=cwd, env=env, stdin=stdin)
        with open(trace.name) as file:
            return file.read().splitlines()


def tally(lines, port):
    """Requests sent to the server at `port` — writes to a socket connected to it — and disk
    syncs (fsync, fdatasync) in a trace. One request is one write here: each client sends a
    statement, or PostgresNIO a query's messages, in one write."""
    server_sockets = set()
    requests = syncs = 0
    for line in lines:
        match = re.match(r"\d+\s+(\w+)\((\d+)", line)
        if not match:
            continue
        call, descriptor = match.group(1), int(match.group(2))
        if call == "connect" and port is not None and f"htons({port})" in line:
            server_sockets.add(descriptor)
        elif call == "close":
            server_sockets.discard(descriptor)
        elif call in ("write", "writev", "sendto", "sendmsg") and descriptor in server_sockets:
            requests += 1
        elif call in ("fsync", "fdatasync"):
            syncs += 1
    return requests, syncs


def count_io(engine):
    """What a migration costs in requests to the server and disk syncs — Strata's and the raw
    client's, up and down — counted with strace: the difference between runs of 100 and 50
    migrations, per migration, so that connecting and setting up count for nothing. Counts,
    unlike times, do not move with the machine's speed. Syncs are the client process's own:
    SQLite's; a server's happen in the server."""
    counts = {}
    for n in COUNT_SIZES:
        project, scripts = write_project(engine, n)
        env = dict(os.environ, **engine.environment())
        engine.reset()
        counts[("strata", "up", n)] = tally(traced([STRATA, "migrate", "--quiet"], cwd=project, env=env), engine.port)
        counts[("strata", "down", n)] = tally(traced([STRATA, "undo", "--all", "--quiet"], cwd=project, env=env), engine.port)
        engine.reset()
        for direction in ("up", "down"):
            counts[("raw", direction, n)] = tally(engine.traced_raw(scripts[direction]), engine.port)
    small, large = COUNT_SIZES
    result = {"engine": engine.name}
    for who in ("strata", "raw"):
        for direction in ("up", "down"):
            a, b = counts[(who, direction, small)], counts[(who, direction, large)]
            result[f"{who}_{direction}"] = {"requests": (b[0] - a[0]) / (large - small), "syncs": (b[1] - a[1]) / (large - small)}
    return result


def count_server(engine):
    """What a migration costs the server by its own counters (Engine.server_counters), read
    before and after runs of 100 and 50 migrations, up and down, by Strata, the raw client
    and the raw client writing the history row: the difference between the two sizes, per
    migration, so that connecting and setting up count for nothing."""
    small, large = COUNT_SIZES
    counts = {}
    for n in COUNT_SIZES:
        project, scripts = write_project(engine, n)
        env = dict(os.environ, **engine.environment())
        runs = {
            "strata": (lambda: run([STRATA, "migrate", "--quiet"], cwd=project, env=env),
                       lambda: run([STRATA, "undo", "--all", "--quiet"], cwd=project, env=env)),
            "raw": (lambda: engine.raw(scripts["up"]), lambda: engine.raw(scripts["down"])),
            "history": (lambda: engine.raw(scripts["history_up"]), lambda: engine.raw(scripts["history_down"])),
        }
        for who, (up, down) in runs.items():
            engine.reset()
            for direction, step in (("up", up), ("down", down)):
                before = engine.server_counters()
                step()
                after = engine.server_counters()
                counts[(who, direction, n)] = {key: after[key] - before[key] for key in after}
    result = {"engine": engine.name}
    for who in ("strata", "raw", "history"):
        for direction in ("up", "down"):
            a, b = counts[(who, direction, small)], counts[(who, direction, large)]
            result[f"{who}_{direction}"] = {key: (b[key] - a[key]) / (large - small) for key in a}
    return result


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as file:
        for line in file:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    def version(command):
        try:
            return subprocess.run(command, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "not found"
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory, 1),
        "os": platform.platform(), "swift": version(["swift", "--version"]),
        "sqlite3": version(["sqlite3", "--version"]), "psql": version(["psql", "--version"]),
        "mariadb": version(["mariadb", "--version"]),
    }


def median_interval(ratios, resamples=4000):
    """The 95% interval of the median of `ratios`, by the percentile bootstrap: the median of
    `resamples` draws of as many ratios, with replacement, the 2.5th and 97.5th percentiles of
    those medians. Seeded, so the same rounds give the same interval. It says how far the
    median could move on another run of as many rounds on this machine: a bound the interval
    straddles is one this run cannot tell met from missed."""
    draw = random.Random(0)
    medians = sorted(statistics.median(draw.choices(ratios, k=len(ratios))) for _ in range(resamples))
    return medians[int(0.025 * resamples)], medians[int(0.975 * resamples) - 1]


def render(results):
    """The generated part of docs/benchmarks.md: the machine and the tables."""
    machine = results["machine"]
    lines = [
        f"Measured {machine['date']} on {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, "
        f"{machine['os']}; {machine['swift']}; {machine['sqlite3'].split()[0] if machine['sqlite3'] != 'not found' else 'sqlite3'} "
        f"(client), {machine['psql']}, {machine['mariadb']}. Rounds: "
        + ", ".join(f"{row['rounds']} at N = {row['n']}" for row in results["migrations"] if row["engine"] == results["migrations"][0]["engine"])
        + (" (`--quick`)." if results.get("quick") else "."),
        "",
        "| engine | N | direction | Strata (s) | raw client (s) | raw + history row (s) | Strata ms/migration | raw ms/migration | overhead ms/migration | Strata / raw (median per round) | Strata / (raw + history row) | its 95% interval | peak RSS (MiB) |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["migrations"]:
        for direction in ("up", "down"):
            d = row[direction]
            low, high = median_interval([a / c for a, c in zip(d["samples"]["strata_s"], d["samples"]["raw_with_history_s"])])
            lines.append(
                f"| {row['engine']} | {row['n']} | {direction} | {d['strata_s']:.2f} | {d['raw_s']:.2f} | {d['raw_with_history_s']:.2f} | "
                f"{d['strata_ms_per_migration']:.3f} | {d['raw_ms_per_migration']:.3f} | {d['overhead_ms_per_migration']:.3f} | "
                f"{d['ratio']:.2f}x | {d['ratio_to_raw_with_history']:.2f}x | {low:.2f}–{high:.2f} | {row['peak_rss_mib']:.1f} |")
    lines += ["", "Per-migration cost at N = 5000 relative to N = 500 (1.00 = linear), Strata's and the raw client's, and",
              "Strata's overhead per migration (Strata − raw) at both sizes: where the database itself slows down as it",
              "grows, the raw client's ratio shows it, and a flat overhead shows no work of Strata's growing with N:", "",
              "| engine | direction | Strata ms/migration N=500 | N=5000 | ratio | raw ratio | overhead ms N=500 | N=5000 |",
              "|---|---|---:|---:|---:|---:|---:|---:|"]
    by_key = {(row["engine"], row["n"]): row for row in results["migrations"]}
    for engine in dict.fromkeys(row["engine"] for row in results["migrations"]):
        small, large = by_key.get((engine, 500)), by_key.get((engine, 5000))
        if not small or not large:
            continue
        for direction in ("up", "down"):
            a = small[direction]["strata_ms_per_migration"]
            b = large[direction]["strata_ms_per_migration"]
            raw_growth = large[direction]["raw_ms_per_migration"] / small[direction]["raw_ms_per_migration"]
            lines.append(f"| {engine} | {direction} | {a:.3f} | {b:.3f} | {b / a:.2f} | {raw_growth:.2f} | "
                         f"{small[direction]['overhead_ms_per_migration']:.3f} | {large[direction]['overhead_ms_per_migration']:.3f} |")
    if results.get("io"):
        lines += ["", "What one migration costs, counted with `strace` (the difference between runs of 100 and 50 migrations,",
                  "so that connecting and setting up count for nothing): requests written to the server, and, for SQLite,",
                  "disk syncs (a server's own syncs happen in the server and are not counted here). Counts do not move with",
                  "the machine's speed:", "",
                  "| engine | direction | Strata requests | raw client requests | Strata syncs | raw client syncs |",
                  "|---|---|---:|---:|---:|---:|"]
        for row in results["io"]:
            server = row["engine"] != "sqlite"
            for direction in ("up", "down"):
                mine, raw = row[f"strata_{direction}"], row[f"raw_{direction}"]
                lines.append(f"| {row['engine']} | {direction} | "
                             + (f"{mine['requests']:.2f} | {raw['requests']:.2f} | – | – |" if server
                                else f"– | – | {mine['syncs']:.2f} | {raw['syncs']:.2f} |"))
    if results.get("server"):
        lines += ["", "What one migration costs the server, by the server's own counters read before and after each run (the",
                  "difference between runs of 100 and 50 migrations, per migration): PostgreSQL's transactions committed",
                  "(`pg_stat_database.xact_commit`), WAL records and WAL syncs (`pg_stat_wal`); MariaDB's COMMIT statements",
                  "(`Com_commit`; DDL commits by itself, uncounted), InnoDB log writes (`Innodb_log_writes`) and syncs (`Innodb_data_fsyncs`, which counts the",
                  "log's: MariaDB 10.11 has no `Innodb_os_log_fsyncs`):", "",
                  "| engine | direction | counter | Strata | raw client | raw + history row |", "|---|---|---|---:|---:|---:|"]
        for row in results["server"]:
            for direction in ("up", "down"):
                for counter in row[f"strata_{direction}"]:
                    lines.append(f"| {row['engine']} | {direction} | {counter.replace('_', ' ')} | {row[f'strata_{direction}'][counter]:.2f} | "
                                 f"{row[f'raw_{direction}'][counter]:.2f} | {row[f'history_{direction}'][counter]:.2f} |")
    lines += ["", "No-op runs with 1,000 migrations applied (process start to exit; `status` prints its table of 1,000 rows,",
              "`migrate` runs with `--quiet`); for comparison, the database's own client connecting and reading the history",
              "table (`sqlite3`, `psql -c`, `mariadb -e` with `SELECT count(*)`). The three take turns in every round; the",
              "ratio is the median of the ratios to the client's no-op of the same round:", "",
              "| engine | command | median (ms) | min (ms) | / client's no-op | runs | peak RSS (MiB) |", "|---|---|---:|---:|---:|---:|---:|"]
    clients = {"sqlite": "sqlite3", "postgres": "psql", "mysql": "mariadb"}
    for row in results["noop"]:
        for command in ("status", "migrate"):
            c = row[command]
            ratio = f"{c['ratio_to_client']:.2f}x" if "ratio_to_client" in c else ""
            lines.append(f"| {row['engine']} | strata {command} | {c['median_ms']:.1f} | {c['min_ms']:.1f} | {ratio} | {c['runs']} | {c['peak_rss_mib']:.1f} |")
        if "client" in row:
            c = row["client"]
            lines.append(f"| {row['engine']} | {clients.get(row['engine'], 'client')} SELECT | {c['median_ms']:.1f} | {c['min_ms']:.1f} | | {c['runs']} | |")
    return "\n".join(lines)


def write_between(begin, end, body):
    """Replaces what docs/benchmarks.md holds between the markers `begin` and `end` (added at
    its end when missing) with `body`."""
    path = os.path.join(ROOT, "docs", "benchmarks.md")
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    if begin not in text or end not in text:
        text += f"\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w") as file:
        file.write(f"{head}{begin}\n{body}\n{end}{tail}")


def write_markdown(results):
    write_between("<!-- results:begin (written by Benchmarks/bench.py) -->", "<!-- results:end -->", render(results))


def make_engine(name, directory):
    """The engine called `name` (sqlite, postgres, mysql), working in `directory`; the servers'
    URLs come from the environment, as `eval "$(scripts/start-databases)"` sets them."""
    if name == "sqlite":
        return SQLite(directory)
    if name == "postgres":
        return Postgres(directory, os.environ["STRATA_POSTGRES_URL"])
    if name == "mysql":
        return MariaDB(directory, os.environ["STRATA_MYSQL_URL"])
    sys.exit(f"bench: unknown engine {name!r} (sqlite, postgres, mysql)")


def main():
    if "--render" in sys.argv[1:]:
        # The tables again from docs/benchmarks.json, measuring nothing.
        with open(os.path.join(ROOT, "docs", "benchmarks.json")) as file:
            write_markdown(json.load(file))
        return
    work = tempfile.mkdtemp(prefix="strata-bench-")
    engines = []
    for name in ENGINES:
        directory = os.path.join(work, name)
        os.makedirs(directory)
        engines.append(make_engine(name, directory))
    results = {"machine": machine(), "quick": QUICK, "migrations": [], "noop": [], "io": [], "server": []}
    for engine in engines:
        for n in SIZES:
            settle(f"{engine.name}, N = {n}")
            print(f"{engine.name}: {n} migrations up and down, Strata and raw interleaved", flush=True)
            results["migrations"].append(measure_migrations(engine, n))
        settle(f"{engine.name}, no-op")
        print(f"{engine.name}: no-op migrate and status with 1000 applied", flush=True)
        results["noop"].append(measure_noop(engine))
        print(f"{engine.name}: requests and syncs per migration, counted with strace", flush=True)
        results["io"].append(count_io(engine))
        if hasattr(engine, "server_counters"):
            print(f"{engine.name}: the server's commit and log-sync counters per migration", flush=True)
            results["server"].append(count_server(engine))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(ROOT, "docs"), exist_ok=True)
    with open(os.path.join(ROOT, "docs", "benchmarks.json"), "w") as file:
        json.dump(results, file, indent=2)
    write_markdown(results)
    print(render(results))


if __name__ == "__main__":
    main()
