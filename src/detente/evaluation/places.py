"""Geoparsing: GeoWebNews (Gritta et al. 2019) and TR-News (Kamalloo & Rafiei 2018), read in place
from ``data/gold/geoparsing/`` (GWN.xml, TR-News.xml).

Scored on every gold toponym that has a GeoNames id (the gazetteer-grounded ones):

* ``exact``: detente found the toponym and gave it the gold GeoNames id;
* ``country``: ... and the gold place's country;
* ``within_161km``: ... and a point within 161 km (100 miles) of the gold point, or the gold id
  itself (detente's point for a country or province is countryinfo's centre or its own estimate,
  which can lie over 161 km from GeoNames' for the same place);
* ``recall``: detente found the toponym at all (a predicted span overlapping the gold span).

A gold toponym detente did not find counts as wrong in the first three, so they measure the whole
geoparser (finding and resolving). ``resolved_exact`` and ``resolved_country`` are the same scores
on the toponyms detente found, the resolution step alone, as geoparsers are often compared.
The gold sets annotate demonyms ("Turkish" -> Turkey) and names inside organisation names
("Washington" in "Washington Post"); detente is run with ``demonyms=True`` and leaves the second
kind out, so those count as misses.

A gold place's country is GeoNames' country code for it, which is none for a continent, an ocean
or a region spanning several countries (the Middle East, the Korean Peninsula); neither gold set
carries that code in full, so it is taken, in order, from: TR-News' own country element (its regions, GeoNames class L, have
none; a few towns lack it); the
country of the gold id in detente's gazetteer; none when GeoWebNews' normalised name for the
toponym names a region, sea or continent that lies in no one country (by name: detente's region
table has no GeoNames ids); else the country of the nearest GeoNames city (cities500) to the gold
point. The last is an estimate: without the second-to-last, the Middle East, whose GeoNames point
lies on the Golan Heights, would need the answer "Syria".
"""
from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import Score

DATASETS = (("places_gwn", "GWN.xml"), ("places_trnews", "TR-News.xml"))


@dataclass
class Gold:
    start: int
    end: int
    text: str
    geonameid: int
    lat: float
    lon: float
    country: str | None


def haversine(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


@lru_cache(maxsize=1)
def _geo():
    from ..knowledge import places as gaz

    index = gaz.index()
    by_id = {}
    grid: dict[tuple[int, int], list] = {}
    for e in index.entries:
        if e.geonameid is not None:
            by_id.setdefault(e.geonameid, e)
        if e.feature == "city" and e.country:
            grid.setdefault((int(e.lat // 1), int(e.lon // 1)), []).append(e)
    country_by_gnid = {e.geonameid: e.country for e in index.entries if e.feature == "country"}
    return by_id, grid, country_by_gnid


def _nearest_country(lat: float, lon: float) -> str | None:
    _, grid, _ = _geo()
    best, best_d = None, 150.0
    cell = (int(lat // 1), int(lon // 1))
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            for e in grid.get((cell[0] + dy, cell[1] + dx), ()):
                d = haversine(lat, lon, e.lat, e.lon)
                if d < best_d:
                    best, best_d = e.country, d
    return best


def _countryless_region(name: str) -> bool:
    from ..knowledge import places as gaz

    return bool(name) and any(e.feature in ("region", "body of water", "continent") and not e.country
                              for e in gaz.index().lookup(name))


def _fallback_country(gnid: int, lat: float, lon: float, normalised: str = "") -> str | None:
    known = _geo()[0].get(gnid)
    if known is not None:
        return known.country  # a continent that detente knows by its id has none
    if _countryless_region(normalised):
        return None
    return _nearest_country(lat, lon)


def _text(el, tag) -> str:
    found = el.find(tag)
    return (found.text or "").strip() if found is not None and found.text else ""


def read_gold(path: Path) -> list[tuple[str, list[Gold]]]:
    _, _, country_by_gnid = _geo()
    articles = []
    for article in ET.parse(path).getroot().iter("article"):
        text_el = article.find("text")
        text = text_el.text if text_el is not None and text_el.text else ""
        golds = []
        for top in article.iter("toponym"):
            start, end = int(_text(top, "start")), int(_text(top, "end"))
            gaz = top.find("gaztag")
            if gaz is not None:  # TR-News
                if not gaz.get("geonameid"):
                    continue
                gnid = int(gaz.get("geonameid"))
                lat, lon = float(_text(gaz, "lat")), float(_text(gaz, "lon"))
                c = gaz.find("country")
                country = country_by_gnid.get(int(c.get("geonameid"))) if c is not None and c.get("geonameid") else None
                if country is None and _text(gaz, "fclass") in ("P", "A"):
                    # a town or province with its country left out; an area (class L) has none
                    country = _fallback_country(gnid, lat, lon)
                surface = _text(top, "phrase")
            else:  # GeoWebNews
                if not _text(top, "geonamesID") or not _text(top, "latitude"):
                    continue
                gnid = int(_text(top, "geonamesID"))
                lat, lon = float(_text(top, "latitude")), float(_text(top, "longitude"))
                country = _fallback_country(gnid, lat, lon, _text(top, "normalisedName"))
                surface = _text(top, "extractedName")
            golds.append(Gold(start, end, surface or text[start:end], gnid, lat, lon, country))
        articles.append((text, golds))
    return articles


def _align(gold: Gold, raw: str, clean: str) -> tuple[int, int]:
    """Gold offsets are into the raw text; detente's into its cleaned text (whitespace and
    invisible characters normalised). The gold surface's occurrence nearest the raw offset."""
    surface = raw[gold.start:gold.end] or gold.text
    best = None
    for m in re.finditer(re.escape(surface), clean):
        if best is None or abs(m.start() - gold.start) < abs(best - gold.start):
            best = m.start()
    if best is None:
        return gold.start, gold.end
    return best, best + len(surface)


def score_dataset(suite: str, path: Path) -> list[Score]:
    from ..api import place_records

    n = found = exact = country = near = 0
    for raw, golds in read_gold(path):
        if not golds or not raw.strip():
            n += len(golds)
            continue
        predicted, article = place_records(raw, demonyms=True)
        for gold in golds:
            n += 1
            start, end = _align(gold, raw, article.text)
            hits = [p for p in predicted if p.start is not None and p.start < end and start < p.end]
            if not hits:
                continue
            found += 1
            p = hits[0]
            exact += p.geonameid == gold.geonameid
            country += p.country == gold.country  # a continent is right with no country, as the gold has none
            # the gold place itself is within 161 km of itself, whichever centre point a source gives
            # a country or province (countryinfo's for the United States is 200 km from GeoNames')
            near += p.geonameid == gold.geonameid or (p.lat is not None and haversine(p.lat, p.lon, gold.lat, gold.lon) <= 161)
    note = "gold toponyms with GeoNames ids; a toponym detente missed counts as wrong"
    found_note = f"on the {found} toponyms detente found"
    return [
        Score(suite, "exact", round(exact / n, 4), n, note),
        Score(suite, "country", round(country / n, 4), n, note),
        Score(suite, "within_161km", round(near / n, 4), n, note),
        Score(suite, "recall", round(found / n, 4), n, "gold toponyms detente found (span overlap)"),
        Score(suite, "resolved_exact", round(exact / found, 4) if found else 0.0, found, found_note),
        Score(suite, "resolved_country", round(country / found, 4) if found else 0.0, found, found_note),
        Score(suite, "resolved_within_161km", round(near / found, 4) if found else 0.0, found, found_note),
    ]


def run(shared: Path) -> list[Score]:
    root = shared / "data" / "gold" / "geoparsing"
    scores: list[Score] = []
    for suite, name in DATASETS:
        if (root / name).exists():
            scores.extend(score_dataset(suite, root / name))
    return scores
