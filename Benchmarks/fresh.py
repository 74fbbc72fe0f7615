#!/usr/bin/env python3
"""A fresh database, fast: `migrate --atomic` and `db reset` / `db prepare`, against the raw client.

For SQLite (a file) and PostgreSQL (a schema), in rounds in which every variant takes its turn
going first (ratios are the median of the ratios within each round, as in bench.py):

  - `strata migrate --atomic` of N one-table migrations from empty, against the raw client
    running the same statements — each table and its history row — in one transaction;
  - with 1,000 migrations: `strata db reset` cloning the template an earlier reset kept,
    `strata db reset --no-template` loading the current schema dump, `strata db reset
    --no-template --no-schema` (every migration in one transaction), and `strata migrate` one
    transaction per migration, against the raw client dropping, creating and loading the same
    schema and history rows (`sqlite3`, `psql`, in one transaction); and `strata db prepare`
    with nothing to do. PostgreSQL works in a database of its own here (templates are
    databases), not in a schema.

Run it through `scripts/bench fresh` (`--quick`: fewer rounds, N = 500 only). Writes
docs/benchmarks-fresh.json and its part of docs/benchmarks.md. `--smoke` runs a few
migrations once with $STRATA_BINARY and writes nothing: the test command uses it to keep this
script working.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (run, strata, engines, machine)

QUICK = "--quick" in sys.argv
SMOKE = "--smoke" in sys.argv
ATOMIC_SIZES = [int(n) for n in os.environ.get("BENCH_ATOMIC_SIZES", "20" if SMOKE else "500" if QUICK else "500,5000").split(",")]
RESET_SIZE = int(os.environ.get("BENCH_RESET_SIZE", "30" if SMOKE else "1000"))
ROUNDS = int(os.environ.get("BENCH_FRESH_ROUNDS", "1" if SMOKE else "3" if QUICK else "7"))
ENGINES = os.environ.get("BENCH_FRESH_ENGINES", "sqlite,postgres").split(",")
HISTORY_TABLE = {
    "sqlite": "CREATE TABLE \"strata_migrations\" (\"version\" VARCHAR(14) NOT NULL PRIMARY KEY, \"name\" VARCHAR(255) NOT NULL, "
              "\"checksum\" VARCHAR(64) NOT NULL, \"applied_at\" TEXT NOT NULL, \"execution_ms\" BIGINT NOT NULL, \"kind\" VARCHAR(16)) WITHOUT ROWID;",
    "postgres": "CREATE TABLE \"strata_migrations\" (\"version\" VARCHAR(14) NOT NULL PRIMARY KEY, \"name\" VARCHAR(255) NOT NULL, "
                "\"checksum\" VARCHAR(64) NOT NULL, \"applied_at\" TIMESTAMP NOT NULL, \"execution_ms\" BIGINT NOT NULL, \"kind\" VARCHAR(16));",
}


class PostgresDatabase(bench.Postgres):
    """PostgreSQL in a database of its own, `strata_bench_fresh`: a reset drops and creates a
    database, and may clone a template."""

    DATABASE = "strata_bench_fresh"

    def __init__(self, directory, url):
        super().__init__(directory, url)
        self.maintenance = super().client()[:-1] + ["postgres"]

    def client(self):
        return super().client()[:-1] + [self.DATABASE]

    def url(self):
        return f"postgres://{self.parts.username}:${{BENCH_DB_PASSWORD}}@{self.parts.hostname}:{self.port}/{self.DATABASE}"

    def reset(self):
        subprocess.run(self.maintenance + ["-c", f"DROP DATABASE IF EXISTS {self.DATABASE}", "-c", f"CREATE DATABASE {self.DATABASE}"],
                       env=self.client_env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def reset_with_client(self):
        return bench.run(self.maintenance + ["-c", f"DROP DATABASE IF EXISTS {self.DATABASE}", "-c", f"CREATE DATABASE {self.DATABASE}"],
                         env=self.client_env())[0]

    def remove(self):
        """Drops the database and the templates Strata kept of it."""
        names = subprocess.run(self.maintenance + ["-Atc", f"SELECT datname FROM pg_database WHERE datname LIKE 'strata_tpl_{self.DATABASE}_%'"],
                               env=self.client_env(), check=True, capture_output=True, text=True).stdout.split()
        for name in names + [self.DATABASE]:
            subprocess.run(self.maintenance + ["-c", f"DROP DATABASE IF EXISTS {name}"], env=self.client_env(), check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def prelude(engine):
    """What the raw client's script starts with: SQLite in the journal mode Strata commits in,
    PostgreSQL in the benchmark's schema (or database)."""
    if engine.name == "sqlite":
        return "PRAGMA journal_mode = TRUNCATE;\n"
    return "" if isinstance(engine, PostgresDatabase) else "SET search_path TO bench;\n"


def one_transaction_script(engine, n, path):
    """The raw client's `--atomic`: the history table, then every table and its history row in
    one transaction."""
    versions = bench.versions(n)
    with open(path, "w") as file:
        file.write(prelude(engine) + engine.history_table() + f"{engine.begin};\n")
        for i in range(n):
            file.write(f"{engine.create_table(i)};\nINSERT INTO raw_history VALUES ('{versions[i]}', 'create-bench-{i}', "
                       f"'{'0' * 64}', CURRENT_TIMESTAMP, 1);\n")
        file.write("COMMIT;\n")


def timed_rounds(variants, rounds, label):
    """Runs each variant (name -> function returning seconds) once a round, the first one
    moving round by round; returns the samples by name."""
    samples = {name: [] for name in variants}
    order = list(variants)
    for round_number in range(rounds):
        shift = round_number % len(order)
        for name in order[shift:] + order[:shift]:
            samples[name].append(variants[name]())
        print(f"  {label} round {round_number + 1}: " + ", ".join(f"{name} {values[-1]:.3f}s" for name, values in samples.items()), flush=True)
    return samples


def per_round_ratio(samples, a, b):
    return statistics.median(x / y for x, y in zip(samples[a], samples[b]))


def measure_atomic(engine, n):
    project, _ = bench.write_project(engine, n)
    script = os.path.join(engine.directory, f"raw-atomic-{n}.sql")
    one_transaction_script(engine, n, script)
    memory = []

    def strata_atomic():
        engine.reset()
        seconds, rss = bench.strata(engine, project, "migrate", "--atomic", "--lock-timeout", "600")
        memory.append(rss)
        return seconds

    def raw_atomic():
        engine.reset()
        return engine.raw(script)[0]

    samples = timed_rounds({"strata_atomic": strata_atomic, "raw_atomic": raw_atomic}, ROUNDS, f"{engine.name} atomic N={n}")
    return {
        "engine": engine.name, "n": n, "rounds": ROUNDS, "peak_rss_mib": max(memory),
        "strata_s": statistics.median(samples["strata_atomic"]), "raw_s": statistics.median(samples["raw_atomic"]),
        "ratio": per_round_ratio(samples, "strata_atomic", "raw_atomic"), "samples": samples,
    }


def raw_load_script(engine, dump_path, path):
    """The raw client's load of what `strata db reset` loads: the dump's schema, the history
    table and the dump's history rows, in one transaction."""
    text = open(dump_path).read()
    schema, history = text.split("-- strata:applied-migrations", 1)
    history = history.split("\n", 1)[1]
    with open(path, "w") as file:
        file.write(prelude(engine) + f"{engine.begin};\n{schema}\n{HISTORY_TABLE[engine.name]}\n{history}\nCOMMIT;\n")


def measure_reset(engine, n):
    project, _ = bench.write_project(engine, n)
    with open(os.path.join(project, "strata.yml"), "a") as file:
        file.write("    schema_dump: db/schema.sql\n")
    engine.reset()
    bench.strata(engine, project, "migrate", "--atomic", "--lock-timeout", "600")
    dump = os.path.join(project, "db", "schema.sql")
    script = os.path.join(engine.directory, f"raw-load-{n}.sql")
    raw_load_script(engine, dump, script)
    memory = []

    def strata_timed(*arguments):
        seconds, rss = bench.strata(engine, project, *arguments, "--lock-timeout", "600")
        memory.append(rss)
        return seconds

    def migrate_per_transaction():
        engine.reset()
        return strata_timed("migrate")

    def raw_load():
        # Dropping and creating are the raw client's too: `strata db reset` does both.
        return engine.reset_with_client() + engine.raw(script)[0]

    # The first reset keeps the template the others clone.
    strata_timed("db", "reset")
    variants = {
        "reset_template": lambda: strata_timed("db", "reset"),
        "reset_dump": lambda: strata_timed("db", "reset", "--no-template"),
        "reset_atomic": lambda: strata_timed("db", "reset", "--no-template", "--no-schema"),
        "raw_load": raw_load,
        "migrate": migrate_per_transaction,
    }
    samples = timed_rounds(variants, ROUNDS, f"{engine.name} reset N={n}")
    # `db prepare` on the current database: nothing to do.
    strata_timed("db", "reset")
    prepare = [strata_timed("db", "prepare") for _ in range(1 if SMOKE else max(ROUNDS, 11))]
    result = {
        "engine": engine.name, "n": n, "rounds": ROUNDS, "peak_rss_mib": max(memory),
        "medians_s": {name: statistics.median(values) for name, values in samples.items()},
        "prepare_noop_ms": statistics.median(prepare) * 1000,
        "samples": samples,
    }
    for variant in ("reset_template", "reset_dump", "reset_atomic"):
        result[f"{variant}_to_raw"] = per_round_ratio(samples, variant, "raw_load")
        result[f"migrate_to_{variant}"] = per_round_ratio(samples, "migrate", variant)
    return result


def render(results):
    machine = results["machine"]
    lines = [
        f"Measured {machine['date']} on {machine['cpu']}, {machine['cores']} cores; {machine['swift']}; "
        f"medians of {results['rounds']} rounds{' (--quick)' if results.get('quick') else ''}.",
        "",
        "`migrate --atomic` from empty, against the raw client running the same tables and history rows in one transaction:",
        "",
        "| engine | N | Strata --atomic (s) | raw, one transaction (s) | Strata / raw (median per round) | peak RSS (MiB) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in results["atomic"]:
        lines.append(f"| {row['engine']} | {row['n']} | {row['strata_s']:.3f} | {row['raw_s']:.3f} | {row['ratio']:.2f}x | {row['peak_rss_mib']:.1f} |")
    lines += [
        "",
        f"A fresh database with {results['reset'][0]['n'] if results['reset'] else RESET_SIZE:,} migrations, process start to exit, three ways — "
        "`db reset` cloning the template an earlier reset kept, `db reset --no-template` loading the current schema dump, and",
        "`db reset --no-template --no-schema` applying every migration in one transaction — against the raw client dropping and",
        "creating the database and loading the dump's schema and history rows in one transaction (the Strata / raw column), and",
        "against `migrate` one transaction per migration (the migrate / Strata column: how many times faster); and `db prepare`",
        "when there is nothing to do:",
        "",
        "| engine | how | Strata (s) | raw load (s) | migrate, per migration (s) | Strata / raw | migrate / Strata |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    hows = {"reset_template": "db reset (template)", "reset_dump": "db reset --no-template (dump)",
            "reset_atomic": "db reset --no-template --no-schema"}
    for row in results["reset"]:
        m = row["medians_s"]
        for variant, how in hows.items():
            lines.append(f"| {row['engine']} | {how} | {m[variant]:.3f} | {m['raw_load']:.3f} | {m['migrate']:.3f} | "
                         f"{row[f'{variant}_to_raw']:.2f}x | {row[f'migrate_to_{variant}']:.1f}x |")
        lines.append(f"| {row['engine']} | db prepare, nothing to do | {row['prepare_noop_ms'] / 1000:.3f} | | | | |")
    return "\n".join(lines)


def write_markdown(results):
    bench.write_between("<!-- fresh:begin (written by Benchmarks/fresh.py) -->", "<!-- fresh:end -->", render(results))


def main():
    output = os.path.join(bench.ROOT, "docs", "benchmarks-fresh.json")
    if "--render" in sys.argv:
        with open(output) as file:
            write_markdown(json.load(file))
        return
    work = tempfile.mkdtemp(prefix="strata-bench-fresh-")
    results = {"machine": bench.machine(), "rounds": ROUNDS, "quick": QUICK, "atomic": [], "reset": []}
    for name in ENGINES:
        directory = os.path.join(work, name)
        os.makedirs(directory)
        engine = bench.make_engine(name, directory)
        for n in ATOMIC_SIZES:
            if not SMOKE:
                bench.settle(f"{engine.name}, --atomic N = {n}")
            print(f"{engine.name}: migrate --atomic, {n} migrations", flush=True)
            results["atomic"].append(measure_atomic(engine, n))
        if not SMOKE:
            bench.settle(f"{engine.name}, db reset")
        print(f"{engine.name}: db reset and prepare, {RESET_SIZE} migrations", flush=True)
        if name == "postgres":
            engine = PostgresDatabase(directory, os.environ["STRATA_POSTGRES_URL"])
        results["reset"].append(measure_reset(engine, RESET_SIZE))
        if hasattr(engine, "remove"):
            engine.remove()
    shutil.rmtree(work, ignore_errors=True)
    if not SMOKE:
        with open(output, "w") as file:
            json.dump(results, file, indent=2)
        write_markdown(results)
    print(render(results))


if __name__ == "__main__":
    main()
