"""Stage 6: find the article's places, resolve them, and give an event the place it happens at.

Finding (`find_toponyms`): spaCy's GPE, LOC and FAC entities, plus capitalised token sequences
that are exactly a gazetteer name (places the small model misses). A gazetteer-only match must be
a proper noun outside any other entity ("Washington Post", "Jordan Peterson", "May 5" stay out),
and strong enough to stand alone: a country, admin1, region, body of water, capital, or a city
of 100,000 or more. A place entity the model cut short grows to the gazetteer name around it
("Baja" + "California"); parts of other names are no places: a saint's church or hospital ("St.
Michael's Hospital"), a small town's name opening another name ("Robinson College"), what follows
"Little", "New" or "Fort" inside a name. Demonyms ("Turkish", "South African") are not toponyms;
a caller may ask for them (`demonyms=True`, as the geoparsing gold sets annotate them), and they
resolve to their country.

Resolving: `detente.knowledge.places` (exact and alternate names, never substrings), ranked in
two passes: the first gives every mention its best place on population and feature alone with the
actors' countries and the dateline as context; the second re-ranks each mention with the
countries and admin1s of all the *other* mentions added. "City, Region" pairs are settled jointly
("Russia, U.S. officials said" is a list, not a town in the United States). One sense per
article: a name the text settles once ("Paris, Texas", "the city of X", a dateline "LONDON, Ky.")
is that place at its bare mentions too.

Event location (`locate`), in this order, else none (never a guess):
1. a place attached to the event's clause by a locative preposition (not "sanctions on Russia" or
   "a dispute over Crimea", whose place is the event's topic): "shelled Kharkiv" no, but
   "clashes in Kharkiv", "while in Vietnam", "near the border in Kursk", "in the Black Sea", "into
   Ukraine"; "to Pyongyang"/"visited Pyongyang" for visit codes (042-044). "Across the border"
   names no place by itself: only a place it leads to ("across the border into Ukraine") counts.
2. the dateline city, when the event happens there: the event is asserted, its sentence names no
   place besides the dateline and the event's own actors, and its source actor belongs to the dateline's country (who acts at home:
   "SEOUL - South Korea summoned the Russian ambassador"; not a Kremlin statement datelined Seoul).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import NamedTuple

from ..knowledge import places as gaz
from ..knowledge.places import Context, Entry, fold
from ..model import Article, Location

PLACE_LABELS = ("GPE", "LOC", "FAC")
LOCATIVE_PREPS = ("in", "at", "near", "inside", "outside", "within", "off", "into", "across", "throughout",
                  "around", "outside of")
VISIT_CODES = ("042", "043", "044")
VISIT_VERBS = ("visit", "tour", "arrive", "land", "travel", "fly", "go", "come", "return")
# Capitalised words that are gazetteer names but, standing alone, far more often something else
NOT_ALONE = {"may", "june", "july", "august", "march", "april", "january", "february", "september", "october",
             "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
             "god", "mobile", "reading", "university", "nice", "orange", "victoria", "of", "best", "union", "independence",
             "liberty", "hope", "providence", "faith", "unity", "president", "deal", "progress", "republic", "home",
             # compass and landform words, which name provinces somewhere ("South" in Cameroon, "Centre"
             # in Burkina Faso) but inside a longer name are part of it ("South Kilburn Estate")
             "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "centre",
             "center", "coast", "gulf", "delta", "capital", "lakes", "islands", "island", "highlands", "plateau",
             "littoral", "interior", "border", "wing", "vista", "estate", "park", "valley"}
# Words that make a new name of the place name after them ("Little Portugal", "New Jersey", "Fort Worth")
NAME_MAKERS = {"little", "new", "old", "fort", "port", "mount", "mt.", "lake", "st.", "st", "ste", "ste.", "saint", "san", "santa", "los",
               "las", "el", "la", "le", "al", "port-au", "cape", "east", "west", "north", "south"}
# After a place name these say whose office or force it is ("Moscow Mayor", "London Police"): the
# place is still a place, not the opening of another name
JURISDICTION_NOUNS = {"mayor", "governor", "police", "council", "county", "officials", "authorities", "residents",
                      "airport", "metro", "municipality", "prefecture", "assembly", "parliament", "government",
                      "province", "region", "court", "prosecutors", "fire", "sheriff", "state", "borough",
                      "township", "parish", "hills", "archbishop", "bishop", "diocese", "city", "municipal",
                      "metropolitan", "regional", "rural", "urban"}
COMPASS = {"east", "west", "north", "south"}
SAINTS = ("st.", "st", "saint", "ste.", "ste", "san", "santa")
FINENESS = {"facility": 0, "city": 1, "admin2": 2, "admin1": 3, "region": 4, "body of water": 4, "country": 5}
SETTLEMENT_WORDS = ("city", "town", "village", "township", "municipality", "borough")
GENERIC_TAIL = ("region", "province", "area", "city", "state", "oblast", "governorate", "territory", "district")
MAX_TOKENS = 6


@dataclass
class Toponym:
    start: int  # token index
    end: int  # token index, exclusive
    name: str  # what is looked up
    candidates: list[Entry]
    source: str  # "ner", "gazetteer", "demonym", "dateline"
    qualifier: "Toponym | None" = None
    qualifies: "Toponym | None" = None
    entry: Entry | None = None
    settlement: bool = False  # "the city of Turkey": a town, whatever else bears the name


def _strip(tokens):
    while tokens and (tokens[0].lower_ in ("the", "a") or tokens[0].is_punct):
        tokens = tokens[1:]
    while tokens and (tokens[-1].tag_ == "POS" or tokens[-1].is_punct and tokens[-1].text not in (".",)):
        tokens = tokens[:-1]
    return tokens


def _span_text(tokens) -> str:
    if not tokens:
        return ""
    doc = tokens[0].doc
    return doc[tokens[0].i : tokens[-1].i + 1].text


def _lookup_span(tokens, index) -> tuple[int, int, str, list[Entry]] | None:
    """The whole span, then without direction words or a generic tail, then its longest
    capitalised sub-span that is a name."""
    tokens = _strip(list(tokens))
    if not tokens:
        return None
    text = _span_text(tokens)
    doc = tokens[0].doc
    if tokens[0].i > 0 and doc[tokens[0].i - 1].lower_ == "the" and fold("the " + text) in index.names:
        # "the Gulf" is the Persian Gulf; "Gulf" alone a province of Papua New Guinea
        return tokens[0].i, tokens[-1].i + 1, "the " + text, index.lookup("the " + text)
    found = index.lookup(text)
    if found:
        return tokens[0].i, tokens[-1].i + 1, text, found
    rest = gaz.DIRECTIONS.sub("", text)
    if rest != text and fold(rest) not in NOT_ALONE:
        # "northern Syria" is in Syria; "the West Wing" is not in Wing, Buckinghamshire
        found = index.lookup(rest)
        if found and _strong(gaz.rank(found, Context(), rest)[0]):
            return tokens[0].i, tokens[-1].i + 1, rest, found
    if len(tokens) > 1 and tokens[-1].lower_ in GENERIC_TAIL:
        found = index.lookup(_span_text(tokens[:-1]))
        if found:
            return tokens[0].i, tokens[-1].i, _span_text(tokens[:-1]), found
    n = len(tokens)
    for size in range(n - 1, 0, -1):
        for s in range(0, n - size + 1):
            sub = tokens[s : s + size]
            if not sub[0].text[:1].isupper() or not sub[-1].text[:1].isupper():
                continue
            if s > 0 and tokens[s - 1].lower_ in NAME_MAKERS:
                continue  # "Little Portugal" is not in Portugal, nor "New Jersey" in Jersey
            if _saints_building(doc, doc[sub[0].i : sub[-1].i + 1]):
                continue
            text = _span_text(sub)
            if len(sub) == 1 and fold(text) in NOT_ALONE:
                continue
            found = index.lookup(text)
            if found and (len(sub) > 1 or gaz.looks_like_place(gaz.rank(found, Context())[0])):
                return sub[0].i, sub[-1].i + 1, text, found
    return None


def _strong(entry: Entry) -> bool:
    return entry.feature in STRONG or gaz.looks_like_place(entry)


def _widened(ent, index):
    """The longest capitalised run around a place entity that is one gazetteer name, when the
    model cut a name in pieces ("Baja" + "California", "the U.S." + "Virgin Islands", "Little" +
    "Portugal"); else the entity itself."""
    doc = ent.doc
    if doc[ent.start].lower_ == "the" and len(ent) > 1:
        ent = doc[ent.start + 1 : ent.end]
    lo = ent.start
    while lo > 0 and ent.start - lo < 3 and _capitalised(doc[lo - 1]) and not doc[lo - 1].is_sent_end:
        lo -= 1
    hi = ent.end
    while hi < len(doc) and hi - ent.end < 3 and _capitalised(doc[hi]) and not doc[hi].is_sent_start:
        hi += 1
    for size in range(hi - lo, ent.end - ent.start, -1):
        for s in range(lo, hi - size + 1):
            if s > ent.start or s + size < ent.end:
                continue
            span = doc[s : s + size]
            if _capitalised(span[0]) and index.has(span.text):
                return span
    return ent


def _saints_building(doc, match) -> bool:
    """"St. Michael's Hospital", "St Peter's Basilica": a church, school or hospital, not the town."""
    return match.end < len(doc) and doc[match.end].tag_ == "POS" and match[0].lower_ in SAINTS


def _opens_longer_name(doc, match) -> bool:
    """"Robinson College", "Lombard Odier": a small town's name that is the first word of the
    name of something else (a big city's name opening one, "Honolulu Star-Advertiser", "Buffalo
    Bisons", still names the city)."""
    if _saints_building(doc, match):
        return True
    if match.end >= len(doc) or match.text.isupper():
        return False  # "LONDON Pope Francis …": a dateline
    nxt = doc[match.end]
    return (_capitalised(nxt) and nxt.pos_ == "PROPN" and not nxt.is_sent_start and nxt.lower_ not in GENERIC_TAIL
            and nxt.lower_ not in JURISDICTION_NOUNS and nxt.lower_ not in NOT_ALONE and not _names_strong_place(nxt.text))


def _names_strong_place(text: str) -> bool:
    found = gaz.index().lookup(text)
    return bool(found) and _strong(gaz.rank(found, Context(), text)[0])


def _capitalised(token) -> bool:
    return token.text[:1].isupper() and (token.is_alpha or "." in token.text or "-" in token.text or "'" in token.text)


CONNECTORS = ("of", "de", "del", "la", "el", "al", "-", "and", "upon", "on", "sur")
LOCATIVE_BEFORE = ("in", "at", "near", "from", "to", "outside", "into", "across", "toward", "towards", "via")
STRONG = ("country", "admin1", "region", "body of water", "continent")


def _qualified(doc, end) -> bool:
    """ "Red Deer, Alta.": a name followed by a comma and a state or country is a place."""
    if end + 1 >= len(doc) or doc[end].text != ",":
        return False
    return any(_is_container(doc[end + 1 : min(end + 1 + size, len(doc))].text) for size in (3, 2, 1))


def _accept(doc, match, best: Entry, other_ents, index) -> bool:
    """Whether a gazetteer match the NER did not call a place is one (see the module docstring)."""
    first = match[0]
    if len(match) == 1 and fold(first.text) in NOT_ALONE:
        return False
    located = first.i > 0 and doc[first.i - 1].lower_ in LOCATIVE_BEFORE
    qualified = _qualified(doc, match.end)
    covering = {other_ents[t.i] for t in match if t.i in other_ents}
    if covering:
        ent = next(iter(covering))
        ends = (match.end, match.end - 1) if match[-1].text == "." else (match.end,)
        if ent.start == match.start - 1 and doc[ent.start].lower_ == "the" and ent.end in ends:
            # "the Holy See" tagged as an organisation is the whole name, article and all
            return best.feature in STRONG or gaz.looks_like_place(best) or located or qualified
        if len(covering) == 1 and ent.label_ == "ORG" and ent.start in (match.start, match.start - 1) and ent.end > match.end:
            # "the U.S. Federal Trade Commission", "Kentucky State Police": a state or country that
            # opens an organisation's name is its jurisdiction; a city is not ("Washington Post")
            return best.feature in ("country", "admin1", "region") and (ent.start == match.start or doc[ent.start].lower_ == "the")
        if len(covering) != 1 or ent.start != match.start or ent.end not in ends:
            return False  # inside a longer name: "Washington Post", "Jordan Peterson", "May 5"
        if ent.label_ == "PERSON":
            return best.feature in STRONG
        if ent.label_ not in ("ORG", "NORP", "WORK_OF_ART", "PRODUCT", "EVENT"):
            return False
        return best.feature in STRONG or gaz.looks_like_place(best) or located or qualified
    if not _strong(best) and _opens_longer_name(doc, match):
        return False
    before = doc[first.i - 1] if first.i > 0 else None
    if before is not None and _capitalised(before) and before.lower_ in NAME_MAKERS - COMPASS:
        return False  # "George" of "St George's Chapel", "Portugal" of "Little Portugal"
    if first.is_sent_start and len(match) == 1 and best.feature == "city" and not qualified and not best.capital:
        return False  # "Reading", "Mobile" open sentences as words; a capital ("Muscat: …") is a place
    if len(match) == 1 and first.pos_ != "PROPN" and not first.is_upper:
        return False
    return gaz.looks_like_place(best) or (located and first.pos_ == "PROPN") or qualified


def find_toponyms(doc, demonyms: bool = False) -> list[Toponym]:
    index = gaz.index()
    found: list[Toponym] = []
    taken: set[int] = set()
    other_ents = {}
    for ent in doc.ents:
        if ent.label_ not in PLACE_LABELS:
            for t in ent:
                other_ents[t.i] = ent
    for ent in doc.ents:
        if ent.label_ not in PLACE_LABELS or any(i in taken for i in range(ent.start, ent.end)):
            continue
        wide = _widened(ent, index)
        if not any(i in taken for i in range(wide.start, wide.end)):
            ent = wide
        hit = _lookup_span(ent, index)
        if hit is None:
            continue
        start, end, name, candidates = hit
        if _saints_building(doc, doc[start:end]):
            continue
        found.append(Toponym(start, end, name, candidates, "ner"))
        taken.update(range(start, end))
        # "Tbilisi, Georgia" as one entity: the rest of it may be a qualifier
        if end < ent.end - 1 and doc[end].text == ",":
            rest = _lookup_span(doc[end + 1 : ent.end], index)
            if rest:
                found.append(Toponym(rest[0], rest[1], rest[2], rest[3], "ner"))
                taken.update(range(rest[0], rest[1]))
    i = 0
    while i < len(doc):
        token = doc[i]
        if i in taken or not _capitalised(token) or index.demonym(token.text) is not None:
            i += 1  # "German" is a demonym, not German on the Isle of Man
            continue
        match = None
        for size in range(min(MAX_TOKENS, len(doc) - i), 0, -1):
            span = doc[i : i + size]
            if any(t.i in taken for t in span) or not _capitalised(span[-1]):
                continue
            if any(not (_capitalised(t) or t.lower_ in CONNECTORS) for t in span):
                continue
            # "Alta." and "Ky." may be tokenised as the word and its period
            if span.end < len(doc) and doc[span.end].text == "." and not span[-1].whitespace_ and index.has(span.text + "."):
                span = doc[i : i + size + 1]
            elif not index.has(span.text):
                continue
            match = span
            break
        if match is None:
            i += 1
            continue
        candidates = index.lookup(match.text)
        if _accept(doc, match, gaz.rank(candidates, Context(), match.text)[0], other_ents, index):
            found.append(Toponym(match.start, match.end, match.text, candidates, "gazetteer"))
            taken.update(range(match.start, match.end))
            i = match.end
        else:
            i += 1
    if demonyms:
        for token in doc:
            if token.i in taken or not token.text[:1].isupper():
                continue
            pair = doc[token.i : token.i + 2]
            entry = index.demonym(pair.text) if len(pair) == 2 and pair.end - 1 not in taken else None
            if entry is not None:  # "South African" is South Africa, not Africa
                found.append(Toponym(pair.start, pair.end, pair.text, [entry], "demonym"))
                taken.update((pair.start, pair.start + 1))
                continue
            entry = index.demonym(token.text)
            if entry is not None and token.pos_ in ("ADJ", "PROPN", "NOUN") :
                found.append(Toponym(token.i, token.i + 1, token.text, [entry], "demonym"))
                taken.add(token.i)
    found.sort(key=lambda t: t.start)
    for a, b in zip(found, found[1:]):
        if b.start == a.end + 1 and doc[a.end].text == "," and b.source != "demonym" and a.source != "demonym":
            if gaz.rank(a.candidates, Context(), a.name)[0].feature == "country":
                continue  # "in Russia, U.S. officials said": a country is listed, not qualified
            a.qualifier, b.qualifies = b, a
    for t in found:
        if t.start >= 2 and doc[t.start - 1].lower_ == "of" and doc[t.start - 2].lower_ in SETTLEMENT_WORDS:
            t.settlement = True
    return found


def article_context(article: Article, toponyms: list[Toponym] = ()) -> tuple[Context, Entry | None]:
    """The actors' countries and the dateline: context before any place is ranked. An actor
    that is itself a toponym ("Georgia" the party) is left to the toponym's own ranking."""
    context = Context()
    doc = article.doc
    spans = [(doc[t.start].idx, doc[t.end - 1].idx + len(doc[t.end - 1].text)) for t in toponyms] if doc is not None else []
    # "the governor of Georgia" is GEO only if "Georgia" is: such countries come from the toponym
    named = {e.country for t in toponyms for e in t.candidates if e.feature == "country"}
    # A mention whose country was read off a place name ("Wael Haddara, a London doctor" is
    # British because London is) would let that name vote for its own first reading.
    # So would a pronoun or a repeated name standing for such a mention.
    names = re.compile(r"\b(?:" + "|".join(re.escape(t.name.lower()) for t in toponyms) + r")\b") if toponyms else None
    for mention in article.mentions:
        if mention.country in named or any(s < mention.end and mention.start < e for s, e in spans):
            continue
        basis = (mention.basis or "").lower()
        if basis.startswith(("earlier mention of", "pronoun")):
            continue
        if names is not None and (names.search(basis) or names.search(mention.text.lower())):
            continue
        if mention.country and len(mention.country) == 3:
            context.countries[mention.country] += 1
    dateline = resolve_dateline(article.dateline, context)
    if dateline is not None and dateline.country:
        context.dateline_country = dateline.country
        context.countries[dateline.country] += 1
    return context, dateline


def resolve_dateline(text: str | None, context: Context | None = None) -> Entry | None:
    """"SEOUL" or "KYIV, Ukraine" or "Paris, Texas" -> the place."""
    if not text:
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return None
    return gaz.resolve(parts[0], context, parts[1] if len(parts) > 1 else None)


def resolve_toponyms(toponyms: list[Toponym], context: Context, dateline: Entry | None = None,
                     dateline_text: str | None = None) -> None:
    """Two passes: alone (with the article's context), then with the other mentions' places.
    Last, one sense per article: a name the text itself settles somewhere ("Paris, Texas", "the
    city of Turkey", a dateline "LONDON, Ky.") is that place at its bare mentions too."""
    def best(t: Toponym, ctx: Context) -> Entry:
        if t.settlement:
            towns = [e for e in t.candidates if e.feature == "city" and gaz.own_name(e, fold(t.name))]
            if towns:
                return gaz.rank(towns, ctx, t.name)[0]
        if t.qualifier is not None:
            pair = gaz.resolve_pair(t.candidates, t.qualifier.candidates, ctx, t.name, t.qualifier.name)
            if pair:
                return pair[0]
        if t.qualifies is not None:
            pair = gaz.resolve_pair(t.qualifies.candidates, t.candidates, ctx, t.qualifies.name, t.name)
            if pair:
                return pair[1]
        return gaz.rank(t.candidates, ctx, t.name)[0]

    for t in toponyms:
        t.entry = best(t, context)
    full = Context(context.countries.copy(), Counter(), context.dateline_country)
    for t in toponyms:
        if t.entry.country:
            full.countries[t.entry.country] += 1
        if t.entry.feature == "admin1":
            full.admin1[(t.entry.country, t.entry.admin1)] += 1
    # A name's own mentions are no evidence for it: four "London"s first read as England's must
    # not outvote the Canadian context of an article about London, Ontario.
    by_name: dict[str, list[Toponym]] = {}
    for t in toponyms:
        by_name.setdefault(fold(t.name), []).append(t)
    first = {id(t): t.entry for t in toponyms}  # re-ranking must not feed on its own results
    for t in toponyms:
        ctx = full
        for same in by_name[fold(t.name)]:
            ctx = ctx.without(first[id(same)])
        t.entry = best(t, ctx)
    settled: dict[str, Entry] = {}
    if dateline is not None and dateline_text and "," in dateline_text:
        name, qualifier = (part.strip() for part in dateline_text.split(",", 1))
        if _is_container(qualifier):
            settled[fold(name)] = dateline
    for t in toponyms:
        qualified = t.qualifier is not None and _is_container(t.qualifier.name)
        if (t.settlement or qualified) and t.entry.feature == "city" and gaz.own_name(t.entry, fold(t.name)):
            settled.setdefault(fold(t.name), t.entry)
    for t in toponyms:
        anchor = settled.get(fold(t.name))
        if anchor is not None and anchor in t.candidates:
            t.entry = anchor


def _is_container(name: str) -> bool:
    """Whether `name` names a state or country, with or without an abbreviation's period ("Ky", "Alta.")."""
    index = gaz.index()
    return any(e.feature in ("admin1", "country") for text in (name, name + ".") for e in index.lookup(text))


def to_location(entry: Entry, start: int | None = None, end: int | None = None) -> Location:
    feature = "region" if entry.feature == "continent" else entry.feature
    return Location(entry.name, entry.country, entry.lat, entry.lon, feature, entry.geonameid, entry.admin1, start, end)


class FoundPlaces(NamedTuple):
    places: list[Location]          # in text order
    by_token: dict[int, Location]   # the place at each token that names one
    dateline: Location | None       # the dateline's place, resolved in the article's context


def find_places(article: Article, demonyms: bool = False) -> FoundPlaces:
    """The article's places, the place at each token that names one, and the dateline's place."""
    doc = article.doc
    toponyms = find_toponyms(doc, demonyms)
    context, dateline = article_context(article, toponyms)
    resolve_toponyms(toponyms, context, dateline, article.dateline)
    located: list[Location] = []
    by_token: dict[int, Location] = {}
    for t in toponyms:
        span = doc[t.start : t.end]
        place = to_location(t.entry, span.start_char, span.end_char)
        located.append(place)
        for i in range(t.start, t.end):
            by_token[i] = place
    dateline_place = to_location(dateline, *article.dateline_span) if dateline is not None and article.dateline_span else None
    if dateline_place is not None and not any(p.start < dateline_place.end and dateline_place.start < p.end for p in located):
        # A dateline's place is a place even when the finder, which wants more than one capitalised
        # word at a sentence start, passes it over ("BEIRUT (AP) -", parsed as a line of its own).
        located = sorted([dateline_place, *located], key=lambda p: p.start)
    return FoundPlaces(located, by_token, dateline_place)


def resolve_place(name: str, context: set[str], gazetteer_country: str | None = None) -> Location | None:
    """The actors stage's resolver (a city named as a party stands for its country): a city of
    15,000+ people or a capital, by exact or alternate name, preferring the article's countries
    and then population; else the country of that name. Kept as it was for the actors' scores."""
    index = gaz.index()
    key = fold(name)
    key = gaz._strip_the(key) if not index.names.get(key) else key
    ids = index.names.get(key, ())
    cities = [index.entries[i] for i in ids if index.entries[i].feature == "city"
              and (index.entries[i].population >= 15_000 or index.entries[i].capital)]
    if cities:
        best = max(cities, key=lambda c: (c.country in context or c.country == gazetteer_country, c.population))
        return Location(best.name, best.country, best.lat, best.lon, "city", best.geonameid, best.admin1)
    country = next((index.entries[i] for i in ids if index.entries[i].feature == "country" and (key, i) in index.primary), None)
    iso3 = country.country if country else gazetteer_country
    if iso3:
        entry = country or index.country(iso3)
        lat, lon = (entry.lat, entry.lon) if entry else (None, None)
        return Location(country.name if country else name, iso3, lat, lon, "country", country.geonameid if country else None)
    return None


def place_population(place: Location) -> int:
    index = gaz.index()
    for entry in index.lookup(place.name):
        if entry.geonameid == place.geonameid:
            return entry.population
    return 0


def run(article: Article) -> Article:
    found = find_places(article)
    article.places = found.places
    doc = article.doc
    article.events = [locate(event, doc[article.anchors[event.id]], found.by_token, found.dateline) if event.id in article.anchors else event
                      for event in article.events]
    return article


# ---------------------------------------------------------------------------------- events


class _Named:
    """The words of a place as the text writes them ("the Black Sea"), for the rationale."""

    def __init__(self, token, place: Location):
        self.text = token.doc.text[place.start:place.end] if place.start is not None else token.text


def _place_in(obj, places: dict[int, Location]):
    """The place an object phrase names: its head, or a name inside it ("the Kharkiv region",
    "the city of Kharkiv", "northern Syria"), not one behind a further clause."""
    if obj.i in places:
        return _Named(obj, places[obj.i]), places[obj.i]
    named = []
    for child in obj.children:
        if child.dep_ in ("compound", "amod", "nmod", "appos", "poss") and child.i in places:
            named.append(child)
        if child.dep_ == "prep" and child.lower_ == "of":
            named.extend(g for g in child.children if g.dep_ == "pobj" and g.i in places)
    if not named:
        return None
    # the finest wins: "the US capital city of Washington" is in Washington, "the Kharkiv region of
    # Ukraine" in Kharkiv region
    best = min(named, key=lambda t: FINENESS.get(places[t.i].feature, len(FINENESS)))
    return _Named(best, places[best.i]), places[best.i]


def _attached(node, preps, places):
    for child in node.children:
        if child.dep_ == "prep" and child.lower_ in preps:
            for obj in child.children:
                if obj.dep_ != "pobj":
                    continue
                if child.lower_ == "across" and obj.lemma_ in ("border", "frontier", "line", "boundary"):
                    # "across the border" names no side; "across the border into Ukraine" does
                    for follow in list(obj.children) + list(node.children):
                        if follow.dep_ == "prep" and follow.lower_ in ("into", "in", "to"):
                            for far in follow.children:
                                found = _place_in(far, places) if far.dep_ == "pobj" else None
                                if found:
                                    return f"{child.text} the {obj.text} {follow.text} {found[0].text}", found[1]
                    continue
                found = _place_in(obj, places)
                if found:
                    return f"{child.text} {found[0].text}", found[1]
        # "while in Vietnam", "during a visit to Pyongyang": one level down, through a verbless clause
        # ("while Zelensky was in Washington" has a subject of its own: it places Zelensky, not the event)
        if child.dep_ in ("advcl", "advmod", "npadvmod") and child.pos_ != "VERB" and not any(
                g.dep_ in ("nsubj", "nsubjpass", "expl") for g in child.children):
            for grand in child.children:
                if grand.dep_ == "prep" and grand.lower_ in preps:
                    for obj in grand.children:
                        found = _place_in(obj, places) if obj.dep_ == "pobj" else None
                        if found:
                            return f"{child.text} {grand.text} {found[0].text}", found[1]
        if child.dep_ == "prep" and child.lower_ in ("in", "during", "while"):
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.lemma_ in ("visit", "trip", "tour", "stay"):
                    found = _attached(obj, ("to", "in", "at"), places)
                    if found:
                        return found
    return None


def _at_target(event, anchor, places):
    """Force used on a place happens there ("shelled Kharkiv"); a party named with its place is
    acted on there ("clashed with police in Tbilisi")."""
    target = event.target
    if target is None or target.start is None:
        return None
    span = [t for t in anchor.sent if target.start <= t.idx < target.end]
    head = next((t for t in span if not (target.start <= t.head.idx < target.end) or t.head is t), None)
    if head is None:
        return None
    if event.quad_class == 4 and event.cameo[:2] in ("17", "18", "19", "20") and head.i in places:
        place = places[head.i]
        if place.feature in ("city", "admin1", "admin2", "region"):
            return f"'{_Named(head, place).text}', the place acted on", place
    found = _attached(head, ("in", "at", "near", "outside", "inside"), places)
    if found:
        return f"'{target.text} {found[0]}', where the party acted on is", found[1]
    return None


def locate(event, anchor, places: dict[int, Location], dateline: Location | None = None):
    visit = event.cameo in VISIT_CODES
    preps = LOCATIVE_PREPS + (("to",) if visit else ())
    nodes = [anchor]
    if anchor.dep_ in ("xcomp", "pobj", "dobj", "conj", "ccomp") and anchor.head is not anchor:
        nodes.append(anchor.head)
    for node in nodes:
        found = _attached(node, preps, places)
        if found:
            return replace(event, location=found[1], rationale=event.rationale + (f"location: '{found[0]}'",))
        if visit and node.lemma_ in VISIT_VERBS:
            for child in node.children:
                if child.dep_ == "dobj":
                    place = _place_in(child, places)
                    if place:
                        return replace(event, location=place[1],
                                       rationale=event.rationale + (f"location: '{node.text} {place[0].text}' (visit)",))
    found = _at_target(event, anchor, places)
    if found:
        return replace(event, location=found[1], rationale=event.rationale + (f"location: {found[0]}",))
    if dateline is not None and dateline.feature == "city" and event.modality == "asserted":
        sentence = anchor.sent
        actors = [(a.start, a.end) for a in (event.source, event.target) if a is not None]

        def inside(idx, spans):
            return any(s is not None and s <= idx < (e or 0) for s, e in spans)

        # a place the sentence names, other than the dateline and the actors themselves ("South Korea")
        # (or a party's own country named as a party: "South Korea summoned ...")
        parties = {a.country for a in (event.source, event.target) if a is not None and a.country}
        names_place = any(t.i in places and not inside(t.idx, [(dateline.start, dateline.end), *actors])
                          and not (places[t.i].feature == "country" and places[t.i].country in parties) for t in sentence)
        if not names_place and event.source.country == dateline.country:
            return replace(event, location=dateline, rationale=event.rationale + (
                f"location: dateline {dateline.name} ({event.source.country} acts at home; the sentence names no place)",))
    return event
