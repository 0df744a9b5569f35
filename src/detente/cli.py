"""The command line: thin commands over the library. Domain errors become one clean line."""
from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from .errors import DetenteError
from .io import output as render

ACTOR_COLUMNS = ("text", "start", "end", "code", "name", "confidence", "basis")
EVENT_COLUMNS = ("id", "date", "source", "cameo", "plover", "target", "modality", "trigger", "confidence")
PLACE_COLUMNS = ("start", "end", "text", "name", "country", "feature", "lat", "lon", "geonameid")
DYAD_COLUMNS = ("source", "target", "events", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict", "goldstein_sum")
DEFAULT_DB = "detente.duckdb"


def clean_errors(func):
    """Library errors and bad input exit with status 2 and one line, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DetenteError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except ValueError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except BrokenPipeError:
            sys.exit(0)

    return wrapper


def format_option(choices=("table", "jsonl", "csv", "parquet"), default="table"):
    def decorate(func):
        func = click.option("--output", "-o", type=click.Path(dir_okay=False), help="File for parquet output.")(func)
        return click.option("--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
                            help="Output format.")(func)
    return decorate


def knowledge_option(func):
    """--actors FILE (repeatable): user dictionaries on top of the built-in tables and the config file."""
    @functools.wraps(func)
    def wrapper(*args, actor_files=(), **kwargs):
        import warnings

        from . import config

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            config.apply(actor_files)
        for warning in caught:
            click.echo(f"warning: {warning.message}", err=True)
        return func(*args, **kwargs)

    return click.option("--actors", "actor_files", multiple=True, type=click.Path(),
                        help="User dictionary (CSV, YAML, or PETRARCH .txt); repeatable.")(wrapper)


def event_records(events) -> list[dict]:
    return [e.to_dict() for e in events]


def record_filters(what: str):
    """The filters `events`, `stories` and `export` share: --actor, --since, --until, --modality, --origin."""
    options = [
        click.option("--actor", help="Country or actor code on either side, e.g. RUS or KORGOV."),
        click.option("--since", help="First date, YYYY-MM-DD."),
        click.option("--until", help="Last date, YYYY-MM-DD."),
        click.option("--modality", type=click.Choice(["asserted", "negated", "hypothetical", "intended", "expected", "alleged"])),
        click.option("--origin", type=click.Choice(["detente", "icews", "gdelt", "plover"]),
                     help=f"Only {what} coded by detente, or imported from this dataset."),
    ]

    def decorate(func):
        for option in reversed(options):  # click lists options in the order they are applied, last first
            func = option(func)
        return func

    return decorate


def progress_bar(items=None, label: str = "", length: int | None = None, unit: str = "articles"):
    """One progress helper for every long command: on a terminal a bar with the count, the rate
    (`unit`/s) and, when `length` is known, the ETA; silent when stderr is not a terminal.
    Iterate it (over `items`), or call `update(n)` as work gets done."""
    return _Bar(items, label, length, unit) if sys.stderr.isatty() else _Quiet(items)


class _Bar:
    """click's bar, with the rate and ETA measured from the first update on (so that loading the
    models before the first batch does not count as coding time)."""

    def __init__(self, items, label: str, length: int | None, unit: str):
        import time

        self.clock, self.unit, self.first = time.monotonic, unit, None
        self.bar = click.progressbar(items, length=length, label=label, file=sys.stderr, show_pos=True,
                                     item_show_func=self._rate)

    def _rate(self, _item) -> str | None:
        if self.first is None or self.bar.pos <= self.first[1]:
            return None
        rate = (self.bar.pos - self.first[1]) / max(self.clock() - self.first[0], 1e-9)
        text = f"{rate:.1f} {self.unit}/s"
        if self.bar.length and self.bar.pos < self.bar.length:
            left = int((self.bar.length - self.bar.pos) / rate)
            text += f"  ETA {left // 3600}:{left // 60 % 60:02d}:{left % 60:02d}"
        return text

    def __enter__(self):
        self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc)

    def __iter__(self):
        for item in self.bar:
            yield item
            self._mark()

    def _mark(self) -> None:
        if self.first is None:
            self.first = (self.clock(), self.bar.pos)

    def update(self, n: int = 1) -> None:
        self.bar.update(n)
        self._mark()


class _Quiet:
    def __init__(self, items=None):
        self.items = items

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __iter__(self):
        return iter(self.items if self.items is not None else ())

    def update(self, n: int = 1) -> None:
        pass


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="detente")
def main():
    """detente: who did what to whom, when, where, and how sure.

    \b
    Example:
      detente extract examples/seed.txt --published 2024-06-21
      detente ingest examples/ --db detente.duckdb
      detente events --actor RUS
    """


@main.command()
@click.argument("path", required=False)
@click.option("--text", "text", help="Code this text instead of a file.")
@click.option("--published", help="Publication date, YYYY-MM-DD; relative dates resolve against it.")
@format_option(choices=("table", "jsonl", "csv", "parquet"))
@clean_errors
@knowledge_option
def extract(path, text, published, fmt, output):
    """Code a document (PATH, or - for stdin) and print its events without storing them.

    The publication date is --published, else the HTML metadata's, else a dated dateline's
    ("LONDON, 21 June 2024 (AFP) -"), else a record's. A .jsonl or .csv PATH holds one
    article per record (fields id, url, title, published or date, text).

    \b
    Example:
      detente extract examples/000_911107bcbd4a2299.txt --published 2024-06-21 --format jsonl
      echo "Russia warned Japan on Monday." | detente extract - --published 2024-06-21
    """
    from . import api
    from .io.readers import decode, is_record_file, parse_date

    day = parse_date(published)
    if text is not None:
        articles = [api.extract_article(text, day, source="--text")]
    elif path is None:
        raise DetenteError("give a PATH, - for standard input, or --text 'some text'")
    elif path == "-":
        articles = [api.extract_article(decode(sys.stdin.buffer.read(), "<stdin>"), day, source="<stdin>")]
    elif is_record_file(path):
        articles = api.extract_records(path, day)
    else:
        articles = [api.extract_file(path, day)]
    undated = [a for a in articles if a.published is None]
    if undated:
        which = "the article is" if len(articles) == 1 else f"{len(undated)} of {len(articles)} articles are"
        click.echo(f"note: {which} undated (no --published, HTML date, dated dateline or record date); "
                   "only dates written out with a year date their events, the rest are 'unknown'", err=True)
    render.write(event_records([e for a in articles for e in a.events]), fmt, EVENT_COLUMNS, output=output)


@main.command()
@click.argument("path", required=False)
@click.option("--text", "text", help="Resolve the actors of this text instead of a file.")
@click.option("--date", "day", help="The text's date, YYYY-MM-DD: picks who held which office.")
@format_option(choices=("table", "jsonl"))
@clean_errors
@knowledge_option
def actors(path, text, day, fmt, output):
    """List every actor mention with its country, sector, code, name, confidence and basis.

    With -, each line of standard input is JSON {"id", "text", "date"?} and each output line is
    {"id", "mentions"}; the model is loaded once for all lines.

    \b
    Example:
      detente actors --text "North Korean troops crossed the border." --format jsonl
      echo '{"id": "a1", "text": "Seoul summoned the Russian ambassador."}' | detente actors -
    """
    from . import api
    from .io.readers import parse_date, read_article

    when = parse_date(day, "--date")
    if path == "-" and text is None:
        for record in api.actors_stream(sys.stdin):
            click.echo(json.dumps(record, ensure_ascii=False))
        return
    if text is None and path is None:
        raise DetenteError("give a PATH, - for JSON lines on standard input, or --text 'some text'")
    source = text if text is not None else read_article(path).raw
    mentions = [m.to_dict() for m in api.actors(source, when)]
    render.write(mentions, fmt, ACTOR_COLUMNS, output=output)


@main.command()
@click.argument("path", required=False)
@click.option("--text", "text", help="Find the places of this text instead of a file.")
@click.option("--demonyms", is_flag=True, help="Count demonyms (\"Turkish\") as references to their country.")
@format_option(choices=("table", "jsonl"))
@clean_errors
def places(path, text, demonyms, fmt, output):
    """Find the place names of a text and resolve them: name, country (ISO alpha-3), lat/lon,
    GeoNames id when known, and feature (city, admin1, admin2, country, region, body of water).

    With -, each line of standard input is JSON {"id", "text"} and each output line is
    {"id", "places"}; the model is loaded once for all lines.

    \b
    Example:
      detente places --text "Russian troops shelled Kharkiv while Zelensky was in Washington."
      echo '{"id": "a1", "text": "Protesters gathered in Tbilisi, Georgia."}' | detente places -
    """
    from . import api
    from .io.readers import read_article

    if path == "-" and text is None:
        for record in api.places_stream(sys.stdin, demonyms):
            click.echo(json.dumps(record, ensure_ascii=False))
        return
    if text is None and path is None:
        raise DetenteError("give a PATH, - for JSON lines on standard input, or --text 'some text'")
    source = text if text is not None else read_article(path).raw
    found, article = api.place_records(source, demonyms)
    records = [api.place_dict(p, article.text) for p in found]
    if fmt == "jsonl":
        click.echo(json.dumps({"id": path or "--text", "places": records}, ensure_ascii=False))
    else:
        render.write(records, "table", PLACE_COLUMNS, output=output)


@main.command("code-pair")
@click.argument("marked", required=False)
@click.option("--published", help="The sentence's date, YYYY-MM-DD: picks who held which office.")
@format_option(choices=("jsonl", "table"), default="jsonl")
@clean_errors
@knowledge_option
def code_pair(marked, published, fmt, output):
    """Code the relation between two marked actors: <s>source</s> and <t>target</t>.

    Prints one JSON object per input with cameo, plover, quad_class, goldstein, modality and
    confidence. With -, each line of standard input is a marked sentence or JSON with a
    "marked_sentence" field (and an optional "id"); the model is loaded once for all lines,
    and a bad line gives an "error" object in its place.

    \b
    Example:
      detente code-pair "<s>South Korea</s> summoned <t>Russia</t>'s ambassador."
      detente code-pair - < marked.txt
    """
    from . import api
    from .io.readers import parse_date

    when = parse_date(published, "--published")
    if marked is None:
        raise DetenteError("give a marked sentence, e.g. \"<s>Seoul</s> warned <t>Pyongyang</t>.\", or - for lines on standard input")
    results = api.code_pairs(sys.stdin, when) if marked == "-" else [api.code_pair(marked, when).to_dict()]
    for record in results:
        if fmt == "jsonl":
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            render.write([record], "table", ("cameo", "plover", "quad_class", "goldstein", "modality", "confidence", "trigger"))


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--db", default=DEFAULT_DB, show_default=True, help="DuckDB file to write.")
@click.option("--published", help="Publication date for all the files, YYYY-MM-DD.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes coding articles in parallel; this process alone writes the database.")
@click.option("--batch-size", type=click.IntRange(min=1), default=16, show_default=True,
              help="Articles per spaCy batch and per database transaction; memory grows with it, not with the corpus.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Code on this machine, or on a Dask cluster (a local one of --workers processes unless --scheduler).")
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler to use with --engine dask, e.g. tcp://HOST:8786.")
@click.option("--staging", type=click.Path(file_okay=False), metavar="DIR",
              help="Where Dask workers write Parquet partitions (default: next to --db); shared by all machines with --scheduler.")
@click.option("--field", "field_specs", multiple=True, metavar="ROLE=NAME",
              help="JSONL/CSV field name for a role (id, url, title, published, text), e.g. --field text=body; repeatable.")
@click.option("--allow-private", is_flag=True,
              help="Let URLs reach private, loopback and link-local addresses (refused by default).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              help="Seconds to wait to connect to, and for each read from, a URL's server.")
@clean_errors
@knowledge_option
def ingest(paths, db, published, workers, batch_size, engine, scheduler, staging, field_specs, allow_private, timeout):
    """Code files, directories (recursively), standard input (-) and URLs, and store articles
    and events in the database.

    Text, HTML, JSONL/CSV records, RSS/Atom feeds and WARC archives are read; a URL is fetched
    (a feed's every item). Re-ingesting an article adds nothing: identity is a hash of its text.
    Inputs that cannot be read, and articles not in English, are recorded in the rejects table
    with the reason and its kind, and counted in the summary. Articles are coded in batches
    (--batch-size), in --workers processes; each batch is stored in one transaction.

    \b
    Example:
      detente ingest examples/ --db detente.duckdb --published 2024-06-21
      detente ingest corpus.jsonl --workers 2
      detente ingest news.csv --field text=body --field published=pub_date
      detente ingest https://example.org/news.rss crawl.warc.gz
      cat articles.jsonl | detente ingest -
      detente ingest corpus/ --engine dask --workers 2
      detente ingest corpus/ --engine dask --scheduler tcp://HOST:8786 --staging /shared/dir
    """
    from . import api
    from .io.readers import expand_paths, parse_date, record_fields

    parse_date(published)
    fields = record_fields(field_specs) if field_specs else None
    files = list(expand_paths(paths))
    for p in files:
        if isinstance(p, Path) and not p.exists():  # `-` and URLs come as strings
            raise DetenteError(f"cannot read {str(p)!r}: no such file or directory; check the path")
    length = api.count_articles(files) if sys.stderr.isatty() else None
    with progress_bar(label="coding", length=length, unit="articles") as bar:
        summary = api.ingest(files, db=db, published=published, workers=workers, batch_size=batch_size,
                             progress=bar.update, engine=engine, scheduler=scheduler, staging=staging,
                             fields=fields, allow_private=allow_private, timeout=timeout)
    click.echo(ingest_summary(summary, db))
    for path, reason in summary.rejected:
        click.echo(f"rejected: {reason}", err=True)


def ingest_summary(summary, db) -> str:
    """One line: '120 article(s) ingested, 3 already stored, 7 rejected (3 empty, 2 not_english,
    …); 431 event(s) added to detente.duckdb'."""
    return (f"{summary.added} article(s) ingested, {summary.duplicates} already stored, {rejected_count(summary)}; "
            f"{summary.events} event(s) added to {db}")


def rejected_count(summary) -> str:
    """'7 rejected (3 empty, 2 not_english, …)', or '0 rejected'."""
    kinds = ", ".join(f"{count} {kind}" for kind, count in summary.by_kind.items())
    return f"{len(summary.rejected)} rejected" + (f" ({kinds})" if kinds else "")


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True)
@record_filters("events")
@click.option("--cameo", help="CAMEO code prefix, e.g. 13 for threats.")
@click.option("--limit", type=int)
@format_option()
@clean_errors
def events(db, actor, since, until, cameo, modality, limit, origin, fmt, output):
    """List stored events.

    \b
    Example:
      detente events --actor RUS --since 2024-06-01 --format jsonl
      detente events --origin icews --actor PRK --limit 20
    """
    from .io.readers import parse_date
    from .store import Store

    since_day, until_day = parse_date(since, "--since"), parse_date(until, "--until")
    _require_db(db)
    with Store(db, read_only=True) as store:
        found = store.events(actor=actor, since=since_day, until=until_day, cameo=cameo, modality=modality, limit=limit,
                             origin=origin)
    render.write(event_records(found), fmt, EVENT_COLUMNS, output=output)


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--top", default=10, show_default=True, help="How many dyads.")
@click.option("--since", help="First date, YYYY-MM-DD.")
@click.option("--modality", default="asserted", show_default=True,
              type=click.Choice(["asserted", "negated", "hypothetical", "intended", "expected", "alleged", "any"]),
              help="Which events count; 'any' counts negated and hypothetical ones too.")
@click.option("--count", "counted", type=click.Choice(["mentions", "stories"]), default="mentions", show_default=True,
              help="Count coded mentions (every report), or story events (each event once, however often reported).")
@format_option()
@clean_errors
def dyads(db, top, since, modality, counted, fmt, output):
    """The busiest directed country pairs, with their cooperation/conflict mix.

    \b
    Example:
      detente dyads --top 5
      detente dyads --top 5 --count stories
    """
    from . import api
    from .io.readers import parse_date

    since_day = parse_date(since, "--since")
    _require_db(db)
    rows = api.dyads(db, top=top, since=since_day, modality=None if modality == "any" else modality, count=counted)
    render.write(rows, fmt, DYAD_COLUMNS, output=output)


@main.command()
@click.argument("event_id")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@clean_errors
def explain(event_id, db):
    """Show an event's sentence with source, trigger and target marked, and why it was coded so.
    A story event's id (from `detente stories`) shows the story, as `detente story` does.

    \b
    Example:
      detente explain 3f2a9c1b
    """
    from .explain import explain_event
    from .store import Store

    _require_db(db)
    with Store(db, read_only=True) as store:
        event = store.event(event_id)
    if event is None:
        _show_story(event_id, db, "the id of an event (`detente events`) or a story (`detente stories`)")
        return
    click.echo(explain_event(event, color=sys.stdout.isatty()))


STORY_COLUMNS = ("id", "date", "source_code", "cameo", "plover", "target_code", "modality", "n_mentions", "n_articles",
                 "n_sources")


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True)
@record_filters("stories of events")
@click.option("--cameo", help="CAMEO code prefix of the story's code, e.g. 19 for fighting.")
@click.option("--min-articles", type=click.IntRange(min=1), help="Only stories reported by at least N articles.")
@click.option("--limit", type=click.IntRange(min=1))
@format_option()
@clean_errors
def stories(db, actor, since, until, cameo, min_articles, modality, origin, limit, fmt, output):
    """List story events: each event once, with how many mentions, articles and sources report it.

    Mentions merge into one story when they have the same origin, source and target countries,
    PLOVER type (or CAMEO root), modality, and dates at most a day apart (a month-dated mention
    joins a story in its month). `detente story ID` shows every mention's evidence.

    \b
    Example:
      detente stories --actor RUS --since 2024-06-01 --min-articles 2
      detente stories --format jsonl > stories.jsonl
    """
    from . import api
    from .io.readers import parse_date

    since_day, until_day = parse_date(since, "--since"), parse_date(until, "--until")
    _require_db(db)
    found = api.stories(db, actor=actor, since=since_day, until=until_day, cameo=cameo, modality=modality,
                        origin=origin, min_articles=min_articles, limit=limit)
    render.write(found, fmt, STORY_COLUMNS, output=output)


@main.command()
@click.argument("story_id")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@clean_errors
def story(story_id, db, fmt):
    """Show a story event and every mention of it: each article, publisher and evidence sentence.

    \b
    Example:
      detente story 3ea1638d
      detente story 3ea1638d --format jsonl
    """
    _require_db(db)
    _show_story(story_id, db, "a story id from `detente stories`", fmt)


def _show_story(story_id: str, db: str, wanted: str, fmt: str = "text") -> None:
    from . import api
    from .analysis.stories import explain as explain_story

    found = api.story(db, story_id)
    if found is None:
        what = f"event {story_id!r} or story" if "event" in wanted else f"story {story_id!r}"
        raise DetenteError(f"no {what} in {db}: give {wanted}")
    if fmt == "jsonl":
        click.echo(json.dumps(api.story_dict(found), ensure_ascii=False))
    else:
        click.echo(explain_story(found, color=sys.stdout.isatty()))


@main.command(name="import")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["icews", "gdelt", "plover"]), required=True,
              help="icews: ICEWS TSV with its header; gdelt: GDELT 2.0 event export (61 columns); "
                   "plover: PLOVER/POLECAT JSON array or JSON lines.")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="DuckDB file to write.")
@clean_errors
def import_(paths, fmt, db):
    """Import coded events from other datasets into the store, marked by origin.

    Imported events sit beside coded ones (`detente events --origin icews`), with country
    codes (ISO alpha-3), sectors, CAMEO, Goldstein, quad class, PLOVER and place where the
    format has them. Importing a file again adds nothing; rows that cannot be read are
    recorded in the rejects table with the reason. .gz and one-file .zip are read as they are.

    \b
    Example:
      detente import events.2018.sample.tab --format icews --db detente.duckdb
      detente import 20240621.export.CSV.zip --format gdelt
      detente import polecat.jsonl --format plover
    """
    from .io.interchange import import_files

    for p in map(Path, paths):
        if not p.is_file():
            raise DetenteError(f"cannot read {str(p)!r}: no such file; check the path")
    summary = import_files(paths, fmt, db=db)
    click.echo(f"{summary.imported} event(s) imported, {summary.present} already present, {rejected_count(summary)}, "
               f"from {summary.read} row(s) in {len(summary.files)} file(s) into {db} ({summary.seconds:.1f} s)")
    if summary.unknown_countries:
        names = ", ".join(f"{name!r} ({n})" for name, n in summary.unknown_countries.most_common(10))
        click.echo(f"note: country names detente does not know, left empty: {names}; "
                   "add them to detente/data/country_names.tsv", err=True)
    for _, reason in summary.rejected[:20]:
        click.echo(f"rejected: {reason}", err=True)
    if len(summary.rejected) > 20:
        click.echo(f"… and {len(summary.rejected) - 20} more rejected: see the rejects table in {db}", err=True)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["gdelt", "icews", "plover", "parquet", "csv"]), required=True,
              help="gdelt: 61-column GDELT 2.0 TSV; icews: ICEWS TSV; plover: PLOVER JSON lines; "
                   "parquet, csv: every column of the events table.")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write (standard output if none; parquet needs one).")
@record_filters("events")
@click.option("--cameo", help="CAMEO code prefix, e.g. 13 for threats.")
@clean_errors
def export(fmt, db, output, actor, since, until, cameo, modality, origin):
    """Export stored events as GDELT, ICEWS, PLOVER JSON, Parquet or CSV.

    Columns detente has no value for are left empty; an event imported from a dataset is
    written back in that dataset's format as it came.

    \b
    Example:
      detente export --format icews -o events.tsv --actor RUS --since 2024-06-01
      detente export --format parquet -o events.parquet
    """
    from .io.interchange import export_events
    from .io.readers import parse_date

    since_day, until_day = parse_date(since, "--since"), parse_date(until, "--until")
    _require_db(db)
    count = export_events(db, fmt, output=output, stream=None if output else sys.stdout, actor=actor, since=since_day,
                          until=until_day, cameo=cameo, modality=modality, origin=origin)
    if output:
        click.echo(f"{count} event(s) written to {output}", err=True)


@main.command(name="eval")
@click.argument("suites", nargs=-1)
@click.option("--shared", "shared_path", help="Folder holding data/gold (default: $DETENTE_SHARED or ../shared).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--check", "floors", type=click.Path(), help="Fail (exit 1) when a score is below its floor in this JSON file.")
@clean_errors
def evaluate(suites, shared_path, fmt, floors):
    """Score detente against the gold standards (suites: actors; all by default).

    \b
    Example:
      detente eval actors --shared ../shared
      detente eval --check eval/floors.json --format json
    """
    from . import evaluation

    scores = evaluation.run(list(suites) or None, evaluation.shared_root(shared_path))
    records = [s.to_dict() for s in scores]
    failures = evaluation.below_floor(scores, evaluation.load_floors(floors)) if floors else []
    if fmt == "json":
        click.echo(json.dumps({"scores": records, "below_floor": [f.key for f, _ in failures]}, indent=2))
    else:
        render.write(records, "table", ("suite", "metric", "value", "n", "note"))
    for score, floor in failures:
        click.echo(f"below floor: {score.key} = {score.value} < {floor}", err=True)
    if failures:
        sys.exit(1)


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False), help="DuckDB file to serve.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; off loopback a token is required.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to bind.")
@click.option("--token", envvar="DETENTE_TOKEN", default=None,
              help="Bearer token that POST /api/articles requires (or env DETENTE_TOKEN).")
@clean_errors
def serve(db, host, port, token):
    """Serve the HTTP API (JSON under /api, spec at /openapi.json) and the dashboard at /.

    \b
    Example:
      detente serve --db detente.duckdb
      DETENTE_TOKEN=s3cret detente serve --host 0.0.0.0 --port 8080
    """
    import socket

    import uvicorn

    from .web.app import create_app, is_loopback

    _require_db(db)
    loopback = is_loopback(host)
    if not loopback and not token:
        raise DetenteError(f"refusing to serve on {host}, which is reachable from other machines, without a token: "
                           "pass --token TOKEN or set DETENTE_TOKEN (or bind to 127.0.0.1)")
    app = create_app(db, token=token, loopback=loopback)
    # Bind here, not in uvicorn, so a port in use is one clean line rather than a log record.
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        raise DetenteError(f"cannot listen on {host}:{port} ({exc.strerror or exc}): is another server using "
                           "the port? Pass another with --port") from None
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"detente dashboard: http://{shown}:{sock.getsockname()[1]}/", err=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    server.run(sockets=[sock])


SERIES_COLUMNS = ("period", "n", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict", "goldstein_sum",
                  "goldstein_mean")
NODE_COLUMNS = ("id", "label", "bloc", "events", "coop", "conflict")
EDGE_COLUMNS = ("source", "target", "n", "coop", "conflict", "goldstein_sum", "weight")
ALERT_COLUMNS = ("period", "source", "target", "observed", "baseline_mean", "baseline_sd", "score", "event_ids")
ACTOR_LIST_COLUMNS = ("code", "name", "country", "events")
COUNTERPART_COLUMNS = ("code", "name", "n", "goldstein_sum", "coop", "conflict")
MIX_COLUMNS = ("period", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict")
MODALITY_CHOICES = ["asserted", "negated", "hypothetical", "intended", "expected", "alleged", "any"]


def _window_options(func):
    func = click.option("--until", help="Last date, YYYY-MM-DD.")(func)
    return click.option("--since", help="First date, YYYY-MM-DD.")(func)


def _count_option(func):
    return click.option("--count", "counted", type=click.Choice(["mentions", "stories"]), default="mentions",
                        show_default=True,
                        help="Count coded mentions (every report), or story events (each event once).")(func)


def _modality_option(func):
    return click.option("--modality", default="asserted", show_default=True, type=click.Choice(MODALITY_CHOICES),
                        help="Which events count; 'any' counts negated and hypothetical ones too.")(func)


def _dates(since, until):
    from .io.readers import parse_date

    return parse_date(since, "--since"), parse_date(until, "--until")


def _write_text(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("a")
@click.argument("b")
@click.option("--db", default=DEFAULT_DB, show_default=True)
@click.option("--by", type=click.Choice(["day", "week", "month"]), default="week", show_default=True,
              help="Period: a day, an ISO week (from Monday) or a calendar month.")
@click.option("--directed", is_flag=True, help="Only events of A on B (by default both directions count).")
@_count_option
@_window_options
@_modality_option
@format_option(choices=("table", "json", "jsonl", "csv", "parquet"))
@clean_errors
def dyad(a, b, db, by, directed, counted, since, until, modality, fmt, output):
    """A pair's events over time: counts by quad class, Goldstein sum and mean, per period.

    A and B are country codes (RUS: every Russian actor) or actor codes (RUSGOV). Undated events
    are left out; quiet periods between the first and last event are listed with zeros.

    \b
    Example:
      detente dyad RUS KOR --by week
      detente dyad USAGOV PRKGOV --by day --directed --count stories
    """
    from . import api

    first, last = _dates(since, until)
    series = api.dyad_series(db, a, b, by=by, directed=directed, count=counted, since=first, until=last,
                             modality=None if modality == "any" else modality)
    render.write([p.to_dict() for p in series], fmt, SERIES_COLUMNS, output=output)


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True)
@_window_options
@click.option("--level", type=click.Choice(["country", "actor"]), default="country", show_default=True,
              help="Nodes are countries (RUS) or actor codes (RUSGOV).")
@_count_option
@click.option("--min-events", type=click.IntRange(min=1), default=1, show_default=True,
              help="Drop edges with fewer events than this.")
@_modality_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "graphml"]), default="table", show_default=True,
              help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write (standard output if none).")
@clean_errors
def network(db, since, until, level, counted, min_events, modality, fmt, output):
    """The alliance and tension network: who cooperates and who fights, with blocs.

    Edges are signed: weight = (cooperative - conflictual events) / events. Blocs are Louvain
    communities of the cooperative edges; a node with none is in no bloc.

    \b
    Example:
      detente network --since 2024-06-01 --format json
      detente network --level actor --min-events 3 --format graphml -o network.graphml
    """
    from . import api

    first, last = _dates(since, until)
    graph = api.network(db, since=first, until=last, level=level, count=counted, min_events=min_events,
                        modality=None if modality == "any" else modality)
    if fmt == "graphml":
        _write_text(graph.to_graphml(), output)
    elif fmt == "json":
        _write_text(json.dumps(graph.to_dict(), ensure_ascii=False, indent=2) + "\n", output)
    else:
        text = render.render_table([asdict_row(n) for n in graph.nodes], NODE_COLUMNS) + "\n"
        text += render.render_table([asdict_row(e) for e in graph.edges], EDGE_COLUMNS)
        _write_text(text, output)


def asdict_row(item) -> dict:
    from dataclasses import asdict

    return asdict(item)


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True)
@_window_options
@click.option("--by", type=click.Choice(["day", "week", "month"]), default="week", show_default=True, help="Period.")
@click.option("--method", type=click.Choice(["zscore", "cusum"]), default="zscore", show_default=True,
              help="zscore: a period far above its rolling baseline; cusum: a sustained rise.")
@click.option("--window", type=click.IntRange(min=1), default=8, show_default=True,
              help="Periods of baseline before each judged period.")
@click.option("--threshold", type=float, default=2.0, show_default=True,
              help="z (zscore) or cumulative sum (cusum; 4-5 is usual) at which a period alerts.")
@click.option("--min-events", type=click.IntRange(min=1), default=3, show_default=True,
              help="Conflict events a period needs to alert.")
@_count_option
@format_option(choices=("table", "json", "jsonl", "csv", "parquet"))
@clean_errors
def alerts(db, since, until, by, method, window, threshold, min_events, counted, fmt, output):
    """Escalation alerts: country pairs whose conflict departs from their own baseline.

    Conflict intensity is the period's conflict events weighted by -Goldstein; each alert lists
    the events that drove it (`detente explain ID`). The method and its parameters are
    documented in detente.analysis.alerts.

    \b
    Example:
      detente alerts --since 2024-06-01
      detente alerts --by day --window 14 --method cusum --threshold 4
    """
    from . import api

    first, last = _dates(since, until)
    found = api.alerts(db, since=first, until=last, by=by, method=method, window=window, threshold=threshold,
                       min_events=min_events, count=counted)
    render.write([a.to_dict() for a in found], fmt, ALERT_COLUMNS, output=output)


@main.command()
@click.argument("code", required=False)
@click.option("--db", default=DEFAULT_DB, show_default=True)
@_window_options
@click.option("--by", type=click.Choice(["day", "week", "month"]), default="month", show_default=True,
              help="Period of the event mix.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Partners and opponents listed.")
@click.option("--search", "query", help="Without CODE: list the actors whose code starts with, or name contains, this.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Without CODE: actors listed.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Output format.")
@clean_errors
def actor(code, db, since, until, by, top, query, limit, fmt):
    """An actor's profile: top partners and opponents, and its event mix over time. Without
    CODE, the actors in the database (countries and actor codes), the busiest first.

    \b
    Example:
      detente actor RUS --since 2024-01-01
      detente actor --search korea
    """
    from . import api

    first, last = _dates(since, until)
    if code is None:
        items = api.actor_list(db, q=query, limit=limit)
        if fmt == "json":
            click.echo(json.dumps({"items": items}, ensure_ascii=False, indent=2))
        else:
            render.write(items, "table", ACTOR_LIST_COLUMNS)
        return
    profile = api.actor_profile(db, code, since=first, until=last, by=by, top=top)
    if fmt == "json":
        click.echo(json.dumps(profile.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{profile.code}  {profile.name}  ({profile.events} event(s))\n\npartners")
    click.echo(render.render_table(profile.partners, COUNTERPART_COLUMNS) + "\nopponents")
    click.echo(render.render_table(profile.opponents, COUNTERPART_COLUMNS) + "\nmix")
    click.echo(render.render_table(profile.mix, MIX_COLUMNS), nl=False)


def _require_db(db: str) -> None:
    if not Path(db).exists():
        raise DetenteError(f"no database at {db!r}: create one with `detente ingest PATH --db {db}`")


if __name__ == "__main__":
    main()
