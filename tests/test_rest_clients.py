"""The client in v1 and v2 against the emulator: the ConfluenceClient protocol end to end,
paged listings in few calls, scoped tokens through the gateway, the 410 switch to v2,
API prefix overrides and the deprecation report."""

from __future__ import annotations

from dataclasses import replace

import pytest
from connection_helpers import capture_logs, emulator_settings

from sphinxcontrib.confluencebuilder.rest import make_client
from sphinxcontrib.confluencebuilder.rest.base import RemotePage

MODES = [("cloud", "v1"), ("cloud", "v2"), ("dc", "v1")]


@pytest.fixture(params=MODES, ids=[f"{m}-{a}" for m, a in MODES])
def client_and_server(request, confluence_emulator_factory):
    mode, api = request.param
    server = confluence_emulator_factory(mode=mode, max_limit=5)
    return make_client(emulator_settings(server, api_mode=api)), server


def test_protocol_round_trip(client_and_server) -> None:
    client, server = client_and_server
    assert client.current_user()["displayName"] == "Docs Publisher"
    assert client.server_info()["type"] == ("cloud" if server.mode == "cloud" else "dc")
    space = client.get_space("DOCS")
    assert space.key == "DOCS" and space.homepage_id

    root = client.create_page(space, "Root", "<p>root</p>", None,
                              properties={"cb-meta": {"hash": "abc"}}, labels=("docs",),
                              version_message="first")
    child = client.create_page(space, "Child", "<p>child</p>", root.id)
    assert (root.version, child.parent_id) == (1, root.id)
    assert server.tree()  # the emulator holds both pages

    got = client.get_page(root.id, body=True, properties=("cb-meta",))
    assert got.body == "<p>root</p>" and got.properties == {"cb-meta": {"hash": "abc"}}
    assert got.url.startswith(server.origin)
    assert set(client.get_labels(root.id)) == {"docs"}

    moved = client.update_page(child, "Child renamed", "<p>2</p>", space.homepage_id,
                               version_message="second")
    assert (moved.version, moved.title, moved.parent_id) == (2, "Child renamed",
                                                              space.homepage_id)

    assert client.find_page_by_title(space, "Root").id == root.id
    assert client.find_page_by_title(space, "ROOT").id == root.id  # case-insensitive
    assert client.find_page_by_title(space, "Nothing here") is None

    client.set_property(root.id, "cb-meta", {"hash": "def"})
    client.set_property(child.id, "cb-meta", {"hash": "new"})
    assert client.get_property(root.id, "cb-meta") == {"hash": "def"}
    assert client.get_property(root.id, "absent") is None

    client.add_labels(root.id, ("extra", "more"))
    client.remove_label(root.id, "docs")
    assert set(client.get_labels(root.id)) == {"extra", "more"}

    att = client.upload_attachment(root.id, "a.txt", b"one", "text/plain", comment="h1")
    again = client.upload_attachment(root.id, "a.txt", b"two!", "text/plain", comment="h2",
                                     existing=att)
    assert (att.version, again.version, again.id) == (1, 2, att.id)
    listed = client.list_attachments(root.id)
    assert [(a.name, a.version, a.size, a.media_type) for a in listed] == [
        ("a.txt", 2, 4, "text/plain")]
    client.delete_attachment(att.id)
    assert client.list_attachments(root.id) == []

    client.unwatch(root.id)
    client.delete_page(child.id, purge=True)
    client.delete_page(child.id)  # already gone: no error
    titles = {p.title for p in client.list_pages(space)}
    assert "Child renamed" not in titles and "Root" in titles


def test_list_pages_is_paged_and_complete(client_and_server) -> None:
    client, server = client_and_server
    space = client.get_space("DOCS")
    parent = client.create_page(space, "Parent", "<p/>", None, properties={"k": 1})
    kids = [client.create_page(space, f"Kid {i}", "<p/>", parent.id, properties={"k": i})
            for i in range(12)]
    grandkid = client.create_page(space, "Grandkid", "<p/>", kids[0].id)
    before = client.request_count
    pages = client.list_pages(space, ancestor_id=parent.id, properties=("k",))
    calls = client.request_count - before
    by_title = {p.title: p for p in pages}
    assert set(by_title) == {f"Kid {i}" for i in range(12)} | {"Grandkid"}
    assert by_title["Kid 7"].properties == {"k": 7}
    assert by_title["Kid 7"].parent_id == parent.id
    assert by_title["Grandkid"].parent_id == kids[0].id and grandkid.version == 1
    assert all(isinstance(p, RemotePage) and p.version == 1 for p in pages)
    # 13 pages at 5 per answer: a handful of paged calls, never one call per page
    assert calls <= 8, calls


def test_v2_properties_fall_back_when_v1_is_gone(confluence_emulator) -> None:
    server = confluence_emulator
    client = make_client(emulator_settings(server, api_mode="v2"))
    space = client.get_space("DOCS")
    page = client.create_page(space, "P", "<p/>", None, properties={"k": "v"})
    server.configure(v1_gone=True)
    pages = {p.title: p for p in client.list_pages(space, properties=("k",))}
    assert pages["P"].properties == {"k": "v"}
    assert client.find_page_by_title(space, "p").id == page.id


def test_cloud_v1_gone_switches_to_v2_once(confluence_emulator) -> None:
    server = confluence_emulator
    client = make_client(emulator_settings(server, api_mode="v1"))
    server.configure(v1_gone=True)
    with capture_logs() as lines:
        space = client.get_space("DOCS")
        page = client.create_page(space, "After switch", "<p/>", None)
        client.get_page(page.id)
    assert client.api_mode == "v2" and client.switched
    assert sum("410 Gone" in line for line in lines) == 1
    v1_content = [r for r in server.requests if r["api"] == "v1" and r["status"] == 410]
    assert len(v1_content) == 1


def test_scoped_token_goes_through_gateway(confluence_emulator) -> None:
    server = confluence_emulator
    server.configure(scoped_token=True)
    settings = replace(emulator_settings(server, api_token_scoped=True),
                       gateway_root=server.origin + "/ex/confluence/")
    client = make_client(settings)
    assert client.api_mode == "v2"
    assert client.base_url == server.gateway_url
    space = client.get_space("DOCS")
    page = client.create_page(space, "Via gateway", "<p/>", None)
    client.upload_attachment(page.id, "f.txt", b"x", "text/plain")
    paths = [r["path"] for r in server.requests]
    assert paths[0] == "/_edge/tenant_info"
    assert all(p.startswith(f"/ex/confluence/{server.cloud_id}/") for p in paths[1:])


def test_api_prefix_override(confluence_emulator_factory) -> None:
    server = confluence_emulator_factory(mode="dc")
    settings = emulator_settings(server, server_url=server.origin + "/",
                                 publish_override_api_prefix={"v1": "rest/api/"})
    assert make_client(settings).get_space("DOCS").key == "DOCS"
    wrong = emulator_settings(server, publish_override_api_prefix={"v1": "custom/"})
    with pytest.raises(Exception) as info:
        make_client(wrong).get_space("DOCS")
    assert "confluence_publish_override_api_prefix" in str(info.value)


def test_deprecations_reported_once_per_run(confluence_emulator) -> None:
    server = confluence_emulator
    server.configure(deprecation_headers=True)
    client = make_client(emulator_settings(server, api_mode="v1"))
    space = client.get_space("DOCS")
    client.get_page(space.homepage_id)
    client.get_page(space.homepage_id)
    with capture_logs() as lines:
        client.close()
        client.close()
    reports = [line for line in lines if "deprecated" in line]
    assert len(reports) == 1
    assert "GET /wiki/rest/api/space/DOCS" in reports[0]
    assert "GET /wiki/rest/api/content/{id}" in reports[0]


def test_archive_pages_on_cloud(confluence_emulator) -> None:
    client = make_client(emulator_settings(confluence_emulator, api_mode="v1"))
    space = client.get_space("DOCS")
    page = client.create_page(space, "Old", "<p/>", None)
    client.archive_pages([page.id])
    assert "Old" not in {p.title for p in client.list_pages(space)}


def test_sunset_header_is_reported() -> None:
    from connection_helpers import settings_for, tiny_server
    body = b'{"id": 1, "key": "DOCS", "name": "Docs", "type": "global"}'
    headers = {"Content-Type": "application/json", "Sunset": "Wed, 01 Jul 2026 00:00:00 GMT"}
    with tiny_server(lambda r: (200, headers, body)) as srv:
        client = make_client(settings_for(srv.url, publish_token="pat-x"))
        client.get_space("DOCS")
        with capture_logs() as lines:
            client.close()
    assert any("sunset Wed, 01 Jul 2026" in line and "/rest/api/space/DOCS" in line
               for line in lines)


def test_debug_deprecated_logs_each_endpoint_when_first_seen(confluence_emulator) -> None:
    server = confluence_emulator
    server.configure(deprecation_headers=True)
    client = make_client(emulator_settings(server, api_mode="v1", publish_debug="deprecated"))
    with capture_logs() as lines:
        client.get_space("DOCS")
        client.get_space("DOCS")
    seen = [line for line in lines if "marks GET /wiki/rest/api/space/DOCS" in line]
    assert len(seen) == 1
