"""Settings in one declarative registry, and where the app keeps its files.

Every setting the app reads is declared here once (name, type, default, help). The storage behind
them is a plain mapping-like backend: the UI passes one over ``QSettings``; tests and tools may pass a
dict. Values come back with the declared type even when the backend stores strings (INI files do).

Paths come from platformdirs, or from ``VILLAGE_DESK_HOME`` when set (tests, portable installs,
the demo), so nothing is ever written next to the program.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import platformdirs

APP_NAME = "VillageDataDesk"
APP_AUTHOR = "VillageDataDesk"
HOME_ENV = "VILLAGE_DESK_HOME"
LANGUAGES = ("zh_CN", "en")


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    type: type
    default: Any
    help: str
    choices: tuple[Any, ...] = ()
    minimum: int | None = None
    maximum: int | None = None

    def coerce(self, value: Any) -> Any:
        """Backend value -> declared type; anything unusable gives the default."""
        if value is None:
            return self.default
        try:
            if self.type is bool:
                if isinstance(value, str):
                    value = value.strip().lower() in ("1", "true", "yes", "on")
                else:
                    value = bool(value)
            elif self.type is int:
                value = int(value)
                if self.minimum is not None and value < self.minimum:
                    value = self.minimum
                if self.maximum is not None and value > self.maximum:
                    value = self.maximum
            else:
                value = self.type(value)
        except (TypeError, ValueError):
            return self.default
        if self.choices and value not in self.choices:
            return self.default
        return value


REGISTRY: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("language", str, "zh_CN", "Language of the interface.", choices=LANGUAGES),
        Setting(
            "auto_lock_minutes",
            int,
            10,
            "Lock the data after this many minutes without use (0 = never).",
            minimum=0,
            maximum=240,
        ),
        Setting("auto_sync", bool, False, "Sync automatically whenever the county server is reachable."),
        Setting("auto_sync_minutes", int, 15, "Minutes between automatic syncs.", minimum=1, maximum=24 * 60),
        Setting(
            "reachability_seconds",
            int,
            60,
            "Seconds between checks whether the county server is reachable.",
            minimum=5,
            maximum=3600,
        ),
        Setting("last_user", str, "", "Local user who unlocked last; offered first on the unlock screen."),
        Setting("staff_server_url", str, "", "Township staff: the county server address last signed in to."),
        Setting("staff_ca_file", str, "", "Township staff: the county CA certificate file (PEM) to trust."),
        Setting("staff_user", str, "", "Township staff: the staff account that signed in last."),
    )
}


class Backend(Protocol):
    def value(self, key: str, default: Any = None) -> Any: ...
    def setValue(self, key: str, value: Any) -> None: ...


class DictBackend:
    """A backend over a plain dict, for tools and tests that do not need persistence."""

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self.data: dict[str, Any] = dict(data or {})

    def value(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def setValue(self, key: str, value: Any) -> None:
        self.data[key] = value


class Settings:
    """Typed access to the registry over a backend."""

    GROUP = "settings/"

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def get(self, name: str) -> Any:
        setting = REGISTRY[name]
        return setting.coerce(self.backend.value(self.GROUP + name, None))

    def set(self, name: str, value: Any) -> None:
        setting = REGISTRY[name]
        if setting.choices and value not in setting.choices:
            raise ValueError(f"{name} must be one of {setting.choices}")
        self.backend.setValue(self.GROUP + name, setting.coerce(value))

    def __getitem__(self, name: str) -> Any:
        return self.get(name)

    def all(self) -> dict[str, Any]:
        return {name: self.get(name) for name in REGISTRY}


@dataclass(frozen=True, slots=True)
class AppPaths:
    """Where the app keeps its files. ``root`` set means everything lives under one folder."""

    data_dir: Path
    config_dir: Path

    @classmethod
    def default(cls, root: str | os.PathLike[str] | None = None) -> AppPaths:
        root = root or os.environ.get(HOME_ENV) or None
        if root:
            base = Path(root)
            return cls(data_dir=base / "data", config_dir=base / "config")
        return cls(
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=False)),
            config_dir=Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR, roaming=True)),
        )

    @property
    def store_path(self) -> Path:
        return self.data_dir / "village.vdd"

    @property
    def settings_path(self) -> Path:
        return self.config_dir / "settings.ini"

    @property
    def demo_dir(self) -> Path:
        return self.data_dir / "demo"

    def ensure(self) -> AppPaths:
        for d in (self.data_dir, self.config_dir):
            d.mkdir(parents=True, exist_ok=True)
            if os.name == "posix":
                d.chmod(0o700)
        return self
