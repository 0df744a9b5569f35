"""Typed records that flow through detente.

`Article` is the one mutable object: stages fill it in turn, the way spaCy fills a `Doc`.
Everything a stage hands on to users (`Actor`, `Event`, `Location`) is frozen, so a stored
record can never drift from what was coded.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, asdict
from datetime import date
from typing import Any

MODALITIES = ("asserted", "negated", "hypothetical", "intended", "expected", "alleged")
DATE_BASES = ("explicit", "relative", "publication", "unknown")
QUAD_CLASSES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}


def content_hash(text: str) -> str:
    """Article identity: the same text is the same article, wherever it came from."""
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Actor:
    """One resolved actor mention. Offsets are character offsets into `Article.text`."""

    text: str
    start: int
    end: int
    country: str | None = None
    sector: str | None = None
    name: str | None = None
    confidence: float = 1.0
    basis: str = ""

    @property
    def code(self) -> str | None:
        if not self.country and not self.sector:
            return None
        return f"{self.country or '---'}{self.sector or ''}"

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["code"] = self.code
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "Actor | None":
        if not data:
            return None
        fields = {k: data[k] for k in ("text", "start", "end", "country", "sector", "name", "confidence", "basis") if k in data}
        return cls(**fields)


@dataclass(frozen=True)
class Location:
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    feature: str | None = None
    geonameid: int | None = None
    admin1: str | None = None
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "Location | None":
        return cls(**data) if data else None


@dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    goldstein: float
    quad_class: int
    plover: str | None
    plover_mode: str | None

    @property
    def root(self) -> str:
        return self.code[:2]


@dataclass(frozen=True)
class Event:
    """A coded event and the evidence for it (the JSONL contract, see README)."""

    id: str
    article_id: str
    source: Actor
    target: Actor | None
    cameo: str
    cameo_name: str
    goldstein: float
    quad_class: int
    plover: str | None
    plover_mode: str | None
    modality: str
    trigger: str
    trigger_span: tuple[int, int]
    sentence: str
    evidence: tuple[int, int]
    confidence: float
    rationale: tuple[str, ...] = ()
    date: str | None = None
    date_basis: str = "unknown"
    date_precision: str | None = None
    date_text: str | None = None
    location: Location | None = None
    # Who coded it: "detente" for events coded here, else the dataset it was imported from
    # ("icews", "gdelt", "plover"), with that dataset's own event id.
    origin: str = "detente"
    origin_id: str | None = None

    @property
    def imported(self) -> bool:
        return self.origin != "detente"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "article_id": self.article_id,
            "date": self.date,
            "date_basis": self.date_basis,
            "date_precision": self.date_precision,
            "date_text": self.date_text,
            "source": self.source.to_dict(),
            "target": self.target.to_dict() if self.target else None,
            "cameo": self.cameo,
            "cameo_name": self.cameo_name,
            "goldstein": self.goldstein,
            "quad_class": self.quad_class,
            "plover": self.plover,
            "plover_mode": self.plover_mode,
            "modality": self.modality,
            "trigger": self.trigger,
            "trigger_span": list(self.trigger_span),
            "sentence": self.sentence,
            "evidence": list(self.evidence),
            "location": self.location.to_dict() if self.location else None,
            "confidence": self.confidence,
            "rationale": list(self.rationale),
            "origin": self.origin,
            "origin_id": self.origin_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Event":
        source = Actor.from_dict(data["source"])
        assert source is not None
        return cls(
            id=data["id"],
            article_id=data["article_id"],
            source=source,
            target=Actor.from_dict(data.get("target")),
            cameo=data["cameo"],
            cameo_name=data.get("cameo_name", ""),
            goldstein=float(data["goldstein"]),
            quad_class=int(data["quad_class"]),
            plover=data.get("plover"),
            plover_mode=data.get("plover_mode"),
            modality=data["modality"],
            trigger=data["trigger"],
            trigger_span=tuple(data["trigger_span"]),
            sentence=data["sentence"],
            evidence=tuple(data["evidence"]),
            confidence=float(data["confidence"]),
            rationale=tuple(data.get("rationale") or ()),
            date=data.get("date"),
            date_basis=data.get("date_basis", "unknown"),
            date_precision=data.get("date_precision"),
            date_text=data.get("date_text"),
            location=Location.from_dict(data.get("location")),
            origin=data.get("origin") or "detente",
            origin_id=data.get("origin_id"),
        )


@dataclass
class Article:
    """The document as it moves through the stages."""

    raw: str
    published: date | None = None
    # where the publication date came from: "caller", "html", "dateline", "record" or None (undated)
    published_basis: str | None = None
    title: str | None = None
    # the dateline's place ("SEOUL, June 21 (Reuters) -" -> "SEOUL") and its span in `text`
    dateline: str | None = None
    dateline_span: tuple[int, int] | None = None
    # the whole dateline in `text`, date, agency and dash included (a date-only line has no place)
    dateline_extent: tuple[int, int] | None = None
    source: str | None = None
    media_type: str = "text"
    text: str = ""
    id: str = ""
    doc: Any = None
    resolver: Any = None
    anchors: dict[str, int] = field(default_factory=dict)
    mentions: list[Actor] = field(default_factory=list)
    places: list[Location] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
