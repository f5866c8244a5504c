"""WhatsApp in the dialogue, run by the real action server (``python -m bot.action_server``):
the customer's WhatsApp number offered at the phone question, voice messages kept for the
Friend, media the channel could not take, and the backend's own media URLs.

The job POST goes to a small recording backend on a local port (this module's ``jobs_api``):
it answers as the backend's API does, and can refuse the media fields with a 422, which the
real backend does for media it does not know.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.actions.test_actions_over_http import (
    DOMAIN,
    booking,
    responses,
    run_action,
    running_action_server,
    slot_events,
    tracker,
)
from tools.postgres import free_port

WA_SENDER = "wa-41791234567"
PSID = "2460351987654321"
WEB_ID = "web-" + "ab" * 16
MEDIA = "http://127.0.0.1:8000/media/"
VOICE = MEDIA + "0123456789abcdef0123456789abcdef"
PHOTO = MEDIA + "fedcba9876543210fedcba9876543210"


@dataclass
class JobsApi:
    """POST /api/v1/jobs as the backend answers it; records every body."""

    port: int
    bodies: list[dict[str, Any]] = field(default_factory=list)
    refuse_media: bool = False

    async def create(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        self.bodies.append(body)
        refused = [f for f in ("image_urls", "voice_urls") if f in body and self.refuse_media]
        if refused:
            errors = {name: "must be this backend's media" for name in refused}
            return web.json_response({"error": "invalid job", "errors": errors}, status=422)
        return web.json_response(
            {"reference": f"TF-{len(self.bodies)}", "status": "open"}, status=201
        )


@pytest.fixture(scope="module")
def api_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def action_server(api_port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {
        "BACKEND_URL": f"http://127.0.0.1:{api_port}",
        "BACKEND_API_TOKEN": "token",
        "BACKEND_TIMEOUT_SECONDS": "5",
    }
    log_dir: Path = tmp_path_factory.mktemp("actions-wa")
    with running_action_server(env, log_dir) as (url, _):
        yield url


@pytest.fixture
async def jobs_api(api_port: int) -> AsyncIterator[JobsApi]:
    api = JobsApi(api_port)
    app = web.Application()
    app.router.add_post("/api/v1/jobs", api.create)
    server = TestServer(app, host="127.0.0.1", port=api_port)
    await server.start_server()
    yield api
    await server.close()


# --- the phone question -------------------------------------------------------------------------


def _asking_phone(sender: str, channel: str, **slots: Any) -> dict[str, Any]:
    return tracker(
        sender,
        channel=channel,
        slots={**booking(phone=None, consent=None), "requested_slot": "phone", **slots},
        active_loop="job_form",
    )


@pytest.mark.parametrize(
    ("language", "question"),
    [("de", "Kann der Techniker Sie unter {whatsapp_phone} anrufen?"), ("en", "Can the")],
)
async def test_whatsapp_customers_are_offered_their_own_number(
    action_server: str, language: str, question: str
) -> None:
    answer = await run_action(
        action_server, "action_ask_phone", _asking_phone(WA_SENDER, "whatsapp", language=language)
    )
    [said] = answer["responses"]
    assert said["response"] == "utter_ask_phone_whatsapp"
    assert said["whatsapp_phone"] == "+41 79 123 45 67"  # readable, not "+41791234567"
    assert slot_events(answer) == {"phone_offer": "asked"}
    # The domain's text and its yes/no buttons (WhatsApp: reply buttons, titles <= 20).
    variants = DOMAIN["responses"]["utter_ask_phone_whatsapp"]
    chosen = [v for v in variants if bool(v.get("condition")) == (language == "en")]
    assert chosen[0]["text"].startswith(question)
    assert [b["payload"] for b in chosen[0]["buttons"]] == ["/affirm", "/deny"]
    assert all(len(b["title"]) <= 20 for b in chosen[0]["buttons"])


@pytest.mark.parametrize(("sender", "channel"), [(PSID, "messenger"), (WEB_ID, "webchat")])
async def test_messenger_and_website_customers_get_the_usual_question(
    action_server: str, sender: str, channel: str
) -> None:
    answer = await run_action(action_server, "action_ask_phone", _asking_phone(sender, channel))
    assert responses(answer) == ["utter_ask_phone"]
    assert answer["events"] == []


async def test_after_the_offer_was_answered_the_usual_question_follows(action_server: str) -> None:
    state = _asking_phone(WA_SENDER, "whatsapp", phone_offer="answered")
    answer = await run_action(action_server, "action_ask_phone", state)
    assert responses(answer) == ["utter_ask_phone"]
    assert answer["events"] == []


async def _answer_offer(action_server: str, said: str, intent: str) -> dict[str, Any]:
    """The WhatsApp customer answers "Can the technician call you on …?" with ``said``."""
    state = tracker(
        WA_SENDER,
        channel="whatsapp",
        intent=intent,
        text=said,
        slots={
            **booking(phone=said, consent=None, country="CH", postal_code="8001"),
            "requested_slot": "phone",
            "phone_offer": "asked",
        },
        active_loop="job_form",
        extracted={"phone": said},
    )
    answer = await run_action(action_server, "validate_job_form", state)
    return answer


@pytest.mark.parametrize(
    ("said", "intent"), [("/affirm", "affirm"), ("Ja, gerne", "affirm"), ("yes", "inform")]
)
async def test_yes_takes_the_whatsapp_number(action_server: str, said: str, intent: str) -> None:
    answer = await _answer_offer(action_server, said, intent)
    slots = slot_events(answer)
    assert slots["phone"] == "+41791234567"
    assert slots["phone_display"] == "+41 79 123 45 67"
    assert slots["phone_offer"] == "answered"
    assert responses(answer) == []


@pytest.mark.parametrize(
    ("said", "intent"),
    [("/deny", "deny"), ("Nein, eine andere", "deny"), ("ja, aber eine andere", "affirm")],
)
async def test_no_asks_the_usual_question(action_server: str, said: str, intent: str) -> None:
    answer = await _answer_offer(action_server, said, intent)
    slots = slot_events(answer)
    # Still empty: the form asks again, and action_ask_phone now asks as usual.
    assert slots["phone"] is None and slots["phone_offer"] == "answered"
    assert responses(answer) == []


async def test_a_number_typed_instead_is_taken_and_a_bad_one_is_refused(
    action_server: str,
) -> None:
    typed = await _answer_offer(action_server, "Nein, bitte 044 123 45 67", "inform")
    assert slot_events(typed)["phone"] == "+41441234567"  # Zurich, from the postal code
    assert slot_events(typed)["phone_offer"] == "answered"
    bad = await _answer_offer(action_server, "079 12", "inform")
    assert slot_events(bad)["phone"] is None
    assert slot_events(bad)["phone_offer"] == "answered"
    assert responses(bad) == ["utter_invalid_phone"]


async def test_an_unclear_answer_asks_the_offer_again(action_server: str) -> None:
    answer = await _answer_offer(action_server, "hmm", "inform")
    slots = slot_events(answer)
    assert slots["phone"] is None and "phone_offer" not in slots  # still "asked": offered again
    assert responses(answer) == []


# --- voice messages and refused media ----------------------------------------------------------


def _shares(
    sender: str, intent: str, entity: str, url: str, channel: str = "whatsapp", **slots: Any
) -> dict[str, Any]:
    return tracker(
        sender,
        channel=channel,
        intent=intent,
        text=f'/{intent}{{"{entity}":"{url}"}}',
        entities=[{"entity": entity, "value": url}],
        slots=slots,
    )


async def test_a_voice_message_is_kept_for_the_job_and_a_text_is_asked_for(
    action_server: str,
) -> None:
    state = _shares(WA_SENDER, "share_voice", "voice_url", VOICE, voice_urls=None)
    extracted = await run_action(action_server, "action_validate_slot_mappings", state)
    assert slot_events(extracted)["voice_urls"] == [VOICE]
    state["slots"]["voice_urls"] = [VOICE]
    before = await run_action(action_server, "action_acknowledge_voice", state)
    assert responses(before) == ["utter_voice_received_before_job"]
    assert before["events"] == []
    state["slots"]["description"] = "Mein Fernseher findet keine Sender"
    during = await run_action(action_server, "action_acknowledge_voice", state)
    assert responses(during) == ["utter_voice_received"]
    # After the booking the recording cannot go with the job any more: forgotten.
    state["slots"] |= {"description": None, "job_status": "submitted"}
    after = await run_action(action_server, "action_acknowledge_voice", state)
    assert responses(after) == ["utter_voice_after_booking"]
    assert slot_events(after) == {"voice_urls": None}


async def test_at_most_five_voice_messages_and_only_media_urls(action_server: str) -> None:
    kept = [MEDIA + f"{n:032x}" for n in range(5)]
    state = _shares(WA_SENDER, "share_voice", "voice_url", VOICE, voice_urls=kept)
    extracted = await run_action(action_server, "action_validate_slot_mappings", state)
    assert "voice_urls" not in slot_events(extracted)  # the sixth is not taken
    limit = await run_action(action_server, "action_acknowledge_voice", state)
    assert responses(limit) == ["utter_voice_limit"]
    assert limit["responses"][0]["max_items"] == "5"
    bad = "http://elsewhere.example/voice.ogg"  # plain http that is not our media
    state = _shares(WA_SENDER, "share_voice", "voice_url", bad, voice_urls=None)
    extracted = await run_action(action_server, "action_validate_slot_mappings", state)
    assert "voice_urls" not in slot_events(extracted)
    refused = await run_action(action_server, "action_acknowledge_voice", state)
    assert responses(refused) == ["utter_media_unavailable"]  # "please send it again"


async def test_a_picture_from_the_backend_s_media_is_taken(action_server: str) -> None:
    state = _shares(PSID, "share_image", "image_url", PHOTO, "messenger", image_urls=None)
    extracted = await run_action(action_server, "action_validate_slot_mappings", state)
    assert slot_events(extracted)["image_urls"] == [PHOTO]
    state["slots"]["image_urls"] = [PHOTO]
    thanked = await run_action(action_server, "action_acknowledge_image", state)
    assert responses(thanked) == ["utter_image_received_before_job"]


@pytest.mark.parametrize(
    ("problem", "response"),
    [
        ("too_big", "utter_media_too_big"),
        ("wrong_type", "utter_media_wrong_type"),
        ("unavailable", "utter_media_unavailable"),
        ("something_new", "utter_media_unavailable"),
    ],
)
async def test_media_the_channel_refused_gets_a_reply_per_problem(
    action_server: str, problem: str, response: str
) -> None:
    state = tracker(
        WA_SENDER,
        channel="whatsapp",
        intent="share_media_refused",
        text=f'/share_media_refused{{"media_problem":"{problem}"}}',
        entities=[{"entity": "media_problem", "value": problem}],
        slots={"requested_slot": "street"},
        active_loop="job_form",
    )
    answer = await run_action(action_server, "action_explain_media_refused", state)
    assert responses(answer) == [response]
    assert answer["events"] == []  # the form goes on with its question (rules)


# --- the job ------------------------------------------------------------------------------------


async def test_the_job_carries_the_voice_messages_and_the_pictures(
    action_server: str, jobs_api: JobsApi
) -> None:
    slots = booking(image_urls=[PHOTO], voice_urls=[VOICE], phone_offer="answered")
    answer = await run_action(
        action_server, "action_submit_job", tracker(WA_SENDER, slots=slots, channel="whatsapp")
    )
    events = slot_events(answer)
    assert events["job_status"] == "submitted"
    assert events["voice_urls"] is None and events["phone_offer"] is None  # the next job afresh
    [body] = jobs_api.bodies
    assert body["voice_urls"] == [VOICE] and body["image_urls"] == [PHOTO]
    assert body["customer"]["channel"] == "whatsapp" and body["customer"]["id"] == WA_SENDER


async def test_media_the_backend_refuses_are_left_out_rather_than_losing_the_job(
    action_server: str, jobs_api: JobsApi
) -> None:
    jobs_api.refuse_media = True
    slots = booking(image_urls=[PHOTO], voice_urls=[VOICE])
    answer = await run_action(
        action_server, "action_submit_job", tracker(WA_SENDER, slots=slots, channel="whatsapp")
    )
    assert slot_events(answer)["job_status"] == "submitted"
    first, second = jobs_api.bodies
    assert "voice_urls" in first and "image_urls" in first
    assert "voice_urls" not in second and "image_urls" not in second
    assert second["description"] == first["description"]
