"""The reference tables of Data and methods (``helpers.present.docs.table``) as Markdown."""

from __future__ import annotations

import re

import pandas as pd

from helpers.present import docs


def _body(frame: pd.DataFrame) -> str:
    return docs.table(frame, "A caption", "a-name").data


def test_an_identifier_may_break_after_its_underscores_and_keeps_its_text():
    body = _body(pd.DataFrame({"figure_id": ["kursk_ua_peak_area_2024"], "quantity": ["Peak area_ held"]}))
    assert "| kursk_<wbr>ua_<wbr>peak_<wbr>area_<wbr>2024 |" in body
    assert re.sub(r"<wbr>", "", body).count("kursk_ua_peak_area_2024") == 1
    assert "| Peak area_ held |" in body  # prose is left alone


def test_a_date_is_kept_on_one_line_and_a_pipe_is_escaped():
    body = _body(pd.DataFrame({"as of": ["2024-08-31"], "note": ["a | b"]}))
    assert '| <span class="nowrap">2024-08-31</span> |' in body
    assert "| a \\| b |" in body
