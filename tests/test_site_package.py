"""The site's templates ship with the package: a copy installed from a wheel (not the editable
checkout) publishes the pages."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


def test_a_package_installed_from_its_wheel_publishes_the_site(sample_show: Path, tmp_path: Path):
    wheels, target, source = tmp_path / "wheels", tmp_path / "installed", tmp_path / "source"
    source.mkdir()  # a copy: building leaves build/ beside the sources
    for part in ("pyproject.toml", "README.md", "cli.py"):
        shutil.copy(REPO / part, source / part)
    shutil.copytree(REPO / "feed_builder", source / "feed_builder", ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(source)], check=True, capture_output=True)
    [wheel] = wheels.glob("podcast_publisher-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True, capture_output=True)
    code = ("import sys, feed_builder, cli\n"
            "assert feed_builder.__file__.startswith(sys.argv[2]), feed_builder.__file__\n"
            "cli.cli(['--root', sys.argv[1], 'publish', '-q'])")
    env = {**os.environ, "PYTHONPATH": str(target)}  # the dependencies from this environment, the package from the wheel
    result = subprocess.run([sys.executable, "-c", code, str(sample_show), str(target)], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (sample_show / "public/index.html").is_file()
    assert (sample_show / "public/episodes/113-the-eastern-axis/index.html").is_file()
