"""How the book writes a day: day first, month in full ('6 August 2024').

Kept apart from :mod:`helpers.present.text` (which imports pandas) so that the Sphinx runs can
date the PDF's title page the way the prose dates everything else without importing pandas.
"""

from __future__ import annotations

import datetime as dt


def day_first(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
