"""What a page's execution glued: the values stored in its outputs, and the part the ledger reads.

Plain dictionaries in, no notebook library needed: the execution cache hashes the ledger's part of
an executed notebook (:data:`LEDGER_PART`) to decide whether the ledger page must run again, and
does so in the build process, which should not import the ledger's pandas and schemas for that.
"""

from __future__ import annotations

#: The MIME type under which myst-nb's ``glue`` stores a value's text.
GLUE_MIME = "application/papermill.record/text/plain"
#: The part of an executed notebook the ledger reads (``executed/chapters/x.ipynb#ledger``).
LEDGER_PART = "ledger"


def stored_values(notebook) -> dict[str, str]:
    """Glued values as stored in a notebook's outputs."""
    values = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name and GLUE_MIME in output.get("data", {}):
                values[name] = _text(output["data"][GLUE_MIME]).strip("'\"")
    return values


def ledger_part(notebook) -> list:
    """What the ledger reads of a page's execution: each cell's kind and source (the code it
    traces, the prose around each number, the title), the glued values, and the notebook's
    ``book`` metadata (a page marked ``execute_last`` is not listed); no other output.

    A page whose execution changed only elsewhere (a table it shows, the commit it names)
    leaves the ledger page's execution valid.
    """
    cells = [[cell["cell_type"], _text(cell["source"])] for cell in notebook["cells"]]
    return [cells, sorted(stored_values(notebook).items()), notebook.get("metadata", {}).get("book")]


def _text(value) -> str:
    # a notebook file may store text as a list of lines
    return "".join(value) if isinstance(value, list) else value
