"""Consistency checks across tables, beyond what each table's schema can say.

Each check is a pure function of a :class:`railgap.dataset.Dataset` returning the problems it
finds (file, row, field, message); :func:`consistency_problems` runs them all. They read the
plant and fleet engines' rules (what counts as built, how many vehicles a fleet has), so this
package sits above the engines and below the faces (``railgap data check``).
"""

from __future__ import annotations

from railgap.checks.data import CHECKS, consistency_problems

__all__ = ["CHECKS", "consistency_problems"]
