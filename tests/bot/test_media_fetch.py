"""Photos and voice messages fetched from WhatsApp (or a Messenger URL) and stored by the
backend: against a fake Cloud API and a stand-in for `POST /api/v1/media` (its contract)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.media_fetch import MAX_BYTES, MediaFetcher, Refused, Stored, rasa_text
from tests.bot.whatsapp_fakes import JPEG, OGG, PNG, FakeCloudApi, FakeMediaBackend


@dataclass
class Setup:
    fetcher: MediaFetcher
    api: FakeCloudApi
    backend: FakeMediaBackend
    api_url: str


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    api, backend = FakeCloudApi(), FakeMediaBackend()
    api_server, backend_server = TestServer(api.app()), TestServer(backend.app())
    await api_server.start_server()
    await backend_server.start_server()
    api.base_url = str(api_server.make_url("")).rstrip("/")
    backend.base_url = str(backend_server.make_url("")).rstrip("/")
    fetcher = MediaFetcher(backend.base_url, backend.token, api.base_url, "v21.0", api.token)
    yield Setup(fetcher, api, backend, api.base_url)
    await fetcher.close()
    await api_server.close()
    await backend_server.close()


async def test_a_whatsapp_photo_is_stored_and_read_as_share_image(setup: Setup) -> None:
    setup.api.media["m1"] = (JPEG, "image/jpeg")
    result = await setup.fetcher.whatsapp("m1")
    assert isinstance(result, Stored) and result.kind == "image"
    assert result.url.startswith(f"{setup.backend.base_url}/media/")
    assert rasa_text(result) == '/share_image{"image_url": "' + result.url + '"}'
    assert setup.backend.uploads == [("whatsapp", len(JPEG))]


async def test_a_voice_message_is_read_as_share_voice(setup: Setup) -> None:
    setup.api.media["v1"] = (OGG, "audio/ogg; codecs=opus")
    result = await setup.fetcher.whatsapp("v1")
    assert isinstance(result, Stored) and result.kind == "audio"
    assert rasa_text(result).startswith('/share_voice{"voice_url": "')


async def test_five_mib_and_one_byte_are_refused_without_reading_them_all(setup: Setup) -> None:
    setup.api.media["big"] = (JPEG + b"\x00" * (MAX_BYTES + 1 - len(JPEG)), "image/jpeg")
    announced = await setup.fetcher.whatsapp("big")
    assert announced == Refused("too_big", announced.reason)  # type: ignore[union-attr]
    assert setup.api.downloads == []  # the announced size was enough
    setup.api.announce_size = False
    counted = await setup.fetcher.whatsapp("big")
    assert isinstance(counted, Refused) and counted.problem == "too_big"
    assert setup.api.downloads == ["big"]
    assert setup.backend.uploads == []
    assert rasa_text(counted) == '/share_media_refused{"media_problem": "too_big"}'
    # Exactly the limit is fine.
    setup.api.media["max"] = (PNG + b"\x00" * (MAX_BYTES - len(PNG)), "image/png")
    assert isinstance(await setup.fetcher.whatsapp("max"), Stored)


async def test_a_file_of_another_type_is_refused_as_wrong_type(setup: Setup) -> None:
    setup.api.media["doc"] = (b"%PDF-1.7 a letter", "application/pdf")
    result = await setup.fetcher.whatsapp("doc")
    assert result == Refused("wrong_type", "not an image or audio")
    assert rasa_text(result) == '/share_media_refused{"media_problem": "wrong_type"}'


async def test_unknown_media_or_a_backend_down_is_unavailable(setup: Setup) -> None:
    assert isinstance(missing := await setup.fetcher.whatsapp("nope"), Refused)
    assert missing.problem == "unavailable"
    setup.api.media["m1"] = (JPEG, "image/jpeg")
    down = MediaFetcher("http://127.0.0.1:9", "t", setup.api_url, "v21.0", setup.api.token)
    result = await down.whatsapp("m1")
    await down.close()
    assert isinstance(result, Refused) and result.problem == "unavailable"
    wrong_token = MediaFetcher(setup.backend.base_url, "wrong", setup.api_url, "v21.0", "x")
    assert (await wrong_token.whatsapp("m1")) == Refused("unavailable", "media m1: no download URL")
    await wrong_token.close()


async def test_a_messenger_image_url_is_downloaded_without_a_token_and_stored() -> None:
    seen: list[str | None] = []

    async def cdn(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization"))
        return web.Response(body=PNG, content_type="image/png")

    app = web.Application()
    app.router.add_get("/p.png", cdn)
    backend = FakeMediaBackend()
    cdn_server, backend_server = TestServer(app), TestServer(backend.app())
    await cdn_server.start_server()
    await backend_server.start_server()
    backend.base_url = str(backend_server.make_url("")).rstrip("/")
    fetcher = MediaFetcher(backend.base_url, backend.token)
    try:
        result = await fetcher.url(str(cdn_server.make_url("/p.png")))
        assert isinstance(result, Stored) and result.kind == "image"
        assert seen == [None] and backend.uploads == [("messenger", len(PNG))]
        gone = await fetcher.url(str(cdn_server.make_url("/gone.png")))
        assert isinstance(gone, Refused) and gone.problem == "unavailable"
    finally:
        await fetcher.close()
        await cdn_server.close()
        await backend_server.close()
