"""Territory pipeline on small synthetic snapshots with known areas, and on the real ones."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from helpers.derive import deepstate
from helpers.paths import PROJECT_ROOT

SNAPSHOTS = PROJECT_ROOT.parent / "shared" / "data" / "deepstate"
_TO_LONLAT = Transformer.from_crs(deepstate.EQUAL_AREA_CRS, "EPSG:4326", always_xy=True)

# A point near Pokrovsk in EPSG:3035 metres, for building squares of known projected area.
ORIGIN = deepstate._TO_EQUAL_AREA.transform(37.18, 48.28)


def square_lonlat(x_km: float, y_km: float, side_km: float, z: bool = False) -> list:
    """A square of known area in the equal-area plane, as lon/lat ring (densified edges)."""
    x0, y0 = ORIGIN[0] + x_km * 1000, ORIGIN[1] + y_km * 1000
    s = side_km * 1000
    ring = shapely.segmentize(shapely.Polygon([(x0, y0), (x0 + s, y0), (x0 + s, y0 + s), (x0, y0 + s)]), 100)
    xs, ys = np.asarray(ring.exterior.coords).T
    lon, lat = _TO_LONLAT.transform(xs, ys)
    return [[lo, la, 0.0] if z else [lo, la] for lo, la in zip(lon, lat, strict=False)]


def feature(fill: str, *rings, kind: str = "Polygon", name: str = "test") -> dict:
    geometry = {"type": kind, "coordinates": list(rings)} if kind == "Polygon" else kind
    return {"type": "Feature", "properties": {"fill": fill, "name": name}, "geometry": geometry}


def snapshot(*features) -> deepstate.Snapshot:
    return deepstate.parse_snapshot(json.dumps({"type": "FeatureCollection", "features": list(features)}).encode())


OCCUPIED, BEFORE, GREY, KURSK, KURSK_GREY = "#a52714", "#880e4f", "#bcaaa4", "#01579b", "#bdbdbd"


def test_known_area_of_one_square():
    areas = snapshot(feature(OCCUPIED, square_lonlat(0, 0, 10))).areas()
    assert areas["occupied_since_2022_km2"] == pytest.approx(100, rel=1e-4)
    assert areas["occupied_km2"] == pytest.approx(100, rel=1e-4)


def test_overlapping_polygons_are_unioned_not_summed():
    snap = snapshot(feature(OCCUPIED, square_lonlat(0, 0, 10)), feature(OCCUPIED, square_lonlat(5, 0, 10)))
    assert snap.areas()["occupied_since_2022_km2"] == pytest.approx(150, rel=1e-4)


def test_classes_follow_the_legend_and_exclusions_are_dropped():
    snap = snapshot(
        feature(OCCUPIED, square_lonlat(0, 0, 10)),
        feature(BEFORE, square_lonlat(20, 0, 5)),
        feature(GREY, square_lonlat(40, 0, 4)),
        feature(KURSK, square_lonlat(0, 200, 3)),
        feature(KURSK_GREY, square_lonlat(0, 220, 2)),
        feature("#0f9d58", square_lonlat(60, 0, 10)),  # liberated in 2022
        feature("#ff5252", square_lonlat(80, 0, 10)),  # occupied elsewhere in the world
        feature("#0288d1", square_lonlat(100, 0, 10)),
    )
    areas = snap.areas()
    assert areas["occupied_since_2022_km2"] == pytest.approx(100, rel=1e-4)
    assert areas["occupied_before_2022_km2"] == pytest.approx(25, rel=1e-4)
    assert areas["grey_zone_ukraine_km2"] == pytest.approx(16, rel=1e-4)
    assert areas["kursk_ukraine_held_km2"] == pytest.approx(9, rel=1e-4)
    assert areas["kursk_grey_zone_km2"] == pytest.approx(4, rel=1e-4)
    assert areas["occupied_km2"] == pytest.approx(125, rel=1e-4)
    assert areas["occupied_or_grey_km2"] == pytest.approx(141, rel=1e-4)
    assert areas["kursk_held_or_grey_km2"] == pytest.approx(13, rel=1e-4)
    assert snap.excluded_features == 3


def test_unknown_fill_stops_the_derivation():
    with pytest.raises(deepstate.UnknownLegendError, match="#123456"):
        snapshot(feature("#123456", square_lonlat(0, 0, 10)))


def test_z_is_dropped_and_fill_case_ignored():
    snap = snapshot(feature(OCCUPIED.upper(), square_lonlat(0, 0, 10, z=True)))
    geometry = snap.classes["occupied_since_2022"]
    assert not shapely.has_z(geometry)
    assert snap.areas()["occupied_since_2022_km2"] == pytest.approx(100, rel=1e-4)


def test_invalid_bow_tie_is_repaired_not_zeroed():
    ring = square_lonlat(0, 0, 10)
    quarter = (len(ring) - 1) // 4  # corners of the densified square
    a, b, c, d = ring[0], ring[quarter], ring[2 * quarter], ring[3 * quarter]
    bow_tie = [a, c, b, d, a]  # self-intersecting: two triangles meeting at the centre
    snap = snapshot(feature(OCCUPIED, bow_tie))
    assert snap.repaired_features == 1
    # A bow tie over the square's corners covers two of its four triangles: half the square.
    assert snap.areas()["occupied_since_2022_km2"] == pytest.approx(50, rel=2e-3)


def test_geometry_collections_and_non_polygons():
    collection = {
        "type": "GeometryCollection",
        "geometries": [
            {"type": "Polygon", "coordinates": [square_lonlat(0, 0, 10)]},
            {"type": "LineString", "coordinates": square_lonlat(30, 0, 10)},
        ],
    }
    line = {
        "type": "Feature",
        "properties": {"fill": "#000000"},
        "geometry": {"type": "LineString", "coordinates": square_lonlat(0, 0, 1)},
    }
    snap = snapshot(feature(GREY, kind=collection), line)
    assert snap.areas()["grey_zone_ukraine_km2"] == pytest.approx(100, rel=1e-4)


def test_net_and_gross_change():
    start = snapshot(feature(OCCUPIED, square_lonlat(0, 0, 10))).occupied
    end = snapshot(feature(OCCUPIED, square_lonlat(4, 0, 10))).occupied  # moved 4 km east
    delta = deepstate.change(start, end)
    assert delta.gained == pytest.approx(40, rel=1e-3)
    assert delta.lost == pytest.approx(40, rel=1e-3)
    assert delta.net == pytest.approx(0, abs=0.01)
    grown = snapshot(feature(OCCUPIED, square_lonlat(0, 0, 10)), feature(OCCUPIED, square_lonlat(10, 0, 5))).occupied
    assert deepstate.change(start, grown).net == pytest.approx(25, rel=1e-3)
    assert deepstate.change(start, grown).lost == pytest.approx(0, abs=1e-6)


def test_equal_area_agrees_with_geodesic_area_on_a_large_polygon():
    # An oblast-sized lon/lat box with densified edges, in eastern Ukraine.
    box = shapely.segmentize(shapely.box(36.0, 47.0, 39.0, 49.5), 0.01)
    projected = deepstate.area_km2(deepstate.to_equal_area(box))
    geodesic = deepstate.geodesic_area_km2(box)
    assert projected == pytest.approx(geodesic, rel=deepstate.GEODESIC_TOLERANCE)
    assert projected > 50_000  # sanity: roughly 225 km x 278 km


@pytest.mark.skipif(not SNAPSHOTS.exists(), reason="../shared/data/deepstate not present")
def test_equal_area_agrees_with_geodesic_area_on_a_real_snapshot():
    raw = json.loads((SNAPSHOTS / "1731879138.geojson").read_text(encoding="utf-8"))  # 17 Nov 2024
    pieces = [
        deepstate.polygonal(shapely.geometry.shape(f["geometry"]))
        for f in raw["features"]
        if f["geometry"]["type"] in ("Polygon", "MultiPolygon") and f["properties"].get("fill") == OCCUPIED
    ]
    occupied = shapely.union_all(pieces)
    projected = deepstate.area_km2(deepstate.to_equal_area(occupied))
    geodesic = sum(deepstate.geodesic_area_km2(p) for p in shapely.get_parts(occupied))
    assert projected == pytest.approx(geodesic, rel=deepstate.GEODESIC_TOLERANCE)


@pytest.mark.skipif(not SNAPSHOTS.exists(), reason="../shared/data/deepstate not present")
@pytest.mark.parametrize(
    "place_id, file, occupied",
    [
        ("kurakhove", "1731879138.geojson", False),  # 17 Nov 2024: still held by Ukraine
        ("kurakhove", "1737928017.geojson", True),  # 26 Jan 2025: taken
        ("pokrovsk", "1737928017.geojson", False),
        ("kupiansk", "1731879138.geojson", False),
    ],
)
def test_place_coordinates_agree_with_the_front_line(place_id, file, occupied):
    """A check on the hand-entered coordinates: each town sits where the map says it should."""
    from helpers.data.load import load

    if not (SNAPSHOTS / file).exists():
        pytest.skip(f"{file} not present")
    place = load("places").set_index("place_id").loc[place_id]
    point = deepstate.to_equal_area(shapely.Point(place["longitude"], place["latitude"]))
    held = deepstate.read_snapshot(SNAPSHOTS / file).occupied
    assert held.contains(point) is occupied
    assert held.distance(point) < 25_000  # every one of them was within 25 km of the front
