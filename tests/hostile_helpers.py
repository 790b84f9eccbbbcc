"""Helpers for the secret-keeping tests: a project with a given conf.py, a build that
captures everything Sphinx prints, a byte-wise scan for secrets, and a misbehaving
proxy in front of the emulator that can echo secrets back."""

from __future__ import annotations

import io
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace


def make_project(root: Path, conf: str, *, pages: int = 2) -> Path:
    """``root/src`` with ``conf.py`` = the extension line + ``conf`` and ``pages`` pages."""
    src = root / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text("project = 'Secret Proj'\n"
                                 "extensions = ['sphinxcontrib.confluencebuilder']\n"
                                 "confluence_space_key = 'DOCS'\n" + conf, encoding="utf-8")
    names = [f"page{i}" for i in range(1, pages)]
    toctree = "".join(f"   {n}\n" for n in names)
    (src / "index.rst").write_text(f"Home\n====\n\nHello.\n\n.. toctree::\n\n{toctree}",
                                   encoding="utf-8")
    for name in names:
        (src / f"{name}.rst").write_text(f"{name.title()}\n=====\n\nText of {name}.\n",
                                         encoding="utf-8")
    return src


@dataclass
class BuildResult:
    app: Sphinx
    status: str
    warning: str


def build(src: Path, out: Path, *, verbosity: int = 0, fresh: bool = True,
          **overrides: Any) -> BuildResult:
    """Run ``sphinx-build -b confluence`` in process; everything printed is captured."""
    status, warning = io.StringIO(), io.StringIO()
    with docutils_namespace():
        app = Sphinx(str(src), str(src), str(out), str(out / ".doctrees"), "confluence",
                     confoverrides=overrides, status=status, warning=warning,
                     freshenv=fresh, verbosity=verbosity)
        app.build()
    return BuildResult(app, status.getvalue(), warning.getvalue())


def spellings(secret: str) -> set[bytes]:
    """How a secret may be written: as is, lower- and upper-cased, URL-encoded, in JSON."""
    texts = {secret, secret.lower(), secret.upper(), quote(secret, safe=""), quote_plus(secret),
             json.dumps(secret)[1:-1]}
    return {t.encode() for t in texts} | {t.encode("utf-16-le") for t in texts}


def find_secrets(data: bytes | str, secrets: Iterable[str]) -> list[str]:
    """The secrets found in ``data`` (any spelling of :func:`spellings`)."""
    raw = data.encode() if isinstance(data, str) else data
    return [s for s in secrets if any(form in raw for form in spellings(s))]


def scan_tree(root: Path, secrets: Iterable[str]) -> dict[str, list[str]]:
    """Every file under ``root`` (recursively) that holds a secret, with what it holds."""
    secrets = list(secrets)
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            hits = find_secrets(path.read_bytes(), secrets)
            if hits:
                found[str(path.relative_to(root))] = hits
    return found


# -- a misbehaving proxy in front of the emulator -------------------------------------

Rewrite = Callable[[str, str, dict[str, str], int, dict[str, str], bytes],
                   tuple[int, dict[str, str], bytes]]


@contextmanager
def echo_proxy(target: str, rewrite: Rewrite) -> Iterator[str]:
    """A reverse proxy on 127.0.0.1 forwarding to ``target`` (the emulator's origin);
    ``rewrite(method, path, request_headers, status, headers, body)`` may change each
    answer, e.g. to echo the caller's credential. Yields the proxy's origin URL."""

    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            sent = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            request = urllib.request.Request(target.rstrip("/") + self.path, data=body,
                                             headers=sent, method=self.command)
            try:
                with _NO_REDIRECT.open(request, timeout=30) as reply:
                    status, headers, payload = reply.status, dict(reply.headers), reply.read()
            except urllib.error.HTTPError as exc:
                status, headers, payload = exc.code, dict(exc.headers), exc.read()
            status, headers, payload = rewrite(self.command, self.path, sent, status,
                                               headers, payload)
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_NO_REDIRECT = urllib.request.build_opener(_KeepRedirects)
