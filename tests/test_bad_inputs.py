"""A show's repository is input from strangers (CI publishes pull requests): every bad input stops
the run with exit code 1 and one line naming the file, the line, the field and what was expected,
never a traceback, and nothing outside the repository is read or published."""
from __future__ import annotations

from pathlib import Path

from feed_builder.core.errors import problem


def test_a_problem_names_a_symlink_not_its_target(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "transcript.txt").symlink_to("/etc/passwd")
    assert problem(tmp_path / "transcript.txt", None, "transcript", "m").path == "transcript.txt"
