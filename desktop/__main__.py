"""``village-desk``: the village app.

village-desk               first-run wizard, or the unlock screen
village-desk --demo        a demo village and a local demo county server; opens straight in
village-desk --self-test   smoke test of the install: encrypted store + form validators, no window
--home DIR                 keep data and settings under DIR (also: VILLAGE_DESK_HOME)
--lang zh_CN|en            interface language for this start (saved as the setting)
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="village-desk", description="Village Data Desk")
    parser.add_argument("--self-test", action="store_true", help="check the install and exit (no window)")
    parser.add_argument("--demo", action="store_true", help="start with a demo village and demo server")
    parser.add_argument("--home", help="folder for data and settings (default: the user's app folders)")
    parser.add_argument("--lang", choices=("zh_CN", "en"), help="interface language")
    return parser


def _self_test() -> int:
    from desktop.services.selftest import run

    code = run()
    if code == 0:
        # The UI modules and Qt's libraries must load in a bundle too (no window is opened).
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from desktop.ui import i18n

        catalog = i18n.translations_dir() / f"{i18n.CATALOG}_zh_CN.qm"
        print(f"ui modules: loaded; zh_CN catalogue {'present' if catalog.exists() else 'MISSING'}")
        return 0 if catalog.exists() else 1
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.self_test:
        return _self_test()
    from desktop.ui.launch import run_app

    return run_app(home=args.home, demo=args.demo, language=args.lang)


if __name__ == "__main__":
    sys.exit(main())
