"""pandera, imported without its side effect on the process environment.

Importing ``pandera`` sets ``SPARK_LOCAL_IP`` and ``PYARROW_IGNORE_TIMEZONE`` in ``os.environ``
for pyspark, whether or not pyspark is installed; they would then reach every subprocess the
kernel starts. The book does not use pyspark, and importing a ``helpers`` module must change no
global state (``tests/test_install.py``), so the modules that use pandera import it from here,
which puts the environment back as it was.
"""

from __future__ import annotations

import os

_PYSPARK_ENVIRONMENT = ("SPARK_LOCAL_IP", "PYARROW_IGNORE_TIMEZONE")
_before = {name: os.environ.get(name) for name in _PYSPARK_ENVIRONMENT}

import pandera.pandas as pa  # noqa: E402
from pandera.typing import Series  # noqa: E402

for _name, _value in _before.items():
    if _value is None:
        os.environ.pop(_name, None)
    else:
        os.environ[_name] = _value

__all__ = ["Series", "pa"]
