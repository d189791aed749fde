"""Draw the app icon (村 on a green rounded square) with Qt, and write the two files made from it:

* ``resources/icons/village-desk.png`` (256 px): the window icon, and the Linux menu icon (.deb);
* ``installer/village-desk.ico`` (16 to 256 px, PNG-compressed entries): the Windows program,
  shortcuts, installer and "Apps & features" icon.

Both are generated files, committed; run this again after changing the drawing:

    QT_QPA_PLATFORM=offscreen .venv/bin/python installer/make_icon.py
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QLinearGradient, QPainter, QPainterPath

ROOT = Path(__file__).resolve().parents[1]
PNG = ROOT / "resources" / "icons" / "village-desk.png"
ICO = ROOT / "installer" / "village-desk.ico"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    margin = size * 0.04
    square = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    outline = QPainterPath()
    outline.addRoundedRect(square, size * 0.18, size * 0.18)
    shade = QLinearGradient(0, 0, 0, size)
    shade.setColorAt(0, QColor("#2e8b57"))
    shade.setColorAt(1, QColor("#1f6b42"))
    painter.fillPath(outline, shade)
    font = QFont("Noto Sans CJK SC")
    font.setPixelSize(int(size * 0.62))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(square, Qt.AlignmentFlag.AlignCenter, "村")
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: list[tuple[int, bytes]]) -> bytes:
    """An .ico holding PNG images (Windows Vista and later read them)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, blob in images:
        side = 0 if size >= 256 else size  # 0 means 256 in an icon directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset + len(blobs))
        blobs += blob
    return header + entries + blobs


def main() -> int:
    app = QGuiApplication(sys.argv)  # noqa: F841 - fonts need an application
    PNG.parent.mkdir(parents=True, exist_ok=True)
    PNG.write_bytes(png_bytes(draw(256)))
    ICO.write_bytes(ico_bytes([(size, png_bytes(draw(size))) for size in ICO_SIZES]))
    print(f"wrote {PNG.relative_to(ROOT)} and {ICO.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
