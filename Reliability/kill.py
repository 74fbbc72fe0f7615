#!/usr/bin/env python3
"""Kill campaign: `strata migrate` killed with SIGKILL at random points, on every engine.

Each trial empties the engine's database, starts `strata migrate` over a set of mixed
migrations (several statements each, data changes, a `transaction:false` one, a failing one
at the end) and kills it after a random delay spread over the whole of an uninterrupted
run. The database is then read with its own client (`sqlite3`, `psql`, `mariadb`), never
through Strata, and each migration must be:

  - recorded in the history and wholly applied (every statement's effect present), or
  - neither recorded nor applied (no effect present), or
  - recorded dirty in the progress table, where its statements cannot share a transaction
    (MySQL, `transaction:false`), with exact progress: the effects of the statements it
    counts as done present, those after the next one absent — the next one's outcome is
    the one thing a killed process cannot know, and Strata says so.

Then the database is brought to the end the way an operator following Strata's messages
would — `migrate`, `migrate --resume` (with `--from-statement` past a statement whose effect
is present), `resolve --rolled-back` for a migration none of whose statements ran — and must
reach what an uninterrupted run reached: the same schema (the engine's own schema dump), the
same history and the same dirty marks.

Run through `scripts/reliability` (or `--smoke`, a few trials per engine, from the test
command). Writes its part of docs/reliability.md and docs/reliability-kill.json.
"""
import difflib
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
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STRATA = os.path.abspath(os.environ.get("STRATA_BINARY", os.path.join(ROOT, ".build", "release", "strata")))
SMOKE = "--smoke" in sys.argv
TRIALS = int(os.environ.get("RELIABILITY_KILL_TRIALS", "3" if SMOKE else "200"))
ENGINES = os.environ.get("RELIABILITY_ENGINES", "sqlite,postgres,mysql").split(",")
SEED = int(os.environ.get("RELIABILITY_SEED", str(int(time.time()))))


class Violation(Exception):
    """The database broke the invariant, or recovery did not reach the uninterrupted end."""


# --- Engines: how to empty the database, read it with the engine's own client, dump it ------


class SQLite:
    name = "sqlite"

    def __init__(self, work):
        self.path = os.path.join(work, "reliability.sqlite3")

    def url(self):
        return f"sqlite:{self.path}"

    def environment(self):
        return {}

    def reset(self):
        for suffix in ("", "-journal", "-wal", "-shm"):
            if os.path.exists(self.path + suffix):
                os.remove(self.path + suffix)

    def query(self, sql):
        if not os.path.exists(self.path):
            return []
        output = subprocess.run(["sqlite3", "-batch", "-separator", "\t", self.path, sql], check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in output.splitlines()]

    def table(self, name):
        return f"(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{name}')"

    def column(self, table, column):
        return f"(SELECT count(*) FROM pragma_table_info('{table}') WHERE name = '{column}')"

    def index(self, name):
        return f"(SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '{name}')"

    def rows(self, count, columns):
        return f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {count}) SELECT {columns} FROM seq"

    def dump(self):
        if not os.path.exists(self.path):
            return ""
        return subprocess.run(["sqlite3", self.path, ".schema"], check=True, capture_output=True, text=True).stdout


class Postgres:
    name = "postgres"
    schema = "strata_reliability"

    def __init__(self, work):
        self.parts = urllib.parse.urlparse(os.environ["STRATA_POSTGRES_URL"])

    def url(self):
        netloc = f"{self.parts.username}:${{RELIABILITY_DB_PASSWORD}}@{self.parts.hostname}:{self.parts.port or 5432}"
        return f"postgres://{netloc}{self.parts.path}?schema={self.schema}"

    def environment(self):
        return {"RELIABILITY_DB_PASSWORD": urllib.parse.unquote(self.parts.password or "")}

    def client(self):
        return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.parts.hostname, "-p", str(self.parts.port or 5432),
                "-U", urllib.parse.unquote(self.parts.username), "-d", self.parts.path.lstrip("/")]

    def client_env(self):
        return dict(os.environ, PGPASSWORD=urllib.parse.unquote(self.parts.password or ""))

    def reset(self):
        subprocess.run(self.client() + ["-c", "SET client_min_messages = warning", "-c", f"DROP SCHEMA IF EXISTS {self.schema} CASCADE"],
                       env=self.client_env(), check=True, capture_output=True)

    def query(self, sql):
        output = subprocess.run(self.client() + ["-At", "-F", "\t", "-c", f"SET search_path TO {self.schema}", "-c", sql],
                                env=self.client_env(), check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in output.splitlines()]

    def table(self, name):
        return f"(SELECT count(*) FROM pg_tables WHERE schemaname = '{self.schema}' AND tablename = '{name}')"

    def column(self, table, column):
        return (f"(SELECT count(*) FROM information_schema.columns WHERE table_schema = '{self.schema}' "
                f"AND table_name = '{table}' AND column_name = '{column}')")

    def index(self, name):
        # A failed CREATE INDEX CONCURRENTLY leaves an invalid index: not an effect.
        return (f"(SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                f"WHERE n.nspname = '{self.schema}' AND c.relname = '{name}' AND i.indisvalid)")

    def rows(self, count, columns):
        return f"SELECT {columns} FROM generate_series(1, {count}) AS n"

    def clear_leftover(self, statement):
        """A `CREATE INDEX CONCURRENTLY` whose session was ended leaves the index behind,
        invalid; an operator drops it before resuming. Returns whether there was one."""
        match = re.match(r"CREATE INDEX CONCURRENTLY (\w+)", statement.sql)
        if not match:
            return False
        invalid = self.query(f"SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                             f"WHERE n.nspname = '{self.schema}' AND c.relname = '{match.group(1)}' AND NOT i.indisvalid")
        if invalid and invalid[0][0] != "0":
            self.query(f"DROP INDEX {self.schema}.{match.group(1)}")
            return True
        return False

    def dump(self, attempts=3):
        output = subprocess.run(["pg_dump", "--schema-only", "--no-owner", "--no-privileges", "-n", self.schema, "-h", self.parts.hostname,
                                 "-p", str(self.parts.port or 5432), "-U", urllib.parse.unquote(self.parts.username), self.parts.path.lstrip("/")],
                                env=self.client_env(), capture_output=True, text=True)
        if output.returncode != 0:
            # A killed run's statement may still be ending on the server while pg_dump reads
            # the catalog; the dump is asked again before it counts as a failure.
            if attempts > 1:
                print(f"  pg_dump failed, asked again in a second: {output.stderr.strip()}", flush=True)
                time.sleep(1)
                return self.dump(attempts - 1)
            raise Violation(f"pg_dump failed: {output.stderr.strip()}")
        output = output.stdout
        # The header names the versions of server and pg_dump, and `\restrict` a key drawn
        # afresh for each dump (PostgreSQL 15.14 and later); the rest is the schema.
        return "\n".join(line for line in output.splitlines() if not line.startswith(("-- Dumped", "\\restrict", "\\unrestrict")))


class MariaDB:
    name = "mysql"
    database = "strata_reliability"

    def __init__(self, work):
        self.parts = urllib.parse.urlparse(os.environ["STRATA_MYSQL_URL"])
        self.defaults = os.path.join(work, "client.cnf")
        with open(self.defaults, "w") as file:
            file.write(f"[client]\nuser={urllib.parse.unquote(self.parts.username)}\npassword={urllib.parse.unquote(self.parts.password or '')}\n"
                       f"host={self.parts.hostname}\nport={self.parts.port or 3306}\n")
        os.chmod(self.defaults, 0o600)

    def url(self):
        netloc = f"{self.parts.username}:${{RELIABILITY_DB_PASSWORD}}@{self.parts.hostname}:{self.parts.port or 3306}"
        return f"mysql://{netloc}/{self.database}"

    def environment(self):
        return {"RELIABILITY_DB_PASSWORD": urllib.parse.unquote(self.parts.password or "")}

    def client(self):
        return ["mariadb", f"--defaults-extra-file={self.defaults}"]

    def reset(self):
        subprocess.run(self.client() + ["-e", f"DROP DATABASE IF EXISTS {self.database}; CREATE DATABASE {self.database}"], check=True)

    def query(self, sql):
        output = subprocess.run(self.client() + ["-N", "-B", self.database, "-e", sql], check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in output.splitlines()]

    def table(self, name):
        return f"(SELECT count(*) FROM information_schema.tables WHERE table_schema = '{self.database}' AND table_name = '{name}')"

    def column(self, table, column):
        return (f"(SELECT count(*) FROM information_schema.columns WHERE table_schema = '{self.database}' "
                f"AND table_name = '{table}' AND column_name = '{column}')")

    def index(self, name):
        return f"(SELECT count(*) FROM information_schema.statistics WHERE table_schema = '{self.database}' AND index_name = '{name}')"

    def rows(self, count, columns):
        return f"SELECT {columns} FROM (SELECT seq AS n FROM seq_1_to_{count}) AS numbers"

    def dump(self):
        output = subprocess.run(["mariadb-dump", f"--defaults-extra-file={self.defaults}", "--no-data", "--skip-dump-date", "--skip-comments",
                                 self.database], check=True, capture_output=True, text=True).stdout
        # A table's next AUTO_INCREMENT value is not its schema.
        return re.sub(r" AUTO_INCREMENT=\d+", "", output)


def make_engine(name, work):
    return {"sqlite": SQLite, "postgres": Postgres, "mysql": MariaDB}[name](work)


# --- The migrations: each statement paired with a probe of its effect ------------------------


class Statement:
    """A statement, and how the engine's client sees that it ran: a probe whose value is
    `expected` once it did and something else before (a catalog count, a row count)."""

    def __init__(self, sql, probe, expected=1, needs=None, needs_column=None):
        self.sql = sql
        self.probe = probe
        self.expected = expected
        # The table the probe reads rows of, and a catalog probe of the column it reads,
        # which must exist for it to be asked.
        self.needs = needs
        self.needs_column = needs_column


def migrations(engine):
    """Nine migrations of several statements each; the eighth runs without a transaction
    (CREATE INDEX CONCURRENTLY on PostgreSQL), the ninth fails at its first statement."""
    e = engine
    count = lambda table, where="1 = 1": f"(SELECT count(*) FROM {table} WHERE {where})"
    plan = []
    plan.append(("create-accounts", "", [
        Statement("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, balance INTEGER NOT NULL)", e.table("accounts")),
        Statement(f"INSERT INTO accounts (id, name, balance) {e.rows(3000, 'n, ' + concat(e, 'n') + ', n * 10')}",
                  count("accounts"), 3000, needs="accounts"),
        Statement("CREATE INDEX accounts_by_name ON accounts (name)", e.index("accounts_by_name")),
    ]))
    plan.append(("add-account-status", "", [
        Statement("ALTER TABLE accounts ADD COLUMN status VARCHAR(10)", e.column("accounts", "status")),
        Statement("UPDATE accounts SET status = 'open' WHERE status IS NULL", count("accounts", "status = 'open'"), 3000, needs="accounts",
                  needs_column=e.column("accounts", "status")),
    ]))
    for number in range(1, 6):
        table = f"ledger_{number}"
        plan.append((f"create-ledger-{number}", "", [
            Statement(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, amount INTEGER NOT NULL)", e.table(table)),
            Statement(f"INSERT INTO {table} (id, account_id, amount) {e.rows(4000, 'n, n % 3000 + 1, n * 7')}",
                      count(table), 4000, needs=table),
            Statement(f"UPDATE {table} SET amount = amount + 1 WHERE id % 2 = 0", count(table, "amount % 7 = 1"), 2000, needs=table),
            Statement(f"CREATE INDEX {table}_by_account ON {table} (account_id)", e.index(f"{table}_by_account")),
        ]))
    concurrently = "CONCURRENTLY " if e.name == "postgres" else ""
    plan.append(("index-without-transaction", "transaction:false", [
        Statement("CREATE TABLE audit (id INTEGER PRIMARY KEY, note VARCHAR(20) NOT NULL)", e.table("audit")),
        Statement(f"INSERT INTO audit (id, note) {e.rows(2000, 'n, ' + concat(e, 'n'))}", count("audit"), 2000, needs="audit"),
        Statement(f"CREATE INDEX {concurrently}audit_by_note ON audit (note)", e.index("audit_by_note")),
        Statement("CREATE TABLE audit_archive (id INTEGER PRIMARY KEY)", e.table("audit_archive")),
    ]))
    plan.append(("broken-at-the-end", "", [
        Statement("INSERT INTO no_such_table (id) VALUES (1)", e.table("no_such_table")),
        Statement("CREATE TABLE never_made (id INTEGER)", e.table("never_made")),
    ]))
    return [(f"202501010000{index + 1:02d}", name, options, statements) for index, (name, options, statements) in enumerate(plan)]


def concat(engine, column):
    """`'name-' || n` in the engine's SQL."""
    return f"CONCAT('name-', {column})" if engine.name == "mysql" else f"'name-' || {column}"


def write_project(engine, work):
    project = os.path.join(work, "project")
    os.makedirs(os.path.join(project, "db", "migrations"))
    with open(os.path.join(project, "strata.yml"), "w") as file:
        file.write(f"environments:\n  development:\n    url: {engine.url()}\n")
    for version, name, options, statements in migrations(engine):
        with open(os.path.join(project, "db", "migrations", f"{version}-{name}.sql"), "w") as file:
            file.write(f"-- migrate:up {options}\n" + "".join(f"{statement.sql};\n" for statement in statements) + "-- migrate:down\n")
    return project


# --- Running strata, and reading what it left ------------------------------------------------


def strata(engine, project, *arguments, kill_after=None):
    """Runs strata in `project`; with `kill_after`, SIGKILLs it after that many seconds.
    Returns (exit status, stdout + stderr, seconds, whether it was killed)."""
    env = dict(os.environ, **engine.environment())
    start = time.perf_counter()
    process = subprocess.Popen([STRATA, *arguments], cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    killed = False
    if kill_after is not None:
        try:
            process.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            killed = True
    output, _ = process.communicate(timeout=600)
    return process.returncode, output, time.perf_counter() - start, killed


def state(engine, plan):
    """What the engine's client sees: the history's versions, the progress rows
    (version → (statements done, failed line)), and each migration's effects, as booleans."""
    tables = {row[0] for row in engine.query(
        "SELECT name FROM sqlite_master WHERE type = 'table'" if engine.name == "sqlite" else
        f"SELECT tablename FROM pg_tables WHERE schemaname = '{engine.schema}'" if engine.name == "postgres" else
        f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{engine.database}'")}
    history = [row[0] for row in engine.query("SELECT version FROM strata_migrations ORDER BY version")] if "strata_migrations" in tables else []
    progress = {}
    if "strata_migrations_progress" in tables:
        for version, done, line in engine.query("SELECT version, statements_done, failed_line FROM strata_migrations_progress"):
            progress[version] = (int(done), None if line in ("", "NULL") else int(line))
    statements = [statement for _, _, _, statements in plan for statement in statements]
    # First the catalog's probes (and the columns row probes read), then the rows of the
    # tables that exist: a probe of a missing table would fail.
    catalog = [statement.probe for statement in statements if statement.needs is None]
    catalog += [statement.needs_column for statement in statements if statement.needs_column]
    answer = dict(zip(catalog, engine.query("SELECT " + ", ".join(catalog))[0])) if tables else {}
    rows = [statement.probe for statement in statements if statement.needs in tables
            and (statement.needs_column is None or answer.get(statement.needs_column) == "1")]
    if rows:
        answer.update(zip(rows, engine.query("SELECT " + ", ".join(rows))[0]))
    seen = {id(statement): answer.get(statement.probe) == str(statement.expected) for statement in statements}
    effects = {version: [seen.get(id(statement), False) for statement in statements] for version, _, _, statements in plan}
    return history, progress, effects


def check_invariant(engine, plan, history, progress, effects):
    """Every migration all or nothing, or dirty with exact progress where it may be."""
    for version, name, options, statements in plan:
        present = effects[version]
        label = f"{version}-{name}"
        may_be_dirty = engine.name == "mysql" or options == "transaction:false"
        if version in progress:
            if not may_be_dirty:
                raise Violation(f"{label} is dirty though its statements share a transaction: {progress[version]}")
            if version in history:
                raise Violation(f"{label} is both recorded and dirty")
            done = progress[version][0]
            if not all(present[:done]):
                raise Violation(f"{label}: {done} statements recorded done, but effects {present}")
            if any(present[done + 1:]):
                raise Violation(f"{label}: {done} statements recorded done, but a later one's effect is present: {present}")
        elif version in history:
            if not all(present):
                raise Violation(f"{label} is recorded as applied, but effects {present}")
        elif any(present):
            raise Violation(f"{label} is neither recorded nor dirty, but effects {present}")


def self_check(engine, plan):
    """The invariant's check must fail on what it exists to catch; else its zero would mean
    nothing. Each broken state below, made from a correct one, must be called a violation."""
    versions = [version for version, _, _, _ in plan]
    applied = versions[:2]
    effects = {version: [version in applied] * len(statements) for version, _, _, statements in plan}
    check_invariant(engine, plan, applied, {}, effects)
    broken = {
        "recorded but half applied": (applied, {}, {**effects, versions[1]: [True] + [False] * (len(effects[versions[1]]) - 1)}),
        "applied but not recorded": (applied[:1], {}, effects),
        "recorded and dirty": (applied, {versions[1]: (1, None)}, effects),
        "dirty past its count": (applied[:1], {versions[1]: (0, None)}, effects),
        "a transactional migration dirty": (applied[:1], {versions[1]: (1, None)}, {**effects, versions[1]: [True] + [False] * (len(effects[versions[1]]) - 1)}),
    }
    for name, (history, progress, states) in broken.items():
        if name == "a transactional migration dirty" and engine.name == "mysql":
            continue
        try:
            check_invariant(engine, plan, history, progress, states)
        except Violation:
            continue
        sys.exit(f"reliability: the invariant's check passed a broken state ({name}) on {engine.name}")


def recover(engine, project, plan):
    """Brings the database to the end as an operator following Strata's messages would;
    returns the steps taken."""
    steps = []
    statements = {version: statements for version, _, _, statements in plan}
    for _ in range(8):
        status, output, _, _ = strata(engine, project, "migrate")
        if status != 5:
            steps.append("migrate")
            return steps, status, output
        _, progress, effects = state(engine, plan)
        dirty = [version for version in progress if version in statements]
        if len(dirty) != 1:
            raise Violation(f"migrate refused as dirty (exit 5), but the progress table holds {progress}:\n{output}")
        version = dirty[0]
        done, failed_line = progress[version]
        present = effects[version]
        if done < len(present) and present[done]:
            # The statement after the last one counted ran before the kill: skip it.
            if done + 1 == len(present):
                arguments = ["resolve", version, "--applied"]
            else:
                arguments = ["migrate", "--resume", "--from-statement", str(done + 2)]
        elif done == 0 and failed_line is not None:
            # Its first statement failed (the broken migration): nothing of it ran.
            arguments = ["resolve", version, "--rolled-back"]
        else:
            if done < len(present) and getattr(engine, "clear_leftover", None) and engine.clear_leftover(statements[version][done]):
                steps.append("drop the invalid index")
            arguments = ["migrate", "--resume"]
        steps.append(" ".join(arguments[:3] if arguments[0] == "migrate" else [arguments[0], arguments[2]]))
        status, output, _, _ = strata(engine, project, *arguments)
        if status not in (0, 1):
            raise Violation(f"`strata {' '.join(arguments)}` exited {status}:\n{output}")
    raise Violation(f"recovery did not end after 8 steps ({' → '.join(steps)}); the last said:\n{output[-1200:]}")


def final(engine, plan):
    history, progress, _ = state(engine, plan)
    return {"dump": engine.dump(), "history": history, "progress": progress}


def uninterrupted(engine, project, plan):
    """The end an uninterrupted run reaches, and how long three such runs take."""
    durations = []
    for _ in range(3):
        engine.reset()
        status, output, seconds, _ = strata(engine, project, "migrate")
        if status != 1 or "no_such_table" not in output:
            sys.exit(f"reliability: the uninterrupted run on {engine.name} should fail at the last migration (exit 1), but exited {status}:\n{output}")
        durations.append(seconds)
    reference = final(engine, plan)
    if len(reference["history"]) != len(plan) - 1:
        sys.exit(f"reliability: the uninterrupted run on {engine.name} recorded {reference['history']}")
    return reference, durations


def campaign(name, work, rng):
    engine = make_engine(name, work)
    engine.reset()
    project = write_project(engine, work)
    plan = migrations(engine)
    self_check(engine, plan)
    reference, durations = uninterrupted(engine, project, plan)
    # A run's length drifts with the disk's sync latency (MariaDB's most): the delays are
    # drawn against the shortest full run seen so far, and a trial whose run ended before
    # its kill is counted apart — the campaign goes on until TRIALS runs were killed.
    full = min(durations)
    outcomes = {}
    recoveries = {}
    violations = []
    kills = 0
    trial = -1
    while kills < TRIALS and trial + 1 < 3 * TRIALS:
        trial += 1
        engine.reset()
        delay = rng.uniform(0, full * 1.05)
        status, output, seconds, killed = strata(engine, project, "migrate", kill_after=delay)
        if killed:
            kills += 1
        else:
            full = min(full, seconds)
        try:
            history, progress, effects = state(engine, plan)
            check_invariant(engine, plan, history, progress, effects)
            if not killed:
                outcome = "finished before the kill"
            elif progress:
                version = next(iter(progress))
                done = progress[version][0]
                next_ran = effects[version][done] if done < len(effects[version]) else False
                outcome = f"dirty, the statement after the last counted {'had' if next_ran else 'had not'} run"
            elif not history:
                outcome = "killed before any migration was recorded"
            else:
                outcome = "killed between or inside all-or-nothing migrations"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            steps, status, output = recover(engine, project, plan)
            key = " → ".join(steps)
            recoveries[key] = recoveries.get(key, 0) + 1
            reached = final(engine, plan)
            if reached != reference:
                differences = [part for part in reference if reached[part] != reference[part]]
                dump = "\n".join(list(difflib.unified_diff(reference["dump"].splitlines(), reached["dump"].splitlines(), lineterm="", n=1))[2:12])
                raise Violation(f"recovery ended elsewhere than the uninterrupted run ({', '.join(differences)}): "
                                f"history {reached['history']}, progress {reached['progress']}; the dump, uninterrupted → recovered:\n{dump}\n{output}")
        except Violation as violation:
            violations.append({"trial": trial + 1, "delay_s": round(delay, 4), "violation": str(violation)[:2000]})
            print(f"  {name} trial {trial + 1}: VIOLATION after {delay:.3f}s: {violation}", flush=True)
        if killed and (kills % 25 == 0 or SMOKE):
            print(f"  {name}: {kills} of {TRIALS} runs killed ({trial + 1} trials), {len(violations)} violations", flush=True)
    engine.reset()
    return {"engine": name, "trials": trial + 1, "kills": kills, "uninterrupted_s": round(statistics.median(durations), 3), "migrations": len(plan),
            "statements": sum(len(statements) for _, _, _, statements in plan),
            "outcomes": outcomes, "recoveries": recoveries, "violations": violations}


def render(results):
    lines = [f"Run {results['date']} on {results['machine']}, seed {results['seed']} (`RELIABILITY_SEED={results['seed']} scripts/reliability kill` "
             "repeats the delays). Each trial kills `strata migrate` with SIGKILL after a delay drawn uniformly from zero to 1.05 times the "
             "shortest uninterrupted run seen, reads the database with its own client, then recovers as Strata's messages say and compares "
             "the end with the uninterrupted run's (schema dump, history, dirty marks); trials go on until the runs killed reach the count.", "",
             "| engine | runs killed | trials (some runs ended before their kill) | uninterrupted run | invariant violations | recovery that ended elsewhere |",
             "|---|---:|---:|---:|---:|---:|"]
    for row in results["campaigns"]:
        elsewhere = sum(1 for v in row["violations"] if v["violation"].startswith("recovery ended elsewhere"))
        lines.append(f"| {row['engine']} | {row['kills']} | {row['trials']} | {row['uninterrupted_s'] * 1000:.0f} ms ({row['migrations']} migrations, "
                     f"{row['statements']} statements) | {len(row['violations']) - elsewhere} | {elsewhere} |")
    for row in results["campaigns"]:
        lines += ["", f"{row['engine']}: where the kills landed, and how the runs were recovered:", "",
                  "| where the kill landed | trials |", "|---|---:|"]
        lines += [f"| {outcome} | {count} |" for outcome, count in sorted(row["outcomes"].items(), key=lambda item: -item[1])]
        lines += ["", "| recovery | trials |", "|---|---:|"]
        lines += [f"| `{steps}` | {count} |" for steps, count in sorted(row["recoveries"].items(), key=lambda item: -item[1])]
        for violation in row["violations"][:5]:
            lines += ["", f"Violation, trial {violation['trial']} (killed after {violation['delay_s']} s): {violation['violation'][:400]}"]
    return "\n".join(lines)


def main():
    if not os.path.exists(STRATA):
        sys.exit(f"reliability: no strata binary at {STRATA}; build it, or set STRATA_BINARY")
    rng = random.Random(SEED)
    results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "seed": SEED,
               "machine": f"{os.cpu_count()} cores, {subprocess.run(['uname', '-sr'], capture_output=True, text=True).stdout.strip()}",
               "campaigns": []}
    for name in ENGINES:
        work = tempfile.mkdtemp(prefix=f"strata-kill-{name}-")
        print(f"{name}: {TRIALS} trials of `strata migrate` killed at random points", flush=True)
        results["campaigns"].append(campaign(name, work, rng))
        shutil.rmtree(work, ignore_errors=True)
    violations = sum(len(row["violations"]) for row in results["campaigns"])
    if not SMOKE:
        with open(os.path.join(ROOT, "docs", "reliability-kill.json"), "w") as file:
            json.dump(results, file, indent=2)
        write_section("kill", "Killed at random points", render(results))
    print(render(results))
    if violations:
        sys.exit(f"reliability: {violations} violations")


def write_section(key, title, section):
    """Replaces the section `key` of docs/reliability.md (between its markers), or adds it
    under `title` at the end."""
    path = os.path.join(ROOT, "docs", "reliability.md")
    begin, end = f"<!-- {key} campaign: begin -->", f"<!-- {key} campaign: end -->"
    text = open(path).read() if os.path.exists(path) else "# Reliability\n"
    if begin not in text:
        text = text.rstrip("\n") + f"\n\n## {title}\n\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w") as file:
        file.write(f"{head}{begin}\n{section}\n{end}{tail}")


if __name__ == "__main__":
    main()
