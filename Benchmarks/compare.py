#!/usr/bin/env python3
"""Two strata binaries side by side: an A/B of a change, in one run.

    python3 Benchmarks/compare.py OLD_STRATA NEW_STRATA

For each engine (BENCH_ENGINES, default sqlite,postgres,mysql), ROUNDS rounds (default 9)
in which the old binary, the new one and the raw client take turns going first, each
applying N one-table migrations (default 500) from empty and undoing them. Prints the
median per migration of each, and the medians of the per-round ratios new/old and each
binary against the raw client — ratios within a round, because fsync latency on these
machines drifts over minutes. Needs the servers' URLs in the environment, as
`eval "$(scripts/start-databases)"` sets them. Build the old binary from a worktree of the
old commit, with the flags of this commit's scripts/build-release (`--traits MySQL`), so
that the two differ only in the code.
"""
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binaries = {"old": os.path.abspath(sys.argv[1]), "new": os.path.abspath(sys.argv[2])}
    n = int(os.environ.get("N", "500"))
    rounds = int(os.environ.get("ROUNDS", "9"))
    for name in os.environ.get("BENCH_ENGINES", "sqlite,postgres,mysql").split(","):
        database = bench.make_engine(name, tempfile.mkdtemp(prefix="strata-compare-"))
        project, scripts = bench.write_project(database, n)
        samples = {f"{who}_{direction}": [] for who in ("old", "new", "raw") for direction in ("up", "down")}
        for round_index in range(rounds):
            order = ["old", "new", "raw"]
            order = order[round_index % 3:] + order[:round_index % 3]
            for who in order:
                database.reset()
                if who == "raw":
                    samples["raw_up"].append(database.raw(scripts["up"])[0])
                    samples["raw_down"].append(database.raw(scripts["down"])[0])
                else:
                    bench.STRATA = binaries[who]
                    samples[f"{who}_up"].append(bench.strata(database, project, "migrate", "--lock-timeout", "600")[0])
                    samples[f"{who}_down"].append(bench.strata(database, project, "undo", "--all", "--lock-timeout", "600")[0])

        def ratio(a, b):
            return statistics.median(x / y for x, y in zip(samples[a], samples[b]))

        per_migration = " ".join(f"{key} {statistics.median(values) * 1000 / n:.3f}" for key, values in samples.items())
        print(f"{name} N={n}, {rounds} rounds, ms/migration: {per_migration}")
        for direction in ("up", "down"):
            print(f"  {direction}: new/old {ratio(f'new_{direction}', f'old_{direction}'):.3f}, "
                  f"old/raw {ratio(f'old_{direction}', f'raw_{direction}'):.3f}, "
                  f"new/raw {ratio(f'new_{direction}', f'raw_{direction}'):.3f}", flush=True)


if __name__ == "__main__":
    main()
