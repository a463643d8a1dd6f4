"""A real S3 API on loopback for the deploy tests (moto's server mode), and what the client sent.

The emulator accepts what real services refuse (CRC32 checksum headers, a wrong Content-MD5), so
the tests also look at every request boto3 actually sends, through botocore's event hooks on the
default session, which `podcast deploy` uses.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import boto3
import pytest
from lxml import etree
from moto.server import ThreadedMotoServer

PREFIX = "4min"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret",
               "AWS_DEFAULT_REGION": "us-east-1"}


@dataclass(frozen=True)
class Sent:
    method: str
    key: str  # path after the bucket, unquoted
    query: str
    headers: dict[str, str]  # lowercase names


@pytest.fixture(scope="session")
def endpoint() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(endpoint: str, monkeypatch: pytest.MonkeyPatch):
    """A client of our own (not the recorded default session) on a fresh bucket."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    client = boto3.session.Session().client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.bucket = f"show-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=client.bucket)
    return client


@pytest.fixture
def sent(s3, monkeypatch: pytest.MonkeyPatch) -> list[Sent]:
    """Every request deploy sends, in order, as it went on the wire."""
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    boto3.setup_default_session()
    requests: list[Sent] = []

    def record(request, **_) -> None:
        parts = urlsplit(request.url)
        key = unquote(parts.path).split("/", 2)[2] if parts.path.count("/") >= 2 else ""
        requests.append(Sent(request.method, key, parts.query, {k.lower(): (v.decode() if isinstance(v, bytes) else v)
                                                                 for k, v in request.headers.items()}))

    boto3.DEFAULT_SESSION.events.register("before-send.s3", record)
    return requests


def configure(root: Path, endpoint: str, bucket: str, extra: str = "") -> None:
    toml = root / "podcast.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + f'\n[deploy]\ntarget = "s3://{bucket}/{PREFIX}"\n'
                    f'endpoint_url = "{endpoint}"\nregion = "us-east-1"\n{extra}', encoding="utf-8")


def objects(s3, prefix: str = PREFIX + "/") -> dict[str, bytes]:
    """What the bucket holds under the prefix, read back through the S3 API."""
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=s3.bucket, Prefix=prefix)
            for o in page.get("Contents", ())]
    return {k[len(prefix):]: s3.get_object(Bucket=s3.bucket, Key=k)["Body"].read() for k in keys}


PUBLISHED = ("audio/", "transcripts/", "chapters/", "images/", "feed")


def assert_live_feed_resolves(s3, base_url: str) -> None:
    """Every URL the live feed (and each page it links) names is an object in the bucket, each
    enclosure with its exact length: what an app that fetched the feed now would download."""
    held = {k: len(v) for k, v in objects(s3).items()}
    assert "feed.xml" in held
    pages, seen = ["feed.xml"], set()
    while pages:
        page = pages.pop()
        seen.add(page)
        root = etree.fromstring(s3.get_object(Bucket=s3.bucket, Key=f"{PREFIX}/{page}")["Body"].read())
        for element in root.iter():
            for attribute in ("url", "href"):
                url = element.get(attribute)
                if not url or not url.startswith(base_url + "/"):
                    continue
                relpath = url[len(base_url) + 1:]
                if not relpath.startswith(PUBLISHED):
                    continue
                assert relpath in held, f"{page}: {url} is not in the bucket"
                if element.tag == "enclosure":
                    assert held[relpath] == int(element.get("length")), url
                if relpath.startswith("feed") and relpath not in seen:
                    pages.append(relpath)
