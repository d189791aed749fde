"""Limits an .xlsx must keep before openpyxl reads it (a workbook from outside is untrusted).

An .xlsx is a zip of XML parts, and openpyxl trusts both: a 1.5 KB sheet that declares
``A1:XFD1048576`` and has cells in rows 1 and 1,048,576 keeps it busy for hours (it pads every row
to 16,384 cells); a 400 KB file that inflates to 400 MB is read with twice that in memory; a
``<!DOCTYPE`` with nested entities (the billion laughs) blows up in its XML parser. So, before:

- :func:`check_package`: the file's size, the number of parts, the size each part declares (zipfile
  never inflates past it: a part that lies fails its CRC) in total and against its compressed size,
  and no DTD in any XML part (Office never writes one);
- :func:`check_sheet`: the sheet actually read, scanned as bytes for its rows and cell references:
  how many rows, the highest row number and the highest column.

Each refusal is a :class:`WorkbookRefused` with the reason in Chinese and English, naming the
limit. No Qt, no desktop: the county side may read workbooks with it too.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from sync.messages import pair

MAX_FILE_BYTES = 50 * 1024 * 1024
"""A roster of 100,000 persons is about 8 MB as .xlsx."""
MAX_PARTS = 2000
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
"""All parts together, inflated: about 4x what 100,000 rows of 18 columns take."""
MAX_RATIO = 200
"""Inflated / compressed size of one part (above ``RATIO_FLOOR``): sheet XML packs about 5-30x;
a zip bomb packs 1,000x."""
RATIO_FLOOR = 4 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 256
_CHUNK = 1 << 20
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_REF = re.compile(rb'\sr\s*=\s*["\']([A-Za-z]{0,4})(\d+)["\']')
"""The ``r`` attribute of a row (a number) or a cell (letters and a number): only these two
elements of a sheet have one."""


class WorkbookRefused(ValueError):
    """The workbook is not read: ``zh`` and ``en`` say why, in words for the person who chose it."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def column_number(letters: str) -> int:
    """``A`` -> 1, ``XFD`` -> 16384."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}"


def check_package(path: Path | str) -> None:
    """Refuse a file whose size, parts or XML declarations are beyond what a workbook needs."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise WorkbookRefused(*pair("workbook.too_large", size=_mb(size), limit=_mb(MAX_FILE_BYTES)))
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_PARTS:
                raise _odd_package()
            total = 0
            for info in infos:
                total += info.file_size
                ratio_too_high = info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                    info.compress_size, 1
                )
                if total > MAX_UNPACKED_BYTES or ratio_too_high:
                    raise WorkbookRefused(*pair("workbook.unpacks_too_much"))
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    with archive.open(info) as part:
                        if _has_dtd(part):
                            raise WorkbookRefused(*pair("workbook.xml_declarations"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise damaged() from exc


def _has_dtd(part: IO[bytes]) -> bool:
    tail = b""
    while block := part.read(_CHUNK):
        if _DTD.search(tail + block):
            return True
        tail = block[-16:]
    return False


def check_sheet(
    source: IO[bytes], *, cancelled: Callable[[], bool] | None = None, cancel: type[Exception] | None = None
) -> None:
    """Refuse a sheet (its XML, as stored) with more rows, a higher row number or a farther column
    than a roster can have. Bytes only, no XML parser (about a tenth of openpyxl's own read)."""
    rows = 0
    max_row = 0
    max_col = 0
    tail = b""
    while block := source.read(_CHUNK):
        if cancelled is not None and cancel is not None and cancelled():
            raise cancel()
        data = tail + block
        # A tag cut at the end of the block is scanned with the next one.
        cut = data.rfind(b"<")
        scan, tail = (data[:cut], data[cut:]) if cut > len(data) - 512 else (data, b"")
        # Row elements, with or without a namespace prefix (a stray <rowBreaks counts too: harmless).
        rows += scan.count(b"<row") + scan.count(b":row ") + scan.count(b":row>")
        refs = _REF.findall(scan)
        if refs:
            # The highest number by length, then by digits: no int() of a thousand-digit number.
            top = max((number for _, number in refs), key=lambda n: (len(n), n))
            max_row = max(max_row, int(top) if len(top) <= 9 else 10**9)
            for letters in {letters for letters, _ in refs if letters}:
                max_col = max(max_col, column_number(letters.decode("ascii")))
        _limits(rows, max_row, max_col)


def _limits(rows: int, max_row: int, max_col: int) -> None:
    if rows > MAX_ROWS + 1:  # the header row besides
        raise WorkbookRefused(*pair("workbook.too_many_rows", limit=f"{MAX_ROWS:,}"))
    if max_row > MAX_ROWS + 1:
        raise WorkbookRefused(*pair("workbook.far_row", row=f"{max_row:,}", limit=f"{MAX_ROWS:,}"))
    if max_col > MAX_COLUMNS:
        raise WorkbookRefused(*pair("workbook.far_column", column=f"{max_col:,}", limit=MAX_COLUMNS))


def _odd_package() -> WorkbookRefused:
    return WorkbookRefused(*pair("workbook.odd_package"))


def damaged() -> WorkbookRefused:
    return WorkbookRefused(*pair("workbook.damaged"))
