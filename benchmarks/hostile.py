"""Benchmark: what hostile answers cost the client (issue 17).

Usage: python benchmarks/hostile.py [--size-mib N] [--deadline S] [--answers N]

Against the bundled emulator it prints

* the peak memory (tracemalloc) of one request whose answer is ``--size-mib`` MiB,
  with the size cap at 1 MiB, and the wall-clock time until it was refused;
* the time a slow-loris answer (one byte every 0.2 s) takes to be cut off by a
  request deadline of ``--deadline`` seconds;
* the time to read ``--answers`` mutated answers (every read call, mutate=1.0).

Nothing is asserted: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from typing import Any

from sphinxcontrib.confluencebuilder import config
from sphinxcontrib.confluencebuilder.errors import ConfluenceError
from sphinxcontrib.confluencebuilder.rest import make_client
from sphinxcontrib.confluencebuilder.settings import from_config
from sphinxcontrib.confluencebuilder.testing.server import ConfluenceEmulator


def _client(server: ConfluenceEmulator, **options: Any) -> Any:
    return make_client(from_config(config.defaults(
        server_url=server.url, space_key="DOCS", cloud=True, server_user=server.user,
        api_token=server.api_token, publish_retry_attempts=0, **options)))


def oversize(size: int) -> None:
    with ConfluenceEmulator("cloud", oversize=size) as server:
        client = _client(server, response_size_limit=1 << 20)
        tracemalloc.start()
        started = time.monotonic()
        try:
            client.get_space("DOCS")
        except ConfluenceError as exc:
            outcome = exc.kind  # type: ignore[attr-defined]
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"oversize: {size / 2**20:.0f} MiB answer -> {outcome} after "
              f"{time.monotonic() - started:.2f} s; peak {peak / 2**20:.2f} MiB")


def slow_loris(deadline: float) -> None:
    with ConfluenceEmulator("cloud", slow_body=0.2) as server:
        client = _client(server, timeout=5, request_deadline=deadline)
        started = time.monotonic()
        try:
            client.get_space("DOCS")
        except ConfluenceError as exc:
            outcome = exc.kind  # type: ignore[attr-defined]
        print(f"slow loris: deadline {deadline:g} s -> {outcome} after "
              f"{time.monotonic() - started:.2f} s")


def mutated(answers: int) -> None:
    with ConfluenceEmulator("cloud", max_limit=2) as server:
        client = _client(server)
        space = client.get_space("DOCS")
        server.configure(mutate=1.0, seed=1)
        started = time.monotonic()
        outcomes: dict[str, int] = {}
        while server.counts()["faults"]["mutated"] < answers:
            for read in (lambda: client.list_pages(space), lambda: client.get_space("DOCS"),
                         lambda: client.current_user()):
                try:
                    read()
                    kind = "read"
                except ConfluenceError as exc:
                    kind = getattr(exc, "kind", type(exc).__name__)
                outcomes[kind] = outcomes.get(kind, 0) + 1
        done = server.counts()["faults"]["mutated"]
        print(f"mutated: {done} answers in {time.monotonic() - started:.2f} s; {outcomes}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=256)
    parser.add_argument("--deadline", type=float, default=2.0)
    parser.add_argument("--answers", type=int, default=1000)
    args = parser.parse_args()
    oversize(args.size_mib << 20)
    slow_loris(args.deadline)
    mutated(args.answers)


if __name__ == "__main__":
    main()
