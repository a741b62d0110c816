"""Docs that cannot drift: the README's commands, the CLI and the assumptions agree."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.main import get_command

from railgap.cli import app

ROOT = Path(__file__).parents[1]


def test_readme_opens_with_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split()[:2] for line in block.strip().splitlines()] == [
        ["make", "run"],
        ["make", "test"],
    ]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\nrun:" in makefile
    assert "\ntest:" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_cli_command_is_in_the_readme():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    group = get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for sub in subcommands:
                assert f"railgap {name} {sub}" in text, f"railgap {name} {sub}"
        else:
            assert f"railgap {name}" in text, name


def test_every_assumption_is_explained_in_the_docs():
    data = yaml.safe_load(
        (ROOT / "src" / "railgap" / "data" / "assumptions.yaml").read_text(encoding="utf-8")
    )
    pages = ("model.md", "forecast.md", "uncertainty.md", "optimizer.md")
    docs = "".join((ROOT / "docs" / page).read_text(encoding="utf-8") for page in pages)
    for name in data["assumptions"]:
        assert f"`{name}`" in docs, name
