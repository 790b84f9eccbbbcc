"""An archived page keeps its title taken: a document that comes back after cleanup
archived its page is published again; an archived page of someone else is left alone
with an error that names it and what to do."""

from __future__ import annotations

from typing import Any

import pytest
from publish_helpers import Doc, client_for, current_pages, identity, publish, write_bundle

from sphinxcontrib.confluencebuilder.errors import ConfluencePublishError


@pytest.fixture(params=["v1", "v2"])
def api(request: Any) -> str:
    return str(request.param)


@pytest.fixture
def server(confluence_emulator_factory: Any) -> Any:
    return confluence_emulator_factory(mode="cloud", max_limit=250)


def docs(with_b: bool = True) -> list[Doc]:
    out = [Doc("index", "Root"), Doc("a", "A", "index")]
    if with_b:
        out.append(Doc("b", "B", "index", body="<p>B again</p>",
                       files={"b.png": b"b-image"}))
    return out


def test_a_document_whose_page_was_archived_is_published_again(server, api, tmp_path):
    out = write_bundle(tmp_path / "out", docs())
    publish(client_for(server, api_mode=api), out)
    old = current_pages(server.state)["B"]
    write_bundle(out, docs(with_b=False))
    publish(client_for(server, api_mode=api), out, cleanup_archive=True)
    assert old.status == "archived"
    write_bundle(out, docs())                       # the document comes back
    report = publish(client_for(server, api_mode=api), out, cleanup_archive=True)
    assert report.created == ["b"] and report.uploaded == ["b/b.png"]
    page = current_pages(server.state)["B"]
    assert page.id != old.id and page.parent_id == current_pages(server.state)["Root"].id
    assert identity(page)["docname"] == "b" and page.body == "<p>B again</p>"
    assert old.status == "trashed"                  # ours: moved to the trash, not purged
    # the next run is quiet again
    report = publish(client_for(server, api_mode=api), out, cleanup_archive=True)
    assert not report.created and not report.updated and not report.removed


@pytest.mark.parametrize("title", ["B", "b"])    # titles are taken regardless of case
def test_an_archived_page_of_someone_else_is_left_alone(server, api, tmp_path, title):
    state = server.state
    theirs = state.create_page("DOCS", title, "<p>theirs</p>", by=None)
    state.archive([theirs], None)
    out = write_bundle(tmp_path / "out", docs())
    with pytest.raises(ConfluencePublishError) as caught:
        publish(client_for(server, api_mode=api), out)
    text = str(caught.value)
    assert f"archived page {title!r}" in text and theirs.id in text and "'b'" in text
    assert "confluence_title_overrides" in text and "rename" in text
    assert theirs.status == "archived" and theirs.body == "<p>theirs</p>"
    assert len(theirs.versions) == 1


def test_an_archived_page_of_another_project_is_not_ours(server, api, tmp_path):
    out = write_bundle(tmp_path / "out", docs(), project="Other")
    publish(client_for(server, api_mode=api), out, project="Other")
    other = current_pages(server.state)["B"]
    server.state.archive([other], None)
    out = write_bundle(tmp_path / "mine", [Doc("index", "Mine"), Doc("b", "B", "index")])
    with pytest.raises(ConfluencePublishError) as caught:
        publish(client_for(server, api_mode=api), out, project="Proj")
    assert "archived page 'B'" in str(caught.value)
    assert "not published by this project" in str(caught.value)
    assert other.status == "archived" and identity(other)["project"] == "Other"
