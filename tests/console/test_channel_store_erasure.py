"""Erasing a customer also deletes their rows in our Messenger channel's own store: the raw
webhook events with their texts, queued replies, the Graph profile and the 24-hour window."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backend.config import Settings
from backend.console import channel_store
from bot.messenger_store import MessengerStore
from tests.console.conftest import ADMIN, Client, login
from tools import postgres


def _fill(store: MessengerStore) -> None:
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    for psid, text in (("psid-42", "Ich heiße Erika Muster"), ("psid-other", "Hallo")):
        store.store_inbound([(f"mid-{psid}", psid, {"message": {"text": text}})])
        store.enqueue(psid, {"message": {"text": f"Danke, {text}"}}, now)
        store.save_profile(psid, "Erika" if psid == "psid-42" else "Max", "de_DE")


def _texts(store: MessengerStore) -> str:
    return repr(store.outbox_rows()) + repr(store.pending_inbound())


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    return dataclasses.replace(
        settings, channel_store_url=f"sqlite:///{tmp_path / 'messenger-customers.db'}"
    )


async def test_erasure_in_the_console_empties_the_channel_store_of_that_customer(
    client: Client, settings: Settings
) -> None:
    store = MessengerStore(Path(settings.channel_store_url.split(":///", 1)[1]))
    try:
        _fill(store)
        csrf = await login(client, ADMIN)
        # The export shows what the channel's store holds of this customer, and only that.
        exported = await client.get("/console/privacy/export?channel=messenger&id=psid-42")
        held = json.dumps(json.loads(await exported.text())["channel_store"], ensure_ascii=False)
        assert "mid-psid-42" in held and "Erika" in held
        assert "psid-other" not in held and "Max" not in held
        erased = await client.post(
            "/console/privacy/erase", data={"csrf": csrf, "psid": "psid-42", "confirm": "psid-42"}
        )
        assert erased.status == 200
        assert "Erika" not in _texts(store)
        assert store.profile("psid-42") is None
        assert store.last_inbound("psid-42") is None
        # Everybody else keeps their conversation.
        assert "Danke, Hallo" in _texts(store)
        assert store.profile("psid-other") == ("Max", "de_DE")
    finally:
        store.close()


async def test_a_channel_store_on_postgresql_is_erased_too(
    postgres_server: postgres.Server,
) -> None:
    name = postgres.unique_name("chan")
    postgres.run(postgres.create_database(postgres_server, name))
    url = postgres_server.url(name, driver="")
    store = MessengerStore(url=url)
    try:
        _fill(store)
        assert await channel_store.erase(url, "psid-42") == 4
        assert store.profile("psid-42") is None
        assert "Erika" not in _texts(store)
        assert store.profile("psid-other") == ("Max", "de_DE")
    finally:
        store.close()
        postgres.run(postgres.drop_database(postgres_server, name))


async def test_no_store_yet_means_nothing_to_erase_and_no_file_made(tmp_path: Path) -> None:
    missing = tmp_path / "never-created.db"
    assert await channel_store.erase(f"sqlite:///{missing}", "psid-42") == 0
    assert await channel_store.erase("", "psid-42") == 0
    assert not missing.exists()
