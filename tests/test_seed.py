"""The seed article is the product's first acceptance case (issue: the spine)."""
import pytest

pytestmark = pytest.mark.slow


def find(events, source, target=None, prefixes=(), plover=None, **fields):
    out = []
    for e in events:
        if e.source.country != source:
            continue
        if target is not None and (e.target is None or e.target.country not in ((target,) if isinstance(target, str) else target)):
            continue
        if prefixes and not (e.cameo.startswith(tuple(prefixes)) or (plover and e.plover == plover)):
            continue
        if all(getattr(e, k) == v for k, v in fields.items()):
            out.append(e)
    return out


def test_russia_threatens_south_korea_on_thursday(seed_events):
    assert find(seed_events, "RUS", "KOR", ["13"], modality="asserted", date="2024-06-20")
    assert all(e.plover == "THREATEN" for e in find(seed_events, "RUS", "KOR", ["13"]))


def test_pact_signed_between_russia_and_north_korea(seed_events):
    signed = find(seed_events, "RUS", "PRK", ["057"], modality="asserted") + find(seed_events, "PRK", "RUS", ["057"], modality="asserted")
    assert signed and all(e.plover == "AGREE" for e in signed)


def test_russia_visits_north_korea(seed_events):
    assert find(seed_events, "RUS", "PRK", ["04"])


def test_south_korea_weighs_arms_for_ukraine_not_asserted(seed_events):
    weighs = find(seed_events, "KOR", "UKR", ["014", "03", "07"])
    assert [e for e in weighs if e.modality != "asserted" and e.cameo.startswith(("014", "03"))]


def test_south_korea_summons_russian_ambassador(seed_events):
    assert find(seed_events, "KOR", "RUS", ["11", "04"])


def test_aid_and_equipment_provided(seed_events):
    assert find(seed_events, "KOR", "UKR", ["07"], modality="asserted")


def test_lethal_weapons_negated(seed_events):
    assert find(seed_events, "KOR", "UKR", ["07"], modality="negated")


def test_north_korea_pledges_support(seed_events):
    assert find(seed_events, "PRK", "RUS", ["05", "03"], plover="SUPPORT")


def test_japan_calls_it_unacceptable(seed_events):
    hits = find(seed_events, "JPN", "RUS", ["11", "01"])
    assert hits
    assert any(e.source.name == "Yoshimasa Hayashi" and e.source.sector == "GOV" for e in hits)


def test_kirby_concern(seed_events):
    hits = find(seed_events, "USA", ("RUS", "PRK"), ["01", "11", "13"])
    assert hits
    assert all(e.source.code == "USAGOV" for e in hits if e.source.name == "John Kirby")
    assert any(e.source.name == "John Kirby" for e in hits)


def test_border_crossing_and_warning_shots_on_thursday(seed_events):
    assert find(seed_events, "PRK", "KOR", date="2024-06-20")
    assert find(seed_events, "KOR", "PRK", date="2024-06-20")
    shots = [e for e in find(seed_events, "KOR", "PRK") if "fired" in e.trigger]
    assert shots and shots[0].cameo == "150"


def test_earlier_incursions_dated_from_text(seed_events):
    earlier = [e for e in find(seed_events, "PRK", "KOR") if e.date in ("2024-06-09", "2024-06-18")]
    assert earlier and earlier[0].date_basis == "explicit"


def test_putin_is_resolved_by_name(seed_events):
    putin = [e.source for e in seed_events if e.source.name == "Vladimir Putin"]
    assert putin and all((a.country, a.sector) == ("RUS", "GOV") for a in putin)


def test_no_asserted_arms_supply_from_the_conditional(seed_events):
    conditional = [e for e in seed_events if e.sentence.startswith('"If South Korea decides')]
    assert conditional
    assert not [e for e in conditional if e.source.country == "KOR" and e.target and e.target.country == "UKR" and e.modality == "asserted"]
    threats = [e for e in conditional if e.source.country == "RUS" and e.cameo.startswith("13")]
    assert threats and all(e.modality == "asserted" for e in threats)


def test_nothing_from_the_page_trailer(seed_events):
    trailer = ("Comments", "Popular posts", "Al Jazeera", "Gaza Strike", "F-16")
    assert not [e for e in seed_events if any(word in e.sentence for word in trailer)]


def test_evidence_offsets_point_at_the_sentence(seed_events):
    from detente.api import extract_file
    from tests.conftest import SEED

    text = extract_file(SEED, "2024-06-21").text
    for e in seed_events:
        start, end = e.evidence
        assert text[start:end] == e.sentence
        assert text[e.trigger_span[0]:e.trigger_span[1]] == e.trigger
        assert text[e.source.start:e.source.end] == e.source.text
        assert 0 < e.confidence <= 1
        assert e.rationale
