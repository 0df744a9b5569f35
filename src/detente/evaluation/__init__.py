"""Scoring against the gold standards in ../shared/data/gold (read in place, never copied).

Each suite returns `Score`s; `detente eval` prints them and `--check` compares them with the
floors pinned in `eval/floors.json`, which only ever move up.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from ..errors import DetenteError


@dataclass(frozen=True)
class Score:
    suite: str
    metric: str
    value: float
    n: int
    note: str = ""

    @property
    def key(self) -> str:
        return f"{self.suite}.{self.metric}"

    def to_dict(self) -> dict:
        return asdict(self) | {"key": self.key}


def shared_root(path: str | os.PathLike | None = None) -> Path:
    """The shared data folder: the argument, $DETENTE_SHARED, or ../shared beside the checkout."""
    if path:
        root = Path(path)
    elif os.environ.get("DETENTE_SHARED"):
        root = Path(os.environ["DETENTE_SHARED"])
    else:
        root = Path.cwd().parent / "shared"
    if not (root / "data" / "gold").is_dir():
        raise DetenteError(f"no gold data under {str(root)!r}: pass --shared PATH (the folder holding data/gold) or set DETENTE_SHARED")
    return root


def loose_date(text: str | None) -> date | None:
    """Dates as the gold sets write them: ISO, '1 January 2018', 'October 1, 2021', 'Today'."""
    if not text or text.strip().lower() in ("today", "now"):
        return None
    for fmt in ("%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%d %b %Y", "%Y%m%d"):
        try:
            return datetime.strptime(text.strip().title() if "%B" in fmt or "%b" in fmt else text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def suites() -> dict[str, Callable[[Path], list[Score]]]:
    from . import actors, events, places

    return {"actors": actors.run, "events": events.run, "places": places.run}


def run(names: list[str] | None, shared: Path) -> list[Score]:
    available = suites()
    unknown = [n for n in names or [] if n not in available]
    if unknown:
        raise DetenteError(f"unknown eval suite {unknown[0]!r}: choose from {', '.join(available)}")
    scores: list[Score] = []
    for name in names or list(available):
        scores.extend(available[name](shared))
    return scores


def load_floors(path: str | os.PathLike) -> dict[str, float]:
    try:
        return {k: float(v) for k, v in json.loads(Path(path).read_text()).items()}
    except FileNotFoundError:
        raise DetenteError(f"no floors file at {str(path)!r}") from None
    except (ValueError, AttributeError) as exc:
        raise DetenteError(f"{str(path)!r} is not a JSON object of metric -> floor: {exc}") from None


def below_floor(scores: list[Score], floors: dict[str, float]) -> list[tuple[Score, float]]:
    """Scores that dropped under their pinned floor (a small epsilon absorbs float noise)."""
    by_key = {s.key: s for s in scores}
    return [(by_key[k], floor) for k, floor in floors.items() if k in by_key and by_key[k].value < floor - 1e-9]
