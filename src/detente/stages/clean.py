"""Stage 1: turn raw input (plain text or HTML) into clean article text.

Blog and news pages end with furniture ("Comments", "Popular posts from this blog", "Share
this", related-story lists). Everything from the first such line on is cut, because headlines
of other stories would otherwise be coded as events of this one.

The publication date is settled here, first found wins: the caller's (`--published`), the
HTML metadata, a dated dateline ("LONDON, 21 June 2024 (AFP) -"), a JSONL/CSV record field.
With none the article stays undated: relative dates in it cannot be resolved, and nothing
ever stands in today's date. A note on the article says where the date came from.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from ..errors import InputError
from ..io.language import check_english
from ..model import Article, content_hash
from .dateline import Dateline, anchor, find_dateline

FURNITURE = re.compile(
    r"^\s*(comments?|\d+\s+comments?|leave a (comment|reply)|post a comment|popular posts( from this blog)?|"
    r"related (posts|articles|stories)|read more|more stories|you may also like|recommended( for you)?|"
    r"share this( article| story)?:?|subscribe( to our newsletter)?|trending( now)?|most read|"
    r"sign up for our newsletter|about the author|tags?:.*)\s*$",
    re.IGNORECASE,
)
HTML_HINT = re.compile(r"<\s*(html|body|p|div|article|head|!doctype)\b", re.IGNORECASE)
PAGE_HINT = re.compile(r"<\s*(html|body)\b", re.IGNORECASE)
BLOCKS = ("p", "div", "br", "li", "tr", "blockquote", "pre", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6")


def looks_like_html(raw: str) -> bool:
    return bool(HTML_HINT.search(raw[:5000]))


def html_to_text(raw: str) -> tuple[str, str | None, str | None]:
    """Main text, title and publication date (ISO) of an HTML page, via trafilatura."""
    import trafilatura

    extracted = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, favor_precision=True)
    data = {} if extracted is None else extracted.as_dict() if hasattr(extracted, "as_dict") else dict(extracted)
    text = data.get("text") or ""
    if not text.strip() and not PAGE_HINT.search(raw[:5000]):
        # a fragment, such as a feed item's description, is often too short for trafilatura's
        # page heuristics; it has no page furniture to leave out, so all of its text is the article
        text = fragment_text(raw)
    return text, data.get("title"), data.get("date")


def fragment_text(raw: str) -> str:
    """The text of an HTML fragment, a paragraph break after each block element."""
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.fragment_fromstring(raw, create_parent="div")
    except (ParserError, ValueError):
        return ""
    for element in list(root.iter("script", "style", "noscript")):
        element.drop_tree()
    for element in root.iter(*BLOCKS):
        element.tail = "\n\n" + (element.tail or "")
    return root.text_content()


def no_html_text(raw: str, source: str | None) -> InputError:
    """Why HTML gave no text: markup no document can be built from (only closing tags, a lone
    comment, a page cut off inside its first tag) is malformed; a page of markup, scripts and
    navigation, or with too little text for an article, is empty."""
    import lxml.html
    from lxml.etree import ParserError

    name = source or "the HTML"
    try:
        lxml.html.fromstring(raw)
    except (ParserError, ValueError) as exc:
        return InputError(f"{name!r} is not readable HTML ({exc}): no document can be built from its markup; "
                          "check that the file is complete", "malformed_html")
    return InputError(f"{name!r} has no article text: the page holds only markup, scripts or navigation, "
                      "or too little text for an article", "empty")


def strip_furniture(text: str) -> str:
    kept = []
    for line in text.split("\n"):
        if FURNITURE.match(line):
            break
        kept.append(line)
    return "\n".join(kept)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def split_title(text: str) -> str | None:
    """A first line that is short and has no final stop is the headline."""
    first, _, rest = text.partition("\n")
    if rest.strip() and len(first) < 200 and not first.rstrip().endswith((".", "!", "?", '"')):
        return first.strip()
    return None


def run(article: Article) -> Article:
    raw = article.raw
    html_date = None
    if article.media_type == "html" or (article.media_type == "text" and looks_like_html(raw)):
        article.media_type = "html"
        body, title, html_date = html_to_text(raw)
        if not body.strip():
            raise no_html_text(raw, article.source)
        article.title = article.title or title
        raw = (f"{title}\n\n{body}" if title and not body.startswith(title) else body)
    text = normalise(strip_furniture(normalise(raw)))
    if not text:
        raise InputError(f"{article.source or 'the text'!r} has no text left once page furniture is cut: "
                         "there is nothing to code", "empty")
    # before the parse, the costly stage: an article in another language is rejected, not coded
    check_english(text, article.source)
    article.text = text
    article.title = article.title or split_title(text)
    article.id = content_hash(text)
    dateline = find_dateline(text)
    article.dateline_extent = dateline.span if dateline is not None else None
    if dateline is not None and dateline.place:
        article.dateline, article.dateline_span = dateline.place, dateline.place_span
    if dateline is not None and article.title == text[dateline.span[0]:dateline.span[1]].strip():
        article.title = None  # a first line that is only a date ("Friday, January 4, 2019") is no headline
    settle_publication(article, html_date, dateline)
    return article


def settle_publication(article: Article, html_date: str | None, dateline: Dateline | None) -> None:
    """Set `published` and `published_basis` by precedence: caller, HTML, dateline, record."""
    if article.published is not None and article.published_basis is None:
        article.published_basis = "caller"  # a date given before cleaning that no reader marked
    if article.published_basis == "caller":
        article.notes.append(f"publication date {article.published} from the caller")
        return
    html_day = _html_day(html_date, article.notes)
    if html_day is not None:
        article.published, article.published_basis = html_day, "html"
        article.notes.append(f"publication date {html_day} from the HTML metadata")
        return
    dateline_day = _dateline_day(dateline, article.published, article.notes)
    if dateline_day is not None:
        article.published, article.published_basis = dateline_day, "dateline"
        article.notes.append(f"publication date {dateline_day} from the dateline")
        return
    if article.published_basis == "record":
        article.notes.append(f"publication date {article.published} from the record's date field")
        return
    article.published, article.published_basis = None, None
    article.notes.append("undated: no --published, HTML date, dated dateline or record date; "
                         "only dates written out with a year can date events")


def _html_day(value: str | None, notes: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        notes.append(f"ignored unreadable HTML date {value!r}")
        return None


def _dateline_day(dateline: Dateline | None, record_day: date | None, notes: list[str]) -> date | None:
    """A dateline's full date; one without a year only when a record date anchors its year."""
    if dateline is None or (dateline.day is None and dateline.month_day is None):
        return None
    if dateline.day is not None:
        return dateline.day
    if record_day is None:
        month, day = dateline.month_day
        notes.append(f"dateline date {month:02d}-{day:02d} has no year and nothing anchors one; not used")
        return None
    return anchor(dateline.month_day, record_day)
