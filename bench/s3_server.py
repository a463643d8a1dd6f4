"""moto's S3 server in its own process, optionally answering each request `--rtt` ms late.

    python bench/s3_server.py PORT [--rtt MS]

In its own process the server's Python does not share the client's interpreter lock, as a real
service would not. The delay stands in for a network round trip: on loopback every transfer is
CPU-bound, and whether parallel uploads overlap their waits cannot be seen.
"""
from __future__ import annotations

import argparse
import logging
import time
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int)
    parser.add_argument("--rtt", type=float, default=0.0, help="milliseconds added before each answer")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    moto = DomainDispatcherApplication(create_backend_app)

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        time.sleep(args.rtt / 1000)
        return moto(environ, start_response)

    make_server("127.0.0.1", args.port, app, threaded=True).serve_forever()


if __name__ == "__main__":
    main()
