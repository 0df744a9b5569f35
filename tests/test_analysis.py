"""The state of the system: dyad series, the network, escalation alerts and actor profiles, on
hand-made events (exact numbers), on the ICEWS sample, and on coded articles."""
import json

import networkx as nx
import pytest
from click.testing import CliRunner

from detente import api
from detente.cli import main
from detente.errors import DetenteError
from detente.model import Actor, Event
from detente.store import Store

from conftest import SEED, SHARED

CODES = {1: ("040", "CONSULT"), 2: ("070", "AID"), 3: ("111", "ACCUSE"), 4: ("190", "ASSAULT")}


def ev(id, src, tgt, quad, goldstein, day, modality="asserted", article=None):
    """An event of `src` on `tgt`: a country code (RUS) or country + sector (RUSMIL)."""
    cameo, plover = CODES[quad]
    return Event(id=id, article_id=article or f"art-{id}", source=Actor(src, 0, 3, src[:3], src[3:] or None),
                 target=Actor(tgt, 10, 13, tgt[:3], tgt[3:] or None), cameo=cameo, cameo_name="",
                 goldstein=goldstein, quad_class=quad, plover=plover, plover_mode=None, modality=modality,
                 trigger="x", trigger_span=(5, 6), sentence="x", evidence=(0, 13), confidence=0.8, date=day,
                 date_basis="relative" if day else "unknown", date_precision="day" if day else None)


def build(path, events):
    with Store(path) as store:
        store.con.execute("BEGIN TRANSACTION")
        store.add_events(events)
        store.commit([e.id for e in events])
    return str(path)


# -- dyads -------------------------------------------------------------------------------------------

DYAD_EVENTS = [
    ev("e1", "RUS", "KOR", 1, 1.0, "2024-06-03"),  # Monday
    ev("e2", "RUS", "KOR", 3, -4.0, "2024-06-05"),
    ev("e3", "RUS", "KOR", 3, -4.0, "2024-06-05"),  # another report of e2: one story
    ev("e4", "KOR", "RUS", 2, 7.0, "2024-06-09"),  # Sunday: still the week of June 3
    ev("e5", "RUSMIL", "KOR", 4, -10.0, "2024-06-20"),
    ev("e6", "KOR", "RUS", 1, 3.0, "2024-07-01", modality="negated"),
    ev("e7", "RUS", "KOR", 4, -10.0, None),  # undated: in no period
    ev("e8", "RUS", "CHN", 1, 5.0, "2024-06-04"),
]


@pytest.fixture(scope="module")
def dyad_db(tmp_path_factory):
    return build(tmp_path_factory.mktemp("dyads") / "d.duckdb", DYAD_EVENTS)


def rows(series):
    return [(p.period, p.n, p.verbal_coop, p.material_coop, p.verbal_conflict, p.material_conflict, p.goldstein_sum,
             p.goldstein_mean) for p in series]


def test_dyad_by_week_undirected(dyad_db):
    assert rows(api.dyad_series(dyad_db, "RUS", "KOR", by="week")) == [
        ("2024-06-03", 4, 1, 1, 2, 0, 0.0, 0.0),
        ("2024-06-10", 0, 0, 0, 0, 0, 0.0, None),  # a quiet week between two busy ones
        ("2024-06-17", 1, 0, 0, 0, 1, -10.0, -10.0),
    ]
    # either order of the pair is the same undirected dyad
    assert api.dyad_series(dyad_db, "kor", "rus") == api.dyad_series(dyad_db, "RUS", "KOR")


def test_dyad_directed_month_and_day(dyad_db):
    assert rows(api.dyad_series(dyad_db, "RUS", "KOR", by="week", directed=True))[0] == (
        "2024-06-03", 3, 1, 0, 2, 0, -7.0, -2.333)
    assert rows(api.dyad_series(dyad_db, "KOR", "RUS", by="month", directed=True)) == [
        ("2024-06-01", 1, 0, 1, 0, 0, 7.0, 7.0)]
    assert rows(api.dyad_series(dyad_db, "RUS", "KOR", by="month")) == [("2024-06-01", 5, 1, 1, 2, 1, -10.0, -2.0)]
    by_day = api.dyad_series(dyad_db, "RUS", "KOR", by="day", since="2024-06-04", until="2024-06-09")
    assert [(p.period, p.n) for p in by_day] == [("2024-06-05", 2), ("2024-06-06", 0), ("2024-06-07", 0),
                                                 ("2024-06-08", 0), ("2024-06-09", 1)]


def test_dyad_modality_actor_codes_and_stories(dyad_db):
    # the negated July event counts only when every modality does
    assert [p.period for p in api.dyad_series(dyad_db, "RUS", "KOR", by="month", modality=None)] == [
        "2024-06-01", "2024-07-01"]
    assert rows(api.dyad_series(dyad_db, "RUSMIL", "KOR", by="week")) == [("2024-06-17", 1, 0, 0, 0, 1, -10.0, -10.0)]
    # e2 and e3 are one story event: three stories in the first week, not four mentions
    assert rows(api.dyad_series(dyad_db, "RUS", "KOR", by="week", count="stories"))[0] == (
        "2024-06-03", 3, 1, 1, 1, 0, 4.0, 1.333)


def test_dyad_errors_quote_the_input(dyad_db, tmp_path):
    with pytest.raises(DetenteError, match="'XXX'"):
        api.dyad_series(dyad_db, "RUS", "XXX")
    with pytest.raises(DetenteError, match="'fortnight'"):
        api.dyad_series(dyad_db, "RUS", "KOR", by="fortnight")
    with pytest.raises(DetenteError, match="'2024-02-30'"):
        api.dyad_series(dyad_db, "RUS", "KOR", since="2024-02-30")
    with pytest.raises(DetenteError, match="no database"):
        api.dyad_series(tmp_path / "none.duckdb", "RUS", "KOR")


# -- the network -------------------------------------------------------------------------------------

def pairs(a, b, quad, goldstein, n, day="2023-05-10"):
    return [ev(f"{a}{b}{quad}{i}", a, b, quad, goldstein, day) for i in range(n)]


NETWORK_EVENTS = (pairs("USA", "GBR", 1, 3.0, 3) + pairs("FRA", "USA", 1, 3.0, 2) + pairs("GBR", "FRA", 2, 6.0, 2)
                  + pairs("RUS", "CHN", 1, 3.0, 3) + pairs("IRN", "RUS", 1, 3.0, 2) + pairs("CHN", "IRN", 2, 6.0, 2)
                  + pairs("USA", "RUS", 4, -10.0, 2) + pairs("GBR", "CHN", 3, -2.0, 1)
                  + pairs("USA", "USA", 1, 3.0, 1)  # domestic: no edge
                  + pairs("USA", "CHN", 4, -10.0, 5, day="2022-01-01"))  # outside the window


@pytest.fixture(scope="module")
def network_db(tmp_path_factory):
    return build(tmp_path_factory.mktemp("network") / "n.duckdb", NETWORK_EVENTS)


def test_network_two_camps(network_db):
    graph = api.network(network_db, since="2023-01-01", until="2023-12-31")
    blocs = {n.id: n.bloc for n in graph.nodes}
    assert blocs == {"CHN": 0, "IRN": 0, "RUS": 0, "FRA": 1, "GBR": 1, "USA": 1}
    edges = {(e.source, e.target): e for e in graph.edges}
    assert len(edges) == 8 and ("USA", "USA") not in edges and ("CHN", "USA") not in edges
    assert edges[("RUS", "USA")].weight == -1.0 and edges[("RUS", "USA")].goldstein_sum == -20.0
    assert (edges[("GBR", "USA")].n, edges[("GBR", "USA")].coop, edges[("GBR", "USA")].weight) == (3, 3, 1.0)
    usa = next(n for n in graph.nodes if n.id == "USA")
    assert (usa.label, usa.events, usa.coop, usa.conflict) == ("United States", 7, 5, 2)
    assert graph.to_dict()["since"] == "2023-01-01" and graph.level == "country"
    thin = api.network(network_db, since="2023-01-01", min_events=2)
    assert ("CHN", "GBR") not in {(e.source, e.target) for e in thin.edges}
    read = nx.parse_graphml(graph.to_graphml())
    assert read.edges["RUS", "USA"]["weight"] == -1.0 and read.nodes["USA"]["bloc"] == 1


def test_network_without_cooperation_has_no_blocs(network_db):
    graph = api.network(network_db, until="2022-12-31")
    assert [(n.id, n.bloc) for n in graph.nodes] == [("CHN", None), ("USA", None)]
    assert api.network(network_db, level="actor", since="2023-01-01").level == "actor"


# -- alerts ------------------------------------------------------------------------------------------

def weeks(n, start="2024-01-01"):
    from datetime import date, timedelta

    first = date.fromisoformat(start)
    return [(first + timedelta(weeks=i)).isoformat() for i in range(n)]


W = weeks(12)
ALERT_EVENTS = (
    # steady conflict, however high, is its own baseline
    [ev(f"s{w}{i}", "ISR", "PSE", 4, -5.0, day) for w, day in enumerate(W) for i in range(3)]
    # a low simmer, then a jump in week 11 (2024-03-11), then back
    + [ev(f"a{w}", "ARM", "AZE", 3, -2.0, day) for w, day in enumerate(W) if w != 10]
    + [ev("z1", "AZE", "ARM", 4, -8.0, W[10]), ev("z2", "ARM", "AZE", 4, -10.0, W[10]),
       ev("z3", "ARM", "AZE", 4, -9.0, W[10]), ev("z4", "AZE", "ARM", 4, -10.0, W[10])]
    # a one-off: too few events to alert, however violent
    + [ev("o1", "MLI", "NER", 4, -10.0, W[10])]
)


@pytest.fixture(scope="module")
def alert_db(tmp_path_factory):
    return build(tmp_path_factory.mktemp("alerts") / "a.duckdb", ALERT_EVENTS)


def test_zscore_alert_on_the_jump_only(alert_db):
    found = api.alerts(alert_db)
    assert [(a.source, a.target, a.period) for a in found] == [("ARM", "AZE", "2024-03-11")]
    alert = found[0]
    assert (alert.observed, alert.baseline_mean, alert.baseline_sd, alert.score, alert.method) == (
        37.0, 2.0, 0.0, 35.0, "zscore")
    assert alert.event_ids == ("z2", "z4", "z3", "z1")  # most conflictual first
    assert alert.to_dict()["event_ids"] == ["z2", "z4", "z3", "z1"]


def test_alert_parameters(alert_db):
    assert api.alerts(alert_db, since="2024-03-11")[0].period == "2024-03-11"  # baseline from before `since`
    assert api.alerts(alert_db, since="2024-03-18") == []
    assert api.alerts(alert_db, min_events=5) == []
    # the one-off counts once one event is enough
    assert ("MLI", "NER") in {(a.source, a.target) for a in api.alerts(alert_db, min_events=1)}
    assert api.alerts(alert_db, window=11) == []  # no period has 11 weeks of data before it and a jump
    cusum = api.alerts(alert_db, method="cusum", threshold=4.0)
    assert [(a.source, a.period, a.score, a.method) for a in cusum] == [("ARM", "2024-03-11", 34.5, "cusum")]
    # by month, March (41 against February's 8) stands out, and so does the one-off against nothing
    monthly = api.alerts(alert_db, by="month", window=1, min_events=1)
    assert [(a.source, a.period, a.observed, a.score) for a in monthly] == [
        ("ARM", "2024-03-01", 41.0, 33.0), ("MLI", "2024-03-01", 10.0, 10.0)]
    with pytest.raises(DetenteError, match="'ewma'"):
        api.alerts(alert_db, method="ewma")


# -- actors ------------------------------------------------------------------------------------------

def test_actor_profile(dyad_db):
    profile = api.actor_profile(dyad_db, "RUS")
    assert (profile.code, profile.name, profile.events) == ("RUS", "Russia", 7)
    assert [(p["code"], p["n"], p["goldstein_sum"]) for p in profile.partners] == [("CHN", 1, 5.0)]
    assert [(p["code"], p["n"], p["goldstein_sum"]) for p in profile.opponents] == [("KOR", 6, -20.0)]
    assert profile.mix == [{"period": "2024-06-01", "verbal_coop": 2, "material_coop": 1, "verbal_conflict": 2,
                            "material_conflict": 1}]
    mil = api.actor_profile(dyad_db, "rusmil")
    assert (mil.name, mil.events, [p["code"] for p in mil.opponents]) == ("Russia military", 1, ["KOR"])
    assert api.actor_profile(dyad_db, "RUS", since="2024-06-10").events == 1
    with pytest.raises(DetenteError, match="'QQQ'"):
        api.actor_profile(dyad_db, "QQQ")


def test_actor_list(dyad_db):
    items = api.actor_list(dyad_db)
    assert items[:2] == [{"code": "RUS", "name": "Russia", "country": "RUS", "events": 8},
                         {"code": "KOR", "name": "South Korea", "country": "KOR", "events": 7}]
    assert {i["code"] for i in api.actor_list(dyad_db, q="rus")} == {"RUS", "RUSMIL"}
    assert [i["code"] for i in api.actor_list(dyad_db, q="military")] == ["RUSMIL"]
    assert len(api.actor_list(dyad_db, limit=2)) == 2


# -- the commands ------------------------------------------------------------------------------------

def test_cli_dyad_network_alerts_actor(dyad_db, network_db, alert_db, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["dyad", "RUS", "KOR", "--by", "month", "--db", dyad_db, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["goldstein_sum"] == -10.0
    table = runner.invoke(main, ["dyad", "RUS", "KOR", "--db", dyad_db])
    assert "2024-06-10" in table.output and "verbal_conflict" in table.output
    bad = runner.invoke(main, ["dyad", "RUS", "KOR", "--db", dyad_db, "--since", "June"])
    assert bad.exit_code == 2 and "'June'" in bad.output and "YYYY-MM-DD" in bad.output
    unknown = runner.invoke(main, ["dyad", "RUS", "ZZZ", "--db", dyad_db])
    assert unknown.exit_code == 2 and "'ZZZ'" in unknown.output and "Traceback" not in unknown.output

    out = tmp_path / "n.graphml"
    result = runner.invoke(main, ["network", "--db", network_db, "--since", "2023-01-01", "--format", "graphml", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert nx.read_graphml(out).number_of_nodes() == 6
    result = runner.invoke(main, ["network", "--db", network_db, "--since", "2023-01-01", "--format", "json"])
    assert len(json.loads(result.output)["edges"]) == 8
    assert "United States" in runner.invoke(main, ["network", "--db", network_db]).output

    result = runner.invoke(main, ["alerts", "--db", alert_db, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["event_ids"][0] == "z2"
    assert "ARM" in runner.invoke(main, ["alerts", "--db", alert_db, "--method", "cusum", "--threshold", "4"]).output

    result = runner.invoke(main, ["actor", "RUS", "--db", dyad_db, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["opponents"][0]["code"] == "KOR"
    assert "partners" in runner.invoke(main, ["actor", "RUS", "--db", dyad_db]).output
    assert "RUSMIL" in runner.invoke(main, ["actor", "--search", "rus", "--db", dyad_db]).output
    missing = runner.invoke(main, ["actor", "RUS", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 2 and "no database" in missing.output


# -- the ICEWS sample --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def icews_db(tmp_path_factory):
    sample = SHARED / "data" / "events" / "icews-sample" / "events.2018.sample.tab"
    if not sample.exists():
        pytest.skip(f"the ICEWS sample is not at {sample}; set DETENTE_SHARED to the shared folder")
    from detente.io.interchange import import_files

    db = tmp_path_factory.mktemp("icews") / "icews.duckdb"
    import_files([sample], "icews", db=db)
    return str(db)


def test_icews_dyad_matches_sql(icews_db):
    import duckdb

    series = api.dyad_series(icews_db, "USA", "PRK", by="day")
    with duckdb.connect(icews_db, read_only=True) as con:
        expected = con.execute(
            "SELECT date, count(*), sum(goldstein) FROM events WHERE modality = 'asserted' AND "
            "((source_country = 'USA' AND target_country = 'PRK') OR (source_country = 'PRK' AND target_country = 'USA')) "
            "GROUP BY date ORDER BY date").fetchall()
    assert [(p.period, p.n, p.goldstein_sum) for p in series] == [(d.isoformat(), n, round(g, 3)) for d, n, g in expected]
    assert [p.n for p in series] == [200, 112]
    assert sum(p.n for p in api.dyad_series(icews_db, "USA", "PRK", count="stories")) < 312
    assert api.dyad_series(icews_db, "USAGOV", "PRKGOV", directed=True)[0].n > 0


def test_icews_network_alerts_actor(icews_db):
    graph = api.network(icews_db, min_events=3)
    edges = {(e.source, e.target): e for e in graph.edges}
    assert edges[("PRK", "USA")].n == 312 and edges[("PRK", "USA")].weight > 0.9
    assert {n.id for n in graph.nodes} >= {"USA", "PRK", "CHN", "RUS"}
    assert any(n.bloc is not None for n in graph.nodes)
    # two days of data: a day's baseline is the day before
    found = api.alerts(icews_db, by="day", window=1)
    assert found and all(a.period == "2018-06-02" and a.event_ids for a in found)
    assert ("ISR", "PSE") in {(a.source, a.target) for a in found}
    profile = api.actor_profile(icews_db, "USA")
    assert profile.partners[0]["code"] == "PRK" and profile.opponents and profile.mix[0]["period"] == "2018-06-01"
    assert api.actor_list(icews_db, q="korea")[0]["code"] == "PRK"


# -- coded articles (slow: the spaCy model) ----------------------------------------------------------

@pytest.mark.slow
def test_coded_articles(tmp_path):
    db = str(tmp_path / "coded.duckdb")
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(SEED.parent), "--db", db, "--published", "2024-06-21"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["dyad", "RUS", "KOR", "--db", db, "--by", "day", "--format", "json"])
    assert result.exit_code == 0, result.output
    series = json.loads(result.output)
    assert series and series[0]["period"] >= "2024-06-01" and sum(p["verbal_conflict"] for p in series) >= 1
    graph = api.network(db)
    assert {"RUS", "KOR"} <= {n.id for n in graph.nodes}
    profile = api.actor_profile(db, "RUS")
    assert profile.events >= 1 and "KOR" in {p["code"] for p in profile.opponents}
    assert runner.invoke(main, ["alerts", "--db", db]).exit_code == 0
