"""Sentences that state the data in words stop the build when the data no longer support them."""

from __future__ import annotations

import pytest

from helpers.present import prose_checks


def test_a_sentence_the_data_no_longer_support_stops_the_build():
    prose_checks.prose_holds(True, "The size of the advance holds up", "a consistent verdict")
    with pytest.raises(
        prose_checks.ProseContradicted, match=r"'The size of the advance holds up', which needs a consistent"
    ):
        prose_checks.prose_holds(False, "The size of the advance holds up", "a consistent verdict")
