"""What a file is, judged by its bytes alone; which links a job takes; how the offer makes room
for them. Pure rules: no app, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.adapters.orm import Job
from backend.domain.jobs import validate_job_request
from backend.domain.media import (
    MAX_BYTES,
    MediaType,
    Refused,
    media_id_of,
    media_ids_in,
    media_ids_mentioned,
    media_path,
    media_url,
    new_media_id,
    sniff,
)
from backend.friends_chat import messages
from backend.friends_chat.media_texts import MEDIA_TEXTS
from product.languages import LANGUAGES
from tests.backend import media_files as files

BASE = "http://127.0.0.1:8000"
ID = "0123456789abcdef0123456789abcdef"
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("data", "kind", "content_type"), files.ACCEPTED)
def test_each_accepted_kind_is_known_by_its_bytes(
    data: bytes, kind: str, content_type: str
) -> None:
    assert sniff(data) == MediaType(kind, content_type)


@pytest.mark.parametrize(
    "data",
    [
        files.PDF,
        files.HTML,
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"just some text",
        files.ogg_theora(),
        b"\xff\xff\xff\xff" + bytes(10),  # a frame sync with reserved bits: noise, not MP3
        b"\xff\xf1\x50\x80" + bytes(10),  # ADTS AAC: layer 0, not an MPEG audio frame
        b"#!AMR-WB\n" + bytes(10),
        b"\x89PNG\r\n\x1a\n" + bytes(20),  # the signature without an image header
    ],
)
def test_anything_else_is_refused_as_an_unsupported_type(data: bytes) -> None:
    verdict = sniff(data)
    assert isinstance(verdict, Refused) and verdict.status == 415


def test_an_mp4_with_a_video_track_is_not_a_voice_message() -> None:
    verdict = sniff(files.mp4_video())
    assert isinstance(verdict, Refused) and verdict.status == 415 and "video" in verdict.reason


def test_empty_and_too_big_are_refused_before_the_type() -> None:
    assert sniff(b"") == Refused(400, "empty body: send the file's bytes")
    exactly = files.png() + bytes(MAX_BYTES - len(files.png()))
    assert sniff(exactly) == MediaType("image", "image/png")
    verdict = sniff(exactly + b"\x00")
    assert isinstance(verdict, Refused) and verdict.status == 413
    assert MAX_BYTES == 5_242_880


def test_media_ids_are_128_random_bits_and_only_our_urls_name_them() -> None:
    ids = {new_media_id() for _ in range(100)}
    assert len(ids) == 100 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    url = media_url(BASE + "/", ID)
    assert url == f"{BASE}/media/{ID}"
    assert media_id_of(url, BASE) == ID and media_path(url, BASE) == f"/media/{ID}"
    for not_ours in (
        f"https://evil.example/media/{ID}",
        f"{BASE}/media/{ID.upper()}",
        f"{BASE}/media/{ID}/x",
        f"{BASE}/media/{ID[:-1]}",
        f"{BASE}:9/media/{ID}",
        f"{BASE}/b/{ID}",
    ):
        assert media_id_of(not_ours, BASE) is None, not_ours
    assert media_id_of(url, "") is None  # no base known: nothing is ours
    other = ID[::-1]
    assert media_ids_in([url, url, f"{BASE}/media/{other}", "https://x.example/a.jpg"], BASE) == [
        ID,
        other,
    ]
    said = f'{{"text": "/share_image{{\\"image_url\\": \\"{url}\\"}}"}} /media/{ID}0 /media/xyz'
    assert media_ids_mentioned(said) == {ID}


def _job(**changes: object) -> dict[str, object]:
    return {
        "category": "internet_wifi",
        "description": "Mein WLAN bricht ständig ab",
        "country": "DE",
        "postal_code": "10115",
        "customer": {"psid": "c1", "name": "Erika Muster", "phone": "0171 9876543"},
    } | changes


def test_a_job_takes_our_media_urls_even_on_http_and_https_links() -> None:
    ours = f"{BASE}/media/{ID}"
    photos = [ours, "https://cdn.example/router.jpg"]
    request, errors = validate_job_request(
        _job(image_urls=photos, voice_urls=[ours]), {"quick_help"}, NOW, BASE
    )
    assert errors == {} and request is not None
    assert request.image_urls == tuple(photos) and request.voice_urls == (ours,)
    # Without knowing where it serves media, the backend takes https only, as before.
    _, errors = validate_job_request(_job(image_urls=[ours]), {"quick_help"}, NOW)
    assert set(errors) == {"image_urls"}


@pytest.mark.parametrize(
    "bad",
    [
        [f"http://elsewhere.example/media/{ID}"],
        [f"{BASE}/media/not-an-id"],
        [f"{BASE}/b/status-token"],
        ["ftp://x/y.ogg"],
        [f"{BASE}/media/{ID}"] * 6,
        "https://cdn.example/voice.ogg",
        [1],
    ],
)
def test_voice_urls_follow_the_same_rules(bad: object) -> None:
    _, errors = validate_job_request(_job(voice_urls=bad), {"quick_help"}, NOW, BASE)
    assert set(errors) == {"voice_urls"}, bad


def _offered(description: str, photos: int, voices: int) -> Job:
    return Job(
        reference="TF-AB23",
        category="internet_wifi",
        description=description,
        package="quick_help",
        country="DE",
        postal_code="10115",
        city="Berlin",
        street="",
        window_start=NOW,
        window_end=NOW + timedelta(hours=24),
        image_urls=[f"{BASE}/media/{i:032x}" for i in range(photos)],
        voice_urls=[f"{BASE}/media/{i + 100:032x}" for i in range(voices)],
    )


def test_the_offer_links_photos_and_voice_and_stays_within_metas_640_characters() -> None:
    job = _offered("Das WLAN fällt abends aus.", photos=1, voices=1)
    said = messages.offer_text(job, None, "de")
    assert job.image_urls[0] in said and job.voice_urls[0] in said
    assert "Fotos vom Kunden" in said and "Sprachnachricht vom Kunden" in said
    assert "Das WLAN fällt abends aus." in said
    english = messages.offer_text(job, None, "en")
    assert "Voice message from the customer" in english and "Photos from the customer" in english

    crowded = _offered("x" * 2000, photos=5, voices=5)
    said = messages.offer_text(crowded, None, "de")
    assert len(said) <= messages.OFFER_TEXT_LIMIT
    # Every link shown is whole; the others are counted, for after the claim.
    shown = [u for u in [*crowded.image_urls, *crowded.voice_urls] if u in said]
    assert shown and crowded.image_urls[0] in said
    assert f"Dazu {10 - len(shown)} weitere Fotos oder Sprachnachrichten" in said
    assert "Nehmen Sie nur an" in said  # the offer's own text is never cut
    after_claim = messages.photos_and_voice(crowded, "de")
    assert all(u in after_claim for u in [*crowded.image_urls, *crowded.voice_urls])
    assert "Sprachnachrichten vom Kunden zu Auftrag TF-AB23" in after_claim


def test_an_offer_without_files_reads_as_before() -> None:
    job = _offered("y" * 300, photos=0, voices=0)
    said = messages.offer_text(job, None, "en")
    assert "y" * 197 + "…" in said and "y" * 198 not in said
    assert "http" not in said and messages.photos_and_voice(job, "en") == ""


def test_every_media_text_is_in_every_language_and_reads_the_same_in_ch_and_at() -> None:
    for key, variants in MEDIA_TEXTS.items():
        assert set(variants) == set(LANGUAGES), key
        assert "ß" not in variants["de"], key  # Swiss German has no ß
