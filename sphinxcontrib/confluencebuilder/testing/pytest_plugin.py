"""pytest plugin with running Confluence emulators.

Enable it with ``pytest_plugins = ["sphinxcontrib.confluencebuilder.testing.pytest_plugin"]``.

* ``confluence_emulator``: a fresh, running Cloud emulator per test.
* ``confluence_emulator_factory``: call it with the constructor's keyword arguments to get
  more (DC, SSO, faults ...); every server it started is stopped at teardown.

At teardown, an exception raised inside the emulator while answering a request (which the
client only saw as a 500) is re-raised, so a server bug fails the test that hit it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .server import ConfluenceEmulator

EmulatorFactory = Callable[..., ConfluenceEmulator]


def _raise_recorded(servers: list[ConfluenceEmulator]) -> None:
    for server in servers:
        if server.errors:
            first = server.errors[0]
            raise AssertionError(
                f"the Confluence emulator ({server.mode}) failed while answering a request "
                f"({len(server.errors)} error(s)); first: {first!r}") from first


@pytest.fixture
def confluence_emulator_factory() -> Iterator[EmulatorFactory]:
    started: list[ConfluenceEmulator] = []
    origins: list[str] = []

    def make(**kwargs: Any) -> ConfluenceEmulator:
        server = ConfluenceEmulator(**kwargs)
        server.start()
        started.append(server)
        origins.append(server.origin)
        return server

    yield make
    from ..rest.ratelimit import forget_limiter

    for server in started:
        server.stop()
    for origin in origins:
        # the client keeps one rate limiter per server address for the whole process;
        # a later server on the same port must not inherit this one's waits
        forget_limiter(origin)
    _raise_recorded(started)


@pytest.fixture
def confluence_emulator(confluence_emulator_factory: EmulatorFactory) -> ConfluenceEmulator:
    return confluence_emulator_factory(mode="cloud")
