"""The emulator's HTTP shell: modes and base paths, admin paths, log, persistence, TLS."""

from __future__ import annotations

import json
import socket

import pytest
import requests
from tls_helpers import make_ca_and_cert

from sphinxcontrib.confluencebuilder.testing import ConfluenceEmulator
from sphinxcontrib.confluencebuilder.testing import server as server_module


def _cloud_auth(server: ConfluenceEmulator) -> tuple[str, str]:
    return (server.user, server.api_token)


def test_cloud_urls_and_api_roots(confluence_emulator: ConfluenceEmulator) -> None:
    s = confluence_emulator
    assert s.url == f"http://127.0.0.1:{s.port}/wiki/"
    assert s.origin == f"http://127.0.0.1:{s.port}"
    v1 = requests.get(s.url + "rest/api/space/DOCS", auth=_cloud_auth(s), timeout=5)
    assert v1.status_code == 200
    assert v1.json()["key"] == "DOCS"
    assert v1.headers["Content-Type"].startswith("application/json")
    assert v1.headers["Server"] == "AtlassianEdge"
    assert "Atl-Request-Id" in v1.headers
    v2 = requests.get(s.url + "api/v2/spaces", params={"keys": "DOCS"}, auth=_cloud_auth(s),
                      timeout=5)
    assert v2.status_code == 200
    assert [sp["key"] for sp in v2.json()["results"]] == ["DOCS"]
    # the DC-only manifest does not exist on Cloud
    assert requests.get(s.url + "rest/applinks/1.0/manifest", timeout=5).status_code == 404


def test_cloud_tenant_info_and_gateway_forms(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="cloud", scoped_token=True)
    tenant = requests.get(s.origin + "/_edge/tenant_info", timeout=5)
    assert tenant.json() == {"cloudId": s.cloud_id}
    auth = (s.user, s.api_token)
    for root in (f"/ex/confluence/{tenant.json()['cloudId']}/wiki",
                 f"/ex/confluence/{s.cloud_id}"):
        rsp = requests.get(s.origin + root + "/api/v2/spaces?keys=DOCS", auth=auth, timeout=5)
        assert rsp.status_code == 200, root
        assert rsp.json()["results"][0]["key"] == "DOCS"
        rsp = requests.get(s.origin + root + "/rest/api/space/DOCS", auth=auth, timeout=5)
        assert rsp.status_code == 200, root
    wrong = requests.get(s.origin + "/ex/confluence/not-my-site/wiki/api/v2/spaces", auth=auth,
                         timeout=5)
    assert wrong.status_code == 404


def test_dc_context_path_manifest_and_no_v2(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc", context_path="/confluence")
    assert s.url == f"http://127.0.0.1:{s.port}/confluence/"
    rsp = requests.get(s.url + "rest/api/space/DOCS", headers={"Authorization": f"Bearer {s.pat}"},
                       timeout=5)
    assert rsp.status_code == 200
    assert rsp.headers["X-AUSERNAME"] == s.user
    xml = requests.get(s.url + "rest/applinks/1.0/manifest", timeout=5)
    assert xml.status_code == 200 and xml.headers["Content-Type"].startswith("application/xml")
    assert "<typeId>confluence</typeId>" in xml.text and "<version>8.5.4</version>" in xml.text
    js = requests.get(s.url + "rest/applinks/1.0/manifest",
                      headers={"Accept": "application/json"}, timeout=5).json()
    assert js["typeId"] == "confluence" and js["version"] and js["buildNumber"]
    v2 = requests.get(s.url + "api/v2/spaces", headers={"Authorization": f"Bearer {s.pat}"},
                      timeout=5)
    assert v2.status_code == 404 and "text/html" in v2.headers["Content-Type"]
    outside = requests.get(s.origin + "/rest/api/space/DOCS", timeout=5)
    assert outside.status_code == 404  # outside the context path
    assert requests.get(s.origin + "/_edge/tenant_info", timeout=5).status_code == 404


def test_unknown_paths_are_404(confluence_emulator: ConfluenceEmulator) -> None:
    s = confluence_emulator
    html = requests.get(s.origin + "/nowhere", timeout=5)
    assert html.status_code == 404 and "text/html" in html.headers["Content-Type"]
    api = requests.get(s.url + "rest/api/nowhere", auth=_cloud_auth(s), timeout=5)
    assert api.status_code == 404
    assert api.json()["statusCode"] == 404


def test_malformed_json_and_multipart_are_400(confluence_emulator: ConfluenceEmulator) -> None:
    s = confluence_emulator
    bad = requests.post(s.url + "rest/api/content", data=b'{"type": "page", ',
                        headers={"Content-Type": "application/json"}, auth=_cloud_auth(s),
                        timeout=5)
    assert bad.status_code == 400
    body = bad.json()
    assert body["statusCode"] == 400 and "BadRequestException" in body["message"]
    bad_v2 = requests.post(s.url + "api/v2/pages", data=b"[1,", auth=_cloud_auth(s),
                           headers={"Content-Type": "application/json"}, timeout=5)
    assert bad_v2.status_code == 400
    assert bad_v2.json()["errors"][0]["status"] == 400
    home = s.state.spaces["DOCS"].homepage_id
    url = s.url + f"rest/api/content/{home}/child/attachment"
    broken = requests.post(url, data=b"--xyz\r\nnot terminated", auth=_cloud_auth(s), timeout=5,
                           headers={"Content-Type": "multipart/form-data; boundary=xyz",
                                    "X-Atlassian-Token": "no-check"})
    assert broken.status_code == 400 and "multipart" in broken.json()["message"]
    xsrf = requests.post(url, files={"file": ("a.txt", b"hi")}, auth=_cloud_auth(s), timeout=5)
    assert xsrf.status_code == 403 and xsrf.text == "XSRF check failed"
    ok = requests.post(url, files={"file": ("a.txt", b"hi")}, auth=_cloud_auth(s), timeout=5,
                       headers={"X-Atlassian-Token": "no-check"})
    assert ok.status_code == 200, ok.text


def test_handler_exception_is_500_and_recorded(confluence_emulator_factory,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    s = confluence_emulator_factory()

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("handler bug")

    monkeypatch.setattr(server_module, "dispatch", explode)
    rsp = requests.get(s.url + "rest/api/space/DOCS", auth=_cloud_auth(s), timeout=5)
    assert rsp.status_code == 500
    assert [str(e) for e in s.errors] == ["handler bug"]
    s.errors.clear()  # handled here; the plugin would otherwise fail this test


def test_request_log_masks_secrets_and_counts(confluence_emulator: ConfluenceEmulator) -> None:
    s = confluence_emulator
    headers = {"Cookie": "JSESSIONID=secret-cookie", "CF-Access-Client-Secret": "gate-secret",
               "X-Gateway-Key": "custom-secret", "X-Custom": "visible",
               "X-Atlassian-Token": "no-check"}
    for _ in range(2):
        requests.get(s.url + "rest/api/space/DOCS", auth=_cloud_auth(s), headers=headers,
                     timeout=5)
    requests.get(s.url + "rest/api/space/NOPE", auth=_cloud_auth(s), timeout=5)
    log = s.requests
    assert [e["status"] for e in log] == [200, 200, 404]
    dumped = json.dumps(log)
    for secret in (s.api_token, "secret-cookie", "gate-secret", "custom-secret"):
        assert secret not in dumped
    first = log[0]
    assert first["method"] == "GET" and first["path"] == "/wiki/rest/api/space/DOCS"
    assert first["headers"]["Authorization"] == "Basic ********"
    assert first["headers"]["X-Custom"] == "visible"
    assert first["headers"]["X-Atlassian-Token"] == "no-check"
    counts = s.counts()
    assert counts["endpoints"]["GET v1 /space/DOCS"] == 2
    assert counts["statuses"] == {200: 2, 404: 1}


def test_admin_paths_bypass_auth_and_reset(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(sso="saml-redirect", rate_limit=1, rate_burst=1)
    s.state.create_page("DOCS", "Child", parent_id=s.state.spaces["DOCS"].homepage_id)
    admin = s.origin + "/__emulator__/"
    tree = requests.get(admin + "tree", timeout=5).json()
    assert tree["pages"][0]["children"][0]["title"] == "Child"
    assert tree == s.tree()
    requests.get(s.url + "rest/api/space/DOCS", allow_redirects=False, timeout=5)
    assert requests.get(admin + "counts", timeout=5).json()["statuses"] == {"302": 1}
    assert len(requests.get(admin + "requests", timeout=5).json()) == 1
    assert "DOCS" in {sp["key"] for sp in requests.get(admin + "state", timeout=5).json()
                      ["spaces"]}
    assert requests.get(admin + "reset", timeout=5).status_code == 405
    assert requests.post(admin + "reset", timeout=5).json() == {"reset": True}
    assert s.tree()["pages"][0]["children"] == [] and s.requests == []
    conf = requests.post(admin + "configure", json={"sso": None, "rate_limit": None}, timeout=5)
    assert conf.status_code == 200 and conf.json()["sso"] is None
    assert requests.post(admin + "configure", json={"bogus": 1}, timeout=5).status_code == 400
    ok = requests.get(s.url + "rest/api/space/DOCS", auth=_cloud_auth(s), timeout=5)
    assert ok.status_code == 200


def test_persistence_round_trip(tmp_path, confluence_emulator_factory) -> None:
    store = tmp_path / "site.json"
    first = confluence_emulator_factory(mode="dc", persist=store)
    page = first.state.create_page("DOCS", "Kept across restarts")
    rsp = requests.post(first.origin + "/__emulator__/save", timeout=5)
    assert rsp.status_code == 200 and store.exists()
    first.stop()
    second = confluence_emulator_factory(mode="dc", persist=store)
    again = second.state.get_content(page.id)
    assert again.title == "Kept across restarts"
    rsp = requests.get(second.url + f"rest/api/content/{page.id}",
                       headers={"Authorization": f"Bearer {second.pat}"}, timeout=5)
    assert rsp.status_code == 200 and rsp.json()["title"] == "Kept across restarts"


def test_stop_closes_keep_alive_connections(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory()
    session = requests.Session()
    assert session.get(s.url + "rest/api/user/current", timeout=5).status_code == 200
    port = s.port
    s.stop()
    with pytest.raises(requests.ConnectionError):
        session.get(f"http://127.0.0.1:{port}/wiki/rest/api/user/current", timeout=2)


def test_https_with_given_certificate(tmp_path, confluence_emulator_factory) -> None:
    ca, cert, key = make_ca_and_cert(tmp_path)
    s = confluence_emulator_factory(mode="dc", tls=(str(cert), str(key)))
    assert s.url.startswith("https://127.0.0.1:")
    rsp = requests.get(s.url + "rest/api/space/DOCS", verify=str(ca),
                       headers={"Authorization": f"Bearer {s.pat}"}, timeout=5)
    assert rsp.status_code == 200
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(s.url + "rest/api/space/DOCS", timeout=5)  # unknown CA
    # a client that never finishes its handshake must not block other clients
    with socket.create_connection(("127.0.0.1", s.port)):
        assert requests.get(s.url + "rest/applinks/1.0/manifest", verify=str(ca),
                            timeout=5).status_code == 200


def test_unknown_knob_and_mode_are_rejected() -> None:
    with pytest.raises(ValueError):
        ConfluenceEmulator(mode="server")
    with pytest.raises(TypeError):
        ConfluenceEmulator(no_such_knob=1)
    with pytest.raises(ValueError):
        ConfluenceEmulator(sso="kerberos")


def test_plugin_fails_a_test_that_hit_a_server_bug(tmp_path) -> None:
    """Run pytest on a tiny suite: a handler exception must fail the test at teardown."""
    import subprocess
    import sys

    (tmp_path / "test_inner.py").write_text(
        "import requests\n"
        "from sphinxcontrib.confluencebuilder.testing import server as srv\n"
        "def test_bug(confluence_emulator, monkeypatch):\n"
        "    def boom(*a, **k):\n"
        "        raise KeyError('handler bug')\n"
        "    monkeypatch.setattr(srv, 'dispatch', boom)\n"
        "    s = confluence_emulator\n"
        "    assert requests.get(s.url + 'rest/api/user/current', timeout=5).status_code == 500\n"
        "def test_clean(confluence_emulator_factory):\n"
        "    s = confluence_emulator_factory(mode='dc')\n"
        "    assert requests.get(s.url + 'rest/api/user/current', timeout=5).status_code == 200\n")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p",
         "sphinxcontrib.confluencebuilder.testing.pytest_plugin", "-p", "no:cacheprovider",
         str(tmp_path / "test_inner.py")],
        cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "2 passed, 1 error" in proc.stdout, proc.stdout + proc.stderr
    assert "ERROR at teardown of test_bug" in proc.stdout
    assert "handler bug" in proc.stdout


def test_movepage_action_positions(confluence_emulator_factory) -> None:
    s = confluence_emulator_factory(mode="dc")
    home = s.state.spaces["DOCS"].homepage_id
    a, b, c = (s.state.create_page("DOCS", t, parent_id=home) for t in "ABC")
    auth = {"Authorization": f"Bearer {s.pat}", "X-Atlassian-Token": "no-check"}

    def move(position: str, target: str) -> requests.Response:
        return requests.post(s.url + "pages/movepage.action", headers=auth, timeout=5, params={
            "spaceKey": "DOCS", "pageId": c.id, "targetId": target, "position": position})

    def order() -> list[str]:
        return [n["title"] for n in s.tree()["pages"][0]["children"]]

    assert move("above", a.id).status_code == 200 and order() == ["C", "A", "B"]
    assert move("below", a.id).status_code == 200 and order() == ["A", "C", "B"]
    assert move("append", b.id).json()["page"]["parentId"] == b.id
    assert order() == ["A", "B"] and s.state.content[c.id].version.number == 1
    assert move("append", c.id).status_code == 400  # into itself
    no_xsrf = requests.post(s.url + "pages/movepage.action", timeout=5,
                            headers={"Authorization": f"Bearer {s.pat}"},
                            params={"pageId": c.id, "targetId": a.id})
    assert no_xsrf.status_code == 403


def test_bad_framing_is_400_and_server_survives(confluence_emulator) -> None:
    s = confluence_emulator
    with socket.create_connection(("127.0.0.1", s.port), timeout=5) as raw:
        raw.sendall(b"POST /wiki/rest/api/content HTTP/1.1\r\nHost: x\r\n"
                    b"Content-Length: lots\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.1 400")
    assert requests.get(s.url + "rest/api/user/current", timeout=5).status_code == 200


def test_head_is_get_without_body_and_log_counts_bytes(confluence_emulator) -> None:
    s = confluence_emulator
    auth = (s.user, s.api_token)
    get = requests.get(s.url + "rest/api/space/DOCS", auth=auth, timeout=5)
    head = requests.head(s.url + "rest/api/space/DOCS", auth=auth, timeout=5)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    requests.post(s.url + "rest/api/content", json={"type": "page"}, auth=auth, timeout=5)
    assert [e["bytes"] for e in s.requests] == [0, 0, len(b'{"type": "page"}')]


def test_concurrent_clients_write_without_errors(confluence_emulator) -> None:
    from concurrent.futures import ThreadPoolExecutor

    s = confluence_emulator
    home = s.state.spaces["DOCS"].homepage_id

    def writer(n: int) -> list[int]:
        session = requests.Session()
        session.auth = (s.user, s.api_token)
        return [session.post(s.url + "rest/api/content", timeout=10, json={
            "type": "page", "title": f"T{n}-{i}", "space": {"key": "DOCS"},
            "ancestors": [{"id": home}],
            "body": {"storage": {"value": "<p>x</p>", "representation": "storage"}},
        }).status_code for i in range(10)]

    with ThreadPoolExecutor(8) as pool:
        statuses = [code for codes in pool.map(writer, range(8)) for code in codes]
    assert statuses == [200] * 80
    titles = [c["title"] for c in s.tree()["pages"][0]["children"]]
    assert sorted(titles) == sorted(f"T{n}-{i}" for n in range(8) for i in range(10))
    assert s.counts()["statuses"] == {200: 80}
