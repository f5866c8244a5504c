"""A working Friend's own settings by chat: the day's check-in, online and offline, a pause,
and the radius, skills and languages of their profile."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.orm import Friend, FriendConversation, Job
from backend.domain.geo import bounding_box, haversine_km
from backend.domain.statuses import FriendStatus, JobStatus
from product.categories import CATEGORIES
from product.countries import time_zone

# The conversation step that says the Friend paused themselves (support's pause has none).
PAUSED_BY_FRIEND = "paused"


async def open_jobs_nearby(session: AsyncSession, friend: Friend) -> int:
    """Open jobs within the Friend's radius in one of their skills (for the check-in)."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(
        friend.latitude, friend.longitude, friend.radius_km
    )
    rows = (
        await session.execute(
            select(Job.latitude, Job.longitude, Job.category).where(
                Job.status == JobStatus.OPEN,
                Job.latitude.between(min_lat, max_lat),
                Job.longitude.between(min_lon, max_lon),
            )
        )
    ).all()
    return sum(
        1
        for r in rows
        if r.category in friend.skills
        and haversine_km(friend.latitude, friend.longitude, r.latitude, r.longitude)
        <= friend.radius_km
    )


async def check_in(session: AsyncSession, friend: Friend, now: datetime) -> int | None:
    """The Friend's first message of a (local) day checks them in, and an active Friend goes
    online. Returns the open jobs nearby when an active Friend is to be greeted, else None."""
    zone = ZoneInfo(time_zone(friend.country))
    seen = friend.checked_in_at
    if seen is not None and seen.astimezone(zone).date() == now.astimezone(zone).date():
        return None
    active = friend.status == FriendStatus.ACTIVE
    # Conditional on the value read: two messages arriving at once greet only once.
    guard = Friend.checked_in_at.is_(None) if seen is None else Friend.checked_in_at == seen
    values: dict[str, Any] = {"checked_in_at": now}
    if active:
        values["online"] = True
    done = await session.execute(
        update(Friend).where(Friend.id == friend.id, guard).values(**values)
    )
    await session.commit()
    if not done.rowcount or not active:  # type: ignore[attr-defined]
        return None
    return await open_jobs_nearby(session, friend)


async def go_online(session: AsyncSession, friend: Friend) -> int | None:
    """Online, ending a pause the Friend set; the open jobs nearby. None when support paused
    them: only support ends that."""
    row = await session.get(Friend, friend.id)
    conversation = await session.get(FriendConversation, friend.messenger_id)
    assert row is not None
    if row.status == FriendStatus.PAUSED:
        if conversation is None or conversation.step != PAUSED_BY_FRIEND:
            return None
        row.status, conversation.step = FriendStatus.ACTIVE, "done"
    row.online = True
    await session.commit()
    return await open_jobs_nearby(session, row)


async def go_offline(session: AsyncSession, friend: Friend) -> None:
    await session.execute(update(Friend).where(Friend.id == friend.id).values(online=False))
    await session.commit()


async def pause(session: AsyncSession, friend: Friend, language: str, now: datetime) -> None:
    """An active Friend pauses; remembered in the conversation, so that "online" may end this
    pause but never one set by support."""
    row = await session.get(Friend, friend.id)
    assert row is not None
    conversation = await session.get(FriendConversation, friend.messenger_id)
    if conversation is None:
        conversation = FriendConversation(
            psid=friend.messenger_id, step=PAUSED_BY_FRIEND, language=language, data={}
        )
        session.add(conversation)
    if row.status == FriendStatus.ACTIVE:
        row.status, conversation.step = FriendStatus.PAUSED, PAUSED_BY_FRIEND
    conversation.updated_at = now
    await session.commit()


async def set_radius(session: AsyncSession, friend: Friend, km: int | None) -> Friend:
    """The new radius (None changes nothing); the Friend as saved."""
    row = await session.get(Friend, friend.id)
    assert row is not None
    if km is not None:
        row.radius_km = float(km)
    return await _saved(session, row)


async def toggle_skill(session: AsyncSession, friend: Friend, skill: str) -> Friend | None:
    """Adds the skill, or removes it; None (nothing changed) when it is the last one."""
    row = await session.get(Friend, friend.id)
    assert row is not None
    if skill in CATEGORIES:
        if skill in row.skills and len(row.skills) == 1:
            return None
        row.skills = (
            [s for s in row.skills if s != skill] if skill in row.skills else [*row.skills, skill]
        )
    return await _saved(session, row)


async def set_languages(
    session: AsyncSession, friend: Friend, languages: list[str] | None, chat_language: str
) -> Friend:
    """The customers' languages the Friend speaks (None changes nothing)."""
    row = await session.get(Friend, friend.id)
    assert row is not None
    if languages:
        # The language this chat is in stays first: replies keep their language.
        row.languages = sorted(languages, key=lambda code: code != chat_language)
    return await _saved(session, row)


async def _saved(session: AsyncSession, row: Friend) -> Friend:
    await session.commit()
    await session.refresh(row)
    return row
