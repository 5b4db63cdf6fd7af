"""Deriving the tables in ``data/`` from raw open data (``make derive``).

One parser per raw source, and the pipeline that writes the tables.
"""
