"""The roster template workbook a village official fills in, then imports (desktop.services.roster_import).

Headers are the form labels (``*`` = must be filled in), in the order the import expects. The ID and
phone columns are formatted as text before anything is typed (so Excel keeps all 18 digits and the
``X``), every choice column has a drop-down of its labels (listed on the 选项 sheet), and a second
sheet explains the rules. The example row is made up. No Qt here.
"""

from __future__ import annotations

from pathlib import Path

from desktop.services.roster_import import header_label, roster_fields
from sync.schema import Forms, load_forms
from sync.xlsx import save

EXAMPLE = {
    "household_no": "0001", "head_name": "张三", "address": "一组1号", "category": "一般户",
    "name": "张三", "resident_id": "11010519491231002X", "relation": "户主", "sex": "女",
    "birth_date": "1949-12-31", "ethnicity": "汉族", "medical_insurance": "城乡居民医保", "status": "在册",
}  # fmt: skip
TEXT_ROWS = 5000
"""Rows pre-formatted as text in the ID and phone columns."""


def write_template(path: Path | str, forms: Forms | None = None) -> Path:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    forms = forms or load_forms()
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    # A field the county's forms removed is not asked for (a roster that still has its column keeps
    # its values: the import reads it, hidden, never dropped).
    fields = [(key, fdef) for key, fdef in roster_fields(forms) if not fdef.hidden]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "花名册"
    options = book.create_sheet("选项")
    help_sheet = book.create_sheet("说明")
    sheet.append([header_label(forms, key) for key, _ in fields])
    sheet.append([EXAMPLE.get(f.name) for _, f in fields])
    sheet.freeze_panes = "A2"
    choice_column = 0
    for i, (key, fdef) in enumerate(fields, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = {"address": 20, "resident_id": 21}.get(fdef.name, 12)
        if fdef.type in ("resident_id", "phone") or key == ("household", "household_no"):
            for row in range(2, TEXT_ROWS + 2):
                sheet.cell(row=row, column=i).number_format = "@"
        if fdef.choices:
            choice_column += 1
            col = get_column_letter(choice_column)
            options.cell(row=1, column=choice_column, value=fdef.label_zh)
            for r, choice in enumerate(fdef.choices, start=2):
                options.cell(row=r, column=choice_column, value=choice.zh)
            rule = DataValidation(
                type="list", formula1=f"选项!${col}$2:${col}${len(fdef.choices) + 1}", allow_blank=True
            )
            rule.add(f"{letter}2:{letter}{TEXT_ROWS + 1}")
            sheet.add_data_validation(rule)
    for line in (
        "每行一人；同一户的成员填相同的户号、户主姓名、家庭住址和家庭类别。",
        "带 * 的列必须填写；性别和出生日期可以不填，由公民身份号码得出。",
        "公民身份号码一列已设为文本：请直接输入或“选择性粘贴→数值”，不要存成数字（会丢失末几位）。",
        "不导入公式；选项列请从下拉列表中选择（全部选项见“选项”表）。",
        "户号已在本村登记的，成员加入该户。有任何一行出错时整个文件都不导入，请改正后重新选择文件。",
        "第2行是示例（虚构），导入前请删除。",
    ):
        help_sheet.append([line])
    help_sheet.column_dimensions["A"].width = 100
    save(book, path)
    return path
