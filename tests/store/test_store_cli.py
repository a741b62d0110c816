"""The ``railgap data`` database commands and ``--db``, end to end in a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from store_helpers import embedded_row, snapshot, write_csv
from typer.testing import CliRunner

from railgap.cli import app
from railgap.dataset.dates import known_by
from railgap.store.errors import StoreError
from railgap.store.location import normalise_url

RAILGAP = [sys.executable, "-m", "railgap.cli"]
SOURCE = "https://example.org/correction"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*RAILGAP, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_import_add_history_and_outlook_through_the_database(tmp_path: Path) -> None:
    # The command layer is the same for both databases (their storage tests cover each);
    # this runs it end to end as a user would, on SQLite.
    db_url = normalise_url(str(tmp_path / "flow.sqlite"))
    order = embedded_row("orders")
    correction = {**order, "units": "1", "known_from": "2023-06-01", "source": SOURCE}
    path = write_csv(tmp_path / "orders.csv", [correction])
    first = run("data", "import", str(path), "--db", db_url, "--by", "ana")
    assert first.returncode == 0, first.stderr
    assert "added 1 revision(s) (orders 1)" in first.stdout
    again = run("data", "import", str(path), "--db", db_url)
    assert "nothing new: 1 row(s) already stored" in again.stdout
    hash_before = json.loads(run("outlook", "--json", "--db", db_url).stdout)["dataset_hash"]
    added = run(
        "data",
        "add",
        "orders",
        "--db",
        db_url,
        "--set",
        f"order_id={order['order_id']}",
        "--set",
        "units=2",
        "--set",
        f"source={SOURCE}/2",
        "--set",
        "known_from=2023-07-01",
    )
    assert added.returncode == 0, added.stderr
    history = run("data", "history", "orders", order["order_id"], "--db", db_url, "--json")
    rows = json.loads(history.stdout)
    users = [r for r in rows if r["origin"] == "user"]
    assert [(r["units"], r["known_from"]) for r in users] == [(1, "2023-06-01"), (2, "2023-07-01")]
    assert users[0]["recorded_by"] == "ana"
    # Revisions come in as-of order: by when known_from can last mean, whoever recorded them.
    days = [known_by(r["known_from"]) for r in rows]
    assert days == sorted(days)
    outlook = run("outlook", "--as-of", "2024-01-15", "--json", "--db", db_url)
    assert outlook.returncode == 0, outlook.stderr
    stamp = json.loads(outlook.stdout)
    assert stamp["dataset"].startswith(db_url.split("://")[0])
    # A new revision is new data: the stamp's hash says so.
    assert stamp["dataset_hash"] != hash_before
    embedded = json.loads(run("outlook", "--as-of", "2024-01-15", "--json").stdout)
    assert embedded["dataset"] == "embedded"


def test_bad_import_exits_2_naming_the_cell_and_writes_nothing(db_url: str, tmp_path: Path) -> None:
    assert run("data", "init", "--db", db_url).returncode == 0
    before = snapshot(db_url)
    row = {**embedded_row("orders"), "known_from": "2025-01-01", "signed": "last spring"}
    path = write_csv(tmp_path / "orders.csv", [row])
    result = run("data", "import", str(path), "--db", db_url)
    assert result.returncode == 2
    assert "orders.csv:2: signed:" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(db_url) == before


@pytest.mark.parametrize(
    "command",
    ["outlook", "plant hitachi_newton_aycliffe", "fleet", "forecast --to 2030", "data check"],
)
def test_every_reading_command_takes_db(command: str, tmp_path: Path) -> None:
    db = str(tmp_path / "r.sqlite")
    as_of = [] if command == "data check" else ["--as-of", "2024-01-15"]
    missing = CliRunner().invoke(app, [*command.split(), *as_of, "--db", db])
    assert isinstance(missing.exception, StoreError)  # railgap's main prints it, exit 2
    assert "no database at" in str(missing.exception)
    assert not Path(db).exists()  # a mistyped path does not become a new database
    assert CliRunner().invoke(app, ["data", "init", "--db", db]).exit_code == 0
    result = CliRunner().invoke(app, [*command.split(), *as_of, "--db", db])
    assert result.exit_code == 0, result.output
    if command == "outlook":
        assert f"dataset sqlite:///{Path(db).resolve()}" in result.output


def test_data_and_db_together_are_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["outlook", "--data", str(tmp_path), "--db", "x.sqlite"])
    assert result.exit_code == 2
    assert "choose one of --data and --db" in result.output


def test_default_database_is_used_once_it_exists(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    runner = CliRunner(env=env)
    args = ["outlook", "--json", "--as-of", "2024-01-15"]
    before = json.loads(runner.invoke(app, args).output)
    assert before["dataset"] == "embedded"
    assert not (tmp_path / "data" / "railgap" / "railgap.sqlite").exists()
    init = runner.invoke(app, ["data", "init"])
    assert init.exit_code == 0, init.output
    assert (tmp_path / "data" / "railgap" / "railgap.sqlite").is_file()
    after = json.loads(runner.invoke(app, args).output)
    assert after["dataset"].endswith("railgap.sqlite")
    assert after["plants"] == before["plants"]


def test_unreachable_database_is_one_clear_line() -> None:
    result = run("outlook", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot open the database postgresql")
    assert "Traceback" not in result.stderr


def test_export_formats_from_the_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt, target in (("csv", "csv"), ("xlsx", "book.xlsx"), ("datapackage", "pkg")):
        result = runner.invoke(app, ["data", "export", "--format", fmt, str(tmp_path / target)])
        assert result.exit_code == 0, result.output
        assert "from embedded" in result.output
    assert (tmp_path / "pkg" / "datapackage.json").is_file()
    check = runner.invoke(app, ["data", "check", str(tmp_path / "csv")])
    assert check.exit_code == 0, check.output
    refused = run("data", "export", "--format", "csv", str(tmp_path / "csv"))
    assert refused.returncode == 2
    assert "not empty" in refused.stderr


def test_history_of_an_unknown_key_is_an_error(tmp_path: Path) -> None:
    result = run("data", "history", "orders", "no-such-order", "--db", str(tmp_path / "h.sqlite"))
    assert result.returncode == 2
    assert "no revisions of orders no-such-order" in result.stderr
    bad = run("data", "history", "orders", "a", "b")
    assert bad.returncode == 2
    assert "orders is keyed by order_id: give 1 to 1 values" in bad.stderr


def test_uncreatable_database_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    result = run("data", "init", "--db", str(tmp_path / "file" / "sub" / "x.sqlite"))
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot create the database")


def test_refused_import_into_a_new_file_leaves_no_file(tmp_path: Path) -> None:
    row = {**embedded_row("orders"), "known_from": "2025-01-01", "manufacturer_id": "nobody"}
    path = write_csv(tmp_path / "orders.csv", [row])
    db = tmp_path / "new.sqlite"
    result = run("data", "import", str(path), "--db", str(db))
    assert result.returncode == 2
    assert "manufacturer_id: 'nobody' is not a manufacturer_id" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.csv"]


def test_data_check_rechecks_rows_written_by_other_tools(db_url: str) -> None:
    import datetime as dt

    from sqlalchemy import insert

    from railgap.store import open_engine
    from railgap.store.schema import DATA_TABLES

    runner = CliRunner()
    good = runner.invoke(app, ["data", "check", "--db", db_url])
    assert good.exit_code == 0, good.output
    row = {**embedded_row("manufacturers"), "known_from": "2025-01-01", "source": "not a url"}
    engine = open_engine(db_url)
    with engine.begin() as connection:
        result = connection.execute(
            insert(DATA_TABLES["manufacturers"]).values(
                **row, known_by=dt.date(2025, 1, 1), recorded_at=dt.datetime.now(dt.UTC),
                recorded_by="sql", origin="user",
            )
        )
        row_id = result.inserted_primary_key[0]
    from railgap.store.engine import dispose

    dispose(db_url)
    bad = runner.invoke(app, ["data", "check", "--db", db_url])
    assert bad.exit_code == 2
    assert f"manufacturers:{row_id}: source: 'not a url' is not an http(s) URL" in bad.output


def test_a_bad_date_written_by_another_tool_is_named_not_a_traceback(db_url: str) -> None:

    from sqlalchemy import update

    from railgap.store import open_engine
    from railgap.store.engine import dispose
    from railgap.store.schema import DATA_TABLES

    engine = open_engine(db_url)
    orders = DATA_TABLES["orders"]
    with engine.begin() as connection:
        row_id = connection.execute(orders.select().limit(1)).one().row_id
        connection.execute(
            update(orders).where(orders.c.row_id == row_id).values(signed="last spring")
        )
    dispose(db_url)
    for args in (("data", "check", "--db", db_url), ("outlook", "--db", db_url)):
        result = run(*args)
        assert result.returncode == 2, args
        assert f"orders:{row_id}: signed: 'last spring'" in result.stderr
        assert "Traceback" not in result.stderr
