"""Convergence: a publish through injected faults, or one stopped part-way and run again,
ends in the same state as a clean publish, with no duplicate page or attachment."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from publish_helpers import Doc, client_for, emulator_config, publish, snapshot, write_bundle

from sphinxcontrib.confluencebuilder.errors import ConfluenceTrampleError


class Stopped(BaseException):
    """The process died (nothing in the publisher may catch this)."""


class StopAfter:
    """Delegates to a real client and dies at the N-th write (and every one after it)."""

    WRITES = {"create_page", "update_page", "delete_page", "archive_pages", "set_property",
              "add_labels", "remove_label", "upload_attachment", "upload_attachments",
              "delete_attachment",
              "unwatch", "move_page"}

    def __init__(self, client: Any, writes: int) -> None:
        self._client = client
        self._left = writes

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._client, name)
        if name not in self.WRITES:
            return value

        def write(*args: Any, **kwargs: Any) -> Any:
            self._left -= 1
            if self._left < 0:
                raise Stopped(name)
            return value(*args, **kwargs)
        return write


def project() -> list[Doc]:
    docs = [Doc("index", "Root", labels=("top",), files={"logo.png": b"logo"})]
    for i in range(1, 9):
        parent = "index" if i < 4 else f"s{i % 3 + 1}"
        files = {f"fig{i}.png": bytes([i]) * 50} if i % 2 else {}
        docs.append(Doc(f"s{i}", f"Section {i}", parent, files=files))
    return docs


@pytest.fixture
def reference(confluence_emulator_factory: Any, tmp_path: Any) -> dict[str, Any]:
    """What a fault-free publish produces."""
    server = confluence_emulator_factory(mode="cloud", max_limit=250)
    out = write_bundle(tmp_path / "ref", project())
    publish(client_for(server), out)
    return snapshot(server.state)


def no_duplicates(server: Any) -> None:
    st = server.state
    titles = Counter(c.title.casefold() for c in st.find_pages("DOCS"))
    assert max(titles.values()) == 1
    for page in st.find_pages("DOCS"):
        names = Counter(a.title for a in st.children(page.id, "attachment"))
        assert not names or max(names.values()) == 1


def test_publish_through_faults_equals_a_clean_publish(confluence_emulator_factory, tmp_path,
                                                        reference):
    server = confluence_emulator_factory(mode="cloud", max_limit=250)
    server.configure(error_rate=0.05, conflict_rate=0.05, drop_rate=0.02, rate_limit=20,
                     seed=7)
    out = write_bundle(tmp_path / "out", project())
    publish(client_for(server), out)
    statuses = server.counts()["statuses"]
    assert sum(n for s, n in statuses.items() if s not in (200, 204)) > 0  # faults happened
    server.configure(error_rate=0, conflict_rate=0, drop_rate=0, rate_limit=None)
    assert snapshot(server.state) == reference
    no_duplicates(server)
    before = len(server.requests)
    report = publish(client_for(server), out)
    assert len(report.unchanged) == 9 and not report.uploaded
    assert [r for r in server.requests[before:] if r["method"] != "GET"] == []


@pytest.mark.parametrize(("api", "stop_after"), [("v1", 1), ("v1", 4), ("v1", 9), ("v1", 17),
                                                ("v2", 1), ("v2", 2), ("v2", 6)])
def test_interrupted_publish_resumes_to_the_same_state(confluence_emulator_factory, tmp_path,
                                                       reference, api, stop_after):
    server = confluence_emulator_factory(mode="cloud", max_limit=250)
    out = write_bundle(tmp_path / "out", project())
    with pytest.raises(Stopped):
        publish(StopAfter(client_for(server, api_mode=api), stop_after), out)
    assert snapshot(server.state) != reference           # really stopped part-way
    publish(client_for(server, api_mode=api), out)
    assert snapshot(server.state) == reference
    no_duplicates(server)
    report = publish(client_for(server), out)
    assert len(report.unchanged) == 9


def test_a_create_whose_identity_was_lost_is_taken_back(confluence_emulator_factory,
                                                         tmp_path, reference):
    """v2 creates a page, then writes its property: a run killed in between leaves a page
    with our exact body and no identity. The next run takes it back (no trample error, no
    duplicate); a same-titled page with other content is still refused."""
    server = confluence_emulator_factory(mode="cloud", max_limit=250)
    out = write_bundle(tmp_path / "out", project())
    home = server.state.spaces["DOCS"].homepage_id
    lost = server.state.create_page("DOCS", "Root", "<p>Root body</p>", None)
    publish(client_for(server, api_mode="v2"), out)
    assert lost.status == "current" and snapshot(server.state) == reference
    no_duplicates(server)
    other = confluence_emulator_factory(mode="cloud", max_limit=250)
    other.state.create_page("DOCS", "Root", "<p>someone else's</p>", home)
    with pytest.raises(ConfluenceTrampleError):
        publish(client_for(other), out)


#: the HTTP call behind each client call (v1 or v2 paths)
CALLS = {
    "create_page": ("POST", r"/(content|pages)$"),
    "unwatch": ("DELETE", r"/user/watch/content/\d+$"),
    "upload_attachment": ("POST", r"/child/attachment/[^/]+/data$"),
    "upload_attachments": ("(POST|PUT)", r"/child/attachment$"),
    "set_property": ("(POST|PUT)", r"/(property|properties)(/[^/]+)?$"),
    "update_page": ("PUT", r"/(content|pages)/\d+$"),
}


def losing_answer_once(server: Any, verb: str, path: str,
                       error: Exception | None = None) -> tuple[Any, list[str]]:
    """A real client whose session loses the answer of the first request matching
    ``verb`` and ``path`` (regular expressions): the server did the work, then the
    connection drops (RemoteDisconnected, or ``error``)."""
    import re

    import requests

    from sphinxcontrib.confluencebuilder.rest import make_client
    from sphinxcontrib.confluencebuilder.session import build_session
    from sphinxcontrib.confluencebuilder.settings import from_config

    connection = from_config(emulator_config(server))
    session = build_session(connection)
    send = session.request
    lost: list[str] = []

    def request(method: str, url: str, **kwargs: Any) -> Any:
        answer = send(method, url, **kwargs)
        if not lost and re.fullmatch(verb, method) and re.search(path, url.split("?")[0]):
            lost.append(f"{method} {url}")
            raise error or requests.exceptions.ConnectionError(
                "('Connection aborted.', RemoteDisconnected('closed without response'))")
        return answer
    session.request = request  # type: ignore[method-assign]
    return make_client(connection, session), lost


@pytest.mark.parametrize("method", list(CALLS))
def test_a_lost_answer_is_retried_without_duplicates(confluence_emulator_factory, tmp_path,
                                                     reference, method):
    """The answer of a write that landed is lost; the transport's retry policy sends an
    idempotent call again and first checks whether a create or upload landed, so the
    space ends as after a clean publish (and nothing above the transport sends again)."""
    server = confluence_emulator_factory(mode="cloud", max_limit=250)
    out = write_bundle(tmp_path / "out", project())
    # a new version of an existing file, and a page update, need a page there already
    again = method in ("update_page", "upload_attachment")
    if again:
        publish(client_for(server), out, force=True)
    client, lost = losing_answer_once(server, *CALLS[method])
    publish(client, out, force=again)
    assert lost                               # the failure happened
    assert snapshot(server.state) == reference
    no_duplicates(server)


def test_a_create_whose_answer_timed_out_still_gets_its_labels(confluence_emulator_factory,
                                                               tmp_path):
    """Data Center adds labels after the create: when the create's answer is lost (read
    timeout) and the page is found again by its identity, its labels are still added."""
    import requests

    server = confluence_emulator_factory(mode="dc", max_limit=250)
    client, lost = losing_answer_once(server, "POST", r"/rest/api/content$",
                                      requests.exceptions.ReadTimeout("read timed out (test)"))
    out = write_bundle(tmp_path / "out", [Doc("index", "Root", labels=("top",))])
    report = publish(client, out, global_labels=("docs",))
    assert lost and report.created == ["index"]
    no_duplicates(server)
    root = next(c for c in server.state.find_pages("DOCS") if c.title == "Root")
    assert sorted(lb.name for lb in root.labels) == ["docs", "top"]
    assert any(r["method"] == "POST" and r["path"].endswith(f"/content/{root.id}/label")
               for r in server.requests)
    again = publish(client_for(server), out, global_labels=("docs",))
    assert again.unchanged == ["index"]
