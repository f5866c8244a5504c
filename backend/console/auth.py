"""Staff accounts, logins and sessions: argon2 hashes, login throttling, CSRF tokens per session.

Logins are throttled, not locked: after a few failures an account, and separately a client
address, must wait before its next attempt is checked, the wait doubling up to a cap. Every
failure (unknown account, wrong password, throttled) gets the same answer after one argon2
verification, so neither the answer nor its timing tells which. Attempts are counted before
the password is checked, by one conditional UPDATE, so parallel attempts cannot slip past the
count. argon2 runs on a small thread pool of its own, off the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import secrets
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.console.i18n import console_language
from backend.console.models import StaffAccount, StaffSession
from product.languages import DEFAULT_LANGUAGE

ROLES = ("agent", "admin")
SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD = 10

# An account: five attempts in a row without a success are checked at once; from the fifth on,
# the next attempt waits 1 s, then 2 s, 4 s … at most 5 minutes (a short cap: anybody can make
# an account wait, so the wait must stay bearable for its owner).
MAX_FAILURES = 5
FIRST_DELAY = timedelta(seconds=1)
ACCOUNT_MAX_DELAY = timedelta(minutes=5)
# A client address, whatever accounts it tries (password spraying): ten failures, then the same
# doubling up to 15 minutes; an address is forgotten after an hour without a failure.
ADDRESS_FREE_FAILURES = 10
ADDRESS_MAX_DELAY = timedelta(minutes=15)
ADDRESS_MEMORY = timedelta(hours=1)
MAX_ADDRESSES = 10_000

_hasher = PasswordHasher()
# Checked against when no real hash is (unknown account, throttled), so every answer takes as
# long as a wrong password for a real account.
_DUMMY_HASH = _hasher.hash("not-a-password-of-anybody")
# argon2 takes ~50-150 ms of CPU and 64 MiB per hash: a few threads of its own keep the event
# loop free (argon2-cffi releases the GIL) and bound the memory many parallel logins take.
_HASHING = ThreadPoolExecutor(
    max_workers=max(2, min(4, os.cpu_count() or 2)), thread_name_prefix="argon2"
)


class StaffError(Exception):
    pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def hash_off_loop(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_HASHING, hash_password, password)


async def matches_off_loop(password_hash: str, password: str) -> bool:
    # By name at call time, so a test can wrap password_matches.
    return await asyncio.get_running_loop().run_in_executor(
        _HASHING, password_matches, password_hash, password
    )


def normalise_email(email: str) -> str:
    return email.strip().lower()


def validate_new_staff(email: str, role: str, password: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    address = normalise_email(email)
    if "@" not in address or len(address) > 254 or " " in address:
        errors["email"] = "not an e-mail address"
    if role not in ROLES:
        errors["role"] = f"must be one of {', '.join(ROLES)}"
    if len(password) < MIN_PASSWORD:
        errors["password"] = f"at least {MIN_PASSWORD} characters"
    return errors


async def create_staff(
    session: AsyncSession, email: str, role: str, password: str, language: str = DEFAULT_LANGUAGE
) -> StaffAccount:
    errors = validate_new_staff(email, role, password)
    if errors:
        raise StaffError("; ".join(f"{k}: {v}" for k, v in errors.items()))
    account = StaffAccount(
        email=normalise_email(email),
        password_hash=await hash_off_loop(password),
        role=role,
        language=console_language(language),
        active=True,
        failed_logins=0,
    )
    session.add(account)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise StaffError(f"an account for {account.email} exists") from exc
    return account


def delay_after(failures: int, free: int, cap: timedelta) -> timedelta | None:
    """How long the next attempt waits after `failures` counted attempts (None: no wait)."""
    if failures < free:
        return None
    doublings = min(failures - free, 30)
    return min(cap, FIRST_DELAY * (1 << doublings))


def _account_steps() -> int:
    """Counts at which the account's wait still grows; from the last one on it is the cap."""
    n = MAX_FAILURES
    while delay_after(n, MAX_FAILURES, ACCOUNT_MAX_DELAY) != ACCOUNT_MAX_DELAY:
        n += 1
    return n


_ACCOUNT_CAP_AT = _account_steps()


@dataclass
class _Tally:
    failures: int
    until: datetime | None
    last: datetime


class AddressThrottle:
    """Attempts per client address, in this process's memory (bounded: the least recently
    seen addresses are dropped first). Counted before the password is checked; a success
    gives its own attempt back, so logging in between guesses resets nothing."""

    def __init__(self, free: int = ADDRESS_FREE_FAILURES, size: int = MAX_ADDRESSES) -> None:
        self.free = free
        self.size = size
        self._tallies: OrderedDict[str, _Tally] = OrderedDict()

    def reserve(self, address: str, now: datetime) -> bool:
        """Count an attempt from `address`; False when it must wait (then nothing counted)."""
        tally = self._tallies.get(address)
        if tally is not None and now - tally.last > ADDRESS_MEMORY:
            tally = None
        if tally is not None and tally.until is not None and tally.until > now:
            return False
        failures = (tally.failures if tally else 0) + 1
        wait = delay_after(failures, self.free, ADDRESS_MAX_DELAY)
        self._tallies[address] = _Tally(failures, now + wait if wait else None, now)
        self._tallies.move_to_end(address)
        while len(self._tallies) > self.size:
            self._tallies.popitem(last=False)
        return True

    def refund(self, address: str) -> None:
        tally = self._tallies.get(address)
        if tally is not None and tally.failures > 0:
            tally.failures -= 1
            if delay_after(tally.failures, self.free, ADDRESS_MAX_DELAY) is None:
                tally.until = None


@dataclass(frozen=True)
class LoginResult:
    account: StaffAccount | None
    # Why it failed, for the log only: the answer is the same whatever the reason.
    reason: str = ""


async def _reserve_account_attempt(
    session: AsyncSession, email: str, now: datetime
) -> tuple[int, str] | None:
    """Count one attempt on an active account that is not waiting, in one conditional UPDATE
    (atomic on SQLite and PostgreSQL): (its id, its hash), or None (unknown, inactive or
    waiting: nothing counted)."""
    account = StaffAccount
    counted = account.failed_logins + 1
    waits = [
        (counted == n, now + (delay_after(n, MAX_FAILURES, ACCOUNT_MAX_DELAY) or timedelta()))
        for n in range(MAX_FAILURES, _ACCOUNT_CAP_AT)
    ]
    row = (
        await session.execute(
            update(account)
            .where(
                account.email == email,
                account.active.is_(True),
                or_(account.locked_until.is_(None), account.locked_until <= now),
            )
            .values(
                failed_logins=counted,
                locked_until=case(
                    *waits,
                    (counted >= _ACCOUNT_CAP_AT, now + ACCOUNT_MAX_DELAY),
                    else_=None,
                ),
            )
            .returning(account.id, account.password_hash)
            .execution_options(synchronize_session=False)
        )
    ).first()
    await session.commit()
    return (row[0], row[1]) if row is not None else None


async def check_login(
    session: AsyncSession,
    email: str,
    password: str,
    now: datetime,
    address: str = "",
    addresses: AddressThrottle | None = None,
) -> LoginResult:
    if addresses is not None and not addresses.reserve(address, now):
        await matches_off_loop(_DUMMY_HASH, password)
        return LoginResult(None, "address waiting")
    reserved = await _reserve_account_attempt(session, normalise_email(email), now)
    if reserved is None:
        await matches_off_loop(_DUMMY_HASH, password)
        return LoginResult(None, "unknown, inactive or waiting account")
    account_id, password_hash = reserved
    if not await matches_off_loop(password_hash, password):
        return LoginResult(None, "wrong password")
    await session.execute(
        update(StaffAccount)
        .where(StaffAccount.id == account_id)
        .values(failed_logins=0, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    if addresses is not None:
        addresses.refund(address)
    account = await session.get(StaffAccount, account_id, populate_existing=True)
    return LoginResult(account, "" if account is not None else "account gone")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(session: AsyncSession, account: StaffAccount, now: datetime) -> str:
    """A new session; returns the cookie value (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            token_hash=_digest(token),
            staff_id=account.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    await session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
    await session.commit()
    return token


async def find_session(
    session: AsyncSession, token: str, now: datetime
) -> tuple[StaffAccount, StaffSession] | None:
    if not token:
        return None
    row = (
        await session.execute(
            select(StaffAccount, StaffSession)
            .join(StaffSession, StaffSession.staff_id == StaffAccount.id)
            .where(StaffSession.token_hash == _digest(token), StaffSession.expires_at > now)
        )
    ).first()
    if row is None or not row[0].active:
        return None
    return row[0], row[1]


async def close_session(session: AsyncSession, token: str) -> None:
    await session.execute(delete(StaffSession).where(StaffSession.token_hash == _digest(token)))
    await session.commit()


def same_token(given: str, expected: str) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(given, expected)
