import json

import pytest

from messenger_platform import signature
from messenger_platform.events import MalformedWebhook, parse_body


def test_signature_round_trip_and_tampering() -> None:
    body = b'{"object":"page","entry":[]}'
    header = signature.sign(body, "s3cret")
    assert header.startswith("sha256=")
    assert signature.is_valid(body, header, "s3cret")
    assert not signature.is_valid(body + b" ", header, "s3cret")
    assert not signature.is_valid(body, header, "other")
    assert not signature.is_valid(body, None, "s3cret")
    # SHA-1 headers (what Rasa's facebook channel checks) are not enough.
    assert not signature.is_valid(body, "sha1=" + header[7:], "s3cret")
    # An unset secret must not accept the signature of an empty key.
    assert not signature.is_valid(body, signature.sign(body, ""), "")


def test_subscription_verification() -> None:
    ok = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "42"}
    assert signature.verify_subscription(ok, "tok") == "42"
    assert signature.verify_subscription(ok | {"hub.verify_token": "x"}, "tok") is None
    assert signature.verify_subscription(ok | {"hub.mode": "unsubscribe"}, "tok") is None


def _body(*events: dict[str, object], entries: int = 1) -> bytes:
    return json.dumps(
        {"object": "page", "entry": [{"id": "p", "messaging": list(events)}] * entries}
    ).encode()


def test_every_event_of_a_batch_in_order_and_noise_dropped() -> None:
    events = parse_body(
        _body(
            {"sender": {"id": "a"}, "timestamp": 1, "message": {"mid": "m1", "text": "hallo"}},
            {"sender": {"id": "a"}, "timestamp": 2, "delivery": {"mids": ["m0"]}},
            {"sender": {"id": "a"}, "timestamp": 3, "read": {"watermark": 1}},
            {"sender": {"id": "p"}, "timestamp": 4, "message": {"mid": "m2", "is_echo": True}},
            {"sender": {"id": "b"}, "timestamp": 5, "postback": {"payload": "CLAIM:TF-2345"}},
            {
                "sender": {"id": "b"},
                "timestamp": 6,
                "message": {"mid": "m3", "text": "Ja", "quick_reply": {"payload": "/affirm"}},
            },
            {
                "sender": {"id": "c"},
                "timestamp": 7,
                "message": {
                    "mid": "m4",
                    "attachments": [
                        {
                            "type": "location",
                            "payload": {"coordinates": {"lat": 52.5, "long": 13.4}},
                        }
                    ],
                },
            },
            entries=2,
        )
    )
    kinds = [e.kind for e in events]
    assert kinds == ["text", "postback", "quick_reply", "location"] * 2
    assert events[1].payload == "CLAIM:TF-2345"
    assert events[1].dedupe_key == "pb:b:5:CLAIM:TF-2345"
    assert events[0].dedupe_key == "mid:m1"
    assert (events[3].latitude, events[3].longitude) == (52.5, 13.4)


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"object":"user"}',
        b'{"object":"page","entry":5}',
        b"x" * (1 << 20 + 1),
    ],
)
def test_malformed_bodies_are_refused_with_a_reason(body: bytes) -> None:
    with pytest.raises(MalformedWebhook):
        parse_body(body)
