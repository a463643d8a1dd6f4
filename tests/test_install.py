"""Installed as a tool: the console scripts, `--version` from the distribution's metadata, and
click's shell completion as the README tells users to enable it."""
from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import entry_points, version
from pathlib import Path

BIN = Path(sys.executable).parent


def test_version_names_the_installed_distribution():
    result = subprocess.run([BIN / "podcast", "--version"], capture_output=True, text=True, check=True)
    assert result.stdout == f"podcast, version {version('podcast-publisher')}\n"


def test_both_console_scripts_are_installed():
    scripts = {e.name for e in entry_points(group="console_scripts") if e.dist and e.dist.name == "podcast-publisher"}
    assert scripts == {"podcast", "podcast-check"}


def test_bash_completion_completes_the_commands():
    script = subprocess.run([BIN / "podcast"], env={**os.environ, "_PODCAST_COMPLETE": "bash_source"},
                            capture_output=True, text=True, check=True).stdout
    assert "complete -o nosort -F _podcast_completion podcast" in script
    words = subprocess.run([BIN / "podcast"], capture_output=True, text=True, check=True, env={
        **os.environ, "_PODCAST_COMPLETE": "bash_complete", "COMP_WORDS": "podcast in", "COMP_CWORD": "1"}).stdout
    assert words.splitlines() == ["plain,init"]
