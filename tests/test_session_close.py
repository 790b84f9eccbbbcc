"""The session build_session makes closes with everything it opened, also in ``with``.

Against the emulator over real HTTP: a session carrying OAuth 2.0 client credentials
holds a second session (the token fetcher); closing the session, or leaving its ``with``
block, closes the fetcher's connections too.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_oauth2 import oauth_options

from sphinxcontrib.confluencebuilder import config
from sphinxcontrib.confluencebuilder.oauth2 import OAuth2ClientCredentials, forget_caches
from sphinxcontrib.confluencebuilder.session import build_session
from sphinxcontrib.confluencebuilder.settings import from_config


@pytest.fixture(autouse=True)
def _fresh_token_caches() -> Any:
    forget_caches()
    yield
    forget_caches()


def _open_pools(session: Any) -> int:
    return sum(len(adapter.poolmanager.pools) for adapter in session.adapters.values())


def _oauth_session(server: Any) -> Any:
    settings = from_config(config.defaults(**oauth_options(server, cloud=False)))
    return build_session(settings)


def test_closing_the_session_closes_the_token_fetcher(confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="dc")
    session = _oauth_session(server)
    auth = session.auth
    assert isinstance(auth, OAuth2ClientCredentials)
    answer = session.get(server.url + "rest/api/space/DOCS", timeout=30)
    assert answer.status_code == 200
    assert _open_pools(auth.fetcher) == 1 and _open_pools(session) == 1
    session.close()
    assert _open_pools(auth.fetcher) == 0 and _open_pools(session) == 0


def test_the_session_works_in_a_with_block(confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="dc")
    with _oauth_session(server) as session:
        assert session.get(server.url + "rest/api/space/DOCS", timeout=30).status_code == 200
        fetcher = session.auth.fetcher
        assert _open_pools(fetcher) == 1
    assert _open_pools(fetcher) == 0 and _open_pools(session) == 0
