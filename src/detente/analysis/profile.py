"""Actor profiles: who an actor cooperates and fights with, and its event mix over time.

A three-letter country code (RUS) takes every event with that country on either side, and its
counterparts are countries; an actor code (RUSGOV) takes that code exactly, and its counterparts
are actor codes. Events of an actor on itself, and without a counterpart, count in `events` and
`mix` but name no partner. Partners are the counterparts with a positive Goldstein sum, the most
cooperative first; opponents those with a negative one, the most conflictual first. Events
without a date are in no period of `mix` (and left out when `since` or `until` is given).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import common


@dataclass(frozen=True)
class ActorProfile:
    code: str
    name: str
    events: int
    partners: list = field(default_factory=list)  # [{code, name, n, goldstein_sum}], most cooperative first
    opponents: list = field(default_factory=list)  # most conflictual first
    mix: list = field(default_factory=list)  # [{period, verbal_coop, material_coop, verbal_conflict, material_conflict}]

    def to_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "events": self.events, "partners": list(self.partners),
                "opponents": list(self.opponents), "mix": list(self.mix)}


def actor_profile(con, code: str, since=None, until=None, by: str = "month", top: int = 10,
                  count: str = "mentions", modality: str | None = "asserted", origin: str | None = None,
                  where_db: str = "the database") -> ActorProfile:
    code = common.normal_code(code)
    unit = common.period_unit(by)
    table = common.table(count)
    first, last = common.window(since, until)
    level = common.require_actor(con, table, code, where_db)
    src, tgt = common.columns(level)
    where, params = common.filters(con, table, first, last, modality, origin)
    if not (first or last):
        where.remove("date IS NOT NULL")  # undated events still count in the totals; `mix` skips them
    as_source, as_target = f"{src} = ?", f"{tgt} = ?"
    sql = f"""
        WITH own AS (
            SELECT CASE WHEN {as_source} THEN {tgt} ELSE {src} END AS other, date, quad_class, goldstein
            FROM {table} WHERE {' AND '.join(where)} AND ({as_source} OR {as_target})
        )
        SELECT other AS code, count(*) AS n, coalesce(sum(goldstein), 0) AS goldstein_sum,
               count(*) FILTER (WHERE quad_class IN (1, 2)) AS coop,
               count(*) FILTER (WHERE quad_class IN (3, 4)) AS conflict
        FROM own WHERE other IS NOT NULL AND other <> ? GROUP BY other
    """
    counterparts = common.rows(con, sql, [code, *params, code, code, code])
    total = con.execute(f"SELECT count(*) FROM {table} WHERE {' AND '.join(where)} AND ({as_source} OR {as_target})",
                        [*params, code, code]).fetchone()[0]
    mix_where = where if "date IS NOT NULL" in where else ["date IS NOT NULL", *where]
    mix = common.rows(con, f"""
        SELECT date_trunc(?, date)::DATE AS period,
               count(*) FILTER (WHERE quad_class = 1) AS verbal_coop,
               count(*) FILTER (WHERE quad_class = 2) AS material_coop,
               count(*) FILTER (WHERE quad_class = 3) AS verbal_conflict,
               count(*) FILTER (WHERE quad_class = 4) AS material_conflict
        FROM {table} WHERE {' AND '.join(mix_where)} AND ({as_source} OR {as_target})
        GROUP BY 1 ORDER BY 1
    """, [unit, *params, code, code])

    def entry(row: dict) -> dict:
        return {"code": row["code"], "name": common.label(row["code"]), "n": row["n"],
                "goldstein_sum": common.rounded(row["goldstein_sum"]), "coop": row["coop"], "conflict": row["conflict"]}

    partners = sorted((r for r in counterparts if r["goldstein_sum"] > 0), key=lambda r: (-r["goldstein_sum"], -r["n"], r["code"]))
    opponents = sorted((r for r in counterparts if r["goldstein_sum"] < 0), key=lambda r: (r["goldstein_sum"], -r["n"], r["code"]))
    return ActorProfile(code=code, name=common.label(code), events=total,
                        partners=[entry(r) for r in partners[:top]], opponents=[entry(r) for r in opponents[:top]],
                        mix=[{**m, "period": m["period"].isoformat()} for m in mix])


def actor_list(con, q: str | None = None, limit: int = 50, count: str = "mentions") -> list[dict]:
    """Countries and actor codes with how many events name them (on either side), the busiest
    first; `q` keeps those whose code starts with it or whose name contains it (any case)."""
    table = common.table(count)
    name_cols = ("source_name", "target_name") if table == "events" else ("NULL", "NULL")
    sql = f"""
        WITH sides AS (
            SELECT source_country AS country, source_code AS code, {name_cols[0]} AS name FROM {table}
            UNION ALL
            SELECT target_country, target_code, {name_cols[1]} FROM {table}
        ), codes AS (
            SELECT code, any_value(country) AS country, mode(name) AS name, count(*) AS events
            FROM sides WHERE code IS NOT NULL GROUP BY code
        ), countries AS (
            SELECT country AS code, country, NULL AS name, count(*) AS events
            FROM sides WHERE country IS NOT NULL GROUP BY country
        )
        SELECT * FROM countries UNION ALL SELECT * FROM codes WHERE code NOT IN (SELECT code FROM countries)
    """
    found = common.rows(con, sql, [])
    needle = (q or "").strip().lower()
    items = []
    for row in found:
        name = common.label(row["code"], row["name"])
        if needle and not (row["code"].lower().startswith(needle) or needle in name.lower()):
            continue
        items.append({"code": row["code"], "name": name, "country": row["country"], "events": row["events"]})
    items.sort(key=lambda r: (-r["events"], r["code"]))
    return items[:max(0, int(limit))]
