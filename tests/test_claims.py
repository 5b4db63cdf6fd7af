"""Claims audit and Kursk measurements on small tables with known answers."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from frames import figure_frame
from helpers.analysis import claims, kursk
from helpers.data.load import load
from helpers.data.sourced import figure
from helpers.present.prose_checks import ProseContradicted


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


def claim(check, figure_id=None, stated_date=None, published="2024-12-31", place_id=None, precision="day"):
    return pd.Series(
        {
            "claim_id": "c",
            "claim": "a claim",
            "text": "further report",
            "source_key": "k",
            "figure_id": figure_id,
            "stated_date": pd.Timestamp(stated_date) if stated_date else pd.NaT,
            "stated_precision": precision if stated_date else None,
            "check": check,
            "published": pd.Timestamp(published),
            "place_id": place_id,
            "note": "why",
        }
    )


def test_kursk_measurements():
    seen = kursk.first_appearance(AREAS)
    assert (seen.last_without, seen.first_with) == (pd.Timestamp("2024-08-04"), pd.Timestamp("2024-08-11"))
    assert kursk.peak(AREAS) == (pd.Timestamp("2024-09-08"), 950.0)
    assert kursk.peak(AREAS, kursk.HELD_OR_GREY) == (pd.Timestamp("2024-08-25"), 1250.0)
    assert claims.check_kursk_retaken_since(claim("kursk_retaken_since", "retaken"), CTX).strict == 240.0
    with pytest.raises(LookupError):
        kursk.nearest(AREAS, "2024-10-20")


@pytest.mark.parametrize(
    "value, step", [(2700, 50), (800, 50), (1376, 0.5), (593, 0.5), (6, 0.5), (5.8, 0.05), (1000, 500)]
)
def test_rounding_is_half_the_last_digits_place(value, step):
    assert claims.rounding_step(value) == step


def fig(value, qualifier, figure_id="x"):
    return claims.Figure(figure_id, value, "km2", qualifier, None, None, pd.Timestamp("2024-11-01"), "k", "o", "r")


@pytest.mark.parametrize(
    "qualifier, measured, ok",
    [
        ("about", 2380, True),  # 2,700 less 10% (270) less the rounding 'about 2,700' shows (50)
        ("about", 2379, False),
        ("about", 3019, True),
        ("nearly", 2380, True),
        ("unqualified", 2430, True),
        ("unqualified", 2429, False),
        ("more than", 2430, True),
        ("more than", 10**6, True),  # a floor has no ceiling
        ("more than", 2429, False),
    ],
)
def test_the_tolerance_rule_follows_the_qualifier(qualifier, measured, ok):
    assert claims.tolerance(fig(2700, qualifier), "map area", FIGS).admits(measured) is ok


def test_a_ratio_and_a_difference_carry_their_parts_uncertainty():
    ratio = claims.tolerance(fig(6, "unqualified"), "ratio of map areas", FIGS)
    assert (ratio.low, ratio.high) == pytest.approx((6 * 0.8, 6 * 1.2))
    parts = figure_frame(
        ("peak", 1376.0, "km2", "about", None, None, "2024-08-31", "k", "o", "r"),
        ("now", 800.0, "km2", "about", None, None, "2024-11-23", "k", "o", "r"),
    )
    claims.DIFFERENCE_OF["diff"] = ("peak", "now")
    try:
        difference = claims.tolerance(fig(576, "unqualified", "diff"), "map area", parts)
    finally:
        del claims.DIFFERENCE_OF["diff"]
    assert (difference.low, difference.high) == pytest.approx((576 - 217.6, 576 + 217.6))


def test_a_value_between_two_definitions_depends_on_definition():
    tol = claims.tolerance(fig(465, "unqualified"), "map area", FIGS)
    assert claims.grade(465, tol, -185, [738, -108]) == "depends on definition"
    assert claims.grade(465, tol, 100, [200]) == "not supported by the data"
    assert claims.grade(465, tol, 470, [738]) == "consistent"


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
    # before the archive starts: its first snapshot, empty, was due to show an operation begun then
    assert (
        claims.check_kursk_start_date(claim("kursk_start_date", stated_date="2022-08-01"), CTX).verdict
        == "contradicted"
    )


def test_a_start_date_is_contradicted_only_by_a_snapshot_that_should_have_shown_it():
    """An incursion begun on the stated day would be on the map within the mapping lag and stay
    there: only a snapshot from then until the first polygons, showing none, contradicts the
    date. An archive that starts before the stated day but has no snapshot in that span cannot
    (the rule had called such a date contradicted)."""
    gap = areas(("2023-06-04", 0, 0), ("2024-08-11", 100, 150))
    stated = claim("kursk_start_date", stated_date="2023-08-01")
    assert claims.check_kursk_start_date(stated, claims.Context(FIGS, gap)).verdict == "not checkable"
    lagged = areas(("2023-06-04", 0, 0), ("2023-08-15", 0, 0), ("2024-08-11", 100, 150))
    assert claims.check_kursk_start_date(stated, claims.Context(FIGS, lagged)).verdict == "contradicted"
    early = areas(("2023-06-04", 0, 0), ("2023-08-14", 0, 0), ("2024-08-11", 100, 150))
    assert claims.check_kursk_start_date(stated, claims.Context(FIGS, early)).verdict == "not checkable"


def test_a_stated_month_means_any_day_of_it():
    """A month stated alone was read as its first day: "began in July" against polygons first
    mapped on 11 August (within the mapping lag of 31 July) was called contradicted, and an
    event on the first of a month could not be told from the month."""
    july = claim("kursk_start_date", stated_date="2024-07-01", precision="month")
    assert claims.stated_period(july) == (pd.Timestamp("2024-07-01"), pd.Timestamp("2024-07-31"))
    assert claims.check_kursk_start_date(july, CTX).verdict == "consistent"
    first_of_july = claim("kursk_start_date", stated_date="2024-07-01")
    assert claims.check_kursk_start_date(first_of_july, CTX).verdict == "contradicted"
    year = claim("stalemate_year", stated_date="2023-01-01", precision="year")
    assert claims.stated_period(year) == (pd.Timestamp("2023-01-01"), pd.Timestamp("2023-12-31"))
    assert claims.stated_text(july, CTX) == "July 2024" and claims.stated_text(first_of_july, CTX) == "1 July 2024"


def test_an_event_is_found_in_the_stated_month_or_within_a_day_of_the_stated_day():
    events = pd.DataFrame(
        [{"event_id": "e", "date": pd.Timestamp("2025-01-20"), "event": "Inauguration", "reported_by": "r"}]
    )
    ctx = replace(CTX, events=events)

    def verdict(day, precision):
        stated = claim("event_recorded", stated_date=day, precision=precision)
        stated["event_id"] = "e"
        return claims.check_event_recorded(stated, ctx).verdict

    assert verdict("2025-01-01", "month") == "consistent"
    assert verdict("2025-01-01", "day") == "not supported by the data"
    assert verdict("2025-01-21", "day") == "consistent"
    assert verdict("2025-01-22", "day") == "not supported by the data"
    assert verdict("2025-01-01", "year") == "consistent"
    assert verdict("2024-12-01", "month") == "not supported by the data"


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


def test_no_row_of_data_sets_its_own_tolerance():
    columns = set(load("claims").columns)
    assert not {c for c in columns if "toleran" in c}, "tolerances come from the rule in helpers.analysis.claims"


def test_the_rule_not_the_row_decides_each_verdict(monkeypatch):
    """Every graded verdict follows the module's rule: change the rule's one share and the audit
    moves exactly as the sensitivity table (computed with scaled tolerances) says it would."""
    table, ctx = load("claims"), committed_context()
    predicted = claims.sensitivity(table, ctx)
    assert predicted["changes"].any(), "some verdict must depend on the tolerance, or the table shows nothing"
    for name, scale in (("halved", 0.5), ("doubled", 2.0)):
        monkeypatch.setattr(claims, "MAP_AREA_PERCENT", 10.0 * scale)
        monkeypatch.setattr(claims, "STALEMATE_PERCENT", 25.0 * scale)
        monkeypatch.setattr(claims, "PLACE_RADIUS_KM", 10.0 * scale)
        monkeypatch.setattr(claims, "REGION_MAJORITY_PERCENT", 50.0 * scale)
        audit = claims.audit(table, ctx)
        assert (audit.loc[predicted.index, "verdict"] == predicted[name]).all(), name
    monkeypatch.undo()
    audit = claims.audit(table, ctx)
    assert (audit.loc[predicted.index, "verdict"] == predicted["as stated"]).all()
    for claim_id, row in audit.loc[predicted.index].iterrows():
        check = table.set_index("claim_id").loc[claim_id, "check"]
        assert row["tolerance"], f"{claim_id}: a graded claim shows its tolerance"
        if check in ("kursk_area_on", "kursk_peak", "kursk_retaken_since", "surge_gain"):
            assert "10% for a map-read area" in row["tolerance"], claim_id


def test_each_claim_has_a_verdict_then_and_with_hindsight():
    audit = claims.audit(load("claims"), committed_context())
    autumn = audit.loc["human_autumn_heavier"]
    assert (autumn["verdict then"], autumn["verdict"]) == ("not supported by the data", "consistent")
    assert "1.73" in autumn["measured"] and "0.15" in autumn["measured then"]
    assert autumn["hindsight changes it"]
    assert "with hindsight" in claims.verdict_label(autumn)
    assert set(audit["verdict then"]) <= set(claims.VERDICTS)


def test_as_knowable_uses_only_data_dated_by_then():
    ctx = committed_context().as_known_on("2024-11-20")
    assert ctx.areas["snapshot_date"].max() <= pd.Timestamp("2024-11-20")
    assert ctx.periods["snapshot_date"].max() == pd.Timestamp("2024-11-15")
    assert ctx.events["published"].max() <= pd.Timestamp("2024-11-20")


def test_the_2023_figure_follows_the_chapters_logic():
    """465 km² lies between DeepState's net and gross 2023: which one ISW meant decides it."""
    audit = claims.audit(load("claims"), committed_context())
    assert audit.loc["surge_gain_2023", "verdict"] == "depends on definition"
    assert audit.loc["surge_stalemate_2023", "verdict"] == "consistent"
    assert "two days after" in audit.loc["kursk_start_6_august_2024", "measured"]


def test_the_north_east_claim_is_tested_region_by_region():
    audit = claims.audit(load("claims"), committed_context())
    row = audit.loc["surge_gains_in_northeast"]
    assert row["verdict"] == "not supported by the data"
    assert "in Donetsk region" in row["measured"]
    split = load("gains_by_oblast")
    window = split.loc[split["window"] == "2024_1_sep_to_3_nov"]
    total = load("deepstate_changes").set_index("change_id").at["window_2024_1_sep_to_3_nov_occupied", "gained_km2"]
    assert window["taken_km2"].sum() == pytest.approx(total, abs=0.1)  # the split adds up to the whole


def test_each_check_declares_the_tables_and_figures_it_reads(monkeypatch):
    """The ledger traces one claim's verdict to what that claim's check reads (``claims.reads_of``),
    so each check's declaration must be what it reads when run: on every committed claim, with
    hindsight and as knowable on its publication day."""
    import contextlib
    import dataclasses

    fields = {f.name for f in dataclasses.fields(claims.Context)} & set(claims.CONTEXT_FIELD_TABLES)
    seen_fields: set[str] = set()
    seen_figures: set[str] = set()

    class Recording(claims.Context):
        def __getattribute__(self, name):
            if name in fields:
                seen_fields.add(name)
            return super().__getattribute__(name)

    lookup = claims.figure

    def recording_figure(frame, figure_id):
        seen_figures.add(figure_id)
        return lookup(frame, figure_id)

    monkeypatch.setattr(claims, "figure", recording_figure)
    ctx = claims.default_context()
    for _, claim in load("claims").iterrows():
        declared = claims.reads_of(claim)
        read: set[str] = set()
        for context in (ctx, ctx.as_known_on(claim["published"])):
            seen_fields.clear()
            seen_figures.clear()
            recording = Recording(**{f.name: getattr(context, f.name) for f in dataclasses.fields(context)})
            with contextlib.suppress(claims.NoData):  # not published by then: read nothing more
                claims.evidence(claim, recording)
            tables = {t for f in seen_fields for t in claims.CONTEXT_FIELD_TABLES[f]}
            assert tables <= declared.tables, (claim["claim_id"], tables - declared.tables)
            assert seen_figures <= declared.figure_ids, (claim["claim_id"], seen_figures - declared.figure_ids)
            read |= tables
        assert read == declared.tables, (claim["claim_id"], "declared but not read:", declared.tables - read)
    assert set(claims.CHECK_READS) == set(claims.CHECKS)


def test_a_verdict_the_prose_restates_in_words_is_checked_against_the_audit():
    audit = claims.audit(load("claims"), committed_context())
    claims.require_verdicts(audit, {"surge_gain_2024": ("consistent", "The size of the advance holds up")})
    with pytest.raises(ProseContradicted, match=r"holds up.*'contradicted' on 'surge_gain_2024'.*gives 'consistent'"):
        claims.require_verdicts(audit, {"surge_gain_2024": ("contradicted", "The size of the advance holds up")})
    with pytest.raises(ProseContradicted, match="verdict then"):
        claims.require_verdicts(audit, {"human_autumn_heavier": ("consistent", "visible then")}, "verdict then")


def test_a_stated_figure_means_a_range_by_its_qualifier():
    reported = figure(load("territory"), "isw_russian_gain_2024_ytd")

    def stated(value, qualifier):
        return claims.stated_range(replace(reported, value=value, qualifier=qualifier))

    assert stated(2700, "about") == (2650, 2750)
    assert stated(593, "nearly") == (592.5, 593.5)
    assert stated(1000, "more than") == (1000, float("inf"))
    assert stated(465, "unqualified") == (465, 465)


def test_the_checks_depend_on_the_places_names_alone(tmp_path, monkeypatch):
    """The checks read a place's name and nothing else of places.csv: editing a place's role or
    note re-executes the page that shows them, not every page that audits claims."""
    from helpers.paths import data_dir

    log = tmp_path / "deps.txt"
    monkeypatch.setenv("BOOK_DEPS_FILE", str(log))
    context = claims.default_context()
    read = [line for line in log.read_text(encoding="utf-8").splitlines() if "places.csv" in line]
    assert read == [f"{(data_dir() / 'places.csv').resolve()}#columns=place_id,name"]
    assert context.place_names == load("places").set_index("place_id")["name"].to_dict()
