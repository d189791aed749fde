"""The .deb for glibc 2.31 (Debian 11 bullseye, Ubuntu 20.04, and Kylin V10 / UOS built on them):
built in a Debian 11 root, then installed and run in a fresh one.

    .venv/bin/python installer/bullseye.py build             # -> build/bullseye/out/village-desk_*.deb
    .venv/bin/python installer/bullseye.py check [DEB]       # install, run, remove, purge in bullseye
    .venv/bin/python installer/bullseye.py all               # both

Always xz: Debian 11's dpkg cannot read the zstd of ``build.py --quick``.

As root on a Debian/Ubuntu machine with ``debootstrap`` (``apt-get install debootstrap``) and access
to Debian's archive and PyPI. Everything lives under ``build/bullseye/`` (``--work``):

- ``minbase.tar``: a bare Debian 11 (``debootstrap --variant=minbase bullseye``), made once.
- ``build-root/``: that root plus a compiler and the X/xcb libraries; CPython 3.11 compiled there
  once from Debian's own source package (bookworm's ``python3.11``, the upstream tarball), into
  ``/opt/vdd-python`` (about 10 minutes on two busy cores); a venv with the project and PyInstaller,
  whose pip takes the wheels that run on glibc 2.31 (PySide6, cryptography and sqlcipher3 are
  manylinux_2_28); then ``installer/build.py --only bundle,deb`` runs inside. So every library the
  bundle carries is Debian 11's or a manylinux wheel's, and ``dpkg-shlibdeps`` there gives
  dependencies with Debian 11's versions.
- ``check-root/``: a fresh copy of ``minbase.tar`` for each check. ``apt-get install ./DEB`` (the only
  way anything gets in: what the .deb does not bring or ask for is missing), no bundled ELF file
  asking for more than GLIBC_2.31 and none with an unresolved library, ``village-desk --self-test``
  as a user, the first screen on an X server (an Xvfb on this machine, its socket bind-mounted into
  the root) with a screenshot, then ``apt-get remove`` and ``apt-get purge``: the user's encrypted
  store and settings are untouched by both, county IT's ``/etc/village-desk/provisioning.json``
  survives remove and goes with purge. The transcript is ``build/bullseye/check/transcript.txt``.

Exit status: 0 when every step passed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import build_deb  # noqa: E402 - the sibling modules, found through HERE
import xvfb_screen  # noqa: E402

MIRROR = "http://deb.debian.org/debian"
HOST_CA = "/etc/ssl/certs/ca-certificates.crt"
GLIBC = (2, 31)
PYTHON = "/opt/vdd-python/bin/python3.11"
VENV = "/opt/vdd-venv"
SOURCE = "/build/village-desk"
# Compiler and CPython's build dependencies, and the system libraries the bundle links against
# (dpkg-shlibdeps maps them to packages, so they must be installed where the .deb is made).
BUILD_PACKAGES = [
    "build-essential",
    "dpkg-dev",
    "binutils",
    "ca-certificates",
    "libssl-dev",
    "libffi-dev",
    "zlib1g-dev",
    "libbz2-dev",
    "liblzma-dev",
    "libsqlite3-dev",
    "uuid-dev",
]
X11_SOCKETS = Path("/tmp/.X11-unix")  # noqa: S108 - the X server's fixed socket folder
PYTHON_BUILD = f"""
set -eu
mkdir -p /usr/src/python && cd /usr/src/python
echo 'deb-src {MIRROR} bookworm main' > /etc/apt/sources.list.d/bookworm-src.list
apt-get update -qq
apt-get source --download-only -qq python3.11
rm /etc/apt/sources.list.d/bookworm-src.list && apt-get update -qq
rm -rf Python-3.11*/ && tar -xf python3.11_*.orig.tar.*
cd Python-3.11*/
./configure -q --prefix=/opt/vdd-python --enable-shared --disable-test-modules \\
    LDFLAGS='-Wl,-rpath,/opt/vdd-python/lib'
make -j"$(nproc)" -s
make -s altinstall
{PYTHON} -c 'import ssl, sqlite3, ctypes, lzma, bz2, zlib, uuid; print("python ok", ssl.OPENSSL_VERSION)'
"""


def say(text: str, log: Path | None = None) -> None:
    print(text, flush=True)
    if log is not None:
        with log.open("a", encoding="utf-8") as handle:
            handle.write(text + "\n")


def mounts_under(path: Path) -> list[str]:
    base = str(path.resolve())
    with open("/proc/mounts", encoding="utf-8") as handle:
        points = [line.split()[1].replace("\\040", " ") for line in handle]
    return [p for p in points if p == base or p.startswith(base + "/")]


def remove_root(path: Path) -> None:
    """Delete a root folder, never while anything is mounted inside it (a bind mount of the host)."""
    busy = mounts_under(path)
    if busy:
        raise RuntimeError(f"still mounted under {path}: {', '.join(busy)}; unmount first")
    if path.exists():
        shutil.rmtree(path)


class Chroot:
    """A root folder with /proc mounted and the host's resolv.conf; commands run by ``chroot``."""

    def __init__(self, root: Path, log: Path | None = None) -> None:
        self.root = root
        self.log = log
        self.mounted: list[Path] = []

    def __enter__(self) -> Chroot:
        self.bind(None, "proc")
        shutil.copyfile("/etc/resolv.conf", self.root / "etc" / "resolv.conf")
        return self

    def bind(self, source: Path | None, inside: str) -> None:
        target = self.root / inside
        target.mkdir(parents=True, exist_ok=True)
        if source is None:
            subprocess.run(["mount", "-t", "proc", "proc", str(target)], check=True)
        else:
            subprocess.run(["mount", "--bind", str(source), str(target)], check=True)
        self.mounted.append(target)

    def __exit__(self, *exc: object) -> None:
        for target in reversed(self.mounted):
            if subprocess.run(["umount", str(target)], check=False).returncode != 0:
                subprocess.run(["umount", "-l", str(target)], check=False)
        self.mounted.clear()

    def command(
        self, script: str, *, user: str | None = None, env: dict[str, str] | None = None
    ) -> list[str]:
        base = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
        base["DEBIAN_FRONTEND"] = "noninteractive"
        base["HOME"] = f"/home/{user}" if user else "/root"
        pairs = [f"{k}={v}" for k, v in {**base, **(env or {})}.items()]
        who = ["--userspec", f"{user}:{user}"] if user else []
        return ["chroot", *who, str(self.root), "/usr/bin/env", "-i", *pairs, "/bin/sh", "-c", script]

    def run(
        self,
        script: str,
        *,
        user: str | None = None,
        env: dict[str, str] | None = None,
        check: bool = True,
        timeout: float = 3600,
        quiet: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        say(f"$ {'(as ' + user + ') ' if user else ''}{script.strip()}", None if quiet else self.log)
        proc = subprocess.run(
            self.command(script, user=user, env=env),
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
        output = proc.stdout.rstrip()
        if output:
            say(output if not quiet else output[-3000:], None if quiet else self.log)
        say(f"[exit {proc.returncode}]", None if quiet else self.log)
        if check and proc.returncode != 0:
            raise RuntimeError(f"failed in {self.root} ({proc.returncode}): {script.strip()}")
        return proc


def minbase(work: Path, mirror: str) -> Path:
    """``work/minbase.tar``: a bare Debian 11, made with debootstrap the first time."""
    tar = work / "minbase.tar"
    if tar.exists():
        return tar
    if shutil.which("debootstrap") is None:
        raise RuntimeError("debootstrap is not installed (apt-get install debootstrap)")
    tmp = work / "minbase-tmp"
    remove_root(tmp)
    say(f"debootstrap --variant=minbase bullseye {tmp} {mirror}  (a few minutes)")
    subprocess.run(["debootstrap", "--variant=minbase", "bullseye", str(tmp), mirror], check=True)
    subprocess.run(["tar", "-C", str(tmp), "-cf", str(tar) + ".part", "."], check=True)
    os.replace(str(tar) + ".part", tar)
    remove_root(tmp)
    return tar


def fresh_root(tar: Path, target: Path) -> Path:
    remove_root(target)
    target.mkdir(parents=True)
    subprocess.run(["tar", "-C", str(target), "-xf", str(tar)], check=True)
    return target


def system_packages() -> list[str]:
    """Qt's xcb stack as .ci/debian-packages.txt lists it (less the venv tool and the fonts)."""
    listed = (ROOT / ".ci" / "debian-packages.txt").read_text(encoding="utf-8").split("\n")
    names = [line.strip() for line in listed if line.strip() and not line.startswith("#")]
    return [n for n in names if n != "python3-venv" and not n.startswith("fonts-")]


def copy_source(root: Path) -> None:
    """The checkout's files (tracked and new, not ignored) to /build/village-desk in the root."""
    target = root / SOURCE.lstrip("/")
    if target.exists():
        shutil.rmtree(target)
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listing.split("\0")):
        src = ROOT / name
        if src.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / name)


def build(work: Path, mirror: str, out: Path) -> Path:
    root = work / "build-root"
    if not (root / "etc" / "debian_version").exists():
        fresh_root(minbase(work, mirror), root)
    stamp = root / "var" / "lib" / "vdd-build-packages"
    packages = sorted(set(BUILD_PACKAGES + system_packages()))
    with Chroot(root) as box:
        if not stamp.exists() or stamp.read_text(encoding="utf-8") != " ".join(packages):
            box.run(
                "apt-get update -qq && apt-get install -y -qq --no-install-recommends " + " ".join(packages)
            )
            stamp.write_text(" ".join(packages), encoding="utf-8")
        if not (root / PYTHON.lstrip("/")).exists():
            say("compiling CPython 3.11 from Debian's source package (once; about 10 minutes)")
            box.run(PYTHON_BUILD, quiet=True)
        copy_source(root)
        # pip trusts what this machine trusts (a company proxy's own CA, for one).
        shutil.copyfile(HOST_CA, root / "etc" / "ssl" / "certs" / "vdd-build-host.crt")
        box.run(
            "set -e\n"
            f"test -x {VENV}/bin/python || {PYTHON} -m venv {VENV}\n"
            f"{VENV}/bin/python -m pip install -q --upgrade pip\n"
            f"cd {SOURCE} && {VENV}/bin/python -m pip install -q -e '.[installer]'",
            env={"PIP_CERT": "/etc/ssl/certs/vdd-build-host.crt"},
        )
        box.run(
            f"cd {SOURCE} && {VENV}/bin/python installer/build.py --only bundle,deb --repeat 0"
            " --out /build/out",
            env={"QT_QPA_PLATFORM": "offscreen"},
        )
    (deb,) = sorted((root / "build" / "out" / "out").glob("village-desk_*.deb"))
    out.mkdir(parents=True, exist_ok=True)
    target = out / deb.name
    shutil.copyfile(deb, target)
    say(f"built {target} ({target.stat().st_size / 1024 / 1024:.1f} MB)")
    return target


# ------------------------------------------------------------------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _app_folders(root: Path, user: str) -> tuple[Path, Path]:
    home = root / "home" / user
    return home / ".local" / "share" / "VillageDataDesk", home / ".config" / "VillageDataDesk"


def _user_data(root: Path, user: str) -> None:
    """A real encrypted store and a settings file where the app keeps them for ``user``."""
    from desktop.storage import KdfParams, Store

    data, config = _app_folders(root, user)
    for folder in (data, config):
        folder.mkdir(parents=True, exist_ok=True)
    Store.create(
        data / "village.vdd", "clerk", "bullseye check 2025", "530102001001", kdf=KdfParams.fast_for_tests()
    ).close()
    (config / "settings.ini").write_text("[General]\nlanguage=zh_CN\n", encoding="utf-8")


def _snapshot(root: Path, user: str) -> dict[str, str]:
    """Every file of the user's app folders and its SHA-256."""
    return {
        str(path): _sha(path)
        for folder in _app_folders(root, user)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def check(deb: Path, work: Path, mirror: str, shots: Path) -> bool:
    out = work / "check"
    out.mkdir(parents=True, exist_ok=True)
    log = out / "transcript.txt"
    log.write_text("", encoding="utf-8")
    results: list[tuple[str, bool]] = []

    def verdict(name: str, ok: bool, detail: str = "") -> None:
        results.append((name, ok))
        say(f"== {'PASS' if ok else 'FAIL'}: {name}{': ' + detail if detail else ''}", log)

    say(f"== {deb.name} ({deb.stat().st_size / 1024 / 1024:.1f} MB, sha256 {_sha(deb)[:16]})", log)
    for field in ("Depends", "Maintainer"):
        value = subprocess.run(["dpkg-deb", "-f", str(deb), field], text=True, capture_output=True).stdout
        say(f"{field}: {value.strip()}", log)
    root = fresh_root(minbase(work, mirror), work / "check-root")
    shutil.copyfile(deb, root / "tmp" / deb.name)
    with Chroot(root, log) as box:
        box.run("cat /etc/debian_version && ldd --version | head -1")
        installed = box.run(f"apt-get update -qq && apt-get install -y ./tmp/{deb.name}", check=False)
        verdict("apt-get install ./" + deb.name, installed.returncode == 0)
        if installed.returncode != 0:
            return _summary(results, log)
        bundle = root / "opt" / "village-desk"
        newest = build_deb.glibc_needed(bundle)
        verdict(
            f"no bundled ELF file needs more than GLIBC_{'.'.join(map(str, GLIBC))}",
            newest <= GLIBC,
            f"newest GLIBC_{'.'.join(map(str, newest))}",
        )
        unresolved = box.run(
            "cd /opt/village-desk/_internal && for f in $(find /opt/village-desk -type f"
            " \\( -name '*.so*' -o -name village-desk \\)); do"
            ' LD_LIBRARY_PATH=/opt/village-desk/_internal ldd "$f" 2>/dev/null | grep "not found" |'
            ' sed "s|^|$f: |"; done; true',
            quiet=True,
        ).stdout.strip()
        verdict("every bundled ELF file finds its libraries", not unresolved, unresolved[:2000])
        box.run("useradd -m -s /bin/sh clerk && useradd -m -s /bin/sh newclerk")
        _user_data(root, "clerk")
        uid = box.run("id -u clerk", quiet=True).stdout.split()[0]
        subprocess.run(["chown", "-R", f"{uid}:{uid}", str(root / "home" / "clerk")], check=True)
        box.run(
            'mkdir -p /etc/village-desk && echo \'{"server_url": "https://county.example/"}\''
            " > /etc/village-desk/provisioning.json"
        )
        tested = box.run(
            "village-desk --self-test", user="clerk", env={"QT_QPA_PLATFORM": "offscreen"}, check=False
        )
        verdict("village-desk --self-test (as a user)", tested.returncode == 0)
        with xvfb_screen.xvfb() as name:
            box.bind(X11_SOCKETS, "tmp/.X11-unix")
            ready = box.run(
                "village-desk --exit-when-ready /tmp/ready.txt && cat /tmp/ready.txt",
                user="clerk",
                env={"DISPLAY": name, "QT_QPA_PLATFORM": "xcb"},
                check=False,
                timeout=300,
            )
            screen = ready.stdout.split()[-2:] if ready.returncode == 0 else []
            verdict("first screen on an X server (xcb)", "unlock" in " ".join(screen), " ".join(screen))
            shots.mkdir(parents=True, exist_ok=True)
            # clerk has a store: the unlock screen; newclerk has nothing yet: the first-run wizard.
            for shot, user in (("bullseye-unlock.png", "clerk"), ("bullseye-first-run.png", "newclerk")):
                app = subprocess.Popen(
                    box.command(
                        "exec village-desk", user=user, env={"DISPLAY": name, "QT_QPA_PLATFORM": "xcb"}
                    ),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
                try:
                    saved = xvfb_screen.screenshot(name, shots / shot)
                finally:
                    os.killpg(app.pid, 15)
                    app.wait(timeout=60)
                verdict(f"screenshot {shots / shot}", saved)
        data = _snapshot(root, "clerk")  # as the app left them: remove and purge must not touch them
        say(f"user's files before remove: {len(data)}", log)
        box.run("apt-get remove -y village-desk")
        kept = bool(data) and _snapshot(root, "clerk") == data
        verdict(
            "apt-get remove: program gone, user's store and settings and /etc provisioning kept",
            not bundle.exists() and kept and (root / "etc/village-desk/provisioning.json").exists(),
            f"/opt/village-desk {'still there' if bundle.exists() else 'gone'}, {len(data)} user files"
            f" {'unchanged' if kept else 'CHANGED'}, /etc/village-desk/provisioning.json"
            f" {'kept' if (root / 'etc/village-desk/provisioning.json').exists() else 'gone'}",
        )
        box.run("apt-get purge -y village-desk")
        kept = bool(data) and _snapshot(root, "clerk") == data
        verdict(
            "apt-get purge: /etc/village-desk gone, user's store and settings kept",
            not (root / "etc/village-desk").exists() and kept,
            f"/etc/village-desk {'still there' if (root / 'etc/village-desk').exists() else 'gone'},"
            f" {len(data)} user files {'unchanged' if kept else 'CHANGED'}",
        )
        box.run("ls -la /home/clerk/.local/share/VillageDataDesk /home/clerk/.config/VillageDataDesk")
    return _summary(results, log)


def _summary(results: list[tuple[str, bool]], log: Path) -> bool:
    passed = sum(ok for _, ok in results)
    say(f"\n{passed} passed, {len(results) - passed} failed  (transcript: {log})", log)
    return passed == len(results) and bool(results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("action", choices=("build", "check", "all"))
    parser.add_argument("deb", nargs="?", type=Path, help="check: the .deb (default: the one built here)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bullseye", help="roots and output")
    parser.add_argument("--mirror", default=MIRROR, help="Debian archive to debootstrap and install from")
    parser.add_argument("--shots", type=Path, help="where the screenshots go (default: WORK/check)")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        parser.error("run as root (debootstrap, chroot and mounts)")
    tools = ["debootstrap", "chroot", "mount", "tar", "git"]
    tools += ["Xvfb", "dpkg-deb", "objdump"] if args.action != "build" else []
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        parser.error(
            f"not installed: {', '.join(missing)} (apt-get install debootstrap xvfb dpkg-dev binutils)"
        )
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    deb = args.deb
    if args.action in ("build", "all"):
        deb = build(work, args.mirror, work / "out")
    if args.action in ("check", "all"):
        if deb is None:
            found = sorted((work / "out").glob("village-desk_*.deb"))
            if not found:
                parser.error(f"no .deb given and none in {work / 'out'}: run `build` first")
            deb = found[-1]
        return 0 if check(deb.resolve(), work, args.mirror, (args.shots or work / "check").resolve()) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
