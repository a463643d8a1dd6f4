"""`podcast deploy` against a real S3 API on loopback: what lands in the bucket, in which order,
with which headers, and what is never uploaded or deleted."""
from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
import podcastparser
import pytest

from feed_builder.deploy.plan import STATE
from feed_builder.deploy.run import deploy
from tests.conftest import REPO, edit, run, snapshot
from tests.bucket_front import http_front, https_front  # noqa: F401
from tests.s3server import PREFIX, assert_live_feed_resolves, configure, endpoint, objects, s3, sent  # noqa: F401
from tests.test_publish import EPISODE, add_episodes

BASE_URL = "https://example.com/4min-podcast"
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def show(sample_show: Path, endpoint: str, s3) -> Path:
    configure(sample_show, endpoint, s3.bucket)
    return sample_show


def puts(sent, *, state: bool = False) -> list[str]:
    """Published files written, in the order their uploads began (single PUTs and multipart
    starts); with `state`, deploy's own record of superseded files too."""
    keys = [r.key[len(PREFIX) + 1:] for r in sent
            if (r.method == "PUT" and "partNumber" not in r.query) or (r.method == "POST" and r.query == "uploads")]
    return [k for k in keys if state or k != STATE]


def public_files(root: Path) -> dict[str, bytes]:
    return {k: v[0] for k, v in snapshot(root / "public").items() if not k.startswith(".build")}


def test_a_deploy_puts_the_whole_build_in_the_bucket_and_apps_can_read_it(show: Path, s3, sent):
    result = run(show, "deploy", "--no-check")
    assert result.exit_code == 0, result.output
    held = objects(s3)
    local = public_files(show)
    assert {k: v for k, v in held.items() if k != STATE} == local
    feed = feedparser.parse(held["feed.xml"])  # a real consumer of the deployed feed
    assert not feed.bozo and len(feed.entries) == 1
    enclosure = feed.entries[0].enclosures[0]
    audio = enclosure.href[len(BASE_URL) + 1:]
    assert len(held[audio]) == int(enclosure.length)
    assert_live_feed_resolves(s3, BASE_URL)
    assert puts(sent)[-1] == "feed.xml"


def test_headers_come_from_the_served_table(show: Path, s3, sent):
    assert run(show, "deploy", "--no-check").exit_code == 0
    held = objects(s3)
    audio = next(k for k in held if k.startswith("audio/"))
    cover = next(k for k in held if k.startswith("images/"))
    heads = {k: s3.head_object(Bucket=s3.bucket, Key=f"{PREFIX}/{k}") for k in held}
    assert heads[audio]["ContentType"] == "audio/mpeg"
    assert heads[cover]["ContentType"] == "image/jpeg"
    assert heads["feed.xml"]["ContentType"] == "application/rss+xml; charset=utf-8"
    assert heads["transcripts/113-the-eastern-axis.txt"]["ContentType"] == "text/plain; charset=utf-8"
    for key in (audio, cover):
        assert "immutable" in heads[key]["CacheControl"]
    for key in ("feed.xml", "transcripts/113-the-eastern-axis.html"):
        assert heads[key]["CacheControl"] == "public, max-age=300"
    for key, body in held.items():
        if key != STATE:
            assert heads[key]["Metadata"]["sha256"] == hashlib.sha256(body).hexdigest(), key
            assert heads[key]["ETag"].strip('"') == hashlib.md5(body).hexdigest(), key


def test_requests_carry_no_checksum_header_and_every_body_its_md5(show: Path, s3, sent):
    """R2, B2 and several MinIO versions refuse boto3's default CRC32 checksums; the emulator
    accepts them, so the requests themselves are checked."""
    assert deploy(show, check_online=False, multipart_threshold=1024 * 1024, part_size=5 * 1024 * 1024).plan.uploads
    assert sent
    for request in sent:
        assert not [h for h in request.headers if h.startswith(("x-amz-checksum", "x-amz-sdk-checksum"))], request
        assert request.headers.get("x-amz-trailer") is None, request
        if request.method == "PUT":
            assert "content-md5" in request.headers, request


def test_a_second_deploy_uploads_nothing_and_lists_once(show: Path, s3, sent):
    assert run(show, "deploy", "--no-check").exit_code == 0
    sent.clear()
    result = run(show, "deploy", "--no-check")
    assert result.exit_code == 0
    assert "uploaded 0 file(s)" in result.output
    assert [r.method for r in sent if r.method not in ("GET", "HEAD")] == []
    assert len([r for r in sent if "list-type=2" in r.query]) == 1


def test_one_edited_episode_uploads_exactly_its_changed_files_feed_last(show: Path, s3, sent):
    add_episodes(show, 2)
    assert run(show, "deploy", "--no-check").exit_code == 0
    before = public_files(show)
    edit(show, "episodes/114-copy/episode.md", "Copy 114", "Copy 114, retitled")
    sent.clear()
    assert run(show, "deploy", "--no-check").exit_code == 0
    after = public_files(show)
    changed = {k for k, v in after.items() if before.get(k) != v}
    assert any(k.startswith("audio/114-copy-") for k in changed)  # the title is in the tags
    assert sorted(puts(sent)) == sorted(changed)
    assert puts(sent)[-1] == "feed.xml"
    assert puts(sent, state=True)[-1] == STATE  # the old audio, superseded: recorded after the feed is live
    assert_live_feed_resolves(s3, BASE_URL)


def test_a_stale_public_is_published_before_deploying(show: Path, s3, sent):
    assert run(show, "deploy", "--no-check").exit_code == 0
    edit(show, f"{EPISODE}/episode.md", "The Eastern Axis", "The Eastern Axis, Revised")
    assert run(show, "deploy", "--no-check").exit_code == 0
    assert b"The Eastern Axis, Revised" in objects(s3)["feed.xml"]


def test_a_dry_run_prints_the_plan_and_changes_nothing(show: Path, s3, sent):
    result = run(show, "deploy", "--dry-run", "--no-check")
    assert result.exit_code == 0, result.output
    assert "would upload feed.xml (new" in result.output
    assert objects(s3) == {}
    assert [r.method for r in sent if r.method not in ("GET", "HEAD")] == []

    assert run(show, "deploy", "--no-check").exit_code == 0
    live = objects(s3)
    edit(show, f"{EPISODE}/episode.md", "The Eastern Axis", "The Eastern Axis, Revised")
    result = run(show, "deploy", "--dry-run", "--no-check")  # planned from the show as it is now
    assert result.exit_code == 0 and "would upload feed.xml (changed" in result.output, result.output
    assert objects(s3) == live


def test_removed_files_wait_out_the_grace_period_and_deletions_are_capped(show: Path, s3, sent):
    configure_extra = (show / "podcast.toml").read_text().replace('region = "us-east-1"\n',
                                                                  'region = "us-east-1"\nmax_deletes = 0\n')
    (show / "podcast.toml").write_text(configure_extra)
    s3.put_object(Bucket=s3.bucket, Key="elsewhere/keep.txt", Body=b"not ours")
    s3.put_object(Bucket=s3.bucket, Key=f"{PREFIX}-old/keep.txt", Body=b"a sibling prefix, not ours")
    deploy(show, check_online=False, now=NOW)
    old = set(objects(s3))
    edit(show, f"{EPISODE}/episode.md", "The Eastern Axis", "The Eastern Axis, Revised")
    report = deploy(show, check_online=False, now=NOW)
    superseded = old - set(public_files(show)) - {STATE}
    assert any(k.startswith("audio/") for k in superseded)
    assert set(report.plan.deferred) == superseded and not report.plan.deletions
    assert superseded <= set(objects(s3))  # apps holding the old feed still download its audio
    assert_live_feed_resolves(s3, BASE_URL)

    late = deploy(show, check_online=False, now=NOW + timedelta(days=31))  # more due than max_deletes
    assert set(late.plan.held) == superseded and any("--yes" in w for w in late.warnings)
    assert superseded <= set(objects(s3))

    done = deploy(show, check_online=False, now=NOW + timedelta(days=31), yes=True)
    assert set(done.plan.deletions) == superseded
    assert not superseded & set(objects(s3))
    assert objects(s3, "elsewhere/") and objects(s3, f"{PREFIX}-old/")  # outside the prefix: untouched
    assert_live_feed_resolves(s3, BASE_URL)


def test_multipart_objects_carry_the_same_headers_and_compare_by_our_sha256(show: Path, s3, sent):
    master = show / "audio/113-the-eastern-axis.mp3"
    master.write_bytes(master.read_bytes() * 4)  # whole MP3 frames: a longer master, > one 5 MiB part
    options = dict(check_online=False, multipart_threshold=1024, part_size=5 * 1024 * 1024)
    deploy(show, **options)
    held = objects(s3)
    audio = next(k for k in held if k.startswith("audio/"))
    assert len(held[audio]) > 5 * 1024 * 1024
    head = s3.head_object(Bucket=s3.bucket, Key=f"{PREFIX}/{audio}")
    assert head["ETag"].strip('"').endswith("-2")
    assert head["ContentType"] == "audio/mpeg" and "immutable" in head["CacheControl"]
    assert head["Metadata"]["sha256"] == hashlib.sha256(held[audio]).hexdigest()
    starts = [r for r in sent if r.method == "POST" and r.query == "uploads"]
    assert {audio, "feed.xml"} <= {r.key[len(PREFIX) + 1:] for r in starts}
    parts = [r for r in sent if r.method == "PUT" and "partNumber" in r.query]
    for part in parts:
        assert part.headers["content-md5"]
    first = next(r for r in starts if r.key.endswith(audio))
    assert first.headers["content-type"] == "audio/mpeg"
    assert "immutable" in first.headers["cache-control"]
    assert first.headers["x-amz-meta-sha256"] == hashlib.sha256(held[audio]).hexdigest()
    sent.clear()
    again = deploy(show, **options)  # feed.xml too is multipart now: equal by its stored SHA-256
    assert again.plan.uploads == () and puts(sent) == []


def test_missing_credentials_or_bucket_stop_before_anything_is_sent(show: Path, s3, sent, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(show / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(show / "none"))
    result = run(show, "deploy", "--no-check")
    assert result.exit_code == 1 and "no AWS credentials found" in result.output
    assert sent == []

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    edit(show, "podcast.toml", f"s3://{s3.bucket}/", "s3://no-such-bucket-here/")
    result = run(show, "deploy", "--no-check")
    assert result.exit_code == 1 and "bucket 'no-such-bucket-here' does not exist" in result.output
    assert [r.method for r in sent] == ["HEAD"]


def test_a_show_without_a_target_or_without_boto3_gets_a_problem(sample_show: Path, monkeypatch):
    result = run(sample_show, "deploy")
    assert result.exit_code == 1 and "deploy.target: missing" in result.output
    configure(sample_show, "http://127.0.0.1:9", "some-bucket")
    monkeypatch.setitem(sys.modules, "boto3", None)  # as if the [deploy] extra were not installed
    result = run(sample_show, "deploy")
    assert result.exit_code == 1 and "pip install 'podcast-publisher[deploy]'" in result.output
    assert "Traceback" not in result.output


def test_a_symlink_planted_in_public_is_refused_and_nothing_is_uploaded(show: Path, s3, sent, tmp_path: Path):
    """public/ may come from the repository (a pull request can commit one): a link in it must not
    carry a file from elsewhere on the machine into the bucket."""
    secret = tmp_path / "credentials"
    secret.write_text("aws_secret_access_key = not-for-the-bucket\n")
    assert run(show, "publish").exit_code == 0
    (show / "public" / "transcripts" / "leak.txt").symlink_to(secret)
    result = run(show, "deploy", "--no-check")
    assert result.exit_code == 1, result.output
    assert "public/transcripts/leak.txt: file: is a symbolic link or no regular file" in result.output
    assert "Traceback" not in result.output
    assert puts(sent) == [] and objects(s3) == {}


def test_hidden_files_in_public_stay_home(show: Path, s3):
    """What a desktop leaves in a folder (.DS_Store) is not the show's: never uploaded."""
    assert run(show, "publish").exit_code == 0
    (show / "public" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (show / "public" / "images" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    assert run(show, "deploy", "--no-check").exit_code == 0
    assert not [k for k in objects(s3) if k.rsplit("/", 1)[-1] == ".DS_Store"]


def test_after_the_upload_the_feed_is_checked_where_listeners_read_it(show: Path, https_front):
    """validate --online against base_url over verified TLS: the feed, then a HEAD and a byte range
    of every enclosure, as a listener's app asks for them."""
    edit(show, "podcast.toml", f'base_url = "{BASE_URL}"', f'base_url = "{https_front.base_url}"')
    result = run(show, "deploy")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    feed = feedparser.parse(public_files(show)["feed.xml"])
    audio = "/show/" + feed.entries[0].enclosures[0].href[len(https_front.base_url) + 1:]
    assert ("GET", "/show/feed.xml", None) in https_front.requests
    assert ("HEAD", audio, None) in https_front.requests
    assert ("GET", audio, "bytes=0-1") in https_front.requests


def test_an_enclosure_missing_where_listeners_read_it_is_a_warning(show: Path, https_front):
    edit(show, "podcast.toml", f'base_url = "{BASE_URL}"', f'base_url = "{https_front.base_url}"')
    assert run(show, "publish").exit_code == 0
    enclosure = feedparser.parse(public_files(show)["feed.xml"]).entries[0].enclosures[0].href
    https_front.hidden.add(enclosure[len(https_front.base_url) + 1:])  # say, a CDN rule that blocks audio/
    result = run(show, "deploy")
    assert result.exit_code == 0, result.output
    assert f"warning: deployed feed: {https_front.base_url}/feed.xml:" in result.output
    assert f"error online-status: enclosure {enclosure} answers HTTP 404" in result.output


def test_a_show_tested_on_this_machine_deploys_and_checks_clean_over_http(show: Path, http_front):
    """base_url may be plain http on loopback, for a test against a local server: accepted with a
    warning, checked after the upload, and read there by an app."""
    base = http_front.base_url
    edit(show, "podcast.toml", f'base_url = "{BASE_URL}"', f'base_url = "{base}"')
    result = run(show, "deploy")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert warnings == [f"warning: podcast.toml: base_url: {base} is a server on this machine, fine for a test: "
                        "no app elsewhere can fetch this feed (expected an https URL before listeners subscribe)"]
    feed = podcastparser.parse(f"{base}/feed.xml", urllib.request.urlopen(f"{base}/feed.xml"))
    audio = feed["episodes"][0]["enclosures"][0]["url"]
    assert audio.startswith(base + "/audio/") and ("HEAD", audio[len(base) - 5:], None) in http_front.requests
    ranged = urllib.request.urlopen(urllib.request.Request(audio, headers={"Range": "bytes=0-1"}))
    assert ranged.status == 206 and len(ranged.read()) == 2


def test_an_unreachable_deployed_feed_is_a_warning_after_the_upload(show: Path, s3, sent):
    """The check reads the feed where listeners do (base_url); here nothing serves it."""
    edit(show, "podcast.toml", 'base_url = "https://example.com/4min-podcast"', 'base_url = "https://127.0.0.1:9/show"')
    result = run(show, "deploy")
    assert result.exit_code == 0, result.output
    assert "warning: the deployed feed could not be fetched" in result.output
    assert "feed.xml" in objects(s3)


CHILD = """
import os, signal, sys
from pathlib import Path
import boto3
boto3.setup_default_session()
done = 0
def after(**_):
    global done
    done += 1
    if done == int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)
boto3.DEFAULT_SESSION.events.register("after-call.s3.PutObject", after)
from feed_builder.deploy.run import deploy
deploy(Path(sys.argv[1]), check_online=False)
"""


@pytest.mark.slow
def test_a_deploy_killed_after_any_upload_leaves_a_live_feed_whose_every_url_resolves(
        sample_show: Path, endpoint: str, s3, tmp_path: Path):
    add_episodes(sample_show, 2)
    configure(sample_show, endpoint, s3.bucket)
    old = sample_show
    new = Path(shutil.copytree(old, tmp_path / "new"))
    edit(new, f"{EPISODE}/episode.md", "The Eastern Axis", "The Eastern Axis, Revised")
    (new / "episodes/115-copy/transcript.txt").write_text("A new transcript.\n")
    shutil.rmtree(new / "episodes/114-copy")
    toml = new / "podcast.toml"
    toml.write_text("feed_limit = 1\n" + toml.read_text())  # archive pages, uploaded before feed.xml
    deploy(old, check_online=False)
    steps = len(deploy(new, dry_run=True, check_online=False).plan.uploads)
    assert steps >= 6
    for k in range(1, steps + 1):
        for key in objects(s3):
            s3.delete_object(Bucket=s3.bucket, Key=f"{PREFIX}/{key}")
        deploy(old, check_online=False)
        child = subprocess.run([sys.executable, "-c", CHILD, str(new), str(k)], cwd=REPO, capture_output=True)
        assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]
        assert_live_feed_resolves(s3, BASE_URL)
    deploy(new, check_online=False)  # and the next deploy finishes the job
    assert deploy(new, check_online=False).plan.uploads == ()
    assert_live_feed_resolves(s3, BASE_URL)


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_):
        yield self.body


def _refuse_feed(status: int, times: int):
    """A before-send hook answering the first `times` uploads of feed.xml with `status`, as a
    service under load (503), throttling (429 is SlowDown's kin) or refusing (403) would."""
    from botocore.awsrequest import AWSResponse

    attempts = []

    def hook(request, **_):
        if request.method == "PUT" and request.url.split("?")[0].endswith("/feed.xml"):
            attempts.append(status)
            if len(attempts) <= times:
                body = f"<Error><Code>{'SlowDown' if status == 503 else 'AccessDenied'}</Code></Error>".encode()
                return AWSResponse(request.url, status, {}, _Raw(body))
        return None
    return hook, attempts


def test_server_errors_are_retried_and_a_refusal_is_a_problem_without_retry(show: Path, s3, sent):
    import boto3

    hook, attempts = _refuse_feed(503, 2)
    boto3.DEFAULT_SESSION.events.register_first("before-send.s3", hook)
    assert run(show, "deploy", "--no-check").exit_code == 0
    assert len(attempts) == 3 and "feed.xml" in objects(s3)

    boto3.DEFAULT_SESSION.events.unregister("before-send.s3", hook)
    edit(show, f"{EPISODE}/episode.md", "The Eastern Axis", "The Eastern Axis, Revised")
    hook, attempts = _refuse_feed(403, 99)
    boto3.DEFAULT_SESSION.events.register_first("before-send.s3", hook)
    result = run(show, "deploy", "--no-check")
    assert result.exit_code == 1 and len(attempts) == 1
    assert "uploading feed.xml (feed.xml) failed" in result.output and "Traceback" not in result.output
    assert b"Revised" not in objects(s3)["feed.xml"]
    assert_live_feed_resolves(s3, BASE_URL)
