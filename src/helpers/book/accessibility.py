"""Repairs to the HTML that the book's extensions write, found by axe-core (see the browser test).

Each repair is one exact replacement in a page's body, so a change upstream shows up as an axe
violation again rather than as a silently broken page:

* myst-nb names each "Show code cell source" toggle "Toggle hidden content", a name that does
  not contain its visible text (axe ``label-content-name-mismatch``, WCAG 2.5.3): the visible
  text names it instead.
* docutils marks each bibliography entry ``role="doc-biblioentry"`` (deprecated in DPUB-ARIA 1.1)
  inside a ``role="list"``, whose children must be list items (axe ``aria-required-children``).

The search button's name is the theme template's (``_templates/search-button-field.html``).
"""

from __future__ import annotations

#: (what the extension writes, what the page gets)
BODY_REPAIRS = (
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
    ('class="citation" id="', 'class="citation" role="listitem" id="'),
    (' role="doc-biblioentry">', ">"),
)


def repair_body(body: str) -> str:
    for written, repaired in BODY_REPAIRS:
        body = body.replace(written, repaired)
    return body
