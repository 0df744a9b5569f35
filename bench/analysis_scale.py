"""How long the analyses take over many events: a dyad series, the network of a year, alerts.

    python bench/analysis_scale.py [--n 10000000] [--db FILE] [--shared ../shared] [--years 10] [--repeat 3]

N events are synthesised in one bulk SQL statement (`INSERT … SELECT … FROM range(N)`): the
ICEWS sample's events (imported from ../shared, or $DETENTE_SHARED) are replicated with dates
spread over `--years` years from 2015-01-01; without the sample, random pairs of 60 countries
with random CAMEO quad classes and Goldstein values. Rows are written ordered by date, as an
ingest over time writes them, so that DuckDB's per-row-group min/max (zone maps) let a date
window skip most of the table. The database is kept (`--db`, reused when it already holds N
events) so a second run times the queries alone.

Printed: the seconds of each query (best of `--repeat`, each on a fresh read-only connection as
the API opens one): `dyad_series` of the busiest pair by week over all years, `network` of one
year, `alerts` by week over one year (its baseline reaching 8 weeks before) and over all years.
The target is under 1 s for the dyad and the network. Prints figures only; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTRIES = ["USA", "RUS", "CHN", "PRK", "KOR", "JPN", "UKR", "GBR", "FRA", "DEU", "IRN", "ISR", "PSE", "SYR", "TUR",
             "IND", "PAK", "AFG", "IRQ", "SAU", "EGY", "ARM", "AZE", "GEO", "POL", "BLR", "TWN", "VNM", "PHL", "IDN",
             "MYS", "AUS", "CAN", "MEX", "BRA", "ARG", "VEN", "COL", "CUB", "NGA", "ZAF", "ETH", "SDN", "SOM", "KEN",
             "LBY", "YEM", "QAT", "ARE", "LBN", "JOR", "ITA", "ESP", "NLD", "BEL", "SWE", "NOR", "FIN", "CHE", "AUT"]
COLUMNS = ("id", "date", "source_country", "source_code", "target_country", "target_code", "cameo", "quad_class",
           "goldstein", "modality", "origin")


def sample_path(shared: str | None) -> Path | None:
    root = Path(shared or os.environ.get("DETENTE_SHARED") or ROOT.parent / "shared")
    path = root / "data" / "events" / "icews-sample" / "events.2018.sample.tab"
    return path if path.exists() else None


def synthesise(db: str, n: int, years: int, sample: Path | None) -> None:
    import duckdb

    from detente.analysis import stories
    from detente.store import MIGRATIONS, SCHEMA

    con = duckdb.connect(db)
    con.execute(SCHEMA)
    con.execute(MIGRATIONS)
    con.execute(stories.SCHEMA)
    if sample is not None:
        from detente.io.interchange import import_files

        with tempfile.TemporaryDirectory() as tmp:
            seed_db = str(Path(tmp) / "seed.duckdb")
            import_files([sample], "icews", db=seed_db)
            con.execute(f"ATTACH '{seed_db}' AS seed (READ_ONLY)")
            con.execute("CREATE TEMP TABLE base AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, source_country, "
                        "source_code, target_country, target_code, cameo, quad_class, goldstein FROM seed.events")
            con.execute("DETACH seed")
    else:
        con.execute("CREATE TEMP TABLE c AS SELECT unnest(?::VARCHAR[]) AS code", [COUNTRIES])
        con.execute("""CREATE TEMP TABLE base AS
            SELECT row_number() OVER () - 1 AS k, a.code AS source_country, a.code AS source_code,
                   b.code AS target_country, b.code AS target_code, '0' || q::VARCHAR || '0' AS cameo,
                   q AS quad_class, CASE WHEN q <= 2 THEN 3.0 * q ELSE -3.0 * (q - 2) END AS goldstein
            FROM c a, c b, (SELECT unnest([1, 1, 2, 3, 4]) AS q) WHERE a.code <> b.code""")
    size = con.execute("SELECT count(*) FROM base").fetchone()[0]
    names = ", ".join(COLUMNS)
    # hash(i) spreads each replicated row over the days; ORDER BY date clusters row groups by date
    con.execute(f"""
        INSERT INTO events ({names})
        SELECT 'x' || r.range::VARCHAR, DATE '2015-01-01' + (hash(r.range) % ?)::INTEGER,
               b.source_country, b.source_code, b.target_country, b.target_code, b.cameo, b.quad_class, b.goldstein,
               'asserted', 'bench'
        FROM range(?) r JOIN base b ON b.k = r.range % ?
        ORDER BY 2
    """, [years * 365, n, size])
    con.execute("CHECKPOINT")
    con.close()


def timed(label: str, func, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    size = len(result.edges) if hasattr(result, "edges") else len(result)
    print(f"{label:<44} {best:7.3f} s   ({size} rows)", flush=True)
    return best


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--db", default=None, help="DuckDB file to create (or reuse when it holds N events).")
    parser.add_argument("--shared", default=None)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    import duckdb

    from detente import api

    db = args.db or str(Path(tempfile.gettempdir()) / f"detente-analysis-{args.n}.duckdb")
    have = 0
    if Path(db).exists():
        with duckdb.connect(db, read_only=True) as con:
            have = con.execute("SELECT count(*) FROM events").fetchone()[0]
    if have != args.n:
        Path(db).unlink(missing_ok=True)
        sample = sample_path(args.shared)
        start = time.perf_counter()
        synthesise(db, args.n, args.years, sample)
        print(f"synthesised {args.n:,} events from {sample or 'random pairs'} into {db} "
              f"in {time.perf_counter() - start:.1f} s ({Path(db).stat().st_size / 2**20:.0f} MiB)", flush=True)
    with duckdb.connect(db, read_only=True) as con:
        a, b, busiest = con.execute(
            "SELECT least(source_country, target_country), greatest(source_country, target_country), count(*) "
            "FROM events WHERE source_country <> target_country GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 1").fetchone()
    print(f"{args.n:,} events; busiest dyad {a}-{b} ({busiest:,} events); {os.cpu_count()} CPU(s)", flush=True)
    year = ("2020-01-01", "2020-12-31")
    timed(f"dyad_series {a} {b} by week (all years)", lambda: api.dyad_series(db, a, b, by="week"), args.repeat)
    timed(f"dyad_series {a} {b} by day, directed",
          lambda: api.dyad_series(db, a, b, by="day", directed=True), args.repeat)
    timed("network, one year", lambda: api.network(db, since=year[0], until=year[1]), args.repeat)
    timed("network, one year, actor level", lambda: api.network(db, since=year[0], until=year[1], level="actor"),
          args.repeat)
    timed("alerts by week, one year", lambda: api.alerts(db, since=year[0], until=year[1]), args.repeat)
    timed("alerts by week, all years", lambda: api.alerts(db), 1)
    timed(f"actor_profile {a}, one year", lambda: api.actor_profile(db, a, since=year[0], until=year[1]).mix,
          args.repeat)


if __name__ == "__main__":
    sys.exit(main())
