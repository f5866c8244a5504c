"""Sanic 21.12's websockets on Python 3.11: the fix that lets the web chat use them.

Sanic's `WebsocketImplProtocol.recv` hands a coroutine to `asyncio.wait`, which Python 3.11
refuses (TypeError): every websocket ends right after its handshake, so socket.io clients fall
back to long-polling or fail when told to use websockets only. Rasa 3.6 pins Sanic 21.12, and
Sanic fixed this in 22.x; until Rasa moves, `install()` replaces `recv` with the same method
that wraps the coroutine in a task. Nothing else in the Rasa server uses Sanic's websockets.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sanic.exceptions import ServerError, WebsocketClosed
from sanic.server.websockets.impl import WebsocketImplProtocol
from websockets.connection import CLOSED

log = logging.getLogger(__name__)
_MARK = "_techfriends_fixed"


async def _recv(self: Any, timeout: float | None = None) -> Any:  # noqa: ASYNC109 (Sanic's signature)
    """WebsocketImplProtocol.recv of Sanic 21.12 with `assembler.get` as a task."""
    if self.recv_lock.locked():
        raise ServerError("cannot call recv while another task is already waiting")
    await self.recv_lock.acquire()
    if self.connection.state is CLOSED:
        self.recv_lock.release()
        raise WebsocketClosed("Cannot receive from websocket interface after it is closed.")
    getting = asyncio.ensure_future(self.assembler.get(timeout))
    try:
        self.recv_cancel = asyncio.Future()
        done, _ = await asyncio.wait(
            (self.recv_cancel, getting), return_when=asyncio.FIRST_COMPLETED
        )
        if self.recv_cancel in done:  # the websocket is closing
            getting.cancel()
            raise asyncio.CancelledError()
        self.recv_cancel.cancel()
        return getting.result()
    finally:
        if not getting.done():
            getting.cancel()
        self.recv_cancel = None
        self.recv_lock.release()


def install() -> None:
    if getattr(WebsocketImplProtocol.recv, _MARK, False):
        return
    setattr(_recv, _MARK, True)
    WebsocketImplProtocol.recv = _recv  # type: ignore[method-assign]
    log.debug("Sanic's websocket recv replaced (Python 3.11 fix)")
