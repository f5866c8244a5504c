"""Storing customers' photos and voice messages and reading them back.

The bytes were judged by backend/domain/media.py first; here they are kept once per content
(sha256), so a photo sent twice, or by two replicas racing, has one id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from backend.adapters.orm import Media, utcnow
from backend.domain.media import MediaType, is_media_id, new_media_id


async def store(
    session: AsyncSession,
    data: bytes,
    media_type: MediaType,
    source: str = "",
    now: datetime | None = None,
) -> tuple[Media, bool]:
    """The stored file and whether it is new (False: these bytes were stored before); commits."""
    digest = hashlib.sha256(data).hexdigest()
    known = await _by_digest(session, digest)
    if known is not None:
        return known, False
    media = Media(
        id=new_media_id(),
        kind=media_type.kind,
        content_type=media_type.content_type,
        size=len(data),
        sha256=digest,
        data=data,
        source=source,
        created_at=now or utcnow(),
    )
    session.add(media)
    try:
        await session.commit()
    except IntegrityError:
        # The same bytes stored at the same moment by another request: theirs is the one.
        await session.rollback()
        raced = await _by_digest(session, digest)
        if raced is None:
            raise
        return raced, False
    return media, True


async def _by_digest(session: AsyncSession, digest: str) -> Media | None:
    # Only who it is: the bytes are the caller's already.
    query = select(Media).options(defer(Media.data)).where(Media.sha256 == digest)
    return await session.scalar(query)


async def find(session: AsyncSession, media_id: str) -> Media | None:
    if not is_media_id(media_id):
        return None
    return await session.get(Media, media_id)


async def kinds(session: AsyncSession, media_ids: Iterable[str]) -> dict[str, str]:
    """The kind ("image", "audio") of each of these ids that is stored."""
    wanted = [m for m in set(media_ids) if is_media_id(m)]
    if not wanted:
        return {}
    rows = await session.execute(select(Media.id, Media.kind).where(Media.id.in_(wanted)))
    return {media_id: kind for media_id, kind in rows.all()}


async def erase(session: AsyncSession, media_ids: Iterable[str]) -> int:
    """Delete these files (in the caller's transaction); how many there were."""
    wanted = sorted({m for m in media_ids if is_media_id(m)})
    if not wanted:
        return 0
    found = await session.scalars(select(Media.id).where(Media.id.in_(wanted)))
    count = len(found.all())
    await session.execute(delete(Media).where(Media.id.in_(wanted)))
    return count
