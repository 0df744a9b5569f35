"""Places: exact-name resolution in the article's context; events get only places the text attaches."""
import pytest

from detente.stages.where import resolve_place

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name, context, country", [
    ("Pyongyang", set(), "PRK"),
    ("Kiev", set(), "UKR"),          # exact name, never the substring match Yenakiyeve
    ("Kyiv", set(), "UKR"),
    ("Kharkiv", set(), "UKR"),
    ("Vietnam", set(), "VNM"),
    ("Paris", set(), "FRA"),
    ("Paris", {"USA"}, "USA"),       # the article's country context settles ambiguity
])
def test_resolve_place(name, context, country):
    place = resolve_place(name, context)
    assert place is not None and place.country == country
    assert place.lat is not None and place.lon is not None


def test_visit_is_located_at_its_destination(seed_events):
    visits = [e for e in seed_events if e.cameo == "042" and e.location]
    assert visits and visits[0].location.name == "Pyongyang"
    assert abs(visits[0].location.lat - 39.03) < 0.1


def test_no_location_is_guessed(seed_events):
    threats = [e for e in seed_events if e.cameo.startswith("13") and e.date == "2024-06-20"]
    assert threats and all(e.location is None for e in threats)
