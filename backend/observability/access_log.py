"""aiohttp's access log line, with the request id the middleware gave the request.

aiohttp writes the access log after the middlewares have returned, outside the request's
context, so the id is read from the response header the middleware set.
"""

from __future__ import annotations

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

from messenger_platform import logs


class AccessLogger(AbstractAccessLogger):
    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %.1f ms",
            request.method,
            request.path,
            response.status,
            time * 1000,
            extra={
                "request_id": response.headers.get(logs.REQUEST_ID_HEADER, ""),
                "method": request.method,
                "path": request.path,
                "status": response.status,
                "duration_ms": round(time * 1000, 1),
                "remote": request.remote or "",
            },
        )
