"""bot/messenger_profile.py: first name and locale from the (fake) Graph API, once per sender."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.messenger_profile import Profile, ProfileLookup
from bot.messenger_store import MessengerStore
from simulator.fake_graph import FakeGraph

TOKEN = "customers-page-token"


def _profile_calls(graph: FakeGraph, psid: str) -> int:
    return sum(1 for c in graph.calls() if c.method == "GET" and c.path.endswith(f"/{psid}"))


async def test_the_locale_is_fetched_once_and_kept_across_restarts(
    fake_graph: tuple[FakeGraph, str], tmp_path: Path
) -> None:
    graph, url = fake_graph
    graph.set_profile("psid-en", first_name="Margaret", locale="en_GB")
    store = MessengerStore(tmp_path / "messenger.db")
    lookup = ProfileLookup(store, url, "v21.0", TOKEN)
    try:
        assert await lookup.profile("psid-en") == Profile(first_name="Margaret", locale="en_GB")
        assert await lookup.profile("psid-en") == Profile(first_name="Margaret", locale="en_GB")
    finally:
        await lookup.close()
    assert _profile_calls(graph, "psid-en") == 1
    call = next(c for c in graph.calls() if c.path.endswith("/psid-en"))
    assert call.access_token == TOKEN
    assert call.body["fields"] == ["first_name", "locale"]

    # A new process with the same store asks Meta no more.
    restarted = ProfileLookup(MessengerStore(tmp_path / "messenger.db"), url, "v21.0", TOKEN)
    try:
        found = await restarted.profile("psid-en")
    finally:
        await restarted.close()
    assert found is not None and found.locale == "en_GB"
    assert _profile_calls(graph, "psid-en") == 1
    store.close()


async def test_each_new_sender_is_looked_up(
    fake_graph: tuple[FakeGraph, str], tmp_path: Path
) -> None:
    graph, url = fake_graph
    graph.set_profile("psid-ch", first_name="Reto", locale="de_CH")
    lookup = ProfileLookup(MessengerStore(tmp_path / "m.db"), url, "v21.0", TOKEN)
    try:
        swiss = await lookup.profile("psid-ch")
        default = await lookup.profile("psid-unknown")
    finally:
        await lookup.close()
    assert swiss is not None and swiss.locale == "de_CH"
    assert default is not None and default.locale == "de_DE"  # the fake's default profile


async def test_a_failed_lookup_is_not_kept_and_is_tried_again(tmp_path: Path) -> None:
    answers = [web.json_response({"error": {"message": "down", "code": 2}}, status=500)]
    asked: list[str] = []

    async def profile(request: web.Request) -> web.Response:
        asked.append(request.match_info["psid"])
        if answers:
            return answers.pop()
        return web.json_response({"id": "psid-1", "first_name": "Eva", "locale": "de_AT"})

    app = web.Application()
    app.router.add_get("/v21.0/{psid}", profile)
    server = TestServer(app)
    await server.start_server()
    lookup = ProfileLookup(
        MessengerStore(tmp_path / "m.db"), str(server.make_url("")), "v21.0", TOKEN
    )
    try:
        assert await lookup.profile("psid-1") is None
        assert await lookup.profile("psid-1") == Profile(first_name="Eva", locale="de_AT")
        assert await lookup.profile("psid-1") == Profile(first_name="Eva", locale="de_AT")
    finally:
        await lookup.close()
        await server.close()
    assert asked == ["psid-1", "psid-1"]


async def test_an_unreachable_graph_gives_no_profile(tmp_path: Path) -> None:
    # Port 9 (discard) on localhost: nothing listens, the connection is refused at once.
    lookup = ProfileLookup(MessengerStore(tmp_path / "m.db"), "http://127.0.0.1:9", "v21.0", TOKEN)
    try:
        assert await lookup.profile("psid-1") is None
    finally:
        await lookup.close()
