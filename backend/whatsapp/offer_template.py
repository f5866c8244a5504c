"""The `friend_offer` template: how a job is offered to a WhatsApp Friend who has not written
in 24 hours (Meta allows only approved templates then), with the same Accept / Not for me
buttons as the offer inside the window. Name, languages and texts are the registry's
(backend/whatsapp_templates.yml, `templates`); this module only says what the job fills in.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from backend.adapters.orm import Job
from backend.domain.friend_commands import tap
from backend.domain.money import format_money, friend_payout
from backend.domain.packages import Package
from backend.friends_chat.messages import window_text
from backend.whatsapp.templates import TemplateRegistry, load, template_file
from product.categories import category_label
from whatsapp_platform.ids import wa_id_of

NAME = "friend_offer"
OFFER_PARAMETERS = ("reference", "category", "place", "when", "package", "payout")


@functools.cache
def _registry(path: Path) -> TemplateRegistry:
    return load(path)


def offer_template(
    to: str, language: str, params: Mapping[str, str], payloads: Sequence[str]
) -> dict[str, Any]:
    """The Cloud API body of `friend_offer` to the wa_id `to` in `language` (de, en), with the
    named body parameters and the quick-reply payloads in the order of the buttons."""
    filled = {key: value.strip() or "–" for key, value in params.items()}
    return _registry(template_file()).render(NAME, language, to, filled, payloads)


def offer_parameters(job: Job, package: Package | None, language: str) -> dict[str, str]:
    """The job as the template's parameters (the texts of the offer inside the window)."""
    price = package.prices.get(job.country) if package else None
    payout = format_money(friend_payout(price.amount), price.currency, language) if price else "–"
    return {
        "reference": job.reference,
        "category": category_label(job.category, language),
        "place": f"{job.postal_code} {job.city}".strip(),
        "when": window_text(job, language),
        "package": package.names.get(language, job.package) if package else job.package,
        "payout": payout,
    }


def job_offer(recipient: str, job: Job, package: Package | None, language: str) -> dict[str, Any]:
    """`friend_offer` for a job to the Friend whose chat id is `recipient` ("wa-…"), its
    buttons claiming and declining exactly as the Messenger offer's do."""
    wa_id = wa_id_of(recipient)
    if wa_id is None:
        raise ValueError(f"not a WhatsApp Friend: {recipient!r}")
    payloads = (tap("claim", job.reference), tap("decline", job.reference))
    return offer_template(wa_id, language, offer_parameters(job, package, language), payloads)
