"""`python -m backend create-staff`: a staff account for the support console."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from backend.adapters.db import make_engine, make_sessionmaker, migrate
from backend.config import Settings
from backend.console import auth
from backend.console.i18n import CONSOLE_LANGUAGES
from product.languages import DEFAULT_LANGUAGE

PASSWORD_ENV = "CONSOLE_STAFF_PASSWORD"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    staff = sub.add_parser(
        "create-staff",
        help=f"add a support console account (password from ${PASSWORD_ENV} or a prompt)",
    )
    staff.add_argument("--email", required=True)
    staff.add_argument("--role", choices=auth.ROLES, default="agent")
    staff.add_argument("--language", choices=CONSOLE_LANGUAGES, default=DEFAULT_LANGUAGE)


def _password() -> str:
    from_env = os.environ.get(PASSWORD_ENV, "")
    if from_env:
        return from_env
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat: "):
        raise auth.StaffError("the passwords differ")
    return first


async def _create(settings: Settings, email: str, role: str, password: str, language: str) -> str:
    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            account = await auth.create_staff(session, email, role, password, language)
            return account.email
    finally:
        await engine.dispose()


def run(settings: Settings, args: argparse.Namespace) -> int:
    migrate(settings.database_url)
    try:
        email = asyncio.run(_create(settings, args.email, args.role, _password(), args.language))
    except auth.StaffError as exc:
        print(f"not created: {exc}", file=sys.stderr)
        return 2
    print(f"staff account created: {email} ({args.role})")
    return 0
