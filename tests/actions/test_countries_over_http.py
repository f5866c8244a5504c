"""Countries for real: the action server with SERVICE_COUNTRIES, the backend with every
country's postal codes (FR, IT, PL too). "20144" is Hamburg, Zonza (Corsica), Milano and (typed
without its dash) Lublin: the conversation decides, and the bot asks only when it cannot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.actions.test_actions_over_http import (
    API_TOKEN,
    Backend,
    backend,
    backend_port,
    run_action,
    running_action_server,
    slot_events,
    tracker,
)

__all__ = ["backend", "backend_port"]  # fixtures shared with that module


def _server(backend_port: int, log_dir: Path, countries: str) -> Iterator[str]:
    env = {
        "BACKEND_URL": f"http://127.0.0.1:{backend_port}",
        "BACKEND_API_TOKEN": API_TOKEN,
        "BACKEND_TIMEOUT_SECONDS": "5",
        "SERVICE_COUNTRIES": countries,
    }
    with running_action_server(env, log_dir) as (url, _):
        yield url


@pytest.fixture(scope="module")
def action_server_all(backend_port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _server(backend_port, tmp_path_factory.mktemp("actions-all"), "DE,AT,CH,FR,IT,PL")


@pytest.fixture(scope="module")
def action_server(backend_port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The default countries, whatever SERVICE_COUNTRIES the tests run with."""
    yield from _server(backend_port, tmp_path_factory.mktemp("actions-default"), "DE,AT,CH")


async def _postal_code(
    url: str,
    text: str,
    language: str = "de",
    sender: str = "psid-countries",
    metadata: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """job_form's validation of ``text`` as the postal code, then the form's question when
    the code is still open: (slots after the turn, the responses of both)."""
    slots = {"requested_slot": "postal_code", "postal_code": text, "language": language}
    state = tracker(
        sender,
        intent="inform",
        text=text,
        slots=slots,
        active_loop="job_form",
        extracted={"postal_code": text},
        metadata=metadata,
    )
    validated = await run_action(url, "validate_job_form", state)
    after = slots | slot_events(validated)
    said = list(validated["responses"])
    if not after.get("postal_code") and after.get("postal_code_options"):
        asked = await run_action(url, "action_ask_postal_code", tracker(sender, slots=after))
        said += asked["responses"]
    return after, said


async def test_a_german_customer_typing_a_code_of_three_countries_is_not_asked(
    action_server_all: str, backend: Backend
) -> None:
    slots, said = await _postal_code(action_server_all, "20144")
    assert (slots["postal_code"], slots["country"], slots["city"]) == (
        "20144",
        "DE",
        "Hamburg Rotherbaum",
    )
    assert said == []


async def test_with_nothing_to_go_by_the_bot_asks_between_the_countries(
    action_server_all: str, backend: Backend
) -> None:
    slots, said = await _postal_code(action_server_all, "20144", language="en")
    assert slots["postal_code"] is None
    [question] = said
    assert question["response"] == "utter_choose_place"
    countries = sorted(b["payload"].split('"country":"')[1][:2] for b in question["buttons"])
    # "20144" is also Lublin's "20-144", but Poles write the dash: Lublin is not offered.
    assert countries == ["DE", "FR", "IT"]


async def test_the_locale_or_the_whatsapp_number_decides_without_a_question(
    action_server_all: str, backend: Backend
) -> None:
    slots, said = await _postal_code(
        action_server_all, "20144", language="en", metadata={"locale": "it_IT"}
    )
    assert (slots["country"], slots["city"], said) == ("IT", "Milano", [])
    slots, said = await _postal_code(
        action_server_all, "20144", language="en", sender="wa-33612345678"
    )
    assert (slots["country"], said) == ("FR", [])


async def test_polish_codes_with_or_without_the_dash(
    action_server_all: str, backend: Backend
) -> None:
    for typed in ("00-002", "00002", "PL-00-002"):
        slots, said = await _postal_code(action_server_all, typed, language="en")
        assert (slots["postal_code"], slots["country"], slots["city"]) == (
            "00-002",
            "PL",
            "Warszawa",
        ), typed
        assert said == [], typed
    # Without the dash, a Polish number says it is Lublin's "20-144", not Hamburg's 20144.
    slots, said = await _postal_code(
        action_server_all, "20144", language="en", sender="wa-48512345678"
    )
    assert (slots["postal_code"], slots["country"], slots["city"], said) == (
        "20-144",
        "PL",
        "Lublin",
        [],
    )


async def test_a_code_in_a_country_not_served_gets_a_polite_answer(
    action_server: str, backend: Backend
) -> None:
    # The default SERVICE_COUNTRIES (DE, AT, CH): Warsaw is not served yet.
    slots, said = await _postal_code(action_server, "00-002")
    assert slots["postal_code"] is None
    [answer] = said
    assert answer["response"] == "utter_country_not_served"
    assert answer["in_country"] == "in Polen" and answer["postal_code"] == "00-002"
    # Hamburg is served: the French and Italian places are not even offered.
    slots, said = await _postal_code(action_server, "20144", language="en")
    assert (slots["country"], said) == ("DE", [])
