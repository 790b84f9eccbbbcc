"""Building the translator tests' mini projects (``tests/roots/test-<name>``)."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from storage_helpers import parse_storage

ROOTS = Path(__file__).parent / "roots"


def build_index(make_app: Any, project: Path, tmp_path: Path, editor: str,
                **conf: Any) -> tuple[ET.Element, str]:
    """Build a copy of ``project`` with ``confluence_editor`` set to ``editor``: the parsed
    index page and the build's warnings."""
    src = tmp_path / "src"
    shutil.copytree(project, src)
    app = make_app("confluence", srcdir=src, confoverrides={"confluence_editor": editor, **conf})
    app.build()
    body = (app.outdir / "index.conf").read_text(encoding="utf-8")
    return parse_storage(body), app.warning.getvalue()


def build_project(make_app: Any, tmp_path: Path, name: str, **conf: Any) -> Any:
    """Build a fresh copy of ``roots/test-<name>``; the Sphinx app."""
    src = tmp_path / name
    shutil.copytree(ROOTS / f"test-{name}", src)
    app = make_app("confluence", srcdir=src, confoverrides=conf, freshenv=True)
    app.build()
    return app


def page(app: Any, docname: str) -> tuple[str, ET.Element]:
    """A built page's storage body, and the body parsed."""
    body = (Path(app.outdir) / f"{docname}.conf").read_text(encoding="utf-8")
    return body, parse_storage(body)
