"""Small async client for the techfriends backend API, used by the custom actions.

Configuration from the environment:

- ``BACKEND_URL`` (default ``http://127.0.0.1:8000``)
- ``BACKEND_API_TOKEN`` sent as ``Authorization: Bearer <token>`` (omitted when empty)
- ``BACKEND_TIMEOUT_SECONDS`` (default 10)

Every request carries ``X-Request-ID`` (and ``X-Conversation-ID``) from the ids the action
server bound for the current action call (see ``messenger_platform.logs``), so the backend's
log lines name the customer's message that caused them.

Every call either returns parsed data or raises ``BackendError`` (network trouble, timeouts,
5xx, unexpected answers) or ``BackendValidationError`` (422 with field messages). Read calls and
the job POST are retried once after a network error or a 5xx: the POST is safe to retry
because it carries an ``Idempotency-Key``.

No Rasa imports, so the client can be tested with plain pytest.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any
from urllib.parse import quote

import aiohttp

from messenger_platform import logs
from product import channels

logger = logging.getLogger(__name__)

DEFAULT_URL = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT = 10.0
RETRY_DELAY = 0.5


class BackendError(Exception):
    """The backend could not be reached or answered unexpectedly."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class BackendValidationError(BackendError):
    """422: the backend rejected fields of the request."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(f"validation failed: {errors}", status=422)
        self.errors = errors


class BackendClient:
    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        timeout: float | None = None,
        attempts: int = 2,
    ) -> None:
        self.base_url = (base_url or os.environ.get("BACKEND_URL") or DEFAULT_URL).rstrip("/")
        self.token = token if token is not None else os.environ.get("BACKEND_API_TOKEN", "")
        if timeout is None:
            try:
                timeout = float(os.environ.get("BACKEND_TIMEOUT_SECONDS") or DEFAULT_TIMEOUT)
            except ValueError:
                timeout = DEFAULT_TIMEOUT
        self.timeout = timeout
        self.attempts = max(1, attempts)

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept": "application/json", **logs.outgoing_headers()}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if extra:
            headers.update(extra)
        return headers

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200,),
        none_on: tuple[int, ...] = (),
    ) -> Any:
        """JSON body of a response with a status in ``ok``; None for ``none_on`` statuses."""
        url = f"{self.base_url}{path}"
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        last_error: BackendError | None = None
        # Once for all attempts: a retry is the same request and keeps its id.
        request_headers = self._headers(headers)
        for attempt in range(1, self.attempts + 1):
            try:
                async with (
                    aiohttp.ClientSession(timeout=timeout) as session,
                    session.request(
                        method,
                        url,
                        params=params,
                        json=json_body,
                        headers=request_headers,
                    ) as response,
                ):
                    status = response.status
                    if status in none_on:
                        return None
                    if status == 422:
                        raise BackendValidationError(_errors_of(await _json_or_none(response)))
                    if status in ok:
                        data = await _json_or_none(response)
                        if data is None:
                            raise BackendError(f"{method} {path}: no JSON body", status)
                        return data
                    last_error = BackendError(f"{method} {path}: HTTP {status}", status)
                    if status < 500:
                        raise last_error
            except BackendError:
                raise
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                last_error = BackendError(f"{method} {path}: {type(error).__name__}: {error}")
            if attempt < self.attempts:
                logger.warning("backend call failed (%s), retrying", last_error)
                await asyncio.sleep(RETRY_DELAY)
        assert last_error is not None
        raise last_error

    async def lookup_postal_code(
        self, code: str, country: str | None = None
    ) -> list[dict[str, Any]]:
        """All places with this postal code (optionally only in ``country``); [] when unknown."""
        params = {"code": code}
        if country:
            params["country"] = country
        data = await self._request("GET", "/api/v1/postal-codes", params=params)
        if not isinstance(data, list):
            raise BackendError("GET /api/v1/postal-codes: expected a JSON array")
        return [place for place in data if isinstance(place, dict)]

    async def nearest_postal_code(self, latitude: float, longitude: float) -> dict[str, Any] | None:
        """The place nearest to a shared location, or None when nothing is within reach."""
        params = {"latitude": str(latitude), "longitude": str(longitude)}
        data = await self._request(
            "GET", "/api/v1/postal-codes/nearest", params=params, none_on=(404,)
        )
        if data is not None and not isinstance(data, dict):
            raise BackendError("GET /api/v1/postal-codes/nearest: expected a JSON object")
        return data

    async def list_packages(self, country: str) -> list[dict[str, Any]]:
        data = await self._request("GET", "/api/v1/packages", params={"country": country})
        if not isinstance(data, list):
            raise BackendError("GET /api/v1/packages: expected a JSON array")
        return [package for package in data if isinstance(package, dict)]

    async def create_job(self, request: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        """Post a job; returns the job (201, or 200 when the key was seen before)."""
        data = await self._request(
            "POST",
            "/api/v1/jobs",
            json_body=request,
            headers={"Idempotency-Key": idempotency_key},
            ok=(200, 201),
        )
        if not isinstance(data, dict) or not data.get("reference"):
            raise BackendError("POST /api/v1/jobs: answer has no job reference")
        return data

    async def get_job(self, reference: str) -> dict[str, Any] | None:
        """One job, or None when the backend knows no job with this reference."""
        data = await self._request(
            "GET", f"/api/v1/jobs/{quote(reference, safe='')}", none_on=(404,)
        )
        if data is not None and not isinstance(data, dict):
            raise BackendError("GET /api/v1/jobs/{reference}: expected a JSON object")
        return data

    async def list_jobs(
        self, customer_id: str, channel: str = channels.MESSENGER
    ) -> list[dict[str, Any]]:
        """The customer's jobs (any status)."""
        data = await self._request(
            "GET", "/api/v1/jobs", params=_customer_query(customer_id, channel)
        )
        if not isinstance(data, list):
            raise BackendError("GET /api/v1/jobs: expected a JSON array")
        return [job for job in data if isinstance(job, dict)]

    async def cancel_job(self, reference: str, reason: str) -> dict[str, Any]:
        """Cancel a job for the customer; BackendError with status 409 when it is too late.

        The customer asked in their chat and the assistant answers them there, so the backend
        sends them no news of it (notify_customer false)."""
        data = await self._request(
            "POST",
            f"/api/v1/jobs/{quote(reference, safe='')}/cancel",
            json_body={"reason": reason, "by": "customer", "notify_customer": False},
        )
        if not isinstance(data, dict):
            raise BackendError("POST /api/v1/jobs/{reference}/cancel: expected a JSON object")
        return data

    async def rate_job(
        self,
        reference: str,
        stars: int,
        comment: str,
        customer_id: str,
        channel: str = channels.MESSENGER,
    ) -> dict[str, Any]:
        """Rate a completed job; BackendError with status 409 when it was rated already."""
        if channel == channels.MESSENGER:
            who = {"customer_psid": customer_id}  # the backend's older form (see _customer_query)
        else:
            who = {"channel": channel, "customer_id": customer_id}
        data = await self._request(
            "POST",
            f"/api/v1/jobs/{quote(reference, safe='')}/rating",
            json_body={"stars": stars, "comment": comment, **who},
            ok=(200, 201),
        )
        if not isinstance(data, dict):
            raise BackendError("POST /api/v1/jobs/{reference}/rating: expected a JSON object")
        return data


def _customer_query(customer_id: str, channel: str) -> dict[str, str]:
    """Who the jobs belong to. Messenger keeps the backend's older form (customer_psid; customer
    is the name in the issue-5 contract), which every backend release reads, so that Messenger
    customers see their jobs whichever of bot and backend is released first; the other
    channels name themselves."""
    if channel == channels.MESSENGER:
        return {"customer_psid": customer_id, "customer": customer_id}
    return {"channel": channel, "customer_id": customer_id}


async def _json_or_none(response: aiohttp.ClientResponse) -> Any:
    try:
        return await response.json(content_type=None)
    except (ValueError, aiohttp.ContentTypeError):
        return None


def _errors_of(body: Any) -> dict[str, str]:
    # The backend answers {"error", "errors"}; "fields" is accepted as well.
    if isinstance(body, dict):
        for key in ("errors", "fields"):
            if isinstance(body.get(key), dict):
                return {str(name): str(value) for name, value in body[key].items()}
    return {}
