"""detente: political event data from news text, with evidence.

    >>> from detente import extract
    >>> [e.cameo for e in extract("Russia warned Japan on Monday.", published="2024-06-21")]
    ['130']
"""
from .api import actors, extract, extract_article, extract_file, ingest
from .model import Actor, Article, Event, Location
from .store import Store

__all__ = ["actors", "extract", "extract_article", "extract_file", "ingest", "Store", "Event", "Actor", "Location", "Article"]
__version__ = "0.1.0"
