"""The emulator's sockets: a threaded HTTP(S) server, its request handler and the byte
pipe of a CONNECT tunnel. Everything a request means is decided by the emulator
(:class:`.server.ConfluenceEmulator`), which this module sees only through
:class:`Emulator`, so the two do not import each other.
"""

from __future__ import annotations

import json
import select
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from .protocol import ApiResponse

__all__ = ["Emulator", "Handler", "Server", "pipe"]


class Emulator(Protocol):
    """What the HTTP shell asks of the emulator."""

    mode: str

    def knobs(self) -> dict[str, Any]: ...

    def handle(self, h: Handler, body: bytes) -> ApiResponse | None: ...

    def tunnel(self, h: Handler) -> None: ...


def pipe(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until either side closes or 30 s pass in silence."""
    while True:
        readable, _, _ = select.select([a, b], [], [], 30)
        if not readable:
            return
        for src in readable:
            data = src.recv(65536)
            if not data:
                return
            (b if src is a else a).sendall(data)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    emulator: Emulator
    tls_context: ssl.SSLContext | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def finish_request(self, request: Any, client_address: Any) -> None:
        conn = request
        if self.tls_context is not None and self._speaks_tls(request):
            # handshake in the worker thread, not in accept()
            try:
                conn = self.tls_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        with self._conns_lock:
            self._conns.add(conn)
        try:
            self.RequestHandlerClass(conn, client_address, self)  # type: ignore[arg-type]
        finally:
            with self._conns_lock:
                self._conns.discard(conn)
            if conn is not request:
                conn.close()

    def _speaks_tls(self, request: socket.socket) -> bool:
        """With ``sso='proxy'`` a TLS port also takes plain HTTP: the proxy's own protocol."""
        if self.emulator.knobs()["sso"] != "proxy":
            return True
        request.settimeout(30)
        try:
            return request.recv(1, socket.MSG_PEEK) == b"\x16"  # a TLS ClientHello
        except OSError:
            return True
        finally:
            request.settimeout(None)

    def close_connections(self) -> None:
        with self._conns_lock:
            for conn in list(self._conns):
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # client went away mid-answer: nothing to report


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # one answer is two writes: avoid the 40 ms ACK stall
    timeout = 30
    server: Server

    def version_string(self) -> str:
        return "AtlassianEdge" if self.server.emulator.mode == "cloud" else "Apache"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except ValueError:  # a Content-Length or chunk size that is not a number
            self.send_error(400, "Bad request body framing")
            return
        rsp = self.server.emulator.handle(self, body)
        if rsp is None:
            self.close_connection = True
            return
        self.send_answer(rsp)

    def send_answer(self, rsp: ApiResponse) -> None:
        if rsp.stream is not None:
            self._send_stream(rsp)
            return
        if rsp.body is None or rsp.status in (204, 304):
            payload = b""
        elif isinstance(rsp.body, bytes):
            payload = rsp.body
        else:
            payload = json.dumps(rsp.body).encode("utf-8")
        self.send_response(rsp.status)
        self.send_header("Content-Type", rsp.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in rsp.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD" and rsp.status not in (204, 304):
            self.wfile.write(payload)

    def _send_stream(self, rsp: ApiResponse) -> None:
        self.send_response(rsp.status)
        self.send_header("Content-Type", rsp.content_type)
        if rsp.length:
            self.send_header("Content-Length", str(rsp.length))
        for name, value in rsp.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.close_connection = True
        try:
            for piece in rsp.stream or ():
                self.wfile.write(piece)
                self.wfile.flush()
        except OSError:
            pass  # the client gave up (deadline, size cap): that is the point

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _serve

    def do_CONNECT(self) -> None:
        self.server.emulator.tunnel(self)
