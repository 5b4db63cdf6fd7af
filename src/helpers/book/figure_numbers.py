"""Figure numbers from the doctrees Sphinx has just read, not from their pickles.

With ``numfig`` on (Jupyter Book turns it on), once every page is read Sphinx numbers the
figures and tables by walking each page's doctree, and it loads each one from the pickle it
has just written (``env.get_doctree``), although the same doctree is still in memory, kept for
the writing that follows (``env._write_doc_doctree_cache``, filled whenever Sphinx reads pages
one at a time, as the book's runs do). Unpickling the book's ten doctrees took about 0.35 s of
each Sphinx run, HTML and LaTeX alike (measured on the staged book, 6 December 2026).

The walk only reads the doctrees (section ids, captions, node types), so here it reads the ones
in memory; a page that is not in memory is loaded from its pickle as before. The numbers are
those Sphinx gives (``tests/test_figure_numbers.py`` compares them).
"""

from __future__ import annotations

import functools


def number_from_memory() -> None:
    """Make Sphinx's figure numbering read the doctrees kept in memory (once per process)."""
    # imported here: importing Sphinx adds warning filters, which importing helpers must not
    from sphinx.environment.collectors.toctree import TocTreeCollector

    assign = TocTreeCollector.assign_figure_numbers
    if getattr(assign, "reads_memory", False):
        return

    @functools.wraps(assign)
    def assign_figure_numbers(self, env):
        in_memory = getattr(env, "_write_doc_doctree_cache", {})
        from_pickle = env.get_doctree

        def get_doctree(docname):
            doctree = in_memory.get(docname)
            return from_pickle(docname) if doctree is None else doctree

        env.get_doctree = get_doctree  # for this walk only: the instance's attribute hides the method
        try:
            return assign(self, env)
        finally:
            del env.get_doctree

    assign_figure_numbers.reads_memory = True
    TocTreeCollector.assign_figure_numbers = assign_figure_numbers


def setup(app):
    number_from_memory()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
