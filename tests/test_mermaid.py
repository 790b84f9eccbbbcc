"""Mermaid diagrams (sphinxcontrib-mermaid): the HTML macro, the mermaid CLI, or the
source with one warning."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import imagesize
import pytest
from storage_helpers import NS
from tool_helpers import needs_mmdc, puppeteer_config
from translator_helpers import ROOTS, page

from sphinxcontrib.confluencebuilder.translator.svg import svg_size

pytest.importorskip("sphinxcontrib.mermaid", reason="sphinxcontrib-mermaid is not installed")

AC = "{" + NS["ac"] + "}"
RI = "{" + NS["ri"] + "}"
PNG = ROOTS / "test-images" / "img" / "pic.png"

FAKE_MMDC = """#!{python}
import shutil, sys
args = sys.argv[1:]
source, out = args[args.index("-i") + 1], args[args.index("-o") + 1]
with open({log!r}, "a", encoding="utf-8") as log:
    log.write(open(source, encoding="utf-8").read() + "\\n----\\n")
shutil.copyfile({png!r}, out)
"""


def build(make_app: Any, tmp_path: Path, **conf: Any) -> Any:
    src = tmp_path / "mermaid"
    shutil.copytree(ROOTS / "test-mermaid", src)
    app = make_app("confluence", srcdir=src, confoverrides=conf, freshenv=True)
    app.build()
    return app


def macros(root: Any, name: str) -> list[Any]:
    return [m for m in root.iter(AC + "structured-macro") if m.get(AC + "name") == name]


def test_html_macro_when_chosen(make_app, tmp_path):
    app = build(make_app, tmp_path, confluence_mermaid_html_macro=True)
    _, root = page(app, "index")
    html = [m.find("ac:plain-text-body", NS).text for m in macros(root, "html")]
    assert len(html) == 2
    assert html[0].startswith('<pre class="mermaid">graph LR')
    assert "Hi &lt;Bob&gt;" in html[1] and 'import mermaid from "' in html[1]
    warnings = app.warning.getvalue()
    assert "mermaid" not in warnings and "unsupported_option" not in warnings


def test_no_cli_keeps_source_with_one_warning(make_app, tmp_path):
    app = build(make_app, tmp_path, mermaid_cmd=str(tmp_path / "no-such-mmdc"))
    _, root = page(app, "index")
    sources = [m.find("ac:plain-text-body", NS).text for m in macros(root, "code")]
    assert sources[0].startswith("graph LR") and "Alice->>Bob: Hi <Bob>" in sources[1]
    assert root.find(f".//{AC}image") is None
    warnings = [w for w in app.warning.getvalue().splitlines() if "[confluence.mermaid]" in w]
    assert len(warnings) == 1, warnings
    assert "index.rst" in warnings[0] and "mermaid-cli" in warnings[0]
    assert "unknown-node" not in app.warning.getvalue()


def test_cli_draws_attachments(make_app, tmp_path):
    log = tmp_path / "mmdc.log"
    script = tmp_path / "fake-mmdc"
    script.write_text(FAKE_MMDC.format(python=sys.executable, log=str(log), png=str(PNG)),
                      encoding="utf-8")
    script.chmod(0o755)
    app = build(make_app, tmp_path, mermaid_cmd=str(script))
    _, root = page(app, "index")
    names = [i.find(RI + "attachment").get(RI + "filename") for i in root.iter(AC + "image")]
    assert len(names) == 2 and all(n.startswith("mermaid-") and n.endswith(".png") for n in names)
    assert root.find(f".//{AC}image").get(AC + "alt") == "a flow"
    meta = json.loads((Path(app.outdir) / "index.meta.json").read_text(encoding="utf-8"))
    assert sorted(a["name"] for a in meta["attachments"]) == sorted(names)
    assert "A[Start] --> B{Ready?}" in log.read_text(encoding="utf-8")
    assert not macros(root, "code")
    assert "WARNING" not in app.warning.getvalue()


@needs_mmdc
@pytest.mark.parametrize("image_format", ["png", "svg"])
def test_real_cli_draws_attachments(make_app, tmp_path, image_format):
    app = build(make_app, tmp_path, mermaid_output_format=image_format,
                mermaid_params=["-p", puppeteer_config(tmp_path)])
    _, root = page(app, "index")
    names = [i.find(RI + "attachment").get(RI + "filename") for i in root.iter(AC + "image")]
    assert len(names) == 2 and all(n.endswith("." + image_format) for n in names)
    meta = json.loads((Path(app.outdir) / "index.meta.json").read_text(encoding="utf-8"))
    for info in meta["attachments"]:
        data = (Path(app.outdir) / info["path"]).read_bytes()
        if image_format == "svg":
            assert data.startswith(b"<?xml ") and svg_size(data) is not None
        else:
            assert data.startswith(b"\x89PNG") and imagesize.get(Path(app.outdir) / info["path"])[0] > 10
    assert "WARNING" not in app.warning.getvalue()
