"""Lighthouse on `podcast serve`'s index and episode pages; target: 1.0 in performance,
accessibility, best practices and SEO.

Run: make lighthouse   (or PYTHONPATH=. .venv/bin/python bench/bench_lighthouse.py [RUNS])

On demand, never in the test suite: about 11 s a page. The show is the tests' timed show (WebVTT
transcript, chapters, a 7 MB master) served by `podcast serve --no-watch` on a free port; Lighthouse
(npm, bench/lighthouse/package-lock.json) drives Debian's Chromium (CHROME_PATH), with its default
mobile emulation and simulated throttling. Each page is measured RUNS times and every score printed;
the exit code is 1 if any score is below 1.0.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.chromium import CHROMIUM
from tests.conftest import REPO, SHOW_PARTS
from tests.serving import make_timed_show, serving

LIGHTHOUSE = REPO / "bench/lighthouse/node_modules/.bin/lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = ("/", "/episodes/113-the-eastern-axis/")


def scores(url: str) -> dict[str, tuple[float, list[str]]]:
    """Each category's score and the audits that cost it points."""
    report = json.loads(subprocess.run(
        [str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
         f"--only-categories={','.join(CATEGORIES)}",
         "--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage"],
        env={**os.environ, "CHROME_PATH": CHROMIUM}, check=True, capture_output=True, text=True).stdout)
    audits = report["audits"]
    return {name: (category["score"],
                   [ref["id"] for ref in category["auditRefs"]
                    if ref["weight"] and (audits[ref["id"]].get("score") or 0) < 1
                    and audits[ref["id"]].get("scoreDisplayMode") in ("binary", "numeric")])
            for name, category in report["categories"].items()}


def main(runs: int) -> int:
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: make lighthouse installs it (npm ci in bench/lighthouse)")
    below = 0
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "show"
        root.mkdir()
        for part in SHOW_PARTS:
            (shutil.copytree if (REPO / part).is_dir() else shutil.copy2)(REPO / part, root / part)
        with serving(make_timed_show(root), "--no-watch") as served:
            for page in PAGES:
                for run in range(1, runs + 1):
                    found = scores(served.url + page)
                    print(f"{page} run {run}: " + ", ".join(f"{name} {score:.2f}" for name, (score, _) in found.items()))
                    for name, (score, lost) in found.items():
                        if score < 1:
                            below += 1
                            print(f"  {name} below 1.0: {', '.join(lost) or 'see the report'}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1))
