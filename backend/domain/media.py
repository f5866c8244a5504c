"""Photos and voice messages customers send: what a file is (by its bytes, never by what the
sender declares), how large it may be, and what the backend's own media URLs look like.

Pure: the bytes come in, a verdict goes out. Storing is backend/services/media.py's, HTTP is
backend/web/media.py's.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

# 5 MiB: WhatsApp's own limit for images; a minute of voice is far less.
MAX_BYTES = 5 * 1024 * 1024
IMAGE, AUDIO = "image", "audio"
KINDS = (IMAGE, AUDIO)
CONTENT_TYPES = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "audio/ogg",
    "audio/mpeg",
    "audio/mp4",
    "audio/amr",
)
# Who handed the file over (the X-Media-Source header): only a label for support.
SOURCES = ("whatsapp", "messenger")
# 128 random bits as 32 lower-case hex digits: the id is the only key to a file.
_ID = re.compile(r"[0-9a-f]{32}")
MEDIA_PATH = "/media/"


@dataclass(frozen=True)
class MediaType:
    kind: str  # IMAGE | AUDIO
    content_type: str


@dataclass(frozen=True)
class Refused:
    """Why a file is not taken: the HTTP status that says so and a reason for the sender."""

    status: int
    reason: str


TOO_BIG = Refused(413, f"file larger than {MAX_BYTES} bytes (5 MiB)")
EMPTY = Refused(400, "empty body: send the file's bytes")
UNKNOWN = Refused(
    415,
    "not a photo or voice message we accept (JPEG, PNG, WebP, GIF; OGG/Opus, MP3, M4A, AMR), "
    "judged by the file's content",
)
VIDEO = Refused(415, "an MP4 with a video track: only photos and voice messages are accepted")


def _is_mp3_frame(head: bytes) -> bool:
    """An MPEG audio frame header: 11 sync bits, then no reserved version, layer, bitrate or
    sample rate (random bytes starting 0xFF rarely pass all four)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 0b11
    return version != 0b01 and layer != 0b00 and bitrate not in (0, 0xF) and rate != 0b11


def _ogg_audio(data: bytes) -> bool:
    """An Ogg stream whose first packet starts an audio codec (Opus, as WhatsApp's voice
    notes, or Vorbis): a video in an Ogg container is not a voice message."""
    if len(data) < 28 or data[:4] != b"OggS":
        return False
    segments = data[26]
    first = data[27 + segments : 27 + segments + 8]
    return first.startswith((b"OpusHead", b"\x01vorbis"))


def _has_video_track(data: bytes) -> bool:
    # An MP4's track handler box: "hdlr", version and flags, pre_defined, then the type.
    start = 0
    while (at := data.find(b"hdlr", start)) != -1:
        if data[at + 12 : at + 16] == b"vide":
            return True
        start = at + 4
    return False


def sniff(data: bytes) -> MediaType | Refused:
    """What the bytes are, or why they are refused. The size is checked first."""
    if not data:
        return EMPTY
    if len(data) > MAX_BYTES:
        return TOO_BIG
    if data.startswith(b"\xff\xd8\xff"):
        return MediaType(IMAGE, "image/jpeg")
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return MediaType(IMAGE, "image/png")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return MediaType(IMAGE, "image/webp")
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return MediaType(IMAGE, "image/gif")
    if _ogg_audio(data):
        return MediaType(AUDIO, "audio/ogg")
    if data[4:8] == b"ftyp":
        return VIDEO if _has_video_track(data) else MediaType(AUDIO, "audio/mp4")
    if data.startswith(b"#!AMR\n"):
        return MediaType(AUDIO, "audio/amr")
    if data.startswith(b"ID3") or _is_mp3_frame(data[:4]):
        return MediaType(AUDIO, "audio/mpeg")
    return UNKNOWN


def new_media_id() -> str:
    return secrets.token_hex(16)


def is_media_id(value: str) -> bool:
    return _ID.fullmatch(value) is not None


def media_url(public_base_url: str, media_id: str) -> str:
    return f"{public_base_url.rstrip('/')}{MEDIA_PATH}{media_id}"


def media_id_of(url: str, public_base_url: str) -> str | None:
    """The id when `url` is one of this backend's media URLs ({PUBLIC_BASE_URL}/media/<id>),
    else None. The base may be http (a test, a local run); any other host is not ours."""
    base = public_base_url.rstrip("/") + MEDIA_PATH
    if not public_base_url or not url.startswith(base):
        return None
    rest = url[len(base) :]
    return rest if is_media_id(rest) else None


def media_path(url: str, public_base_url: str) -> str | None:
    """/media/<id> for one of our media URLs: pages on this origin link it relative, so a
    console opened under another host name than PUBLIC_BASE_URL still shows it."""
    media_id = media_id_of(url, public_base_url)
    return MEDIA_PATH + media_id if media_id else None


def media_ids_in(urls: list[str] | tuple[str, ...], public_base_url: str) -> list[str]:
    """The ids of those URLs that are ours, in order, each once."""
    found: list[str] = []
    for url in urls:
        media_id = media_id_of(url, public_base_url)
        if media_id and media_id not in found:
            found.append(media_id)
    return found


_ANY_MEDIA_URL = re.compile(r"/media/([0-9a-f]{32})(?![0-9a-f])")


def media_ids_mentioned(text: str) -> set[str]:
    """Every media id a text names in a /media/<id> link (a chat's events, a job's log)."""
    return set(_ANY_MEDIA_URL.findall(text))
