from __future__ import annotations

import csv
import io

import pandas as pd

from railgap.views import render


def test_csv_cells_a_spreadsheet_would_run_are_quoted_but_numbers_are_not():
    frame = pd.DataFrame(
        {
            "name": ['=HYPERLINK("http://evil")', "+1 bad", "@SUM(A1)", "-cmd", "Newton Aycliffe"],
            "value": [-3.5, 2, 0, -1, 7],
        }
    )
    frame.attrs.update({"as_of": "2024-01-15", "assumptions": "x@1", "dataset_hash": "abc"})
    rows = list(csv.DictReader(io.StringIO(render.to_csv(frame))))
    assert [r["name"] for r in rows] == [
        "'=HYPERLINK(\"http://evil\")",
        "'+1 bad",
        "'@SUM(A1)",
        "'-cmd",
        "Newton Aycliffe",
    ]
    assert [r["value"] for r in rows] == ["-3.5", "2", "0", "-1", "7"]
