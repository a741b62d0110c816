"""Dates as railgap uses them: partial calendar dates and integer month indices.

Sources state dates at different precisions ("2019-08-14", "August 2019", "2022"), so
data cells hold *partial dates*: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``. Engines work in
*month indices*: ``year * 12 + (month - 1)``, so that month arithmetic is integer
arithmetic and vectorises.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from railgap.dataset.errors import DateError

#: ASCII digits only: ``\d`` would also match full-width (``２０２４``) and other scripts' digits.
PARTIAL_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

#: The range of dates railgap models (as-of dates and data dates alike).
EARLIEST = dt.date(1800, 1, 1)
LATEST = dt.date(2100, 12, 31)
#: A full date from EARLIEST's year to LATEST's, as a regular expression (for schemas: the
#: HTTP API's OpenAPI states it; ``parse_as_of`` also refuses days a month does not have).
DATE_PATTERN = (
    r"^(18[0-9]{2}|19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
)


def _ascii(text: str) -> str:
    """A hint when a date has digits other than ASCII 0-9 (full-width ones, say)."""
    if any(c.isdigit() and not c.isascii() for c in text):
        return ", with the digits 0-9"
    return ""


def parse_partial(text: str) -> tuple[int, int | None, int | None]:
    """Split ``YYYY[-MM[-DD]]`` into (year, month, day); raise ``DateError`` if not a real date."""
    match = PARTIAL_DATE.match(text.strip())
    if not match:
        expected = f"expected YYYY-MM-DD, YYYY-MM or YYYY{_ascii(text)}"
        raise DateError(f"'{text}' is not a date ({expected})")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"'{text}' has no month {month}")
    if day is not None:
        assert month is not None
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise DateError(f"'{text}' has no day {day}")
    if not EARLIEST.year <= year <= LATEST.year:
        raise DateError(f"'{text}' is outside {EARLIEST.year}-{LATEST.year}")
    return year, month, day


def month_index(year: int, month: int) -> int:
    """Return the month index of a calendar month."""
    return year * 12 + (month - 1)


def month_of(text: str, year_only_month: int = 7) -> int:
    """Return the month index a partial date points at.

    A year alone ("in service from 2027") means some month in that year; it resolves to
    ``year_only_month`` (the named assumption ``year_only_month``, mid-year by default).
    """
    year, month, _ = parse_partial(text)
    return month_index(year, month if month is not None else year_only_month)


def known_by(text: str) -> dt.date:
    """Return the latest day a partially dated fact could have become public.

    ``known_from`` = "2024-01" means "public at some point in January 2024", so an as-of date
    sees it only from 31 January 2024: as-of never sees a fact before it can have been known.
    """
    year, month, day = parse_partial(text)
    if month is None:
        return dt.date(year, 12, 31)
    if day is None:
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def earliest_day(text: str) -> dt.date:
    """Return the first day a partial date can mean ("2024-03" -> 1 March 2024)."""
    year, month, day = parse_partial(text)
    return dt.date(year, month or 1, day or 1)


def window_problem(first: str, last: str, first_name: str) -> str | None:
    """What is wrong with a window of partial dates from ``first`` to ``last``, if anything.

    A window is inverted when it must end before it starts: the last day ``first`` can mean
    is no help, only its first is, so ``2024`` to ``2024-03`` stands (January to March) and
    ``2024-05`` to ``2024-03`` does not.
    """
    if earliest_day(first) > known_by(last):
        return f"{last} is before {first_name} {first}: the window ends before it starts"
    return None


def parse_as_of(text: str | None, today: dt.date | None = None) -> dt.date:
    """Parse an ``--as-of`` value (a full ``YYYY-MM-DD`` date); ``None`` means today."""
    if text is None:
        return today or dt.date.today()
    if not FULL_DATE.fullmatch(text.strip()):
        raise DateError(
            f"as-of date '{text}' is not a valid date (expected YYYY-MM-DD{_ascii(text)})"
        )
    try:
        value = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise DateError(f"as-of date '{text}' is not a valid date (expected YYYY-MM-DD)") from None
    if not EARLIEST <= value <= LATEST:
        raise DateError(f"as-of date {value} is outside {EARLIEST} to {LATEST}")
    return value


def date_month(value: dt.date) -> int:
    """Return the month index of a calendar date."""
    return month_index(value.year, value.month)


def month_label(index: int) -> str:
    """Format a month index as ``YYYY-MM``."""
    year, month0 = divmod(int(index), 12)
    return f"{year:04d}-{month0 + 1:02d}"
