"""Every "choose a file" and "save as" of the app, made one way.

* They start in the user's Documents folder (``QStandardPaths``), then in the folder last used,
  never in the process's working folder (on an installed laptop, the program's own folder).
* On Linux (UOS, Kylin) the app draws Qt's own dialog, and Qt's shipped Chinese catalogue lacks some
  of its labels ("Look in:", "Files of type:"), names file kinds in English ("Folder") and writes dates
  in the system locale, which is often C ("7 12 2026"). The labels, the kinds and the dates are set
  here in the interface language. Windows and macOS show their own dialog, in the system's language.
* ``save_file`` returns the full path; callers show it after saving, so the file can be found.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QFileInfo,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QStandardPaths,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFileSystemModel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

_last_folder: Path | None = None
"""The folder of the last file chosen or saved in this run."""

SIZE_COLUMN, KIND_COLUMN, DATE_COLUMN = 1, 2, 3
"""QFileSystemModel's columns: name, size, kind, date modified."""


def start_folder() -> Path:
    """Where a file dialog opens: the folder last used, else Documents, else the home folder."""
    if _last_folder is not None and _last_folder.is_dir():
        return _last_folder
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def remember(path: str | Path) -> None:
    global _last_folder
    _last_folder = Path(path).parent


def use_native_dialog() -> bool:
    """Windows and macOS draw their own, translated dialog; elsewhere Qt's own is used and fixed up."""
    return sys.platform in ("win32", "darwin")


class _Localised(QStyledItemDelegate):
    """The kind and date columns in the interface language (Qt writes the kind in English, from a
    catalogue entry its Chinese lacks, and the date in the system locale's short format)."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        model = index.model()
        if not isinstance(model, QFileSystemModel):
            return
        if index.column() == SIZE_COLUMN and not model.isDir(index):
            size = model.size(index)
            option.text = (  # type: ignore[attr-defined]
                QCoreApplication.translate("FileDialogs", "{n} bytes").format(n=size)
                if size < 1024
                else QLocale().formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeTraditionalFormat)
            )
        elif index.column() == KIND_COLUMN:
            option.text = _kind(model.fileInfo(index))  # type: ignore[attr-defined]
        elif index.column() == DATE_COLUMN:
            when = model.lastModified(index)
            option.text = QLocale().toString(when, QLocale.FormatType.ShortFormat)  # type: ignore[attr-defined]


def _kind(info: QFileInfo) -> str:
    if info.isDir():
        return QCoreApplication.translate("FileDialogs", "Folder")
    suffix = info.suffix()
    return (
        QCoreApplication.translate("FileDialogs", "{suffix} file").format(suffix=suffix)
        if suffix
        else QCoreApplication.translate("FileDialogs", "File")
    )


def make_dialog(
    parent: QWidget | None, title: str, filters: str, *, save: bool = False, name: str = ""
) -> QFileDialog:
    """The dialog, set up as above (``exec`` it, or ``open`` it and wait for ``fileSelected``)."""
    folder = start_folder()
    dialog = QFileDialog(parent, title, str(folder / name) if name else str(folder), filters)
    dialog.setObjectName("file_dialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile)
    if save:
        suffix = filters.rpartition("*.")[2].split(")")[0].split()[0] if "*." in filters else ""
        if suffix:
            dialog.setDefaultSuffix(suffix)
    if not use_native_dialog():
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        Label = QFileDialog.DialogLabel
        dialog.setLabelText(Label.LookIn, QCoreApplication.translate("FileDialogs", "Look in:"))
        dialog.setLabelText(Label.FileName, QCoreApplication.translate("FileDialogs", "File name:"))
        dialog.setLabelText(Label.FileType, QCoreApplication.translate("FileDialogs", "Files of type:"))
        dialog.setLabelText(
            Label.Accept,
            QCoreApplication.translate("FileDialogs", "Save")
            if save
            else QCoreApplication.translate("FileDialogs", "Open"),
        )
        dialog.setLabelText(Label.Reject, QCoreApplication.translate("FileDialogs", "Cancel"))
        for view in dialog.findChildren(QAbstractItemView):
            if view.objectName() in ("treeView", "listView"):
                view.setItemDelegate(_Localised(view))
    return dialog


def open_file(parent: QWidget | None, title: str, filters: str) -> Path | None:
    """Ask for an existing file; None when the person cancelled."""
    dialog = make_dialog(parent, title, filters)
    if not dialog.exec() or not dialog.selectedFiles():
        return None
    path = Path(dialog.selectedFiles()[0])
    remember(path)
    return path


def save_file(parent: QWidget | None, title: str, name: str, filters: str) -> Path | None:
    """Ask where to save ``name``; the full path (with the filter's suffix), or None when cancelled."""
    dialog = make_dialog(parent, title, filters, save=True, name=name)
    if not dialog.exec() or not dialog.selectedFiles():
        return None
    path = Path(dialog.selectedFiles()[0])
    remember(path)
    return path


def choose_provisioning(parent: QWidget | None) -> Path | None:
    """The county's provisioning file (first-run wizard, settings, staff sign-in)."""
    return open_file(
        parent,
        QCoreApplication.translate("FileDialogs", "Provisioning file"),
        QCoreApplication.translate("FileDialogs", "Provisioning file (*.json)"),
    )
