"""The HTTP API (JSON under /api) and the dashboard's static files, over one DuckDB file.

Database access. DuckDB lets one process hold a file either read-write or read-only, and within
a process every connection to a file must share one configuration. The library's analysis
functions open the file read-only by path, so the app keeps one read-only connection open (its
database instance is shared by every other read-only connect of the same path in this process,
so those are cheap) and gives each request its own cursor (connections are not shareable across
threads; cursors are). A write (POST /api/articles) takes a writer lock that waits for the reads
in flight, closes the read-only connection, writes through `Store` read-write, and reopens it:
reads never see a half-written batch, and the file is never open two ways at once. Writes are
rare and short (the text is coded before the lock is taken), so readers wait for milliseconds.
The price: the database must not be held by another process (`detente ingest` while serving
fails to open it), and the server runs one worker process.
"""
from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import os
import threading
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
import anyio.to_thread
import orjson
from fastapi import Depends, FastAPI, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from .. import api
from ..analysis import stories as story_events
from ..analysis.common import actor_match
from ..errors import DetenteError
from ..model import MODALITIES
from ..store import LOCATION_FIELDS, Store, event_from_row

log = logging.getLogger("detente.web")
STATIC = Path(__file__).resolve().parent / "static"

# Actor codes are country + sector codes (RUS, RUSGOV, ---REB): letters, digits and dashes only,
# so anything else is refused before it reaches SQL (which is parameterised anyway).
CODE = r"^[A-Za-z0-9-]{1,15}$"
DYAD = r"^-*[A-Za-z0-9]+-[A-Za-z0-9-]{1,15}$"
CAMEO = r"^[0-9]{1,4}$"
ORIGIN = r"^[A-Za-z]{1,20}$"
EVENT_ID = r"^[0-9A-Za-z]{1,64}$"

Modality = Literal[MODALITIES]  # type: ignore[valid-type]
Period = Literal["day", "week", "month"]
Count = Literal["mentions", "stories"]

ERROR_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type",
               422: "invalid_request", 500: "internal_error", 503: "unavailable"}


def _cores() -> int:
    """The cores this process may run on (a container's affinity, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def is_loopback(host: str) -> bool:
    """Whether binding to `host` keeps the server to this machine (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return str(value)


class JSON(JSONResponse):
    """JSON that also takes dates and tuples, as the library's records hold them.

    Endpoints return it themselves rather than a dict: FastAPI would otherwise walk every
    returned value through `jsonable_encoder` first, which under load was 58% of the server's
    time on an events page. orjson writes dates and tuples natively; records go through their
    own `to_dict` (passed through to `_json_default`), as the CLI's JSON output does."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=_json_default,
                            option=orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS)


def error_response(status: int, message: str, headers: dict | None = None) -> JSON:
    code = ERROR_CODES.get(status) or HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    return JSON({"error": {"status": status, "code": code, "message": message}}, status_code=status, headers=headers)


class _Gate:
    """Many readers or one writer; a waiting writer holds back new readers so it is not starved."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._waiting = 0

    @contextmanager
    def read(self):
        with self._cond:
            while self._writing or self._waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self):
        with self._cond:
            self._waiting += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class Database:
    """The served file: cursors for reads, `write(fn)` for the rare write (see the module doc)."""

    def __init__(self, path: str | Path):
        self.path = str(Path(path).resolve())
        if not Path(self.path).is_file():
            raise DetenteError(f"no database at {str(path)!r}: create one with `detente ingest PATH --db {path}` "
                               f"or `detente import FILE --db {path}`")
        self.gate = _Gate()
        # bumped by every write: a cached read from before it is never served after it
        self.generation = 0
        self._catch_up()
        self._keeper = self._open()

    def _catch_up(self) -> None:
        """Stories behind the events (a file written before story events) are brought up to date
        once, read-write, as `api.stories` does; afterwards everything here opens it read-only."""
        with Store(self.path, read_only=True) as store:
            behind = store.stories_behind()
        if behind:
            Store(self.path).close()

    def _open(self):
        import duckdb

        try:
            con = duckdb.connect(self.path, read_only=True)
            # requests already run in parallel (one thread each); a query spreading over every
            # core as well oversubscribes them: under load p99 halved with one thread a query
            con.execute("SET threads = 1")
            return con
        except duckdb.IOException as exc:
            raise DetenteError(f"cannot open the database {self.path!r}: {exc}. Is another detente process writing it?") from None
        except duckdb.Error as exc:
            raise DetenteError(f"{self.path!r} is not a detente DuckDB database ({exc})") from None

    @contextmanager
    def reading(self):
        """A `Store` over a fresh cursor, under the read lock."""
        with self.gate.read():
            cursor = self._keeper.cursor()
            try:
                yield Store.on_connection(cursor, self.path)
            finally:
                cursor.close()

    @contextmanager
    def shared(self):
        """The read lock alone, for library functions that open the file by path themselves."""
        with self.gate.read():
            yield self.path

    def write(self, fn):
        with self.gate.write():
            self._keeper.close()
            try:
                with Store(self.path) as store:
                    return fn(store)
            finally:
                self.generation += 1
                self._keeper = self._open()

    def close(self) -> None:
        self._keeper.close()


class ArticleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="plain text or HTML of the article")
    published: date | None = Field(None, description="publication date, YYYY-MM-DD: relative dates count from it")
    title: str | None = Field(None, max_length=1000)
    html: bool = Field(False, description="the text is HTML (cleaned with trafilatura)")


class _ReadCache:
    """Whole GET /api responses (200s), by path and query, least recently used out first, up to
    `size` responses and `max_bytes` in all.

    Correct because nothing else can change the file while it is served: this process holds it
    read-only, which DuckDB's file lock keeps other processes from writing, and the one writer
    here bumps `Database.generation`, which empties the cache. A response computed across a
    write is not kept.

    A request for what another request is computing waits for that answer instead of computing
    it again: after a write empties the cache, the dashboards all ask the same few questions at
    once. Everything here runs on the event loop's thread, so the maps need no lock."""

    def __init__(self, app, database: "Database", size: int, max_bytes: int = 64_000_000):
        from collections import OrderedDict

        self.app, self.database, self.size, self.max_bytes = app, database, size, max_bytes
        self.entries: OrderedDict = OrderedDict()
        self.bytes = 0
        self.generation = database.generation
        self.computing: dict = {}  # key -> asyncio.Event, set when that response is done

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith("/api/") or not self.size:
            return await self.app(scope, receive, send)
        key = (scope["path"], scope.get("query_string", b""))
        hit = self._get(key)
        if hit is None and key in self.computing:
            await self.computing[key].wait()
            hit = self._get(key)
        if hit is not None:
            headers, body = hit
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        done = self.computing.setdefault(key, asyncio.Event())
        try:
            await self.app(scope, receive, self._keeping(key, send))
        finally:
            if self.computing.get(key) is done:
                del self.computing[key]
            done.set()

    def _current(self) -> None:
        """Empties the cache if a write came since it was last used."""
        if self.generation != self.database.generation:
            self.entries.clear()
            self.bytes = 0
            self.generation = self.database.generation

    def _get(self, key):
        self._current()
        hit = self.entries.get(key)
        if hit is not None:
            self.entries.move_to_end(key)
        return hit

    def _keeping(self, key, send):
        """`send`, keeping a 200 response as it goes out."""
        generation = self.database.generation
        started: dict = {}
        chunks: list[bytes] = []

        async def keep(message):
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body" and started.get("status") == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    self._put(key, generation, list(started.get("headers", [])), b"".join(chunks))
            await send(message)

        return keep

    def _put(self, key, generation: int, headers: list, body: bytes) -> None:
        if generation != self.database.generation or len(body) > self.max_bytes // 8:
            return
        self._current()
        old = self.entries.pop(key, None)
        if old is not None:
            self.bytes -= len(old[1])
        self.entries[key] = (headers, body)
        self.bytes += len(body)
        while len(self.entries) > self.size or self.bytes > self.max_bytes:
            self.bytes -= len(self.entries.popitem(last=False)[1][1])


class _BodyLimit:
    """Refuses request bodies over `max_body` bytes with a 413, by Content-Length before reading
    and by counting a streamed (chunked) body as it arrives; adds nosniff to every response."""

    def __init__(self, app, max_body: int):
        self.app, self.max_body = app, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(b"x-content-type-options", b"nosniff")]
            await send(message)

        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            if not length.isdigit():
                return await error_response(400, "Content-Length is not a number")(scope, receive, send_headers)
            if int(length) > self.max_body:
                return await self._too_large(scope, receive, send_headers)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    # FastAPI re-raises an HTTPException from the body read as it is
                    raise HTTPException(413, self._message())
            return message

        await self.app(scope, counted, send_headers)

    def _message(self) -> str:
        return f"the request body is over the limit of {self.max_body:,} bytes"

    async def _too_large(self, scope, receive, send):
        await error_response(413, self._message(), {"connection": "close"})(scope, receive, send)


@dataclass(frozen=True)
class EventFilter:
    """The filters of /api/events, which /api/locations shares so that the map shows the events
    the table lists."""

    actor: str | None = None
    source: str | None = None
    target: str | None = None
    dyad: str | None = None
    since: date | None = None
    until: date | None = None
    cameo: str | None = None
    quad: int | None = None
    modality: str | None = None
    origin: str | None = None

    def sql(self, store: Store) -> tuple[str, list]:
        """The WHERE clause (with its leading " WHERE ", or "") and its parameters."""
        where, params = store.event_where(self.actor, self.since, self.until, self.cameo, self.modality, None,
                                          self.origin)
        clauses, extra = _side_filters(self.source, self.target, self.dyad)
        if self.quad:
            clauses.append("quad_class = ?")
            extra.append(self.quad)
        if clauses:
            where = (where + " AND " if where else " WHERE ") + " AND ".join(clauses)
        return where, params + extra


async def event_filter(  # async: FastAPI would run a plain function in a worker thread
        actor: Annotated[str | None, Query(pattern=CODE, description="country or actor code, either side")] = None,
        source: Annotated[str | None, Query(pattern=CODE)] = None,
        target: Annotated[str | None, Query(pattern=CODE)] = None,
        dyad: Annotated[str | None, Query(pattern=DYAD, description="A-B, either direction")] = None,
        since: date | None = None, until: date | None = None,
        cameo: Annotated[str | None, Query(pattern=CAMEO, description="CAMEO code or prefix")] = None,
        quad: Annotated[int | None, Query(ge=1, le=4)] = None,
        modality: Modality | None = None,
        origin: Annotated[str | None, Query(pattern=ORIGIN)] = None) -> EventFilter:
    return EventFilter(actor, source, target, dyad, since, until, cameo, quad, modality, origin)


def create_app(db: str | Path, token: str | None = None, max_body: int = 1_000_000, loopback: bool = True,
               cache: int = 1024, queries: int | None = None) -> FastAPI:
    """The API over the DuckDB file `db`. `loopback` says the server is bound to this machine
    only; off it, a `token` is required (POST needs `Authorization: Bearer <token>`). With a
    token, every write needs it, loopback or not. `cache` GET responses are kept until the next
    write (0: none). `queries` run at once (default: one a core; see `lifespan`)."""
    queries = max(1, queries or _cores())
    if not loopback and not token:
        raise DetenteError("refusing to serve writes off this machine without a token: pass --token or set "
                           "DETENTE_TOKEN (or bind to 127.0.0.1)")
    database = Database(db)
    # writes keep to threads of their own, so a text being coded (a second or more) never holds
    # one of the few threads reads run in; one at a time, as the spaCy pipeline is not made for
    # concurrent calls and the store has one writer
    writing = anyio.CapacityLimiter(1)

    @asynccontextmanager
    async def lifespan(app):
        # Every read runs in anyio's worker threads (40 at once by default). More queries at once
        # than cores only share the cores more thinly, and the GIL among more threads, which
        # starves the event loop serving cached answers: with 200 clients in a closed loop, one
        # query a core gave 4x the requests/s and a steady p99 of 22 ms instead of 360 ms.
        # Requests over the limit wait their turn; cached ones need no thread and go on meanwhile.
        anyio.to_thread.current_default_thread_limiter().total_tokens = queries
        yield

    app = FastAPI(title="detente", version="1", summary="Political events coded from news: who did what to whom.",
                  docs_url=None, redoc_url=None, swagger_ui_oauth2_redirect_url=None, default_response_class=JSON,
                  lifespan=lifespan)
    app.state.database = database
    app.add_middleware(_ReadCache, database=database, size=cache)
    app.add_middleware(_BodyLimit, max_body=max_body)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        elif exc.status_code == 405 and message == "Method Not Allowed":
            message = f"{request.method} is not allowed on {request.url.path}"
        return error_response(exc.status_code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error.get("loc", ()))
            problems.append(f"{where}: {error.get('msg', 'invalid')}")
        return error_response(422, "; ".join(problems) or "invalid request")

    @app.exception_handler(DetenteError)
    async def domain_error(request: Request, exc: DetenteError):
        return error_response(400, str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "an unexpected error occurred; the server log has the details")

    async def authorize(request: Request) -> None:  # async: no worker thread for a header check
        if token is None:
            return
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise HTTPException(401, "this server needs a token for writes: send 'Authorization: Bearer <token>'",
                                headers={"WWW-Authenticate": "Bearer"})

    # -- events ---------------------------------------------------------------------------------

    @app.get("/api/events", summary="Events, filtered and paginated (newest first)")
    def events(filters: Annotated[EventFilter, Depends(event_filter)],
               limit: Annotated[int, Query(ge=1, le=1000)] = 50,
               offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0):
        with database.reading() as store:
            where, params = filters.sql(store)
            total = store.con.execute("SELECT count(*) FROM events" + where, params).fetchone()[0]
            rows = store._rows(f"SELECT * FROM events{where} ORDER BY date DESC NULLS LAST, id LIMIT ? OFFSET ?",
                               params + [limit, offset]) if offset < total else []
        return JSON({"items": [event_dict(r) for r in rows], "total": total, "limit": limit, "offset": offset})

    @app.get("/api/events/{event_id}", summary="One event with its article and the evidence spans in its sentence")
    def event(event_id: Annotated[str, PathParam(pattern=EVENT_ID, description="an id or its first characters")]):
        with database.reading() as store:
            # the exact id goes through the primary-key index; a prefix needs a scan
            exact = store._rows("SELECT * FROM events WHERE id = ?", [event_id])
            found = event_from_row(exact[0]) if exact else store.event(event_id)
            if found is None:
                raise HTTPException(404, f"no event with id {event_id!r}")
            article = store.article(found.article_id) if found.article_id else None
        return JSON({"event": found.to_dict(),
                     "article": article and {k: article[k] for k in ("id", "title", "published", "source")},
                     "sentence": found.sentence, "highlights": highlights(found)})

    # -- dyads, network, alerts -----------------------------------------------------------------

    @app.get("/api/dyads", summary="The busiest directed country pairs")
    def dyads(top: Annotated[int, Query(ge=1, le=1000)] = 10, since: date | None = None, count: Count = "mentions",
              modality: Modality | None = "asserted"):
        with database.reading() as store:
            return JSON({"items": store.dyads(top=top, since=since, modality=modality, count=count)})

    @app.get("/api/dyad", summary="One dyad's event mix over time")
    def dyad(a: Annotated[str, Query(pattern=CODE)], b: Annotated[str, Query(pattern=CODE)], by: Period = "week",
             directed: bool = False, count: Count = "mentions", since: date | None = None, until: date | None = None,
             modality: Modality | None = "asserted", origin: Annotated[str | None, Query(pattern=ORIGIN)] = None):
        a, b = a.upper(), b.upper()
        with database.shared() as path:
            series = api.dyad_series(path, a, b, by=by, directed=directed, count=count, since=since, until=until,
                                     modality=modality, origin=origin)
        return JSON({"a": a, "b": b, "by": by, "directed": directed, "count": count, "series": [p.to_dict() for p in series]})

    @app.get("/api/network", summary="The actor network: nodes with blocs, signed edges")
    def network(since: date | None = None, until: date | None = None, level: Literal["country", "actor"] = "country",
                count: Count = "mentions", min_events: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
                modality: Modality | None = "asserted", origin: Annotated[str | None, Query(pattern=ORIGIN)] = None):
        with database.shared() as path:
            found = api.network(path, since=since, until=until, level=level, count=count, min_events=min_events,
                                modality=modality, origin=origin)
        return JSON(found.to_dict())

    @app.get("/api/alerts", summary="Dyads whose conflict jumped above their baseline")
    def alerts(since: date | None = None, until: date | None = None, by: Period = "week",
               method: Literal["zscore", "cusum"] = "zscore", window: Annotated[int, Query(ge=2, le=520)] = 8,
               threshold: Annotated[float, Query(gt=0, le=100)] = 2.0,
               min_events: Annotated[int, Query(ge=1, le=1_000_000)] = 3,
               origin: Annotated[str | None, Query(pattern=ORIGIN)] = None):
        with database.shared() as path:
            found = api.alerts(path, since=since, until=until, by=by, method=method, window=window,
                               threshold=threshold, min_events=min_events, origin=origin)
        return JSON({"items": [a.to_dict() for a in found]})

    # -- actors, places, stories ----------------------------------------------------------------

    @app.get("/api/actors", summary="Actors by name or code, busiest first")
    def actors(q: Annotated[str | None, Query(max_length=100)] = None, limit: Annotated[int, Query(ge=1, le=1000)] = 50):
        with database.shared() as path:
            return JSON({"items": api.actor_list(path, q=q, limit=limit)})

    @app.get("/api/actors/{code}", summary="One actor: partners, opponents and event mix over time")
    def actor(code: Annotated[str, PathParam(pattern=CODE)], since: date | None = None, until: date | None = None,
              by: Period = "month", top: Annotated[int, Query(ge=1, le=100)] = 10):
        with database.shared() as path:
            profile = api.actor_profile(path, code.upper(), since=since, until=until, by=by, top=top)
        if not getattr(profile, "events", 1):
            raise HTTPException(404, f"no events for actor {code.upper()!r}")
        return JSON(profile.to_dict())

    @app.get("/api/locations", summary="Events with coordinates, grouped by place (filtered as /api/events)")
    def locations(filters: Annotated[EventFilter, Depends(event_filter)],
                  limit: Annotated[int, Query(ge=1, le=10_000)] = 2000):
        with database.reading() as store:
            where, params = filters.sql(store)
            where = (where + " AND " if where else " WHERE ") + "location_lat IS NOT NULL AND location_lon IS NOT NULL"
            rows = store._rows(
                "SELECT location_name AS name, location_country AS country, location_lat AS lat, location_lon AS lon, "
                "count(*) AS n, list(id ORDER BY date DESC NULLS LAST, id)[1:5] AS event_ids "
                f"FROM events{where} GROUP BY ALL ORDER BY n DESC, name LIMIT ?", params + [limit])
        return JSON({"items": rows})

    @app.get("/api/stories", summary="Story events (each event once, however many reports), newest first")
    def stories(actor: Annotated[str | None, Query(pattern=CODE)] = None, since: date | None = None,
                until: date | None = None, cameo: Annotated[str | None, Query(pattern=CAMEO)] = None,
                modality: Modality | None = None, origin: Annotated[str | None, Query(pattern=ORIGIN)] = None,
                min_articles: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
                limit: Annotated[int, Query(ge=1, le=1000)] = 50, offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0):
        with database.reading() as store:
            store._require_stories()
            where, params = story_events.where(actor, since, until, cameo, modality, origin, min_articles)
            total = store.con.execute("SELECT count(*) FROM stories" + where, params).fetchone()[0]
            rows = store._rows(f"SELECT * FROM stories{where} ORDER BY date DESC NULLS LAST, n_articles DESC, id "
                               "LIMIT ? OFFSET ?", params + [limit, offset]) if offset < total else []
            ids = store.story_mention_ids([r["id"] for r in rows])
        return JSON({"items": [{**r, "mention_ids": ids.get(r["id"], [])} for r in rows], "total": total,
                     "limit": limit, "offset": offset})

    # -- writing --------------------------------------------------------------------------------

    @app.post("/api/articles", status_code=201, dependencies=[Depends(authorize)],
              summary="Code a text and store it with its events (a known text adds nothing: new is false)")
    async def add_article(body: ArticleIn):
        def code_and_store():
            article = api.extract_article(body.text, body.published, html=body.html)
            if body.title:
                article.title = body.title

            def store_it(store: Store):
                result = store.add_articles([article])[0]
                return result, store.events(article_id=article.id)

            return database.write(store_it)

        result, stored = await anyio.to_thread.run_sync(code_and_store, limiter=writing)
        return JSON({"article_id": result.article_id, "new": result.new, "events": [e.to_dict() for e in stored]},
                    status_code=201)

    # -- dashboard ------------------------------------------------------------------------------

    assets = _Assets(STATIC)

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def index(request: Request):
        return assets.response("index.html", request)

    @app.api_route("/static/{name:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def static(name: str, request: Request):
        return assets.response(name, request)

    return app


class _Assets:
    """The dashboard's files (about 1.7 MB), read once and served from memory, with ETags.

    Starlette's StaticFiles reads each file in a worker thread, and reads keep those few (see
    `lifespan`): under a closed loop of 200 API clients the page took 4-5 s to load. These are
    the package's own files, fixed while the server runs, so nothing here needs a thread."""

    def __init__(self, root: Path):
        import hashlib
        import mimetypes

        self.files: dict[str, tuple[bytes, str, str]] = {}
        for path in sorted(root.rglob("*")) if root.is_dir() else ():
            if path.is_file():
                body = path.read_bytes()
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                if kind.startswith("text/") or kind in ("application/json", "application/javascript"):
                    kind += "; charset=utf-8"
                etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
                self.files[path.relative_to(root).as_posix()] = (body, kind, etag)

    def response(self, name: str, request: Request):
        from fastapi.responses import Response

        found = self.files.get(name)
        if found is None:
            what = "the dashboard is not installed (no static/index.html)" if name == "index.html" else \
                f"no file {name!r} in the dashboard's static files"
            raise HTTPException(404, what)
        body, kind, etag = found
        headers = {"etag": etag, "cache-control": "no-cache"}  # always revalidated: a new version shows at once
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=kind, headers=headers)  # the server sends no body for a HEAD


def _side_filters(source: str | None, target: str | None, dyad: str | None) -> tuple[list[str], list]:
    """SQL for a source, a target and an undirected dyad, each a country or an actor-code prefix."""
    clauses, params = [], []

    def side(prefix: str, code: str) -> str:
        params.append(code.upper())
        return actor_match(prefix)

    if source:
        clauses.append(side("source", source))
    if target:
        clauses.append(side("target", target))
    if dyad:
        first = 1 + len(dyad) - len(dyad.lstrip("-"))  # a leading '---' is part of a code (---REB)
        cut = dyad.index("-", first)
        a, b = dyad[:cut], dyad[cut + 1:]
        clauses.append(f"(({side('source', a)} AND {side('target', b)}) OR ({side('source', b)} AND {side('target', a)}))")
    return clauses, params


def _actor_dict(row: dict, prefix: str) -> dict | None:
    if row.get(f"{prefix}_text") is None:
        return None
    country, sector = row[f"{prefix}_country"], row[f"{prefix}_sector"]
    return {"text": row[f"{prefix}_text"], "start": row[f"{prefix}_start"], "end": row[f"{prefix}_end"],
            "country": country, "sector": sector, "name": row[f"{prefix}_name"],
            "confidence": row[f"{prefix}_confidence"], "basis": row[f"{prefix}_basis"] or "",
            "code": f"{country or '---'}{sector or ''}" if country or sector else None}


def event_dict(row: dict) -> dict:
    """`event_from_row(row).to_dict()`, built straight from the row, 8 times faster (a page of 50:
    0.25 ms against 2 ms, mostly `dataclasses.asdict`). tests/test_api.py holds the two equal."""
    location = None
    if row.get("location_name") is not None:
        location = {f: row[f"location_{f}"] for f in LOCATION_FIELDS}
    return {
        "id": row["id"], "article_id": row["article_id"], "date": row["date"].isoformat() if row["date"] else None,
        "date_basis": row["date_basis"], "date_precision": row["date_precision"], "date_text": row["date_text"],
        "source": _actor_dict(row, "source"), "target": _actor_dict(row, "target"),
        "cameo": row["cameo"], "cameo_name": row["cameo_name"], "goldstein": row["goldstein"],
        "quad_class": row["quad_class"], "plover": row["plover"], "plover_mode": row["plover_mode"],
        "modality": row["modality"], "trigger": row["trigger"], "trigger_span": [row["trigger_start"], row["trigger_end"]],
        "sentence": row["sentence"], "evidence": [row["evidence_start"], row["evidence_end"]], "location": location,
        "confidence": row["confidence"], "rationale": list(row["rationale"] or ()),
        "origin": row.get("origin") or "detente", "origin_id": row.get("origin_id"),
    }


def highlights(event) -> list[dict]:
    """The evidence spans as offsets into `event.sentence`. The store keeps actor, trigger and
    place offsets into the article's text and the sentence's own start (`evidence[0]`), as
    `explain.mark_sentence` reads them; a span outside the sentence (an actor resolved from an
    earlier mention) is left out. Imported events have no spans."""
    base, sentence = event.evidence[0], event.sentence or ""
    if base is None or not sentence:
        return []
    spans = [("source", event.source and event.source.start, event.source and event.source.end),
             ("trigger", event.trigger_span[0], event.trigger_span[1]),
             ("target", event.target and event.target.start, event.target and event.target.end),
             ("location", event.location and event.location.start, event.location and event.location.end)]
    found = []
    for role, start, end in spans:
        if start is None or end is None:
            continue
        start, end = start - base, end - base
        if 0 <= start < end <= len(sentence):
            found.append({"role": role, "start": start, "end": end, "text": sentence[start:end]})
    return found
