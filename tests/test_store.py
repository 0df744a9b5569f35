"""Event -> DuckDB -> Event round trip, and ingest identity."""
import pytest

from detente.model import Actor, Event, Location
from detente.store import Store


def make_event(**overrides):
    base = dict(
        id="e1", article_id="a1",
        source=Actor("Russian President Vladimir Putin", 10, 42, "RUS", "GOV", "Vladimir Putin", 1.0, "leaders.tsv"),
        target=Actor("South Korea", 60, 71, "KOR", None, None, 0.9, "countries.tsv"),
        cameo="130", cameo_name="Threaten", goldstein=-4.4, quad_class=3, plover="THREATEN", plover_mode=None,
        modality="asserted", trigger="warning", trigger_span=(50, 57), sentence="...", evidence=(0, 100),
        confidence=0.8, rationale=("trigger 'warning'", "date: 'on Thursday'"), date="2024-06-20",
        date_basis="relative", date_precision="day", date_text="on Thursday",
        location=Location("Pyongyang", "PRK", 39.03, 125.75, "city", 1871859, "12", 5, 14),
    )
    base.update(overrides)
    return Event(**base)


@pytest.mark.parametrize("event", [
    make_event(),
    make_event(id="e2", target=None, location=None, date=None, date_basis="unknown", date_precision=None, date_text=None, plover=None),
])
def test_round_trip(tmp_path, event):
    with Store(tmp_path / "t.duckdb") as store:
        store.add_events([event])
        assert store.event(event.id) == event
        assert store.events() == [event]


def test_json_round_trip():
    event = make_event()
    assert Event.from_dict(event.to_dict()) == event


def test_filters(tmp_path):
    with Store(tmp_path / "t.duckdb") as store:
        store.add_events([make_event(), make_event(id="e2", source=Actor("Japan", 0, 5, "JPN"), date="2024-05-01")])
        assert [e.id for e in store.events(actor="RUS")] == ["e1"]
        assert [e.id for e in store.events(actor="KOR")] == ["e1", "e2"] or len(store.events(actor="KOR")) == 2
        assert [e.id for e in store.events(since="2024-06-01")] == ["e1"]
        assert [e.id for e in store.events(cameo="13")] == ["e1", "e2"] or len(store.events(cameo="13")) == 2


@pytest.mark.slow
def test_ingest_twice_adds_nothing(tmp_path):
    from detente.api import ingest
    from tests.conftest import SEED

    db = tmp_path / "t.duckdb"
    first = ingest([SEED], db=db, published="2024-06-21")
    second = ingest([SEED], db=db, published="2024-06-21")
    assert (first.added, second.added, second.duplicates) == (1, 0, 1)
    with Store(db) as store:
        counts = store.counts()
        assert counts["articles"] == 1 and counts["events"] == first.events > 10
        top = store.dyads(top=3)
        assert top and top[0]["events"] >= 2
        asserted = {(d["source"], d["target"]): d["events"] for d in store.dyads(top=50)}
        everything = {(d["source"], d["target"]): d["events"] for d in store.dyads(top=50, modality=None)}
        assert asserted[("KOR", "UKR")] < everything[("KOR", "UKR")]  # the negated and hypothetical supplies
