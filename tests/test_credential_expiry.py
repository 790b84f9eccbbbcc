"""confluence_publish_credential_provider with a reported lifetime (``expires_in`` /
``expires_at``): renewed before it ends, so the server never sees the stale credential."""

from __future__ import annotations

import json
import sys
import time

import pytest
from connection_helpers import emulator_settings

from sphinxcontrib.confluencebuilder.errors import ConfluenceConfigError
from sphinxcontrib.confluencebuilder.rest import make_client


class RotatingVault:
    """Hands out the server's current PAT and says it lives ``lifetime`` seconds."""

    def __init__(self, server, lifetime: float) -> None:
        self.server = server
        self.lifetime = lifetime
        self.calls = 0

    def __call__(self) -> dict:
        self.calls += 1
        return {"token": self.server.pat, "expires_in": self.lifetime}


def test_expires_in_renews_before_the_server_refuses(confluence_emulator_factory):
    server = confluence_emulator_factory(mode="dc")
    vault = RotatingVault(server, lifetime=1)
    client = make_client(emulator_settings(server, publish_token=None,
                                           publish_credential_provider=vault))
    client.get_space("DOCS")
    assert vault.calls == 1
    server.creds.pat = "rotated-" + server.pat[:20]  # the old credential stops working
    time.sleep(1.1)  # past the reported lifetime (not a timing assertion)
    assert client.get_space("DOCS").key == "DOCS"
    assert vault.calls == 2
    # renewed before sending: the server never saw the stale token
    assert [r["status"] for r in server.requests] == [200, 200]


def test_a_long_lifetime_is_not_renewed(confluence_emulator_factory):
    server = confluence_emulator_factory(mode="dc")
    vault = RotatingVault(server, lifetime=3600)
    client = make_client(emulator_settings(server, publish_token=None,
                                           publish_credential_provider=vault))
    for _ in range(3):
        client.get_space("DOCS")
    assert vault.calls == 1


def test_command_printing_json_with_expires_at(confluence_emulator_factory, tmp_path):
    server = confluence_emulator_factory(mode="dc")
    script = tmp_path / "cli.py"
    line = f"print(json.dumps({{'token': {server.pat!r}, 'expires_at': time.time() - 5}}))"
    script.write_text("import json, time\n" + line + "\n", encoding="utf-8")
    client = make_client(emulator_settings(
        server, publish_token=None, publish_credential_provider=f"{sys.executable} {script}"))
    client.get_space("DOCS")
    client.get_space("DOCS")
    # already expired when printed: asked again before each request, never refused
    assert all(r["status"] == 200 for r in server.requests)


@pytest.mark.parametrize("bad", [{"token": "t", "expires_in": "soon"},
                                 {"token": "t", "expires_in": True},
                                 {"token": "t", "expires_at": [1]}])
def test_bad_lifetime_names_the_option(confluence_emulator_factory, bad):
    server = confluence_emulator_factory(mode="dc")
    with pytest.raises(ConfluenceConfigError) as caught:
        make_client(emulator_settings(server, publish_token=None,
                                      publish_credential_provider=lambda: bad))
    assert "confluence_publish_credential_provider" in str(caught.value)
    assert json.dumps(bad) not in str(caught.value)
