"""Territorial control from DeepStateMap snapshots: classify, repair, union, measure.

A snapshot is a GeoJSON FeatureCollection exactly as DeepStateMap published it. Its polygons are
classified by fill colour, following the map's legend (see ``LEGEND``); everything else
(areas Ukraine liberated in 2022, territories "occupied" elsewhere in the world, points and
lines) is left out. Polygons can overlap and can be invalid as published, so each is repaired
(``make_valid``), flattened to 2-D and the class is unioned before anything is measured.

Areas are measured in **ETRS89 / LAEA Europe (EPSG:3035)**, the European Union's
Lambert azimuthal *equal-area* projection: any area measured in it is the true area on the
GRS80 ellipsoid (which differs negligibly from WGS84). It is centred at 52°N 10°E; Ukraine's far
east lies about 30° from the centre, where shapes distort but areas do not. ``tests`` show it
agrees with a geodesic area (pyproj.Geod on WGS84) within 0.1 %. Degrees and Web Mercator are
never used for areas.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from pyproj import Geod, Transformer
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

EQUAL_AREA_CRS = "EPSG:3035"
EQUAL_AREA_NAME = "ETRS89 / LAEA Europe (EPSG:3035), equal-area"

#: DeepStateMap legend: fill colour -> class this book measures.
LEGEND = {
    "#a52714": "occupied_since_2022",  # occupied by Russia since 24 Feb 2022
    "#880e4f": "occupied_before_2022",  # Crimea, parts of Donetsk and Luhansk regions, Tuzla
    "#bcaaa4": "grey_zone_ukraine",  # unknown status (contested) inside Ukraine
    "#01579b": "kursk_ukraine_held",  # held by Ukraine in Russia's Kursk region
    "#bdbdbd": "kursk_grey_zone",  # unknown status in Kursk region
}
#: Fills deliberately left out: areas Ukraine retook (mostly 2022) and territories elsewhere.
EXCLUDED_FILLS = {"#0f9d58", "#0288d1", "#ff5252"}
CLASSES = tuple(LEGEND.values())
#: Largest relative difference allowed between the equal-area and the geodesic area (tested).
GEODESIC_TOLERANCE = 1e-3
OCCUPIED_CLASSES = ("occupied_since_2022", "occupied_before_2022")

_TO_EQUAL_AREA = Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)
_GEOD = Geod(ellps="WGS84")


class UnknownLegendError(ValueError):
    """A polygon has a fill colour the legend does not know: the map's legend changed."""


def classify(properties: dict) -> str | None:
    """The class of a polygon from its fill, None if deliberately excluded.

    Raises UnknownLegendError for a fill that is neither measured nor excluded, so a change in
    DeepStateMap's legend stops the derivation instead of silently dropping territory.
    """
    fill = str(properties.get("fill", "")).strip().lower()
    if fill in LEGEND:
        return LEGEND[fill]
    if fill in EXCLUDED_FILLS:
        return None
    raise UnknownLegendError(f"unknown fill {fill!r} on feature named {properties.get('name', '')!r}")


def polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """Repair, drop z, and keep only the polygonal parts (repair can yield lines or points)."""
    geometry = shapely.force_2d(geometry)
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts)


def to_equal_area(geometry: BaseGeometry) -> BaseGeometry:
    """Longitude/latitude (EPSG:4326) to EPSG:3035 metres."""
    return shapely.transform(geometry, lambda xy: _xy(_TO_EQUAL_AREA.transform(xy[:, 0], xy[:, 1])))


def _xy(pair):
    import numpy as np

    return np.column_stack(pair)


def area_km2(projected: BaseGeometry) -> float:
    """Area of a geometry already in EPSG:3035, in km²."""
    return float(projected.area) / 1e6


def geodesic_area_km2(lonlat: BaseGeometry) -> float:
    """Area on the WGS84 ellipsoid, in km², for checking the projection."""
    area, _ = _GEOD.geometry_area_perimeter(
        shapely.geometry.polygon.orient(lonlat) if lonlat.geom_type == "Polygon" else lonlat
    )
    return abs(area) / 1e6


@dataclass
class Snapshot:
    """One snapshot's classes as unioned geometries in EPSG:3035.

    The unions of classes are computed once per snapshot (cached): every derived table reads
    them, some many times (a place against the front on each date).
    """

    classes: dict[str, BaseGeometry]
    sha256: str = ""
    excluded_features: int = 0
    repaired_features: int = 0
    notes: list[str] = field(default_factory=list)

    @functools.cached_property
    def occupied(self) -> BaseGeometry:
        """Russian-held: occupied since 2022 together with occupied before 2022."""
        return shapely.union_all([self.classes[c] for c in OCCUPIED_CLASSES])

    @functools.cached_property
    def occupied_or_grey(self) -> BaseGeometry:
        """Occupied plus Ukraine's grey zone: the widest reading of Russian control."""
        return shapely.union_all([self.occupied, self.classes["grey_zone_ukraine"]])

    @functools.cached_property
    def kursk_held_or_grey(self) -> BaseGeometry:
        """Kursk area held by Ukraine together with the Kursk grey zone: the widest reading."""
        return shapely.union_all([self.classes["kursk_ukraine_held"], self.classes["kursk_grey_zone"]])

    def areas(self) -> dict[str, float]:
        areas = {f"{c}_km2": area_km2(g) for c, g in self.classes.items()}
        areas["occupied_km2"] = area_km2(self.occupied)
        areas["occupied_or_grey_km2"] = area_km2(self.occupied_or_grey)
        areas["kursk_held_or_grey_km2"] = area_km2(self.kursk_held_or_grey)
        return areas


def parse_snapshot(raw: bytes) -> Snapshot:
    """Classify, repair, union and project one snapshot's polygons."""
    collection = json.loads(raw)
    pieces: dict[str, list[BaseGeometry]] = {c: [] for c in CLASSES}
    excluded = repaired = 0
    for feature in collection.get("features", []):
        geometry = feature.get("geometry") or {}
        if geometry.get("type") not in ("Polygon", "MultiPolygon", "GeometryCollection"):
            continue
        cls = classify(feature.get("properties") or {})
        if cls is None:
            excluded += 1
            continue
        raw_geometry = shape(geometry)
        if not shapely.force_2d(raw_geometry).is_valid:
            repaired += 1
        pieces[cls].append(polygonal(raw_geometry))
    classes = {
        c: to_equal_area(shapely.union_all(parts)) if parts else shapely.Polygon() for c, parts in pieces.items()
    }
    return Snapshot(
        classes=classes,
        sha256=hashlib.sha256(raw).hexdigest(),
        excluded_features=excluded,
        repaired_features=repaired,
    )


def read_snapshot(path: Path) -> Snapshot:
    return parse_snapshot(Path(path).read_bytes())


@dataclass(frozen=True)
class Change:
    """Change in a held area between two snapshots, in km²."""

    net: float  # area at end minus area at start
    gained: float  # held at the end but not at the start
    lost: float  # held at the start but not at the end (for occupation: regained by Ukraine)


def change(start: BaseGeometry, end: BaseGeometry) -> Change:
    """Net and gross change between two projected geometries of the same class."""
    return Change(
        net=area_km2(end) - area_km2(start),
        gained=area_km2(shapely.difference(end, start)),
        lost=area_km2(shapely.difference(start, end)),
    )
