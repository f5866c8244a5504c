"""Command line: `python -m backend serve|migrate|import-postcodes|load-demo-friends|
whatsapp-templates`."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys
from pathlib import Path

from aiohttp import web

from backend.adapters.db import make_engine, make_sessionmaker, migrate, wait_for_schema
from backend.adapters.orm import utcnow
from backend.app import create_app
from backend.config import ROLES, ROOT, Settings, load_environment
from backend.console import cli as console_cli
from backend.domain.friends import validate_friend_request
from backend.observability.access_log import AccessLogger
from backend.services import friends, postcodes
from backend.services.outbox import FRIENDS_PAGE, record_inbound
from backend.whatsapp import cli as whatsapp_cli
from messenger_platform import logs

DEMO_FRIENDS = ROOT / "backend" / "demo_friends.json"
SCHEMA_WAIT_SECONDS = 120.0


async def _import_postcodes(settings: Settings, directory: Path) -> dict[str, int]:
    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return await postcodes.import_geonames(session, directory)
    finally:
        await engine.dispose()


async def _load_friends(settings: Settings, demo: list[dict[str, object]]) -> int:
    engine = make_engine(settings.database_url)
    created = 0
    try:
        async with make_sessionmaker(engine)() as session:
            existing = {f.messenger_id for f in await friends.list_friends(session)}
            for raw in demo:
                if raw.get("messenger_id") in existing:
                    continue
                request, errors = validate_friend_request(raw)
                if request is None:
                    raise SystemExit(f"invalid demo Friend {raw.get('name')}: {errors}")
                await friends.create_friend(session, request)
                created += 1
            # Demo Friends have just checked in, so offers may reach them (24-hour window).
            ids = {str(raw["messenger_id"]) for raw in demo}
            await record_inbound(session, FRIENDS_PAGE, ids, utcnow())
            await session.commit()
    finally:
        await engine.dispose()
    return created


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP service (migrates first)")
    serve.add_argument(
        "--role",
        choices=ROLES,
        help="all (default, BACKEND_ROLE): everything; web: webhooks, API, console; "
        "worker: webhook handling, outbox, deadline sweeps",
    )
    sub.add_parser("migrate", help="create or upgrade the database schema")
    imp = sub.add_parser("import-postcodes", help="import GeoNames postal-code dumps")
    imp.add_argument("--dir", type=Path, help="folder with DE.txt, AT.txt, CH.txt (GEONAMES_DIR)")
    demo = sub.add_parser("load-demo-friends", help="add the demo Friends (skips existing ones)")
    demo.add_argument("--file", type=Path, default=DEMO_FRIENDS)
    console_cli.add_parser(sub)
    whatsapp_cli.add_parser(sub)
    args = parser.parse_args(argv)
    if args.command == whatsapp_cli.COMMAND:
        # Only the templates file: no database, no log setup, stdout is the JSON alone.
        return whatsapp_cli.run(args)

    logs.configure("backend", env=load_environment())  # LOG_FORMAT=json: JSON lines
    try:
        settings = Settings.from_env()
    except ValueError as exc:  # BACKEND_ROLE, DATABASE_URL, a number that is not one …
        # One line that names the variable: the usage text would only hide it.
        print(f"{parser.prog}: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve" and args.role:
        settings = dataclasses.replace(settings, role=args.role)
    if args.command in ("serve", "migrate"):
        if args.command == "serve" and settings.role == "worker":
            # A worker usually starts next to a web process that is migrating right now.
            wait_for_schema(settings.database_url, timeout=SCHEMA_WAIT_SECONDS)
        else:
            migrate(settings.database_url)
        if args.command == "serve":
            web.run_app(
                create_app(settings),
                host=settings.host,
                port=settings.port,
                print=None,
                access_log_class=AccessLogger,
            )
        return 0
    if args.command == "create-staff":
        return console_cli.run(settings, args)
    if args.command == "import-postcodes":
        directory = args.dir or settings.geonames_dir
        if directory is None or not directory.is_dir():
            print(
                "set GEONAMES_DIR or pass --dir: a folder with DE.txt, AT.txt, CH.txt "
                "(and FR.txt, IT.txt, PL.txt) from download.geonames.org/export/zip/",
                file=sys.stderr,
            )
            return 2
        migrate(settings.database_url)
        counts = asyncio.run(_import_postcodes(settings, directory))
        print("imported postal codes:", ", ".join(f"{k} {v}" for k, v in counts.items()))
        return 0
    if args.command == "load-demo-friends":
        migrate(settings.database_url)
        demo = json.loads(args.file.read_text(encoding="utf-8"))
        print(f"demo Friends added: {asyncio.run(_load_friends(settings, demo))}")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
