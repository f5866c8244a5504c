"""The website chat widget's files (backend/webchat/static/), served to any page that embeds it.

One `<script src="…/webchat/widget.js" data-server="<Rasa URL>" defer>` on a page adds the chat;
widget.js then loads widget.css and the vendored socket.io client from the same folder.
widget.js and widget.css keep their names across releases, so browsers must ask again each
time (`no-cache`: a 304 when unchanged); the vendored client carries its version in its name
and may be kept for a year.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from backend.web.routing import Handler

STATIC_DIR = Path(__file__).resolve().parent.parent / "webchat" / "static"
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
REVALIDATE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"


def _headers(cache_control: str) -> dict[str, str]:
    return {
        "Cache-Control": cache_control,
        "X-Content-Type-Options": "nosniff",
        # Other sites' pages load these files on purpose.
        "Cross-Origin-Resource-Policy": "cross-origin",
        "Access-Control-Allow-Origin": "*",
    }


def _file_response(path: Path, cache_control: str) -> web.FileResponse:
    response = web.FileResponse(path, headers=_headers(cache_control))
    response.content_type = CONTENT_TYPES[path.suffix].split(";")[0]
    response.charset = "utf-8"
    return response


def asset(name: str) -> Handler:
    """A handler serving one named file of the widget (checked to exist when the map is built)."""
    path = STATIC_DIR / name
    if path.suffix not in CONTENT_TYPES or not path.is_file():
        raise ValueError(f"no widget file {path}")

    async def serve(request: web.Request) -> web.FileResponse:
        return _file_response(path, REVALIDATE)

    return serve


async def vendored(request: web.Request) -> web.FileResponse:
    """A vendored library, by its versioned name (vendor/socket.io-4.8.4.min.js)."""
    name = request.match_info["name"]
    folder = STATIC_DIR / "vendor"
    path = folder / name
    # Only plain names of files that are there: no "..", no sub-folders, nothing hidden.
    if "/" in name or name.startswith(".") or path.suffix not in CONTENT_TYPES:
        raise web.HTTPNotFound()
    if not path.is_file():
        raise web.HTTPNotFound()
    return _file_response(path, IMMUTABLE)
