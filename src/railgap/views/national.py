"""The national pack: the whole picture on one date in one file, HTML or Excel.

``railgap report national --as-of DATE --format html|xlsx --out FILE``: the outlook, every
plant's gaps, the fleet forecast, a Monte Carlo summary, the optimiser's timetable (under a
short solver time limit, said in the pack) and the sources behind the plants' numbers, with
a provenance sheet (railgap version, dataset and its hash, assumptions, as-of date, the
runs' settings) that a reader of the workbook can trace every figure back to.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from railgap import analysis
from railgap.dataset import Dataset
from railgap.views import html, render

#: The Monte Carlo's draws and seed in the pack (a summary, not a study: say so).
PACK_DRAWS = 2_000
PACK_SEED = 2024
#: The optimiser's solver time limit in the pack, seconds.
PACK_TIME_LIMIT_S = 10.0


@dataclass(frozen=True)
class NationalPack:
    """The pack's tables, named as its sheets, and its provenance."""

    sheets: dict[str, pd.DataFrame]
    provenance: pd.DataFrame
    lede: str


def _gaps(outlook: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for record in outlook.to_dict("records"):
        for gap in record["gaps"] or []:
            rows.append({"plant_id": record["plant_id"], "name": record["name"], **gap})
    columns = ["plant_id", "name", "start", "end", "months", "open"]
    frame = pd.DataFrame(rows)
    return frame.reindex(columns=[*columns, *(c for c in frame.columns if c not in columns)])


def _sources(plants: list[str], as_of: dt.date, data: Dataset) -> pd.DataFrame:
    loading, _, resolved = analysis.run(as_of, data)
    windows = loading.schedule.windows
    frames = []
    for plant in plants:
        orders = windows.loc[windows["plant_id"] == plant, "order_id"]
        frames.append(analysis.plant_sources(resolved, plant, orders).assign(plant_id=plant))
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return frame.drop_duplicates(["table", "row", "source"]).reset_index(drop=True)


def build_pack(
    as_of: str | dt.date | None = None,
    data: str | Path | Dataset | None = None,
    time_limit_s: float = PACK_TIME_LIMIT_S,
    draws: int = PACK_DRAWS,
) -> NationalPack:
    """Run every engine on one date and gather the pack's tables."""
    from railgap.optimise.options import Options
    from railgap.views import ledes

    dataset = analysis.get_dataset(data)
    outlook = analysis.outlook(as_of, dataset)
    stamp = {str(k): v for k, v in outlook.attrs.items()}
    date = dt.date.fromisoformat(str(stamp["as_of"]))
    forecast = analysis.forecast(as_of=date, data=dataset)
    sim = analysis.run_simulation(as_of=date, draws=draws, seed=PACK_SEED, data=dataset)
    opt = analysis.optimize(date, options=Options(time_limit_s=time_limit_s), data=dataset)
    timetable = opt.timetable
    plants = render.records(outlook, render.OUTLOOK_COLUMNS)
    lede = ledes.outlook_lede(plants, date.isoformat())
    a = analysis.get_assumptions()
    assumptions = pd.DataFrame(
        [
            {
                "assumption": name,
                "value": json.dumps(item.value) if isinstance(item.value, dict) else item.value,
                "unit": item.unit,
                "source": item.source or "",
                "reasoning": item.reasoning.strip(),
            }
            for name, item in a.assumptions.items()
        ]
    )
    provenance = pd.DataFrame(
        [{"field": k, "value": render.clean(v)} for k, v in stamp.items()]
        + [
            {"field": "generated", "value": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")},
            {"field": "monte_carlo", "value": f"{draws} draws, seed {PACK_SEED}"},
            {
                "field": "optimiser",
                "value": f"solver time limit {time_limit_s:g} s (a short run: the timetable "
                f"may not be optimal); status: {opt.status}",
            },
            {"field": "lede", "value": lede},
        ]
    )
    sheets = {
        "Outlook": outlook[render.OUTLOOK_COLUMNS],
        "Gaps": _gaps(outlook),
        "Fleet forecast": forecast,
        "Monte Carlo": sim.summary,
        "Optimiser timetable": timetable,
        "Sources": _sources(list(outlook["plant_id"]), date, dataset),
        "Assumptions": assumptions,
    }
    return NationalPack(sheets, provenance, lede)


def _excel(value: Any) -> Any:
    """A cell Excel can hold: numbers and text (lists and dicts as JSON), never a formula."""
    value = render.clean(value)
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(render.FORMULA_STARTS):
        return "'" + value
    return value


def pack_xlsx(pack: NationalPack) -> bytes:
    """The pack as a workbook: Provenance first, then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, frame in {"Provenance": pack.provenance, **pack.sheets}.items():
        sheet = book.create_sheet(name)
        sheet.append([str(c) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for record in frame.to_dict("records"):
            sheet.append([_excel(record[c]) for c in frame.columns])
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pack_html(pack: NationalPack) -> str:
    """The pack as one self-contained HTML page (tables only: no script, no remote file)."""
    tables = {
        name: {
            "columns": [str(c) for c in frame.columns],
            "rows": [[_excel(r[c]) for c in frame.columns] for r in frame.to_dict("records")],
        }
        for name, frame in {"Provenance": pack.provenance, **pack.sheets}.items()
    }
    template = html.environment().get_template("national.html")
    stamp = dict(zip(pack.provenance["field"], pack.provenance["value"], strict=True))
    return template.render(tables=tables, lede=pack.lede, stamp=stamp)


def write_pack(
    output: Path,
    fmt: str = "html",
    as_of: str | None = None,
    data: Path | Dataset | None = None,
    time_limit_s: float = PACK_TIME_LIMIT_S,
) -> Path:
    """Write the national pack to ``output`` (whole or not at all); return the path."""
    if fmt not in ("html", "xlsx"):
        raise ValueError(f"format must be html or xlsx, not {fmt!r}")
    pack = build_pack(as_of, data, time_limit_s)
    payload = pack_html(pack).encode("utf-8") if fmt == "html" else pack_xlsx(pack)
    partial = output.with_name(output.name + ".partial")
    partial.write_bytes(payload)
    partial.replace(output)
    return output
