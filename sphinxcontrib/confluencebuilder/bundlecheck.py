"""Trust nothing in an output directory: checks ``pages.read_bundle`` applies.

An output directory is often a CI artifact built by a less trusted job and published
by a job that holds the credentials. So before the first write, every value read from
it is checked: the manifest and each page's metadata have the shapes the builder
writes, every page file and attachment resolves inside the directory (symlinks
followed), attachments live in ``_attachments/``, and each attachment's size and
sha256 match its metadata. Any failure is a ``ConfluenceBuildError`` naming the file
and the field.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import ConfluenceBuildError

_SHA256 = re.compile(r"[0-9a-f]{64}")
_HINT = ("The output directory is not what `sphinx-build -b confluence` writes (edited, "
         "damaged or made by someone else); rebuild it.")


def refuse(where: Path | str, problem: str) -> ConfluenceBuildError:
    return ConfluenceBuildError(f"{where}: {problem}", hint=_HINT)


def manifest_pages(manifest: Any, where: Path) -> list[tuple[str, Mapping[str, Any]]]:
    """(docname, entry) of every page in manifest order, each entry's fields checked."""
    order, pages = manifest.get("order", []), manifest.get("pages", {})
    if not isinstance(order, list) or not all(isinstance(d, str) and d for d in order):
        raise refuse(where, "'order' is not a list of document names")
    if not isinstance(pages, dict) or len(set(order)) != len(order):
        raise refuse(where, "'pages' is not an object, or 'order' names a page twice")
    if not all(isinstance(manifest.get(k, ""), str) for k in ("root", "editor", "project")):
        raise refuse(where, "'root', 'editor' or 'project' is not a string")
    out: list[tuple[str, Mapping[str, Any]]] = []
    for docname in order:
        entry = pages.get(docname)
        if not isinstance(entry, dict):
            raise refuse(where, f"page {docname!r} is in 'order' but has no entry")
        for name in ("file", "meta"):
            if not isinstance(entry.get(name), str) or not entry[name]:
                raise refuse(where, f"page {docname!r}: {name!r} is not a file name")
        if not isinstance(entry.get("body_sha256"), str) or \
                not _SHA256.fullmatch(entry["body_sha256"]):
            raise refuse(where, f"page {docname!r}: 'body_sha256' is not a sha256")
        out.append((docname, entry))
    return out


def inside(root: Path, relative: str, what: str) -> Path:
    """``root / relative`` when it resolves inside ``root`` (symlinks followed)."""
    if os.path.isabs(relative) or "\\" in relative or "\0" in relative:
        raise refuse(root, f"{what} {relative!r} is not a relative path inside it")
    path = root / relative
    try:
        resolved = path.resolve(strict=False)
        base = root.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise refuse(root, f"{what} {relative!r} cannot be resolved ({exc})") from None
    if not resolved.is_relative_to(base):
        raise refuse(root, f"{what} {relative!r} resolves outside the output directory "
                     f"(to {resolved}); nothing is published from outside it")
    return path


def check_meta(data: Any, docname: str, where: Path) -> None:
    """The fields of one ``<docname>.meta.json`` have the types the builder writes."""
    if not isinstance(data, dict):
        raise refuse(where, "the metadata is not a JSON object")
    if data.get("docname") != docname:
        raise refuse(where, f"'docname' is {data.get('docname')!r}, not {docname!r}")
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        raise refuse(where, "'title' is not a non-empty string")
    if data.get("parent") is not None and not isinstance(data["parent"], str):
        raise refuse(where, "'parent' is not a document name")
    for name in ("labels", "links"):
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise refuse(where, f"{name!r} is not a list of strings")
    if data.get("guid") is not None and not isinstance(data["guid"], str):
        raise refuse(where, "'guid' is not a string")
    if data.get("full_width") is not None and not isinstance(data["full_width"], bool):
        raise refuse(where, "'full_width' is not true, false or null")
    titles = data.get("link_titles", {})
    if not isinstance(titles, dict) or not all(isinstance(v, str) for v in titles.values()):
        raise refuse(where, "'link_titles' is not an object of strings")
    atts = data.get("attachments", [])
    if not isinstance(atts, list):
        raise refuse(where, "'attachments' is not a list")
    for att in atts:
        _check_attachment_fields(att, where)


def _check_attachment_fields(att: Any, where: Path) -> None:
    fields = {"name": str, "path": str, "sha256": str, "media_type": str, "size": int}
    if not isinstance(att, dict) or set(att) != set(fields) or any(
            not isinstance(att[k], t) or isinstance(att[k], bool) for k, t in fields.items()):
        raise refuse(where, f"an attachment entry is not name/path/sha256/media_type/size: "
                     f"{str(att)[:120]}")
    if not _SHA256.fullmatch(att["sha256"]) or att["size"] < 0 or not att["name"].strip():
        raise refuse(where, f"attachment {att['name']!r} has a bad sha256, size or name")


def check_attachment_file(root: Path, relative: str, size: int, sha256: str,
                          attachments_dir: str) -> None:
    """An attachment file is in ``attachments_dir`` inside ``root`` and has the size and
    sha256 its metadata records."""
    if not relative.startswith(attachments_dir + "/"):
        raise refuse(root, f"attachment file {relative!r} is not in {attachments_dir}/")
    path = inside(root, relative, "attachment file")
    try:
        actual = path.stat().st_size
        if actual != size:
            raise refuse(path, f"is {actual} bytes; its metadata says {size}")
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
    except OSError as exc:
        raise refuse(path, f"the attachment file is missing or unreadable "
                     f"({exc.strerror or exc})") from None
    if digest.hexdigest() != sha256:
        raise refuse(path, "does not match the sha256 recorded in its metadata (changed "
                     "after the build)")
