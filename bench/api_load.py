"""Load on the HTTP API: 200 concurrent clients against a database of 1M events.

    python bench/api_load.py [--shared ../shared] [--db FILE] [--events 1000000]
                             [--clients 200] [--requests 20000 | --seconds S] [--port 8765]

The database (built unless --db names an existing file) repeats the ICEWS sample's 3,705
events, each copy moved by whole days across about three years and given a fresh id, with bulk
SQL (INSERT … SELECT … FROM range()), in date order; each event is its own story, so the server
has nothing to catch up. The app `detente serve` runs is started in uvicorn in a subprocess: one
worker (the server holds the file read-only with its writer lock in-process, so it is one
process; the machine has 2 cores), with its response cache (--cache 0 to measure without). The
clients (asyncio + one httpx.AsyncClient each) issue a mix of what the dashboard asks: event
pages with filters, one event, dyads, a dyad series, the network, alerts, places; each asks
again at once (--think 0, a closed loop: the harshest reading of "200 concurrent clients") or
after an exponential pause of mean --think seconds, as people at dashboards do. Prints p50,
p99, max latency, the error count (non-2xx or failed requests) and requests/s; nothing asserts.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ICEWS = "data/events/icews-sample/events.2018.sample.tab"
ROOT = Path(__file__).resolve().parent.parent


def build(db: Path, shared: Path, events: int) -> None:
    import duckdb

    sample = db.with_suffix(".sample.duckdb")
    sample.unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "detente.cli", "import", str(shared / ICEWS), "--format", "icews",
                    "--db", str(sample)], check=True, stdout=subprocess.DEVNULL)
    start = time.perf_counter()
    shutil_copy(sample, db)
    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")
    n = con.execute("SELECT count(*) FROM events").fetchone()[0]
    copies = -(-events // n)
    con.execute("BEGIN TRANSACTION")
    con.execute("CREATE TEMP TABLE base AS SELECT * FROM events")
    con.execute("DELETE FROM story_mentions; DELETE FROM stories; DELETE FROM events")
    # copy k of an event moves it k*7 days (mod ~3 years) and gets id md5(id:k), so dyads keep their mix;
    # stored in date order, as a store fed news over time is, so date filters skip row groups
    con.execute(f"""
        INSERT INTO events SELECT b.* REPLACE (
            substr(md5(b.id || ':' || r.range), 1, 16) AS id,
            b.date + CAST((r.range * 7 + r.range // 160) % 1100 AS INTEGER) AS date)
        FROM base b CROSS JOIN range({copies}) r
        QUALIFY row_number() OVER () <= {events}
        ORDER BY date, id
    """)
    con.execute("""
        INSERT INTO stories SELECT id, 'bench|' || id, origin, date, date_precision, source_country, source_code,
               target_country, target_code, cameo, cameo_name, plover, quad_class, goldstein, modality, 1, 1, 1
        FROM events
    """)
    con.execute("INSERT INTO story_mentions SELECT id, id, article_id, NULL FROM events")
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    total = con.execute("SELECT count(*) FROM events").fetchone()[0]
    con.close()
    sample.unlink(missing_ok=True)
    print(f"built {db}: {total:,} events in {time.perf_counter() - start:.1f} s, "
          f"{db.stat().st_size / 1e6:.0f} MB", flush=True)


def shutil_copy(src: Path, dst: Path) -> None:
    import shutil

    shutil.copy(src, dst)


def requests_mix(ids: list[str], dyads: list[tuple[str, str]], days: list[str]) -> list[str]:
    """One realistic request (a path with its query), drawn as a dashboard session would."""
    rng = random.Random(7)
    out = []
    for _ in range(5000):
        a, b = rng.choice(dyads)
        since = rng.choice(days)
        kind = rng.random()
        if kind < 0.30:
            out.append(f"/api/events?dyad={a}-{b}&since={since}&limit=50")
        elif kind < 0.40:
            out.append(f"/api/events?actor={a}&limit=50&offset={rng.choice([0, 50, 100])}")
        elif kind < 0.45:
            out.append("/api/events?limit=50")
        elif kind < 0.65:
            out.append(f"/api/events/{rng.choice(ids)}")
        elif kind < 0.72:
            out.append(f"/api/dyads?top=10&since={since}")
        elif kind < 0.84:
            out.append(f"/api/dyad?a={a}&b={b}&by=week&since={since}")
        elif kind < 0.90:
            out.append(f"/api/network?since={since}&min_events=5")
        elif kind < 0.95:
            out.append(f"/api/alerts?since={since}&by=week")
        else:
            out.append(f"/api/locations?since={since}&actor={a}")
    return out


def sample_values(db: Path):
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        ids = [r[0] for r in con.execute("SELECT id FROM events USING SAMPLE 2000 ROWS").fetchall()]
        dyads = [(r[0], r[1]) for r in con.execute(
            "SELECT source_country, target_country FROM events WHERE target_country IS NOT NULL "
            "AND source_country <> target_country GROUP BY ALL ORDER BY count(*) DESC LIMIT 40").fetchall()]
        low, high = con.execute("SELECT min(date), max(date) FROM events").fetchone()
    # windows of the last month to the last year: what a dashboard looks at
    days = [str(high.fromordinal(high.toordinal() - back)) for back in (30, 60, 90, 180, 365)]
    return ids, dyads, days


async def load(base: str, paths: list[str], clients: int, requests: int | None, seconds: float | None,
               think: float = 0.0):
    import httpx

    latencies: list[float] = []
    kinds: dict[str, list[float]] = {}
    errors: list[str] = []
    issued = 0
    deadline = time.perf_counter() + seconds if seconds else None
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)

    async def client(number: int) -> None:
        nonlocal issued
        pause = random.Random(number)
        async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
            step = number
            if think:  # people arrive over a while, not all in the same millisecond
                await asyncio.sleep(pause.uniform(0, 2 * think))
            while True:
                if deadline is not None and time.perf_counter() >= deadline:
                    return
                if deadline is None and issued >= requests:
                    return
                issued += 1
                path = paths[step % len(paths)]
                step += clients
                start = time.perf_counter()
                try:
                    response = await http.get(path)
                    if response.status_code >= 400:
                        errors.append(f"{response.status_code} {path}: {response.text[:200]}")
                except httpx.HTTPError as exc:
                    errors.append(f"{type(exc).__name__} {path}")
                latencies.append(time.perf_counter() - start)
                kinds.setdefault("/api/events/{id}" if path.startswith("/api/events/") else path.split("?")[0],
                                 []).append(time.perf_counter() - start)
                if think:
                    await asyncio.sleep(pause.expovariate(1 / think))

    start = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return latencies, errors, time.perf_counter() - start, kinds


def wait_up(base: str, process: subprocess.Popen, timeout: float = 120) -> None:
    import httpx

    until = time.perf_counter() + timeout
    while time.perf_counter() < until:
        if process.poll() is not None:
            raise SystemExit(f"the server exited ({process.returncode}): {process.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(base + "/api/events?limit=1", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not answer in time")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=os.environ.get("DETENTE_SHARED", str(ROOT.parent / "shared")))
    parser.add_argument("--db", help="an existing database to load (else one is built)")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, help="run for this long instead of a number of requests")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean pause of a client between requests, in seconds (0: each asks again at once)")
    parser.add_argument("--cache", type=int, default=1024, help="the server's response cache (0: none)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--warmup", type=int, default=200, help="requests before the clock starts")
    args = parser.parse_args()

    if args.db and Path(args.db).exists():
        db = Path(args.db)
    else:
        db = Path(args.db or Path(tempfile.gettempdir()) / "detente-api-bench.duckdb")
        db.unlink(missing_ok=True)
        build(db, Path(args.shared), args.events)
    ids, dyads, days = sample_values(db)
    paths = requests_mix(ids, dyads, days)

    base = f"http://127.0.0.1:{args.port}"
    # the app `detente serve` runs, in uvicorn, in its own process (one worker: see the docstring)
    code = ("import sys, uvicorn; from detente.web import create_app; "
            "uvicorn.run(create_app(sys.argv[1], cache=int(sys.argv[2])), port=int(sys.argv[3]), "
            "log_level='warning', access_log=False)")
    server = subprocess.Popen([sys.executable, "-c", code, str(db), str(args.cache), str(args.port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_up(base, server)
        asyncio.run(load(base, paths[::-1], 20, args.warmup, None))
        latencies, errors, elapsed, kinds = asyncio.run(load(base, paths, args.clients, args.requests, args.seconds,
                                                      args.think))
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    ms = [x * 1000 for x in latencies]
    print(f"database {db} ({db.stat().st_size / 1e6:.0f} MB); server: 1 uvicorn worker, response cache "
          f"{args.cache}; {os.cpu_count()} CPUs shared by server and clients")
    print(f"{len(ms):,} requests from {args.clients} concurrent clients (mean think time {args.think} s) "
          f"in {elapsed:.1f} s: "
          f"{len(ms) / elapsed:.0f} requests/s")
    print(f"p50 {statistics.median(ms):.1f} ms  p99 {percentile(ms, 0.99):.1f} ms  max {max(ms):.1f} ms  "
          f"errors {len(errors)}")
    for kind, values in sorted(kinds.items()):
        values = [x * 1000 for x in values]
        print(f"  {kind:<22} n {len(values):>6}  p50 {statistics.median(values):7.1f} ms  "
              f"p99 {percentile(values, 0.99):7.1f} ms")
    for error in errors[:5]:
        print("  " + error)


if __name__ == "__main__":
    main()
