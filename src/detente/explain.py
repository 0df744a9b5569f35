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
    if event.imported or event.evidence[0] is None:
        return explain_imported(event)
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


def explain_imported(event: Event) -> str:
    """An event imported from another dataset: what that dataset recorded, and how it was read.
    There is no trigger or span to mark; the sentence is shown when the dataset has one."""
    from .io.interchange import NAMES

    origin = NAMES.get(event.origin, event.origin)
    story = f"; story {event.article_id}" if event.article_id else ""
    code = (f"CAMEO {event.cameo} {event.cameo_name}" if event.cameo else "CAMEO (none)")
    goldstein = event.goldstein if event.goldstein is not None else "(none)"
    quad = event.quad_class if event.quad_class is not None else "(none)"
    place = "(none given)"
    if event.location:
        where = f" {event.location.lat}, {event.location.lon}" if event.location.lat is not None else ""
        place = f"{event.location.name} ({event.location.country or 'country unknown'}){where}"
    if event.imported:
        header = f"event {event.id}  (imported from {origin}, its event {event.origin_id or '(no id)'}{story})"
    else:
        header = f"event {event.id}  (coded by detente, read back from an export: no spans{story})"
    lines = [
        header,
        "",
        "  " + (event.sentence or f"(no text: {origin} gives none)"),
        "",
        f"  code      {code}; Goldstein {goldstein}; quad class {quad}; "
        f"PLOVER {event.plover or '(none)'}{' / ' + event.plover_mode if event.plover_mode else ''}",
        f"  source    {_imported_actor(event.source)}",
        f"  target    {_imported_actor(event.target)}",
        f"  modality  {event.modality}",
        f"  date      {event.date or 'unknown'} (as {origin} dated it{', ' + repr(event.date_text) if event.date_text else ''})",
        f"  location  {place}",
        "",
        "  why:",
    ]
    lines += [f"    - {reason}" for reason in event.rationale]
    return "\n".join(lines)


def _imported_actor(actor) -> str:
    if actor is None or (not actor.text and not actor.code):
        return "(none)"
    return f"{actor.code or '(no code)'}  '{actor.text}'  ({actor.basis})"
