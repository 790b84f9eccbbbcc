"""Cookie files as browsers and ``curl -c`` write them: session cookies (expiry 0) and
``#HttpOnly_`` lines are sent, so the documented cookie-file path passes an SSO gate."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
from connection_helpers import capture_logs, emulator_settings

from sphinxcontrib.confluencebuilder.rest import make_client
from sphinxcontrib.confluencebuilder.session import build_session

HEADER = "# Netscape HTTP Cookie File\n# https://curl.se/docs/http-cookies.html\n\n"


def _space_ok(settings) -> None:
    client = make_client(settings)
    try:
        assert client.get_space("DOCS").key == "DOCS"
    finally:
        client.close()


def test_cookies_txt_written_by_curl_passes_the_cookie_gate(confluence_emulator_factory,
                                                            tmp_path) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed (apt-get install curl)")
    server = confluence_emulator_factory(mode="dc", sso="header")
    jar = tmp_path / "cookies.txt"
    # log in through the gateway with curl, as a user would, keeping its cookie file
    done = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-c", str(jar),
         "-H", f"CF-Access-Client-Id: {server.creds.sso_client_id}",
         "-H", f"CF-Access-Client-Secret: {server.creds.sso_client_secret}",
         server.url + "rest/api/space"], capture_output=True, text=True, timeout=60,
        check=False)
    assert done.returncode == 0, done.stderr
    text = jar.read_text()
    assert "\t0\tCF_Authorization\t" in text  # a session cookie: expiry 0
    before = len(server.requests)
    # only the cookie (no gateway headers): the gate lets the publisher through
    _space_ok(emulator_settings(server, server_cookies=str(jar)))
    sent = server.requests[before:]
    assert sent and all(e["status"] == 200 for e in sent)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_session_cookie_lines_of_a_browser_export_are_sent(confluence_emulator_factory,
                                                           tmp_path, host) -> None:
    server = confluence_emulator_factory(mode="dc", sso="cookie", host=host)
    name, value = server.sso_cookie_name, server.sso_cookie
    jar = tmp_path / "cookies.txt"
    future = int(time.time()) + 3600
    jar.write_text(HEADER
                   + f"#HttpOnly_{host}\tFALSE\t/\tFALSE\t0\t{name}\t{value}\n"
                   + f".example.org\tTRUE\t/\tTRUE\t{future}\tOTHER\tnot-for-us\n")
    session = build_session(emulator_settings(server, server_cookies=str(jar)))
    assert [c.name for c in session.cookies if c.name == name] == [name]
    _space_ok(emulator_settings(server, server_cookies=str(jar)))
    # the cookie of another site stays in the jar, it is never sent here
    assert all("not-for-us" not in str(e["headers"]) for e in server.requests)


def test_an_expired_cookie_is_named_in_a_warning(confluence_emulator_factory, tmp_path,
                                                 caplog) -> None:
    server = confluence_emulator_factory(mode="dc", sso="cookie")
    jar = tmp_path / "cookies.txt"
    jar.write_text(HEADER + f"127.0.0.1\tFALSE\t/\tFALSE\t1000\tJSESSIONID\t{server.sso_cookie}\n")
    with capture_logs() as lines:
        build_session(emulator_settings(server, server_cookies=str(jar)))
    text = "\n".join(lines)
    assert "'JSESSIONID'" in text and "has expired" in text
    assert server.sso_cookie not in text
