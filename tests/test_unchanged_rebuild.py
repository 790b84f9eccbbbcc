"""A build with nothing out of date still ends the normal way: it writes the manifest and
publishes (so a hand edit in Confluence is overwritten again, and a publish that failed
last time is retried), on every supported Sphinx release (8.0 skipped ``finish()``)."""

from __future__ import annotations

from hostile_helpers import build, make_project
from publish_helpers import current_pages


def test_rebuild_with_nothing_out_of_date_publishes_again(confluence_emulator, tmp_path,
                                                           monkeypatch) -> None:
    server = confluence_emulator
    monkeypatch.setenv("CONFLUENCE_API_TOKEN", server.api_token)
    conf = (f"confluence_publish = True\nconfluence_server_url = {server.url!r}\n"
            f"confluence_server_user = {server.user!r}\n")
    src = make_project(tmp_path, conf)
    out = tmp_path / "out"
    build(src, out)
    page = current_pages(server.state)["Page1"]
    published = page.body
    assert "Text of page1." in published
    server.state.update_page(page, version=page.version.number + 1, by=None,
                             body="<p>edited by a human</p>")
    manifest = out / "scb-manifest.json"
    manifest.unlink()
    again = build(src, out, fresh=False)
    assert "no targets are out of date" in again.status  # nothing was read or written
    assert manifest.is_file()  # the build still finished
    assert current_pages(server.state)["Page1"].body == published  # and published
