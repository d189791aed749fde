"""A county form version on the record form (issue 17): its new fields are there and typed by
keyboard; a field it removed is hidden but its value is kept in the record."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from desktop.ui.shared.forms import RecordForm
from sync import form_versions as fv
from sync.form_workbook import document_from_workbook, read_workbook
from tests.sync.form_workbooks import v2_household, write_workbook


def v2_forms(tmp_path: Path) -> fv.Forms:
    book = read_workbook(write_workbook(tmp_path / "v2.xlsx", "household", 2, v2_household))
    try:
        doc = document_from_workbook(book, fv.builtin_document())
    finally:
        book.close()
    return fv.effective_forms([fv.builtin_document(), doc])


def test_new_fields_typed_removed_field_hidden_and_kept(qtbot, tmp_path: Path) -> None:
    form = RecordForm(v2_forms(tmp_path), "household", "zh_CN")
    qtbot.addWidget(form)
    form.resize(1366, 728)
    form.show()
    form.set_record({"household_no": "0001", "head_name": "张三", "address": "一组", "category": "ordinary",
                     "status": "active", "phone": "13812345678"})  # fmt: skip
    assert form.editors["phone"].isHidden() and not form.editors["family_doctor"].isHidden()
    away = form.editors["members_away"]
    assert isinstance(away, QLineEdit)
    away.setFocus()
    qtbot.keyClicks(away, "2")
    doctor = form.editors["family_doctor"]
    assert isinstance(doctor, QComboBox)
    doctor.setFocus()
    qtbot.keyClick(doctor, Qt.Key.Key_Down)
    values = form.values()
    assert values["members_away"] == 2 and values["family_doctor"] in ("signed", "not_signed")
    assert values["phone"] == "13812345678"  # hidden, never dropped
    shots = Path("/work/shots/i17")
    if shots.is_dir():
        form.grab().save(str(shots / "household_form_v2.png"))
