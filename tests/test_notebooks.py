"""Notebook and gallery output (nbsphinx, jupyter-sphinx, sphinx-gallery) with the real
extensions: images attached, text as code, HTML tables as tables, nothing dropped."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from storage_helpers import NS
from translator_helpers import ROOTS, page

AC = "{" + NS["ac"] + "}"
RI = "{" + NS["ri"] + "}"
X = "{" + NS["x"] + "}"
PNG = (ROOTS / "test-images" / "img" / "pic.png").read_bytes()
TABLE = ('<style>.x {}</style><table border="1" class="dataframe"><thead><tr><th></th>'
         '<th>name</th><th colspan="2">values</th></tr></thead><tbody><tr><th>0</th>'
         '<td>a &amp; b</td><td>1</td><td>2</td></tr></tbody></table>')


def code_texts(root: Any) -> list[str]:
    return [m.find("ac:plain-text-body", NS).text or "" for m in root.iter(AC + "structured-macro")
            if m.get(AC + "name") == "code"]


def attachment_names(root: Any) -> list[str]:
    return [i.find(RI + "attachment").get(RI + "filename") for i in root.iter(AC + "image")]


def table_rows(root: Any) -> list[list[str]]:
    (table,) = root.iter(X + "table")
    return [["".join(c.itertext()) for c in tr] for tr in table.iter(X + "tr")]


def confluence_warnings(app: Any) -> list[str]:
    return [w for w in app.warning.getvalue().splitlines()
            if "[confluence." in w and "unsupported_code_lang" not in w]


def build(make_app: Any, src: Path) -> Any:
    app = make_app("confluence", srcdir=src, freshenv=True)
    app.build()
    return app


def test_nbsphinx_outputs(make_app, tmp_path):
    pytest.importorskip("nbsphinx", reason="nbsphinx is not installed")
    nbformat = pytest.importorskip("nbformat")
    from nbformat.v4 import new_code_cell, new_notebook, new_output, new_raw_cell

    src = tmp_path / "nb"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["nbsphinx", "sphinxcontrib.confluencebuilder"]\n'
                                 'project = "NB"\nnbsphinx_execute = "never"\n'
                                 # a dict of its own: Sphinx adds '.ipynb' to the one it
                                 # gets, and its default is shared by every app in a process
                                 'source_suffix = {".rst": "restructuredtext"}\n'
                                 'exclude_patterns = ["_build"]\n', encoding="utf-8")
    (src / "index.rst").write_text("Home\n====\n\n.. toctree::\n\n   nb\n", encoding="utf-8")
    notebook = new_notebook(cells=[
        new_raw_cell("Notebook\n========\n", metadata={"raw_mimetype": "text/restructuredtext"}),
        new_code_cell("print('hello')", execution_count=1,
                      outputs=[new_output("stream", name="stdout", text="hello world\n")]),
        new_code_cell("plot()", execution_count=2, outputs=[new_output(
            "display_data", data={"image/png": base64.b64encode(PNG).decode(),
                                  "text/plain": "<Figure>"})]),
        new_code_cell("frame", execution_count=3, outputs=[new_output(
            "execute_result", execution_count=3,
            data={"text/html": TABLE, "text/plain": "  name values\n0  a&b  1 2"})]),
        new_code_cell("1/0", execution_count=4, outputs=[new_output(
            "error", ename="ZeroDivisionError", evalue="division by zero",
            traceback=["ZeroDivisionError: division by zero"])]),
    ])
    nbformat.write(notebook, str(src / "nb.ipynb"))
    app = build(make_app, src)
    _, root = page(app, "nb")
    codes = code_texts(root)
    assert "print('hello')" in codes and "hello world" in codes
    assert any("ZeroDivisionError: division by zero" in c for c in codes)
    assert not any("name values" in c for c in codes)  # the rich table replaced the text
    (image,) = attachment_names(root)
    assert image.endswith(".png")
    assert table_rows(root) == [["", "name", "values"], ["0", "a & b", "1", "2"]]
    assert confluence_warnings(app) == []


def test_jupyter_sphinx_outputs(make_app, tmp_path):
    pytest.importorskip("jupyter_sphinx", reason="jupyter-sphinx is not installed")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed")
    src = tmp_path / "js"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["jupyter_sphinx", "sphinxcontrib.confluencebuilder"]'
                                 '\nproject = "JS"\nexclude_patterns = ["_build"]\n',
                                 encoding="utf-8")
    (src / "index.rst").write_text(f"""Cells
=====

.. jupyter-execute::

   print("hello world")
   6 * 7

.. jupyter-execute::

   from IPython.display import HTML, Image, Latex
   HTML({TABLE!r})

.. jupyter-execute::

   Image(data={PNG!r})

.. jupyter-execute::

   Latex(r"$\\sqrt{{2}}$")
""", encoding="utf-8")
    app = build(make_app, src)
    _, root = page(app, "index")
    codes = code_texts(root)
    assert "hello world\n" in codes and "42" in codes
    assert not any("IPython.core.display" in c for c in codes)  # richer forms chosen
    assert table_rows(root) == [["", "name", "values"], ["0", "a & b", "1", "2"]]
    names = attachment_names(root)
    assert len(names) == 2  # the image output and the drawn equation
    assert any(i.get(AC + "alt") == "\\sqrt{2}" for i in root.iter(AC + "image"))
    assert confluence_warnings(app) == []


GALLERY_EXAMPLE = '''"""
A plot
======

Draws a line.
"""
import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt

print("some text output")
plt.plot([1, 2, 3])
plt.show()

# %%
# A table


class Frame:
    def _repr_html_(self):
        return {table!r}

    def __repr__(self):
        return "Frame()"


Frame()
'''


def test_sphinx_gallery_outputs(make_app, tmp_path):
    pytest.importorskip("sphinx_gallery", reason="sphinx-gallery is not installed")
    pytest.importorskip("matplotlib", reason="matplotlib is not installed")
    src = tmp_path / "sg"
    (src / "examples").mkdir(parents=True)
    (src / "conf.py").write_text(
        'extensions = ["sphinx_gallery.gen_gallery", "sphinxcontrib.confluencebuilder"]\n'
        'project = "SG"\nexclude_patterns = ["_build", "examples"]\n'
        'source_suffix = {".rst": "restructuredtext"}\n'
        'sphinx_gallery_conf = {"examples_dirs": "examples", "gallery_dirs": "auto_examples",'
        ' "capture_repr": ("_repr_html_", "__repr__")}\n', encoding="utf-8")
    (src / "index.rst").write_text("Home\n====\n\n.. toctree::\n\n   auto_examples/index\n",
                                   encoding="utf-8")
    (src / "examples" / "README.rst").write_text("Gallery\n=======\n", encoding="utf-8")
    (src / "examples" / "plot_one.py").write_text(GALLERY_EXAMPLE.format(table=TABLE),
                                                  encoding="utf-8")
    app = build(make_app, src)
    _, example = page(app, "auto_examples/plot_one")
    assert "some text output" in code_texts(example)
    (figure,) = attachment_names(example)
    assert figure.startswith("sphx_glr_plot_one_") and figure.endswith(".png")
    assert table_rows(example) == [["", "name", "values"], ["0", "a & b", "1", "2"]]
    _, gallery = page(app, "auto_examples/index")
    (thumb,) = attachment_names(gallery)
    assert "thumb" in thumb
    links = [lk.find(RI + "page").get(RI + "content-title") for lk in gallery.iter(AC + "link")]
    assert "A plot" in links
    meta = json.loads((Path(app.outdir) / "auto_examples" / "plot_one.meta.json").read_text())
    assert [a["name"] for a in meta["attachments"]] == [figure]
    # sphinx-gallery writes two "Computation times" pages: the title rule renames one
    assert [w for w in confluence_warnings(app) if "confluence.title" not in w] == []


def test_html_table_spans_and_header_rows():
    from sphinxcontrib.confluencebuilder.markup.html_table import parse_tables, table_node

    html = ("<p>x</p><table><tr><th>k</th><th>v</th></tr>"
            "<tr><td rowspan='2'>a</td><td>1<br>one</td></tr><tr><td>2</td></tr></table>"
            "<table><tbody><tr><td>alone</td></tr></tbody></table>")
    first, second = parse_tables(html)
    assert [c.text for c in first.head[0]] == ["k", "v"]        # a leading <th> row
    assert [[c.text for c in r] for r in first.body] == [["a", "1 one"], ["2"]]
    node = table_node(first)
    assert node.next_node(lambda n: n.tagname == "tgroup")["cols"] == 2
    spanning = [e for e in node.findall(lambda n: n.tagname == "entry") if e.get("morerows")]
    assert len(spanning) == 1 and spanning[0].astext() == "a"
    assert not second.head and second.body[0][0].text == "alone"
    assert parse_tables("<div>no table</div>") == []
