"""Nothing secret or live is pickled: tokens, passwords, cookies and injected headers from
conf.py or the environment never land in a file under the output or doctree directory
(nor in the -vv event trace), and objects defined in conf.py (a requests auth class)
build and publish. ``publish OUTDIR`` takes its secrets from the environment at publish
time."""

from __future__ import annotations

import json
import pickle
import re

from hostile_helpers import build, find_secrets, make_project, scan_tree
from publish_helpers import current_pages

from sphinxcontrib.confluencebuilder.publisher.command import main as publish_main

HEADER_SECRET = "Gw-Header-Secret-Value-0x5EC"
COOKIE_SECRET = "Cookie-Secret-Value-C00K1E"
DASH_D_SECRET = "dash-D-client-cert-pass-ZZ9"


def _conf(server) -> str:
    # the token comes from the environment, headers and cookies from conf.py and the
    # client certificate passphrase from -D
    return (f"confluence_publish = True\nconfluence_server_url = {server.url!r}\n"
            f"confluence_server_user = {server.user!r}\n"
            f"confluence_publish_headers = {{'X-Gateway-Key': {HEADER_SECRET!r}}}\n"
            f"confluence_server_cookies = {{'GATESESSION': {COOKIE_SECRET!r}}}\n")


def _event_trace_cut(status: str, event: str) -> bool:
    """Whether Sphinx cut the arguments of ``event`` in its -vv trace (Sphinx 8.0 prints
    only their first 100 characters, so the configuration's later options do not show)."""
    marker = f"emitting event: {event!r}"
    line = next(line for line in status.splitlines() if marker in line)
    args = re.sub(r"\x1b\[[0-9;]*m", "", line.split(marker, 1)[1]).rstrip()
    return len(args) <= 100


def test_no_secret_in_any_file_of_the_build_or_the_vv_trace(confluence_emulator, tmp_path,
                                                            monkeypatch) -> None:
    server = confluence_emulator
    monkeypatch.setenv("CONFLUENCE_API_TOKEN", server.api_token)
    src = make_project(tmp_path, _conf(server))
    out = tmp_path / "out"
    first = build(src, out, verbosity=2, confluence_client_cert_pass=DASH_D_SECRET)
    # the build published, and Sphinx's -vv event trace printed the configuration
    assert "Page1" in current_pages(server.state)
    assert "emitting event: 'config-inited'" in first.status
    if not _event_trace_cut(first.status, "config-inited"):
        assert "confluence_publish_headers=<redacted>" in first.status
    # a dry run of the same project writes confluence-plan.json into the same directory
    second = build(src, out, verbosity=2, confluence_publish_dryrun="1",
                   confluence_client_cert_pass=DASH_D_SECRET)
    assert (out / "confluence-plan.json").is_file()
    assert (out / ".doctrees" / "environment.pickle").is_file()
    assert (out / "scb-manifest.json").is_file() and list(out.glob("*.meta.json"))
    secrets = [server.api_token, HEADER_SECRET, COOKIE_SECRET, DASH_D_SECRET]
    assert scan_tree(tmp_path / "out", secrets) == {}
    for result in (first, second):
        assert find_secrets(result.status + result.warning, secrets) == []
    # the pickled configuration still loads, without the live values
    with open(out / ".doctrees" / "environment.pickle", "rb") as handle:
        env = pickle.load(handle)
    assert type(env.config).__name__ == "Config"
    assert env.config.confluence_publish_headers is None
    assert env.config.confluence_server_user == server.user  # ordinary values stay


NEGOTIATE_CONF = """
import requests.auth

class NegotiateAuth(requests.auth.AuthBase):
    '''The documented Kerberos pattern: a ticket in an Authorization header.'''

    def __init__(self, ticket):
        self.ticket = ticket

    def __call__(self, request):
        request.headers['Authorization'] = 'Negotiate ' + self.ticket
        return request

confluence_server_auth = NegotiateAuth({ticket!r})
confluence_publish = True
confluence_server_url = {url!r}
"""


def test_auth_class_defined_in_conf_py_builds_and_publishes(confluence_emulator_factory,
                                                            tmp_path) -> None:
    server = confluence_emulator_factory(mode="dc", sso="negotiate")
    ticket = server.creds.negotiate_token
    src = make_project(tmp_path, NEGOTIATE_CONF.format(ticket=ticket, url=server.url))
    out = tmp_path / "out"
    build(src, out)  # no PicklingError
    pages = current_pages(server.state)
    assert {"Home", "Page1"} <= set(pages)
    (src / "page1.rst").write_text("Page1\n=====\n\nChanged.\n", encoding="utf-8")
    build(src, out, fresh=False)  # the incremental build reloads the pickle and publishes
    assert "Changed." in (current_pages(server.state)["Page1"].body or "")
    assert scan_tree(out, [ticket]) == {}


def test_publish_outdir_takes_secrets_from_the_environment(confluence_emulator, tmp_path,
                                                           monkeypatch, capsys) -> None:
    server = confluence_emulator
    conf = (f"confluence_server_url = {server.url!r}\n"
            f"confluence_server_user = {server.user!r}\n")
    src = make_project(tmp_path, conf)
    out = tmp_path / "out"
    monkeypatch.setenv("CONFLUENCE_API_TOKEN", server.api_token)
    monkeypatch.setenv("CONFLUENCE_PUBLISH_HEADERS", json.dumps({"X-Gateway-Key": HEADER_SECRET}))
    build(src, out)  # builds only (confluence_publish is off)
    assert current_pages(server.state).get("Home") is None
    assert scan_tree(out, [server.api_token, HEADER_SECRET]) == {}
    assert publish_main([str(out), "--work-dir", str(src)]) == 0
    assert {"Home", "Page1"} <= set(current_pages(server.state))
    captured = capsys.readouterr()
    assert find_secrets(captured.out + captured.err, [server.api_token, HEADER_SECRET]) == []
    # the request really carried the header taken from the environment
    assert any(entry.get("headers", {}).get("X-Gateway-Key") for entry in server.requests)


def test_sealed_config_pickles_as_plain_config_without_live_values() -> None:
    from sphinx.config import Config

    from sphinxcontrib.confluencebuilder.liveconfig import seal

    class Ticket:  # defined in a function: pickling it would fail
        pass

    config = Config({"confluence_api_token": "tok-123456", "project": "P"}, {})
    config.add("confluence_api_token", None, "", ())
    config.add("confluence_server_auth", None, "", ())
    config.add("confluence_space_key", None, "", ())
    config.confluence_server_auth = Ticket()
    config.confluence_space_key = "DOCS"
    seal(config, {"confluence_api_token", "confluence_server_auth"})
    seal(config, {"confluence_api_token"})  # sealing again keeps what was sealed
    assert config.confluence_api_token == "tok-123456"  # the running process reads it
    text = repr(config)
    assert "confluence_api_token=<redacted>" in text and "tok-123456" not in text
    assert "confluence_space_key='DOCS'" in text
    data = pickle.dumps(config, pickle.HIGHEST_PROTOCOL)
    assert b"tok-123456" not in data and b"liveconfig" not in data
    loaded = pickle.loads(data)
    assert type(loaded) is Config
    assert loaded.confluence_api_token is None and loaded.confluence_server_auth is None
    assert loaded.confluence_space_key == "DOCS"
