"""The quality gate: no score may fall below the floor pinned in eval/floors.json."""
import pytest

from detente import evaluation
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_scores_stay_above_their_floors(shared):
    floors = evaluation.load_floors(ROOT / "eval" / "floors.json")
    scores = evaluation.run(None, shared)
    keys = {s.key for s in scores}
    assert set(floors) <= keys, f"floors for metrics no suite reports: {set(floors) - keys}"
    failures = evaluation.below_floor(scores, floors)
    assert not failures, "\n".join(f"{s.key} = {s.value} < floor {floor}" for s, floor in failures)
