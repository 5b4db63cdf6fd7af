"""The maps' geometry: what the maps draw agrees with what the tables measure."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers.data import schemas
from helpers.data.load import load
from helpers.derive import geometry
from helpers.present import charts

LAYERS = load("map_layers")
MEASURED = LAYERS.loc[~LAYERS["layer"].isin(schemas.MAP_ORIENTATION_LAYERS)]


@pytest.mark.parametrize("layer_id", list(MEASURED["layer_id"]))
def test_the_committed_geometry_has_the_area_it_claims(layer_id):
    """Recompute each simplified layer's area from its committed coordinates: it is the recorded
    map area, and within the stated error of the full (unsimplified) area."""
    row = MEASURED.set_index("layer_id").loc[layer_id]
    area = geometry.area_of_lonlat_km2(geometry.from_geojson(row["geometry"]))
    assert area == pytest.approx(row["map_area_km2"], abs=0.01)
    small = row["area_km2"] < schemas.MAP_SMALL_LAYER_KM2
    allowed = schemas.MAP_SMALL_ERROR_KM2 if small else geometry.MAX_AREA_ERROR * row["area_km2"]
    assert abs(area - row["area_km2"]) <= allowed


def test_map_layers_agree_with_the_measured_tables():
    """The taken layer of the autumn window is the gross gain deepstate_changes records."""
    changes = load("deepstate_changes").set_index("change_id")
    taken = LAYERS.set_index("layer_id").at["taken_2024_1_sep_to_3_nov", "area_km2"]
    assert taken == pytest.approx(changes.at["window_2024_1_sep_to_3_nov_occupied", "gained_km2"], abs=0.05)
    areas = load("deepstate_areas").set_index("snapshot_date")
    peak = LAYERS.set_index("layer_id").loc["kursk_held_peak"]
    assert peak["area_km2"] == pytest.approx(
        areas.at[pd.Timestamp(peak["end_date"]), "kursk_ukraine_held_km2"], abs=0.05
    )


def test_maps_carry_their_data_inline_and_fetch_nothing():
    cut = pd.Timestamp("2024-11-20")
    for chart in (charts.gains_map(LAYERS, load("places"), cut=cut), charts.kursk_map(LAYERS, cut=cut)):
        text = json.dumps(chart.to_dict())
        assert '"url"' not in text  # no data file or tile fetched when the page is read
        assert "conicEqualArea" in text
    assert "concat" not in text  # one view, so the web version can fill its container


def test_every_polygon_is_wound_the_way_the_renderer_reads_it():
    """Clockwise outer rings: the other winding makes d3-geo fill the globe outside the shape."""
    from shapely.geometry import shape

    cut = pd.Timestamp("2024-11-20")
    features = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "Feature":
                features.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(charts.kursk_map(LAYERS, cut=cut).to_dict())
    walk(charts.gains_map(LAYERS, load("places"), cut=cut).to_dict())
    assert features
    for feature in features:
        for polygon in getattr(shape(feature["geometry"]), "geoms", [shape(feature["geometry"])]):
            assert not polygon.exterior.is_ccw


def test_every_chart_offers_its_data_as_a_table():
    """'View the data': each chart's rows as an HTML table beside it; a map lists its shapes'
    properties, never coordinates."""
    from test_hindsight import _chapter_charts

    for name, chart in _chapter_charts().items():
        markup = chart._repr_mimebundle_()["text/html"]
        assert '<details class="chart-data"><summary>View the data</summary><table>' in markup, name
        assert markup.count("<tr>") >= 2, name
        assert "coordinates" not in markup.split('<details class="chart-data">')[1], name


def test_a_charts_data_table_shows_what_its_tooltips_show():
    """The table is what a sighted reader gets by hovering: the tooltips' fields under their
    titles, dates as dates, and none of the columns a chart only uses to draw (the claims
    overview's "high shown", the Kursk chart's source "column", a second copy of each date)."""
    import re

    from test_hindsight import _chapter_charts

    for name, chart in _chapter_charts().items():
        table = chart._repr_mimebundle_()["text/html"].split('<details class="chart-data">')[1]
        headers = re.findall(r'<th scope="col">(.*?)</th>', table)
        assert "high shown" not in headers and "column" not in headers and "day" not in headers, (name, headers)
        assert "T00:00:00" not in table, name
    overview = _chapter_charts()["claims_overview"]._repr_mimebundle_()["text/html"]
    assert '<th scope="col">Accepted from (%)</th>' in overview
    assert "<td></td>" not in overview  # a floor ("more than") says it has no upper limit
    kursk = _chapter_charts()["held_area_timeline"]._repr_mimebundle_()["text/html"]
    assert re.findall(r'<th scope="col">(.*?)</th>', kursk) == ["Reading", "Snapshot", "Area (km²)"]


def test_neighbouring_countries_frame_ukraine_without_covering_it():
    """Base geography: each neighbour is on the map, and none covers a Ukrainian region (Crimea
    and Donetsk included) beyond what simplifying both outlines to 1 km can shift."""
    import shapely
    from shapely.geometry import Point, shape

    from helpers.derive import deepstate, oblasts

    countries = LAYERS.loc[LAYERS["layer"] == "country"].set_index("label")
    assert set(countries.index) == set(oblasts.NEIGHBOURS.values())
    ukraine = shapely.union_all([shape(json.loads(g)) for g in LAYERS.loc[LAYERS["layer"] == "region", "geometry"]])
    for name, row in countries.iterrows():
        country = shape(json.loads(row["geometry"]))
        overlap_km2 = deepstate.area_km2(deepstate.to_equal_area(country.intersection(ukraine)))
        assert overlap_km2 < 0.001 * row["area_km2"] + 50, (name, overlap_km2)
    russia = shape(json.loads(countries.at["Russia", "geometry"]))
    for lon, lat in ((34.1, 45.0), (37.8, 48.0)):  # Crimea, Donetsk
        assert not russia.contains(Point(lon, lat))
