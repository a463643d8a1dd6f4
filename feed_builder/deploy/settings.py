"""`[deploy]` and `[notify]` in podcast.toml: where `podcast deploy` puts `public/`, and whom it tells.

Neither table changes a published file except the channel: the hubs that are pinged are advertised
in the feed (`atom:link rel="hub"`), and so is podping. Credentials are never read from here: a
show's repository is public, so keys come only from the standard AWS chain (environment, profile).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from feed_builder.show.fields import Fields
from feed_builder.show.spec import Field, Kind, Section

# S3's rules for a bucket name that works with both path and virtual-host addressing.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_PREFIX_PART = re.compile(r"[A-Za-z0-9._~-]+")
_REGION = re.compile(r"[a-z0-9-]{1,40}")


@dataclass(frozen=True)
class NotifySettings:
    websub_hubs: tuple[str, ...] = ()
    podcast_index: bool = False
    podping: bool = False


@dataclass(frozen=True)
class DeploySettings:
    target: str | None = None  # s3://bucket/optional/prefix; None: this show is not deployed
    endpoint_url: str | None = None  # any S3-compatible service; None: AWS
    region: str | None = None
    max_deletes: int = 256
    grace_days: int = 30  # removed files stay this long: apps holding the old feed still fetch them
    notify: NotifySettings = field(default_factory=NotifySettings)

    @property
    def bucket(self) -> str:
        return urlsplit(self.target or "").netloc

    @property
    def prefix(self) -> str:
        """Every key deploy writes, lists or deletes starts with this ("" or "path/")."""
        path = urlsplit(self.target or "").path.strip("/")
        return f"{path}/" if path else ""


DEPLOY_FIELDS: Section = {
    "target": Field(Kind.TEXT, "s3://bucket-name or s3://bucket-name/prefix: where public/ goes."),
    "endpoint_url": Field(Kind.TEXT, "An S3-compatible service's address, https://host or http://host:port "
                          "(default: AWS)."),
    "region": Field(Kind.TEXT, "The bucket's region, such as us-east-1 or auto.", pattern=_REGION.pattern,
                    mismatch="is not a region name (expected e.g. us-east-1 or auto)"),
    "max_deletes": Field(Kind.INTEGER, "Refuse a deploy that would delete more files than this (default 256).",
                         minimum=0),
    "grace_days": Field(Kind.INTEGER, "Days a removed file stays, for apps holding the old feed (default 30).",
                        minimum=0, maximum=3650),
}
NOTIFY_FIELDS: Section = {
    "websub_hubs": Field(Kind.URLS, "WebSub hubs pinged after a deploy, and advertised in the feed.",
                         mismatch="is not a hub URL (expected https://host/path)"),
    "podcast_index": Field(Kind.FLAG, "Tell the Podcast Index the feed changed (default false)."),
    "podping": Field(Kind.FLAG, "Announce the new feed with podping, and say so in the feed (default false)."),
}


def read_deploy(f: Fields) -> DeploySettings:
    """The `[deploy]` and `[notify]` tables of podcast.toml, problems recorded in `f`."""
    d = f.sub("deploy", _table(f, "deploy"), DEPLOY_FIELDS)
    target = d.text("target")
    if target is not None and not _is_target(target):
        d.fail("target", f"{target!r} is not an S3 location (expected s3://bucket-name or "
                         "s3://bucket-name/prefix, with a lowercase bucket name and no empty, . or .. folders)")
        target = None
    endpoint = d.text("endpoint_url")
    if endpoint is not None and not _is_endpoint(endpoint):
        d.fail("endpoint_url", f"{endpoint!r} is not a service address (expected https://host or "
                               "http://host:port, without a path)")
        endpoint = None
    region = d.text("region")
    max_deletes = d.integer("max_deletes")
    grace_days = d.integer("grace_days")
    return DeploySettings(
        target=target,
        endpoint_url=endpoint,
        region=region,
        max_deletes=256 if max_deletes is None else max_deletes,
        grace_days=30 if grace_days is None else grace_days,
        notify=_notify(f),
    )


def _notify(f: Fields) -> NotifySettings:
    n = f.sub("notify", _table(f, "notify"), NOTIFY_FIELDS)
    return NotifySettings(
        websub_hubs=n.urls("websub_hubs", lambda hub: _is_endpoint(hub, path=True)),
        podcast_index=n.flag("podcast_index", False),
        podping=n.flag("podping", False),
    )


def _table(f: Fields, key: str) -> dict:
    value = f.data.get(key, {})
    if not isinstance(value, dict):
        f.fail(key, f"is not a table (expected a [{key}] section)")
        return {}
    return value


def _is_target(value: str) -> bool:
    parts = urlsplit(value)
    folders = parts.path.strip("/").split("/") if parts.path.strip("/") else []
    return (parts.scheme == "s3" and bool(_BUCKET.fullmatch(parts.netloc)) and ".." not in parts.netloc
            and not parts.query and not parts.fragment and "//" not in parts.path.strip("/")
            and all(_PREFIX_PART.fullmatch(p) and p not in (".", "..") for p in folders))


def _is_endpoint(value: str, *, path: bool = False) -> bool:
    """http is allowed: a MinIO or a test server on the local network has no certificate."""
    if any(c.isspace() or not c.isprintable() or ord(c) > 127 for c in value):
        return False
    try:
        parts = urlsplit(value)
        port_ok = parts.port != 0
    except ValueError:
        return False
    return (parts.scheme in ("http", "https") and bool(parts.hostname) and port_ok
            and not parts.query and not parts.fragment and (path or parts.path in ("", "/")))
