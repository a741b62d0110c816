"""Errors railgap raises for bad input, each naming where the problem is."""

from __future__ import annotations

from dataclasses import dataclass


class RailgapError(Exception):
    """Base class for every error railgap reports to a user as one clear line."""


@dataclass(frozen=True)
class Problem:
    """One problem found in input data: where it is and what is wrong."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        """Format as ``file:line: column: message`` (parts omitted when unknown)."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.column:
            where += f": {self.column}"
        return f"{where}: {self.message}"


class DataError(RailgapError):
    """Input data failed validation; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = str(problems[0]) if problems else "invalid data"
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(first + more)


class ConsistencyError(DataError, ValueError):
    """Data that is valid row by row but inconsistent across tables (raised in strict mode)."""


class UnknownPlantError(RailgapError, KeyError):
    """A plant id that is not in the dataset as known on the date asked."""

    def __str__(self) -> str:
        """Return the message without KeyError's quoting."""
        return str(self.args[0])


class DateError(RailgapError, ValueError):
    """A date that cannot be parsed or lies outside the range railgap models."""


class UnknownOperatorError(RailgapError, KeyError):
    """An operator name that names no operator in the register as known on the date asked."""

    def __str__(self) -> str:
        """Return the message without KeyError's quoting."""
        return str(self.args[0])
