"""Keep the Qt Linguist catalogue current: the documented build step for translations.

    python -m desktop.ui.translations update    # collect strings from desktop/ui into the .ts
    python -m desktop.ui.translations release   # compile the .ts into the .qm the app loads
    python -m desktop.ui.translations check     # exit 1: a string missing or untranslated, or .qm stale

Workflow: change UI text -> ``update`` -> translate the new entries in
``resources/translations/village_desk_zh_CN.ts`` (Qt Linguist: ``pyside6-linguist``, or any editor)
-> ``release`` -> commit both files. ``tests/desktop/ui/test_translations.py`` runs ``check``, so CI
fails when the two drift apart. The .qm is generated: never edit it by hand.

Uses the ``lupdate``/``lrelease`` binaries that ship inside PySide6-Essentials. Locations are left out
of the .ts so moving code does not churn it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import PySide6

from sync.resources import resources_dir

LANGUAGES = ("zh_CN",)
CATALOG = "village_desk"
UI_DIR = Path(__file__).resolve().parent


def _tool(name: str) -> str:
    exe = name + (".exe" if sys.platform == "win32" else "")
    path = Path(PySide6.__file__).resolve().parent / exe
    if path.exists():
        return str(path)
    found = shutil.which(f"pyside6-{name}") or shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found; it ships with PySide6-Essentials")
    return found


def ts_path(language: str) -> Path:
    return resources_dir() / "translations" / f"{CATALOG}_{language}.ts"


def qm_path(language: str) -> Path:
    return ts_path(language).with_suffix(".qm")


def sources() -> list[Path]:
    return sorted(p for p in UI_DIR.rglob("*.py") if "__pycache__" not in p.parts)


def _run(args: list[str]) -> None:
    subprocess.run(args, check=True, capture_output=True, text=True)  # noqa: S603 - fixed tools


def update(language: str, ts: Path | None = None) -> Path:
    ts = ts or ts_path(language)
    ts.parent.mkdir(parents=True, exist_ok=True)
    args = [_tool("lupdate"), *map(str, sources()), "-ts", str(ts)]
    _run([*args, "-no-obsolete", "-locations", "none", "-target-language", language])
    return ts


def release(language: str, ts: Path | None = None, qm: Path | None = None) -> Path:
    ts = ts or ts_path(language)
    qm = qm or ts.with_suffix(".qm")
    _run([_tool("lrelease"), "-silent", str(ts), "-qm", str(qm)])
    return qm


@dataclass
class Report:
    missing: list[str] = field(default_factory=list)
    """Source strings in the code but not in the .ts (run ``update``)."""
    obsolete: list[str] = field(default_factory=list)
    """Strings in the .ts that the code no longer uses (run ``update``)."""
    untranslated: list[str] = field(default_factory=list)
    stale_qm: bool = False

    @property
    def ok(self) -> bool:
        return not (self.missing or self.obsolete or self.untranslated or self.stale_qm)

    def __str__(self) -> str:
        lines = [f"missing from .ts: {s}" for s in self.missing]
        lines += [f"obsolete in .ts: {s}" for s in self.obsolete]
        lines += [f"untranslated: {s}" for s in self.untranslated]
        if self.stale_qm:
            lines.append(".qm does not match the .ts: run `python -m desktop.ui.translations release`")
        return "\n".join(lines) or "translations are complete and current"


def read_ts(ts: Path) -> dict[tuple[str, str], str | None]:
    """(context, source) -> translation, or None when unfinished or empty."""
    out: dict[tuple[str, str], str | None] = {}
    for context in ET.parse(ts).getroot().iter("context"):  # noqa: S314 - our own file
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            if translation is None or translation.get("type") in ("unfinished", "obsolete", "vanished"):
                text = None
            else:
                forms = [f.text or "" for f in translation.iter("numerusform")]
                text = "".join(forms) if forms else (translation.text or "")
            out[(name, source)] = text or None
    return out


def check(language: str) -> Report:
    report = Report()
    ts = ts_path(language)
    if not ts.exists():
        report.missing.append(f"{ts.name} does not exist")
        return report
    committed = read_ts(ts)
    with tempfile.TemporaryDirectory() as tmp:
        fresh_ts = Path(tmp) / ts.name
        shutil.copyfile(ts, fresh_ts)
        update(language, fresh_ts)
        fresh = read_ts(fresh_ts)
        report.missing = [f"{c}: {s}" for c, s in fresh if (c, s) not in committed]
        report.obsolete = [f"{c}: {s}" for c, s in committed if (c, s) not in fresh]
        report.untranslated = [f"{c}: {s}" for (c, s), t in committed.items() if t is None]
        qm = qm_path(language)
        fresh_qm = release(language, ts, Path(tmp) / qm.name)
        report.stale_qm = not qm.exists() or qm.read_bytes() != fresh_qm.read_bytes()
    return report


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv else "check"
    failed = False
    for language in LANGUAGES:
        if command == "update":
            print(f"updated {update(language)}")
        elif command == "release":
            print(f"compiled {release(language)}")
        elif command == "check":
            report = check(language)
            print(f"[{language}] {report}")
            failed = failed or not report.ok
        else:
            print(__doc__)
            return 2
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
