"""objects.inv of the published pages: a second project resolves references into the
first through the inventory downloaded from the emulator; root homepage; link suffix."""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import Any

import requests
from publish_helpers import current_pages
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace
from storage_helpers import NS, parse_storage

X = "{" + NS["x"] + "}"


def first_project(root: Path) -> Path:
    src = root / "first"
    src.mkdir(parents=True)
    (src / "conf.py").write_text("project = 'First'\nversion = '1.0'\n"
                                 "extensions = ['sphinxcontrib.confluencebuilder']\n")
    (src / "index.rst").write_text("First Home\n==========\n\n.. toctree::\n\n   api\n")
    (src / "api.rst").write_text(".. _api-guide:\n\nAPI Guide\n=========\n\n"
                                 ".. py:function:: launch(speed)\n\n   Launch.\n")
    return src


def second_project(root: Path, inventory: Path, url: str) -> Path:
    src = root / "second"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(
        "project = 'Second'\nextensions = ['sphinx.ext.intersphinx', "
        "'sphinxcontrib.confluencebuilder']\n"
        f"intersphinx_mapping = {{'first': ({url!r}, {str(inventory)!r})}}\n"
        "intersphinx_disabled_reftypes = []\n")
    (src / "index.rst").write_text("Second Home\n===========\n\nCall :py:func:`launch` or read "
                                   ":ref:`first:api-guide` and :doc:`first:api`.\n")
    return src


def build(src: Path, out: Path, **conf: Any) -> str:
    warning = io.StringIO()
    with docutils_namespace():
        app = Sphinx(str(src), str(src), str(out), str(out / ".doctrees"), "confluence",
                     confoverrides=conf, status=io.StringIO(), warning=warning,
                     freshenv=True, warningiserror=True)
        app.build()
    return warning.getvalue()


def publish_conf(server: Any, **extra: Any) -> dict[str, Any]:
    return {"confluence_publish": True, "confluence_space_key": "DOCS",
            "confluence_server_url": server.url, "confluence_server_user": server.user,
            "confluence_api_token": server.api_token, **extra}


def test_second_project_links_into_published_pages(tmp_path: Path,
                                                   confluence_emulator_factory: Any) -> None:
    server = confluence_emulator_factory(mode="cloud")
    build(first_project(tmp_path), tmp_path / "out1", **publish_conf(server))
    pages = current_pages(server.state)
    root, api = pages["First Home"], pages["API Guide"]
    att = server.state.download(root.id, "objects.inv")
    assert att is not None
    # downloaded over HTTP from the emulator, as intersphinx in another project would
    answer = requests.get(f"{server.url}download/attachments/{root.id}/objects.inv",
                          timeout=30)
    assert answer.status_code == 200 and answer.content == att.data
    inventory = tmp_path / "downloaded.inv"
    inventory.write_bytes(answer.content)
    text = zlib.decompress(answer.content.split(b"zlib.\n", 1)[1]).decode()
    assert f"/pages/{api.id}/" in text  # the real page address, relative to the site
    build(second_project(tmp_path, inventory, server.url), tmp_path / "out2")
    body = parse_storage((tmp_path / "out2" / "index.conf").read_text(encoding="utf-8"))
    hrefs = [a.get("href") or "" for a in body.iter(f"{X}a")]
    page_url = f"{server.url}spaces/DOCS/pages/{api.id}/API+Guide"
    assert hrefs == [f"{page_url}#APIGuide-launch", f"{page_url}#APIGuide-api-guide",
                     page_url], hrefs
    # the anchors exist on the published page
    assert "APIGuide-launch" in api.body or ">launch<" in api.body
    # publishing again without changes uploads nothing new
    versions = att.version.number
    build(first_project(tmp_path / "again"), tmp_path / "out3", **publish_conf(server))
    assert server.state.download(root.id, "objects.inv").version.number == versions


def test_inventory_upload_can_be_turned_off(tmp_path: Path, confluence_emulator: Any) -> None:
    server = confluence_emulator
    build(first_project(tmp_path), tmp_path / "out",
          **publish_conf(server, confluence_publish_intersphinx=False))
    root = current_pages(server.state)["First Home"]
    assert server.state.download(root.id, "objects.inv") is None


def test_root_homepage(tmp_path: Path, confluence_emulator: Any) -> None:
    server = confluence_emulator
    build(first_project(tmp_path), tmp_path / "out",
          **publish_conf(server, confluence_root_homepage=True))
    root = current_pages(server.state)["First Home"]
    assert server.state.spaces["DOCS"].homepage_id == root.id


def test_local_inventory_uses_the_link_suffix(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(first_project(tmp_path), out, confluence_link_suffix=".html")
    data = (out / "objects.inv").read_bytes()
    text = zlib.decompress(data.split(b"zlib.\n", 1)[1]).decode()
    assert "launch py:function 1 api.html#$ -" in text
    build(first_project(tmp_path / "b"), tmp_path / "o2")
    text = zlib.decompress((tmp_path / "o2" / "objects.inv").read_bytes()
                           .split(b"zlib.\n", 1)[1]).decode()
    assert "launch py:function 1 api.conf#$ -" in text
