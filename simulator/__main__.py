"""`python -m simulator [--host H] [--port P]`: the local Messenger simulator for `make demo`."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from simulator.app import create_app
from simulator.serve import serve
from simulator.settings import SimulatorSettings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SIMULATOR_PORT") or 8090))
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = SimulatorSettings.from_env()
    for warning in settings.warnings():
        print(f"simulator: warning: {warning}", file=sys.stderr, flush=True)
    serve(create_app(settings), args.host, args.port, "simulator listening on {url}")


if __name__ == "__main__":
    main()
