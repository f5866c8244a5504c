"""The media API on a real app and database (SQLite and PostgreSQL): upload by content, refuse
what is too big, of another type, empty or unauthorised; serve by id; jobs carry the links and
the offered Friend reads them."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.fake_graph import FakeGraph
from tests.backend import media_files as files
from tests.backend.conftest import ADMIN_TOKEN, api_headers
from tests.backend.helpers import (
    Client,
    add_friend,
    create_job,
    job_body,
    post_friends_webhook,
    tap,
    text_of,
    wait_for,
)

BASE = "http://127.0.0.1:8000"  # PUBLIC_BASE_URL of the test settings (the default)
LIMIT = 5 * 1024 * 1024


async def upload(
    client: Client, data: bytes, declared: str = "application/octet-stream", **headers: str
) -> tuple[int, dict[str, Any]]:
    response = await client.post(
        "/api/v1/media", data=data, headers=api_headers(**{"Content-Type": declared, **headers})
    )
    body: dict[str, Any] = await response.json()
    return response.status, body


@pytest.mark.parametrize(("data", "kind", "content_type"), files.ACCEPTED)
async def test_each_kind_is_stored_and_served_back_as_it_is(
    client: Client, data: bytes, kind: str, content_type: str
) -> None:
    # The declared type is a lie on purpose: only the bytes count.
    status, body = await upload(
        client, data, declared="text/html", **{"X-Media-Source": "whatsapp"}
    )
    assert status == 201, body
    media_id = body["id"]
    assert len(media_id) == 32 and int(media_id, 16) >= 0
    assert body == {
        "id": media_id,
        "url": f"{BASE}/media/{media_id}",
        "kind": kind,
        "content_type": content_type,
        "bytes": len(data),
    }
    served = await client.get(f"/media/{media_id}")  # no token: the id is the key
    assert served.status == 200
    assert await served.read() == data
    assert served.headers["Content-Type"] == content_type
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=" in served.headers["Cache-Control"]
    assert "private" in served.headers["Cache-Control"]
    again = await client.get(
        f"/media/{media_id}", headers={"If-None-Match": served.headers["ETag"]}
    )
    assert again.status == 304
    head = await client.head(f"/media/{media_id}")
    assert head.status == 200 and head.headers["Content-Length"] == str(len(data))


async def test_the_same_bytes_twice_are_one_file(client: Client) -> None:
    first_status, first = await upload(client, files.png(shade=7))
    second_status, second = await upload(
        client, files.png(shade=7), **{"X-Media-Source": "messenger"}
    )
    other_status, other = await upload(client, files.png(shade=8))
    assert (first_status, second_status, other_status) == (201, 200, 201)
    assert second == first and other["id"] != first["id"]


async def test_more_than_5_mib_is_refused_with_413(client: Client) -> None:
    photo = files.png()
    exactly = photo + bytes(LIMIT - len(photo))
    status, body = await upload(client, exactly + b"\x00")
    assert status == 413 and "5 MiB" in body["error"]

    # Sent in chunks without a length, it is cut off once past the limit all the same.
    async def chunks() -> Any:
        for start in range(0, len(exactly) + 1, 256 * 1024):
            yield (exactly + b"\x00")[start : start + 256 * 1024]

    response = await client.post("/api/v1/media", data=chunks(), headers=api_headers())
    assert response.status == 413 and "5 MiB" in (await response.json())["error"]
    status, body = await upload(client, exactly)
    assert status == 201 and body["bytes"] == LIMIT


@pytest.mark.parametrize("data", [files.PDF, files.HTML, files.mp4_video(), files.ogg_theora()])
async def test_a_file_of_another_type_is_refused_with_415_whatever_it_claims(
    client: Client, data: bytes
) -> None:
    status, body = await upload(client, data, declared="image/png")
    assert status == 415 and body["error"]


async def test_empty_bad_source_and_missing_token_are_refused(client: Client) -> None:
    status, body = await upload(client, b"")
    assert status == 400 and "empty" in body["error"]
    status, body = await upload(client, files.GIF, **{"X-Media-Source": "telegram"})
    assert status == 400 and "X-Media-Source" in body["error"]
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}):
        response = await client.post("/api/v1/media", data=files.GIF, headers=headers)
        assert response.status == 401, headers
    admin = await client.post(
        "/api/v1/media", data=files.GIF, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )
    assert admin.status == 201


async def test_unknown_or_malformed_ids_are_404(client: Client) -> None:
    for path in ("0" * 32, "f" * 31, "F" * 32, "..%2Fconsole", "x" * 40):
        response = await client.get(f"/media/{path}")
        assert response.status == 404, path
        assert "error" in await response.json()


async def test_the_openapi_document_describes_the_upload(client: Client) -> None:
    document = await (await client.get("/api/v1/openapi.json")).json()
    upload_doc = document["paths"]["/api/v1/media"]["post"]
    assert set(upload_doc["requestBody"]["content"]) == {"application/octet-stream"}
    assert {"201", "200", "400", "401", "413", "415"} <= set(upload_doc["responses"])
    job = document["components"]["schemas"]["JobRequest"]["properties"]
    assert job["voice_urls"]["maxItems"] == 5
    assert "voice_urls" in document["components"]["schemas"]["Job"]["properties"]
    assert "/media/{media_id}" not in document["paths"]  # a public file, not the JSON API


async def test_a_job_with_photos_and_a_voice_message_shows_them_to_the_friend(
    client: Client, fake_graph: tuple[FakeGraph, str]
) -> None:
    graph, _ = fake_graph
    await add_friend(client)
    _, photo = await upload(client, files.JPEG)
    _, voice = await upload(client, files.ogg_opus())
    cdn = "https://scontent.xx.fbcdn.net/v/t1/router.jpg"
    job = await create_job(client, image_urls=[photo["url"], cdn], voice_urls=[voice["url"]])
    assert job["image_urls"] == [photo["url"], cdn]
    assert job["voice_urls"] == [voice["url"]]
    listed = await client.get("/api/v1/jobs?customer=cust-1", headers=api_headers())
    assert (await listed.json())[0]["voice_urls"] == [voice["url"]]

    [offer] = await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c))
    said = text_of(offer)
    assert offer.recipient == "friend-anna"
    assert photo["url"] in said and cdn in said and voice["url"] in said
    assert "Sprachnachricht vom Kunden" in said

    ref = job["reference"]
    await post_friends_webhook(client, [tap("friend-anna", f"CLAIM:{ref}", 1)])
    [details] = await wait_for(graph, lambda c: "Fotos vom Kunden zu Auftrag" in text_of(c))
    assert photo["url"] in text_of(details) and voice["url"] in text_of(details)
    assert f"Sprachnachricht vom Kunden zu Auftrag {ref}" in text_of(details)
    # The links the Friend got open the files.
    assert await (await client.get(voice["url"].removeprefix(BASE))).read() == files.ogg_opus()


async def test_a_job_must_name_stored_files_of_the_right_kind(client: Client) -> None:
    _, photo = await upload(client, files.WEBP)
    _, voice = await upload(client, files.AMR)
    never_stored = f"{BASE}/media/{'a' * 32}"
    for changes, field in (
        ({"image_urls": [never_stored]}, "image_urls"),
        ({"voice_urls": [photo["url"]]}, "voice_urls"),
        ({"image_urls": [voice["url"]]}, "image_urls"),
        ({"voice_urls": [f"http://elsewhere.example/media/{voice['id']}"]}, "voice_urls"),
        ({"voice_urls": [voice["url"]] * 6}, "voice_urls"),
    ):
        response = await client.post(
            "/api/v1/jobs", json=job_body(**changes), headers=api_headers()
        )
        assert response.status == 422, changes
        assert set((await response.json())["errors"]) == {field}, changes
