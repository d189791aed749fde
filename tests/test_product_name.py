"""One name everywhere: 村级数据台 (window titles, the wizard, messages, menu entry, README)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OLD = "村级数据录入台"


def _texts() -> list[Path]:
    folders = ("desktop", "sync", "resources", "installer")
    suffixes = {".py", ".ts", ".md", ".nsi", ".wxs", ".spec", ".json"}
    files = [p for f in folders for p in (ROOT / f).rglob("*") if p.suffix in suffixes]
    return [*files, ROOT / "README.md"]


def test_the_product_has_one_chinese_name() -> None:
    using_old = [str(p.relative_to(ROOT)) for p in _texts() if OLD in p.read_text(encoding="utf-8")]
    assert using_old == []
    catalogue = (ROOT / "resources/translations/village_desk_zh_CN.ts").read_text(encoding="utf-8")
    assert "<translation>村级数据台</translation>" in catalogue
    assert "村级数据台" in (ROOT / "README.md").read_text(encoding="utf-8")
