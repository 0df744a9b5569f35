"""What the dyad, network, alert and actor analyses share: which table to count, how a code
names a side of an event, the filters, periods and names. Every value from a caller is bound as
a parameter; only names chosen from fixed lists here are written into SQL."""
from __future__ import annotations

import functools
from datetime import date

from ..errors import DetenteError, InputError

PERIODS = {"day": "1 day", "week": "1 week", "month": "1 month"}
COUNTS = ("mentions", "stories")
LEVELS = ("country", "actor")
MODALITIES = ("asserted", "negated", "hypothetical", "intended", "expected", "alleged")
# CAMEO's sector codes, as words for labels ("Russia government" for RUSGOV)
SECTORS = {"GOV": "government", "MIL": "military", "CVL": "civilians", "NGO": "NGOs", "LEG": "legislature",
           "CRM": "criminals", "COP": "police", "REB": "rebels", "JUD": "judiciary", "BUS": "business",
           "SPY": "intelligence", "MED": "media", "HLH": "health", "REL": "religious", "EDU": "education",
           "PTY": "party", "UAF": "armed forces", "OPP": "opposition", "AGR": "agriculture", "REF": "refugees",
           "RAD": "radicals", "PRM": "paramilitary", "LAB": "labour", "ELI": "elites", "SET": "settlers",
           "ENV": "environmentalists", "IGO": "intergovernmental", "INS": "insurgents", "IMG": "immigrants"}


@functools.cache
def country_names() -> dict[str, str]:
    from ..knowledge import read_table

    return {row["iso3"]: row["name"] for _, row in read_table("countries.tsv")}


def label(code: str, fallback: str | None = None) -> str:
    """A readable name for a country or actor code: "Russia", "Russia government"; else the
    name most often recorded for it (`fallback`), else the code itself."""
    names = country_names()
    if code in names:
        return names[code]
    country, rest = code[:3], code[3:]
    if country in names and rest:
        words = [SECTORS.get(rest[i:i + 3], rest[i:i + 3]) for i in range(0, len(rest), 3)]
        return " ".join([names[country], *words])
    return fallback or code


def table(count: str) -> str:
    if count not in COUNTS:
        raise DetenteError(f"cannot count {count!r}: count 'mentions' (coded reports) or 'stories' (story events)")
    return "stories" if count == "stories" else "events"


def period_unit(by: str) -> str:
    if by not in PERIODS:
        raise DetenteError(f"cannot group by {by!r}: use 'day', 'week' or 'month'")
    return by


def columns(level: str) -> tuple[str, str]:
    """The source and target columns of a level."""
    if level not in LEVELS:
        raise DetenteError(f"unknown level {level!r}: use 'country' (source_country/target_country) or 'actor' (codes)")
    return ("source_country", "target_country") if level == "country" else ("source_code", "target_code")


def normal_code(code: str | None, what: str = "actor code") -> str:
    text = (code or "").strip().upper()
    if not text or not text.replace("_", "").isalnum():
        raise DetenteError(f"{what} {code!r} is not a code: give a country code such as RUS or an actor code such as RUSGOV")
    return text


def code_level(code: str, con=None, table_name: str = "events") -> str:
    """A three-letter code is a country (every sector of it), and so is a code that the data
    hold as a country (imports keep "EU" or "UNO" there); anything else is one actor code exactly."""
    if code in country_names() or len(code) == 3:
        return "country"
    if con is not None and con.execute(f"SELECT 1 FROM {table_name} WHERE source_country = ? OR target_country = ? "
                                       "LIMIT 1", [code, code]).fetchone():
        return "country"
    return "actor"


def day(value: date | str | None, what: str) -> date | None:
    if value is None or value == "" or isinstance(value, date):
        return value or None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"{what} {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2024-06-21", "invalid_date") from None


def window(since, until) -> tuple[date | None, date | None]:
    first, last = day(since, "since"), day(until, "until")
    if first and last and first > last:
        raise DetenteError(f"since {first.isoformat()} is after until {last.isoformat()}: swap them")
    return first, last


def filters(con, table_name: str, since: date | None = None, until: date | None = None,
            modality: str | None = "asserted", origin: str | None = None) -> tuple[list[str], list]:
    """SQL conditions (to AND together) and their parameters for the common filters. Events
    without a date are always left out: they belong to no period."""
    where, params = ["date IS NOT NULL"], []
    if since:
        where.append("date >= ?")
        params.append(since)
    if until:
        where.append("date <= ?")
        params.append(until)
    if modality and modality != "any":
        if modality not in MODALITIES:
            raise DetenteError(f"unknown modality {modality!r}: use one of {', '.join(MODALITIES)}, or 'any'")
        where.append("modality = ?")
        params.append(modality)
    if origin:
        has_origin = con.execute("SELECT 1 FROM information_schema.columns WHERE table_name = ? AND column_name = "
                                 "'origin'", [table_name]).fetchone()
        # a database from before imports, opened read-only and so not migrated, holds only detente's events
        where.append("origin = ?" if has_origin else "'detente' = ?")
        params.append(origin.lower())
    return where, params


def actor_match(side: str) -> str:
    """SQL for "this side's actor is the country or code prefix ?". An actor's code is its
    country followed by its sector (`Actor.code`, and imports build it the same way), so a code
    prefix match also finds the country: testing `{side}_country = ?` as well only doubled the
    work (an actor filter over 1M events: 10.5 ms, now 6.3). tests/test_api.py checks every
    stored row keeps to it."""
    return f"starts_with({side}_code, ?)"


def side(code: str, role: str, level: str) -> tuple[str, list]:
    """The condition that `code` (of `level`) is the event's `role` ("source" or "target")."""
    column = f"{role}_country" if level == "country" else f"{role}_code"
    return f"{column} = ?", [code]


def require_actor(con, table_name: str, code: str, where_db: str) -> str:
    """The level of `code` (see `code_level`). An actor that is in no event of the table is most
    likely a typo: say so, and how to look."""
    level = code_level(code, con, table_name)
    src, src_params = side(code, "source", level)
    tgt, tgt_params = side(code, "target", level)
    if con.execute(f"SELECT 1 FROM {table_name} WHERE {src} OR {tgt} LIMIT 1", src_params + tgt_params).fetchone() is None:
        raise DetenteError(f"no events with actor {code!r} in {where_db}: check the code, e.g. with "
                           f"`detente actor --search {code[:3]}`")
    return level


def rows(con, sql: str, params: list) -> list[dict]:
    cursor = con.execute(sql, params)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(float(value), digits)
