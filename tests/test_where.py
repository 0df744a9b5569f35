"""Places: the gazetteer and its ranking (fast, no spaCy), then finding and event locations (slow)."""
import json

import pytest

from detente.knowledge import places as gaz
from detente.knowledge.places import Context
from detente.stages.where import resolve_dateline, resolve_place


# ---------------------------------------------------------------------------- the gazetteer (fast)

@pytest.mark.parametrize("name, context, country, feature", [
    ("Pyongyang", set(), "PRK", "city"),
    ("Kiev", set(), "UKR", "city"),          # an alternate name, never the substring match Yenakiyeve
    ("Kyiv", set(), "UKR", "city"),
    ("Kharkiv", set(), "UKR", "city"),       # the city, not the oblast that has its name as an alias
    ("Vietnam", set(), "VNM", "country"),
    ("U.S.", set(), "USA", "country"),
    ("Britain", set(), "GBR", "country"),
    ("the UK", set(), "GBR", "country"),
    ("South Korea", set(), "KOR", "country"),
    ("Ivory Coast", set(), "CIV", "country"),
    ("Georgia", set(), "GEO", "country"),    # a country name beats a state of the same name...
    ("Georgia", {"USA"}, "USA", "admin1"),   # ...unless the article is about the United States
    ("Paris", set(), "FRA", "city"),
    ("Paris", {"USA"}, "FRA", "city"),       # a capital of two million is not outweighed by context alone
    ("Washington", set(), "USA", "city"),    # the capital, not the state
    ("Texas", set(), "USA", "admin1"),
    ("Alberta", set(), "CAN", "admin1"),
    ("Ky.", set(), "USA", "admin1"),
    ("Black Sea", set(), None, "body of water"),
    ("the Gaza Strip", set(), "PSE", "region"),
    ("Crimea", set(), "UKR", "admin1"),
    ("Europe", set(), None, "continent"),
    ("EU", set(), None, "continent"),          # news names the union for the place, as GeoWebNews annotates it
    ("Salisbury", {"GBR"}, "GBR", "city"),   # the town that bears the name, not Harare that once did
    ("St. Petersburg", set(), "RUS", "city"),  # "St." is "Saint": no former name, Florida's namesake does not win
    ("Central American", set(), None, "region"),
    ("West Coast", {"USA"}, "USA", "region"),
    ("Florida", set(), "USA", "admin1"),     # the state, not the Puerto Rican municipality
    ("North West", set(), "ZAF", "admin1"),  # a hyphen is a space: South Africa's "North-West" province
    ("Heathrow", {"USA"}, "GBR", "facility"),  # the airport, not the Florida town of 6,000
    ("Niger Delta", set(), "NGA", "region"),
    ("Sahara", set(), None, "region"),       # the desert, never a Yemeni village's alternate name
])
def test_resolve(name, context, country, feature):
    place = gaz.resolve(name, Context(countries=__import__("collections").Counter(context)))
    assert place is not None and (place.country, place.feature) == (country, feature)
    assert place.lat is not None and place.lon is not None


@pytest.mark.parametrize("name, qualifier, country, admin1", [
    ("Paris", "Texas", "USA", "TX"),
    ("Tbilisi", "Georgia", "GEO", None),
    ("Atlanta", "Georgia", "USA", "GA"),
    ("Red Deer", "Alta.", "CAN", "01"),
    ("Edmonton", "Ky", "USA", "KY"),         # a broadcaster's dateline drops AP's period
])
def test_a_qualifier_settles_it(name, qualifier, country, admin1):
    place = gaz.resolve(name, Context(), qualifier)
    assert place.country == country and (admin1 is None or place.admin1 == admin1)


@pytest.mark.parametrize("name", ["Kiev City Hall", "Paris Hilton", "Yenakiyeve Kiev", "Washington Post", "xyzzy"])
def test_no_substring_matches(name):
    assert gaz.index().lookup(name) == []


def test_an_airport_code_is_no_name_of_its_city():
    assert all(entry.name != "Baku" for entry in gaz.index().lookup("BAK"))


def test_kiev_is_kyiv_by_geonames_id():
    assert gaz.resolve("Kiev").geonameid == gaz.resolve("Kyiv").geonameid == 703448


def test_admin1_in_context_favours_its_towns():
    texas = gaz.resolve("Texas")
    context = Context(countries=__import__("collections").Counter({"USA": 1}),
                      admin1=__import__("collections").Counter({("USA", texas.admin1): 1}))
    assert gaz.resolve("Paris", context).admin1 == "TX"


def test_dateline_resolves_with_its_qualifier():
    assert resolve_dateline("SEOUL").country == "KOR"
    assert resolve_dateline("PARIS, Texas").admin1 == "TX"
    assert resolve_dateline(None) is None


def test_demonyms_resolve_to_countries():
    assert gaz.index().demonym("Turkish").country == "TUR"
    assert gaz.index().demonym("Turk") is None or gaz.index().demonym("Turk").country == "TUR"


def test_actors_resolver_is_unchanged():
    # the actors stage's resolver: cities of 15,000+ or capitals, context first, then population
    assert resolve_place("Paris", {"USA"}).country == "USA"
    assert resolve_place("Paris", set()).country == "FRA"
    assert resolve_place("Vietnam", set()).feature == "country"


def test_index_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("DETENTE_CACHE", str(tmp_path))
    gaz.index.cache_clear()
    try:
        first = gaz.index()
        assert list(tmp_path.glob("places-*.pickle.gz"))
        gaz.index.cache_clear()
        assert len(gaz.index().entries) == len(first.entries)
    finally:
        gaz.index.cache_clear()


# ------------------------------------------------------------------------ finding places (slow)

@pytest.mark.slow
@pytest.mark.parametrize("text, expected", [
    ("Protesters gathered in Tbilisi, Georgia.", [("Tbilisi", "GEO", "city"), ("Georgia", "GEO", "country")]),
    ("The governor of Georgia spoke in Atlanta about jobs.", [("Georgia", "USA", "admin1"), ("Atlanta", "USA", "city")]),
    ("She grew up in Paris, Texas, and later moved to Dallas.",
     [("Paris", "USA", "city"), ("Texas", "USA", "admin1"), ("Dallas", "USA", "city")]),
    ("Officials in Paris said the Eiffel Tower would reopen.", [("Paris", "FRA", "city")]),
    ("The Washington Post reported that Jordan Peterson spoke in May.", []),
    ("Russian troops shelled Kharkiv while Zelensky was in Washington.",
     [("Kharkiv", "UKR", "city"), ("Washington", "USA", "city")]),
    ("A Russian warship was hit in the Black Sea near Crimea.",
     [("Black Sea", None, "body of water"), ("Crimea", "UKR", "admin1")]),
    ("The talks in Kiev failed. Fighting continued in the Donbas and the Gaza Strip.",
     [("Kyiv", "UKR", "city"), ("Donbas", "UKR", "region"), ("Gaza Strip", "PSE", "region")]),
    ("Edmonton police said the man was arrested in Red Deer, Alta., on Monday.",
     [("Edmonton", "CAN", "city"), ("Red Deer", "CAN", "city"), ("Alberta", "CAN", "admin1")]),
    # a name tagged as an organisation with its article; a capital opening a sentence
    ("President Sargsyan paid an official visit to the Holy See.", [("Vatican City", "VAT", "country")]),
    ("Kabul was quiet on Friday.", [("Kabul", "AFG", "city")]),
    # a mention whose country was read off a place name is no evidence for that reading
    ("Organizers of a London rally thanked Canada. Wael Haddara, a London doctor, spoke at the rally.",
     [("London", "CAN", "city"), ("Canada", "CAN", "country"), ("London", "CAN", "city")]),
    # a name the model cut in two is one place; "the Gulf" is the Persian Gulf
    ("Work on the river in Baja California will start soon.", [("Baja California", "MEX", "admin1")]),
    ("Tickets are sold in Washington, D.C., and the U.S. Virgin Islands.",
     [("Washington", "USA", "city"), ("District of Columbia", "USA", "admin1"), ("U.S. Virgin Islands", "VIR", "country")]),
    ("Saudi Arabia imposed an embargo on a fellow US ally in the Gulf, Qatar.",
     [("Saudi Arabia", "SAU", "country"), ("United States", "USA", "country"), ("Persian Gulf", None, "body of water"),
      ("Qatar", "QAT", "country")]),
    # not places of their own: a saint's church or hospital, a direction word and a small town's name,
    # a town's name opening another name, the part of a name after "Little"
    ("Both women were taken to St. Michael's Hospital on Monday.", []),
    ("Kelly was once empowered to bring order to a turbulent West Wing.", []),
    ("She holds a degree in Divinity from Robinson College Cambridge.", [("Cambridge", "GBR", "city")]),
    ("She lived at the Little Portugal home she shared with her mother.", [("Little Portugal", "CAN", "city")]),
    # a list is no qualifier: "Russia, U.S. officials said" is not a town called Russia in the United States
    ("The reporting on Trump's entanglements in Russia, U.S. officials said on Wednesday, was accurate.",
     [("Russia", "RUS", "country"), ("United States", "USA", "country")]),
    # a name the text settles once is that place at every bare mention ("LONDON, Ky." then "London")
    ("LONDON, Ky. (WKYT) - London Police have arrested two people after a chase through London.",
     [("London", "USA", "city"), ("Kentucky", "USA", "admin1"), ("London", "USA", "city"), ("London", "USA", "city")]),
])
def test_places(text, expected):
    from detente.api import places

    found = places(text)
    assert [(p.name, p.country, p.feature) for p in found] == expected
    for p in found:
        assert text[p.start:p.end]  # offsets into the text


@pytest.mark.slow
def test_demonyms_only_when_asked():
    from detente.api import places

    text = "Turkish and Syrian officials met in Ankara."
    assert [p.country for p in places(text)] == ["TUR"]
    assert [p.country for p in places(text, demonyms=True)] == ["TUR", "SYR", "TUR"]
    # a two-word demonym is its country, not the continent of its second word
    assert [p.country for p in places("The South African grapefruit season starts.", demonyms=True)] == ["ZAF"]


@pytest.mark.slow
def test_places_stream_keeps_ids_and_reports_bad_lines():
    from detente.api import places_stream

    lines = ['{"id": "a1", "text": "Protesters gathered in Tbilisi, Georgia."}', "not json", '{"id": "a3"}']
    out = list(places_stream(lines))
    assert out[0]["id"] == "a1" and out[0]["places"][0]["text"] == "Tbilisi"
    assert set(out[0]["places"][0]) >= {"start", "end", "text", "name", "country", "lat", "lon", "geonameid", "feature"}
    assert "error" in out[1] and "error" in out[2]
    json.dumps(out)


# ------------------------------------------------------------------------ event locations (slow)

@pytest.mark.slow
@pytest.mark.parametrize("text, cameo_root, location", [
    ("Russian forces attacked Ukrainian positions in Kharkiv on Monday.", "19", "Kharkiv"),
    ("Putin met Kim Jong Un in Pyongyang on Wednesday.", "04", "Pyongyang"),
    ("Ukrainian drones attacked a Russian warship in the Black Sea.", "19", "Black Sea"),
    ("Putin warned South Korea on Thursday.", "13", None),                       # no place: none, never a guess
    ("North Korean troops fired artillery shells at South Korean soldiers across the border on Tuesday.", "19", None),
    ("North Korean troops fired artillery shells across the border into South Korea on Tuesday.", "19", "South Korea"),
    # force used on a city happens there; a clause with a subject of its own places that subject only
    ("Russian troops shelled Kharkiv while Zelensky was in Washington.", "19", "Kharkiv"),
    ("While in Vietnam, Putin criticized the United States.", "11", "Vietnam"),
    # a party named with its place is acted on there
    ("Protesters clashed with police in Tbilisi, Georgia.", "14", "Tbilisi"),
    # the finest place in the phrase: the city, not the country that modifies it
    ("Thousands of people rallied in the US capital city of Washington against the election result.", "14", "Washington"),
])
def test_event_location(text, cameo_root, location):
    from detente.api import extract

    events = [e for e in extract(text, published="2024-06-21") if e.cameo.startswith(cameo_root)]
    assert events, f"no {cameo_root} event in {text!r}"
    got = events[0].location.name if events[0].location else None
    assert got == location
    if location:
        assert any(r.startswith("location:") for r in events[0].rationale)


@pytest.mark.slow
def test_dateline_city_when_the_source_acts_at_home():
    from detente.api import extract_article

    article = extract_article("SEOUL, June 21 (Reuters) - South Korea summoned the Russian ambassador on Friday.",
                              published="2024-06-21")
    if article.dateline is None:
        pytest.skip("the clean stage reads no dateline here yet")
    events = [e for e in article.events if e.source.country == "KOR"]
    assert events and events[0].location is not None and events[0].location.name == "Seoul"
    assert any("dateline" in r for r in events[0].rationale)


@pytest.mark.slow
def test_visit_is_located_at_its_destination(seed_events):
    visits = [e for e in seed_events if e.cameo == "042" and e.location]
    assert visits and visits[0].location.name == "Pyongyang"
    assert abs(visits[0].location.lat - 39.03) < 0.1


@pytest.mark.slow
def test_no_location_is_guessed(seed_events):
    threats = [e for e in seed_events if e.cameo.startswith("13") and e.date == "2024-06-20"]
    assert threats and all(e.location is None for e in threats)


@pytest.mark.slow
def test_cli_places(tmp_path):
    from click.testing import CliRunner

    from detente.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["places", "--text", "Protesters gathered in Tbilisi, Georgia.", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["places"][1]["country"] == "GEO"
    result = runner.invoke(main, ["places", "-"], input='{"id": "a1", "text": "Clashes in Kharkiv."}\n')
    assert result.exit_code == 0 and json.loads(result.output)["id"] == "a1"
    result = runner.invoke(main, ["places"])
    assert result.exit_code == 2 and "error:" in result.output
