"""One client with dialects: the 410 switch swaps the dialect inside the same client,
the v2 dialect hands Cloud's v1-only calls to its v1 dialect, no client class builds on
another, no private name crosses a module boundary of rest/, and the client and the
transport close the session they made (not one handed in), also through ``with``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import requests
from connection_helpers import capture_logs, emulator_settings

from sphinxcontrib.confluencebuilder.errors import ConfluenceGoneError
from sphinxcontrib.confluencebuilder.rest import RestClient, Transport, make_client
from sphinxcontrib.confluencebuilder.rest.dialect_v1 import V1Dialect
from sphinxcontrib.confluencebuilder.rest.dialect_v2 import V2Dialect

PACKAGE = Path(__file__).resolve().parent.parent / "sphinxcontrib" / "confluencebuilder"
REST = PACKAGE / "rest"


def test_410_swaps_the_dialect_inside_the_same_client(confluence_emulator) -> None:
    server = confluence_emulator
    client = make_client(emulator_settings(server, api_mode="v1"))
    first = client.dialect
    assert isinstance(first, V1Dialect) and client.api_mode == "v1"
    server.configure(v1_gone=True)
    with capture_logs() as lines:
        space = client.get_space("DOCS")          # 410 on v1, repeated on v2
        page = client.create_page(space, "Swapped", "<p/>", None, labels=("x",))
        client.upload_attachment(page.id, "f.txt", b"x", "text/plain")
        client.get_page(page.id)
    # the same client object, another dialect; the v1 dialect lives on inside the v2 one
    assert isinstance(client, RestClient) and client.switched
    assert isinstance(client.dialect, V2Dialect) and client.dialect.v1 is first
    assert client.api_mode == "v2" and not client.create_carries_properties
    assert sum("410 Gone" in line for line in lines) == 1
    gone = [r for r in server.requests if r["status"] == 410]
    assert len(gone) == 1 and gone[0]["api"] == "v1"
    after = server.requests[server.requests.index(gone[0]) + 1:]
    # the call was repeated in v2; the create went to v2, the upload and labels to v1
    assert after[0]["api"] == "v2" and after[0]["status"] == 200
    creates = [r for r in after if r["method"] == "POST" and r["path"].endswith("/pages")]
    uploads = [r for r in after if r["path"].endswith("/child/attachment")]
    labels = [r for r in after if r["path"].endswith("/label")]
    assert [r["api"] for r in creates + uploads + labels] == ["v2", "v1", "v1"]
    assert client.get_labels(page.id) == ("x",)


def test_410_on_data_center_is_an_error_not_a_switch(confluence_emulator_factory) -> None:
    server = confluence_emulator_factory(mode="dc")
    client = make_client(emulator_settings(server))
    server.configure(v1_gone=True)
    with pytest.raises(ConfluenceGoneError):
        client.get_page("65537")
    assert isinstance(client.dialect, V1Dialect) and not client.switched


def test_v2_client_starts_with_a_v2_dialect_over_a_v1_one(confluence_emulator) -> None:
    client = make_client(emulator_settings(confluence_emulator, api_mode="v2"))
    assert isinstance(client.dialect, V2Dialect) and isinstance(client.dialect.v1, V1Dialect)
    # one wire: the v1 calls of the v2 dialect count in the same client
    assert client.dialect.wire is client.dialect.v1.wire is client.wire
    assert client.create_carries_properties is False
    v1 = make_client(emulator_settings(confluence_emulator, api_mode="v1"))
    assert v1.create_carries_properties is True


def _classes() -> dict[str, tuple[str, list[str]]]:
    """Every class defined in rest/: name -> (module file, base names)."""
    found: dict[str, tuple[str, list[str]]] = {}
    for path in sorted(REST.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = [b.id if isinstance(b, ast.Name) else
                         b.attr if isinstance(b, ast.Attribute) else ast.unparse(b)
                         for b in node.bases]
                found[node.name] = (path.name, bases)
    return found


def test_no_class_in_rest_subclasses_another_rest_class() -> None:
    """Clients, dialects, wire and transport combine by holding each other, never by
    inheritance; the one family allowed is bounded.py's exceptions (an error tree)."""
    classes = _classes()
    assert {"RestClient", "V1Dialect", "V2Dialect", "Transport", "Wire"} <= set(classes)
    inherit = sorted((name, base) for name, (_, bases) in classes.items()
                     for base in bases if base in classes)
    assert inherit == [("AnswerTooLarge", "AnswerLimitExceeded"),
                       ("DeadlineExceeded", "AnswerLimitExceeded")]


def test_one_concrete_client_class() -> None:
    """Exactly one class in rest/ is a client: the calls and the end of a run (close);
    the dialects carry the same calls but no session to close."""
    owners = []
    for path in sorted(REST.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                methods = {f.name for f in node.body if isinstance(f, ast.FunctionDef)}
                protocol = any(ast.unparse(b) == "Protocol" for b in node.bases)
                if {"update_page", "create_page", "close"} <= methods and not protocol:
                    owners.append(node.name)
    assert owners == ["RestClient"]


def test_no_private_name_crosses_a_module_of_rest() -> None:
    """rest/ imports no ``_name`` from another module, and nothing imports one from
    rest/ (what is shared is public and listed in ``__all__``)."""
    crossing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        in_rest = REST in path.parents
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.module == "__future__":
                continue
            module = node.module or ""
            from_rest = "rest" in module.split(".") or (in_rest and node.level == 1)
            if not (in_rest or from_rest):
                continue
            crossing += [f"{path.relative_to(PACKAGE)}: {module}.{a.name}"
                         for a in node.names
                         if a.name.startswith("_") and not a.name.startswith("__")]
    assert crossing == []


def _pools(session: requests.Session, url: str) -> int:
    return len(session.get_adapter(url).poolmanager.pools)


def test_client_with_block_closes_the_session_it_made(confluence_emulator) -> None:
    server = confluence_emulator
    with make_client(emulator_settings(server)) as client:
        client.get_space("DOCS")
        session = client.transport.session
        assert client.transport.owns_session and _pools(session, server.url) == 1
    assert _pools(session, server.url) == 0  # its connection pools are gone


def test_client_leaves_a_session_handed_in_open(confluence_emulator) -> None:
    server = confluence_emulator
    settings = emulator_settings(server)
    closed: list[bool] = []

    class Watched(requests.Session):
        def close(self) -> None:
            closed.append(True)
            super().close()

    from sphinxcontrib.confluencebuilder.session import build_session
    mine = build_session(settings)
    watched = Watched()
    watched.auth, watched.headers, watched.verify = mine.auth, mine.headers, mine.verify
    with make_client(settings, watched) as client:
        assert client.get_space("DOCS").key == "DOCS"
        assert not client.transport.owns_session
    assert closed == [] and _pools(watched, server.url) == 1
    watched.close()
    assert closed == [True]


def test_transport_with_block_closes_only_its_own_session(confluence_emulator) -> None:
    server = confluence_emulator
    settings = emulator_settings(server)
    with Transport(settings) as transport:
        assert transport.request("GET", server.url + "rest/api/user/current").status == 200
        own = transport.session
    assert _pools(own, server.url) == 0
    given = requests.Session()
    given.auth = own.auth
    with Transport(settings, given) as transport:
        transport.request("GET", server.url + "rest/api/space/DOCS")
    assert _pools(given, server.url) == 1
    given.close()
