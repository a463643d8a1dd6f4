"""`podcast deploy`: publish, plan against the bucket, upload in order, delete what is due, check, notify.

Deploy publishes first rather than refusing a stale `public/`: publish rebuilds only what changed
(nothing, when the build is current) and stops on any bad input before `public/` changes, so what
goes up is always the build of the show as it is. A CI job is then one command.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from feed_builder.core.errors import PodcastError, problem
from feed_builder.core.urls import is_loopback_http_url
from feed_builder.deploy.bucket import MULTIPART_THRESHOLD, PART_SIZE, Bucket, open_bucket
from feed_builder.deploy.notify import notices, send
from feed_builder.deploy.plan import DeployPlan, local_files, make_plan
from feed_builder.publish.check import LOOPBACK_EXCUSED
from feed_builder.publish.progress import Progress, Silent
from feed_builder.publish.decide import publish
from feed_builder.show.settings import SHOW_FILE, load_show

WORKERS = 8  # uploads in flight: enough to keep a link busy with small files, few enough for any service


@dataclass(frozen=True)
class DeployReport:
    plan: DeployPlan
    notified: tuple[str, ...]
    warnings: tuple[str, ...]


def deploy(root: Path, *, dry_run: bool = False, yes: bool = False, check_online: bool = True,
           now: datetime | None = None, progress: Progress = Silent(), workers: int = WORKERS,
           multipart_threshold: int = MULTIPART_THRESHOLD, part_size: int = PART_SIZE) -> DeployReport:
    public = root / "public"
    published = publish(root, public, progress=progress)
    show = load_show(root)
    settings = show.deploy
    bucket = open_bucket(root, settings, workers=workers)
    now = now or datetime.now(timezone.utc)
    with _storage_errors(root, "reading the bucket"):
        state = bucket.state()
        plan = make_plan(local_files(public), bucket.listing(), state, stored_sha256=bucket.stored_sha256,
                         now=now, grace_days=settings.grace_days, max_deletes=settings.max_deletes, yes=yes)
    warnings = list(published.warnings)
    if plan.held:
        warnings.append(f"{len(plan.held)} superseded file(s) are past the grace period, more than "
                        f"max_deletes = {settings.max_deletes}: nothing was deleted (check the list with "
                        "--dry-run, then run with --yes)")
    if dry_run:
        return DeployReport(plan, (), tuple(warnings))
    _upload(bucket, plan, progress, workers, multipart_threshold, part_size, root)
    with _storage_errors(root, "recording superseded files or deleting them"):
        if plan.superseded != state:
            bucket.write_state(plan.superseded)
        progress.stage("delete", len(plan.deletions))
        for relpath in plan.deletions:
            bucket.delete(relpath)
            progress.step(relpath)
        progress.end()
    notified: list[str] = []
    if plan.feed_changed:
        if check_online:
            warnings += _check_online(show.feed_url)
        targets, cannot = notices(settings.notify, show.feed_url, show.medium)
        warnings += cannot
        for notice in targets:
            failed = send(notice)
            warnings += [failed] if failed else []
            notified += [] if failed else [notice.target]
    return DeployReport(plan, tuple(notified), tuple(warnings))


@contextmanager
def _storage_errors(root: Path, doing: str) -> Iterator[None]:
    """The service's refusals and lost connections, after retries, as a problem, never a traceback."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (BotoCoreError, ClientError) as e:
        raise PodcastError([problem(root / SHOW_FILE, None, "deploy", f"{doing} failed: {e} (expected the "
                                    "storage service to answer; the live feed names only files that are "
                                    "there: run deploy again)")]) from None


def _upload(bucket: Bucket, plan: DeployPlan, progress: Progress, workers: int, threshold: int, part_size: int,
            root: Path) -> None:
    """Stage by stage: nothing of a stage starts before the one before it is wholly in the bucket."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for name, uploads in plan.stages():
            progress.stage("upload", len(uploads))
            futures = {pool.submit(bucket.upload, u, threshold=threshold, part_size=part_size): u for u in uploads}
            for future, upload in futures.items():
                with _storage_errors(root, f"uploading {upload.relpath} ({name})"):
                    future.result()
                progress.step(upload.relpath)
            progress.end()


def _check_online(feed_url: str) -> list[str]:
    """`validate --online` on the feed as deployed: what a listener's app fetches."""
    from feed_builder.validate.api import validate_bytes
    from feed_builder.validate.findings import Severity
    from feed_builder.validate.http import Client, FetchError
    from feed_builder.validate.report import text

    try:
        response = Client(timeout=10.0).request(feed_url)
    except FetchError as e:
        return [f"the deployed feed could not be fetched for checking: {e} (is base_url served from the bucket?)"]
    if not 200 <= response.status < 300:
        return [f"the deployed feed {feed_url} answered HTTP {response.status} (is base_url served from the bucket?)"]
    findings = validate_bytes(response.body, source=feed_url, feed_url=feed_url, online=True)
    excused = LOOPBACK_EXCUSED if is_loopback_http_url(feed_url) else frozenset()  # a test on this machine
    return [f"deployed feed: {text([f]).strip()} (a listener's app meets this now: check how base_url serves "
            "the bucket, then deploy again)" for f in findings if f.severity is Severity.ERROR and f.rule_id not in excused]
