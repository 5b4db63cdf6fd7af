"""Helpers for the book: validated data, derived figures, charts, formatting and glue.

Notebooks import from the submodules (``from helpers.data.load import load``) and stay thin;
everything here is tested in ``tests/``.
"""
