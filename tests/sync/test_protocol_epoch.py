"""The server epoch on the wire: optional fields, so older servers and laptops read each other."""

from __future__ import annotations

import pytest

from sync import protocol, protocol_decode


def test_a_pull_answer_of_an_older_server_has_no_epoch() -> None:
    page = protocol_decode.decode_pull_response(
        protocol.encode({"records": [], "cursor": 7, "more": False, "v": protocol.PROTOCOL_VERSION})
    )
    assert (page.epoch, page.epoch_seq, page.server_seq) == ("", 0, None)


def test_a_pull_answer_names_the_epoch_and_the_counters() -> None:
    body = {
        "records": [],
        "cursor": 7,
        "more": False,
        "v": 2,
        "epoch": "e-2",
        "epoch_seq": 5,
        "server_seq": 9,
    }
    page = protocol_decode.decode_pull_response(protocol.encode(body))
    assert (page.epoch, page.epoch_seq, page.server_seq) == ("e-2", 5, 9)


@pytest.mark.parametrize("bad", [-1, "9", 1.5, True])
def test_a_bad_counter_is_a_protocol_error(bad: object) -> None:
    body = {"records": [], "cursor": 7, "more": False, "server_seq": bad}
    with pytest.raises(protocol.ProtocolError):
        protocol_decode.decode_pull_response(protocol.encode(body))


def test_the_push_epoch_round_trips_and_is_optional() -> None:
    sent = protocol.PushRequest(batch_id="b1", changes=[], epoch="e-1")
    assert protocol_decode.decode_push_request(protocol.encode(sent)).epoch == "e-1"
    older = protocol.encode({"batch_id": "b2", "changes": [], "v": protocol.PROTOCOL_VERSION})
    assert protocol_decode.decode_push_request(older).epoch == ""
    answer = protocol.encode({"batch_id": "b1", "results": [], "server_seq": 3, "epoch": "e-1", "v": 2})
    assert protocol_decode.decode_push_response(answer).epoch == "e-1"
    assert (
        protocol_decode.decode_push_response(
            protocol.encode({"batch_id": "b1", "results": [], "server_seq": 3, "v": 2})
        ).epoch
        == ""
    )


def test_the_push_known_counter_round_trips_is_optional_and_checked() -> None:
    sent = protocol.PushRequest(batch_id="b1", changes=[], epoch="e-1", known=42)
    assert protocol_decode.decode_push_request(protocol.encode(sent)).known == 42
    older = protocol.encode({"batch_id": "b2", "changes": [], "v": protocol.PROTOCOL_VERSION})
    assert protocol_decode.decode_push_request(older).known == 0
    for bad in (-1, "9", 1.5, True):
        body = {"batch_id": "b3", "changes": [], "v": protocol.PROTOCOL_VERSION, "known": bad}
        with pytest.raises(protocol.ProtocolError):
            protocol_decode.decode_push_request(protocol.encode(body))


def test_a_changes_lost_versions_round_trip_are_optional_and_checked() -> None:
    """A value sent again on a re-sync names its version of the history a restore lost
    (``Change.lost``); a laptop of an earlier release sends none, a bad one is a protocol error."""
    change = protocol.Change("household", "0190a000-0000-7000-8000-000000000001", "110101001001")
    change.fields, change.lost = {"address": "二组2号"}, {"address": 17}
    sent = protocol.PushRequest(batch_id="b1", changes=[change])
    assert protocol_decode.decode_push_request(protocol.encode(sent)).changes[0].lost == {"address": 17}
    plain = {"entity": "household", "id": change.id, "village_code": change.village_code}
    older = protocol.encode({"batch_id": "b2", "changes": [plain], "v": protocol.PROTOCOL_VERSION})
    assert protocol_decode.decode_push_request(older).changes[0].lost == {}
    for bad in ({"address": -1}, {"address": "9"}, {"address": 1.5}, ["address"]):
        body = {"batch_id": "b3", "changes": [dict(plain, lost=bad)], "v": protocol.PROTOCOL_VERSION}
        with pytest.raises(protocol.ProtocolError):
            protocol_decode.decode_push_request(protocol.encode(body))


def test_a_snapshot_records_lost_pairs_are_optional_and_malformed_ones_read_as_absent() -> None:
    record = {"entity": "household", "id": "r1", "village_code": "v", "seq": 9, "fields": {}}
    pairs = {"address": [17, 9], "phone": [1], "head_name": ["1", 2], "category": [True, 3]}
    page = {
        "records": [dict(record, lost=pairs), record],
        "cursor": 9,
        "more": False,
        "v": protocol.PROTOCOL_VERSION,
    }
    got = protocol_decode.decode_pull_response(protocol.encode(page))
    assert got.records[0].lost == {"address": [17, 9]}
    assert got.records[1].lost == {}


def test_records_and_changes_without_lost_versions_hold_no_dict_of_their_own() -> None:
    """Nearly every record and change has no ``lost``: they share one empty ``protocol.NO_LOST``
    instead of a dict each (one object more alive per record made a pull run a full garbage
    collection more per 10,000 records)."""
    record = {"entity": "household", "id": "r1", "village_code": "v", "seq": 9, "fields": {}}
    page = {"records": [record, dict(record, id="r2"), dict(record, id="r3", lost={"x": [1]})]}
    got = protocol_decode.decode_pull_response(protocol.encode(dict(page, cursor=9, more=False, v=2)))
    assert all(r.lost is protocol.NO_LOST for r in got.records)
    change = protocol.Change("household", "0190a000-0000-7000-8000-000000000001", "110101001001")
    assert change.lost is protocol.NO_LOST and change.made_on is protocol.NO_LOST
    sent = protocol.PushRequest(batch_id="b1", changes=[change, protocol.Change("household", "x", "v")])
    received = protocol_decode.decode_push_request(protocol.encode(sent))
    assert all(c.lost is protocol.NO_LOST and c.made_on is protocol.NO_LOST for c in received.changes)
    assert protocol.NO_LOST == {}


def test_a_changes_made_on_versions_round_trip_are_optional_and_checked() -> None:
    """An edit a re-sync rebased names the lost version it was made on (``Change.made_on``)."""
    change = protocol.Change("household", "0190a000-0000-7000-8000-000000000001", "110101001001")
    change.fields, change.made_on = {"address": "二组2号"}, {"address": 17}
    sent = protocol.PushRequest(batch_id="b1", changes=[change])
    assert protocol_decode.decode_push_request(protocol.encode(sent)).changes[0].made_on == {"address": 17}
    plain = {"entity": "household", "id": change.id, "village_code": change.village_code}
    older = protocol.encode({"batch_id": "b2", "changes": [plain], "v": protocol.PROTOCOL_VERSION})
    assert protocol_decode.decode_push_request(older).changes[0].made_on == {}
    for bad in ({"address": -1}, {"address": "9"}, {"address": 1.5}, ["address"]):
        body = {"batch_id": "b3", "changes": [dict(plain, made_on=bad)], "v": protocol.PROTOCOL_VERSION}
        with pytest.raises(protocol.ProtocolError):
            protocol_decode.decode_push_request(protocol.encode(body))


def test_a_snapshot_marks_an_edit_made_on_a_lost_value_and_says_it_keeps_marks() -> None:
    record = {"entity": "household", "id": "r1", "village_code": "v", "seq": 9, "fields": {}}
    pairs = {"address": [17, 9, 1], "phone": [3, 9, 2], "head_name": [1, 2, 1, 1]}
    page = {"records": [dict(record, lost=pairs)], "cursor": 9, "more": False, "v": 2, "marks": True}
    got = protocol_decode.decode_pull_response(protocol.encode(page))
    assert got.records[0].lost == {"address": [17, 9, 1]}  # a kind not known here: none
    assert got.marks
    older = protocol_decode.decode_pull_response(protocol.encode(dict(page, marks=None)))
    assert not older.marks
