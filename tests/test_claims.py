"""Claims audit and Kursk measurements on small tables with known answers."""

from __future__ import annotations

import pandas as pd
import pytest

from frames import figure_frame
from helpers.analysis import claims, kursk
from helpers.data.load import load


def areas(*rows):
    return pd.DataFrame([{"snapshot_date": pd.Timestamp(d), kursk.HELD: h, kursk.HELD_OR_GREY: w} for d, h, w in rows])


AREAS = areas(
    ("2023-06-04", 0, 0),
    ("2024-08-04", 0, 0),
    ("2024-08-11", 100, 150),
    ("2024-08-25", 900, 1250),
    ("2024-09-08", 950, 1200),
    ("2024-10-01", 800, 1150),
    ("2024-11-24", 560, 770),
)


FIGS = figure_frame(
    ("area", 1263.0, "km2", "unqualified", None, None, "2024-08-25", "k", "o", "r"),
    ("peak", 940.0, "km2", "about", None, None, "2024-09-08", "k", "o", "r"),
    ("retaken", 593.0, "km2", "nearly", "2024-10-01", "2024-11-24", "2024-11-24", "k", "o", "r"),
    ("atleast", 500.0, "km2", "at least", None, None, "2024-11-24", "k", "o", "r"),
)
CTX = claims.Context(FIGS, AREAS)


def claim(check, figure_id=None, stated_date=None, tolerance=15.0):
    return pd.Series(
        {
            "claim_id": "c",
            "claim": "a claim",
            "text": "further report",
            "source_key": "k",
            "figure_id": figure_id,
            "stated_date": pd.Timestamp(stated_date) if stated_date else pd.NaT,
            "check": check,
            "tolerance_percent": tolerance,
            "note": "why",
        }
    )


def test_kursk_measurements():
    seen = kursk.first_appearance(AREAS)
    assert (seen.last_without, seen.first_with) == (pd.Timestamp("2024-08-04"), pd.Timestamp("2024-08-11"))
    assert kursk.peak(AREAS) == (pd.Timestamp("2024-09-08"), 950.0)
    assert kursk.peak(AREAS, kursk.HELD_OR_GREY) == (pd.Timestamp("2024-08-25"), 1250.0)
    assert kursk.change(AREAS, "2024-10-01", "2024-11-23") == -240.0
    with pytest.raises(LookupError):
        kursk.nearest(AREAS, "2024-10-20")


@pytest.mark.parametrize(
    "stated, qualifier, measured, ok",
    [
        (100, "about", 114, True),
        (100, "about", 116, False),
        (100, "nearly", 86, True),
        (100, "more than", 500, True),
        (100, "more than", 84, False),
        (100, "unqualified", 85, True),
    ],
)
def test_meets_respects_qualifiers(stated, qualifier, measured, ok):
    assert claims.meets(stated, qualifier, measured, 15) is ok


def test_verdicts_by_definition():
    assert claims.check_kursk_area_on(claim("kursk_area_on", "area"), CTX).verdict == "depends on definition"
    assert claims.check_kursk_peak(claim("kursk_peak", "peak"), CTX).verdict == "consistent"
    assert (
        claims.check_kursk_retaken_since(claim("kursk_retaken_since", "retaken"), CTX).verdict
        == "not supported by the data"
    )
    assert claims.check_kursk_area_on(claim("kursk_area_on", "atleast"), CTX).verdict == "consistent"


def test_start_dates():
    assert (
        claims.check_kursk_start_date(claim("kursk_start_date", stated_date="2023-08-01"), CTX).verdict
        == "contradicted"
    )
    assert (
        claims.check_kursk_start_date(claim("kursk_start_date", stated_date="2024-08-06"), CTX).verdict == "consistent"
    )
    assert (
        claims.check_kursk_start_date(claim("kursk_start_date", stated_date="2024-09-01"), CTX).verdict
        == "not supported by the data"
    )
    assert (
        claims.check_kursk_start_date(claim("kursk_start_date", stated_date="2022-08-01"), CTX).verdict
        == "not checkable"
    )


def test_unknown_check_is_named():
    bad = pd.DataFrame([claim("no_such_check", "area")])
    bad["chapter"] = "kursk"
    with pytest.raises(KeyError, match="no_such_check"):
        claims.audit(bad, CTX)


def committed_context():
    return claims.default_context()


def test_every_committed_claim_gets_a_verdict():
    audit = claims.audit(load("claims"), committed_context())
    assert set(audit["verdict"]) <= set(claims.VERDICTS)
    assert len(audit) == len(load("claims"))
    # every check the data name exists, and every kind of verdict the audit defines is exercised
    assert set(load("claims")["check"]) <= set(claims.CHECKS)
    assert set(audit["verdict"]) == set(claims.VERDICTS)


def test_claims_cover_both_write_ups():
    texts = set(load("claims")["text"])
    assert {"write-up 000", "write-up 001", "both write-ups"} <= texts


def test_the_2023_start_date_is_contradicted_by_the_committed_data():
    """Source consistency: the start date in data/ agrees with DeepState; 'August 2023' does not."""
    audit = claims.audit(load("claims"), committed_context())
    assert audit.loc["kursk_start_august_2023", "verdict"] == "contradicted"
    assert audit.loc["kursk_start_6_august_2024", "verdict"] == "consistent"
    start = load("events").set_index("event_id").loc["kursk_incursion_start", "date"]
    seen = kursk.first_appearance(load("deepstate_areas"))
    assert seen.last_without < seen.first_with
    assert start <= seen.first_with <= start + pd.Timedelta(days=kursk.MAPPING_LAG_DAYS)


def test_timeline_adds_measured_dates_to_reported_events():
    events = load("events")
    line = kursk.timeline(events, load("deepstate_areas"))
    assert line["date"].is_monotonic_increasing
    assert {"Incursion", "First mapped", "Peak held"} <= set(line["short"])
    assert line["date"].min() == events.set_index("event_id").loc["kursk_incursion_start", "date"]


def test_long_series_has_both_readings():
    data = kursk.long_series(AREAS, "2024-08-01", "2024-12-31")
    assert set(data["reading"]) == set(kursk.READINGS.values())
    assert len(data) == 2 * 6


def test_crowded_timeline_labels_are_thinned():
    line = kursk.timeline(load("events"), load("deepstate_areas"))
    labelled = line.loc[line["label"] != "", "date"]
    assert (labelled.diff().dropna() >= pd.Timedelta(days=7)).all()
