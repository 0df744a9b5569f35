"""The HTTP API, in process: every endpoint on an ICEWS import and on coded articles, pagination,
one error shape for every error, writes (size limit, token rules), and SQL-injection strings in
every filter parameter."""
import threading
from urllib.parse import quote

import duckdb
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from detente.cli import main
from detente.errors import DetenteError
from detente.web import create_app

from conftest import SEED

ICEWS = "data/events/icews-sample/events.2018.sample.tab"
TABLES = {"articles", "events", "rejects", "stories", "story_mentions"}


@pytest.fixture(scope="module")
def icews_db(shared, tmp_path_factory):
    path = tmp_path_factory.mktemp("api") / "icews.duckdb"
    result = CliRunner().invoke(main, ["import", str(shared / ICEWS), "--format", "icews", "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def client(icews_db):
    with TestClient(create_app(icews_db), raise_server_exceptions=False) as test_client:
        yield test_client


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message"}
    assert body["error"]["status"] == status and body["error"]["message"]
    return body["error"]


# -- reading ----------------------------------------------------------------------------------------

def test_events_pagination_gives_total_and_disjoint_pages(client):
    first = client.get("/api/events", params={"limit": 10}).json()
    assert first["total"] == 3705 and first["limit"] == 10 and first["offset"] == 0
    assert len(first["items"]) == 10
    second = client.get("/api/events", params={"limit": 10, "offset": 10}).json()
    both = client.get("/api/events", params={"limit": 20}).json()
    assert [e["id"] for e in first["items"] + second["items"]] == [e["id"] for e in both["items"]]
    past = client.get("/api/events", params={"offset": 5000}).json()
    assert past["items"] == [] and past["total"] == 3705
    dates = [e["date"] for e in both["items"]]
    assert dates == sorted(dates, reverse=True)  # newest first


def test_event_filters(client):
    usa = client.get("/api/events", params={"actor": "usa", "limit": 1000}).json()
    assert 0 < usa["total"] < 3705
    assert all("USA" in (e["source"]["country"], (e["target"] or {}).get("country")) for e in usa["items"])
    dyad = client.get("/api/events", params={"dyad": "ISR-PSE", "limit": 1000}).json()
    pairs = {(e["source"]["country"], e["target"]["country"]) for e in dyad["items"]}
    assert pairs == {("ISR", "PSE"), ("PSE", "ISR")}
    source = client.get("/api/events", params={"source": "ISR", "target": "PSE", "limit": 1000}).json()
    assert 0 < source["total"] < dyad["total"]
    assert {e["source"]["country"] for e in source["items"]} == {"ISR"}
    window = client.get("/api/events", params={"since": "2018-06-02", "until": "2018-06-02", "limit": 1000}).json()
    assert window["total"] and {e["date"] for e in window["items"]} == {"2018-06-02"}
    cameo = client.get("/api/events", params={"cameo": "19", "limit": 1000}).json()
    assert cameo["total"] and all(e["cameo"].startswith("19") for e in cameo["items"])
    quad = client.get("/api/events", params={"quad": 4, "limit": 1000}).json()
    assert quad["total"] and {e["quad_class"] for e in quad["items"]} == {4}
    assert client.get("/api/events", params={"origin": "icews"}).json()["total"] == 3705
    assert client.get("/api/events", params={"origin": "detente"}).json()["total"] == 0
    assert client.get("/api/events", params={"modality": "negated"}).json()["total"] == 0


def test_event_pages_hold_the_event_records(client, icews_db):
    from detente.store import event_from_row
    from detente.web.app import event_dict

    with duckdb.connect(str(icews_db), read_only=True) as con:
        cursor = con.execute("SELECT * FROM events")
        names = [c[0] for c in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values))
            assert event_dict(row) == event_from_row(row).to_dict()


def test_one_imported_event(client):
    some = client.get("/api/events", params={"limit": 1}).json()["items"][0]
    found = client.get(f"/api/events/{some['id']}").json()
    assert found["event"] == some
    assert found["article"] is None and found["highlights"] == []  # ICEWS gives no text or spans
    assert client.get(f"/api/events/{some['id'][:10]}").json()["event"]["id"] == some["id"]


def test_dyads_locations_stories(client):
    dyads = client.get("/api/dyads", params={"top": 3}).json()["items"]
    assert len(dyads) == 3 and dyads[0]["events"] >= dyads[1]["events"]
    assert {"source", "target", "events", "goldstein_sum"} <= set(dyads[0])
    assert client.get("/api/dyads", params={"count": "stories", "top": 3}).json()["items"]
    places = client.get("/api/locations", params={"actor": "PRK"}).json()["items"]
    assert places and {"name", "country", "lat", "lon", "n", "event_ids"} <= set(places[0])
    assert 1 <= len(places[0]["event_ids"]) <= 5 and places[0]["n"] >= places[-1]["n"]
    # the map takes the events table's filters, a dyad among them
    dyad = {"dyad": "PSE-ISR", "quad": 4}
    listed = client.get("/api/events", params={**dyad, "limit": 1000}).json()["items"]
    located = {e["id"] for e in listed if e["location"] and e["location"]["lat"] is not None}
    mapped = client.get("/api/locations", params=dyad).json()["items"]
    assert located and sum(p["n"] for p in mapped) == len(located)
    assert {i for p in mapped for i in p["event_ids"]} <= located
    stories = client.get("/api/stories", params={"limit": 5}).json()
    assert len(stories["items"]) == 5 and stories["total"] <= 3705 and stories["items"][0]["mention_ids"]


def test_analysis_endpoints(client):
    dyad = client.get("/api/dyad", params={"a": "USA", "b": "PRK", "by": "day"})
    assert dyad.status_code == 200, dyad.text
    body = dyad.json()
    assert (body["a"], body["b"], body["by"], body["directed"], body["count"]) == ("USA", "PRK", "day", False, "mentions")
    assert body["series"] and {"period", "n", "verbal_coop", "goldstein_sum"} <= set(body["series"][0])
    network = client.get("/api/network").json()
    assert network["nodes"] and network["edges"] and network["level"] == "country"
    alerts = client.get("/api/alerts", params={"by": "day", "window": 3, "min_events": 1})
    assert alerts.status_code == 200 and isinstance(alerts.json()["items"], list)
    actors = client.get("/api/actors", params={"q": "korea", "limit": 5}).json()["items"]
    assert actors and len(actors) <= 5
    profile = client.get("/api/actors/PRK")
    assert profile.status_code == 200, profile.text
    assert profile.json()["code"] == "PRK" and profile.json()["events"] > 0


def test_openapi_lists_the_endpoints(client):
    spec = client.get("/openapi.json")
    assert spec.status_code == 200 and spec.headers["content-type"].startswith("application/json")
    paths = spec.json()["paths"]
    for path in ("/api/events", "/api/events/{event_id}", "/api/dyads", "/api/dyad", "/api/network", "/api/alerts",
                 "/api/actors", "/api/actors/{code}", "/api/locations", "/api/stories", "/api/articles"):
        assert path in paths
    assert "post" in paths["/api/articles"]
    assert_error(client.get("/docs"), 404)  # no CDN-backed pages: the users may be offline


# -- errors -----------------------------------------------------------------------------------------

def test_error_shape(client):
    assert assert_error(client.get("/api/nothing"), 404)["code"] == "not_found"
    assert_error(client.get("/api/events/0123456789abcdef"), 404)
    error = assert_error(client.delete("/api/events"), 405)
    assert error["code"] == "method_not_allowed"
    assert "limit" in assert_error(client.get("/api/events", params={"limit": 0}), 422)["message"]
    assert_error(client.get("/api/events", params={"limit": 1001}), 422)
    assert_error(client.get("/api/events", params={"offset": -1}), 422)
    assert_error(client.get("/api/events", params={"since": "June 2018"}), 422)
    assert_error(client.get("/api/dyad", params={"a": "USA"}), 422)  # b missing
    assert_error(client.get("/api/dyad", params={"a": "USA", "b": "PRK", "by": "year"}), 422)
    assert_error(client.post("/api/articles", content=b"{not json", headers={"content-type": "application/json"}), 422)
    assert_error(client.post("/api/articles", json={"text": ""}), 422)
    assert_error(client.post("/api/articles", json={"text": "x", "published": "yesterday"}), 422)


def test_unexpected_errors_are_500s_without_a_traceback(icews_db, monkeypatch):
    from detente.store import Store

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals at /home/user/db")

    monkeypatch.setattr(Store, "dyads", broken)
    with TestClient(create_app(icews_db, cache=0), raise_server_exceptions=False) as client:
        response = client.get("/api/dyads")
    error = assert_error(response, 500)
    assert error["code"] == "internal_error"
    assert "secret" not in response.text and "Traceback" not in response.text


def test_body_size_limit(icews_db):
    with TestClient(create_app(icews_db, max_body=1000), raise_server_exceptions=False) as small:
        text = "Russia warned Japan. " * 100
        assert_error(small.post("/api/articles", json={"text": text}), 413)

        def chunks():  # no Content-Length: the limit counts the stream
            for _ in range(10):
                yield b'{"text": "' + b"a" * 200

        assert_error(small.post("/api/articles", content=chunks(), headers={"content-type": "application/json"}), 413)


def test_token_rules(icews_db):
    with pytest.raises(DetenteError, match="token"):
        create_app(icews_db, loopback=False)
    with TestClient(create_app(icews_db, token="s3cret", loopback=False), raise_server_exceptions=False) as remote:
        body = {"text": "Russia warned Japan on Monday."}
        assert assert_error(remote.post("/api/articles", json=body), 401)["code"] == "unauthorized"
        assert_error(remote.post("/api/articles", json=body, headers={"Authorization": "Bearer wrong"}), 401)
        assert remote.get("/api/events", params={"limit": 1}).status_code == 200  # reads need no token


def test_serve_refuses_without_a_token_off_loopback(icews_db, tmp_path):
    result = CliRunner().invoke(main, ["serve", "--db", str(icews_db), "--host", "0.0.0.0"], env={"DETENTE_TOKEN": ""})
    assert result.exit_code == 2 and "token" in result.output
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "no database" in result.output


# -- SQL injection ----------------------------------------------------------------------------------

INJECTIONS = ["' OR 1=1 --", "RUS'; DROP TABLE events; --", '") UNION SELECT * FROM articles --', "%' OR '1'='1",
              "1; DROP TABLE articles", "USA' OR 'a'='a"]
BENIGN = "ZZZ"
# every filter parameter of every GET endpoint, with the required ones' benign values
ENDPOINTS = {
    "/api/events": ({}, ["actor", "source", "target", "dyad", "since", "until", "cameo", "quad", "modality", "origin",
                         "limit", "offset"]),
    "/api/dyads": ({}, ["top", "since", "count", "modality"]),
    "/api/dyad": ({"a": "USA", "b": "PRK"}, ["a", "b", "by", "directed", "count", "since", "until", "modality", "origin"]),
    "/api/network": ({}, ["since", "until", "level", "count", "min_events", "modality", "origin"]),
    "/api/alerts": ({}, ["since", "until", "by", "method", "window", "threshold", "min_events", "origin"]),
    "/api/actors": ({}, ["q", "limit"]),
    "/api/actors/PRK": ({}, ["since", "until", "by", "top"]),
    "/api/locations": ({}, ["actor", "source", "target", "dyad", "since", "until", "cameo", "quad", "modality",
                            "origin", "limit"]),
    "/api/stories": ({}, ["actor", "since", "until", "cameo", "modality", "origin", "min_articles", "limit", "offset"]),
}


def size(body: dict) -> int:
    """How much data a response carries: rows, series points, nodes and edges, partners."""
    if "total" in body:
        return max(body["total"], len(body["items"]))
    if "items" in body:
        return len(body["items"])
    if "series" in body:
        return sum(p["n"] for p in body["series"])
    if "nodes" in body:
        return len(body["nodes"]) + len(body["edges"])
    return body.get("events", 0)


def test_sql_injection_in_every_filter_is_refused_or_empty(client, icews_db):
    for path, (required, names) in ENDPOINTS.items():
        for name in names:
            benign = client.get(path, params={**required, name: BENIGN})
            assert benign.status_code < 500, (path, name, benign.text)
            ceiling = size(benign.json()) if benign.status_code == 200 else 0
            for attack in INJECTIONS:
                response = client.get(path, params={**required, name: attack})
                assert response.status_code < 500, (path, name, attack, response.text)
                if response.status_code == 200:
                    assert size(response.json()) <= ceiling, (path, name, attack)
                else:
                    assert_error(response, response.status_code)
    for template in ("/api/events/{}", "/api/actors/{}"):
        for attack in INJECTIONS:
            response = client.get(template.format(quote(attack, safe="")))
            assert 400 <= response.status_code < 500, (template, attack, response.text)
    counts = client.get("/api/events", params={"limit": 1}).json()["total"]
    assert counts == 3705
    with duckdb.connect(str(icews_db), read_only=True) as con:  # same configuration as the app's: shared
        assert TABLES <= {row[0] for row in con.execute("SHOW TABLES").fetchall()}
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 3705


# -- coded articles (slow: the spaCy model) ---------------------------------------------------------

@pytest.mark.slow
def test_post_article_then_read_its_evidence(tmp_path):
    db = tmp_path / "coded.duckdb"
    from detente.store import Store

    Store(db).close()
    text = SEED.read_text(encoding="utf-8")
    with TestClient(create_app(db), raise_server_exceptions=False) as client:
        stop = threading.Event()
        failures = []

        def read_while_writing():
            while not stop.is_set():
                response = client.get("/api/events", params={"limit": 5})
                if response.status_code != 200:
                    failures.append(response.text)

        readers = [threading.Thread(target=read_while_writing) for _ in range(3)]
        for reader in readers:
            reader.start()
        try:
            posted = client.post("/api/articles", json={"text": text, "published": "2024-06-21", "title": "Seed"})
        finally:
            stop.set()
            for reader in readers:
                reader.join()
        assert failures == []
        assert posted.status_code == 201, posted.text
        body = posted.json()
        assert body["new"] is True and len(body["events"]) >= 6
        again = client.post("/api/articles", json={"text": text, "published": "2024-06-21"}).json()
        assert again["new"] is False and again["article_id"] == body["article_id"]
        assert sorted(e["id"] for e in again["events"]) == sorted(e["id"] for e in body["events"])

        listed = client.get("/api/events", params={"origin": "detente", "limit": 1000}).json()
        assert listed["total"] == len(body["events"])
        assert sorted(listed["items"], key=lambda e: e["id"]) == sorted(body["events"], key=lambda e: e["id"])
        threat = next(e for e in listed["items"] if e["cameo"] == "130" and e["target"]["country"] == "KOR")
        found = client.get(f"/api/events/{threat['id']}").json()
        assert found["article"] == {"id": body["article_id"], "title": "Seed", "published": "2024-06-21",
                                    "source": None}
        sentence = found["sentence"]
        spans = {h["role"]: h for h in found["highlights"]}
        assert {"source", "trigger", "target"} <= set(spans)
        for span in found["highlights"]:
            assert sentence[span["start"]:span["end"]] == span["text"]
        assert spans["source"]["text"] == threat["source"]["text"]
        assert spans["trigger"]["text"] == threat["trigger"]
        assert spans["target"]["text"] == threat["target"]["text"]
        # the offsets are the same places in the article's text
        start = threat["evidence"][0]
        assert text.find(sentence) >= 0 or sentence in " ".join(text.split())
        assert threat["trigger_span"][0] - start == spans["trigger"]["start"]

        located = [e for e in listed["items"] if e["location"] and e["location"].get("start") is not None]
        for event in located:
            spans = {h["role"]: h for h in client.get(f"/api/events/{event['id']}").json()["highlights"]}
            if "location" in spans:
                assert spans["location"]["text"] in event["sentence"]
    assert_codes_begin_with_their_country(db)  # coded events keep to it too


@pytest.mark.slow
def test_post_with_token(icews_db, tmp_path):
    import shutil

    db = tmp_path / "copy.duckdb"
    shutil.copy(icews_db, db)
    with TestClient(create_app(db, token="s3cret", loopback=False), raise_server_exceptions=False) as remote:
        assert remote.get("/api/events", params={"origin": "detente"}).json()["total"] == 0  # now cached
        response = remote.post("/api/articles", json={"text": "Russia warned Japan on Monday.", "published": "2024-06-21"},
                               headers={"Authorization": "Bearer s3cret"})
        assert response.status_code == 201, response.text
        assert response.json()["new"] is True and response.json()["events"][0]["cameo"] == "130"
        # the write emptied the cache of reads
        assert remote.get("/api/events", params={"origin": "detente"}).json()["total"] == len(response.json()["events"])


# -- the response cache and the query limit (no data needed) ---------------------------------------

class _Generation:
    generation = 0


def _run_cache(cache, paths: list[str]) -> list[bytes]:
    """Sends GET requests for `paths` through `cache` at once; the bodies each got."""
    import asyncio

    async def one(path: str) -> bytes:
        sent = []

        async def send(message):
            sent.append(message)

        await cache({"type": "http", "method": "GET", "path": path, "query_string": b""}, None, send)
        assert sent[0]["status"] == 200
        return b"".join(m.get("body", b"") for m in sent[1:])

    async def all_of():
        return await asyncio.gather(*(one(p) for p in paths))

    return asyncio.run(all_of())


def _counting_app(calls: list[str], size: int = 10):
    import asyncio

    async def app(scope, receive, send):
        calls.append(scope["path"])
        await asyncio.sleep(0.01)  # still computing when the other requests arrive
        body = f"{scope['path']}:{len(calls)}".encode().ljust(size, b" ")
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
    return app


def test_read_cache_computes_concurrent_identical_requests_once():
    from detente.web.app import _ReadCache

    calls: list[str] = []
    database = _Generation()
    cache = _ReadCache(_counting_app(calls), database, size=10)
    bodies = _run_cache(cache, ["/api/network"] * 5 + ["/api/dyads"])
    assert sorted(calls) == ["/api/dyads", "/api/network"]
    assert len(set(bodies[:5])) == 1
    assert _run_cache(cache, ["/api/network"]) == bodies[:1] and len(calls) == 2  # kept
    database.generation += 1  # a write
    assert _run_cache(cache, ["/api/network"]) != bodies[:1] and len(calls) == 3


def test_read_cache_keeps_to_its_byte_budget():
    from detente.web.app import _ReadCache

    calls: list[str] = []
    cache = _ReadCache(_counting_app(calls, size=1000), _Generation(), size=100, max_bytes=8000)
    _run_cache(cache, [f"/api/events/{n}" for n in range(20)])
    assert cache.bytes <= 8000 and len(cache.entries) == 8
    assert list(cache.entries)[-1] == ("/api/events/19", b"")  # the newest stay


def test_reads_run_one_query_a_core(icews_db):
    import anyio.to_thread

    with TestClient(create_app(icews_db, queries=3)) as client:
        assert client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens) == 3


def test_actor_codes_begin_with_their_country(icews_db):
    assert_codes_begin_with_their_country(icews_db)


def assert_codes_begin_with_their_country(db) -> None:
    """`actor_match` finds a country by its code prefix alone: every stored actor's code starts
    with its country."""
    with duckdb.connect(str(db), read_only=True) as con:
        for table in ("events", "stories"):
            for side in ("source", "target"):
                broken = con.execute(f"SELECT count(*) FROM {table} WHERE {side}_country IS NOT NULL AND "
                                     f"({side}_code IS NULL OR NOT starts_with({side}_code, {side}_country))").fetchone()[0]
                assert broken == 0, (table, side)


def test_dashboard_files_come_from_memory_with_etags(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    script = client.get("/static/vendor/echarts.min.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert len(script.content) > 500_000
    again = client.get("/static/vendor/echarts.min.js", headers={"If-None-Match": script.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    for missing in ("/static/nope.js", "/static/../app.py", "/static/%2e%2e/web/app.py"):
        assert_error(client.get(missing), 404)
    assert_error(client.post("/static/app.js"), 405)
