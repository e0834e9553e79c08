"""Serve the simulators as a real HTTP server on loopback.

The simulators are Django views under sandbox.urls, served by their own WSGI
handler without the portal's middleware (no sessions, no CSRF: they are APIs).
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler


class SandboxHandler(WSGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response)

    def get_response(self, request: Any) -> Any:
        request.urlconf = "sandbox.urls"
        return super().get_response(request)


class QuietRequestHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        # Request lines carry query strings with patient names and e-mails.
        return


def make_server(host: str = "127.0.0.1", port: int = 8100) -> ThreadedWSGIServer:
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("The sandbox serves loopback only.")
    server = ThreadedWSGIServer((host, port), QuietRequestHandler, allow_reuse_address=True)
    server.daemon_threads = True
    server.set_app(SandboxHandler())
    return server


class SandboxThread(threading.Thread):
    """The sandbox in a background thread, for tests and benchmarks."""

    def __init__(self, port: int = 0) -> None:
        super().__init__(daemon=True, name="sandbox-server")
        self.server = make_server(port=port)
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"

    def run(self) -> None:
        self.server.serve_forever(poll_interval=0.1)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
