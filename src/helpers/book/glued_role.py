"""``{eval}`glued.key``` in the book: the text a chapter glued under ``key``.

The chapters' prose shows each number with MyST's ``{eval}`` role on the kernel object
:data:`helpers.present.text.glued`. JupyterLab (with ``jupyterlab-myst``) evaluates the
expression in the running kernel. myst-nb evaluates ``{eval}`` only in its inline execution mode,
which runs every notebook inside Sphinx, one after another; the book instead executes the
notebooks itself, in parallel and reused while nothing they read changed, and runs Sphinx with
execution off. So, in the book, this role replaces myst-nb's: it reads the value from the page's
glue outputs, exactly as ``{glue:text}`key``` would. Both places show the one string that
``glue_text`` stored, and the ledger and nbval keep reading the glue outputs of code cells.

Anything other than ``glued.<key>`` is an error (a warning, which fails the strict build).
"""

from __future__ import annotations

import re

from myst_nb.core.variables import create_warning
from myst_nb.ext.glue.roles import PasteTextRole

#: The only expression the book's prose may evaluate.
GLUED_EXPRESSION = re.compile(r"glued\.([A-Za-z_][A-Za-z0-9_]*)")


class GluedEvalRole(PasteTextRole):
    """``{eval}`glued.key``` shown as the text glued under ``key`` on this page."""

    def run(self):
        match = GLUED_EXPRESSION.fullmatch(self.text.strip())
        if not match:
            message = (
                f"{{eval}}`{self.text}`: the book's prose evaluates only glued.<key> "
                "(a text stored with helpers.present.text.glue_text on this page)"
            )
            return [], [create_warning(message, self.document, self.line, subtype="eval")]
        self.text = match.group(1)
        return super().run()


def setup(app) -> dict:
    """Register the role in place of myst-nb's ``eval`` (a Sphinx extension of its own, which
    ``helpers.book.sphinx`` sets up; it must come after myst-nb)."""
    app.add_role("eval", GluedEvalRole(), override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
