"""Make the simulator's demo media: `python -m simulator.media.make_demo_media`.

- router.jpg: a drawn router with a red light, rendered by headless chromium as a real JPEG
  (what a customer photographs; the bot downloads, checks and stores it).
- voice.ogg: one second of silence as a real Ogg Opus stream (what WhatsApp records as a voice
  message), written byte by byte here so no audio tool is needed.

Both files are committed; run this only to change them.
"""

from __future__ import annotations

import asyncio
import shutil
import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent

ROUTER_HTML = """<!doctype html><html><body style="margin:0">
<svg xmlns="http://www.w3.org/2000/svg" width="240" height="160" viewBox="0 0 240 160">
  <defs><linearGradient id="wall" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="#e9e4da"/><stop offset="1" stop-color="#b9b2a5"/>
  </linearGradient></defs>
  <rect width="240" height="160" fill="url(#wall)"/>
  <rect x="20" y="120" width="200" height="40" fill="#8b6a4a"/>
  <line x1="70" y1="78" x2="56" y2="22" stroke="#30363d" stroke-width="5"/>
  <line x1="170" y1="78" x2="184" y2="22" stroke="#30363d" stroke-width="5"/>
  <rect x="40" y="76" width="160" height="48" rx="10" fill="#30363d"/>
  <circle cx="70" cy="100" r="7" fill="#ff2a1a"/>
  <circle cx="70" cy="100" r="13" fill="#ff2a1a" opacity="0.3"/>
  <circle cx="100" cy="100" r="5" fill="#3c3c3c"/>
  <circle cx="125" cy="100" r="5" fill="#3c3c3c"/>
  <circle cx="150" cy="100" r="5" fill="#3c3c3c"/>
</svg></body></html>"""


async def make_jpeg(path: Path) -> None:
    from playwright.async_api import async_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, headless=True)
        page = await browser.new_page(viewport={"width": 240, "height": 160})
        await page.set_content(ROUTER_HTML)
        await page.screenshot(path=str(path), type="jpeg", quality=70)
        await browser.close()


def _crc32_ogg(data: bytes) -> int:
    # Ogg's CRC: polynomial 0x04C11DB7, not reflected, no final xor (unlike zlib's).
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def _page(packets: list[bytes], granule: int, serial: int, seq: int, flags: int) -> bytes:
    lacing = b""
    for packet in packets:
        lacing += b"\xff" * (len(packet) // 255) + bytes([len(packet) % 255])
    header = struct.pack("<4sBBqIIIB", b"OggS", 0, flags, granule, serial, seq, 0, len(lacing))
    page = header + lacing + b"".join(packets)
    crc = _crc32_ogg(page)
    return page[:22] + struct.pack("<I", crc) + page[26:]


def ogg_opus_silence(seconds: float = 1.0) -> bytes:
    """An Ogg Opus stream of `seconds` of silence: 20 ms CELT frames of a lone TOC byte."""
    serial = 0x7EC4F12D
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 48000, 0, 0)
    vendor = b"techfriends simulator"
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
    frames = int(seconds * 50)
    # TOC 0xF8: CELT fullband, 20 ms, mono, one frame; no frame bytes = silence.
    audio = [b"\xf8"] * frames
    granule = 312 + frames * 960  # pre-skip plus 960 samples (20 ms at 48 kHz) per frame
    return (
        _page([head], 0, serial, 0, 0x02)
        + _page([tags], 0, serial, 1, 0x00)
        + _page(audio, granule, serial, 2, 0x04)
    )


def main() -> None:
    asyncio.run(make_jpeg(HERE / "router.jpg"))
    (HERE / "voice.ogg").write_bytes(ogg_opus_silence())
    for name in ("router.jpg", "voice.ogg"):
        print(f"{name}: {(HERE / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
