"""whatsapp_platform.inbound: Meta's webhook bodies (shapes from the Cloud API's "messages
webhook reference" pages) into messages and statuses, in batch order, bad parts skipped."""

from __future__ import annotations

import json
from typing import Any

from messenger_platform import signature
from whatsapp_platform.inbound import Message, Status, parse, parse_body

NUMBER_ID = "106540352242922"
WA_ID = "41791234567"


def _value(**parts: Any) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "41445551234", "phone_number_id": NUMBER_ID},
        **parts,
    }


def _contacts(wa_id: str = WA_ID, name: str = "Anna Muster") -> list[dict[str, Any]]:
    return [{"profile": {"name": name}, "wa_id": wa_id}]


def _body(*values: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [{"value": value, "field": "messages"} for value in values],
            }
        ],
    }


def _message(wamid: str, kind: str, **content: Any) -> dict[str, Any]:
    return {"from": WA_ID, "id": wamid, "timestamp": "1749416383", "type": kind, **content}


def _one(message: dict[str, Any]) -> Message:
    parsed = parse(_body(_value(contacts=_contacts(), messages=[message])))
    assert parsed.skipped == () and parsed.refused == ""
    (item,) = parsed.messages
    return item


def test_a_text_message() -> None:
    raw = json.dumps(
        _body(
            _value(
                contacts=_contacts(),
                messages=[
                    _message(
                        "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
                        "text",
                        text={"body": "Mein WLAN geht nicht"},
                    )
                ],
            )
        )
    ).encode()
    parsed = parse_body(raw)
    (item,) = parsed.items
    assert isinstance(item, Message)
    assert item.kind == "text"
    assert item.text == "Mein WLAN geht nicht"
    assert item.wa_id == WA_ID
    assert item.profile_name == "Anna Muster"
    assert item.phone_number_id == NUMBER_ID
    assert item.timestamp == 1749416383
    assert (
        item.key
        == item.message_id
        == "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA="
    )


def test_the_signature_is_messengers() -> None:
    raw = json.dumps(_body(_value(statuses=[]))).encode()
    header = signature.sign(raw, "app-secret")
    assert signature.is_valid(raw, header, "app-secret")
    assert not signature.is_valid(raw + b" ", header, "app-secret")


def test_a_button_reply_gives_its_id_as_payload_and_its_title() -> None:
    item = _one(
        _message(
            "wamid.B1",
            "interactive",
            context={"from": "41445551234", "id": "wamid.ASKED"},
            interactive={"type": "button_reply", "button_reply": {"id": "affirm", "title": "Ja"}},
        )
    )
    assert (item.kind, item.payload, item.text, item.context_id) == (
        "button_reply",
        "affirm",
        "Ja",
        "wamid.ASKED",
    )


def test_a_list_reply_gives_its_row_id_as_payload_and_its_title() -> None:
    item = _one(
        _message(
            "wamid.L1",
            "interactive",
            interactive={
                "type": "list_reply",
                "list_reply": {
                    "id": "category:printer",
                    "title": "Drucker",
                    "description": "Drucken, Scannen",
                },
            },
        )
    )
    assert (item.kind, item.payload, item.text) == ("list_reply", "category:printer", "Drucker")


def test_a_templates_quick_reply_button() -> None:
    item = _one(
        _message("wamid.T1", "button", button={"payload": "claim:J-42", "text": "Annehmen"})
    )
    assert (item.kind, item.payload, item.text) == ("button", "claim:J-42", "Annehmen")


def test_a_location() -> None:
    item = _one(
        _message(
            "wamid.LOC",
            "location",
            location={
                "address": "Bahnhofstrasse 1, 8001 Zürich",
                "latitude": 47.3769,
                "longitude": 8.5417,
                "name": "Zürich HB",
                "url": "https://example.com",
            },
        )
    )
    assert (item.kind, item.latitude, item.longitude, item.text) == (
        "location",
        47.3769,
        8.5417,
        "Zürich HB",
    )


def test_an_image_with_its_media_id_and_caption() -> None:
    item = _one(
        _message(
            "wamid.IMG",
            "image",
            image={
                "caption": "So sieht der Router aus",
                "mime_type": "image/jpeg",
                "sha256": "ktJyXl9Ze2cS0Tgk3j+Qc3K3uQqv+4s2D0Qm8oXGzXk=",
                "id": "1003383421387256",
            },
        )
    )
    assert (item.kind, item.media_id, item.mime_type, item.text) == (
        "image",
        "1003383421387256",
        "image/jpeg",
        "So sieht der Router aus",
    )


def test_audio_document_sticker_and_reaction() -> None:
    voice = _one(
        _message(
            "wamid.A",
            "audio",
            audio={"mime_type": "audio/ogg; codecs=opus", "sha256": "x", "id": "77", "voice": True},
        )
    )
    assert (voice.kind, voice.media_id, voice.voice) == ("audio", "77", True)
    document = _one(
        _message(
            "wamid.D",
            "document",
            document={"filename": "rechnung.pdf", "mime_type": "application/pdf", "id": "78"},
        )
    )
    assert (document.kind, document.filename) == ("document", "rechnung.pdf")
    sticker = _one(
        _message(
            "wamid.S", "sticker", sticker={"mime_type": "image/webp", "id": "79", "animated": False}
        )
    )
    assert (sticker.kind, sticker.media_id) == ("sticker", "79")
    reaction = _one(
        _message("wamid.R", "reaction", reaction={"message_id": "wamid.OURS", "emoji": "👍"})
    )
    assert (reaction.kind, reaction.text, reaction.context_id) == ("reaction", "👍", "wamid.OURS")


def test_unsupported_types_are_kept_as_other() -> None:
    item = _one(
        _message(
            "wamid.U",
            "unsupported",
            errors=[{"code": 131051, "title": "Message type unknown"}],
        )
    )
    assert item.kind == "other"


def test_a_failed_status_with_131047() -> None:
    parsed = parse(
        _body(
            _value(
                statuses=[
                    {
                        "id": "wamid.OUT1",
                        "status": "failed",
                        "timestamp": "1751316123",
                        "recipient_id": WA_ID,
                        "errors": [
                            {
                                "code": 131047,
                                "title": "Re-engagement message",
                                "message": "Re-engagement message",
                                "error_data": {
                                    "details": "Message failed to send because more than 24 "
                                    "hours have passed since the customer last replied to "
                                    "this number."
                                },
                                "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
                            }
                        ],
                    }
                ]
            )
        )
    )
    (status,) = parsed.items
    assert isinstance(status, Status)
    assert (status.message_id, status.status, status.wa_id) == ("wamid.OUT1", "failed", WA_ID)
    assert status.key == "wamid.OUT1:failed"
    assert status.errors[0].code == 131047
    assert status.errors[0].title == "Re-engagement message"
    assert "24 hours" in status.errors[0].details


def test_sent_delivered_read_are_different_keys_of_one_message() -> None:
    statuses = [
        {"id": "wamid.OUT2", "status": s, "timestamp": "1751316123", "recipient_id": WA_ID}
        for s in ("sent", "delivered", "read")
    ]
    parsed = parse(_body(_value(statuses=statuses)))
    assert [s.key for s in parsed.statuses] == [
        "wamid.OUT2:sent",
        "wamid.OUT2:delivered",
        "wamid.OUT2:read",
    ]


def test_a_batch_of_two_changes_and_three_messages_keeps_the_order() -> None:
    body = _body(
        _value(
            contacts=_contacts(),
            messages=[
                _message("wamid.1", "text", text={"body": "eins"}),
                _message("wamid.2", "text", text={"body": "zwei"}),
            ],
        ),
        _value(
            contacts=_contacts("41781112233", "Bruno"),
            messages=[_message("wamid.3", "text", text={"body": "drei"}) | {"from": "41781112233"}],
        ),
    )
    parsed = parse(body)
    assert [(m.message_id, m.text, m.profile_name) for m in parsed.messages] == [
        ("wamid.1", "eins", "Anna Muster"),
        ("wamid.2", "zwei", "Anna Muster"),
        ("wamid.3", "drei", "Bruno"),
    ]


def test_every_entry_is_read_in_order() -> None:
    first = _body(_value(messages=[_message("wamid.E1", "text", text={"body": "a"})]))
    second = _body(_value(messages=[_message("wamid.E2", "text", text={"body": "b"})]))
    first["entry"] += second["entry"]
    assert [m.key for m in parse(first).messages] == ["wamid.E1", "wamid.E2"]


def test_a_duplicate_wamid_gives_the_same_key() -> None:
    message = _message("wamid.DUP", "text", text={"body": "hallo"})
    once = parse(_body(_value(contacts=_contacts(), messages=[message])))
    again = parse(
        _body(_value(contacts=_contacts(), messages=[message | {"timestamp": "1749416999"}]))
    )
    assert once.messages[0].key == again.messages[0].key == "wamid.DUP"


def test_absurdly_long_ids_are_hashed_into_a_short_key() -> None:
    item = _one(_message("wamid." + "x" * 240, "text", text={"body": "hi"}))
    assert item.key.startswith("sha256:") and len(item.key) < 100


def test_malformed_parts_are_skipped_with_a_reason_and_the_rest_kept() -> None:
    body = _body(
        _value(
            contacts=_contacts(),
            messages=[
                _message("wamid.OK1", "text", text={"body": "gut"}),
                "not an object",
                _message("wamid.NOFROM", "text", text={"body": "x"}) | {"from": "+41 79"},
                {
                    k: v
                    for k, v in _message("wamid.X", "text", text={"body": "x"}).items()
                    if k != "id"
                },
                _message("wamid.NOTEXT", "text"),
                _message("wamid.BADTIME", "text", text={"body": "x"}) | {"timestamp": "soon"},
                _message("wamid.NUL", "text", text={"body": "a\x00b"}),
                _message("wamid.LOC", "location", location={"latitude": "north", "longitude": 8}),
                _message("wamid.IMG", "image", image={"mime_type": "image/png"}),
                _message("wamid.BR", "interactive", interactive={"type": "button_reply"}),
                _message("wamid.OK2", "text", text={"body": "auch gut"}),
            ],
            statuses=[{"id": "wamid.S", "status": "exploded", "recipient_id": WA_ID}],
        ),
        {"metadata": {}},
    )
    body["entry"].append({"id": "1", "changes": "none"})
    body["entry"][0]["changes"].append({"field": "message_template_status_update", "value": {}})
    parsed = parse(body)
    assert [m.key for m in parsed.messages] == ["wamid.OK1", "wamid.OK2"]
    reasons = {s.where: s.reason for s in parsed.skipped}
    assert reasons["entry[0].changes[0].messages[1]"] == "not an object"
    assert "wa_id" in reasons["entry[0].changes[0].messages[2]"]
    assert "id" in reasons["entry[0].changes[0].messages[3]"]
    assert "no text object" in reasons["entry[0].changes[0].messages[4]"]
    assert "timestamp" in reasons["entry[0].changes[0].messages[5]"]
    assert "NUL" in reasons["entry[0].changes[0].messages[6]"]
    assert "latitude" in reasons["entry[0].changes[0].messages[7]"]
    assert "image.id" in reasons["entry[0].changes[0].messages[8]"]
    assert "button_reply" in reasons["entry[0].changes[0].messages[9]"]
    assert "exploded" in reasons["entry[0].changes[0].statuses[0]"]
    assert "phone_number_id" in reasons["entry[0].changes[1]"]
    assert "not 'messages'" in reasons["entry[0].changes[2]"]
    assert "changes" in reasons["entry[1]"]
    assert len(parsed.skipped) == 13


def test_a_body_that_is_not_whatsapp_says_so_and_never_raises() -> None:
    assert "object is 'page'" in parse_body(b'{"object": "page", "entry": []}').refused
    assert parse_body(b"\xff\xfe").refused.startswith("body is not UTF-8 JSON")
    assert parse_body(b"[1, 2]").refused
    assert parse_body(b"[" * 100_000 + b"]" * 100_000).refused
    assert parse_body(b"x" * (1024 * 1024 + 1)).refused == "body larger than 1 MiB"
    assert "entry" in parse({"object": "whatsapp_business_account", "entry": {}}).refused
    empty = parse({"object": "whatsapp_business_account", "entry": []})
    assert empty.refused == "" and empty.items == ()


def test_a_name_with_a_lone_surrogate_is_dropped_but_the_message_kept() -> None:
    parsed = parse(
        _body(
            _value(
                contacts=_contacts(name="\ud800"),
                messages=[_message("wamid.N", "text", text={"body": "hi"})],
            )
        )
    )
    assert parsed.messages[0].profile_name == ""
