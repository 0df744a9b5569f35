"""The stage list and the runner. The order here is the architecture; a test pins it."""
from __future__ import annotations

from datetime import date
from typing import Callable

from .model import Article
from .stages import actors, clean, events, parse, when, where

STAGES: tuple[tuple[str, Callable[[Article], Article]], ...] = (
    ("clean", clean.run),
    ("parse", parse.run),
    ("actors", actors.run),
    ("events", events.run),
    ("when", when.run),
    ("where", where.run),
)


def run(article: Article, until: str | None = None) -> Article:
    """Run the stages in order; `until` stops after the named stage (e.g. "actors")."""
    if until is not None and until not in dict(STAGES):
        raise ValueError(f"unknown stage {until!r}: the stages are {', '.join(name for name, _ in STAGES)}")
    for name, stage in STAGES:
        article = stage(article)
        if name == until:
            break
    return article


def process(text: str, published: date | None = None, media_type: str = "text", source: str | None = None) -> Article:
    return run(Article(raw=text, published=published, media_type=media_type, source=source))
