from detente import pipeline


def test_stage_order_is_pinned():
    assert [name for name, _ in pipeline.STAGES] == ["clean", "parse", "actors", "events", "when", "where"]


def test_every_stage_has_one_entry_point():
    from detente.stages import actors, clean, events, parse, when, where

    for module in (clean, parse, actors, events, when, where):
        assert callable(module.run)
