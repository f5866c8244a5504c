"""Log lines: JSON objects with the request and conversation ids, or text with the ids appended."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest

from messenger_platform import logs

Captured = tuple[logging.Logger, io.StringIO, logging.StreamHandler[io.StringIO]]


@pytest.fixture
def captured() -> Iterator[Captured]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("tests.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream, handler
    logger.removeHandler(handler)
    logger.propagate = True


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_json_line_has_time_level_logger_message_process_and_ids(captured: Captured) -> None:
    logger, stream, handler = captured
    handler.setFormatter(logs.JsonFormatter("backend"))
    with logs.bound(request="req-1", conversation="psid-9"):
        logger.warning("job %s: „%s“", "TF-1", "Grüße")
    logger.info("outside")
    first, second = lines(stream)
    assert first["message"] == "job TF-1: „Grüße“"
    assert (first["level"], first["logger"], first["service"]) == (
        "WARNING",
        "tests.logs",
        "backend",
    )
    assert (first["request_id"], first["conversation_id"]) == ("req-1", "psid-9")
    assert str(first["time"]).endswith("+00:00") and first["process"] == "MainProcess"
    assert isinstance(first["pid"], int)
    # The ids belong to the block: afterwards they are gone.
    assert "request_id" not in second and "conversation_id" not in second


def test_exceptions_and_extra_fields_stay_inside_one_json_line(captured: Captured) -> None:
    logger, stream, handler = captured
    handler.setFormatter(logs.JsonFormatter("actions"))
    try:
        raise ValueError("kaputt\nzweite Zeile")
    except ValueError:
        logger.exception("failed", extra={"status": 503, "path": "/api/v1/jobs", "obj": {1}})
    [entry] = lines(stream)
    assert "ValueError: kaputt" in str(entry["exc_info"])
    assert "Traceback" in str(entry["exc_info"])
    assert (entry["status"], entry["path"], entry["obj"]) == (503, "/api/v1/jobs", "{1}")
    # An id given with extra= names that line even without a bound one.
    logger.info("access", extra={"request_id": "from-header"})
    assert lines(stream)[-1]["request_id"] == "from-header"


def test_text_lines_stay_text_and_name_the_ids(captured: Captured) -> None:
    logger, stream, handler = captured
    handler.setFormatter(logs.TextFormatter())
    logger.info("plain")
    with logs.bound(request="abc"):
        logger.info("inside")
    first, second = stream.getvalue().splitlines()
    assert first.endswith("INFO tests.logs plain")
    assert second.endswith("INFO tests.logs inside [request=abc]")


def test_ids_from_outside_are_kept_only_when_safe() -> None:
    assert logs.clean_id(" m_Ab-1.2:3@x ") == "m_Ab-1.2:3@x"
    for bad in ("", "two words", "a\nb", "x" * 129, '{"json": 1}', None):
        assert logs.clean_id(bad) is None
    made = logs.new_request_id()
    assert len(made) == 32 and logs.clean_id(made) == made


async def test_tasks_started_in_a_request_keep_its_id_and_others_do_not_see_it() -> None:
    seen: dict[str, str | None] = {}

    async def work(name: str) -> None:
        await asyncio.sleep(0)
        seen[name] = logs.request_id.get()

    async def request(rid: str) -> None:
        logs.bind(request=rid)
        await asyncio.create_task(work(rid))

    await asyncio.gather(request("one"), request("two"))
    assert seen == {"one": "one", "two": "two"}
    assert logs.request_id.get() is None


def test_outgoing_headers_carry_the_bound_ids_or_a_fresh_request_id() -> None:
    with logs.bound(request="r-1", conversation="c-1"):
        assert logs.outgoing_headers() == {"X-Request-ID": "r-1", "X-Conversation-ID": "c-1"}
    fresh = logs.outgoing_headers()
    assert list(fresh) == ["X-Request-ID"] and logs.clean_id(fresh["X-Request-ID"])


def test_log_format_json_switches_our_processes_and_adopts_foreign_handlers() -> None:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    foreign = logging.getLogger("tests.logs.sanic")
    foreign_handler = logging.StreamHandler(io.StringIO())
    foreign_handler.setFormatter(logging.Formatter("%(message)s"))
    foreign.addHandler(foreign_handler)
    try:
        logs.configure("backend", env={})
        assert isinstance(root.handlers[0].formatter, logs.TextFormatter)
        assert logs.adopt_handlers("rasa", env={}) == 0  # text: Rasa's own look stays
        logs.configure("backend", env={"LOG_FORMAT": "JSON"})
        [handler] = root.handlers
        assert isinstance(handler.formatter, logs.JsonFormatter)
        assert handler.formatter.service == "backend"
        assert logs.adopt_handlers("rasa", env={"LOG_FORMAT": "json"}) >= 1
        assert isinstance(foreign_handler.formatter, logs.JsonFormatter)
    finally:
        foreign.removeHandler(foreign_handler)
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
