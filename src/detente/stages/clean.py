"""Stage 1: turn raw input (plain text or HTML) into clean article text.

Blog and news pages end with furniture ("Comments", "Popular posts from this blog", "Share
this", related-story lists). Everything from the first such line on is cut, because headlines
of other stories would otherwise be coded as events of this one.
"""
from __future__ import annotations

import re
import unicodedata

from ..model import Article, content_hash

FURNITURE = re.compile(
    r"^\s*(comments?|\d+\s+comments?|leave a (comment|reply)|post a comment|popular posts( from this blog)?|"
    r"related (posts|articles|stories)|read more|more stories|you may also like|recommended( for you)?|"
    r"share this( article| story)?:?|subscribe( to our newsletter)?|trending( now)?|most read|"
    r"sign up for our newsletter|about the author|tags?:.*)\s*$",
    re.IGNORECASE,
)
HTML_HINT = re.compile(r"<\s*(html|body|p|div|article|head|!doctype)\b", re.IGNORECASE)


def looks_like_html(raw: str) -> bool:
    return bool(HTML_HINT.search(raw[:5000]))


def html_to_text(raw: str) -> tuple[str, str | None, str | None]:
    """Main text, title and publication date (ISO) of an HTML page, via trafilatura."""
    import trafilatura

    extracted = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, favor_precision=True)
    if extracted is None:
        return "", None, None
    data = extracted.as_dict() if hasattr(extracted, "as_dict") else dict(extracted)
    return data.get("text") or "", data.get("title"), data.get("date")


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
    if article.media_type == "html" or (article.media_type == "text" and looks_like_html(raw)):
        article.media_type = "html"
        body, title, published = html_to_text(raw)
        article.title = article.title or title
        if published and article.published is None:
            from datetime import date

            try:
                article.published = date.fromisoformat(published[:10])
                article.notes.append("publication date from HTML metadata")
            except ValueError:
                article.notes.append(f"ignored unreadable HTML date {published!r}")
        raw = (f"{title}\n\n{body}" if title and not body.startswith(title) else body)
    text = normalise(strip_furniture(normalise(raw)))
    article.text = text
    article.title = article.title or split_title(text)
    article.id = content_hash(text)
    return article
