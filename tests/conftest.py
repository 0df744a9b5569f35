import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DETENTE_SHARED", ROOT.parent / "shared"))
SEED = ROOT / "examples" / "000_911107bcbd4a2299.txt"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.exists():
        pytest.skip(f"shared data not found at {SHARED}; set DETENTE_SHARED to its path")
    return SHARED


@pytest.fixture(scope="session")
def seed_events():
    from detente.api import extract_file

    return extract_file(SEED, "2024-06-21").events
