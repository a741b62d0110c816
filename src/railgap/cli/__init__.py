"""The ``railgap`` command line, one module per command group.

:mod:`~railgap.cli.answers` (outlook, plant, fleet, forecast, report),
:mod:`~railgap.cli.scenarios` (scenario run and compare, simulate, optimize),
:mod:`~railgap.cli.check` and :mod:`~railgap.cli.data` (the ``data`` group),
:mod:`~railgap.cli.serve` (serve, token); :mod:`~railgap.cli.app` assembles them and
:func:`main` is the entry point. Shared options are in :mod:`~railgap.cli.options`.
"""

from __future__ import annotations

from railgap.cli.app import app, main

__all__ = ["app", "main"]
