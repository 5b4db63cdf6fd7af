"""``CITATION.cff``: validated against the Citation File Format 1.2.0 schema, and as BibTeX.

The schema (``cff-schema-1.2.0.json``, CC BY 4.0, from the Citation File Format project) ships
with the package, so validation works offline. The How to cite page and its test use this
module, so the BibTeX a reader copies and the file a citation manager reads cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import yaml

SCHEMA = Path(__file__).with_name("cff-schema-1.2.0.json")


class CitationError(ValueError):
    """``CITATION.cff`` does not follow the schema; the message names the field."""


def read(path: Path) -> dict:
    """The citation metadata, validated (raises :class:`CitationError` naming the problem)."""
    try:
        cff = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CitationError(f"{path}: not valid YAML ({error})") from None
    cff = json.loads(json.dumps(cff, default=str))  # dates as the schema expects them: strings
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    errors = sorted(validator.iter_errors(cff), key=lambda e: list(e.path))
    if errors:
        where = "/".join(str(p) for p in errors[0].path) or "(top level)"
        raise CitationError(f"{path}: field {where}: {errors[0].message}")
    return cff


def _author(person: dict) -> str:
    if "name" in person:
        return "{" + person["name"] + "}"
    return " ".join(part for part in (person.get("given-names"), person.get("family-names")) if part)


def _licence_note(licence) -> str | None:
    if not licence:
        return None
    names = [licence] if isinstance(licence, str) else list(licence)
    return "Licences: " + ", ".join(names)


#: BibTeX's month macros, which BibTeX styles and biblatex alike read as the month's name.
MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _braced(value: str | None) -> str | None:
    return "{" + value + "}" if value else None


def as_bibtex(cff: dict, key: str) -> str:
    """A BibTeX ``@misc`` entry for the book."""
    released = dt.date.fromisoformat(str(cff["date-released"])) if cff.get("date-released") else None
    fields = {
        "author": _braced(" and ".join(_author(p) for p in cff.get("authors", []))),
        "title": _braced(cff["title"]),
        "year": _braced(str(released.year)) if released else None,
        "month": MONTH_MACROS[released.month - 1] if released else None,
        "version": _braced(cff.get("version")),
        "url": _braced(cff.get("url") or cff.get("repository-code")),
        "note": _braced(_licence_note(cff.get("license"))),
    }
    lines = [f"@misc{{{key},"] + [f"  {name} = {value}," for name, value in fields.items() if value]
    return "\n".join(lines).rstrip(",") + "\n}"
