"""The same deploy against a second S3 implementation, the npm `s3rver` (installed by `make test`):
what the first emulator lets pass by accident shows up here."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import feedparser
import pytest

from feed_builder.deploy.plan import STATE
from feed_builder.deploy.run import deploy
from tests.conftest import REPO, edit
from tests.s3server import CREDENTIALS, PREFIX, assert_live_feed_resolves, configure, objects
from tests.test_deploy import public_files
from tests.test_publish import EPISODE

S3RVER = REPO / "tests/s3rver/node_modules/.bin/s3rver"
BASE_URL = "https://example.com/4min-podcast"


@pytest.fixture
def s3rver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, object]]:
    if not S3RVER.exists() or shutil.which("node") is None:
        pytest.skip("s3rver is not installed: `make test` installs it (npm ci in tests/s3rver)")
    bucket = f"show-{uuid.uuid4().hex[:12]}"
    server = subprocess.Popen([str(S3RVER), "-d", str(tmp_path / "data"), "-a", "127.0.0.1", "-p", "0",
                               "--configure-bucket", bucket], stdout=subprocess.PIPE, text=True)
    try:
        line = ""
        while "listening on" not in line:
            line = server.stdout.readline()
            assert line, "s3rver did not start"
        endpoint = "http://" + line.split("listening on", 1)[1].strip()
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "S3RVER")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "S3RVER")
        monkeypatch.setenv("AWS_DEFAULT_REGION", CREDENTIALS["AWS_DEFAULT_REGION"])
        monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
        client = boto3.session.Session().client("s3", endpoint_url=endpoint, region_name="us-east-1")
        client.bucket = bucket
        yield endpoint, client
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_deploy_no_op_and_one_edit_on_a_second_implementation(sample_show: Path, s3rver):
    endpoint, s3 = s3rver
    configure(sample_show, endpoint, s3.bucket)
    uploaded = {u.relpath for u in deploy(sample_show, check_online=False).plan.uploads}
    held = objects(s3)
    assert uploaded == set(public_files(sample_show)) == set(held) - {STATE}
    feed = feedparser.parse(held["feed.xml"])
    assert not feed.bozo and feed.entries[0].enclosures[0].href.startswith(BASE_URL + "/audio/")
    for key, body in held.items():
        head = s3.head_object(Bucket=s3.bucket, Key=f"{PREFIX}/{key}")
        assert head["Metadata"]["sha256"] == hashlib.sha256(body).hexdigest(), key
    assert s3.head_object(Bucket=s3.bucket, Key=f"{PREFIX}/feed.xml")["CacheControl"] == "public, max-age=300"
    assert deploy(sample_show, check_online=False).plan.uploads == ()

    edit(sample_show, f"{EPISODE}/episode.md", "The Eastern Axis", "The Eastern Axis, Revised")
    report = deploy(sample_show, check_online=False)
    assert report.plan.uploads[-1].relpath == "feed.xml" and report.plan.deferred
    assert STATE in objects(s3)
    assert_live_feed_resolves(s3, BASE_URL)
