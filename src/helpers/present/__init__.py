"""Presenting numbers in the book: formatting and glue, charts, generated documentation."""
