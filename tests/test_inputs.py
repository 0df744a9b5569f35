"""Every input, and nothing lost: files, directories, standard input, JSONL/CSV with named fields,
RSS/Atom, WARC, URLs (with the SSRF guard), language detection, and a kind for every rejection.

The bad-input corpus (tests/data/bad_inputs, its MANIFEST.tsv) is ingested whole and every input
must be accounted for: stored, already stored, or rejected with exactly the expected kind.
Nothing here touches the internet: fetching runs against a local server on 127.0.0.1."""
from __future__ import annotations

import gzip
import io
import json
import os
import pickle
import re
import threading
import time
from collections import Counter
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from detente.api import IngestSummary, _ingest_items, ingest
from detente.cli import ingest_summary, main
from detente.errors import REJECT_KINDS, InputError
from detente.io import fetch, language
from detente.io.feeds import read_feed_bytes, root_element
from detente.io.readers import (MAX_BYTES, RecordFields, Rejected, expand_paths, read_records, read_stdin,
                                record_fields)
from detente.io.warc import read_warc
from detente.model import Article
from detente.stages import clean
from detente.store import Store

HERE = Path(__file__).parent
BAD = (HERE / "data" / "bad_inputs").resolve()
WIKINEWS = HERE.parent.parent / "shared" / "data" / "corpus" / "wikinews" / "wikinews_2019_2020.jsonl"
SEED = HERE.parent / "examples" / "000_911107bcbd4a2299.txt"

ENGLISH = ("Finland and Estonia signed an agreement on Monday to protect the undersea cables and pipelines "
           "that link the two countries across the Gulf of Finland, after two cables were damaged last winter. "
           "The foreign ministers said the navies of both countries would patrol the route together.")
FRENCH = ("Le gouvernement français a annoncé mardi l'envoi de nouveaux équipements militaires à l'Ukraine, lors "
          "d'une conférence de presse tenue à Paris par le ministre des Armées. Selon le ministère, ces livraisons "
          "comprennent des systèmes de défense aérienne et des munitions.")
GERMAN = ("Die Bundesregierung hat am Mittwoch in Berlin ein neues Hilfspaket für die vom Hochwasser betroffenen "
          "Regionen im Süden des Landes angekündigt. Der Bundeskanzler sagte nach einer Sitzung des Kabinetts, die "
          "Länder würden in den kommenden Wochen schnell und unbürokratisch unterstützt.")


def read_all(paths, **options) -> list:
    """What the readers make of `paths` (no coding): Articles and Rejected, in order."""
    return list(_ingest_items(list(expand_paths(paths)), None, **options))


def kinds(items) -> list[str]:
    return [item.kind if isinstance(item, Rejected) else "article" for item in items]


# ------------------------------------------------------------------------------ kinds


def test_input_error_carries_its_kind_across_processes():
    error = InputError("'x.txt' is empty", "empty")
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.kind) == ("'x.txt' is empty", "empty")
    assert InputError("no such file").kind == "unreadable"
    with pytest.raises(ValueError, match="unknown reject kind"):
        InputError("x", "mystery")


@pytest.mark.parametrize("name, content, kind", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\t\n", "empty"),
    ("binary.txt", bytes(range(256)) * 4, "binary"),
    ("latin1.txt", "Caf\u00e9 owners protested.".encode("latin-1"), "bad_encoding"),
    ("page.html", b"<html", "article"),  # a reader passes HTML on; the clean stage judges it
    ("news.jsonl", b"", "empty"),
    ("news.jsonl", b"\n\n   \n", "empty"),
    ("news.jsonl", bytes(range(256)) * 4, "binary"),
    ("news.csv", b"title,story\nx,Russia warned Japan.\n", "malformed_csv"),
    ("feed.rss", b"<rss><channel><item><title>a & b</title></item>", "malformed_feed"),
    ("feed.rss", b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>', "empty"),
    ("notes.xml", b"<?xml version='1.0'?><notes/>", "unreadable"),
    ("crawl.warc", b"this is not a WARC file at all\n", "malformed_warc"),
    ("crawl.warc", b"", "empty"),
])
def test_a_file_that_is_no_input_is_rejected_with_its_kind(tmp_path, name, content, kind):
    path = tmp_path / name
    path.write_bytes(content)
    [item] = read_all([path])
    assert kinds([item]) == [kind]
    if isinstance(item, Rejected):
        assert item.path == str(path) and (name in item.reason)


def test_every_kind_is_in_the_vocabulary():
    assert len(set(REJECT_KINDS)) == len(REJECT_KINDS) == 15
    manifest_kinds = {expected for _, expected in manifest()} - {"ingested", "duplicate", "skipped"}
    assert manifest_kinds <= set(REJECT_KINDS)


# ------------------------------------------------------------------------------ records and --field


def test_field_settings_name_the_record_fields(tmp_path):
    fields = record_fields(["text=story", "published=when", "text=body", "ID=ref"])
    assert fields == RecordFields(id=("ref",), text=("story", "body"), published=("when",))
    path = tmp_path / "news.csv"
    path.write_text("ref,when,story\nr1,2024-06-21,Russia warned Japan.\n", encoding="utf-8")
    [article] = read_records(path, fields=fields)
    assert (article.raw, article.published, article.source) == ("Russia warned Japan.", date(2024, 6, 21), f"{path}:2#r1")


@pytest.mark.parametrize("setting", ["text", "body=text", "text=", "=body"])
def test_a_bad_field_setting_says_how_to_write_it(setting):
    with pytest.raises(InputError, match="ROLE=NAME"):
        record_fields([setting])


def test_ingest_passes_field_names_to_the_reader(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text(json.dumps({"story": "Russia warned Japan.", "day": "2024-06-21"}) + "\n", encoding="utf-8")
    [missing] = read_all([path])
    assert missing.kind == "malformed_json" and "--field text=NAME" in missing.reason
    [article] = read_all([path], fields=record_fields(["text=story", "published=day"]))
    assert (article.raw, article.published) == ("Russia warned Japan.", date(2024, 6, 21))


def test_a_csv_without_its_text_column_is_rejected_once_not_per_row(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text("title,story\n" + "x,Russia warned Japan.\n" * 1000, encoding="utf-8")
    [rejected] = read_all([path])
    assert rejected.kind == "malformed_csv" and "'story'" in rejected.reason and "--field text=" in rejected.reason


def test_records_are_read_a_line_at_a_time_and_bad_lines_keep_their_number(tmp_path):
    path = tmp_path / "news.jsonl"
    lines = [json.dumps({"text": "Russia warned Japan."}).encode(), b'{"text": "caf\xe9"}', b"not json"]
    path.write_bytes(b"\n".join(lines) + b"\n")
    good, latin, broken = read_all([path])
    assert isinstance(good, Article)
    assert (latin.path, latin.kind) == (f"{path}:2", "bad_encoding")
    assert (broken.path, broken.kind) == (f"{path}:3", "malformed_json")


# ------------------------------------------------------------------------------ standard input


def test_stdin_of_json_lines_is_records():
    data = (json.dumps({"id": "a", "text": "Russia warned Japan.", "date": "2024-06-21"}) + "\n\nnot json\n").encode()
    article, rejected = read_stdin(io.BytesIO(data))
    assert (article.raw, article.published, article.source) == ("Russia warned Japan.", date(2024, 6, 21), "<stdin>:1#a")
    assert (rejected.path, rejected.kind) == ("<stdin>:3", "malformed_json")


@pytest.mark.parametrize("data", [b"Russia warned Japan.\n{\"text\": \"x\"}\n", b"\n\nRussia warned Japan.", b"[1, 2]\n"])
def test_stdin_of_anything_else_is_one_article(data):
    [article] = read_stdin(io.BytesIO(data))
    assert article.raw == data.decode() and article.source == "<stdin>"


@pytest.mark.parametrize("data, kind", [(b"", "empty"), (b"\n  \n", "empty"), (bytes(range(256)), "binary")])
def test_bad_stdin_is_refused(data, kind):
    with pytest.raises(InputError) as caught:
        list(read_stdin(io.BytesIO(data)))
    assert caught.value.kind == kind


def test_stdin_and_urls_pass_through_path_expansion(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    assert list(expand_paths(["-", "https://news.example/a//b", tmp_path])) == [
        "-", "https://news.example/a//b", tmp_path / "a.txt"]


# ------------------------------------------------------------------------------ feeds

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>t</title>
<item><title>Late evening in Seoul</title><link>https://n.example/1</link>
<pubDate>Fri, 21 Jun 2024 01:30:00 +0900</pubDate><description>Seoul summoned the Russian ambassador.</description></item>
<item><title>Undated</title><guid isPermaLink="false">g-2</guid><description>&lt;b&gt;Japan&lt;/b&gt; protested.</description></item>
</channel></rss>"""


def test_a_feed_item_keeps_the_day_written_in_its_feed():
    first, second = read_feed_bytes(RSS.encode(), "feed.rss")
    # 01:30 in Seoul is still 20 June in UTC: the feed's own day is the one a reader saw
    assert (first.published, first.published_basis, first.title, first.source) == (
        date(2024, 6, 21), "record", "Late evening in Seoul", "https://n.example/1")
    assert first.media_type == "text"
    assert (second.published, second.source, second.media_type) == (None, "feed.rss:2#g-2", "html")
    assert clean.run(second).text == "Japan protested."


def test_the_caller_date_wins_over_a_feed_item_date():
    first, _ = read_feed_bytes(RSS.encode(), "feed.rss", published=date(2024, 1, 1))
    assert first.published == date(2024, 1, 1) and first.published_basis is None


@pytest.mark.parametrize("head, root", [
    (b'<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE rss>\n<rss version="2.0">', "rss"),
    (b"\xef\xbb\xbf<feed xmlns='http://www.w3.org/2005/Atom'>", "feed"),
    (b"<rdf:RDF xmlns:rdf='x'>", "rdf"),
    (b"<!DOCTYPE html><html>", "html"),
    (b"plain text", None),
])
def test_root_element(head, root):
    assert root_element(head) == root


# ------------------------------------------------------------------------------ WARC


def write_warc(path: Path, records: list[tuple[str, str, str, bytes]], gzip_records: bool = False) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip_records)
    for uri, status, content_type, body in records:
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers))
    path.write_bytes(buf.getvalue())
    return buf.getvalue()


PAGE = f"<html><head><title>Cables</title></head><body><article><p>{ENGLISH}</p></article></body></html>".encode()


def test_warc_pages_become_articles_undated_by_the_crawl(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, [("https://w.example/a", "200 OK", "text/html; charset=utf-8", PAGE),
                      ("https://w.example/a.css", "200 OK", "text/css", b"body {}"),
                      ("https://w.example/gone", "404 Not Found", "text/html", b"<p>not found</p>"),
                      ("https://w.example/note", "200 OK", "text/plain", ENGLISH.encode())], gzip_records=True)
    page, note = read_warc(path)
    assert (page.source, page.media_type, page.published) == ("https://w.example/a", "html", None)
    assert (note.source, note.media_type) == ("https://w.example/note", "text")
    assert clean.run(page).published is None  # the WARC-Date is when it was crawled


@pytest.mark.parametrize("gzip_records", [False, True])
def test_a_truncated_warc_keeps_what_came_before_and_rejects_the_rest(tmp_path, gzip_records):
    path = tmp_path / ("cut.warc.gz" if gzip_records else "cut.warc")
    data = write_warc(path, [("https://w.example/1", "200 OK", "text/html", PAGE),
                             ("https://w.example/2", "200 OK", "text/html", PAGE.replace(b"Cables", b"Pipes"))],
                      gzip_records)
    path.write_bytes(data[:-60])
    items = read_all([path])
    assert isinstance(items[0], Article) and items[0].source == "https://w.example/1"
    assert kinds(items[1:]) == ["malformed_warc"]
    assert "truncated" in items[1].reason


# ------------------------------------------------------------------------------ language


@pytest.mark.parametrize("text, language_code", [(FRENCH, "fr"), (GERMAN, "de")])
def test_an_article_in_another_language_is_rejected_before_the_parse(text, language_code):
    with pytest.raises(InputError) as caught:
        clean.run(Article(raw=text, source="news.txt"))
    assert caught.value.kind == "not_english"
    assert f"({language_code}, score 1.00)" in str(caught.value) and "'news.txt'" in str(caught.value)


@pytest.mark.parametrize("text", [
    "Le président a parlé.",  # too short to tell: never rejected
    "Merkel traf Macron in Berlin am Montag.",
    ENGLISH,
])
def test_short_or_english_texts_pass(text):
    assert clean.run(Article(raw=text)).text


def test_detection_needs_enough_letters():
    assert language.detect("Putin " * 30) is None  # 150 letters
    assert language.detect(ENGLISH)[0] == "en"


def test_no_english_wikinews_article_nor_the_seed_is_rejected():
    if not WIKINEWS.exists():
        pytest.skip(f"the Wikinews corpus is not at {WIKINEWS} (../shared/data/corpus/wikinews)")
    articles = [a for a in read_records(WIKINEWS) if isinstance(a, Article)] + [Article(raw=SEED.read_text(encoding="utf-8"))]
    assert len(articles) == 291
    rejected = []
    for article in articles:
        try:
            clean.run(article)
        except InputError as exc:
            rejected.append(str(exc))
    assert rejected == []


# ------------------------------------------------------------------------------ HTML that gives no text


@pytest.mark.parametrize("raw, kind", [
    ("<!DOCTYPE html>\n<!-- cut -->", "malformed_html"),
    ("</p></div></body>", "malformed_html"),
    ("<html><head><script>var x;</script></head><body><nav><ul><li><a href='/'>Home</a></li></ul></nav></body></html>",
     "empty"),
])
def test_html_without_text_is_rejected(raw, kind):
    with pytest.raises(InputError) as caught:
        clean.run(Article(raw=raw, media_type="html", source="page.html"))
    assert caught.value.kind == kind and "'page.html'" in str(caught.value)


def test_a_short_html_fragment_keeps_its_text():
    # too short for trafilatura's page heuristics, as feed descriptions often are
    assert clean.run(Article(raw="<p>Russia warned <b>Japan</b>.</p>", media_type="html")).text == "Russia warned Japan."
    assert clean.fragment_text("<p>Russia warned.</p><p>Tokyo protested.</p><script>x()</script>").split() == [
        "Russia", "warned.", "Tokyo", "protested."]


# ------------------------------------------------------------------------------ fetching URLs


@pytest.mark.parametrize("address, why", [
    ("127.0.0.1", "loopback"), ("10.0.0.1", "private"), ("192.168.1.20", "private"), ("172.16.5.4", "private"),
    ("169.254.169.254", "link-local"), ("::1", "loopback"), ("fe80::1%eth0", "link-local"), ("0.0.0.0", "unspecified"),
    ("224.0.0.251", "multicast"), ("240.0.0.1", "reserved"), ("::ffff:127.0.0.1", "loopback"), ("fd00::1", "private"),
    ("100.64.0.1", "non-global"), ("93.184.215.14", None), ("2606:4700::1111", None),
])
def test_address_refusals(address, why):
    assert fetch.refusal(address) == why


@pytest.mark.parametrize("url, address", [
    ("http://127.0.0.1/", "127.0.0.1"), ("http://10.0.0.1/admin", "10.0.0.1"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"), ("http://[::1]:8080/", "::1"),
    ("http://localhost/", None),
])
def test_private_addresses_are_refused_without_a_connection(url, address, monkeypatch):
    def no_connection(*args, **kwargs):
        raise AssertionError("a refused address must not be connected to")

    monkeypatch.setattr(fetch, "_send", no_connection)
    [rejected] = read_all([url])
    assert rejected.kind == "refused_address" and rejected.path == url
    assert "--allow-private" in rejected.reason
    if address:
        assert address in rejected.reason


ARTICLE_PAGE = f"""<!DOCTYPE html><html><head><title>Undersea cables</title>
<meta property="article:published_time" content="2025-03-03"></head>
<body><article><h1>Undersea cables</h1><p>{ENGLISH}</p></article></body></html>""".encode()
FEED = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>One</title><link>http://feed.example/1</link><description>{ENGLISH}</description></item>
<item><title>Two</title><link>http://feed.example/2</link><pubDate>bad date</pubDate><description>x</description></item>
</channel></rss>""".encode()


class Handler(BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):
        status, headers, body = self.routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"not found"))
        if callable(body):
            body = body(self)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _slow(handler) -> bytes:
    time.sleep(2)
    return b"late"


def _echo(handler) -> bytes:
    return f"{handler.headers.get('User-Agent')}|{handler.headers.get('Host')}".encode()


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.handle_error = lambda request, address: None  # the slow route writes to a client that gave up
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    html = {"Content-Type": "text/html; charset=utf-8"}
    Handler.routes = {
        "/page.html": (200, html, ARTICLE_PAGE),
        "/feed": (200, {"Content-Type": "application/rss+xml"}, FEED),
        "/feed-as-xml": (200, {"Content-Type": "text/xml"}, FEED),
        "/redirect": (302, {"Location": "/page.html"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/to-private": (302, {"Location": "http://10.0.0.1/secret"}, b""),
        "/big": (200, html, b"<p>" + b"x" * 200_000 + b"</p>"),
        "/slow": (200, html, _slow),
        "/image.png": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + bytes(100)),
        "/echo": (200, {"Content-Type": "text/plain"}, _echo),
    }
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base
    httpd.shutdown()
    httpd.server_close()


def test_a_local_page_is_refused_unless_allowed(server):
    [refused] = read_all([f"{server}/page.html"])
    assert refused.kind == "refused_address" and "127.0.0.1, a loopback address" in refused.reason
    [article] = read_all([f"{server}/page.html"], allow_private=True)
    assert (article.source, article.media_type) == (f"{server}/page.html", "html")
    assert clean.run(article).published == date(2025, 3, 3)


def test_a_feed_url_gives_every_item(server):
    for path in ("/feed", "/feed-as-xml"):
        first, second = read_all([server + path], allow_private=True)
        assert first.source == "http://feed.example/1"
        assert (second.path, second.kind) == (f"{server}{path}:2", "invalid_date")


@pytest.mark.parametrize("path, kind, words", [
    ("/missing", "fetch_failed", "HTTP 404"),
    ("/loop", "fetch_failed", "more than 5 times"),
    ("/image.png", "binary", "image/png"),
])
def test_fetch_failures(server, path, kind, words):
    [rejected] = read_all([server + path], allow_private=True)
    assert rejected.kind == kind and words in rejected.reason and rejected.path == server + path


def test_redirects_are_followed(server):
    [article] = read_all([f"{server}/redirect"], allow_private=True)
    assert article.source == f"{server}/page.html"


def test_downloads_stop_at_the_size_cap(server):
    with pytest.raises(InputError) as caught:
        fetch.fetch(f"{server}/big", allow_private=True, max_bytes=100_000)
    assert caught.value.kind == "too_large"
    assert len(fetch.fetch(f"{server}/big", allow_private=True).body) == 200_007


def test_a_slow_server_times_out(server):
    started = time.perf_counter()
    [rejected] = read_all([f"{server}/slow"], allow_private=True, timeout=0.3)
    assert rejected.kind == "fetch_failed" and "--timeout" in rejected.reason
    assert time.perf_counter() - started < 1.5


def test_every_redirect_hop_is_checked(server, monkeypatch):
    # the test server itself is allowed; where it redirects is checked like any first hop
    real = fetch.refusal
    monkeypatch.setattr(fetch, "refusal", lambda address: None if address == "127.0.0.1" else real(address))
    [rejected] = read_all([f"{server}/to-private"])
    assert rejected.kind == "refused_address" and "10.0.0.1" in rejected.reason


def test_the_connection_goes_to_the_checked_address(server, monkeypatch):
    port = server.rsplit(":", 1)[1]
    looked_up = []

    def resolve(host, port_number):
        looked_up.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(fetch, "resolve", resolve)
    monkeypatch.setattr(fetch, "refusal", lambda address: None)
    page = fetch.fetch(f"http://news.invalid:{port}/echo")
    agent, host = page.body.decode().split("|")
    assert looked_up == ["news.invalid"]  # resolved once, by the check; the client connected to its answer
    assert host == f"news.invalid:{port}"
    assert agent == fetch.USER_AGENT and agent.startswith("detente/")


# ------------------------------------------------------------------------------ the store and the summary


def test_an_old_rejects_table_gains_the_kind_column(tmp_path):
    import duckdb

    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE rejects (source VARCHAR, reason VARCHAR, rejected_at TIMESTAMP)")
    con.execute("INSERT INTO rejects VALUES ('a.txt', 'old reason', now())")
    con.close()
    with Store(db) as store:
        store.add_articles([], [("b.txt", "is empty", "empty"), ("c.txt", "no kind")])
        rows = store.con.execute("SELECT source, kind FROM rejects ORDER BY source").fetchall()
    assert rows == [("a.txt", None), ("b.txt", "empty"), ("c.txt", None)]


def test_the_summary_counts_rejections_by_kind(tmp_path):
    summary = IngestSummary()
    summary.add_rejected([Rejected("a", "x", "empty"), Rejected("b", "y", "not_english"), ("c", "z", "empty"), ("d", "w")])
    assert summary.rejected == [("a", "x"), ("b", "y"), ("c", "z"), ("d", "w")]
    assert summary.by_kind == {"empty": 2, "not_english": 1, "unreadable": 1}
    assert ingest_summary(summary, "t.duckdb") == (
        "0 article(s) ingested, 0 already stored, 4 rejected (2 empty, 1 not_english, 1 unreadable); "
        "0 event(s) added to t.duckdb")
    assert ingest_summary(IngestSummary(), "t.duckdb").endswith("0 rejected; 0 event(s) added to t.duckdb")


# ------------------------------------------------------------------------------ the bad-input corpus


def manifest() -> list[tuple[str, str]]:
    rows = []
    for line in (BAD / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith(("#", "item\t")):
            item, expected, _what = line.split("\t")
            rows.append((item, expected))
    return rows


def relative(source: str) -> str:
    return source.removeprefix(f"{BAD}{os.sep}")


@pytest.fixture
def too_large(tmp_path) -> Path:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: the size check never reads it
    return path


def expected_outcomes(too_large: Path) -> dict[str, list[str]]:
    expected = {item: [outcome] for item, outcome in manifest() if outcome != "skipped"}
    expected[str(too_large)] = ["too_large"]
    return expected


def outcomes(summary: IngestSummary) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for result in summary.results:
        found.setdefault(relative(result.source), []).append("ingested" if result.new else "duplicate")
    for (source, _reason), kind in zip(summary.rejected, summary.rejected_kinds, strict=True):
        found.setdefault(relative(source), []).append(kind)
    return found


def test_the_manifest_names_every_file_of_the_corpus():
    named = {item.split(":")[0] for item, _ in manifest() if "://" not in item}
    on_disk = {p.name for p in BAD.iterdir()} - {"MANIFEST.tsv"}
    assert named == on_disk - {"crawl.warc", "atom_feed.xml"}  # whose every input is named by its URL


def test_every_bad_input_is_read_as_the_manifest_says(too_large):
    """The readers and the clean stage (no model): each input's reader outcome."""
    found: dict[str, list[str]] = {}
    for item in read_all([BAD, too_large]):
        if isinstance(item, Rejected):
            found.setdefault(relative(item.path), []).append(item.kind)
            continue
        try:
            clean.run(item)
            outcome = "ingested"
        except InputError as exc:
            outcome = exc.kind
        found.setdefault(relative(item.source), []).append(outcome)
    expected = expected_outcomes(too_large)
    expected["good_article_again.txt"] = ["ingested"]  # only the store knows it is a repeat
    assert found == expected


@pytest.mark.slow
def test_the_whole_bad_input_corpus_is_accounted_for(tmp_path, too_large):
    db = tmp_path / "bad.duckdb"
    summary = ingest([BAD, too_large], db=db, batch_size=4)
    expected = expected_outcomes(too_large)
    assert outcomes(summary) == expected  # every input once, with exactly its expected outcome
    assert len(summary.results) + len(summary.rejected) == len(expected)
    rejected_kinds = Counter(v[0] for v in expected.values() if v[0] not in ("ingested", "duplicate"))
    assert Counter(summary.by_kind) == rejected_kinds
    with Store(db, read_only=True) as store:
        stored = {relative(s) for (s,) in store.con.execute("SELECT source FROM articles").fetchall()}
        rejects = Counter((relative(s), k) for s, k in store.con.execute("SELECT source, kind FROM rejects").fetchall())
        reasons = [r for (r,) in store.con.execute("SELECT reason FROM rejects").fetchall()]
    assert stored == {item for item, outcome in expected.items() if outcome == ["ingested"]}
    assert rejects == Counter((item, outcome[0]) for item, outcome in expected.items()
                              if outcome[0] not in ("ingested", "duplicate"))
    assert all(reason.strip() for reason in reasons)
    assert "settings.xml" not in stored | {s for s, _ in rejects}


@pytest.mark.slow
def test_the_cli_summary_counts_the_corpus_by_kind(tmp_path, too_large):
    db = tmp_path / "cli.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(BAD), str(too_large), "--db", str(db), "--batch-size", "8"])
    assert result.exit_code == 0, result.output
    expected = expected_outcomes(too_large)
    counts = Counter(v[0] for v in expected.values())
    rejected = {kind: n for kind, n in counts.items() if kind not in ("ingested", "duplicate")}
    line = result.stdout.strip().splitlines()[-1]
    match = re.fullmatch(r"(\d+) article\(s\) ingested, (\d+) already stored, (\d+) rejected \((.*)\); "
                         r"(\d+) event\(s\) added to (.*)", line)
    assert match, line
    assert (int(match[1]), int(match[2]), int(match[3])) == (counts["ingested"], counts["duplicate"], sum(rejected.values()))
    listed = dict((kind, int(n)) for n, kind in (part.split(" ") for part in match[4].split(", ")))
    assert listed == rejected and match[6] == str(db)
    assert result.stderr.count("rejected: ") == sum(rejected.values()) and "Traceback" not in result.output


@pytest.mark.slow
def test_language_rejects_reach_the_store_from_worker_processes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_english.txt").write_text(ENGLISH, encoding="utf-8")
    (folder / "b_french.txt").write_text(FRENCH, encoding="utf-8")
    (folder / "c_empty.txt").write_text("")
    summary = ingest([folder], db=tmp_path / "w.duckdb", workers=2, batch_size=1)
    assert summary.added == 1 and summary.by_kind == {"not_english": 1, "empty": 1}
    with Store(tmp_path / "w.duckdb", read_only=True) as store:
        assert sorted(store.con.execute("SELECT kind FROM rejects").fetchall()) == [("empty",), ("not_english",)]


@pytest.mark.slow
def test_cli_ingests_standard_input(tmp_path):
    db = tmp_path / "stdin.duckdb"
    lines = "\n".join([json.dumps({"id": "a", "date": "2024-06-21", "text": "Putin warned South Korea on Thursday."}),
                       json.dumps({"id": "b", "text": FRENCH}), "{broken"])
    result = CliRunner().invoke(main, ["ingest", "-", "--db", str(db)], input=lines)
    assert result.exit_code == 0, result.output
    assert "1 article(s) ingested, 0 already stored, 2 rejected (1 not_english, 1 malformed_json)" in result.stdout
    result = CliRunner().invoke(main, ["ingest", "-", "--db", str(db)], input="Russia warned Japan on Monday.")
    assert result.stdout.startswith("1 article(s) ingested")
    with Store(db, read_only=True) as store:
        sources = sorted(s for (s,) in store.con.execute("SELECT source FROM articles").fetchall())
    assert sources == ["<stdin>", "<stdin>:1#a"]


@pytest.mark.slow
def test_cli_fetches_urls_only_with_allow_private_for_local_ones(tmp_path, server):
    db = tmp_path / "url.duckdb"
    url = f"{server}/page.html"
    refused = CliRunner().invoke(main, ["ingest", url, "--db", str(db)])
    assert refused.exit_code == 0 and "0 article(s) ingested, 0 already stored, 1 rejected (1 refused_address)" in refused.stdout
    assert "--allow-private" in refused.stderr
    fetched = CliRunner().invoke(main, ["ingest", url, f"{server}/feed", "--db", str(db), "--allow-private", "--timeout", "5"])
    assert fetched.exit_code == 0, fetched.output
    assert "2 article(s) ingested, 0 already stored, 1 rejected (1 invalid_date)" in fetched.stdout
    with Store(db, read_only=True) as store:
        rows = store.con.execute("SELECT source, published FROM articles ORDER BY source").fetchall()
    assert sorted(rows) == sorted([("http://feed.example/1", None), (url, date(2025, 3, 3))])
