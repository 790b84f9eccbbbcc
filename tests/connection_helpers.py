"""Helpers for the connection tests: settings for an emulator, a recording sleep, and a
tiny scripted HTTP server on 127.0.0.1 for cases the emulator does not cover."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sphinxcontrib.confluencebuilder import config
from sphinxcontrib.confluencebuilder.rest.ratelimit import forget_limiter
from sphinxcontrib.confluencebuilder.settings import ConnectionSettings, from_config


def emulator_options(server: Any, **overrides: Any) -> dict[str, Any]:
    """conf.py-style options that log in to ``server`` with its own credentials."""
    opts: dict[str, Any] = {"server_url": server.url, "space_key": server.space_key,
                            "publish_retry_duration": 0.01, "publish_retry_attempts": 2}
    if server.mode == "cloud":
        opts.update(cloud=True, server_user=server.user, api_token=server.api_token)
    else:
        opts.update(publish_token=server.pat)
    opts.update(overrides)
    return opts


def emulator_settings(server: Any, **overrides: Any) -> ConnectionSettings:
    settings = from_config(config.defaults(**emulator_options(server, **overrides)))
    return replace(settings, retry_after_cap=5.0, backoff_cap=0.05)


def settings_for(url: str, **overrides: Any) -> ConnectionSettings:
    opts: dict[str, Any] = {"server_url": url, "publish_retry_duration": 0.01}
    opts.update(overrides)
    return replace(from_config(config.defaults(**opts)), retry_after_cap=5.0, backoff_cap=0.05)


class RecordingSleep:
    """Records requested waits; really sleeps at most ``cap`` seconds; may run a hook."""

    def __init__(self, cap: float = 0.0, hook: Callable[[float], None] | None = None) -> None:
        self.cap = cap
        self.hook = hook
        self.calls: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, seconds: float) -> None:
        with self._lock:
            self.calls.append(seconds)
        if self.hook is not None:
            self.hook(seconds)
        if self.cap > 0:
            time.sleep(min(seconds, self.cap))


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


#: a handler returns (status, headers, body), or None to drop the connection unanswered
Handler = Callable[[Received], "tuple[int, dict[str, str], bytes] | None"]


@dataclass
class TinyServer:
    handler: Handler
    received: list[Received] = field(default_factory=list)
    url: str = ""


@contextmanager
def tiny_server(handler: Handler) -> Iterator[TinyServer]:
    """A threaded HTTP server on 127.0.0.1:0 answering with ``handler``; records requests."""
    state = TinyServer(handler)

    class _H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            got = Received(self.command, self.path, dict(self.headers.items()), body)
            state.received.append(got)
            answer = state.handler(got)
            if answer is None:
                self.close_connection = True
                return
            status, headers, payload = answer
            self.send_response(status)
            headers = {"Content-Length": str(len(payload)), **headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _H)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
        forget_limiter(state.url)


@contextmanager
def capture_logs() -> Iterator[list[str]]:
    """Every record of the sphinx and urllib3 loggers (and root), formatted, at DEBUG."""
    lines: list[str] = []

    seen: set[int] = set()
    kept: list[logging.LogRecord] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if id(record) not in seen:  # a record may pass through several loggers
                seen.add(id(record))
                kept.append(record)  # keeps ids unique while collecting
                lines.append(record.getMessage())

    handler = _Collect(logging.DEBUG)
    names = ("sphinx", "urllib3", "")
    saved = []
    for name in names:
        log = logging.getLogger(name)
        saved.append((log, log.level))
        log.addHandler(handler)
        log.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        for log, level in saved:
            log.removeHandler(handler)
            log.setLevel(level)
