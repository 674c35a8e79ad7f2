"""``python -m backends.replay``: serve the corpus (see :mod:`backends.replay`)."""

from __future__ import annotations

import argparse
import contextlib
import time

from backends.replay.server import ReplayLLM


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m backends.replay", description="Serve vLLM/gpt-oss failure replays."
    )
    parser.add_argument("--port", type=int, default=8100, help="0 for a free port")
    parser.add_argument("--case", help="serve this case to requests without X-Replay-Case")
    parser.add_argument("--corpus", help="a directory of case files (default: the shipped one)")
    parser.add_argument("--fail-rate", type=float, help="fail this share of requests with a 500")
    parser.add_argument("--seed", type=int, help="random seed for --fail-rate")
    args = parser.parse_args(argv)
    server = ReplayLLM(
        corpus=args.corpus, case=args.case, fail_rate=args.fail_rate, seed=args.seed, port=args.port
    )
    server.start()
    print(server.base_url, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            time.sleep(3600)
    server.stop()


if __name__ == "__main__":
    main()
