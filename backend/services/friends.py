"""Creating and listing Friends (sign-up and vetting by chat: backend/friends_chat/signup.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.orm import Friend
from backend.billing.references import InvalidIban, validate_iban
from backend.domain.friends import FriendRequest
from backend.domain.ranking import Track, reliability
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
        "online": friend.online,
        "phone": friend.phone,
        # Where payouts go; the VAT status per country ({} : exempt small business everywhere).
        "iban": friend.iban,
        "vat": friend.vat,
        "rating": friend.rating,
        "rating_count": friend.rating_count,
        "reliability": round(reliability(track_of(friend)), 3),
        "counters": {
            "claims": friend.claims,
            "contacted_in_time": friend.contacted_in_time,
            "missed_deadlines": friend.missed_deadlines,
            "hand_backs": friend.hand_backs,
            "declines": friend.declines,
            "completed_jobs": friend.completed_jobs,
        },
    }


def track_of(friend: Friend) -> Track:
    return Track(
        claims=friend.claims,
        contacted_in_time=friend.contacted_in_time,
        missed_deadlines=friend.missed_deadlines,
        hand_backs=friend.hand_backs,
        declines=friend.declines,
        completed_jobs=friend.completed_jobs,
    )


def checked_iban(iban: str) -> str:
    """The IBAN in its compact form ("" stays ""); FriendError naming the field if wrong."""
    if not iban.strip():
        return ""
    try:
        return validate_iban(iban)
    except InvalidIban as exc:
        raise FriendError({"iban": f"not a valid IBAN: {exc}"}) from None


async def create_friend(session: AsyncSession, request: FriendRequest) -> Friend:
    iban = checked_iban(request.iban)
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
        iban=iban,
        vat=request.vat,
    )
    session.add(friend)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise FriendError({"messenger_id": "a Friend with this Messenger id exists"}) from exc
    return friend


async def list_friends(
    session: AsyncSession,
    status: str | None = None,
    skill: str | None = None,
    language: str | None = None,
    country: str | None = None,
) -> list[Friend]:
    query = select(Friend).order_by(Friend.id)
    if status:
        query = query.where(Friend.status == status)
    if country:
        query = query.where(Friend.country == country)
    found = list((await session.scalars(query)).all())
    # Skills and languages are JSON lists: filtered here, the same way on SQLite and PostgreSQL.
    return [
        f
        for f in found
        if (not skill or skill in f.skills) and (not language or language in f.languages)
    ]


async def get_friend(session: AsyncSession, friend_id: int) -> Friend | None:
    return await session.get(Friend, friend_id)


async def friend_by_psid(session: AsyncSession, messenger_id: str) -> Friend | None:
    """The Friend who writes to the Friends' page as `messenger_id`, if there is one."""
    return await session.scalar(select(Friend).where(Friend.messenger_id == messenger_id))


async def update_friend(
    session: AsyncSession, friend_id: int, changes: dict[str, Any]
) -> Friend | None:
    """Vetting and pausing are status changes (only active Friends get offers or may claim);
    admin also sets the IBAN (checked) and the VAT status per country. FriendError on a bad
    IBAN."""
    if "iban" in changes:
        changes = changes | {"iban": checked_iban(changes["iban"])}
    friend = await session.get(Friend, friend_id)
    if friend is None:
        return None
    for key, value in changes.items():
        setattr(friend, key, value)
    await session.commit()
    await session.refresh(friend)
    return friend


async def set_status(session: AsyncSession, friend_id: int, status: str) -> Friend | None:
    return await update_friend(session, friend_id, {"status": status})
