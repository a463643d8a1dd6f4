"""The GitHub Action: `action.yml` declares what its script reads and writes, the example workflow
passes only inputs the action has, and the script, run here with those inputs as GitHub hands them
over (INPUT_* strings), turns `podcast validate` findings into annotations and step outputs."""
from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from feed_builder.ci.action import INPUTS, OUTPUTS
from tests.conftest import REPO, run

ACTION = yaml.safe_load((REPO / "action.yml").read_text())
WORKFLOW = yaml.safe_load((REPO / "docs/github-workflow.yml").read_text())
GUID = "f40bd3af-3b07-48f7-97cc-c279fda004b7"


def _validate_step() -> dict:
    [step] = [s for s in ACTION["runs"]["steps"] if s.get("id") == "validate"]
    return step


def _workflow_inputs() -> dict[str, str]:
    [inputs] = [step.get("with", {}) for job in WORKFLOW["jobs"].values() for step in job["steps"]
                if step.get("uses", "").split("@")[0].endswith("/podcast-publisher")]
    return inputs


def test_action_yml_passes_every_input_the_script_reads_and_declares_what_it_writes():
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {*INPUTS, "python-version"}
    assert all(spec["description"] for spec in [*ACTION["inputs"].values(), *ACTION["outputs"].values()])
    assert _validate_step()["env"] == {f"INPUT_{name.upper()}": f"${{{{ inputs.{name} }}}}" for name in INPUTS}
    assert {name: spec["value"] for name, spec in ACTION["outputs"].items()} == {
        name: f"${{{{ steps.validate.outputs.{name} }}}}" for name in OUTPUTS}


def test_the_example_workflow_publishes_on_push_to_main_and_validates_pull_requests():
    on = WORKFLOW[True]  # YAML 1.1 reads the key `on` as a boolean
    assert on["push"]["branches"] == ["main"] and "pull_request" in on
    assert set(_workflow_inputs()) <= set(ACTION["inputs"])
    assert WORKFLOW["jobs"]["deploy"]["if"] == "github.event_name == 'push'"


def test_the_pages_artifact_carries_the_site_and_not_the_builds_state(sample_show: Path):
    """The workflow's own shell steps after publish, run on a published show: what the Pages upload
    then takes holds every published file and nothing hidden."""
    steps = WORKFLOW["jobs"]["publish"]["steps"]
    assert run(sample_show, "publish").exit_code == 0
    published = {p.relative_to(sample_show) for p in (sample_show / "public").rglob("*")
                 if p.is_file() and ".build" not in p.parts}
    upload = next(i for i, step in enumerate(steps) if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    publish = next(i for i, step in enumerate(steps) if step.get("run") == "podcast publish")
    for step in steps[publish + 1:upload]:
        if "run" in step:
            subprocess.run(["bash", "-e", "-c", step["run"]], cwd=sample_show, check=True)
    artifact = sample_show / steps[upload]["with"]["path"]
    taken = {p.relative_to(sample_show) for p in artifact.rglob("*") if p.is_file()}
    assert taken == published


@pytest.fixture
def loopback(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTP server on 127.0.0.1 standing in for the host the show's feed is served from now."""
    served = tmp_path / "served"
    (served / "podcast").mkdir(parents=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", served
    server.shutdown()
    server.server_close()


def _run_action(show: Path, origin: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """The action's script with the workflow's inputs (the example host replaced by the loopback
    one), its defaults for the rest, from the show's checkout as on a runner."""
    given = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    given.update({name: str(value).replace("https://example.com", origin) for name, value in _workflow_inputs().items()})
    outputs = tmp_path / "github_output"
    outputs.write_text("")
    env = {**os.environ, "GITHUB_OUTPUT": str(outputs), **{f"INPUT_{k.upper()}": v for k, v in given.items()}}
    result = subprocess.run([sys.executable, "-m", "feed_builder.ci.action"], cwd=show, env=env,
                            capture_output=True, text=True, timeout=120)
    return result, dict(line.split("=", 1) for line in outputs.read_text().splitlines())


def test_the_action_passes_a_feed_that_keeps_its_promises(sample_show: Path, loopback, tmp_path: Path):
    origin, served = loopback
    assert run(sample_show, "publish").exit_code == 0
    (served / "podcast/feed.xml").write_bytes((sample_show / "public/feed.xml").read_bytes())
    result, outputs = _run_action(sample_show, origin, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "::error" not in result.stdout
    assert outputs == {"items": "1", "errors": "0", "warnings": "0"}
    assert "public/feed.xml: 1 item(s), 0 error(s), 0 warning(s)" in result.stderr


def test_the_action_annotates_a_changed_guid_and_fails(sample_show: Path, loopback, tmp_path: Path):
    origin, served = loopback
    assert run(sample_show, "publish").exit_code == 0
    before = (sample_show / "public/feed.xml").read_bytes().replace(GUID.encode(), b"0c7e1f9e-5b7a-4d0e-9a53-3c1f7b8e2a14")
    (served / "podcast/feed.xml").write_bytes(before)
    result, outputs = _run_action(sample_show, origin, tmp_path)
    assert result.returncode == 1
    assert any(line.startswith("::error file=public/feed.xml,line=") and ",title=previous-guid-changed::" in line
               for line in result.stdout.splitlines()), result.stdout
    assert outputs["errors"] == "1" and outputs["items"] == "1"


def test_an_input_that_is_no_boolean_is_an_annotation_not_a_traceback(tmp_path: Path):
    env = {**os.environ, "INPUT_ONLINE": "yes"}
    result = subprocess.run([sys.executable, "-m", "feed_builder.ci.action"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ("::error title=podcast validate::input online: 'yes' is not a boolean "
                             "(expected true or false)\n")
