"""An A/B of `strata migrate --atomic` on SQLite: the binaries given, and the raw client
running the same tables and history rows in one transaction, taking turns round by round
(the variant going first moves each round), each from an emptied database.

    python3 Benchmarks/atomic_ab.py OLD_BINARY [NEW_BINARY ...]      N=500 ROUNDS=25

Prints each variant's median time, the median of its per-round ratios to the raw client,
and each later binary's median per-round ratio to the first. Built on Benchmarks/fresh.py;
measures the one cell that a whole `scripts/bench` run measures in 7 rounds, in more of them.
"""
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import fresh  # noqa: E402


def main():
    binaries = [os.path.abspath(binary) for binary in sys.argv[1:] if not binary.startswith("--")]
    if not binaries:
        sys.exit("usage: python3 Benchmarks/atomic_ab.py BINARY [BINARY ...]")
    n = int(os.environ.get("N", "500"))
    rounds = int(os.environ.get("ROUNDS", "25"))
    directory = tempfile.mkdtemp(prefix="strata-atomic-ab-")
    engine = bench.SQLite(directory)
    project, _ = bench.write_project(engine, n)
    script = os.path.join(directory, f"raw-atomic-{n}.sql")
    fresh.one_transaction_script(engine, n, script)

    def strata_with(binary):
        def run():
            engine.reset()
            bench.STRATA = binary
            return bench.strata(engine, project, "migrate", "--atomic", "--lock-timeout", "600")[0]
        return run

    def raw():
        engine.reset()
        return engine.raw(script)[0]

    variants = {f"b{index}": strata_with(binary) for index, binary in enumerate(binaries)}
    variants["raw"] = raw
    samples = fresh.timed_rounds(variants, rounds, f"sqlite atomic N={n}")
    for index, binary in enumerate(binaries):
        name = f"b{index}"
        print(f"{name} {binary}: median {statistics.median(samples[name]) * 1000:.2f} ms, "
              f"/ raw {fresh.per_round_ratio(samples, name, 'raw'):.3f}")
        if index:
            print(f"  {name} / b0 {fresh.per_round_ratio(samples, name, 'b0'):.3f}")
    print(f"raw: median {statistics.median(samples['raw']) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
