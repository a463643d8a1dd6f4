"""Requests, bytes and wall time of `podcast deploy` on a synthetic catalogue, against moto's S3
server in its own process on loopback, with floors measured in the same run.

    .venv/bin/python bench/bench_deploy.py --episodes 10000 [--rtt 0]

Three deploys in a row: cold (empty bucket), no-op (nothing changed) and one edited episode.
Requests are counted on the wire (botocore's before-send hook) by method; bytes are the bodies
sent. The catalogue is published first, outside the measurement. Floors:
  no-op:    a bare paginated listing of the prefix (boto3, no processing) plus a no-op `publish`:
            what a deploy with nothing to do cannot avoid;
  uploads:  per upload stage, the slowest single transfer in it (timed from its first request to
            its last answer); stages run one after another by design (the order keeps the live
            feed whole), so the floor of a deploy's uploads is the sum of its stages' slowest.
`--rtt` delays each answer (a network round trip): on loopback, transfers are CPU-bound and
parallel uploads have no waits to overlap.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def start_server(rtt: float) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, str(REPO / "bench" / "s3_server.py"), str(port), "--rtt", str(rtt)])
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise SystemExit("the S3 server did not start")


class StageClock:
    """A Progress that times deploy's upload stages."""

    def __init__(self) -> None:
        self.walls: list[tuple[int, float]] = []  # (files, seconds) per upload stage, in order
        self._started: tuple[int, float] | None = None

    def stage(self, name: str, total: int) -> None:
        self._started = (total, time.perf_counter()) if name == "upload" else None

    def step(self, label: str) -> None:
        pass

    def end(self) -> None:
        if self._started is not None:
            self.walls.append((self._started[0], time.perf_counter() - self._started[1]))
            self._started = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=10_000)
    parser.add_argument("--rtt", type=float, default=0.0, help="milliseconds the server waits before each answer")
    args = parser.parse_args()

    import boto3

    from feed_builder.deploy.plan import STAGES
    from feed_builder.deploy.run import deploy
    from feed_builder.publish.decide import publish
    from make_catalogue import folder_name, make_catalogue

    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
    server, endpoint = start_server(args.rtt)
    boto3.session.Session().client("s3", endpoint_url=endpoint).create_bucket(Bucket="bench")
    boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    counted: Counter[str] = Counter()
    transfers: dict[str, float] = {}  # key -> seconds from its first request to its last answer
    local = threading.local()

    def count(request, **_) -> None:  # type: ignore[no-untyped-def]
        counted[request.method] += 1
        counted["bytes"] += int(request.headers.get("Content-Length") or 0)

    def begin(params, **_) -> None:  # type: ignore[no-untyped-def]
        local.key, local.started = params["Key"], time.perf_counter()

    def done(**_) -> None:  # type: ignore[no-untyped-def]
        transfers[local.key] = time.perf_counter() - local.started

    events = boto3.DEFAULT_SESSION.events
    events.register("before-send.s3", count)
    for operation in ("PutObject", "CreateMultipartUpload"):
        events.register(f"before-parameter-build.s3.{operation}", begin)
    for operation in ("PutObject", "CompleteMultipartUpload"):
        events.register(f"after-call.s3.{operation}", done)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "show"
        make_catalogue(root, args.episodes, 3.0)
        toml = root / "podcast.toml"
        toml.write_text(toml.read_text() + f'\n[deploy]\ntarget = "s3://bench/show"\nendpoint_url = "{endpoint}"\n')
        publish(root, root / "public")
        files = sum(1 for p in (root / "public").rglob("*") if p.is_file() and ".build" not in p.parts)

        def measure(name: str) -> float:
            counted.clear()
            transfers.clear()
            clock = StageClock()
            started = time.perf_counter()
            report = deploy(root, check_online=False, progress=clock)
            wall = time.perf_counter() - started
            requests = sum(v for k, v in counted.items() if k != "bytes")
            print(f"{name:8} {len(report.plan.uploads):6} uploads {requests:6} requests "
                  f"({dict((k, v) for k, v in sorted(counted.items()) if k != 'bytes')}) "
                  f"{counted['bytes']:13,} bytes sent  {wall:6.2f} s wall (its no-op publish included)")
            floor = 0.0
            for (stage, uploads), (n, seconds) in zip(report.plan.stages(), clock.walls):
                if not uploads:
                    continue
                took = [transfers[f"show/{u.relpath}"] for u in uploads]
                floor += max(took)
                print(f"         {stage:32} {n:6} files {seconds:7.2f} s; slowest transfer {max(took):6.3f} s, "
                      f"all one after another {sum(took):7.2f} s")
            if floor:
                uploading = sum(seconds for _, seconds in clock.walls)
                print(f"         uploads {uploading:.2f} s against the slowest transfer of each stage "
                      f"{floor:.3f} s: {uploading / floor:.2f}x")
            assert len(clock.walls) == len(STAGES)
            return wall

        print(f"{args.episodes} episodes, {files} published files, answers delayed {args.rtt:g} ms")
        measure("cold")
        noop = measure("no-op")
        started = time.perf_counter()
        lister = boto3.session.Session().client("s3", endpoint_url=endpoint)
        keys = sum(len(page.get("Contents", ())) for page in
                   lister.get_paginator("list_objects_v2").paginate(Bucket="bench", Prefix="show/"))
        listing = time.perf_counter() - started
        started = time.perf_counter()
        publish(root, root / "public")
        publishing = time.perf_counter() - started
        print(f"         floor: listing {keys} keys {listing:.2f} s + no-op publish {publishing:.2f} s; "
              f"no-op deploy {noop / (listing + publishing):.2f}x")
        episode = root / "episodes" / folder_name(args.episodes // 2) / "episode.md"
        episode.write_text(episode.read_text().replace("Synthetic Episode", "Edited Synthetic Episode", 1))
        measure("one edit")
    server.terminate()
    server.wait()


if __name__ == "__main__":
    main()
