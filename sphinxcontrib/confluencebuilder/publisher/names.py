"""Attachment names that Confluence accepts and that are unique on their page."""

from __future__ import annotations

import os
from xml.sax.saxutils import escape

from ..pages import Page
from .identity import safe_attachment_name


def attachment_names(page: Page) -> dict[str, str]:
    """Original name -> the name to use on the page.

    Characters Confluence refuses become ``_``; two different files that end up with
    the same name (case-insensitively) get ``_2``, ``_3`` ... before the extension.
    """
    out: dict[str, str] = {}
    taken: dict[str, str] = {}  # casefolded name -> sha256
    for att in page.meta.attachments:
        if att.name in out:
            continue
        name = safe_attachment_name(att.name)
        stem, ext = os.path.splitext(name)
        counter = 1
        while name.casefold() in taken and taken[name.casefold()] != att.sha256:
            counter += 1
            name = f"{stem}_{counter}{ext}"
        taken[name.casefold()] = att.sha256
        out[att.name] = name
    return out


def rename_references(body: str, renames: dict[str, str]) -> str:
    """Point ``ri:filename`` references at the names actually used."""
    for old, new in renames.items():
        if old != new:
            body = body.replace(f'ri:filename="{escape(old, {chr(34): "&quot;"})}"',
                                f'ri:filename="{escape(new, {chr(34): "&quot;"})}"')
    return body
