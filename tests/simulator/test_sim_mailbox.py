"""The demo's mail server: the simulator receives SMTP and lists the mails at /mail."""

from __future__ import annotations

import socket
from email.message import EmailMessage

import aiosmtplib
from aiohttp.test_utils import TestClient, TestServer

from simulator.app import create_app
from simulator.settings import DEMO_SMTP_PORT, SimulatorSettings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_received_mails_are_listed() -> None:
    port = _free_port()
    app = create_app(SimulatorSettings(smtp_port=port))
    async with TestClient(TestServer(app)) as sim:
        assert "No mail yet." in await (await sim.get("/mail")).text()
        message = EmailMessage()
        message["From"] = "techfriends <hallo@techfriends.example>"
        message["To"] = "erika@example.org"
        message["Subject"] = "Ihr Auftrag TF-AB12 ist erledigt"
        message.set_content("Guten Tag,\n\n<b>Anna</b> hat ihn erledigt.\n")
        await aiosmtplib.send(message, hostname="127.0.0.1", port=port, start_tls=False)
        page = await (await sim.get("/mail")).text()
        assert "Ihr Auftrag TF-AB12 ist erledigt" in page and "erika@example.org" in page
        assert "&lt;b&gt;Anna&lt;/b&gt; hat ihn erledigt." in page  # text, never HTML
        mails = await (await sim.get("/api/sim/mails")).json()
        assert [(m["to"], m["body"]) for m in mails] == [
            (["erika@example.org"], "Guten Tag,\n\n<b>Anna</b> hat ihn erledigt.\n")
        ]


def test_the_demo_port_comes_from_the_environment() -> None:
    assert SimulatorSettings.from_env({}).smtp_port == DEMO_SMTP_PORT == 8025
    assert SimulatorSettings.from_env({"SIMULATOR_SMTP_PORT": "2525"}).smtp_port == 2525
    assert SimulatorSettings().smtp_port == 0  # tests and tools start no mail server unasked
