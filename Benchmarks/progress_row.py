"""What MariaDB's progress row costs: `strata migrate` and `strata undo --all` against the raw
client writing the history row (as in `scripts/bench`) and against the raw client writing the
history row *and* the progress-row changes Strata makes on MariaDB, taking turns round by
round (the variant going first moves each round), each from an emptied database.

    eval "$(scripts/start-databases)"
    python3 Benchmarks/progress_row.py                   N=500 ROUNDS=11

On MariaDB, whose DDL commits by itself, Strata records that a migration is running in
`strata_migrations_progress` before its first statement, so that a run killed between the
DDL and the history row leaves a dirty record rather than a history that is silently wrong.
The row costs no commit of its own: the transaction that records a migration in the history
also deletes its progress row and inserts the next migration's. The third variant runs those
same statements (`START TRANSACTION; INSERT|DELETE history; DELETE progress; INSERT next
progress; COMMIT`) with the `mariadb` client.

Prints, per direction, each variant's median time and InnoDB log bytes per migration
(`Innodb_os_log_written`, server-wide, so background work is counted too), and the median of
Strata's per-round ratios to each raw variant with its 95% interval (bench.median_interval).
Measures nothing that `scripts/bench` publishes; writes nothing.
"""
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

CHECKSUM = "0" * 64


def progress_scripts(engine, n):
    """The raw client's up and down scripts writing the history row and the progress rows as
    Strata does: the first migration's progress row on its own, then for each migration its
    DDL and one transaction that records it, forgets its progress and starts the next's."""
    numbered = bench.versions(n)

    def progress(i, direction):
        return (f"INSERT INTO raw_progress VALUES ('{numbered[i]}', 'create-bench-{i}', '{CHECKSUM}', '{direction}', "
                f"CURRENT_TIMESTAMP(6), 0, 1, NULL, NULL);\n")

    up = [engine.history_table(),
          "CREATE TABLE raw_progress (version VARCHAR(14) NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, "
          "checksum VARCHAR(64) NOT NULL, direction VARCHAR(4) NOT NULL, started_at DATETIME(6) NOT NULL, "
          "statements_done BIGINT NOT NULL, statements_total BIGINT NOT NULL, failed_line BIGINT, error TEXT) ENGINE=InnoDB;\n",
          progress(0, "up")]
    for i in range(n):
        up.append(f"{engine.create_table(i)};\nSTART TRANSACTION;\n"
                  f"INSERT INTO raw_history VALUES ('{numbered[i]}', 'create-bench-{i}', '{CHECKSUM}', CURRENT_TIMESTAMP, 1);\n"
                  f"DELETE FROM raw_progress WHERE version = '{numbered[i]}';\n"
                  + (progress(i + 1, "up") if i + 1 < n else "") + "COMMIT;\n")
    down = [progress(n - 1, "down")]
    for i in reversed(range(n)):
        down.append(f"{engine.drop_table(i)};\nSTART TRANSACTION;\n"
                    f"DELETE FROM raw_history WHERE version = '{numbered[i]}';\n"
                    f"DELETE FROM raw_progress WHERE version = '{numbered[i]}';\n"
                    + (progress(i - 1, "down") if i > 0 else "") + "COMMIT;\n")
    paths = {}
    for name, lines in (("progress_up", up), ("progress_down", down)):
        paths[name] = os.path.join(engine.directory, f"raw-{name}-{n}.sql")
        with open(paths[name], "w") as file:
            file.write("".join(lines))
    return paths


def log_bytes(engine):
    """InnoDB's log bytes written since the server started (server-wide)."""
    output = subprocess.run(engine.client() + ["-N", "-B", "-e", "SHOW GLOBAL STATUS LIKE 'Innodb_os_log_written'"],
                            check=True, capture_output=True, text=True).stdout
    return int(output.split()[1])


def main():
    n = int(os.environ.get("N", "500"))
    rounds = int(os.environ.get("ROUNDS", "11"))
    if "STRATA_MYSQL_URL" not in os.environ:
        sys.exit('progress_row: no STRATA_MYSQL_URL; run `eval "$(scripts/start-databases)"` first, which starts MariaDB and sets it.')
    directory = tempfile.mkdtemp(prefix="strata-progress-row-")
    engine = bench.make_engine("mysql", directory)
    project, scripts = bench.write_project(engine, n)
    scripts.update(progress_scripts(engine, n))
    variants = {
        "strata": (lambda: bench.strata(engine, project, "migrate", "--lock-timeout", "600")[0],
                   lambda: bench.strata(engine, project, "undo", "--all", "--lock-timeout", "600")[0]),
        "history": (lambda: engine.raw(scripts["history_up"])[0], lambda: engine.raw(scripts["history_down"])[0]),
        "history + progress": (lambda: engine.raw(scripts["progress_up"])[0], lambda: engine.raw(scripts["progress_down"])[0]),
    }
    seconds = {(who, direction): [] for who in variants for direction in ("up", "down")}
    written = {(who, direction): [] for who in variants for direction in ("up", "down")}
    names = list(variants)
    for round_number in range(rounds):
        shift = round_number % len(names)
        for who in names[shift:] + names[:shift]:
            engine.reset()
            for direction, step in zip(("up", "down"), variants[who]):
                before = log_bytes(engine)
                seconds[(who, direction)].append(step())
                written[(who, direction)].append((log_bytes(engine) - before) / n)
        print(f"  round {round_number + 1}: " + ", ".join(f"{who} {direction} {values[-1]:.2f}s"
                                                          for (who, direction), values in seconds.items()), flush=True)
    for direction in ("up", "down"):
        print(f"{direction}, N = {n}, {rounds} rounds:")
        for who in names:
            print(f"  {who}: {statistics.median(seconds[(who, direction)]):.3f} s, "
                  f"{statistics.median(written[(who, direction)]):,.0f} log bytes a migration")
        for other in names[1:]:
            ratios = [a / b for a, b in zip(seconds[("strata", direction)], seconds[(other, direction)])]
            low, high = bench.median_interval(ratios)
            print(f"  strata / {other}: {statistics.median(ratios):.3f} (95% interval {low:.3f}–{high:.3f})")


if __name__ == "__main__":
    main()
