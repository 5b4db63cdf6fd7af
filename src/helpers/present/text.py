"""Formatting numbers for prose, and gluing them into the book.

Rule 1 of the house: no number is typed into a chapter's prose. A code cell computes it and
:func:`glue_text` stores it, already formatted; the prose shows it with ``{eval}`glued.key```.
Gluing formatted ``str`` (never a NumPy scalar: under NumPy 2 its repr is ``np.float64(…)``)
keeps HTML, PDF, JupyterLab and tests showing the same characters.

The same role is read in two places. In the book, ``helpers.book.sphinx`` resolves
``{eval}`glued.key``` from the page's glue outputs (what myst-nb's ``{glue:text}`key``` shows),
so the build never needs a kernel while Sphinx runs. In JupyterLab, the ``jupyterlab-myst``
extension asks the kernel for ``glued.key``, which :data:`glued` answers from :data:`GLUED`:
a researcher sees the numbers in the prose after *Run All*.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re

import numpy as np
import pandas as pd

from helpers.data.sourced import is_hindsight
from helpers.present.dates import day_first

#: key -> displayed text, for every value glued in this kernel.
GLUED: dict[str, str] = {}

#: How prose shows a glued text: ``{eval}`glued.key``` (group 1 is the key).
PROSE_ROLE = re.compile(r"\{eval\}`glued\.([A-Za-z_][A-Za-z0-9_]*)`")


class Glued:
    """The glued texts as attributes, for ``{eval}`glued.key``` in a Markdown cell.

    An attribute that was not glued in this kernel raises ``AttributeError`` naming the key, so
    JupyterLab shows the error in place of a number, never an old value.
    """

    def __getattr__(self, key: str) -> str:
        try:
            return GLUED[key]
        except KeyError:
            raise AttributeError(f"nothing glued as {key!r} in this kernel: run the cell that glues it") from None

    def __dir__(self) -> list[str]:
        return sorted(GLUED)

    def __repr__(self) -> str:
        return f"<{len(GLUED)} glued texts>"


#: What the prose's ``{eval}`glued.key``` roles read in a kernel.
glued = Glued()


def to_builtin(value):
    """A plain Python ``int``/``float``/``str`` from NumPy or pandas scalars; rejects the rest."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("booleans are not numbers to show")
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, (int, float, str)):
        return value
    raise TypeError(f"cannot show {type(value).__name__} as a number")


def _finite(value) -> float:
    value = to_builtin(value)
    if isinstance(value, str) or not isinstance(value, numbers.Real):
        raise TypeError(f"expected a number, got {value!r}")
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"cannot show a non-finite number: {value!r}")
    return value


#: The minus sign (U+2212), as the charts' number formats write it; a hyphen stood for it.
MINUS = "\u2212"


def signed(formatted: str) -> str:
    """A formatted number with the minus sign for a negative one, and none for a value that
    rounds to zero ("-0.00", from -0.001, is "0.00")."""
    if formatted.startswith("-") and not re.search(r"[1-9]", formatted):
        formatted = formatted[1:]
    return MINUS + formatted[1:] if formatted.startswith("-") else formatted


def fmt_int(value) -> str:
    """Whole number with thousands separators: 78329 -> '78,329' (rounds half to even)."""
    return signed(f"{round(_finite(value)):,}")


#: Counts under ten, as running text writes them.
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def fmt_count(value, noun: str, plural: str | None = None) -> str:
    """A count of things as prose: 'no dates', 'one day', 'four dates', '14 days'.

    News style guides spell out a count under ten in running text and use figures from 10 up;
    measurements (km², per cent, a ratio) keep their figures and go through the other formats.
    ``plural`` is for a noun that does not take an 's'.
    """
    value = to_builtin(value)
    if not isinstance(value, int):
        raise TypeError(f"a count is a whole number, got {value!r}")
    if value < 0:
        raise ValueError(f"a count is not negative, got {value!r}")
    number = NUMBER_WORDS[value] if value < len(NUMBER_WORDS) else fmt_int(value)
    return f"{number} {noun if value == 1 else plural or noun + 's'}"


#: Simple fractions, as prose names them.
FRACTIONS = (
    (3 / 4, "three quarters"),
    (2 / 3, "two thirds"),
    (1 / 2, "half"),
    (1 / 3, "a third"),
    (1 / 4, "a quarter"),
    (1 / 5, "a fifth"),
    (1 / 6, "a sixth"),
    (1 / 8, "an eighth"),
    (1 / 10, "a tenth"),
)


def fmt_fraction(percent) -> str:
    """A share given in percent as the nearest simple fraction in words, hedged by the side of
    it the share lies on: 18.4 -> 'nearly a fifth', 20.1 -> 'a fifth', 27 -> 'more than a
    quarter'. Within 1% of the fraction (of the fraction's size) it is the fraction itself."""
    share = _finite(percent) / 100
    if not 0 < share < 1:
        raise ValueError(f"a share between 0 and 100 per cent, got {percent!r}")
    fraction, words = min(FRACTIONS, key=lambda item: abs(share - item[0]) / item[0])
    if abs(share - fraction) <= 0.01 * fraction:
        return words
    return f"{'nearly' if share < fraction else 'more than'} {words}"


def fmt_size_against(measured, reference) -> str:
    """How one measurement (a number) or several (a list: the map's readings) compare in size
    with a reference, as prose between a subject and the reference: 'smaller than' or 'larger
    than' when every reading is, 'the same as' (or 'about the same as', for a range) when every
    one falls on it, and 'smaller or larger, depending on the reading, than' when the readings
    fall on both sides.

    ``reference`` is a number, or the range a stated figure means by its qualifier ("about 1,376"
    is 1,375.5 to 1,376.5: ``claims.stated_range``). A sentence that compares sizes takes its
    words from the data.
    """
    values = [_finite(value) for value in (measured if isinstance(measured, list) else [measured])]
    low, high = (reference, reference) if not isinstance(reference, tuple) else reference
    low, high = _finite(low), float(high)
    if not values:
        raise ValueError("no measurement to compare")
    if all(value < low for value in values):
        return "smaller than"
    if all(value > high for value in values):
        return "larger than"
    if all(low <= value <= high for value in values):
        return "the same as" if low == high else "about the same as"
    return "smaller or larger, depending on the reading, than"


def fmt_number(value, places: int = 1) -> str:
    """Fixed decimals with thousands separators: 5.806 -> '5.8'."""
    return signed(f"{_finite(value):,.{places}f}")


def fmt_percent(value, places: int = 0) -> str:
    """A share given in percent (0-100): 42.1 -> '42%'."""
    return signed(f"{_finite(value):.{places}f}") + "%"


def fmt_date(value) -> str:
    """A day as prose: '6 August 2024'."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        value = value.date()
    if not isinstance(value, dt.date) or pd.isna(value):
        raise TypeError(f"expected a date, got {value!r}")
    return day_first(value)


def fmt_list(items) -> str:
    """Items as prose: 'a', 'a and b', 'a, b and c'."""
    items = [str(i) for i in items]
    return " and ".join(items) if len(items) < 3 else ", ".join(items[:-1]) + " and " + items[-1]


def _months(dates) -> list[pd.Timestamp]:
    days = pd.to_datetime(pd.Series(list(dates), dtype=object)).dropna()
    return sorted({day.to_period("M").to_timestamp() for day in days})


def fmt_month_span(dates) -> str:
    """The months ``dates`` run over: 'from September 2024 to January 2025', or 'in May 2024'."""
    months = _months(dates)
    if not months:
        raise ValueError("no dates to describe")
    first, last = months[0], months[-1]
    return f"in {first:%B %Y}" if first == last else f"from {first:%B %Y} to {last:%B %Y}"


def fmt_months(dates) -> str:
    """Each month of ``dates``, its year said once: 'October and November 2024',
    'December 2024 and January 2025'."""
    months = _months(dates)
    if not months:
        raise ValueError("no dates to describe")
    years = sorted({m.year for m in months})
    return fmt_list(f"{fmt_list(f'{m:%B}' for m in months if m.year == y)} {y}" for y in years)


def glue_text(key: str, text: str) -> None:
    """Glue a formatted string under ``key``, not displayed in the cell.

    Returns nothing, so a glue call as a cell's last line leaves no output to compare.
    """
    from myst_nb import glue  # imported here so helpers work without a kernel

    if not isinstance(text, str):
        raise TypeError(f"glue_text({key!r}) takes formatted text; format {type(text).__name__} first")
    if key in GLUED and GLUED[key] != text:
        raise ValueError(f"glue key {key!r} already holds {GLUED[key]!r}")
    GLUED[key] = text
    glue(key, text, display=False)


def glued_table(keys: list[str] | None = None) -> pd.DataFrame:
    """What this kernel has glued (or the given keys), as a table: key and text shown."""
    keys = list(GLUED) if keys is None else keys
    return pd.DataFrame({"key": keys, "shown as": [GLUED[k] for k in keys]})


def hindsight_marked(text: str, day, cut) -> str:
    """``text`` with ' (hindsight)' added when data dated ``day`` came after the article (``cut``)."""
    return f"{text} (hindsight)" if is_hindsight(day, cut) else text


def fmt_date_marked(day, cut, known_on=None) -> str:
    """``day`` written as a date, with ' (hindsight)' when what it dates came after the article
    (``cut``). ``known_on``: the day that could first be known, when not ``day`` itself (a figure
    about one day, published later: :attr:`helpers.data.sourced.Figure.known_on`)."""
    return hindsight_marked(fmt_date(day), day if known_on is None else known_on, cut)


#: Qualifiers a figure can carry in data/ (the schema's list) and how a derived figure inherits them.
ROUNDED_QUALIFIERS = ("about", "nearly", "almost")
FLOOR_QUALIFIERS = ("more than", "at least")


def qualified(text: str, qualifier: str) -> str:
    """The formatted value with its qualifier in front: ('2,700', 'about') -> 'about 2,700'."""
    return text if qualifier == "unqualified" else f"{qualifier} {text}"


def derived_qualifier(*qualifiers: str) -> str:
    """The qualifier of a figure computed from others (a ratio, share, rate or difference).

    Exact inputs give an exact result. Anything else gives 'about': a floor does not survive
    division or subtraction (more than 1,000 of about 2,700 is not 'more than' any share), and
    rounding carries through. A floor divided by an exact number stays a floor: see
    :func:`floor_rate`.
    """
    if all(q == "unqualified" for q in qualifiers):
        return "unqualified"
    return "about"


def floor_rate(qualifier: str) -> str:
    """A floor ('at least', 'more than') divided by an exact number stays that floor; else as derived."""
    return qualifier if qualifier in (*FLOOR_QUALIFIERS, "unqualified") else "about"


def glue_figure(key: str, figure, fmt=fmt_int) -> None:
    """Glue a sourced figure's value with the qualifier its row in data/ carries ('about 2,700').

    Prose never types a qualifier in front of a glued number (a test checks): the words come
    from the data, so a corrected qualifier corrects the book.
    """
    glue_text(key, qualified(fmt(figure.value), figure.qualifier))


def glue_derived(key: str, value: float, *figures, fmt=fmt_int) -> None:
    """Glue a number computed from sourced figures, qualified by :func:`derived_qualifier`."""
    glue_text(key, qualified(fmt(value), derived_qualifier(*(f.qualifier for f in figures))))
