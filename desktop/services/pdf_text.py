"""Make a PDF's text layer say what was drawn: ``人口`` comes out as U+4EBA U+53E3, not ``⼈⼝``.

A CJK font maps a Kangxi radical (U+2F08 ⼈) and its ideograph (U+4EBA 人) to the same glyph, and a
Simplified Chinese font may draw 戶 (U+6236) and 户 (U+6237) with one glyph too. Qt's PDF writer builds
each font's ToUnicode map (glyph -> text) from the font's own map, taking the lowest code point for a
glyph: so search, copy and screen readers get ``⼈⼝`` for 人口 and ``戶`` for 户. :func:`fix_text_layer`
rewrites those maps: first with ``fixes`` (code point Qt chose -> the character that was drawn, which
the caller knows from the font), then any radical, compatibility ideograph or Latin ligature left with
its Unicode normalization; it rebuilds the cross-reference table so the file stays valid. Only the
ToUnicode maps change; the pages look exactly as before. No Qt here.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Mapping
from pathlib import Path

_RADICALS = ((0x2E80, 0x2FDF), (0xF900, 0xFAFF), (0xFB00, 0xFB06))
"""CJK radicals supplement and Kangxi radicals, CJK compatibility ideographs, Latin ligatures."""

_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")
_LINE = re.compile(rb"^<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[.*?\]|<[0-9A-Fa-f]+>)\s*$")
_CHAR = re.compile(rb"^<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*$")


class PdfLayoutError(ValueError):
    """A PDF laid out in a way this rewrite does not know (it then leaves the file alone)."""


def _text(hexcode: bytes) -> str:
    return bytes.fromhex(hexcode.decode()).decode("utf-16-be")


def _plain(text: str, fixes: Mapping[str, str]) -> str:
    out = []
    for ch in text:
        ch = fixes.get(ch, ch)
        if any(lo <= ord(ch) <= hi for lo, hi in _RADICALS):
            ch = unicodedata.normalize("NFKC", ch)
        out.append(ch)
    return "".join(out)


def _hex(text: str) -> bytes:
    return b"<" + text.encode("utf-16-be").hex().upper().encode() + b">"


def fix_cmap(cmap: bytes, fixes: Mapping[str, str] | None = None) -> bytes:
    """A ToUnicode CMap with every destination normalized; ranges become single characters."""
    mapping: dict[int, str] = {}
    head, _, rest = cmap.partition(b"endcodespacerange")
    section = None
    for raw in rest.splitlines():
        line = raw.strip()
        if line.endswith(b"beginbfrange"):
            section = "range"
        elif line.endswith(b"beginbfchar"):
            section = "char"
        elif line in (b"endbfrange", b"endbfchar"):
            section = None
        elif section == "range" and (m := _LINE.match(line)):
            lo, hi, dst = int(m[1], 16), int(m[2], 16), m[3]
            if dst.startswith(b"["):
                for i, code in enumerate(_HEX.findall(dst)):
                    mapping[lo + i] = _text(code)
            else:
                first = _text(dst[1:-1])
                for i in range(hi - lo + 1):
                    mapping[lo + i] = first[:-1] + chr(ord(first[-1]) + i)
        elif section == "char" and (m := _CHAR.match(line)):
            mapping[int(m[1], 16)] = _text(m[2])
    if not mapping:
        raise PdfLayoutError("no mapping found")
    items = sorted(mapping.items())
    body = [head, b"endcodespacerange\n"]
    for start in range(0, len(items), 100):
        block = items[start : start + 100]
        body.append(b"%d beginbfchar\n" % len(block))
        body += [b"<%04X> %s\n" % (glyph, _hex(_plain(text, fixes or {}))) for glyph, text in block]
        body.append(b"endbfchar\n")
    body.append(b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
    return b"".join(body)


def _objects(data: bytes) -> tuple[int, list[tuple[int, int, int]]]:
    """Offset of the xref table and (object number, start, end) of each object, in file order."""
    start = data.rindex(b"startxref")
    xref_at = int(data[start + 9 :].split()[0])
    if data[xref_at : xref_at + 4] != b"xref":
        raise PdfLayoutError("no classic xref table")
    lines = data[xref_at:start].split(b"\n")
    first, count = (int(x) for x in lines[1].split())
    entries = []
    for i, line in enumerate(lines[2 : 2 + count]):
        offset, _gen, kind = line.split()[:3]
        if kind == b"n":
            entries.append((first + i, int(offset)))
    entries.sort(key=lambda e: e[1])
    spans = [
        (number, offset, entries[k + 1][1] if k + 1 < len(entries) else xref_at)
        for k, (number, offset) in enumerate(entries)
    ]
    return xref_at, spans


def _rewrite_stream(obj: bytes, fixes: Mapping[str, str]) -> bytes:
    head, sep, rest = obj.partition(b"stream\n")
    length = re.search(rb"/Length (\d+)", head)
    if not sep or length is None:
        raise PdfLayoutError("ToUnicode object without a stream")
    stream = rest[: int(length[1])]
    compressed = b"/FlateDecode" in head
    cmap = fix_cmap(zlib.decompress(stream) if compressed else stream, fixes)
    new = zlib.compress(cmap) if compressed else cmap
    head = head[: length.start()] + b"/Length %d" % len(new) + head[length.end() :]
    return head + b"stream\n" + new + b"\nendstream\nendobj\n"


def fix_text_layer(path: Path | str, fixes: Mapping[str, str] | None = None) -> bool:
    """Rewrite the ToUnicode maps of the PDF at ``path`` in place; False if it was left alone."""
    path = Path(path)
    data = path.read_bytes()
    try:
        xref_at, spans = _objects(data)
        targets = {int(n) for n in re.findall(rb"/ToUnicode (\d+) 0 R", data)}
        if not targets:
            return False
        out = bytearray(data[: spans[0][1]])
        offsets: dict[int, int] = {}
        for number, begin, end in spans:
            offsets[number] = len(out)
            obj = data[begin:end]
            out += _rewrite_stream(obj, fixes or {}) if number in targets else obj
    except (PdfLayoutError, ValueError, IndexError, zlib.error, UnicodeDecodeError):
        return False
    trailer = data[data.index(b"trailer", xref_at) : data.rindex(b"startxref")]
    size = max(offsets) + 1
    new_xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += trailer + b"startxref\n%d\n%%%%EOF\n" % new_xref
    path.write_bytes(bytes(out))
    return True
