"""News from the backend (the EXTERNAL_* intents) carry the notice's id as the entity notice_id.

The backend sends a notice again when it cannot know whether the last attempt arrived (its
answer timed out, or the backend process died after sending). The bot takes the second copy
as already told: the action answering it reverts the turn instead of telling the news again.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

NOTICE_ENTITY = "notice_id"


def _notice_of(parse_data: Optional[Dict[Text, Any]]) -> Optional[Text]:
    intent = ((parse_data or {}).get("intent") or {}).get("name") or ""
    if not intent.startswith("EXTERNAL"):
        return None
    for entity in (parse_data or {}).get("entities") or []:
        if (
            isinstance(entity, dict)
            and entity.get("entity") == NOTICE_ENTITY
            and entity.get("value")
        ):
            return str(entity["value"])
    return None


def is_repeated_notice(latest_message: Dict[Text, Any], events: List[Dict[Text, Any]]) -> bool:
    """The latest message is news whose notice id an earlier user event carried already."""
    notice = _notice_of(latest_message)
    if notice is None:
        return False
    carrying = [
        e for e in events if e.get("event") == "user" and _notice_of(e.get("parse_data")) == notice
    ]
    # The latest message is among the events itself.
    return len(carrying) > 1
