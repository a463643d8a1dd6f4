"""Debian's Chromium driven by Selenium: never a browser downloaded by a tool. The Makefile installs
`chromium` and `chromium-driver` (as root) and axe-core (`npm ci` in tests/browser/)."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/lib/chromium/chromium"  # the binary: /usr/bin/chromium is a wrapper script
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE = Path(__file__).resolve().parent / "browser/node_modules/axe-core/axe.min.js"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--mute-audio",
         "--autoplay-policy=no-user-gesture-required")
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def need_chromium() -> None:
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM}, {CHROMEDRIVER}): "
                    "`make test` installs it as root with apt-get install chromium chromium-driver")


@contextmanager
def chromium() -> Iterator[object]:
    need_chromium()
    os.environ["SE_OFFLINE"] = "true"  # else Selenium Manager looks for a driver online first
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def axe_violations(driver) -> list[str]:
    """What axe-core finds against WCAG 2.1 A and AA on the page open in `driver`."""
    assert AXE.is_file(), f"{AXE} is missing: `make test` installs it (npm ci in tests/browser)"
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: arguments[0]}).then(r => done(r.violations), e => done(String(e)));",
        WCAG21_AA)
    assert isinstance(result, list), result
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}" for v in result]
