"""Human-readable account of one event: marked sentence, code, actors, date, place, rules."""
from __future__ import annotations

from .model import Event


def mark_sentence(event: Event, color: bool = False) -> str:
    """The evidence sentence with [source], <<trigger>> and {target} marked in place."""
    base = event.evidence[0]
    spans = [(event.source.start, event.source.end, "[", "]", "\033[1;34m"),
             (event.trigger_span[0], event.trigger_span[1], "<<", ">>", "\033[1;31m")]
    if event.target:
        spans.append((event.target.start, event.target.end, "{", "}", "\033[1;32m"))
    text = event.sentence
    inserts = []
    for start, end, left, right, ansi in spans:
        if base <= start and end <= base + len(text):
            inserts.append((start - base, ansi + left if color else left))
            inserts.append((end - base, right + "\033[0m" if color else right))
    for offset, mark in sorted(inserts, key=lambda x: x[0], reverse=True):
        text = text[:offset] + mark + text[offset:]
    return text


def _actor(actor) -> str:
    if actor is None:
        return "(none)"
    name = f", {actor.name}" if actor.name else ""
    return f"{actor.code}  '{actor.text}'{name}  (confidence {actor.confidence}; {actor.basis})"


def explain_event(event: Event, color: bool = False) -> str:
    lines = [
        f"event {event.id}  (article {event.article_id})",
        "",
        "  " + mark_sentence(event, color),
        "",
        f"  code      CAMEO {event.cameo} {event.cameo_name}; Goldstein {event.goldstein}; quad class {event.quad_class}; "
        f"PLOVER {event.plover or '(none: PLOVER codes no plain statements)'}{' / ' + event.plover_mode if event.plover_mode else ''}",
        f"  source    {_actor(event.source)}",
        f"  target    {_actor(event.target)}",
        f"  modality  {event.modality}",
        f"  date      {event.date or 'unknown'} ({event.date_basis}{', ' + repr(event.date_text) if event.date_text else ''})",
        f"  location  {event.location.name + ' (' + str(event.location.country) + ')' if event.location else '(none named)'}",
        f"  evidence  characters {event.evidence[0]}-{event.evidence[1]} of the article; confidence {event.confidence}",
        "",
        "  why:",
    ]
    lines += [f"    - {reason}" for reason in event.rationale]
    return "\n".join(lines)
