"""Run an aiohttp app until SIGINT/SIGTERM, announcing the bound address once it listens."""

from __future__ import annotations

import asyncio
import signal

from aiohttp import web


async def _serve(app: web.Application, host: str, port: int, banner: str) -> None:
    # Browsers poll the simulator every second; per-request access lines would drown real logs.
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        # With --port 0 the OS picks the port; report the one actually bound.
        bound_port = runner.addresses[0][1] if runner.addresses else port
        # Supervisors and tests wait for this exact line, so it must not sit in a buffer.
        print(banner.format(url=f"http://{host}:{bound_port}"), flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()


def serve(app: web.Application, host: str, port: int, banner: str) -> None:
    """`banner` is printed with `{url}` filled in, e.g. "fake graph listening on {url}"."""
    asyncio.run(_serve(app, host, port, banner))
