"""What the customer sends besides words: pictures and voice messages, kept for the Friend who
takes the job, and media the channel could not take (too big, wrong type, not loaded).

Pure module (no Rasa imports). One row of ``KINDS`` per kind of media: the intent the channel
sends it with, the entity carrying its URL, the slot collecting the URLs for the job (the job
field of the same name) and the responses acknowledging it. The sentences live in domain.yml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# The backend keeps at most five of each kind with a job (backend/domain/jobs.py).
MAX_ITEMS = 5
MAX_URL = 2000
# Characters the backend refuses in a URL (backend/domain/jobs.py _NOT_IN_URLS).
_NOT_IN_URLS = frozenset(' "<>\\^`{|}')
# The backend's own media (POST /api/v1/media answers "<PUBLIC_BASE_URL>/media/<32 hex>"):
# plain http on a local or test stack, where PUBLIC_BASE_URL is http://127.0.0.1:….
_OWN_MEDIA_PATH = re.compile(r"/media/[0-9a-f]{32}")


@dataclass(frozen=True)
class MediaKind:
    """One kind of media the customer can send, and how the assistant answers it."""

    intent: str  # the channel's payload intent ("/share_image{"image_url": …}")
    entity: str  # the entity with the media's URL
    slot: str  # the list slot (and job field) the URLs are collected in
    received: str  # during the booking: thanks, it goes with the job
    received_before_job: str  # before any problem was described
    after_booking: str  # the job was already sent: it cannot go with it any more
    limit: str  # more than MAX_ITEMS


IMAGE = MediaKind(
    intent="share_image",
    entity="image_url",
    slot="image_urls",
    received="utter_image_received",
    received_before_job="utter_image_received_before_job",
    after_booking="utter_image_after_booking",
    limit="utter_image_limit",
)
# The assistant cannot listen: each response asks for a short text as well.
VOICE = MediaKind(
    intent="share_voice",
    entity="voice_url",
    slot="voice_urls",
    received="utter_voice_received",
    received_before_job="utter_voice_received_before_job",
    after_booking="utter_voice_after_booking",
    limit="utter_voice_limit",
)
KINDS: dict[str, MediaKind] = {kind.intent: kind for kind in (IMAGE, VOICE)}

# media_problem (the channel's /share_media_refused{"media_problem": …}) -> its response.
REFUSED_INTENT = "share_media_refused"
TOO_BIG = "too_big"
WRONG_TYPE = "wrong_type"
UNAVAILABLE = "unavailable"
PROBLEM_RESPONSES = {
    TOO_BIG: "utter_media_too_big",
    WRONG_TYPE: "utter_media_wrong_type",
    UNAVAILABLE: "utter_media_unavailable",
}


def is_media_url(url: Any) -> bool:
    """Whether the backend takes ``url`` with a job: any https URL, or the backend's own media
    URL (``…/media/<id>``), which is plain http on a local stack."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL:
        return False
    if any(char in _NOT_IN_URLS or not char.isprintable() for char in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a broken IPv6 literal
        return False
    if not parts.hostname:
        return False
    if parts.scheme == "https":
        return True
    own = _OWN_MEDIA_PATH.fullmatch(parts.path) is not None
    return parts.scheme == "http" and own and not parts.query and not parts.fragment


def add_url(urls: list[str] | None, url: Any) -> list[str]:
    """The URLs so far plus ``url`` when it is a new media URL; at most MAX_ITEMS."""
    found = [u for u in (urls or []) if isinstance(u, str)]
    if is_media_url(url) and url not in found and len(found) < MAX_ITEMS:
        found.append(str(url))
    return found


def problem_response(problem: Any) -> str:
    """The response for the channel's ``media_problem``; one it does not name is answered as
    media that could not be loaded (send it again)."""
    return PROBLEM_RESPONSES.get(str(problem or ""), PROBLEM_RESPONSES[UNAVAILABLE])
