"""nbval against the published book's executions, instead of executing every notebook again.

``make book`` has just executed every notebook from the current tree (or found the published
release built from exactly this tree) and published the executed notebooks with the HTML, under
``_build/html/_sources/``. Loaded with ``-p tests.nbval_published --nbval-executed DIR``, this
plugin collects the committed notebooks as nbval does, cell by cell with nbval's markers and
tags, and checks each cell with nbval's own comparison (and sanitising) against the output the
published execution of that cell produced, not against a new kernel run. What each cell is
checked for is unchanged: it ran without an error, and its committed outputs equal those of an
execution of the current code and data. Any difference between the published notebook's code
and the committed notebook's code fails the cell: that execution is not of this notebook.

So ``make test`` executes each notebook once, in the build, and nbval, the ledger's
determinism check and the browser tests read that one execution (the issue on build speed).
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest
from nbval.plugin import IPyNbCell, IPyNbFile, coalesce_streams


def pytest_addoption(parser):
    parser.getgroup("nbval").addoption(
        "--nbval-executed",
        metavar="DIR",
        help="compare each notebook with its executed copy under DIR (same relative path) instead of running it",
    )


def pytest_collect_file(file_path, parent):
    executed = parent.config.option.nbval_executed
    if executed and file_path.suffix == ".ipynb" and not (parent.config.option.nbval or parent.config.option.nbval_lax):
        return PublishedNotebook.from_parent(parent, path=file_path)
    return None


class PublishedNotebook(IPyNbFile):
    """A committed notebook, checked against its published execution."""

    def setup(self):  # no kernel: the build ran it
        root = Path(str(self.config.rootpath))
        relative = Path(str(self.fspath)).resolve().relative_to(root.resolve())
        executed_path = Path(self.config.option.nbval_executed).resolve() / relative
        if not executed_path.is_file():
            raise pytest.fail.Exception(f"{relative}: no executed copy at {executed_path}; run `make book` first")
        executed = nbformat.read(executed_path, as_version=4)
        self.executed_cells = [cell for cell in executed.cells if cell.cell_type == "code"]
        self.executed_path = executed_path
        self.setup_sanitize_files()

    def teardown(self):
        pass

    def collect(self):
        for item in super().collect():
            yield PublishedCell.from_parent(
                self, name=item.name, cell_num=item.cell_num, cell=item.cell, options=item.options
            )


class PublishedCell(IPyNbCell):
    def runtest(self):
        if self.options["skip"]:
            pytest.skip()
        cells = self.parent.executed_cells
        if self.cell_num >= len(cells) or cells[self.cell_num].source != self.cell.source:
            self.raise_cell_error(
                f"the published execution ({self.parent.executed_path}) is not of this notebook's code: "
                "run `make book` to build the book from the current tree"
            )
        outs = coalesce_streams(copy.deepcopy(cells[self.cell_num].get("outputs", [])))
        self.test_outputs = outs
        errors = [out for out in outs if out.get("output_type") == "error"]
        if errors and not self.options["check_exception"]:
            self.raise_cell_error("Cell execution caused an exception", "\n" + "\n".join(errors[0]["traceback"]))
        unrun = self.cell.execution_count is None
        if unrun and self.cell.outputs:
            self.raise_cell_error("Unrun reference cell has outputs")
        if self.options["check"] and not unrun and not self.compare_outputs(outs, coalesce_streams(self.cell.outputs)):
            self.raise_cell_error("Cell outputs differ", "\n".join(self.comparison_traceback))
