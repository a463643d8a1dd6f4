"""The click command: formats, exit codes, defaults, --explain."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from feed_builder.validate.command import validate

FEEDS = Path(__file__).parent / "data" / "feeds"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(validate, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_clean_feed_exits_0_with_no_findings_and_a_summary_line() -> None:
    assert run(str(FEEDS / "valid.xml")) == (0, "", f"{FEEDS / 'valid.xml'}: 2 item(s), 0 error(s), 0 warning(s)\n")
    assert run("-q", str(FEEDS / "valid.xml")) == (0, "", "")


def test_errors_exit_1_in_text_format() -> None:
    code, out, _ = run(str(FEEDS / "apple-category.xml"))
    assert code == 1
    assert f"{FEEDS / 'apple-category.xml'}:19: error apple-category: 'Religious' is not a subcategory" in out


def test_warnings_pass_unless_strict() -> None:
    path = str(FEEDS / "apple-author.xml")
    assert run(path)[0] == 0
    assert run(path, "--strict")[0] == 1


def test_json_format() -> None:
    code, out, _ = run(str(FEEDS / "rss-guid-unique.xml"), "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["summary"] == {"error": 1, "warning": 0, "info": 0}
    assert document["findings"][0]["rule"] == "rss-guid-unique" and document["findings"][0]["line"] == 52


def test_github_annotations() -> None:
    code, out, _ = run(str(FEEDS / "apple-author.xml"), "--format", "github")
    assert out == f"::warning file={FEEDS / 'apple-author.xml'},line=3,title=apple-author::channel has no <itunes:author>\n"


def test_several_feeds_in_one_run() -> None:
    code, out, _ = run(str(FEEDS / "valid.xml"), str(FEEDS / "apple-type.xml"), str(FEEDS / "apple-author.xml"))
    assert code == 1 and len(out.splitlines()) == 2


def test_previous_option() -> None:
    code, out, _ = run(str(FEEDS / "previous-guid-changed.xml"), "--previous", str(FEEDS / "valid.xml"))
    assert code == 1 and out.count(": error previous-guid-changed:") == 2


def test_explain_names_the_source() -> None:
    code, out, _ = run("--explain", "p20-guid")
    assert code == 0 and "ead4c236-bf58-58c6-a2c6-a6b28d128cb6" in out and "Source: Podcasting 2.0" in out


def test_list_rules() -> None:
    code, out, _ = run("--list-rules")
    assert code == 0 and "apple-category\terror\t" in out


@pytest.mark.parametrize("args", [["--explain", "no-such-rule"], ["does/not/exist.xml"], ["--format", "yaml"],
                                  ["--max-bytes", "0"]])
def test_usage_errors_exit_2_on_stderr(args: list[str]) -> None:
    code, out, err = run(*args)
    assert code == 2 and out == "" and err


def test_default_feed_is_the_build_with_its_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "public").mkdir()
    shutil.copy(FEEDS / "valid.xml", tmp_path / "public" / "feed.xml")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run()
    assert code == 1
    assert "public/feed.xml:17: error files-missing: image https://example.com/podcast/cover.jpg" in out
