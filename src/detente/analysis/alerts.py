"""Escalation alerts: dyads whose conflict departs from their own baseline.

Method. Per undirected country dyad (events of a country on itself left out) and period (`by`:
day, ISO week, month), the conflict intensity is

    x = sum over the period's conflict events (quad class 3-4) of -goldstein

(an event without a Goldstein value counts 1), so a fight (-10) weighs five times a complaint
(-2). Periods without conflict have x = 0: a dyad's silence is part of its baseline, counted from
the first period of the data examined (`since` less `window` periods, else the first dated
event), so that a pair quiet for months and then at war does alert.

- `zscore` (default): the baseline of period t is the mean and sample standard deviation of x
  over the `window` periods before it, and z = (x - mean) / max(sd, sd_floor). An alert is a
  period with z >= `threshold`.
- `cusum`: a one-sided CUSUM of those z values, S_t = max(0, S_{t-1} + z_t - drift) (computed as
  the running sum less its running minimum); an alert is a period with S_t >= `threshold` where
  the period itself pushes upward (z_t > drift). Sustained rises that no single period makes
  striking show up here; a threshold of 4-5 is usual for it.

Sparse dyads. Three rules keep one-off reports from raising alarms: a period is only judged once
`window` earlier periods of data exist (the first `window` are baseline only); it needs at least
`min_events` conflict events itself; and the spread is at least `sd_floor` (default 1.0, one
Goldstein point), so a dyad whose baseline is flat (often all zeros) gives a large but finite z
rather than a division by zero. A dyad with a steady level of conflict, however high, does not
alert: only departures from its own past do.

Each alert names the events that drove it: the period's conflict events of the dyad, most
conflictual (lowest Goldstein) first, at most 10 (story ids with `count="stories"`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from . import common

METHODS = ("zscore", "cusum")
MAX_EVENT_IDS = 10


@dataclass(frozen=True)
class Alert:
    source: str  # the pair sorted: source < target
    target: str
    period: str  # ISO date of the period's first day
    observed: float  # x, the period's conflict intensity
    baseline_mean: float
    baseline_sd: float
    score: float  # z (zscore) or S (cusum)
    method: str
    event_ids: tuple[str, ...]

    def to_dict(self) -> dict:
        return {**asdict(self), "event_ids": list(self.event_ids)}


def alerts(con, since=None, until=None, by: str = "week", method: str = "zscore", window: int = 8,
           threshold: float = 2.0, min_events: int = 3, origin: str | None = None, count: str = "mentions",
           modality: str | None = "asserted", sd_floor: float = 1.0, drift: float = 0.5) -> list[Alert]:
    """Alerts of the periods from `since` to `until` (see the module docstring), latest period
    first and, within one, highest score first."""
    unit = common.period_unit(by)
    table = common.table(count)
    first, last = common.window(since, until)
    if method not in METHODS:
        raise common.DetenteError(f"unknown method {method!r}: use 'zscore' or 'cusum'")
    if int(window) < 1 or int(min_events) < 1 or sd_floor <= 0:
        raise common.DetenteError("window and min_events must be at least 1, and sd_floor above 0")
    step = common.PERIODS[unit]
    # the baseline of the first judged period reaches `window` periods before `since`
    start = None
    if first:
        start = con.execute(f"SELECT (date_trunc(?, ?::DATE) - {int(window)} * ?::INTERVAL)::DATE",
                            [unit, first, step]).fetchone()[0]
    where, params = common.filters(con, table, start, last, modality, origin)
    where += ["source_country IS NOT NULL", "target_country IS NOT NULL", "source_country <> target_country"]
    where_sql = " AND ".join(where)
    judged_from = "(SELECT lo FROM span)" if first is None else "date_trunc(?, ?::DATE)::DATE"
    judged_params = [] if first is None else [unit, first]
    score = ("z" if method == "zscore" else "s")
    sql = f"""
        WITH conflict AS (
            SELECT least(source_country, target_country) AS a, greatest(source_country, target_country) AS b,
                   date_trunc(?, date)::DATE AS p, count(*) AS k,
                   sum(greatest(coalesce(-goldstein, 1), 0)) AS x
            FROM {table} WHERE {where_sql} AND quad_class IN (3, 4)
            GROUP BY 1, 2, 3
        ), span AS (
            SELECT date_trunc(?, min(date))::DATE AS lo, date_trunc(?, max(date))::DATE AS hi
            FROM {table} WHERE {where_sql}
        ), periods AS (
            SELECT unnest(generate_series(lo::TIMESTAMP, hi::TIMESTAMP, ?::INTERVAL))::DATE AS p FROM span
        ), candidates AS (
            SELECT DISTINCT a, b FROM conflict WHERE k >= ? AND p >= {judged_from}
        ), series AS (
            SELECT c.a, c.b, periods.p, coalesce(x, 0) AS x, coalesce(k, 0) AS k
            FROM candidates c CROSS JOIN periods LEFT JOIN conflict USING (a, b, p)
        ), baseline AS (
            SELECT *, avg(x) OVER w AS mean, coalesce(stddev_samp(x) OVER w, 0) AS sd, count(*) OVER w AS known
            FROM series WINDOW w AS (PARTITION BY a, b ORDER BY p ROWS BETWEEN {int(window)} PRECEDING AND 1 PRECEDING)
        ), scored AS (
            SELECT *, CASE WHEN known = {int(window)} THEN (x - mean) / greatest(sd, ?) END AS z FROM baseline
        ), summed AS (
            SELECT *, sum(coalesce(z - ?, 0)) OVER (PARTITION BY a, b ORDER BY p) AS c FROM scored
        ), cusum AS (
            SELECT *, c - least(0, min(c) OVER (PARTITION BY a, b ORDER BY p)) AS s FROM summed
        )
        SELECT a, b, p, x, mean, sd, {score} AS score FROM cusum
        WHERE z IS NOT NULL AND k >= ? AND p >= {judged_from} AND {score} >= ?
              {"AND z > ?" if method == "cusum" else ""}
        ORDER BY p DESC, score DESC, a, b
    """
    bound = [unit, *params, unit, unit, *params, step, int(min_events), *judged_params, float(sd_floor),
             float(drift), int(min_events), *judged_params, float(threshold)]
    if method == "cusum":
        bound.append(float(drift))
    found = con.execute(sql, bound).fetchall()
    if not found:
        return []
    drivers = _drivers(con, table, where_sql, params, unit, found)
    return [Alert(a, b, p.isoformat(), common.rounded(x), common.rounded(mean), common.rounded(sd),
                  common.rounded(s), method, tuple(drivers.get((a, b, p), ())))
            for a, b, p, x, mean, sd, s in found]


def _drivers(con, table: str, where_sql: str, params: list, unit: str, found) -> dict:
    """The conflict events of each alert's dyad and period, most conflictual first."""
    keys = [[r[0] for r in found], [r[1] for r in found], [r[2] for r in found]]
    sql = f"""
        WITH keys AS (SELECT unnest(?::VARCHAR[]) AS a, unnest(?::VARCHAR[]) AS b, unnest(?::DATE[]) AS p),
        hits AS (
            SELECT least(source_country, target_country) AS a, greatest(source_country, target_country) AS b,
                   date_trunc(?, date)::DATE AS p, id, goldstein
            FROM {table} WHERE {where_sql} AND quad_class IN (3, 4) AND date >= ? AND date < ?::DATE + ?::INTERVAL
        )
        SELECT a, b, p, list(id ORDER BY goldstein ASC NULLS LAST, id)[1:{MAX_EVENT_IDS}]
        FROM hits JOIN keys USING (a, b, p) GROUP BY a, b, p
    """
    lo, hi = min(keys[2]), max(keys[2])
    rows = con.execute(sql, [*keys, unit, *params, lo, hi, common.PERIODS[unit]]).fetchall()
    return {(a, b, p): ids for a, b, p, ids in rows}
