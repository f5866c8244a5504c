"""The demo's sample website (`/site`): a neighbourhood service's page with the website chat
widget embedded by its one <script> tag, pointing at the backend's widget.js and the Rasa
server (BACKEND_URL, RASA_URL)."""

from __future__ import annotations

import html
from pathlib import Path
from string import Template

PAGE = Path(__file__).resolve().parent / "site" / "index.html"


def render_page(backend_url: str, rasa_url: str) -> str:
    values = {"backend_url": backend_url, "rasa_url": rasa_url}
    return Template(PAGE.read_text(encoding="utf-8")).substitute(
        {key: html.escape(value.rstrip("/"), quote=True) for key, value in values.items()}
    )
