"""A recorded-response HTTP server on 127.0.0.1 for the Graph and EWS source tests.

Routes map (method, path regex, optional body/query substring) to a list of responses
served in order (the last one repeats); the server records every request it receives with
the time it arrived, so tests can assert what the client asked for, and when.
Response bodies may contain ``{{BASE}}``, replaced by the server's own base URL (for the
paging and delta links Graph returns as absolute URLs).
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

DATA = Path(__file__).parent / "data"


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    @classmethod
    def file(cls, rel: str, status: int = 200, **kw) -> Reply:
        path = DATA / rel
        ctype = {
            ".json": "application/json",
            ".xml": "text/xml; charset=utf-8",
            ".eml": "text/plain",
        }.get(path.suffix, "application/octet-stream")
        return cls(status, path.read_bytes(), content_type=kw.pop("content_type", ctype), **kw)


@dataclass
class Seen:
    method: str
    path: str  # decoded, without query
    query: str  # decoded
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Route:
    method: str
    pattern: re.Pattern
    contains: tuple[str, ...]
    replies: list[Reply]
    hits: int = 0


class RecordedServer:
    def __init__(self, tls_folder: Path | None = None) -> None:
        """``tls_folder``: serve HTTPS with a certificate for 127.0.0.1 issued by a test CA
        (its certificate is ``self.ca``), as an internal CA would issue it."""
        self.routes: list[Route] = []
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                seen = Seen(
                    self.command,
                    unquote(parts.path),
                    unquote(parts.query),
                    {k: v for k, v in self.headers.items()},
                    body,
                    time.monotonic(),
                )
                reply = server._match(seen)
                payload = reply.body.encode() if isinstance(reply.body, str) else reply.body
                payload = payload.replace(b"{{BASE}}", server.base.encode())
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_DELETE = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.ca: Path | None = None
        scheme = "http"
        if tls_folder is not None:
            import ssl

            from conftest_dovecot import _self_signed

            self.ca = _self_signed(tls_folder)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(tls_folder / "cert.pem", tls_folder / "key.pem")
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.base = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def route(
        self, method: str, path_regex: str, *replies: Reply, contains: str | tuple[str, ...] = ()
    ) -> Route:
        """Serve replies for matching requests; ``contains``: substrings the body or URL
        must all hold (e.g. the SOAP operation and an item id)."""
        needles = (contains,) if isinstance(contains, str) else tuple(contains)
        r = Route(method, re.compile(path_regex), needles, list(replies))
        self.routes.append(r)
        return r

    def _match(self, seen: Seen) -> Reply:
        with self._lock:
            self.seen.append(seen)
            target = seen.path + ("?" + seen.query if seen.query else "")
            for r in self.routes:
                if r.method != seen.method or not r.pattern.search(target):
                    continue
                haystack = seen.body.decode("utf-8", "replace") + target
                if any(n not in haystack for n in r.contains):
                    continue
                reply = r.replies[min(r.hits, len(r.replies) - 1)]
                r.hits += 1
                return reply
        return Reply(
            404, b'{"error": {"code": "ErrorItemNotFound", "message": "no recorded response"}}'
        )

    def requests(self, method: str | None = None, contains: str = "") -> list[Seen]:
        return [
            s
            for s in self.seen
            if (method is None or s.method == method)
            and (
                contains in s.path + "?" + s.query or contains in s.body.decode("utf-8", "replace")
            )
        ]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def recorded_http():
    server = RecordedServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def recorded_https(tmp_path):
    """Like recorded_http, over HTTPS with a certificate from a test CA (``server.ca``)."""
    pytest.importorskip("cryptography")
    server = RecordedServer(tmp_path / "tls")
    try:
        yield server
    finally:
        server.stop()
