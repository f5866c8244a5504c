"""Customers' photos and voice messages over HTTP: the bot uploads them (POST /api/v1/media,
the API token), Friends and the console open them (GET /media/<id>, the unguessable id is the
key). What a file is, is decided by its bytes (backend/domain/media.py)."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from backend.domain.media import MAX_BYTES, SOURCES, TOO_BIG, Refused, media_url, sniff
from backend.services import media as stored
from backend.web.json import error
from backend.web.openapi import ERROR, Operation
from backend.web.openapi_schemas import Schema, enum, json_response
from backend.web.runtime import RUNTIME

CHUNK = 64 * 1024
SOURCE_HEADER = "X-Media-Source"
# A file never changes under its id (the id is drawn once per content), but it is erased with
# the customer's data: browsers may keep it a day, shared caches not at all.
CACHE_CONTROL = "private, max-age=86400, immutable"
SERVE_HEADERS = {
    # Only the sniffed image and audio types are ever stored, so with nosniff no browser takes
    # a file for a page, whatever else its bytes hold.
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
}


async def _read_at_most(request: web.Request, limit: int) -> bytes | Refused:
    """The body, or TOO_BIG as soon as it passes the limit: the rest is never held in memory.
    (client_max_size only guards request.read(); this reads the stream itself.)"""
    declared = request.content_length
    if declared is not None and declared > limit:
        return TOO_BIG
    body = bytearray()
    async for chunk in request.content.iter_chunked(CHUNK):
        body += chunk
        if len(body) > limit:
            return TOO_BIG
    return bytes(body)


async def upload(request: web.Request) -> web.Response:
    """Store one file sent as the raw body; the declared Content-Type is not looked at."""
    source = request.headers.get(SOURCE_HEADER, "").strip().lower()
    if source and source not in SOURCES:
        return error(400, f"{SOURCE_HEADER} must be one of {', '.join(SOURCES)}")
    data = await _read_at_most(request, MAX_BYTES)
    if isinstance(data, Refused):
        return error(data.status, data.reason, limit=MAX_BYTES)
    verdict = sniff(data)
    if isinstance(verdict, Refused):
        return error(verdict.status, verdict.reason)
    rt = request.app[RUNTIME]
    async with rt.sessions() as session:
        media, created = await stored.store(session, data, verdict, source, rt.settings.clock())
        body = {
            "id": media.id,
            "url": media_url(rt.settings.public_base_url, media.id),
            "kind": media.kind,
            "content_type": media.content_type,
            "bytes": media.size,
        }
    return web.json_response(body, status=201 if created else 200)


async def serve(request: web.Request) -> web.StreamResponse:
    async with request.app[RUNTIME].sessions() as session:
        media = await stored.find(session, request.match_info["media_id"])
    if media is None:
        return error(404, "no such file (it may have been erased)")
    etag = f'"{media.sha256}"'
    headers = SERVE_HEADERS | {"Cache-Control": CACHE_CONTROL, "ETag": etag}
    if etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    return web.Response(body=media.data, content_type=media.content_type, headers=headers)


@dataclass(frozen=True)
class RawUpload(Operation):
    """An operation whose body is a file's raw bytes, not JSON."""

    def as_json(self) -> Schema:
        out = super().as_json()
        binary = {"schema": {"type": "string", "format": "binary"}}
        out["requestBody"] = {"required": True, "content": {"application/octet-stream": binary}}
        return out


UPLOAD = RawUpload(
    "Store a customer's photo or voice message (raw bytes, at most 5 MiB; the type is judged "
    "by the content: JPEG, PNG, WebP, GIF, OGG/Opus, MP3, M4A, AMR). 201 new, 200 when the "
    "same bytes were stored before; the URL is public to whoever knows it (/media/<id>)",
    parameters=(
        {
            "name": SOURCE_HEADER,
            "in": "header",
            "schema": enum(SOURCES),
            "description": "who handed the file over",
        },
    ),
    body={"type": "string", "format": "binary"},
    responses={
        "201": json_response("Media", "stored"),
        "200": json_response("Media", "these bytes were stored before: the same id"),
        "400": ERROR,
        "413": ERROR,
        "415": ERROR,
    },
)
