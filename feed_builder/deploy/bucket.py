"""The bucket, through boto3: one listing, uploads with our headers, deletions, the deploy state.

boto3 is an optional extra, imported here only. Its client is set up for every S3-compatible
service, not only AWS: checksums only where an operation requires one (boto3's default CRC32
headers are refused by Cloudflare R2, Backblaze B2 and several MinIO versions), a Content-MD5 on
every body we send instead, and our SHA-256 in each object's metadata, because a multipart ETag is
no content hash (and R2's is not even AWS's form). Deletions go one key at a time: DeleteObjects
is an operation that requires a checksum, which boto3 now sends as CRC32.
"""
from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feed_builder.core.errors import PodcastError, problem
from feed_builder.deploy.plan import STATE, Remote, Upload
from feed_builder.deploy.settings import DeploySettings
from feed_builder.show.settings import SHOW_FILE

MULTIPART_THRESHOLD = 16 * 1024 * 1024
PART_SIZE = 8 * 1024 * 1024  # above S3's 5 MiB minimum; at most 10,000 parts: files up to 78 GiB
SHA256_KEY = "sha256"  # x-amz-meta-sha256
STATE_CACHE = "no-store"


@dataclass(frozen=True)
class Bucket:
    client: Any  # a boto3 S3 client; boto3 has no public type for it
    name: str
    prefix: str

    def key(self, relpath: str) -> str:
        return self.prefix + relpath

    def listing(self) -> dict[str, Remote]:
        """Every object under the prefix, by path relative to it: one request per 1,000 keys."""
        found = {}
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", ()):
                found[item["Key"][len(self.prefix):]] = Remote(item["Size"], item["ETag"].strip('"'))
        return found

    def stored_sha256(self, relpath: str) -> str | None:
        head = self.client.head_object(Bucket=self.name, Key=self.key(relpath))
        return head.get("Metadata", {}).get(SHA256_KEY)

    def state(self) -> dict[str, str]:
        """When each superseded file was first found so; lost or unreadable, the grace period
        simply starts again."""
        try:
            body = self.client.get_object(Bucket=self.name, Key=self.key(STATE))["Body"].read()
            data = json.loads(body)
        except self.client.exceptions.NoSuchKey:
            return {}
        except ValueError:
            return {}
        superseded = data.get("superseded") if isinstance(data, dict) else None
        return {k: v for k, v in superseded.items() if isinstance(v, str)} if isinstance(superseded, dict) else {}

    def write_state(self, superseded: Mapping[str, str]) -> None:
        body = json.dumps({"format": 1, "superseded": dict(sorted(superseded.items()))}, indent=1).encode()
        self.client.put_object(Bucket=self.name, Key=self.key(STATE), Body=body, ContentMD5=_md5(body),
                               ContentType="application/json", CacheControl=STATE_CACHE)

    def upload(self, upload: Upload, *, threshold: int = MULTIPART_THRESHOLD, part_size: int = PART_SIZE) -> None:
        headers = {"Bucket": self.name, "Key": self.key(upload.relpath),
                   "ContentType": upload.served.content_type, "CacheControl": upload.served.cache_control}
        if upload.size <= threshold:
            data = upload.path.read_bytes()
            self.client.put_object(**headers, Body=data, ContentMD5=_md5(data),
                                   Metadata={SHA256_KEY: hashlib.sha256(data).hexdigest()})
            return
        from feed_builder.core.digest import file_sha256

        started = self.client.create_multipart_upload(**headers, Metadata={SHA256_KEY: file_sha256(upload.path).hex()})
        upload_id = started["UploadId"]
        try:
            parts: list[dict[str, Any]] = []
            with open(upload.path, "rb") as file:
                while data := file.read(part_size):
                    number = len(parts) + 1
                    answer = self.client.upload_part(Bucket=self.name, Key=headers["Key"], UploadId=upload_id,
                                                     PartNumber=number, Body=data, ContentMD5=_md5(data))
                    parts.append({"PartNumber": number, "ETag": answer["ETag"]})
            self.client.complete_multipart_upload(Bucket=self.name, Key=headers["Key"], UploadId=upload_id,
                                                  MultipartUpload={"Parts": parts})
        except BaseException:
            self.client.abort_multipart_upload(Bucket=self.name, Key=headers["Key"], UploadId=upload_id)
            raise

    def delete(self, relpath: str) -> None:
        self.client.delete_object(Bucket=self.name, Key=self.key(relpath))


def _md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()


def open_bucket(root: Path, settings: DeploySettings, *, workers: int) -> Bucket:
    """A client for the target, with credentials and the bucket checked before anything is sent."""
    where = root / SHOW_FILE
    if settings.target is None:
        raise PodcastError([problem(where, None, "deploy.target", "missing (expected a [deploy] table with "
                                    'target = "s3://bucket-name/optional/prefix")')])
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise PodcastError([problem(where, None, "deploy", "needs boto3, which is not installed "
                                    "(expected: pip install 'podcast-publisher[deploy]')")]) from None
    session = boto3.session.Session() if boto3.DEFAULT_SESSION is None else boto3.DEFAULT_SESSION
    if session.get_credentials() is None:
        raise PodcastError([problem(where, None, "deploy", "no AWS credentials found (expected "
                                    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, or "
                                    "AWS_PROFILE naming a profile; never in the repository)")])
    config = Config(
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        retries={"mode": "standard", "max_attempts": 5},  # 5xx, throttling and dropped connections only
        max_pool_connections=workers + 2,
        connect_timeout=10,
        read_timeout=120,
        s3={"addressing_style": "path" if settings.endpoint_url else "auto"},
    )
    client = session.client("s3", endpoint_url=settings.endpoint_url, region_name=settings.region, config=config)
    bucket = Bucket(client, settings.bucket, settings.prefix)
    _check(bucket, where)
    return bucket


def _check(bucket: Bucket, where: Path) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        bucket.client.head_bucket(Bucket=bucket.name)
    except ClientError as e:
        code = e.response.get("Error", {}).get("Code", "")
        what = ("does not exist" if code in ("404", "NoSuchBucket") else
                "refuses these credentials" if code in ("403", "AccessDenied") else f"answered {code}")
        raise PodcastError([problem(where, None, "deploy.target", f"bucket {bucket.name!r} {what} (expected "
                                    "an existing bucket these credentials may write)")]) from None
    except BotoCoreError as e:
        raise PodcastError([problem(where, None, "deploy.endpoint_url", f"cannot reach the storage service: {e} "
                                    "(expected a reachable S3 endpoint)")]) from None
