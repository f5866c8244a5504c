"""What staff added to a conversation: notes and tags, for the transcript page and the export."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.console.models import ConversationNote, ConversationTag


async def notes_of(session: AsyncSession, sender_id: str) -> Sequence[ConversationNote]:
    """Oldest first."""
    query = (
        select(ConversationNote)
        .where(ConversationNote.sender_id == sender_id)
        .order_by(ConversationNote.id)
    )
    return (await session.scalars(query)).all()


async def tags_of(session: AsyncSession, sender_id: str) -> Sequence[str]:
    """In alphabetical order."""
    query = (
        select(ConversationTag.tag)
        .where(ConversationTag.sender_id == sender_id)
        .order_by(ConversationTag.tag)
    )
    return (await session.scalars(query)).all()
