"""An independent client, the unmodified ``atlassian`` package, against the emulator.

``atlassian-python-api`` 5.x offers two clients: the legacy one (v1 REST plus the
``movepage.action`` web action) and, with ``cloud=True, api_version=2``, a Cloud v2 one.
Both are used the way their documentation says, with the emulator's URL and credentials.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

atlassian = pytest.importorskip("atlassian")
from atlassian import Confluence  # noqa: E402


@pytest.fixture(autouse=True)
def _quiet_deprecations():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def _titles(tree: dict) -> dict[str, list[str]]:
    """``{title: [child titles]}`` for every page in a ``server.tree()`` dump."""
    out: dict[str, list[str]] = {}

    def walk(nodes: list[dict]) -> None:
        for node in nodes:
            out[node["title"]] = [c["title"] for c in node["children"]]
            walk(node["children"])

    walk(tree["pages"])
    return out


def _v1_round_trip(client, server, tmp_path: Path) -> None:
    """Create, find, update, move, attach, label, property, delete through the v1 client."""
    page = client.create_page("DOCS", "Guide", "<p>first</p>")
    target = client.create_page("DOCS", "Reference", "<p>ref</p>")
    found = client.get_page_by_title("DOCS", "Guide")
    assert [r["id"] for r in found["results"]] == [page["id"]]

    client.update_page(page["id"], "Guide", "<p>second</p>")
    fetched = client.get_page_by_id(page["id"], expand="body.storage,version")
    assert fetched["version"]["number"] == 2
    assert fetched["body"]["storage"]["value"] == "<p>second</p>"

    client.move_page("DOCS", page["id"], target_id=target["id"], position="append")
    assert _titles(server.tree())["Reference"] == ["Guide"]

    upload = tmp_path / "diagram.txt"
    upload.write_text("attached bytes")
    client.attach_file(str(upload), name="diagram.txt", page_id=page["id"])
    attachments = client.get_attachments_from_content(page["id"])["results"]
    assert [a["title"] for a in attachments] == ["diagram.txt"]
    stored = server.state.content[attachments[0]["id"].removeprefix("att")]
    assert stored.data == b"attached bytes"

    client.set_page_label(page["id"], "published")
    assert [lb["name"] for lb in client.get_page_labels(page["id"])["results"]] == ["published"]

    client.set_page_property(page["id"], {"key": "editor", "value": "v2"})
    assert client.get_page_property(page["id"], "editor")["value"] == "v2"

    client.remove_page(page["id"])
    assert "Guide" not in _titles(server.tree())
    assert client.get_page_by_title("DOCS", "Guide")["results"] == []


def test_atlassian_client_data_center(confluence_emulator_factory, tmp_path: Path) -> None:
    server = confluence_emulator_factory(mode="dc", context_path="/confluence")
    client = Confluence(url=server.url.rstrip("/"), token=server.pat)
    _v1_round_trip(client, server, tmp_path)
    assert {e["headers"]["Authorization"] for e in server.requests} == {"Bearer ********"}


def test_atlassian_client_cloud_v1(confluence_emulator, tmp_path: Path) -> None:
    server = confluence_emulator
    client = Confluence(url=server.url.rstrip("/"), username=server.user,
                        password=server.api_token)
    _v1_round_trip(client, server, tmp_path)
    assert all(e["path"].startswith("/wiki/") for e in server.requests)


def test_atlassian_client_cloud_v2(confluence_emulator) -> None:
    server = confluence_emulator
    client = Confluence(url=server.url.rstrip("/"), username=server.user,
                        password=server.api_token, cloud=True, api_version=2)
    space = client.get_space_by_key("DOCS")
    assert space["key"] == "DOCS"
    page = client.create_page(space["id"], "Overview", "<p>one</p>")
    found = client.get_page_by_title("DOCS", "Overview")
    assert [r["id"] for r in found["results"]] == [page["id"]]
    client.update_page(page["id"], "Overview", "<p>two</p>")
    again = client.get_page_by_id(page["id"], body_format="storage")
    assert again["version"]["number"] == 2
    assert again["body"]["storage"]["value"] == "<p>two</p>"
    client.create_page_property(page["id"], "editor", "v2")
    props = client.get_page_properties(page["id"])
    assert [(p["key"], p["value"]) for p in props] == [("editor", "v2")]
    assert client.delete_page(page["id"]) is True
    assert "Overview" not in _titles(server.tree())
    assert any(e["path"].startswith("/wiki/api/v2/") for e in server.requests)
