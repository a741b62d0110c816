"""An export folder's ``manifest.json``: every file with its row count and SHA-256.

The exporter writes it last; an import of a folder that holds one checks every file
against it first, so a folder copied in part, cut short or edited since is refused, with
what differs, before anything is read into the database.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

from railgap._version import __version__
from railgap.dataset.errors import Problem

MANIFEST = "manifest.json"


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _rows(path: Path) -> int | None:
    """Data rows of a CSV file (records after the header), ``None`` for other files."""
    if path.suffix.lower() != ".csv":
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    return max(sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1, 0)


def describe(folder: Path, dataset_hash: str) -> dict[str, Any]:
    """The manifest of the files in ``folder`` (sorted by name)."""
    files = [
        {"path": p.name, "rows": _rows(p), "bytes": p.stat().st_size, "sha256": _digest(p)}
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != MANIFEST
    ]
    return {"railgap_version": __version__, "dataset_hash": dataset_hash, "files": files}


def write(folder: Path, dataset_hash: str) -> Path:
    """Write ``manifest.json`` describing every other file in ``folder``; return its path."""
    path = folder / MANIFEST
    text = json.dumps(describe(folder, dataset_hash), indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def check(folder: Path) -> list[Problem]:
    """What in ``folder`` disagrees with its manifest (nothing when there is no manifest)."""
    path = folder / MANIFEST
    if not path.is_file():
        return []
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        listed = {str(f["path"]): f for f in manifest["files"]}
    except (ValueError, KeyError, TypeError):
        return [Problem(MANIFEST, None, None, "is not a railgap export manifest")]
    redo = "; export again, or delete manifest.json to import the folder as it is"
    problems: list[Problem] = []
    for name, entry in listed.items():
        file = folder / name
        if Path(name).name != name:
            problems.append(Problem(MANIFEST, None, "path", f"'{name}' is not a file name"))
        elif not file.is_file():
            problems.append(
                Problem(name, None, None, f"is listed in manifest.json but missing{redo}")
            )
        elif _digest(file) != entry.get("sha256"):
            rows, expected = _rows(file), entry.get("rows")
            count = f" ({rows} rows; the export had {expected})" if rows != expected else ""
            problems.append(
                Problem(name, None, None, f"differs from the exported file{count}{redo}")
            )
    for file in sorted(folder.iterdir()):
        unlisted = file.name != MANIFEST and file.name not in listed
        if file.is_file() and unlisted and file.suffix.lower() in (".csv", ".json"):
            problems.append(Problem(file.name, None, None, f"is not in manifest.json{redo}"))
    return problems
