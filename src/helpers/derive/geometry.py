"""Polygons for the book's maps: simplified, in longitude/latitude, with the area error measured.

The maps draw what the tables measure: ground taken and regained in each period, Ukraine's hold
in Kursk region on key dates, and the regions of Ukraine for orientation. Full DeepStateMap
polygons are far too detailed for a web page, so each layer is simplified in the equal-area
projection to :data:`TOLERANCE_M` (Douglas-Peucker, topology preserved), taken back to
longitude/latitude and rounded to :data:`DECIMALS` decimal places (about 10 m). The area of the
committed geometry is recomputed from the rounded coordinates and stored beside the full area,
so the simplification error is a number in the data, not a promise (a test holds it below
:data:`MAX_AREA_ERROR`).
"""

from __future__ import annotations

import json

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from helpers.data.schemas import MAP_MAX_AREA_ERROR
from helpers.derive import deepstate

#: Douglas-Peucker tolerance in metres for the layers the maps measure, and for region outlines.
TOLERANCE_M = 50.0
OUTLINE_TOLERANCE_M = 1000.0
#: Decimal places kept in longitude and latitude (0.0001 degree is about 11 m north-south).
DECIMALS = 4
#: Largest relative area error a simplified layer may carry (the data contract checks it).
MAX_AREA_ERROR = MAP_MAX_AREA_ERROR

_TO_LONLAT = Transformer.from_crs(deepstate.EQUAL_AREA_CRS, "EPSG:4326", always_xy=True)


def to_lonlat(projected: BaseGeometry) -> BaseGeometry:
    """EPSG:3035 metres back to longitude/latitude, rounded to DECIMALS places."""

    def back(xy):
        lon, lat = _TO_LONLAT.transform(xy[:, 0], xy[:, 1])
        return np.round(np.column_stack([lon, lat]), DECIMALS)

    return shapely.make_valid(shapely.transform(projected, back))


def simplified(projected: BaseGeometry, tolerance_m: float = TOLERANCE_M) -> BaseGeometry:
    """The layer simplified in the projection, in rounded longitude/latitude, polygons only."""
    light = shapely.simplify(projected, tolerance_m, preserve_topology=True)
    return deepstate.polygonal(to_lonlat(light))


def area_of_lonlat_km2(lonlat: BaseGeometry) -> float:
    """Area of committed (longitude/latitude) geometry, measured in the equal-area projection."""
    return deepstate.area_km2(deepstate.to_equal_area(lonlat))


def geojson(lonlat: BaseGeometry) -> str:
    """Compact GeoJSON text of a geometry (an empty one is an empty MultiPolygon)."""
    if lonlat.is_empty:
        return json.dumps({"type": "MultiPolygon", "coordinates": []}, separators=(",", ":"))
    return json.dumps(mapping(lonlat), separators=(",", ":"))


def from_geojson(text: str) -> BaseGeometry:
    """A geometry from the committed GeoJSON text."""
    data = json.loads(text)
    if data["type"] == "MultiPolygon" and not data["coordinates"]:
        return shapely.MultiPolygon()
    return shape(data)
