"""A publish killed at any moment: the live feed stays whole, no process or lock outlives it, and
the next publish repairs everything to exactly what a clean build makes. Each crash is a real
process dying (`os._exit` or SIGKILL), so no `finally` of ours gets to tidy up."""
from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree

from feed_builder.publish.decide import publish
from feed_builder.publish.lock import publish_lock
from tests.conftest import REPO
from tests.site_reader import broken_links
from tests.test_publish import EPISODE, add_episodes, public_without_build_dir

pytestmark = pytest.mark.slow

# Runs `podcast publish`, dying at the Nth rename (argv[1]) as a SIGKILL would: nothing after it runs.
CRASH_AT_RENAME = """
import os, sys
real, count = os.replace, [0]
def replace(*args):
    count[0] += 1
    if count[0] == int(sys.argv[1]):
        os._exit(9)
    return real(*args)
os.replace = replace
import cli
cli.cli(["--root", sys.argv[2], "publish", "--jobs", "1", "-q"])
"""

# Runs `podcast publish` with every episode slowed down, so that it can be killed mid-build.
SLOW_PUBLISH = """
import sys, time
import feed_builder.publish.rebuild as rebuild
real = rebuild.process
def slow(*args):
    time.sleep(0.2)
    return real(*args)
rebuild.process = slow
import cli
cli.cli(["--root", sys.argv[1], "publish", "--jobs", "2", "-q"])
"""


def _python(code: str, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=REPO, **kwargs)


def _edit(root: Path) -> None:
    """Changes that move every kind of file: notes and title (audio, item), a transcript, paging."""
    episode = root / EPISODE / "episode.md"
    episode.write_text(episode.read_text().replace("Join us", "Do join us"))
    other = root / "episodes/114-copy/episode.md"
    other.write_text(other.read_text().replace("Copy 114", "Copy 114, retitled"))
    (root / "episodes/115-copy/transcript.txt").write_text("A new transcript.\n")
    toml = root / "podcast.toml"
    toml.write_text("feed_limit = 2\n" + toml.read_text())  # a top-level key, before any table


PUBLISHED = ("audio/", "transcripts/", "chapters/", "images/", "feed")  # what publish puts at the base URL


def _urls_resolve(public: Path, base_url: str) -> None:
    """Every URL in every feed page names a file that is there, enclosures with their length (the
    site's pages: `broken_links`)."""
    for page in sorted(public.glob("feed*.xml")):
        root = etree.parse(str(page))
        for element in root.iter():
            for attribute in ("url", "href"):
                url = element.get(attribute)
                relpath = urlsplit(url).path[len(urlsplit(base_url).path) + 1:] if url else ""
                if url and url.startswith(base_url + "/") and relpath.startswith(PUBLISHED):
                    path = public / relpath
                    assert path.is_file(), f"{page.name}: {url}"
                    if element.tag == "enclosure":
                        assert path.stat().st_size == int(element.get("length")), f"{page.name}: {url}"


def test_a_crash_at_any_rename_leaves_a_whole_feed_and_the_next_publish_repairs_it(sample_show: Path, tmp_path: Path):
    add_episodes(sample_show, 2)
    publish(sample_show, sample_show / "public", jobs=1)
    clean = shutil.copytree(sample_show, tmp_path / "clean", symlinks=True)
    _edit(clean)
    shutil.rmtree(clean / "public")
    publish(clean, clean / "public", jobs=1)
    expected = public_without_build_dir(clean / "public")
    base_url = etree.parse(str(clean / "public/feed.xml")).xpath("//*[local-name()='link'][@rel='self']/@href")[0]
    base_url = base_url.rsplit("/", 1)[0]

    crashes = 0
    for rename in range(1, 100):
        show = shutil.copytree(sample_show, tmp_path / f"crash-{rename}", symlinks=True)
        _edit(show)
        code = _python(CRASH_AT_RENAME, str(rename), str(show)).wait()
        if code == 0:  # fewer renames than that: every crash point has been tried
            break
        assert code == 9
        crashes += 1
        _urls_resolve(show / "public", base_url)
        assert broken_links(show / "public", base_url) == [], f"after a crash at rename {rename}"
        publish(show, show / "public", jobs=1)
        assert public_without_build_dir(show / "public") == expected, f"after a crash at rename {rename}"
        assert publish(show, show / "public", jobs=1).built == 0
        shutil.rmtree(show)
    assert crashes > 10  # every kind of file was being renamed at one crash or another


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="the slowed build is patched in before the fork")
def test_a_killed_publish_leaves_no_worker_and_no_lock(sample_show: Path):
    add_episodes(sample_show, 11)
    out = sample_show / "public"
    run = _python(SLOW_PUBLISH, str(sample_show), start_new_session=True)
    deadline = time.monotonic() + 60
    while not list((out / "audio").glob(".*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.02)  # until the first tagged copy is being staged: the build is under way
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    with publish_lock(out):  # at once, while a worker may still be finishing an episode
        pass
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(run.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("a worker outlived the publish that started it")
    assert publish(sample_show, out, jobs=2).built == 12
