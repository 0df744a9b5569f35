"""Dask engine scaling on the Wikinews corpus: `ingest --engine dask` with 1 worker and with 2.

    python bench/dask_scaling.py [--shared ../shared] [--limit 290] [--workers 1,2]
                                 [--batch-size 16] [--partition-size 32] [--partition-chars 50000]
                                 [--no-total] [--local]

For each worker count, a LocalCluster is started and its workers load their models before the
clock starts; then the corpus (one JSONL file) is ingested into a fresh database through that
cluster: articles/s for reading, coding in the workers, writing Parquet and merging into
DuckDB. The ratio of the 2-worker rate to the 1-worker rate is the issue's target (>= 1.7).
Unless --no-total, each count is timed again from nothing (cluster start, model loading and
ingest, into another fresh database), as `detente ingest --engine dask --workers N` runs.
--local also times the local engine (`--workers N`, forked processes) for comparison.
Prints figures only; nothing here asserts a timing.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from stages import corpus


def warm_cluster(workers: int):
    """A LocalCluster as the engine starts it, its workers' models loaded, and how long that took."""
    from detente.engines import dask as engine

    start = time.perf_counter()
    client, cluster = engine.connect(None, workers)
    client.run(engine.warm, ())
    return cluster, client, time.perf_counter() - start


def cpu_seconds() -> float:
    """User + system CPU time of the calling process (run in each worker through client.run)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default="../shared", help="the folder holding data/corpus/wikinews")
    parser.add_argument("--limit", type=int, default=290)
    parser.add_argument("--workers", default="1,2", help="worker counts to time, e.g. 1,2")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--partition-size", type=int, default=None, help="most articles per Dask task (default: the engine's)")
    parser.add_argument("--partition-chars", type=int, default=None,
                        help="characters of text that close a Dask task's partition (default: the engine's)")
    parser.add_argument("--no-total", action="store_true", help="skip the from-nothing runs")
    parser.add_argument("--local", action="store_true", help="also time the local engine with the same worker counts")
    args = parser.parse_args()

    from detente.api import ingest
    from detente.engines import dask as engine

    texts = corpus(Path(args.shared), args.limit)
    partition_size = args.partition_size or engine.PARTITION_SIZE
    partition_chars = args.partition_chars or engine.PARTITION_CHARS
    counts = [int(w) for w in args.workers.split(",") if w.strip()]
    print(f"corpus: {len(texts)} Wikinews articles, batch size {args.batch_size}, partitions of at most "
          f"{partition_size} articles and {partition_chars:,} characters, {os.cpu_count()} CPUs")
    rates: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "wikinews.jsonl"
        source.write_text("".join(json.dumps({"date": d, "text": t}) + "\n" for t, d in texts), encoding="utf-8")
        for n in counts:
            cluster, client, startup = warm_cluster(n)
            try:
                load = os.getloadavg()[0]
                workers_before, client_before = client.run(cpu_seconds), cpu_seconds()
                start = time.perf_counter()
                summary = engine.ingest([source], db=folder / f"dask{n}.duckdb", batch_size=args.batch_size,
                                        scheduler=cluster.scheduler_address, partition_size=partition_size,
                                        partition_chars=partition_chars)
                seconds = time.perf_counter() - start
                workers_after, client_after = client.run(cpu_seconds), cpu_seconds()
            finally:
                client.close()
                cluster.close()
            rates[n] = summary.added / seconds
            print(f"dask, {n} worker(s): {summary.added} articles in {seconds:6.1f} s = {rates[n]:5.1f} articles/s "
                  f"({summary.events} events; cluster start and model loading {startup:4.1f} s, not counted)")
            busy = [workers_after[w] - workers_before[w] for w in workers_before]
            # a worker busy for less than the wall time was waiting: for work, or for a core
            # that something else on the machine held
            print(f"    CPU: workers {' + '.join(f'{b:.1f}' for b in busy)} s, client {client_after - client_before:.1f} s; "
                  f"load average before {load:.2f}")
        if 1 in rates:
            for n in counts:
                if n > 1:
                    print(f"dask {n} workers / 1 worker = {rates[n] / rates[1]:.2f}" + ("   (target >= 1.7)" if n == 2 else ""))
        if not args.no_total:
            for n in counts:
                start = time.perf_counter()
                summary = engine.ingest([source], db=folder / f"total{n}.duckdb", workers=n, batch_size=args.batch_size,
                                        partition_size=partition_size, partition_chars=partition_chars)
                seconds = time.perf_counter() - start
                print(f"dask, {n} worker(s), from nothing (cluster start, model loading, ingest): {seconds:6.1f} s "
                      f"= {summary.added / seconds:5.1f} articles/s")
        if args.local:
            from detente import workers

            workers.load()  # the local engine's parent loads before forking; keep that off the clock as above
            for n in counts:
                start = time.perf_counter()
                summary = ingest([source], db=folder / f"local{n}.duckdb", workers=n, batch_size=args.batch_size)
                seconds = time.perf_counter() - start
                print(f"local, {n} worker(s) (worker start included): {summary.added} articles in {seconds:6.1f} s "
                      f"= {summary.added / seconds:5.1f} articles/s")


if __name__ == "__main__":
    main()
