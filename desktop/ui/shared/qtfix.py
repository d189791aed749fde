"""Work around a reference-count bug in PySide6 6.12.0 (seen with Python 3.11), and drop the module
sources PySide6's import hook leaves in memory (:func:`forget_module_sources`).

``SignalInstance.emit()`` there returns ``True`` without taking a reference, so every emit from Python
code takes one reference away from ``True``; after a few thousand emits the interpreter aborts with
"bool_dealloc: deallocating True or False". At import we probe for the bug with one emit and, only
if it is there, wrap ``emit`` to give the reference back. Imported by ``desktop.ui`` before anything
else, so every emit in the app goes through the wrapper.

With the wrapper, ``some_signal.emit`` is a Python bound method that Qt cannot hold weakly: connect
a signal to another signal (``a.connect(b)``), never to ``b.emit``.
"""

from __future__ import annotations

import ctypes
import linecache
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    ping = Signal()


def emit_loses_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()
    return sys.getrefcount(True) < before


def install() -> bool:
    """Wrap ``SignalInstance.emit`` if this PySide6 has the bug. Returns True when it did."""
    if getattr(SignalInstance.emit, "_village_desk_fixed", False) or not emit_loses_reference():
        return False
    original = SignalInstance.emit

    def emit(self: SignalInstance, *args: Any) -> Any:
        result = original(self, *args)
        if result is True or result is False:
            _incref(result)
        return result

    emit._village_desk_fixed = True  # type: ignore[attr-defined]
    SignalInstance.emit = emit  # type: ignore[method-assign]
    return True


installed = install()


def forget_module_sources() -> None:
    """Drop the source lines of the modules imported so far from ``linecache``.

    PySide6 replaces ``__import__``; for every ``.py`` module imported after it, it reads the
    module's source with ``inspect.getsource`` (looking for ``from __feature__ import``), and
    ``linecache`` keeps every line: about 4 MB once the main window's modules are in. Nothing
    needs them kept; a traceback reads its lines again.
    """
    linecache.clearcache()
