"""The on-disk bundle the builder writes and the publisher reads.

Layout of an output directory (all paths relative to it, ``/`` separated)::

    <docname><suffix>          the exact storage-format body to publish
    <docname>.meta.json        PageMeta: title, parent, labels, attachments, links
    _attachments/<sha256><ext> every attachment, copied (the bundle is self-contained)
    scb-manifest.json          spec "scb-manifest/1": publish order and one entry a page

``read_bundle(outdir)`` is the one way to read it back: it verifies every body against
its recorded hash and returns the pages parents-first.
"""

from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import bundlecheck
from .errors import ConfluenceBuildError

MANIFEST = "scb-manifest.json"
MANIFEST_SPEC = "scb-manifest/1"
META_SUFFIX = ".meta.json"
ATTACHMENTS_DIR = "_attachments"


@dataclass(frozen=True)
class Attachment:
    """One page attachment; ``path`` is relative to the output directory."""

    name: str
    path: str
    sha256: str
    media_type: str
    size: int


@dataclass(frozen=True)
class PageMeta:
    """Metadata of one page, as stored in ``<docname>.meta.json``."""

    docname: str
    title: str
    parent: str | None = None
    labels: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    links: tuple[str, ...] = ()
    #: titles of the linked pages at write time (lets incremental builds notice renames)
    link_titles: Mapping[str, str] = field(default_factory=dict)
    #: fingerprint of the page chrome (header, footer, prev/next, source link) written
    chrome: str = ""
    #: user-managed id of the page (``confluence_metadata :guid:``), passed to events
    guid: str | None = None
    #: per-page full width (``confluence_metadata :full-width:``); None: the option's
    full_width: bool | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["labels"] = list(self.labels)
        data["links"] = list(self.links)
        data["attachments"] = [asdict(a) for a in self.attachments]
        data["link_titles"] = dict(sorted(self.link_titles.items()))
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PageMeta:
        return cls(
            docname=str(data["docname"]),
            title=str(data["title"]),
            parent=data.get("parent"),
            labels=tuple(data.get("labels", ())),
            attachments=tuple(Attachment(**a) for a in data.get("attachments", ())),
            links=tuple(data.get("links", ())),
            link_titles=dict(data.get("link_titles", {})),
            chrome=str(data.get("chrome", "")),
            guid=data.get("guid"),
            full_width=data.get("full_width"),
        )


@dataclass(frozen=True)
class Page:
    """A page read back from a bundle: metadata plus the body to publish."""

    meta: PageMeta
    body: str
    #: absolute path of the body file
    file: Path

    @property
    def docname(self) -> str:
        return self.meta.docname

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def parent(self) -> str | None:
        return self.meta.parent


@dataclass(frozen=True)
class Bundle:
    """Everything ``read_bundle`` returns; ``pages`` are in publish order (parents first)."""

    outdir: Path
    manifest: Mapping[str, Any]
    pages: tuple[Page, ...]

    @property
    def editor(self) -> str:
        return str(self.manifest.get("editor", "v1"))

    @property
    def root(self) -> str:
        return str(self.manifest.get("root", ""))

    def attachment_file(self, attachment: Attachment) -> Path:
        """Absolute path of an attachment's copied file."""
        return self.outdir / attachment.path


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_type_of(name: str) -> str:
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


def store_attachment(outdir: Path, name: str, source: str | os.PathLike[str]) -> Attachment:
    """Copy a local file into ``_attachments/<sha256><ext>`` (once) and describe it."""
    digest = sha256_file(source)
    ext = os.path.splitext(name)[1].lower()
    rel = f"{ATTACHMENTS_DIR}/{digest}{ext}"
    target = outdir / rel
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)  # atomic: parallel writers may copy the same file
    return Attachment(
        name=name,
        path=rel,
        sha256=digest,
        media_type=media_type_of(name),
        size=target.stat().st_size,
    )


def body_path(outdir: Path, docname: str, suffix: str) -> Path:
    return outdir / (docname + suffix)


def meta_path(outdir: Path, docname: str) -> Path:
    return outdir / (docname + META_SUFFIX)


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def write_page(outdir: Path, suffix: str, body: str, meta: PageMeta) -> None:
    """Write a page body and its ``.meta.json`` beside it."""
    _write_text(body_path(outdir, meta.docname, suffix), body)
    _write_text(
        meta_path(outdir, meta.docname),
        json.dumps(meta.to_json(), indent=1, ensure_ascii=False, sort_keys=True) + "\n",
    )


def read_meta(outdir: Path, docname: str) -> PageMeta | None:
    """The stored metadata of a page, or None if absent or unreadable."""
    try:
        with open(meta_path(outdir, docname), encoding="utf-8") as handle:
            return PageMeta.from_json(json.load(handle))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remove_page(outdir: Path, docname: str, suffix: str) -> None:
    for path in (body_path(outdir, docname, suffix), meta_path(outdir, docname)):
        path.unlink(missing_ok=True)


def write_manifest(
    outdir: Path,
    *,
    info: Mapping[str, Any],
    order: Iterable[str],
    metas: Mapping[str, PageMeta],
    suffix: str,
    embed: bool = False,
) -> dict[str, Any]:
    """Write ``scb-manifest.json``; ``info`` holds project, version, release, editor,
    generated and root. Only documents in ``metas`` are listed. With ``embed``
    (confluence_manifest_data) each page and attachment carries its data in base64."""
    pages: dict[str, Any] = {}
    ordered = [d for d in order if d in metas]
    for docname in ordered:
        meta = metas[docname]
        file = body_path(outdir, docname, suffix)
        data = file.read_bytes()
        pages[docname] = {
            "title": meta.title,
            "parent": meta.parent,
            "body_sha256": sha256_bytes(data),
            "file": docname + suffix,
            "meta": docname + META_SUFFIX,
        }
        if embed:
            pages[docname]["data"] = base64.b64encode(data).decode("ascii")
            pages[docname]["attachments"] = [
                {"name": a.name, "media_type": a.media_type, "sha256": a.sha256,
                 "path": a.path,
                 "data": base64.b64encode((outdir / a.path).read_bytes()).decode("ascii")}
                for a in meta.attachments]
    manifest = {"spec": MANIFEST_SPEC, **info, "order": ordered, "pages": pages}
    _write_text(outdir / MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return manifest


def _read_page(root: Path, docname: str, entry: Mapping[str, Any]) -> Page:
    """One page of a bundle: body and metadata, both inside ``root``, checked."""
    file = bundlecheck.inside(root, entry["file"], "page file")
    meta_file = bundlecheck.inside(root, entry["meta"], "metadata file")
    try:
        data = file.read_bytes()
        raw = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfluenceBuildError(
            f"page {docname!r} of {root} is missing or unreadable: {exc}",
            hint="Rebuild the documentation.",
        ) from exc
    bundlecheck.check_meta(raw, docname, meta_file)
    meta = PageMeta.from_json(raw)
    if sha256_bytes(data) != entry["body_sha256"]:
        raise ConfluenceBuildError(
            f"{file} does not match the sha256 recorded in {MANIFEST}",
            hint="The output was changed after the build; rebuild it.",
        )
    try:
        body = data.decode("utf-8")
    except UnicodeDecodeError:
        raise bundlecheck.refuse(file, "the page body is not UTF-8 text") from None
    return Page(meta=meta, body=body, file=file)


def read_bundle(outdir: str | os.PathLike[str]) -> Bundle:
    """Read a built output directory back, pages parents-first.

    Raises ``ConfluenceBuildError`` when the manifest is missing or of another spec,
    a page file is missing, or a body no longer matches its recorded sha256 (the
    directory was edited or is half-written: rebuild it). Nothing in the directory is
    trusted (``bundlecheck``): shapes, paths (inside it, symlinks followed) and every
    attachment's size and sha256 are checked before anything is returned.
    """
    root = Path(outdir)
    manifest_file = root / MANIFEST
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfluenceBuildError(
            f"no {MANIFEST} in {root}",
            hint="Build the documentation first: sphinx-build -b confluence SRC OUTDIR",
        ) from None
    except (OSError, ValueError) as exc:
        raise ConfluenceBuildError(
            f"cannot read {manifest_file}: {exc}", hint="Rebuild the documentation."
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("spec") != MANIFEST_SPEC:
        raise ConfluenceBuildError(
            f"{manifest_file} is not a {MANIFEST_SPEC} manifest",
            hint="Rebuild with this version of sphinxcontrib-confluencebuilder.",
        )
    pages: list[Page] = []
    for docname, entry in bundlecheck.manifest_pages(manifest, manifest_file):
        pages.append(_read_page(root, docname, entry))
    for page in pages:  # every attachment checked before the first write
        for att in page.meta.attachments:
            bundlecheck.check_attachment_file(root, att.path, att.size, att.sha256,
                                              ATTACHMENTS_DIR)
    return Bundle(outdir=root, manifest=manifest, pages=tuple(pages))
