"""Turning a conversation's tracker events into what the transcript page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from backend.console.tracker import TrackerEvent

# Events that say nothing a person would look for (Rasa's bookkeeping).
QUIET = {"user_featurization", "action_execution_rejected", "followup", "export"}


@dataclass
class Entry:
    kind: str  # "user" | "bot" | "lane"
    at: datetime
    event_id: int
    text: str = ""
    intent: str = ""
    confidence: float | None = None
    entities: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[str] = field(default_factory=list)
    agent: str = ""
    image_urls: list[str] = field(default_factory=list)
    lane: str = ""  # what happened, for the side lane


def _buttons(data: dict[str, Any]) -> list[str]:
    extra = data.get("data") or {}
    titles: list[str] = []
    for key in ("buttons", "quick_replies"):
        for button in extra.get(key) or []:
            if isinstance(button, dict) and button.get("title"):
                titles.append(str(button["title"]))
    custom = extra.get("custom") or {}
    if isinstance(custom, dict):
        for reply in custom.get("quick_replies") or []:
            if isinstance(reply, dict) and reply.get("title"):
                titles.append(str(reply["title"]))
    return titles


def _images(data: dict[str, Any]) -> list[str]:
    extra = data.get("data") or {}
    image = extra.get("image")
    return [image] if isinstance(image, str) and image.startswith("https://") else []


def entries(events: list[TrackerEvent]) -> list[Entry]:
    out: list[Entry] = []
    for event in events:
        data, kind = event.data, event.type_name
        if kind == "user":
            parse = data.get("parse_data") or {}
            intent = parse.get("intent") or {}
            confidence = intent.get("confidence")
            out.append(
                Entry(
                    "user",
                    event.at,
                    event.id,
                    text=str(data.get("text") or ""),
                    intent=str(intent.get("name") or ""),
                    confidence=float(confidence) if isinstance(confidence, int | float) else None,
                    entities=[
                        (str(e.get("entity", "")), str(e.get("value", "")))
                        for e in parse.get("entities") or []
                        if isinstance(e, dict)
                    ],
                )
            )
        elif kind == "bot":
            metadata = data.get("metadata") or {}
            out.append(
                Entry(
                    "bot",
                    event.at,
                    event.id,
                    text=str(data.get("text") or ""),
                    buttons=_buttons(data),
                    image_urls=_images(data),
                    agent=str(metadata.get("agent") or "") if isinstance(metadata, dict) else "",
                )
            )
        elif kind == "action":
            name = str(data.get("name") or "")
            if name and name != "action_listen":
                out.append(Entry("lane", event.at, event.id, lane=f"⚙ {name}"))
        elif kind == "slot":
            value = data.get("value")
            out.append(
                Entry("lane", event.at, event.id, lane=f"{data.get('name')} = {value!r}"[:200])
            )
        elif kind in ("pause", "resume", "session_started", "restart", "active_loop"):
            loop = data.get("name") or ""
            out.append(Entry("lane", event.at, event.id, lane=f"{kind} {loop}".strip()))
        elif kind not in QUIET:
            out.append(Entry("lane", event.at, event.id, lane=kind))
    return out
