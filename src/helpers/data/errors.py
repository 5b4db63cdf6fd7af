"""The one error a bad data file raises, and the issues it lists.

Every problem is located the way a person fixing the file needs it: the file, the line as a text
editor numbers it (the header is line 1), the column, the rule that failed and the offending
value. All problems in a file are collected before raising, so one run shows every fix needed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DataIssue:
    file: str
    line: int | None
    column: str | None
    rule: str
    value: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column '{self.column}'"
        text = f"{where}: rule '{self.rule}' failed"
        if self.value is not None:
            text += f" (value {self.value!r})"
        return text


class DataValidationError(ValueError):
    """Raised when a data file breaks its schema; the message lists every issue found."""

    def __init__(self, issues: list[DataIssue], hint: str | None = None):
        self.issues = list(issues)
        self.hint = hint
        files = sorted({i.file for i in self.issues})
        head = f"{len(self.issues)} problem(s) in {', '.join(files)}:"
        body = "\n".join(f"  - {issue}" for issue in self.issues)
        message = f"{head}\n{body}"
        if hint:
            message += f"\n{hint}"
        super().__init__(message)
