"""What keeps `creval serve` answering: deadlines for a request's headers and body, a cap on
open connections, and a stop on SIGTERM that does not wait for slow evaluations.

uvicorn closes idle keep-alive connections (`timeout_keep_alive`) but has no deadline for
the headers of a request: a client that opens a connection and sends nothing, or one byte a
minute, holds it forever, and 1,500 such connections exhaust the server's file descriptors.
`GuardedH11` closes a connection whose request headers are not complete within
HEADER_TIMEOUT seconds; the body's deadline is common.BodyLimit's (408).
"""

from __future__ import annotations

import asyncio
from typing import Callable

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = [
    "GRACEFUL_SHUTDOWN", "GuardedH11", "HEADER_TIMEOUT", "KEEP_ALIVE", "MAX_CONNECTIONS", "Server", "config",
    "more_files"
]

HEADER_TIMEOUT = 10.0  # seconds from a connection's first byte (or its last answer) to complete headers
KEEP_ALIVE = 5  # seconds an idle keep-alive connection stays open
MAX_CONNECTIONS = 4000  # open at once; beyond, a new connection is closed at once (lowered to fit the files allowed)
GRACEFUL_SHUTDOWN = 3  # seconds SIGTERM waits for requests in flight


class GuardedH11(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's headers."""

    _headers_due: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > _max_connections:
            transport.close()
            return
        self._arm()

    def _arm(self) -> None:
        self._headers_due = self.loop.call_later(HEADER_TIMEOUT, self._headers_late)

    def _waiting_for_headers(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _headers_late(self) -> None:
        self._headers_due = None
        if self._waiting_for_headers() and not self.transport.is_closing():
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._headers_due is None and self._waiting_for_headers():
            self._arm()  # a next request on a kept-alive connection: its headers have the same deadline
        super().data_received(data)

    def handle_events(self) -> None:
        super().handle_events()
        if self._headers_due is not None and not self._waiting_for_headers():
            self._headers_due.cancel()  # the headers are in: the body has its own deadline
            self._headers_due = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._headers_due is not None:
            self._headers_due.cancel()
            self._headers_due = None
        super().connection_lost(exc)


class Server(uvicorn.Server):
    """uvicorn's server that, on SIGTERM or Ctrl-C, first tells evaluations to stop (`on_exit`)."""

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None]):
        super().__init__(config)
        self.on_exit = on_exit

    def handle_exit(self, sig, frame) -> None:
        self.on_exit()
        super().handle_exit(sig, frame)


def config(app) -> uvicorn.Config:
    return uvicorn.Config(app, log_level="warning", access_log=False, http=GuardedH11,
                          timeout_keep_alive=KEEP_ALIVE, timeout_graceful_shutdown=GRACEFUL_SHUTDOWN)


_max_connections = MAX_CONNECTIONS


def more_files() -> None:
    """Raise the soft limit of open files toward the hard one (connections are files), and
    keep the connections below it, with room for the database and the rule files."""
    global _max_connections
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = MAX_CONNECTIONS + 256 if hard == resource.RLIM_INFINITY else min(hard, MAX_CONNECTIONS + 256)
        if wanted > soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        _max_connections = max(16, min(MAX_CONNECTIONS, soft - 256))
    except (ImportError, ValueError, OSError):
        pass
