"""The pre-commit hook as a show's repository uses it: `pre-commit try-repo` installs this
repository's hook from `.pre-commit-hooks.yaml` into its own environment and runs it on a real git
repository, passing on a good show and refusing a broken episode with the usual message."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, edit, run

EPISODE = "episodes/113-the-eastern-axis/episode.md"
TOO_SMALL = f"{EPISODE}:3: number: 0 is out of range (expected an integer from 1 to 65535)"


def test_check_loads_only_the_changed_episodes(sample_show: Path, monkeypatch):
    monkeypatch.chdir(sample_show)
    edit(sample_show, EPISODE, "number: 113", "number: 0")
    assert run(sample_show, "check", "podcast.toml").exit_code == 0
    for changed in (EPISODE, "episodes/113-the-eastern-axis/transcript.txt", "audio/113-the-eastern-axis.mp3"):
        result = run(sample_show, "check", changed)
        assert result.exit_code == 1
        assert TOO_SMALL in result.stderr.splitlines()
    assert TOO_SMALL in run(sample_show, "check").stderr.splitlines()  # no files: every episode


def test_check_refuses_a_cover_apple_would_refuse(sample_show: Path, monkeypatch):
    monkeypatch.chdir(sample_show)
    from PIL import Image
    Image.new("RGB", (1000, 1000)).save(sample_show / "artwork/cover.jpg", "JPEG")
    result = run(sample_show, "check", "artwork/cover.jpg")
    assert result.exit_code == 1
    assert "artwork/cover.jpg: image: is 1000×1000 px (expected a square of 1400 to 3000 px)" in result.stderr


def _git(root: Path, *args: str) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="Ann Example", GIT_AUTHOR_EMAIL="ann@example.com",
               GIT_COMMITTER_NAME="Ann Example", GIT_COMMITTER_EMAIL="ann@example.com")
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def _try_repo(root: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    pre_commit = Path(sys.executable).parent / "pre-commit"
    env = dict(os.environ, PRE_COMMIT_HOME=str(home))
    return subprocess.run([str(pre_commit), "try-repo", str(REPO), "podcast-check", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git (CI images have it)")
def test_pre_commit_try_repo_passes_a_good_show_then_refuses_a_broken_episode(sample_show: Path, tmp_path: Path):
    _git(sample_show, "init", "-q")
    _git(sample_show, "add", "-A")
    _git(sample_show, "commit", "-q", "-m", "the show")
    passed = _try_repo(sample_show, tmp_path / "pre-commit", "--all-files")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "podcast check" in passed.stdout and "Passed" in passed.stdout

    edit(sample_show, EPISODE, "number: 113", "number: 0")
    _git(sample_show, "add", EPISODE)
    refused = _try_repo(sample_show, tmp_path / "pre-commit")
    assert refused.returncode == 1
    assert "Failed" in refused.stdout
    assert TOO_SMALL in refused.stdout.splitlines(), refused.stdout
