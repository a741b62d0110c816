"""The data layer: the embedded tables, their schemas, the assumptions, dates and as-of views.

Every engine reads a :class:`Dataset` and imports nothing above this package::

    from railgap.dataset import load_dataset, as_of
    data = as_of(load_dataset(), dt.date(2024, 1, 15))   # the facts public that day

Modules: ``schema`` (table schemas), ``reading`` (CSV cells to typed frames), ``tables``
(the :class:`Dataset` and its loader), ``asof`` (revisions resolved at a date), ``dates``,
``assumptions`` and ``errors``. Names are imported on first use, so ``railgap.dataset.errors``
stays light for the CLI.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = [
    "Dataset",
    "as_of",
    "cell_text",
    "content_digest",
    "load_dataset",
    "read_cells",
    "read_rows",
    "resolve",
    "typed_rows",
]

_HOMES = {
    "Dataset": "tables",
    "content_digest": "tables",
    "load_dataset": "tables",
    "as_of": "asof",
    "resolve": "asof",
    "cell_text": "reading",
    "read_cells": "reading",
    "read_rows": "reading",
    "typed_rows": "reading",
}

if TYPE_CHECKING:
    from railgap.dataset.asof import as_of, resolve
    from railgap.dataset.reading import cell_text, read_cells, read_rows, typed_rows
    from railgap.dataset.tables import Dataset, content_digest, load_dataset


def __getattr__(name: str) -> Any:
    """Import the public names lazily."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'railgap.dataset' has no attribute {name!r}")
    return getattr(import_module(f"railgap.dataset.{home}"), name)
