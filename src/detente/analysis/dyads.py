"""Dyad time series: how two countries (or actors) treated each other, period by period.

Each period (day, ISO week starting Monday, or calendar month) has the event count by quad class
(1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict) and the
Goldstein sum and mean. Events without a date belong to no period and are left out. Periods
between the first and the last one with an event are listed with zeros, so that a chart's gaps
are real silences; nothing is listed before the first or after the last.

`a` and `b` are three-letter country codes (RUS: every Russian actor, by `source_country` /
`target_country`) or actor codes (RUSGOV, by `source_code` / `target_code`, exactly). Undirected
(the default) counts both directions; `directed=True` only a -> b. `count="mentions"` counts
every coded report (`events`), `count="stories"` each story event once (`stories`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from . import common


@dataclass(frozen=True)
class DyadPeriod:
    period: str  # ISO date of the period's first day
    n: int
    verbal_coop: int
    material_coop: int
    verbal_conflict: int
    material_conflict: int
    goldstein_sum: float
    goldstein_mean: float | None  # None for a period without events (or without Goldstein values)

    def to_dict(self) -> dict:
        return asdict(self)


def dyad_series(con, a: str, b: str, by: str = "week", directed: bool = False, count: str = "mentions",
                since=None, until=None, modality: str | None = "asserted", origin: str | None = None,
                where_db: str = "the database") -> list[DyadPeriod]:
    """The series of the dyad a-b (see the module docstring); earliest period first."""
    a, b = common.normal_code(a), common.normal_code(b)
    unit = common.period_unit(by)
    table = common.table(count)
    first, last = common.window(since, until)
    level_a, level_b = (common.require_actor(con, table, code, where_db) for code in (a, b))
    where, params = common.filters(con, table, first, last, modality, origin)
    ab_src, p1 = common.side(a, "source", level_a)
    ab_tgt, p2 = common.side(b, "target", level_b)
    pair, pair_params = f"({ab_src} AND {ab_tgt})", p1 + p2
    if not directed and a != b:
        ba_src, p3 = common.side(b, "source", level_b)
        ba_tgt, p4 = common.side(a, "target", level_a)
        pair, pair_params = f"({pair} OR ({ba_src} AND {ba_tgt}))", pair_params + p3 + p4
    sql = f"""
        WITH agg AS (
            SELECT date_trunc(?, date)::DATE AS period, count(*) AS n,
                   count(*) FILTER (WHERE quad_class = 1) AS verbal_coop,
                   count(*) FILTER (WHERE quad_class = 2) AS material_coop,
                   count(*) FILTER (WHERE quad_class = 3) AS verbal_conflict,
                   count(*) FILTER (WHERE quad_class = 4) AS material_conflict,
                   coalesce(sum(goldstein), 0) AS goldstein_sum, avg(goldstein) AS goldstein_mean
            FROM {table} WHERE {' AND '.join(where)} AND {pair}
            GROUP BY 1
        ), span AS (
            SELECT unnest(generate_series(min(period)::TIMESTAMP, max(period)::TIMESTAMP, ?::INTERVAL))::DATE AS period
            FROM agg
        )
        SELECT span.period, coalesce(n, 0) AS n, coalesce(verbal_coop, 0) AS verbal_coop,
               coalesce(material_coop, 0) AS material_coop, coalesce(verbal_conflict, 0) AS verbal_conflict,
               coalesce(material_conflict, 0) AS material_conflict, coalesce(goldstein_sum, 0) AS goldstein_sum,
               goldstein_mean
        FROM span LEFT JOIN agg USING (period) ORDER BY span.period
    """
    found = common.rows(con, sql, [unit, *params, *pair_params, common.PERIODS[unit]])
    return [DyadPeriod(period=r["period"].isoformat(), n=r["n"], verbal_coop=r["verbal_coop"],
                       material_coop=r["material_coop"], verbal_conflict=r["verbal_conflict"],
                       material_conflict=r["material_conflict"], goldstein_sum=common.rounded(r["goldstein_sum"]),
                       goldstein_mean=common.rounded(r["goldstein_mean"])) for r in found]
