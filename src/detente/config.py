"""Settings from a config file: `detente.toml` in the working directory, or the file named by
$DETENTE_CONFIG. Command-line options add to it.

    [knowledge]
    actors = ["my-actors.csv", "Phoenix.Countries.actors.txt"]
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path

from .errors import DetenteError


def config_path() -> Path | None:
    named = os.environ.get("DETENTE_CONFIG")
    if named:
        if not Path(named).is_file():
            raise DetenteError(f"DETENTE_CONFIG names {named!r}, which is not a file")
        return Path(named)
    local = Path("detente.toml")
    return local if local.is_file() else None


def configured_actor_files() -> list[str]:
    path = config_path()
    if path is None:
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DetenteError(f"{path}: not valid TOML ({exc})") from None
    files = data.get("knowledge", {}).get("actors", [])
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise DetenteError(f"{path}: [knowledge] actors must be a list of file names")
    # Relative names are relative to the config file, wherever detente runs.
    return [str((path.parent / f) if not Path(f).is_absolute() else Path(f)) for f in files]


def apply(actor_files=()) -> None:
    """Load the configured and the given user dictionaries (errors name the file and line)."""
    from .knowledge.gazetteer import configure

    configure([*configured_actor_files(), *actor_files])
