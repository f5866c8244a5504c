"""The WhatsApp settings: read by the simulator from the environment, named by tools/stack.py
for a half-configured number, and the webhook bodies' exact shape."""

from __future__ import annotations

from pathlib import Path

from simulator import whatsapp_bodies as wab
from simulator.settings import DEFAULT_WHATSAPP_NUMBER_IDS, SimulatorSettings
from simulator.whatsapp_templates import load, parse
from tools.stack import WHATSAPP_SETTINGS, missing_whatsapp_settings


def test_numbers_come_from_the_environment_with_their_webhooks() -> None:
    settings = SimulatorSettings.from_env(
        {
            "RASA_URL": "http://rasa:5005/",
            "BACKEND_URL": "http://backend:8000",
            "CUSTOMER_WHATSAPP_PHONE_NUMBER_ID": "123",
            "CUSTOMER_WHATSAPP_ACCESS_TOKEN": "tok",
            "CUSTOMER_WHATSAPP_APP_SECRET": "sec",
        }
    )

    customer, friends = settings.whatsapp_numbers()
    assert (customer.phone_number_id, customer.access_token, customer.app_secret) == (
        "123",
        "tok",
        "sec",
    )
    assert customer.webhook_url == "http://rasa:5005/webhooks/whatsapp/webhook"
    assert customer.configured
    assert friends.webhook_url == "http://backend:8000/webhooks/friends/whatsapp"
    assert friends.phone_number_id == DEFAULT_WHATSAPP_NUMBER_IDS["friends"]
    assert not friends.configured
    # A number with no settings is simply not in the demo: nothing to warn about.
    assert not [w for w in settings.warnings() if "WHATSAPP" in w]


def test_a_half_configured_number_is_a_warning_and_named_by_the_stack() -> None:
    env = {"FRIENDS_WHATSAPP_ACCESS_TOKEN": "tok"}

    warnings = SimulatorSettings.from_env(env).warnings()

    assert any("FRIENDS_WHATSAPP_APP_SECRET" in w for w in warnings)
    assert missing_whatsapp_settings(env) == [
        "FRIENDS_WHATSAPP_PHONE_NUMBER_ID",
        "FRIENDS_WHATSAPP_APP_SECRET",
        "FRIENDS_WHATSAPP_VERIFY_TOKEN",
    ]
    assert missing_whatsapp_settings({}) == []
    full = {name: "x" for names in WHATSAPP_SETTINGS.values() for name in names}
    assert missing_whatsapp_settings(full) == []


def test_a_message_body_has_metas_shape() -> None:
    message = wab.text_message("41791234567", "Grüezi", wamid="wamid.X", timestamp=1700000000)

    body = wab.message_body("555", "41445550100", "41791234567", "Vreni", message)

    assert body == {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": wab.WABA_ID,
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "41445550100",
                                "phone_number_id": "555",
                            },
                            "contacts": [{"profile": {"name": "Vreni"}, "wa_id": "41791234567"}],
                            "messages": [
                                {
                                    "from": "41791234567",
                                    "id": "wamid.X",
                                    "timestamp": "1700000000",
                                    "type": "text",
                                    "text": {"body": "Grüezi"},
                                }
                            ],
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }


def test_a_status_has_metas_shape() -> None:
    item = wab.status("wamid.Y", "delivered", "41791234567", timestamp=1700000001)

    assert item["id"] == "wamid.Y"
    assert (item["status"], item["recipient_id"], item["timestamp"]) == (
        "delivered",
        "41791234567",
        "1700000001",
    )
    assert item["pricing"]["category"] == "service"
    assert item["conversation"]["origin"] == {"type": "service"}
    read = wab.status("wamid.Y", "read", "41791234567")
    assert "pricing" not in read


def test_templates_file_forms_are_read_leniently() -> None:
    as_mapping = parse(
        {
            "templates": {
                "friend_offer": {
                    "languages": {
                        "de": {"body": "Auftrag {{reference}}", "buttons": [{"text": "Annehmen"}]},
                        "en": "Job {{reference}}",
                    }
                }
            }
        }
    )
    as_list = parse([{"name": "job_assigned", "languages": ["de", "en"]}, {"no": "name"}])

    offer = as_mapping["friend_offer"]
    assert offer.render("de", {"reference": "TF-1"}) == "Auftrag TF-1"
    assert offer.render("en", {}) == "Job {{reference}}"
    assert offer.button_titles("de") == ("Annehmen",)
    assert set(as_list) == {"job_assigned"}
    assert set(as_list["job_assigned"].languages) == {"de", "en"}


def test_one_entry_per_language_is_merged_and_an_unknown_form_accepts_any_name(
    tmp_path: Path,
) -> None:
    per_language = parse(
        [
            {"name": "friend_offer", "language": "de", "body": "Auftrag {{reference}}"},
            {"name": "friend_offer", "language": "en", "body": "Job {{reference}}"},
        ]
    )
    assert set(per_language["friend_offer"].languages) == {"de", "en"}
    odd = tmp_path / "templates.yml"
    odd.write_text("- just a string\n", encoding="utf-8")
    assert load(str(odd)) is None
    assert load(str(tmp_path / "missing.yml")) is None


def test_our_key_and_metas_name_and_codes_are_all_known() -> None:
    templates = parse(
        {
            "friend_offer": {
                "name": "techfriends_job_offer",
                "languages": {"de": "de", "en": {"code": "en_US", "body": "New job {{ref}}"}},
            }
        }
    )

    assert set(templates) == {"friend_offer", "techfriends_job_offer"}
    languages = templates["techfriends_job_offer"].languages
    assert set(languages) == {"de", "en", "en_US"}
    assert languages["de"].body == ""  # a code, not a text
    assert templates["friend_offer"].render("en_US", {"ref": "TF-1"}) == "New job TF-1"
