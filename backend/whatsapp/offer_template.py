"""The `friend_offer` template: how a job is offered to a WhatsApp Friend who has not written
in 24 hours (Meta allows only approved templates then), with the same Accept / Not for me
buttons as the offer inside the window.

A stand-in for the template registry (backend/whatsapp/templates.py, issue 16): the name and
the languages come from backend/whatsapp_templates.yml (WHATSAPP_TEMPLATES_FILE) when it names
`friend_offer`, else the defaults below, the ones `python -m backend whatsapp-templates` is to
print for Meta. The body's named parameters are those of OFFER_PARAMETERS.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from backend.adapters.orm import Job
from backend.domain.friend_commands import tap
from backend.domain.money import format_money, friend_payout
from backend.domain.packages import Package
from backend.friends_chat.messages import window_text
from product.categories import category_label
from whatsapp_platform import outbound
from whatsapp_platform.ids import wa_id_of

log = logging.getLogger(__name__)

NAME = "friend_offer"
TEMPLATES_FILE = Path(__file__).resolve().parent.parent / "whatsapp_templates.yml"
# Body: "New job {{reference}}: {{category}} in {{place}}. When: {{when}}. Package:
# {{package}}. You earn: {{payout}}." with the quick replies "Accept" and "Not for me".
OFFER_PARAMETERS = ("reference", "category", "place", "when", "package", "payout")
# Meta refuses parameters with new lines, tabs or more than four spaces in a row.
_SPACES = re.compile(r"\s+")


def _entry(data: Any) -> Mapping[str, Any] | None:
    """`friend_offer` in the file, written as a mapping by name or a list of entries."""
    if isinstance(data, Mapping) and "templates" in data:
        data = data["templates"]
    if isinstance(data, Mapping):
        found = data.get(NAME)
        return found if isinstance(found, Mapping) else None
    if isinstance(data, list):
        for item in data:
            if isinstance(item, Mapping) and item.get("key", item.get("name")) == NAME:
                return item
    return None


@functools.cache
def configured(path: str) -> tuple[str, dict[str, str]]:
    """(the template's name at Meta, our language → Meta's language code) from the file."""
    name, languages = NAME, {}
    try:
        entry = _entry(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
    except FileNotFoundError:
        entry = None
    except (OSError, yaml.YAMLError) as exc:
        log.error("%s is not readable (%s): the default friend_offer template is used", path, exc)
        entry = None
    if entry is not None:
        name = str(entry.get("name") or NAME)
        given = entry.get("languages")
        if isinstance(given, Mapping):
            languages = {
                str(k): str(v.get("code", k) if isinstance(v, Mapping) else v or k)
                for k, v in given.items()
            }
        elif isinstance(given, list):
            languages = {str(k): str(k) for k in given}
    return name, languages


def offer_template(
    to: str, language: str, params: Mapping[str, str], payloads: Sequence[str]
) -> dict[str, Any]:
    """The Cloud API body of `friend_offer` to the wa_id `to` in `language` (de, en), with the
    named body parameters and the quick-reply payloads in the order of the buttons."""
    name, languages = configured(os.environ.get("WHATSAPP_TEMPLATES_FILE") or str(TEMPLATES_FILE))
    code = languages.get(language, language)
    clean = {key: _SPACES.sub(" ", value).strip() or "–" for key, value in params.items()}
    return outbound.template(to, name, code, clean, payloads)


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
