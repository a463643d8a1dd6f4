"""`podcast validate` ends with one line per feed on stderr (items, errors, warnings), for people
reading a CI log; `-q` leaves only the findings. stdout stays the findings alone, whatever the format."""
from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run

FEEDS = Path(__file__).parent / "data/feeds"


def test_a_good_feed_gets_its_summary_on_stderr_and_nothing_on_stdout(sample_show: Path):
    assert run(sample_show, "publish").exit_code == 0
    result = run(sample_show, "validate")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"{sample_show}/public/feed.xml: 1 item(s), 0 error(s), 0 warning(s)"]


def test_quiet_silences_the_summary(sample_show: Path):
    assert run(sample_show, "publish").exit_code == 0
    result = run(sample_show, "validate", "-q")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_the_counts_are_those_of_the_findings(sample_show: Path):
    feed = str(FEEDS / "xml-well-formed.xml")
    report = json.loads(run(sample_show, "validate", "--format", "json", "-q", feed).stdout)
    result = run(sample_show, "validate", "--format", "json", feed)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == report  # stdout still parses as JSON
    counts = report["summary"]
    assert result.stderr.splitlines() == [f"{feed}: 0 item(s), {counts['error']} error(s), "
                                          f"{counts['warning']} warning(s)"]
