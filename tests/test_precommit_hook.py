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


def _readme_pre_commit_config() -> str:
    """The `.pre-commit-config.yaml` the README tells a show to add."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("```yaml\nrepos:\n") + len("```yaml\n")
    return text[start:text.index("```", start)]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git (CI images have it)")
def test_a_new_show_with_the_readme_hook_refuses_a_commit_of_a_broken_episode(tmp_path: Path, monkeypatch):
    """As a new user does it: init, publish, the README's hook config (pointed at this repository's
    HEAD instead of the example URL and tag), `pre-commit install`, then `git commit`."""
    show = tmp_path / "night-shift"
    assert run(tmp_path, "init", str(show), "--yes").exit_code == 0
    assert run(show, "publish").exit_code == 0
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    config = _readme_pre_commit_config()
    config = config.replace("https://github.com/example-org/podcast-publisher", str(REPO))
    config = config.replace("rev: v0.1.0", f"rev: {head.strip()}")
    (show / ".pre-commit-config.yaml").write_text(config)
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit"))
    _git(show, "init", "-q")
    subprocess.run([Path(sys.executable).parent / "pre-commit", "install"], cwd=show, check=True, capture_output=True)
    _git(show, "add", "-A")
    _git(show, "commit", "-q", "-m", "a new show")  # the hook passes

    [episode] = (show / "episodes").glob("*/episode.md")
    episode.write_text(episode.read_text().replace("type: full", "type: feature"))
    _git(show, "add", "-A")
    with pytest.raises(subprocess.CalledProcessError) as refused:
        _git(show, "commit", "-q", "-m", "a broken episode")
    output = refused.value.stdout.decode() + refused.value.stderr.decode()
    relative = episode.relative_to(show)
    assert (f"{relative}:7: type: 'feature' is not allowed (expected one of: full, trailer, bonus)"
            in output.splitlines()), output
    log = subprocess.run(["git", "log", "--oneline"], cwd=show, capture_output=True, text=True).stdout
    assert len(log.splitlines()) == 1
