"""The text of a PDF written by fpdf2, read back without a PDF library (none is installed).

Enough PDF for fpdf2's output: objects and their Flate streams, Type0 fonts with a ToUnicode
CMap (bfchar and bfrange), the page resources naming them /F1, /F2 …, and the text operators
``/F1 10 Tf``, ``(…) Tj`` and ``[(…) -35 (…)] TJ`` of the content streams. A glyph the CMap
does not know comes out as U+FFFD, so a test notices an unmapped character.
"""

from __future__ import annotations

import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(<<.*?>>)\s*(stream\r?\n|endobj)", re.S)
_STRING = rb"\(((?:\\.|[^\\)])*)\)"
_LITERAL = rb"\((?:\\.|[^\\)])*\)"
_TOKEN = re.compile(
    rb"/(F\d+)\s+[\d.]+\s+Tf|" + _STRING + rb"\s*Tj|\[((?:" + _LITERAL + rb"|[^\](])*)\]\s*TJ",
    re.S,
)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes]]:
    found = {}
    for match in _OBJECT.finditer(pdf):
        head, stream = match.group(2), b""
        if match.group(3).startswith(b"stream"):
            length = re.search(rb"/Length (\d+)", head)
            assert length, "fpdf2 writes stream lengths directly"
            stream = pdf[match.end() : match.end() + int(length.group(1))]
            if b"/FlateDecode" in head:
                stream = zlib.decompress(stream)
        found[int(match.group(1))] = (head, stream)
    return found


def _cmap(stream: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def _unescape(literal: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(literal):
        char = literal[i : i + 1]
        if char != b"\\":
            out += char
            i += 1
            continue
        nxt = literal[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", literal[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(0), 8))
            i += 1 + len(octal.group(0))
        else:
            out += _ESCAPES.get(nxt, nxt)
            i += 2
    return bytes(out)


def extract_text(pdf: bytes) -> str:
    """Every Tj string of every content stream, one line each, in the order written."""
    objects = _objects(pdf)
    fonts: dict[bytes, dict[int, str]] = {}
    for head, _ in objects.values():
        for name, number in re.findall(rb"/(F\d+)\s+(\d+) 0 R", head):
            font_head = objects[int(number)][0]
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font_head)
            if to_unicode:
                fonts[name] = _cmap(objects[int(to_unicode.group(1))][1])
    lines = []
    for head, stream in objects.values():
        if b"BT" not in stream or b"/Length" not in head:
            continue
        current: dict[int, str] = {}
        for match in _TOKEN.finditer(stream):
            if match.group(1):
                current = fonts.get(match.group(1), {})
                continue
            if match.group(2) is not None:
                raw = _unescape(match.group(2))
            else:  # a TJ array: its strings, the numbers between them only move the pen
                raw = b"".join(_unescape(m) for m in re.findall(_STRING, match.group(3), re.S))
            if current:
                codes = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
                lines.append("".join(current.get(code, "\ufffd") for code in codes))
            else:  # a core font (the QR-bill's Helvetica): single bytes, cp1252
                lines.append(raw.decode("cp1252"))
    return "\n".join(lines)
