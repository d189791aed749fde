"""The PDF text-layer fix on hand-made CMaps and a hand-made PDF (the real report is checked with
pdftotext in tests/desktop/ui/official/test_indicators_page.py)."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from desktop.services.pdf_text import fix_cmap, fix_text_layer

HEAD = (
    b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /Adobe-Identity-UCS def\n"
    b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
)


def _pairs(cmap: bytes) -> dict[int, str]:
    return {
        int(g, 16): bytes.fromhex(u.decode()).decode("utf-16-be")
        for g, u in re.findall(rb"^<([0-9A-F]{4})> <([0-9A-F]+)>$", cmap.split(b"endcodespacerange")[1], re.M)
    }


def test_radicals_ranges_arrays_and_fixes() -> None:
    cmap = HEAD + (
        b"3 beginbfrange\n"
        b"<0001> <0003> [<2F08> <2F1D> <6236>]\n"
        b"<0004> <0005> <2F0A>\n"  # a range of consecutive radicals: 入 then 八
        b"<0006> <0006> <FB01>\n"
        b"endbfrange\n1 beginbfchar\n<0007> <0041>\nendbfchar\nendcmap\n"
    )
    fixed = fix_cmap(cmap, {"\u6236": "\u6237"})  # 戶 -> 户: the font draws both with one glyph
    assert _pairs(fixed) == {1: "人", 2: "口", 3: "户", 4: "入", 5: "八", 6: "fi", 7: "A"}
    assert fixed.startswith(HEAD) and fixed.rstrip().endswith(b"end")


def _pdf(cmap: bytes, compressed: bool) -> bytes:
    stream = zlib.compress(cmap) if compressed else cmap
    filt = b" /Filter /FlateDecode" if compressed else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        b"<< /Type /Font /ToUnicode 4 0 R >>",
        b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(stream), filt, stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _check_xref(data: bytes) -> None:
    xref = int(data[data.rindex(b"startxref") + 9 :].split()[0])
    assert data[xref : xref + 4] == b"xref"
    for n, line in enumerate(data[xref:].split(b"\n")[3:7], start=1):
        assert data[int(line.split()[0]) :].startswith(b"%d 0 obj" % n)


def test_a_pdf_is_rewritten_with_a_valid_xref(tmp_path: Path) -> None:
    cmap = HEAD + b"1 beginbfrange\n<0001> <0002> [<2F08> <2F1D>]\nendbfrange\nendcmap\n"
    for compressed in (False, True):
        path = tmp_path / f"t{compressed}.pdf"
        path.write_bytes(_pdf(cmap, compressed))
        assert fix_text_layer(path)
        data = path.read_bytes()
        _check_xref(data)
        stream = re.search(rb"stream\n(.*)\nendstream", data, re.S)
        assert stream is not None
        body = zlib.decompress(stream[1]) if compressed else stream[1]
        assert _pairs(body) == {1: "人", 2: "口"}
        length = re.search(rb"/Length (\d+)", data)
        assert length is not None and int(length[1]) == len(stream[1])


def test_a_pdf_it_does_not_understand_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "odd.pdf"
    path.write_bytes(b"%PDF-1.4\nnot a pdf this code knows\n")
    assert not fix_text_layer(path)
    assert path.read_bytes() == b"%PDF-1.4\nnot a pdf this code knows\n"
