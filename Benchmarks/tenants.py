#!/usr/bin/env python3
"""Many tenants: `strata migrate --all-tenants` against the raw client doing the same work.

  - SQLite: 1,000 tenant files found by a glob (`tenants: { sqlite: "tenants/*.sqlite3" }`);
  - PostgreSQL: 200 schemas of one database, named by a query (`tenants: { schemas: … }`);
each with 10 one-table migrations, from empty, at concurrency 1, 2, 4 and 8. The raw client
(`sqlite3`, `psql`) does the same statements and the same history rows, each migration in
its own transaction, one client process per tenant, K processes at a time. Strata and the
raw client take turns going first in every round, tenants are emptied before every run,
and ratios are the median of the ratios within each round (see bench.py for why).
Peak memory is Strata's largest resident set; it is measured at a tenth of the fleet too,
to show that memory does not grow with the number of tenants.

Run through `scripts/bench tenants` (release build, servers started). Writes
docs/benchmarks-tenants.json and its section of docs/benchmarks.md.
`--smoke` runs a few tenants once with $STRATA_BINARY and writes nothing: the test command
uses it to keep this script working.
"""
import concurrent.futures
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (run, machine)

SMOKE = "--smoke" in sys.argv[1:]
# `--quick`: a fifth of the fleets, at 1 and 4 at a time, once.
QUICK = "--quick" in sys.argv[1:]
STRATA = bench.STRATA
TENANTS = {"sqlite": int(os.environ.get("BENCH_TENANTS_SQLITE", "12" if SMOKE else "200" if QUICK else "1000")),
           "postgres": int(os.environ.get("BENCH_TENANTS_POSTGRES", "6" if SMOKE else "40" if QUICK else "200"))}
MIGRATIONS = int(os.environ.get("BENCH_TENANT_MIGRATIONS", "10"))
CONCURRENCY = [int(k) for k in os.environ.get("BENCH_TENANT_CONCURRENCY", "2" if SMOKE else "1,4" if QUICK else "1,2,4,8").split(",")]
ROUNDS = int(os.environ.get("BENCH_TENANT_ROUNDS", "1" if SMOKE or QUICK else "3"))
ENGINES = os.environ.get("BENCH_ENGINES", "sqlite,postgres").split(",")
VERSIONS = [(datetime.datetime(2025, 1, 1) + datetime.timedelta(seconds=i)).strftime("%Y%m%d%H%M%S") for i in range(MIGRATIONS)]


def statements(history):
    """The raw client's work for one tenant: its history table, then each migration and
    its history row in one transaction."""
    lines = [f"CREATE TABLE raw_history (version VARCHAR(14) NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, "
             f"checksum VARCHAR(64) NOT NULL, applied_at {history} NOT NULL, execution_ms BIGINT NOT NULL);"]
    for i, version in enumerate(VERSIONS):
        lines.append(f"BEGIN;\nCREATE TABLE bench_{i} (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);\n"
                     f"INSERT INTO raw_history VALUES ('{version}', 'create-bench-{i}', '{'0' * 64}', CURRENT_TIMESTAMP, 1);\nCOMMIT;")
    return "\n".join(lines) + "\n"


def write_migrations(project):
    migrations = os.path.join(project, "db", "migrations")
    os.makedirs(migrations)
    for i, version in enumerate(VERSIONS):
        with open(os.path.join(migrations, f"{version}-create-bench-{i}.sql"), "w") as file:
            file.write(f"-- migrate:up\nCREATE TABLE bench_{i} (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);\n\n"
                       f"-- migrate:down\nDROP TABLE bench_{i};\n")


class SQLiteFleet:
    name = "sqlite"

    def __init__(self, directory, count):
        self.count = count
        self.project = os.path.join(directory, "project")
        self.folder = os.path.join(self.project, "tenants")
        write_migrations(self.project)
        with open(os.path.join(self.project, "strata.yml"), "w") as file:
            file.write("environments:\n  production:\n    tenants: { sqlite: \"tenants/*.sqlite3\" }\n")
        self.script = os.path.join(directory, "raw.sql")
        with open(self.script, "w") as file:
            # The journal mode Strata commits in (see bench.py).
            file.write("PRAGMA journal_mode = TRUNCATE;\n" + statements("TEXT"))
        self.environment = {}

    def reset(self, count=None):
        shutil.rmtree(self.folder, ignore_errors=True)
        os.makedirs(self.folder)
        for i in range(count or self.count):
            open(os.path.join(self.folder, f"t{i:04d}.sqlite3"), "w").close()

    def raw_tenant(self, index):
        with open(self.script) as script:
            return bench.run(["sqlite3", os.path.join(self.folder, f"t{index:04d}.sqlite3")], stdin=script)


class PostgresFleet:
    name = "postgres"

    def __init__(self, directory, count, url):
        self.count = count
        self.parts = urllib.parse.urlparse(url)
        self.project = os.path.join(directory, "project")
        write_migrations(self.project)
        netloc = f"{self.parts.username}:${{BENCH_DB_PASSWORD}}@{self.parts.hostname}:{self.parts.port or 5432}"
        with open(os.path.join(self.project, "strata.yml"), "w") as file:
            file.write(f"environments:\n  production:\n    url: postgres://{netloc}{self.parts.path}\n"
                       "    tenants: { schemas: \"SELECT name FROM bench_catalog.tenants ORDER BY 1\" }\n")
        self.environment = {"BENCH_DB_PASSWORD": urllib.parse.unquote(self.parts.password or "")}
        self.client_env = dict(os.environ, PGPASSWORD=urllib.parse.unquote(self.parts.password or ""))
        self.scripts = []
        for i in range(count):
            path = os.path.join(directory, f"raw-{i:04d}.sql")
            with open(path, "w") as file:
                file.write(f"CREATE SCHEMA bench_t_{i:04d};\nSET search_path TO bench_t_{i:04d};\n" + statements("TIMESTAMP"))
            self.scripts.append(path)
        self.psql("DROP SCHEMA IF EXISTS bench_catalog CASCADE; CREATE SCHEMA bench_catalog; "
                  "CREATE TABLE bench_catalog.tenants (name TEXT PRIMARY KEY); "
                  f"INSERT INTO bench_catalog.tenants SELECT format('bench_t_%s', lpad(i::text, 4, '0')) FROM generate_series(0, {count - 1}) AS i;")

    def client(self):
        return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.parts.hostname, "-p", str(self.parts.port or 5432),
                "-U", urllib.parse.unquote(self.parts.username), "-d", self.parts.path.lstrip("/")]

    def psql(self, sql):
        subprocess.run(self.client() + ["-c", sql], env=self.client_env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def reset(self, count=None):
        self.psql("; ".join(f"DROP SCHEMA IF EXISTS bench_t_{i:04d} CASCADE" for i in range(self.count)))

    def raw_tenant(self, index):
        return bench.run(self.client() + ["-f", self.scripts[index]], env=self.client_env)

    def remove(self):
        self.reset()
        self.psql("DROP SCHEMA IF EXISTS bench_catalog CASCADE")


def run_strata(fleet, k):
    env = dict(os.environ, **fleet.environment)
    return bench.run([STRATA, "migrate", "--all-tenants", "--concurrency", str(k), "--env", "production", "--quiet"], cwd=fleet.project, env=env)


def run_raw(fleet, k):
    """One client process per tenant, k at a time."""
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=k) as pool:
        list(pool.map(fleet.raw_tenant, range(fleet.count)))
    return time.perf_counter() - start


def measure(fleet):
    rows = []
    for k in CONCURRENCY:
        strata_s, raw_s, ratios, memory = [], [], [], []
        for round_number in range(ROUNDS):
            order = ["strata", "raw"] if round_number % 2 == 0 else ["raw", "strata"]
            times = {}
            for variant in order:
                fleet.reset()
                if variant == "strata":
                    times["strata"], rss = run_strata(fleet, k)
                    memory.append(rss)
                else:
                    times["raw"] = run_raw(fleet, k)
            strata_s.append(times["strata"])
            raw_s.append(times["raw"])
            ratios.append(times["strata"] / times["raw"])
            print(f"  {fleet.name} {fleet.count} tenants K={k} round {round_number + 1}: strata {times['strata']:.2f}s, raw {times['raw']:.2f}s", flush=True)
        strata_median, raw_median = statistics.median(strata_s), statistics.median(raw_s)
        rows.append({"engine": fleet.name, "tenants": fleet.count, "migrations": MIGRATIONS, "concurrency": k, "rounds": ROUNDS,
                     "strata_s": strata_median, "raw_s": raw_median,
                     "strata_tenants_per_s": fleet.count / strata_median, "raw_tenants_per_s": fleet.count / raw_median,
                     "ratio": statistics.median(ratios), "peak_rss_mib": max(memory),
                     "samples": {"strata_s": strata_s, "raw_s": raw_s}})
    return rows


def memory_at(fleet, count, k):
    """Strata's peak RSS migrating `count` tenants at concurrency k."""
    fleet.reset(count)
    _, rss = run_strata(fleet, k)
    fleet.reset()
    return rss


def render(results):
    machine = results["machine"]
    lines = [f"Measured {machine['date']} on {machine['cpu']}, {machine['cores']} cores; {machine['swift']}; "
             f"{results['fleets'][0]['migrations'] if results['fleets'] else MIGRATIONS} one-table migrations per tenant, from empty; "
             f"medians of {results['rounds']} rounds.", "",
             "| engine | tenants | concurrency | Strata (s) | raw client (s) | Strata tenants/s | raw tenants/s | Strata / raw (median per round) | peak RSS (MiB) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in results["fleets"]:
        lines.append(f"| {row['engine']} | {row['tenants']} | {row['concurrency']} | {row['strata_s']:.2f} | {row['raw_s']:.2f} | "
                     f"{row['strata_tenants_per_s']:.0f} | {row['raw_tenants_per_s']:.0f} | {row['ratio']:.2f}x | {row['peak_rss_mib']:.1f} |")
    memory = results.get("memory")
    if memory:
        lines += ["", f"Peak RSS of `strata migrate --all-tenants --concurrency 8` on SQLite: {memory['small_rss_mib']:.1f} MiB with "
                  f"{memory['small']} tenants, {memory['large_rss_mib']:.1f} MiB with {memory['large']}."]
    return "\n".join(lines)


def write_markdown(results):
    bench.write_between("<!-- tenants:begin (written by Benchmarks/tenants.py) -->", "<!-- tenants:end -->", render(results))


def main():
    if "--render" in sys.argv[1:]:
        with open(os.path.join(bench.ROOT, "docs", "benchmarks-tenants.json")) as file:
            write_markdown(json.load(file))
        return
    work = tempfile.mkdtemp(prefix="strata-bench-tenants-")
    results = {"machine": bench.machine(), "rounds": ROUNDS, "fleets": []}
    try:
        for name in ENGINES:
            directory = os.path.join(work, name)
            os.makedirs(directory)
            if name == "sqlite":
                fleet = SQLiteFleet(directory, TENANTS["sqlite"])
            elif name == "postgres":
                fleet = PostgresFleet(directory, TENANTS["postgres"], os.environ["STRATA_POSTGRES_URL"])
            else:
                sys.exit(f"tenants bench: unknown engine {name!r} (sqlite, postgres)")
            if not SMOKE:
                bench.settle(f"{name} tenants")
            print(f"{name}: {fleet.count} tenants x {MIGRATIONS} migrations, Strata and raw interleaved", flush=True)
            results["fleets"] += measure(fleet)
            if name == "sqlite" and not SMOKE:
                small = max(1, fleet.count // 10)
                results["memory"] = {"small": small, "small_rss_mib": memory_at(fleet, small, 8),
                                     "large": fleet.count, "large_rss_mib": memory_at(fleet, fleet.count, 8)}
            if hasattr(fleet, "remove"):
                fleet.remove()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(render(results))
    if SMOKE:
        return
    with open(os.path.join(bench.ROOT, "docs", "benchmarks-tenants.json"), "w") as file:
        json.dump(results, file, indent=2)
    write_markdown(results)


if __name__ == "__main__":
    main()
