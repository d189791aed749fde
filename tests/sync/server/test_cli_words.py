"""Which language the county-server command speaks, and its refusals in both."""

from __future__ import annotations

import pytest

from sync.server.admin import AdminError
from sync.server.cli_words import environment_lang


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANG": "zh_TW.UTF-8"}, "zh_CN"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh_CN"),
        ({"LC_ALL": "C", "LC_MESSAGES": "zh_CN.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_ALL": "zh_CN.GB18030", "LANG": "C"}, "zh_CN"),
        ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN"}, "zh_CN"),  # an empty variable is not set
    ],
)
def test_the_locale_chooses_the_language(environ: dict[str, str], lang: str) -> None:
    assert environment_lang(environ) == lang


def test_a_refusal_has_both_languages_and_reads_english() -> None:
    refusal = AdminError("cli.table_village_name", line=3)
    assert refusal.words("zh_CN") == "第 3 行：村需要一个名称"
    assert refusal.words("en") == str(refusal) == "line 3: a village needs a name"
