"""Shared fixtures: a copy of the shipped sample show, so tests never touch the real one."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli

REPO = Path(__file__).resolve().parent.parent
SHOW_PARTS = ("podcast.toml", "episodes", "audio", "artwork")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen-golden", action="store_true",
                     help="rewrite tests/data/golden/ from the current output (review the diff!)")


@pytest.fixture
def sample_show(tmp_path: Path) -> Path:
    root = tmp_path / "show"
    root.mkdir()
    for part in SHOW_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        else:
            shutil.copy2(source, root / part)
    return root


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and mtime: what a no-op or a refused publish must leave untouched."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run(root: Path, *args: str):
    """The command line on the show at `root`, as a podcaster types it."""
    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def edit(root: Path, relpath: str, old: str, new: str) -> None:
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relpath}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
