"""Creating and listing Friends (the vetting flow comes by chat in a later step)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.orm import Friend
from backend.domain.friends import FriendRequest
from backend.services import postcodes


class FriendError(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def friend_json(friend: Friend) -> dict[str, Any]:
    return {
        "id": friend.id,
        "name": friend.name,
        "messenger_id": friend.messenger_id,
        "postal_code": friend.postal_code,
        "country": friend.country,
        "radius_km": friend.radius_km,
        "skills": friend.skills,
        "languages": friend.languages,
        "status": friend.status,
        "rating": friend.rating,
    }


async def create_friend(session: AsyncSession, request: FriendRequest) -> Friend:
    places = await postcodes.lookup(session, request.postal_code, request.country)
    if not places:
        raise FriendError({"postal_code": f"unknown postal code in {request.country}"})
    place = places[0]
    friend = Friend(
        name=request.name,
        messenger_id=request.messenger_id,
        postal_code=place.postal_code,
        country=place.country,
        latitude=place.latitude,
        longitude=place.longitude,
        radius_km=request.radius_km,
        skills=request.skills,
        languages=request.languages,
        status=request.status,
    )
    session.add(friend)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise FriendError({"messenger_id": "a Friend with this Messenger id exists"}) from exc
    return friend


async def list_friends(session: AsyncSession, status: str | None = None) -> list[Friend]:
    query = select(Friend).order_by(Friend.id)
    if status:
        query = query.where(Friend.status == status)
    return list((await session.scalars(query)).all())
