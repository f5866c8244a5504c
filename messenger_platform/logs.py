"""Log lines that can be followed across processes: a request id and a conversation id.

The backend, the Rasa server and the action server all log through this module, so one id
can be traced from a customer's message through the bot and the actions to the backend (and
from the backend's news back to Rasa). With `LOG_FORMAT=json` every line is one JSON object
(for a log shipper); otherwise lines stay human-readable, with the ids appended when known.

Standard library only: this package is imported from both virtual environments.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import traceback
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime

REQUEST_ID_HEADER = "X-Request-ID"
CONVERSATION_ID_HEADER = "X-Conversation-ID"
ENV_VAR = "LOG_FORMAT"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s%(ids)s"

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
conversation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "conversation_id", default=None
)

# An id from outside ends up in every log line: nothing that could forge a line or a field.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
# Attributes every LogRecord has; anything else came in through `extra=` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "ids"}


def new_request_id() -> str:
    return uuid.uuid4().hex


def clean_id(value: str | None) -> str | None:
    """The id when it is safe to log and pass on, else None (the caller makes a new one)."""
    if value is None:
        return None
    value = value.strip()
    return value if _SAFE_ID.fullmatch(value) else None


def bind(*, request: str | None = None, conversation: str | None = None) -> None:
    """Set the ids for the rest of this task (and the tasks it starts)."""
    if request is not None:
        request_id.set(request)
    if conversation is not None:
        conversation_id.set(conversation)


@contextmanager
def bound(*, request: str | None = None, conversation: str | None = None) -> Iterator[None]:
    """The ids for the duration of the block, the previous ones afterwards."""
    tokens = []
    if request is not None:
        tokens.append((request_id, request_id.set(request)))
    if conversation is not None:
        tokens.append((conversation_id, conversation_id.set(conversation)))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def outgoing_headers() -> dict[str, str]:
    """Headers that carry the current ids to the next process (a fresh request id if none)."""
    headers = {REQUEST_ID_HEADER: request_id.get() or new_request_id()}
    conversation = conversation_id.get()
    if conversation:
        headers[CONVERSATION_ID_HEADER] = conversation
    return headers


def _ids(record: logging.LogRecord) -> tuple[str | None, str | None]:
    # A value given with extra= wins over the task's context (e.g. a worker naming its event).
    request = getattr(record, "request_id", None) or request_id.get()
    conversation = getattr(record, "conversation_id", None) or conversation_id.get()
    return request, conversation


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, process, ids, exception."""

    def __init__(self, service: str = "") -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        request, conversation = _ids(record)
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "service": self.service,
            "process": record.processName,
            "pid": record.process,
        }
        if request:
            entry["request_id"] = request
        if conversation:
            entry["conversation_id"] = conversation
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info:
            entry["exc_info"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        elif record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The familiar text line, with ` [request=… conversation=…]` when the ids are known."""

    def __init__(self, fmt: str = TEXT_FORMAT) -> None:
        super().__init__(fmt)

    def format(self, record: logging.LogRecord) -> str:
        request, conversation = _ids(record)
        parts = [f"request={request}"] if request else []
        if conversation:
            parts.append(f"conversation={conversation}")
        record.ids = f" [{' '.join(parts)}]" if parts else ""
        return super().format(record)


def wants_json(env: Mapping[str, str] | None = None) -> bool:
    return (os.environ if env is None else env).get(ENV_VAR, "").strip().lower() == "json"


def formatter(service: str, env: Mapping[str, str] | None = None) -> logging.Formatter:
    return JsonFormatter(service) if wants_json(env) else TextFormatter()


def configure(
    service: str, level: int = logging.INFO, env: Mapping[str, str] | None = None
) -> None:
    """Our own processes (backend, action server): one stream handler on the root logger."""
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(service, env))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Library warnings (deprecations at import) are lines too; as JSON they must be logged.
    logging.captureWarnings(wants_json(env))


def adopt_handlers(service: str, env: Mapping[str, str] | None = None) -> int:
    """A process that set up its logging itself (Rasa, Sanic): reformat its handlers as JSON.

    Only with LOG_FORMAT=json; levels, targets and Rasa's own settings are left as they are.
    Returns how many handlers now write JSON.
    """
    if not wants_json(env):
        return 0
    logging.captureWarnings(True)  # from now on; warnings at import time stay plain text
    json_formatter = JsonFormatter(service)
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    changed = 0
    for logger in loggers:
        for handler in logger.handlers:
            if not isinstance(handler.formatter, JsonFormatter):
                handler.setFormatter(json_formatter)
                changed += 1
    return changed
