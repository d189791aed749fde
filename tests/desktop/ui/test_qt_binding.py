"""The installed Qt binding keeps Python's reference counts right while worker threads run.

PySide6 6.12.0 changes a reference count without holding the interpreter lock on its way out of any
call that lets other threads run (``processEvents``, an event loop's ``exec``, ``QThread.msleep``,
a signal's ``emit``): with a Python worker thread running beside it (the task runner's database and
network threads), counts of shared objects such as ``None`` drift until the process dies, as the
segmentation faults seen "during event processing" of the Qt tests did. 6.11.2 does not. The probe
below makes the race frequent (a tiny thread switch interval); on 6.12.0 it aborts within a second or
two ("none_dealloc: deallocating None"), on a sound binding it runs its time out.
"""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import sys, threading, time
sys.setswitchinterval(1e-6)
from PySide6.QtCore import QCoreApplication, QThread
app = QCoreApplication([])
stop = False
def work():
    while not stop:
        [None, True, False] * 10
worker = threading.Thread(target=work)
worker.start()
end = time.monotonic() + float(sys.argv[1])
while time.monotonic() < end:
    QThread.msleep(0)
    app.processEvents()
stop = True
worker.join()
print("sound")
"""


def test_a_python_thread_beside_event_processing_corrupts_nothing() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", PROBE, "4"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0 and done.stdout.strip() == "sound", done.stderr[:600]
