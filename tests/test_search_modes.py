"""confluence_page_search_mode, confluence_cleanup_search_mode and
confluence_adv_embedded_certs against the emulator."""

from __future__ import annotations

from typing import Any

import pytest
from connection_helpers import emulator_settings
from publish_helpers import Doc, client_for, current_pages, publish, write_bundle
from tls_helpers import make_ca_and_cert

from sphinxcontrib.confluencebuilder.errors import ConfluenceTlsError
from sphinxcontrib.confluencebuilder.rest import make_client


@pytest.mark.parametrize(("mode", "listing"), [("content", True), ("search", False)])
def test_page_search_mode_picks_the_title_lookup(confluence_emulator_factory: Any,
                                                 mode: str, listing: bool) -> None:
    server = confluence_emulator_factory(mode="dc")
    home = server.state.spaces["DOCS"].homepage_id
    server.state.create_page("DOCS", "Guide Page", "<p>x</p>", home)
    client = client_for(server, page_search_mode=mode)
    space = client.get_space("DOCS")
    start = len(server.requests)
    found = client.find_page_by_title(space, "Guide Page")
    assert found is not None and found.title == "Guide Page"
    assert client.find_page_by_title(space, "guide page").title == "Guide Page"
    paths = [r.get("path", "") for r in server.requests[start:]]
    assert any(p.endswith("/content/search") for p in paths)
    assert any(p.endswith("/rest/api/content") for p in paths) is listing


@pytest.mark.parametrize(("mode", "kept"), [("search-aggressive", False),
                                             ("direct-aggressive", False),
                                             ("direct", True), ("search", True)])
def test_cleanup_search_mode_below_foreign_pages(confluence_emulator_factory: Any, tmp_path: Any,
                                                 mode: str, kept: bool) -> None:
    server = confluence_emulator_factory(mode="cloud")
    out = tmp_path / "out"
    write_bundle(out, [Doc("index", "Root"), Doc("a", "A", "index"), Doc("s", "S", "index")])
    publish(client_for(server), out)
    pages = current_pages(server.state)
    foreign = server.state.create_page("DOCS", "Team Notes", "<p>theirs</p>", pages["Root"].id)
    server.state.move_page(pages["S"], foreign, "append")  # someone filed S under it
    write_bundle(out, [Doc("index", "Root"), Doc("a", "A", "index")])
    publish(client_for(server), out, cleanup_purge=True, cleanup_search_mode=mode)
    after = current_pages(server.state)
    assert ("S" in after) is kept
    assert "Team Notes" in after and "A" in after


def test_embedded_certs_trust_only_the_bundled_store(confluence_emulator_factory: Any,
                                                     tmp_path: Any, monkeypatch: Any) -> None:
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    ca, cert, key = make_ca_and_cert(tmp_path)
    server = confluence_emulator_factory(mode="dc", tls=(str(cert), str(key)))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))  # the "operating system" trusts our CA
    assert make_client(emulator_settings(server)).get_space("DOCS").key == "DOCS"
    with pytest.raises(ConfluenceTlsError):
        make_client(emulator_settings(server, adv_embedded_certs=True)).get_space("DOCS")


@pytest.mark.parametrize("api", ["v1", "v2"])
@pytest.mark.parametrize(("mode", "status", "skipped"), [
    (False, "open", False), (True, "open", True), (True, "resolved", True),
    ("ignored-resolved", "resolved", False), ("ignored-resolved", "reopened", True)])
def test_skip_commented_pages(confluence_emulator_factory: Any, tmp_path: Any, api: str,
                              mode: Any, status: str, skipped: bool) -> None:
    server = confluence_emulator_factory(mode="cloud")
    out = tmp_path / "out"
    write_bundle(out, [Doc("index", "Root"), Doc("a", "A", "index", body="<p>one</p>")])
    publish(client_for(server, api_mode=api), out)
    page = current_pages(server.state)["A"]
    with server.state.lock:
        page.inline_comments.append((server.state.next_id(), status))
    write_bundle(out, [Doc("index", "Root"), Doc("a", "A", "index", body="<p>two</p>")])
    report = publish(client_for(server, api_mode=api), out, skip_commented=mode)
    assert (page.body == "<p>one</p>") is skipped
    assert ("a" in report.skipped) is skipped


@pytest.mark.parametrize("disabled", [False, True])
def test_cloud_property_write_on_a_new_page_waits_and_tries_again(
        confluence_emulator_factory: Any, monkeypatch: Any, disabled: bool) -> None:
    from connection_helpers import RecordingSleep

    from sphinxcontrib.confluencebuilder.errors import ConfluenceNotFoundError
    from sphinxcontrib.confluencebuilder.rest.base import Space
    from sphinxcontrib.confluencebuilder.testing.state import EmulatorError

    server = confluence_emulator_factory(mode="cloud")
    real = server.state.set_property
    refused: list[str] = []

    def not_yet(item: Any, key: str, *args: Any, **kwargs: Any) -> Any:
        if len(refused) < 2:  # Cloud does not show the new page to the property API yet
            refused.append(key)
            raise EmulatorError(404, "No content found with id")
        return real(item, key, *args, **kwargs)

    monkeypatch.setattr(server.state, "set_property", not_yet)
    sleep = RecordingSleep()
    client = make_client(emulator_settings(server, api_mode="v2", cloud=True,
                                           adv_disable_cloud_prop_delay=disabled),
                         sleep=sleep)
    space: Space = client.get_space("DOCS")
    if disabled:
        with pytest.raises(ConfluenceNotFoundError):
            client.create_page(space, "Fresh", "<p>x</p>", None, properties={"k": {"v": 1}})
        assert 0.5 not in sleep.calls
    else:
        client.create_page(space, "Fresh", "<p>x</p>", None, properties={"k": {"v": 1}})
        assert 0.5 in sleep.calls
        page = current_pages(server.state)["Fresh"]
        assert page.properties["k"].value == {"v": 1}
