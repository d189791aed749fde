"""Every model passes Qt's model tester; the list model holds ids and fetches rows lazily."""

from __future__ import annotations

from desktop.services import demo
from desktop.ui.official.columns import columns_for
from desktop.ui.official.models import Column, RecordTableModel
from desktop.ui.shared.context import UiContext
from desktop.ui.shared.forms import RecordBuffer


def _model(ui: UiContext, entity: str) -> RecordTableModel:
    session = ui.session
    return RecordTableModel(
        ui.runner, lambda ids: session.rows(entity, ids), columns_for(session.forms, entity), name=entity
    )


def test_record_models_pass_the_model_tester(qtbot, qtmodeltester, ui: UiContext) -> None:
    demo.populate(ui.session.store, 60)
    for entity in ("household", "person", "income", "service"):
        model = _model(ui, entity)
        ids = ui.session.ids(entity)
        assert ids, entity
        model.set_ids(ids)
        with qtbot.waitSignal(model.rows_arrived):
            model.data(model.index(0, 0))
        qtmodeltester.check(model)
        assert model.data(model.index(0, 0))


def test_rows_are_fetched_in_chunks_and_blocks(qtbot, ui: UiContext) -> None:
    demo.populate(ui.session.store, 300, extras=False)
    model = _model(ui, "person")
    model.CHUNK = 100
    ids = ui.session.ids("person")
    model.set_ids(ids)
    assert model.rowCount() == 100 and model.total() == len(ids)
    assert model.data(model.index(5, 0)) is None  # not fetched yet: asked for, not waited on
    with qtbot.waitSignal(model.rows_arrived):
        pass
    name = model.data(model.index(5, 0))
    assert name == ui.session.get("person", ids[5])["name"]
    # the cache keeps what the columns show, not whole records
    shown = {"id", *(c.name for c in columns_for(ui.session.forms, "person"))}
    assert set(model.cached(ids[5]) or {}) == shown and "phone" not in shown
    assert model.canFetchMore(model.index(-1, -1))
    model.fetchMore(model.index(-1, -1))
    assert model.rowCount() == 200


def test_record_buffer_passes_the_model_tester(qtmodeltester, ui: UiContext) -> None:
    buffer = RecordBuffer(list(ui.session.forms["person"].field_names))
    buffer.load({"name": "王芳", "sex": "female"})
    qtmodeltester.check(buffer)


def test_money_is_shown_in_yuan(ui: UiContext) -> None:
    amount = Column("amount_fen", ui.session.forms["income"].field("amount_fen"))
    assert amount.display({"amount_fen": 1234567}, "zh_CN") == "12,345.67"
    assert amount.display({"amount_fen": -150}, "zh_CN") == "-1.50"
    assert amount.display({"amount_fen": 5}, "en") == "0.05"
    assert amount.display({"amount_fen": None}, "zh_CN") == ""


def test_a_search_with_many_hits_feeds_the_model_as_a_plain_list_does(
    qtbot, qtmodeltester, ui: UiContext
) -> None:
    from desktop.services.idlist import MaskedIdList

    demo.populate(ui.session.store, 300, extras=False)
    hits = ui.session.ids("person", "1")  # a digit: nearly every resident ID has one
    assert isinstance(hits, MaskedIdList) and len(hits) > 200
    model = _model(ui, "person")
    model.CHUNK = 100
    model.set_ids(hits)
    qtmodeltester.check(model)
    assert model.total() == len(hits) and [model.id_at(r) for r in range(100)] == list(hits)[:100]
    model.ensure_shown(len(hits) - 1)
    assert model.row_of(hits[-1]) == len(hits) - 1
    with qtbot.waitSignal(model.rows_arrived):
        model.data(model.index(len(hits) - 1, 0))
