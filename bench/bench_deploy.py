"""Requests and bytes of `podcast deploy` on a synthetic catalogue, against moto's S3 server on loopback.

Three deploys in a row: cold (empty bucket), no-op (nothing changed: the listing only), and one
edited episode. Requests are counted on the wire (botocore's before-send hook) by method; bytes are
the bodies sent. The catalogue is published first, outside the measurement.

    .venv/bin/python bench/bench_deploy.py --episodes 10000
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=10_000)
    args = parser.parse_args()

    import boto3
    from moto.server import ThreadedMotoServer

    from feed_builder.deploy.run import deploy
    from feed_builder.publish.decide import publish
    from make_catalogue import folder_name, make_catalogue

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.session.Session().client("s3", endpoint_url=endpoint).create_bucket(Bucket="bench")
    boto3.setup_default_session()
    counted: Counter[str] = Counter()

    def count(request, **_) -> None:  # type: ignore[no-untyped-def]
        counted[request.method] += 1
        counted["bytes"] += int(request.headers.get("Content-Length") or 0)

    assert boto3.DEFAULT_SESSION is not None
    boto3.DEFAULT_SESSION.events.register("before-send.s3", count)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "show"
        make_catalogue(root, args.episodes, 3.0)
        toml = root / "podcast.toml"
        toml.write_text(toml.read_text() + f'\n[deploy]\ntarget = "s3://bench/show"\nendpoint_url = "{endpoint}"\n')
        publish(root, root / "public")
        files = sum(1 for p in (root / "public").rglob("*") if p.is_file() and ".build" not in p.parts)

        def measure(name: str) -> None:
            counted.clear()
            started = time.perf_counter()
            report = deploy(root, check_online=False)
            wall = time.perf_counter() - started
            requests = sum(v for k, v in counted.items() if k != "bytes")
            print(f"{name:8} {len(report.plan.uploads):6} uploads {requests:6} requests "
                  f"({dict((k, v) for k, v in sorted(counted.items()) if k != 'bytes')}) "
                  f"{counted['bytes']:12,} bytes sent  {wall:6.1f} s wall (publish included)")

        print(f"{args.episodes} episodes, {files} published files")
        measure("cold")
        measure("no-op")
        episode = root / "episodes" / folder_name(args.episodes // 2) / "episode.md"
        episode.write_text(episode.read_text().replace("Synthetic Episode", "Edited Synthetic Episode", 1))
        measure("one edit")
    server.stop()


if __name__ == "__main__":
    main()
