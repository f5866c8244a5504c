"""The backend's settings for channels: where customers reach it (status links)."""

from __future__ import annotations

from backend.config import Settings


def test_the_public_address_defaults_to_the_backends_own() -> None:
    assert Settings.from_env({}).public_base_url == "http://127.0.0.1:8000"
    assert Settings.from_env({"BACKEND_PORT": "8100"}).public_base_url == "http://127.0.0.1:8100"
    # A wildcard listening address is no address a customer's browser can open.
    assert Settings.from_env({"BACKEND_HOST": "0.0.0.0"}).public_base_url.startswith(
        "http://127.0.0.1:"
    )
    given = Settings.from_env({"PUBLIC_BASE_URL": "https://hilfe.example.org/"})
    assert given.public_base_url == "https://hilfe.example.org"
