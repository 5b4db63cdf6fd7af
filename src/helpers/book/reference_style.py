"""Author-year citations that never cite two sources in the same words.

sphinxcontrib-bibtex's ``author_year`` style cites by author and year alone, so two reports by the
Kyiv Independent in 2024 were both "[The Kyiv Independent, 2024]", in the chapters and in the
ledger. This style, ``author_year_dated`` (``bibtex_reference_style`` in ``_config.yml``, registered
by the book's Sphinx extension), cites such a work by month and year, as the bibliography dates it:
"[The Kyiv Independent, October 2024]". Any other work keeps its year alone. Two works by one
author in the same month stop validation, at the line of the second one's month
(``helpers.data.bibliography``): the bibliography must tell them apart.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields

NAME = "author_year_dated"
GROUP = "sphinxcontrib.bibtex.style.referencing"


def dated_keys(entries) -> frozenset[str]:
    """Keys of the works that share their author and year with another work of ``entries`` (a
    bibliography's entries by key). Validation (``helpers.data.bibliography``) has checked that
    each of them has a month of its own."""
    from helpers.data.bibliography import works_by_author_and_year

    return frozenset(key for keys in works_by_author_and_year(entries).values() if len(keys) > 1 for key in keys)


@functools.cache
def _dated_keys() -> frozenset[str]:
    from helpers.data.bibliography import entries

    return dated_keys(entries())


@functools.cache
def style() -> type:
    """The style's class. Built on first use: importing sphinxcontrib-bibtex imports Sphinx, which
    adds warning filters, and importing a ``helpers`` module changes no global state."""
    from pybtex.style.template import field, first_of, join, node, optional, words
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
    from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
        BasicAuthorYearParentheticalReferenceStyle,
        BasicAuthorYearTextualReferenceStyle,
    )
    from sphinxcontrib.bibtex.style.referencing.extra_year import ExtraYearReferenceStyle
    from sphinxcontrib.bibtex.style.template import join2, post_text, pre_text, reference

    @node
    def dated_year(children, data) -> object:
        """The year a citation shows; with the month before it for a work that shares its author and
        year with another ("October 2024")."""
        assert not children
        if data["entry"].key in _dated_keys():
            return words[field("month"), field("year")].format_data(data)
        return first_of[optional[field("year")], "n.d."].format_data(data)

    @dataclass
    class _Parenthetical(BasicAuthorYearParentheticalReferenceStyle):
        def inner(self, role_name: str):
            return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
                pre_text,
                reference[
                    join(sep=self.author_year_sep)[
                        self.person.author_or_editor_or_title(full="s" in role_name),
                        dated_year,
                    ]
                ],
                post_text,
            ]

    @dataclass
    class _Textual(BasicAuthorYearTextualReferenceStyle):
        def inner(self, role_name: str):
            return join(sep=self.text_reference_sep)[
                self.person.author_or_editor_or_title(full="s" in role_name),
                join[
                    self.bracket.left,
                    join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[pre_text, reference[dated_year], post_text],
                    self.bracket.right,
                ],
            ]

    @dataclass
    class _Year(ExtraYearReferenceStyle):
        def inner(self, role_name: str):
            return reference[dated_year]

    @dataclass
    class AuthorYearDatedReferenceStyle(AuthorYearReferenceStyle):
        """``author_year``, with :func:`dated_year` wherever it shows a year."""

        def __post_init__(self):
            super().__post_init__()
            dated = {
                BasicAuthorYearParentheticalReferenceStyle: _Parenthetical,
                BasicAuthorYearTextualReferenceStyle: _Textual,
                ExtraYearReferenceStyle: _Year,
            }
            self.styles = [
                dated[type(each)](**{f.name: getattr(each, f.name) for f in fields(each)})
                if type(each) in dated
                else each
                for each in self.styles
            ]
            self.role_style = {}  # rebuilt from the styles above by the group style
            super(AuthorYearReferenceStyle, self).__post_init__()

    return AuthorYearDatedReferenceStyle


def register() -> None:
    """Make the style available to sphinxcontrib-bibtex under :data:`NAME`."""
    from sphinxcontrib.bibtex.plugin import register_plugin

    register_plugin(GROUP, NAME, style())  # a second call changes nothing
