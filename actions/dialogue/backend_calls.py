"""The backend as the actions reach it: a client per action call, and the packages of the
customer's country (the package question, its validation and the price answer need them)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk.interfaces import Tracker

from actions import packages
from actions.backend_client import BackendClient, BackendError
from product.countries import DEFAULT_COUNTRY

logger = logging.getLogger(__name__)


def client() -> BackendClient:
    # Built per call: the client reads BACKEND_URL and the token from the environment.
    return BackendClient()


async def package_options(tracker: Tracker) -> list[dict[str, Any]] | None:
    """The packages shown before (kept in ``package_options``), else the backend's for the
    customer's country; None when the backend cannot say (logged)."""
    options: list[dict[str, Any]] = tracker.get_slot("package_options") or []
    if options:
        return options
    country = tracker.get_slot("country")
    try:
        found = packages.valid_packages(await client().list_packages(country or DEFAULT_COUNTRY))
        if not found:
            raise BackendError(f"no packages for {country}")
    except BackendError as error:
        logger.error("packages could not be loaded: %s", error)
        return None
    return found
