"""Page title rules (titles.py) and their wiring into a build."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from sphinxcontrib.confluencebuilder.errors import ConfluenceConfigError
from sphinxcontrib.confluencebuilder.titles import (
    MAX_TITLE,
    TitleOptions,
    compute_titles,
    format_postfix,
)

ROOTS = Path(__file__).parent / "roots"


def titles(order: list[str], headings: dict[str, str | None], **opts: Any) -> dict[str, str]:
    secnumbers = opts.pop("secnumbers", {})
    return compute_titles(order, headings, secnumbers, TitleOptions(**opts))


def test_heading_override_and_autogen() -> None:
    result = titles(
        ["index", "a", "b"],
        {"index": "Home", "a": "Alpha", "b": None},
        overrides={"a": "Custom A"},
    )
    assert result == {"index": "Home", "a": "Custom A", "b": "autogen-b"}


def test_disable_autogen_leaves_untitled_out(make_app: Any, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-builder", src)
    app = make_app("confluence", srcdir=src)
    result = titles(["index", "b"], {"index": "Home", "b": None}, disable_autogen_title=True)
    assert result == {"index": "Home"}
    assert "'b' has no title" in app.warning.getvalue()


def test_prefix_postfix_and_hash() -> None:
    digest = hashlib.sha1(b"pageMOD").hexdigest()
    result = titles(
        ["index", "page"],
        {"index": "Home", "page": "Page"},
        prefix="[P] ",
        postfix=" ({hash:.5})",
        hash_modifier="MOD",
    )
    assert result["page"] == f"[P] Page ({digest[:5]})"
    assert result["index"].startswith("[P] Home (")


def test_ignore_titlefix_on_index() -> None:
    result = titles(
        ["index", "page"],
        {"index": "Home", "page": "Page"},
        prefix="X-",
        postfix="-Y",
        ignore_titlefix_on_index=True,
    )
    assert result == {"index": "Home", "page": "X-Page-Y"}


def test_bad_postfix_is_a_config_error() -> None:
    with pytest.raises(ConfluenceConfigError, match="confluence_publish_postfix"):
        format_postfix(" {nothash}", "doc", "")
    assert format_postfix(" {{literal}}", "doc", "") == " {literal}"


def test_case_insensitive_duplicates_are_numbered(make_app: Any, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-builder", src)
    app = make_app("confluence", srcdir=src)
    result = titles(
        ["index", "a", "b", "c"],
        {"index": "Intro", "a": "intro", "b": "INTRO", "c": "Other"},
    )
    assert result == {"index": "Intro", "a": "intro (2)", "b": "INTRO (3)", "c": "Other"}
    warnings = app.warning.getvalue()
    assert "'intro' of 'a' is already used by 'index'" in warnings


def test_long_titles_are_trimmed_keeping_the_postfix(make_app: Any, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-builder", src)
    app = make_app("confluence", srcdir=src)
    long = "x" * 300
    result = titles(["a", "b"], {"a": long, "b": long}, prefix="P-", postfix="-END")
    assert len(result["a"]) == MAX_TITLE
    assert result["a"].startswith("P-x") and result["a"].endswith("-END")
    # the duplicate keeps both the postfix and its counter within the limit
    assert len(result["b"]) == MAX_TITLE
    assert result["b"].endswith(" (2)-END")
    assert "longer than 255 characters" in app.warning.getvalue()


def test_section_numbers() -> None:
    result = titles(
        ["index", "a", "b"],
        {"index": "Home", "a": "Alpha", "b": "Beta"},
        secnumbers={"a": (1,), "b": (1, 2)},
        secnumber_suffix=") ",
    )
    assert result == {"index": "Home", "a": "1) Alpha", "b": "1.2) Beta"}
    plain = titles(["a"], {"a": "Alpha"}, secnumbers={"a": (1,)}, add_secnumbers=False)
    assert plain == {"a": "Alpha"}


def test_build_applies_title_options(make_app: Any, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-builder", src)
    (src / "index.rst").write_text(
        (src / "index.rst")
        .read_text()
        .replace(".. toctree::\n", ".. toctree::\n   :numbered:\n", 1)
    )
    app = make_app(
        "confluence",
        srcdir=src,
        confoverrides={
            "confluence_publish_prefix": "DOC: ",
            "confluence_title_overrides": {"orphan": "Lonely"},
            "confluence_secnumber_suffix": " - ",
        },
    )
    app.build()
    manifest = json.loads((Path(app.outdir) / "scb-manifest.json").read_text())
    got = {doc: entry["title"] for doc, entry in manifest["pages"].items()}
    assert got == {
        "index": "DOC: Home Page",
        "chapter/one": "DOC: 1 - Chapter One",
        "chapter/two": "DOC: 2 - Chapter Two",
        "extra": "DOC: autogen-extra",
        "orphan": "DOC: Lonely",
    }
    one = (Path(app.outdir) / "chapter/one.conf").read_text()
    assert 'ri:content-title="DOC: 2 - Chapter Two"' in one
