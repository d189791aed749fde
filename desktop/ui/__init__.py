"""The Qt user interface: the only package that imports PySide6."""

from desktop.ui.shared import qtfix as _qtfix  # noqa: F401  - must run before any signal is emitted
