"""A build that finds nothing changed stays cheap: the build module imports nothing heavy.

``make book`` with nothing changed decides from content hashes and returns before Sphinx, the
kernels or any notebook is touched (issue: a no-change build in two seconds). nbformat (through
jsonschema's format checkers) and pandas take seconds to import, so the build imports them only
once it knows there is work. Speed itself is measured by ``make bench``, not here.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("nbformat", "jsonschema", "pandas", "nbclient", "sphinx")


def test_the_build_module_imports_none_of_the_heavy_libraries():
    probe = f"import sys, helpers.book.build; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
