"""Building mini projects with any builder, scoped so docutils registrations of one
build do not leak into the next (the markup tests build many small projects)."""

from __future__ import annotations

import io
import shutil
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace, patch_docutils
from storage_helpers import NS, parse_storage

ROOTS = Path(__file__).parent / "roots"


@dataclass
class Built:
    app: Sphinx
    outdir: Path
    warnings: str

    def body(self, docname: str = "index") -> str:
        return (self.outdir / f"{docname}.conf").read_text(encoding="utf-8")

    def tree(self, docname: str = "index") -> ET.Element:
        return parse_storage(self.body(docname))


def build(src: Path, out: Path, builder: str = "confluence", *,
          events: dict[str, Any] | None = None, parallel: int = 0, **conf: Any) -> Built:
    status, warning = io.StringIO(), io.StringIO()
    with patch_docutils(src), docutils_namespace():
        app = Sphinx(str(src), str(src), str(out), str(out / ".doctrees"), builder,
                     confoverrides=conf, status=status, warning=warning, freshenv=True,
                     parallel=parallel)
        for event, handler in (events or {}).items():
            app.connect(event, handler)
        app.build()
    return Built(app, Path(out), warning.getvalue())


def copy_root(name: str, dest: Path) -> Path:
    src = dest / name
    shutil.copytree(ROOTS / f"test-{name}", src)
    return src


def project(tmp: Path, index: str, conf: str = "", **files: str) -> Path:
    """A project with ``index.rst`` (dedented) and further ``name.rst`` files."""
    src = tmp / "src"
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(
        "project = 'P'\nextensions = ['sphinxcontrib.confluencebuilder']\n"
        + textwrap.dedent(conf), encoding="utf-8")
    (src / "index.rst").write_text("Index\n=====\n\n" + textwrap.dedent(index),
                                   encoding="utf-8")
    for name, text in files.items():
        (src / f"{name}.rst").write_text(textwrap.dedent(text), encoding="utf-8")
    return src


def macros(tree: ET.Element, name: str) -> list[ET.Element]:
    return [m for m in tree.iter(f"{{{NS['ac']}}}structured-macro")
            if m.get(f"{{{NS['ac']}}}name") == name]


def params(macro: ET.Element) -> dict[str, str]:
    """Parameter name -> text of a macro's own parameters."""
    return {p.get(f"{{{NS['ac']}}}name", ""): (p.text or "")
            for p in macro.findall("ac:parameter", NS)}


def rich_body(macro: ET.Element) -> ET.Element:
    body = macro.find("ac:rich-text-body", NS)
    assert body is not None, "macro has no rich-text body"
    return body


def text_of(element: ET.Element) -> str:
    return "".join(element.itertext())
