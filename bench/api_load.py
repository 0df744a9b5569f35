"""Load on the HTTP API: 200 concurrent clients against a database of 1M events.

    python bench/api_load.py [--shared ../shared] [--db FILE] [--events 1000000] [--clients 200]
                             [--seconds 60 | --requests N] [--think 1] [--ramp S] [--port 8765]

The database (built unless --db names an existing file) repeats the ICEWS sample's 3,705
events, each copy moved by whole days across about three years and given a fresh id, with bulk
SQL (INSERT … SELECT … FROM range()), in date order; each event is its own story, so the server
has nothing to catch up. The app `detente serve` runs is started in uvicorn in a subprocess: one
worker (the server holds the file read-only with its writer lock in-process, so it is one
process), with its response cache (--cache 0 to measure without).

The clients issue a mix of what the dashboard asks: event pages with filters, one event, dyads,
a dyad series, the network, alerts, places (about 2,700 distinct requests). Each client holds
one keep-alive connection. They are lean asyncio HTTP/1.1 clients rather than httpx, because
they share the machine's cores with the server: 200 httpx clients used more CPU than the server
did answering them, and that time showed up as latency.

By default each client pauses between requests for an exponential time of mean --think 1 s, as
people at dashboards do, and the clients arrive over --ramp 2 s onto a server that has just
started (its cache holds the answers to --warmup 200 other requests). --think 0 is a closed loop, each client asking again at once (the
harshest reading of "200 concurrent clients"); --ramp 0 has all 200 send their first request in
the same instant. Prints p50, p99 and max latency, the error count (non-2xx or failed
requests), requests/s, the CPU the server and the clients used, p99 by 10 s of the run (the
first 10 s hold the cold start), and whether the target (p99 < 200 ms, 0 errors) is met. Nothing
asserts: timings depend on the machine.
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


class Connection:
    """One keep-alive HTTP/1.1 connection, as lean as a client can be: the clients share the
    server's two cores, and httpx spent more CPU on 200 clients than the server did on the
    requests, so its time showed up as server latency."""

    def __init__(self, host: str, port: int, timeout: float = 30):
        self.host, self.port, self.timeout = host, port, timeout
        self.reader = self.writer = None

    async def get(self, path: str) -> tuple[int, bytes]:
        reused = self.writer is not None
        try:
            return await self._get(path)
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            # the server closes a connection idle past its keep-alive (uvicorn: 5 s), as a
            # client pausing between requests finds; a GET is safe to send again, once, as
            # browsers and httpx do
            if not reused or getattr(exc, "partial", b""):
                raise
            return await self._get(path)

    async def _get(self, path: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        try:
            self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
            return await asyncio.wait_for(self._response(), self.timeout)
        except BaseException:
            self.close()
            raise

    async def _response(self) -> tuple[int, bytes]:
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size + 2))
            await self.reader.readuntil(b"\r\n")
            body = b"".join(p[:-2] for p in parts)
        else:
            raise ConnectionError("a response with neither Content-Length nor chunked encoding")
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def load(base: str, paths: list[str], clients: int, requests: int | None, seconds: float | None,
               think: float = 0.0, ramp: float = 0.0):
    host, port = base.split("//")[1].split(":")
    samples: list[tuple[float, str, float]] = []  # (when it was sent into the run, its kind, its latency)
    errors: list[str] = []
    began = time.perf_counter()
    issued = 0
    deadline = time.perf_counter() + seconds if seconds else None

    async def client(number: int) -> None:
        nonlocal issued
        pause = random.Random(number)
        http = Connection(host, int(port))
        step = number
        if ramp:  # people arrive over a while, not all in the same millisecond
            await asyncio.sleep(pause.uniform(0, ramp))
        try:
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
                    status, body = await http.get(path)
                    if status >= 400:
                        errors.append(f"{status} {path}: {body[:200]!r}")
                except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError) as exc:
                    errors.append(f"{type(exc).__name__} {path}")
                kind = "/api/events/{id}" if path.startswith("/api/events/") else path.split("?")[0]
                samples.append((start - began, kind, time.perf_counter() - start))
                if think:  # (not past the deadline: the run's requests/s counts its whole length)
                    wait = pause.expovariate(1 / think)
                    await asyncio.sleep(min(wait, deadline - time.perf_counter()) if deadline else wait)
        finally:
            http.close()

    await asyncio.gather(*(client(i) for i in range(clients)))
    return samples, errors, time.perf_counter() - began


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


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used, from /proc (0 where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=os.environ.get("DETENTE_SHARED", str(ROOT.parent / "shared")))
    parser.add_argument("--db", help="an existing database to load (else one is built)")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, help="how long to run (default 60, unless --requests)")
    parser.add_argument("--requests", type=int, help="stop after this many requests instead")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean pause of a client between requests, in seconds (0: each asks again at once)")
    parser.add_argument("--ramp", type=float,
                        help="the clients arrive over this many seconds (default 2, or 0 with --think 0)")
    parser.add_argument("--cache", type=int, default=1024, help="the server's response cache (0: none)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--warmup", type=int, default=200, help="requests before the clock starts")
    args = parser.parse_args()
    if args.seconds is None and args.requests is None:
        args.seconds = 60.0

    if args.db and Path(args.db).exists():
        db = Path(args.db)
    else:
        db = Path(args.db or Path(tempfile.gettempdir()) / "detente-api-bench.duckdb")
        if not (Path(args.shared) / ICEWS).is_file():
            raise SystemExit(f"no ICEWS sample at {Path(args.shared) / ICEWS}: pass --shared DIR (the folder "
                             "holding data/events/icews-sample), or --db FILE with a database to load")
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
        cpu_server, cpu_clients = process_cpu(server.pid), time.process_time()
        samples, errors, elapsed = asyncio.run(load(
            base, paths, args.clients, args.requests, args.seconds, args.think,
            args.ramp if args.ramp is not None else (2.0 if args.think else 0.0)))
        cpu_server, cpu_clients = process_cpu(server.pid) - cpu_server, time.process_time() - cpu_clients
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    ms = [latency * 1000 for _, _, latency in samples]
    kinds: dict[str, list[float]] = {}
    slices: dict[int, list[float]] = {}  # by 10 s of the run
    for sent, kind, latency in samples:
        kinds.setdefault(kind, []).append(latency * 1000)
        slices.setdefault(int(sent // 10), []).append(latency * 1000)
    p99 = percentile(ms, 0.99)
    print(f"database {db} ({db.stat().st_size / 1e6:.0f} MB); server: 1 uvicorn worker, response cache "
          f"{args.cache}; {os.cpu_count()} CPUs shared by server and clients")
    print(f"{len(ms):,} requests from {args.clients} concurrent clients (mean think time {args.think} s) "
          f"in {elapsed:.1f} s: "
          f"{len(ms) / elapsed:.0f} requests/s")
    print(f"p50 {statistics.median(ms):.1f} ms  p99 {p99:.1f} ms  max {max(ms):.1f} ms  "
          f"errors {len(errors)}")
    for kind, values in sorted(kinds.items()):
        print(f"  {kind:<22} n {len(values):>6}  p50 {statistics.median(values):7.1f} ms  "
              f"p99 {percentile(values, 0.99):7.1f} ms")
    print(f"CPU: server {cpu_server:.1f} s, clients {cpu_clients:.1f} s "
          f"({(cpu_server + cpu_clients) / elapsed / os.cpu_count():.0%} of the machine)")
    print("  by 10 s of the run: " + "  ".join(
        f"{k * 10}s p99 {percentile(v, 0.99):.0f}" for k, v in sorted(slices.items())))
    met = p99 < 200 and not errors
    print(f"target p99 < 200 ms with 0 errors: {'met' if met else 'NOT met'}")
    for error in errors[:5]:
        print("  " + error)


if __name__ == "__main__":
    main()
