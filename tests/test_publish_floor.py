"""A first publish at the request floor (against the emulator, over HTTP): on v1 a new
page costs its create, one upload for all its files and the unwatch; a publish stopped
between the creates and the uploads is finished by the next one (the journal); lost
upload answers are recovered without duplicates; v2 records attachment ids once."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from publish_helpers import (
    Doc,
    client_for,
    current_pages,
    emulator_config,
    identity,
    publish,
    snapshot,
    write_bundle,
)

from sphinxcontrib.confluencebuilder.publisher.settings import IDENTITY_KEY, JOURNAL_KEY


def project() -> list[Doc]:
    """index (one image) with five children; c2 has three images, c4 none."""
    docs = [Doc("index", "Root", files={"logo.png": b"logo-bytes"})]
    for i in range(1, 6):
        files: dict[str, bytes] = {f"fig{i}.png": bytes([i]) * 40}
        if i == 2:
            files |= {"a.svg": b"<svg>a</svg>", "b.txt": b"text"}
        if i == 4:
            files = {}
        docs.append(Doc(f"c{i}", f"Child {i}", "index", files=files))
    return docs


WITH_FILES = 5      # pages of project() that have files
PAGES = 6


def endpoints(server: Any, before: int = 0) -> Counter[str]:
    return Counter(r["endpoint"] for r in server.requests[before:])


def uploads(server: Any, before: int = 0) -> list[dict[str, Any]]:
    return [r for r in server.requests[before:]
            if r["method"] == "POST" and r["path"].endswith("/child/attachment")]


def stored_files(server: Any) -> dict[str, dict[str, bytes]]:
    state = server.state
    ours = {d.title for d in project()}
    return {title: {a.title: a.data for a in state.children(page.id, "attachment")}
            for title, page in current_pages(state).items() if title in ours}


def expected_files() -> dict[str, dict[str, bytes]]:
    return {d.title: dict(d.files) for d in project()}


class Killed(BaseException):
    """The process died (nothing in the publisher may catch this)."""


class KillAt:
    """Delegates to a real client; dies when ``method`` is called (and for every call
    after that), before sending it."""

    def __init__(self, client: Any, method: str) -> None:
        self._client, self._method, self.dead = client, method, False

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._client, name)
        if name != self._method and not self.dead:
            return value

        def die(*args: Any, **kwargs: Any) -> Any:
            self.dead = True
            raise Killed(name)
        return die if callable(value) else value


@pytest.mark.parametrize("mode", ["cloud", "dc"])
def test_v1_first_publish_is_create_upload_unwatch_per_page(confluence_emulator_factory,
                                                            tmp_path, mode):
    server = confluence_emulator_factory(mode=mode, max_limit=250)
    out = write_bundle(tmp_path / "out", project())
    report = publish(client_for(server, api_mode="v1"), out)
    assert len(report.created) == PAGES and len(report.uploaded) == 7
    assert not report.warnings and report.reordered == []
    counts = endpoints(server)
    space = "GET v1 /space/{key}" if "GET v1 /space/{key}" in counts else "GET v1 /space/DOCS"
    assert counts == Counter({
        "POST v1 /content": PAGES,                          # identity in the create
        "POST v1 /content/{id}/child/attachment": WITH_FILES,   # one upload per page
        "DELETE v1 /user/watch/content/{id}": PAGES,
        "GET v1 /content/search": 1, space: 1,              # the space and its listing
        f"PUT v1 /content/{{id}}/property/{JOURNAL_KEY}": 1,    # the journal emptied
    }), counts
    assert report.requests == len(server.requests) == 3 * PAGES - 1 + 3
    assert stored_files(server) == expected_files()
    pages = current_pages(server.state)
    for doc in project():
        page = pages[doc.title]
        ident = identity(page)
        assert set(ident["attachments"]) == set(doc.files)
        assert page.properties[IDENTITY_KEY].version.number == 1   # written once
    assert pages["Root"].properties[JOURNAL_KEY].value == {"project": "Proj",
                                                           "unconfirmed": []}
    before = len(server.requests)
    again = publish(client_for(server, api_mode="v1"), out)
    assert len(again.unchanged) == PAGES and not again.uploaded
    assert len(again.attachments_unchanged) == 7        # counted, though no id recorded
    assert len(server.requests) - before == 2


def test_all_new_files_of_a_page_go_in_one_request(server_cloud, tmp_path):
    server = server_cloud
    out = write_bundle(tmp_path / "out", project())
    publish(client_for(server, api_mode="v1"), out)
    child2 = current_pages(server.state)["Child 2"]
    sent = [r for r in uploads(server) if f"/content/{child2.id}/" in r["path"]]
    assert len(sent) == 1
    atts = {a.title: a for a in server.state.children(child2.id, "attachment")}
    assert {n: a.data for n, a in atts.items()} == dict(project()[2].files)
    # each file got its own comment (the content hash), paired in order
    recorded = identity(child2)["attachments"]
    for name, att in atts.items():
        assert att.comment == f"scb-sha256:{recorded[name]['sha256']}"


def test_v2_records_the_attachment_ids_once_after_the_upload(server_cloud, tmp_path):
    server = server_cloud
    out = write_bundle(tmp_path / "out", project())
    report = publish(client_for(server, api_mode="v2"), out)
    counts = endpoints(server)
    assert counts["POST v2 /pages"] == PAGES
    assert counts["POST v2 /pages/{id}/properties"] == PAGES   # one identity write each
    assert not [e for e in counts if e.startswith("PUT") and "propert" in e], counts
    assert not [e for e in counts if JOURNAL_KEY in e], counts       # no journal on v2
    assert report.requests == 4 * WITH_FILES + 3 * (PAGES - WITH_FILES) + 3
    child2 = current_pages(server.state)["Child 2"]
    ids = {a.title: a.id for a in server.state.children(child2.id, "attachment")}
    # (Cloud shows attachment ids as att<number>)
    assert {n: r["id"].removeprefix("att") for n, r in
            identity(child2)["attachments"].items()} == ids


@pytest.fixture
def server_cloud(confluence_emulator_factory: Any) -> Any:
    return confluence_emulator_factory(mode="cloud", max_limit=250)


def test_a_publish_killed_before_the_uploads_is_finished_by_the_next(server_cloud,
                                                                     tmp_path):
    """The creates record the files; the process dies before any upload. The journal on
    the root page makes the next publish check those pages and upload the files."""
    server = server_cloud
    out = write_bundle(tmp_path / "out", project())
    with pytest.raises(Killed):
        publish(KillAt(client_for(server, api_mode="v1"), "upload_attachments"), out)
    pages = current_pages(server.state)
    assert identity(pages["Root"])["attachments"]             # records, no files yet
    assert not any(stored_files(server).values())
    journal = pages["Root"].properties[JOURNAL_KEY].value["unconfirmed"]
    assert set(journal) == {"index", "c1", "c2", "c3", "c5"}
    before = len(server.requests)
    report = publish(client_for(server, api_mode="v1"), out)
    assert stored_files(server) == expected_files()
    assert sorted(report.uploaded) == sorted(f"{d.docname}/{n}" for d in project()
                                             for n in d.files)
    assert len(uploads(server, before)) == WITH_FILES
    assert current_pages(server.state)["Root"].properties[JOURNAL_KEY].value[
        "unconfirmed"] == []
    before = len(server.requests)
    again = publish(client_for(server, api_mode="v1"), out)
    assert len(again.unchanged) == PAGES and len(server.requests) - before == 2


def test_a_publish_killed_after_the_uploads_uploads_nothing_again(server_cloud, tmp_path):
    server = server_cloud
    out = write_bundle(tmp_path / "out", project())
    killer = KillAt(client_for(server, api_mode="v1"), "set_property")  # the journal
    with pytest.raises(Killed):
        publish(killer, out)
    assert stored_files(server) == expected_files()
    reference = snapshot(server.state)
    before = len(server.requests)
    report = publish(client_for(server, api_mode="v1"), out)
    assert uploads(server, before) == [] and not report.uploaded
    assert snapshot(server.state) == reference
    root = current_pages(server.state)["Root"]
    assert root.properties[JOURNAL_KEY].value["unconfirmed"] == []
    # the pages' records now carry the attachment ids the listing told
    child2 = current_pages(server.state)["Child 2"]
    ids = {a.title: a.id for a in server.state.children(child2.id, "attachment")}
    # (Cloud shows attachment ids as att<number>)
    assert {n: r["id"].removeprefix("att") for n, r in
            identity(child2)["attachments"].items()} == ids


def test_a_lost_upload_answer_is_recovered_by_listing(server_cloud, tmp_path):
    """The upload lands but its answer is lost (read timeout): the client lists the
    page's attachments, finds every file with its hash and sends nothing twice."""
    import requests

    from sphinxcontrib.confluencebuilder.rest import make_client
    from sphinxcontrib.confluencebuilder.session import build_session
    from sphinxcontrib.confluencebuilder.settings import from_config

    server = server_cloud
    connection = from_config(emulator_config(server, api_mode="v1"))
    session = build_session(connection)
    send = session.request
    lost: list[str] = []

    def request(method: str, url: str, **kwargs: Any) -> Any:
        answer = send(method, url, **kwargs)
        if method == "POST" and url.endswith("/child/attachment") and len(kwargs.get(
                "files") or ()) > 1 and not lost:
            lost.append(url)
            raise requests.exceptions.ReadTimeout("read timed out (test)")
        return answer
    session.request = request  # type: ignore[method-assign]
    out = write_bundle(tmp_path / "out", project())
    report = publish(make_client(connection, session), out)
    assert lost and len(report.uploaded) == 7
    assert stored_files(server) == expected_files()
    for page in current_pages(server.state).values():
        names = Counter(a.title for a in server.state.children(page.id, "attachment"))
        assert not names or max(names.values()) == 1
    assert len(uploads(server)) == WITH_FILES                # none sent twice


def test_a_reordered_toctree_moves_only_through_the_rest_endpoint(server_cloud, tmp_path):
    server = server_cloud
    docs = project()
    out = write_bundle(tmp_path / "out", docs)
    publish(client_for(server, api_mode="v2"), out)
    write_bundle(out, [docs[0], docs[3], *docs[1:3], *docs[4:]])
    before = len(server.requests)
    report = publish(client_for(server, api_mode="v2"), out)
    assert report.reordered == ["c3"]
    root = current_pages(server.state)["Root"]
    assert [c.title for c in server.state.children(root.id)] == [
        "Child 3", "Child 1", "Child 2", "Child 4", "Child 5"]
    moves = [r for r in server.requests[before:] if r["method"] not in ("GET",)]
    assert [(r["method"], r["endpoint"]) for r in moves] == [
        ("PUT", "PUT v1 /content/{id}/move/before/{id}")]
    assert not [r for r in server.requests if "movepage" in r["path"]]


def test_an_upload_answer_without_some_files_ends_without_duplicates(server_cloud,
                                                                   tmp_path):
    """A server (or proxy) whose upload answer lists only the first file: the client
    sends the others again, the server refuses them as present, and the publisher finds
    them there with the right content: every file once, the publish complete."""
    from hostile_server_helpers import tamper

    server = server_cloud

    def first_only(method: str, url: str, body: Any) -> Any:
        if method == "POST" and url.endswith("/child/attachment") and isinstance(
                body, dict) and len(body.get("results", [])) > 1:
            return {**body, "results": body["results"][:1], "size": 1}
        return body
    tamper(server, first_only)
    out = write_bundle(tmp_path / "out", project())
    report = publish(client_for(server, api_mode="v1"), out)
    assert len(report.uploaded) == 7 and stored_files(server) == expected_files()
    for page in current_pages(server.state).values():
        names = Counter(a.title for a in server.state.children(page.id, "attachment"))
        assert not names or max(names.values()) == 1
    child2 = current_pages(server.state)["Child 2"]
    assert set(identity(child2)["attachments"]) == set(project()[2].files)


def test_v2_first_identity_write_after_the_upload_waits_for_a_new_page(server_cloud,
                                                                      monkeypatch, tmp_path):
    """On v2 the identity of a new page with files is its first property, written after
    the upload; like the properties a create writes, a 404 of a page Cloud does not show
    the property API yet is tried again after confluence's property delay."""
    from connection_helpers import RecordingSleep, emulator_settings

    from sphinxcontrib.confluencebuilder.rest import make_client
    from sphinxcontrib.confluencebuilder.testing.state import EmulatorError

    server = server_cloud
    real = server.state.set_property
    refused: list[str] = []

    def not_yet(item: Any, key: str, *args: Any, **kwargs: Any) -> Any:
        if len(refused) < 2:        # the write and its re-read both refused
            refused.append(key)
            raise EmulatorError(404, "No content found with id")
        return real(item, key, *args, **kwargs)

    monkeypatch.setattr(server.state, "set_property", not_yet)
    sleep = RecordingSleep()
    client = make_client(emulator_settings(server, api_mode="v2", cloud=True), sleep=sleep)
    out = write_bundle(tmp_path / "out", [Doc("index", "Root", files={"a.png": b"png"})])
    report = publish(client, out)
    assert report.created == ["index"] and refused == [IDENTITY_KEY] * 2
    assert 0.5 in sleep.calls
    assert identity(current_pages(server.state)["Root"])["attachments"]["a.png"]["id"]
