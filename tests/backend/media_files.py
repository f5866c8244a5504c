"""Tiny real files of each kind the media API takes, built byte by byte (and a few it refuses)."""

from __future__ import annotations

import struct
import zlib


def png(width: int = 1, height: int = 1, shade: int = 0) -> bytes:
    """A real PNG: signature, IHDR, one IDAT of grey pixels, IEND (each chunk with its CRC)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = b"".join(b"\x00" + bytes([shade]) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# A 1x1 baseline JPEG (JFIF): quantisation and Huffman tables, one scan, the end marker.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b"
    "0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e33"
    "3432ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708"
    "090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114"
    "328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748"
    "494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999a"
    "a2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7"
    "e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9"
)

# The classic 1x1 transparent GIF.
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)

# A 1x1 lossless WebP: RIFF header, WEBP, one VP8L chunk.
WEBP = (
    b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88"
    b"\xfe\x07\x00"
)


def _ogg_crc(data: bytes) -> int:
    """Ogg's page checksum: CRC-32, polynomial 0x04C11DB7, no reflection, initial 0."""
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def _ogg_page(packet: bytes, sequence: int, flags: int) -> bytes:
    assert len(packet) < 255
    header = (
        b"OggS"
        + bytes([0, flags])
        + struct.pack("<qII", 0, 0x5EED, sequence)
        + b"\x00\x00\x00\x00"  # the checksum, filled in below
        + bytes([1, len(packet)])
    )
    page = header + packet
    return page[:22] + struct.pack("<I", _ogg_crc(page)) + page[26:]


def ogg_opus() -> bytes:
    """The first two pages of an Ogg Opus stream (WhatsApp's voice notes): OpusHead, OpusTags."""
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 48000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 4) + b"test" + struct.pack("<I", 0)
    return _ogg_page(head, 0, 0x02) + _ogg_page(tags, 1, 0x00)


def ogg_theora() -> bytes:
    """An Ogg stream that starts a Theora video, not a voice message."""
    return _ogg_page(b"\x80theora" + bytes(34), 0, 0x02)


# One silent MPEG-1 Layer III frame header (128 kbit/s, 44.1 kHz) and its padding.
MP3_FRAME = b"\xff\xfb\x90\x64" + bytes(413)


def mp3_with_id3() -> bytes:
    return b"ID3\x03\x00\x00\x00\x00\x00\x00" + MP3_FRAME


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _hdlr(handler: bytes) -> bytes:
    return _box(b"hdlr", bytes(4) + bytes(4) + handler + bytes(12) + b"\x00")


def m4a() -> bytes:
    """An MP4 audio file's outline: ftyp M4A, a moov with one sound track's handler."""
    ftyp = _box(b"ftyp", b"M4A \x00\x00\x00\x00M4A mp42isom")
    track = _box(b"trak", _box(b"mdia", _hdlr(b"soun")))
    return ftyp + _box(b"moov", track)


def mp4_video() -> bytes:
    ftyp = _box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
    track = _box(b"trak", _box(b"mdia", _hdlr(b"vide")))
    return ftyp + _box(b"moov", track)


# AMR narrow-band: the magic line, then one 12.2 kbit/s frame (header byte + 31 bytes).
AMR = b"#!AMR\n" + b"\x3c" + bytes(31)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"

# What each file is, by content: (bytes, kind, content type).
ACCEPTED = (
    (png(), "image", "image/png"),
    (JPEG, "image", "image/jpeg"),
    (WEBP, "image", "image/webp"),
    (GIF, "image", "image/gif"),
    (ogg_opus(), "audio", "audio/ogg"),
    (mp3_with_id3(), "audio", "audio/mpeg"),
    (MP3_FRAME, "audio", "audio/mpeg"),
    (m4a(), "audio", "audio/mp4"),
    (AMR, "audio", "audio/amr"),
)
