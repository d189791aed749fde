"""What is said about an Excel file brought in: a workbook refused before reading, a roster's
problems, and the roster template's own sheets and help (the template is in Chinese)."""

from sync.messages.message import Message

MESSAGES = (
    Message(
        "workbook.too_large",
        zh_CN="文件太大（{size} MB）：能导入的 Excel 文件最多 {limit} MB，请分成几个文件",
        en=(
            "The file is too large ({size} MB): at most {limit} MB can be imported; split it into several "
            "files"
        ),
    ),
    Message(
        "workbook.unpacks_too_much",
        zh_CN=(
            "文件解压后大得异常（压缩比或解压后的大小超出 Excel 文件的正常范围），可能是恶意构造的文件，没"
            "有读取"
        ),
        en=(
            "The file unpacks to far more than a workbook holds (compression ratio or unpacked size out of "
            "range); it may have been made to harm, and was not read"
        ),
    ),
    Message(
        "workbook.xml_declarations",
        zh_CN="文件含有 Excel 从不写入的 XML 声明（DOCTYPE/ENTITY），可能是恶意构造的文件，没有读取",
        en=(
            "The file holds XML declarations Excel never writes (DOCTYPE/ENTITY); it may have been made to "
            "harm, and was not read"
        ),
    ),
    Message(
        "workbook.too_many_rows",
        zh_CN="工作表超过 {limit} 行：一次最多导入 {limit} 行，请分成几个文件",
        en=(
            "The sheet has more than {limit} rows: at most {limit} rows can be imported at once; split it "
            "into several files"
        ),
    ),
    Message(
        "workbook.far_row",
        zh_CN="工作表第 {row} 行还有内容：花名册最多 {limit} 行。请删除表格下方远处的内容后再试",
        en=(
            "The sheet has something in row {row}: a roster has at most {limit} rows. Delete what lies far "
            "below the table and try again"
        ),
    ),
    Message(
        "workbook.far_column",
        zh_CN="工作表用到第 {column} 列：花名册最多 {limit} 列。请删除表格右侧远处的内容后再试",
        en=(
            "The sheet uses column {column}: a roster has at most {limit} columns. Delete what lies far "
            "right of the table and try again"
        ),
    ),
    Message(
        "workbook.odd_package",
        zh_CN="文件里的部件多得异常，不像 Excel 工作簿，没有读取",
        en="The file has far more parts than a workbook has, and was not read",
    ),
    Message(
        "workbook.damaged",
        zh_CN="文件已损坏或不是 Excel 工作簿（.xlsx），无法读取",
        en="The file is damaged or not an Excel workbook (.xlsx), and cannot be read",
    ),
    Message(
        "roster.unreadable",
        zh_CN="无法读取这个文件：请选择 Excel 工作簿（.xlsx）",
        en="Cannot read this file: choose an Excel workbook (.xlsx)",
    ),
    Message("roster.no_visible_sheet", zh_CN="文件没有可见的工作表", en="The file has no visible sheet"),
    Message("roster.no_header", zh_CN="文件第一张表没有标题行", en="The first sheet has no header row"),
    Message(
        "roster.formula",
        zh_CN="单元格是公式，不导入公式：请在 Excel 中复制后“选择性粘贴→数值”",
        en="The cell holds a formula; formulas are not imported: copy and paste as values in Excel",
    ),
    Message(
        "roster.numeric_id",
        zh_CN="公民身份号码被 Excel 存成了数字，末几位已经丢失（X 也存不下）：请把该列设为“文本”后重新输入",
        en=(
            "The resident ID is stored as a number: Excel has already lost its last digits (and any X); "
            "set the column to Text and type the IDs again"
        ),
    ),
    Message("roster.excel_error", zh_CN="单元格是 Excel 错误值", en="The cell holds an Excel error value"),
    Message(
        "roster.household_differs",
        zh_CN="与同一户号的第 {row} 行不一致",
        en="Differs from row {row} of this household",
    ),
    Message("roster.sheet", zh_CN="花名册", en="Roster"),
    Message("roster.options_sheet", zh_CN="选项", en="Options"),
    Message("roster.help_sheet", zh_CN="说明", en="How to fill in"),
    Message(
        "roster.help_one_row",
        zh_CN="每行一人；同一户的成员填相同的户号、户主姓名、家庭住址和家庭类别。",
        en=(
            "One person per row; members of one household have the same household number, head's name, "
            "address and category."
        ),
    ),
    Message(
        "roster.help_required",
        zh_CN="带 * 的列必须填写；性别和出生日期可以不填，由公民身份号码得出。",
        en=(
            "Columns marked * must be filled in; sex and date of birth may be left empty: they come from "
            "the resident ID."
        ),
    ),
    Message(
        "roster.help_id_text",
        zh_CN="公民身份号码一列已设为文本：请直接输入或“选择性粘贴→数值”，不要存成数字（会丢失末几位）。",
        en=(
            "The resident ID column is set to text: type the IDs or paste them as values, never as numbers "
            "(they would lose their last digits)."
        ),
    ),
    Message(
        "roster.help_choices",
        zh_CN="不导入公式；选项列请从下拉列表中选择（全部选项见“选项”表）。",
        en=(
            "Formulas are not imported; pick choices from the drop-down list (all choices are on the "
            "Options sheet)."
        ),
    ),
    Message(
        "roster.help_households",
        zh_CN="户号已在本村登记的，成员加入该户。有任何一行出错时整个文件都不导入，请改正后重新选择文件。",
        en=(
            "Members of a household number already on record join that household. If any row is wrong, "
            "nothing of the file is imported: correct it and choose the file again."
        ),
    ),
    Message(
        "roster.help_example",
        zh_CN="第2行是示例（虚构），导入前请删除。",
        en="Row 2 is an example (made up): delete it before importing.",
    ),
)
