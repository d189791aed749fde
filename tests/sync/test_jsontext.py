"""jsontext: the same compact text as the standard library for the values a sync stores."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from sync import jsontext, sample_data

stored = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), st.text()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(), inner, max_size=4)),
    max_leaves=12,
)


def _stdlib(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@settings(max_examples=300, deadline=None)
@given(stored)
def test_same_text_as_the_standard_library_and_reads_back_equal(value):
    text = jsontext.dumps(value)
    assert text == _stdlib(value)
    assert jsontext.loads(text) == value


def test_realistic_records_and_versions():
    for _entity, _id, fields in sample_data.village("110105001001", 200):
        versions = dict.fromkeys(fields, 12345)
        for value in (fields, versions):
            assert jsontext.dumps(value) == _stdlib(value)
            assert jsontext.loads(_stdlib(value)) == value


def test_what_orjson_refuses_falls_back_to_the_standard_library():
    assert jsontext.dumps({"n": 2**70}) == '{"n":1180591620717411303424}'
    assert jsontext.dumps({1: "a"}) == '{"1":"a"}'
    nan = jsontext.loads('{"x": NaN}')["x"]
    assert nan != nan
