"""The Standards panel as an operator and a process engineer use it: cards with live values,
a drift marked quietly, a card change approved by a second person through the real dialogs,
an SOP run whose step stays disabled while its check is false."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QSettings

from app.core.layout import PlantLayout
from app.core.settings import Settings
from app.core.tags import Quality, TagValue
from app.db import make_engine
from app.db.migrate import upgrade
from app.runtime import Runtime
from widgets.panel import PanelContext

NOW = datetime.now(UTC)


def good(value: object) -> TagValue:
    return TagValue(value, Quality.GOOD, NOW, NOW)  # type: ignore[arg-type]


@pytest.fixture
def setup(layout: PlantLayout, tmp_path: Path, qtbot):  # type: ignore[no-untyped-def]
    from app.security.context import build_security
    from app.standards.service import StandardsService
    from widgets.standards_panel import StandardsPanel
    from widgets.store_bridge import StoreBridge

    url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    upgrade(make_engine(url))
    security = build_security(Settings(scrypt_n=1024), url)
    security.users.add_user("eng1", "a long password 1", roles=["process_engineer"], actor="it")
    security.users.add_user("eng2", "a long password 2", roles=["process_engineer"], actor="it")
    security.session.login("eng1", "a long password 1")
    runtime = Runtime(layout, db_url=url)
    runtime.attach_security(security.session)
    runtime.store.apply({"CB.FEED_RATE": good(205.0), "SMF.O2_ENR_SP": good(65.0), "PSC1.STATE": good(2),
                         "PSC1.BLAST_SP": good(36000.0), "AP.BLOWER.STATE": good(1)})
    service = StandardsService(runtime, engine=runtime.db)
    runtime.services["standards"] = service
    bridge = StoreBridge(runtime.store)
    panel = StandardsPanel(PanelContext(runtime, bridge, security.session, security, "en"))
    qtbot.addWidget(panel)
    panel.resize(1100, 420)
    yield panel, service, runtime, security
    panel.shutdown()
    security.close()


def _row(panel, tag: str) -> int:  # type: ignore[no-untyped-def]
    return next(i for i, r in enumerate(panel.cards_model.rows) if r[3] == tag)


def test_cards_show_live_values_and_a_drift_is_marked(setup) -> None:  # type: ignore[no-untyped-def]
    panel, service, runtime, _security = setup
    row = panel.cards_model.rows[_row(panel, "SMF.O2_ENR_SP")]
    assert row[:7] == ("SMF", "normal", "v1", "SMF.O2_ENR_SP", "62 … 70", "65", "65")
    assert row[7] == "in band"
    runtime.store.apply({"SMF.O2_ENR_SP": good(74.0)})
    service.evaluate(NOW)
    service.evaluate(NOW + timedelta(seconds=301))
    panel.refresh()
    i = _row(panel, "SMF.O2_ENR_SP")
    assert panel.cards_model.rows[i][7].startswith("drift since")
    assert i in panel.cards_model.marked  # a quiet marker on that row only
    assert len(panel.cards_model.marked) == 1
    assert [r[0] for r in panel.drifts_model.rows] == ["SMF.O2_ENR_SP"]


def test_a_card_change_is_proposed_and_approved_by_a_second_person_in_the_dialogs(setup, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from widgets.standards_panel import PasswordDialog, ProposeDialog

    panel, service, _runtime, security = setup
    panel.cards_view.selectionModel().select(panel.cards_model.index(_row(panel, "SMF.O2_ENR_SP"), 0),
                                             QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    panel._on_propose_clicked()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ProposeDialog) and w.isVisible())
    dialog.target.setValue(66)
    dialog._on_buttons_accepted()  # no reason yet: refused in the dialog
    assert dialog.isVisible() and "Say why" in dialog.error.text()
    dialog.reason.setText("trial")
    dialog._on_buttons_accepted()
    assert "a second person approves it" in panel.message.text()
    panel.proposals_view.selectionModel().select(panel.proposals_model.index(0, 0),
                                                 QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    panel._on_decide_clicked(True)  # the proposer himself
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PasswordDialog) and w.isVisible())
    box.password.setText("a long password 1")
    box.accept()
    assert "cannot be the one who proposed" in panel.message.text()
    security.session.logout()
    security.session.login("eng2", "a long password 2")
    panel._on_decide_clicked(True)
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PasswordDialog) and w.isVisible())
    box.password.setText("a long password 2")
    box.accept()
    assert panel.message.text() == "SMF/normal v2: approved"
    assert panel.cards_model.rows[_row(panel, "SMF.O2_ENR_SP")][2] == "v2"


def test_an_sop_step_stays_disabled_while_its_check_is_false(setup) -> None:  # type: ignore[no-untyped-def]
    panel, _service, runtime, _security = setup
    panel.sop_box.setCurrentIndex(panel.sop_box.findData("blower-trip"))
    panel._on_start_clicked()
    assert panel.runs_box.count() == 1
    first = panel.steps_list.item(0).text()
    assert first.startswith("▶ 1.") and "PSC1.STATE != SLAG_BLOW is not true" in first
    assert not panel.step_button.isEnabled()
    runtime.store.apply({"PSC1.STATE": good(3)})
    panel.refresh()
    assert panel.step_button.isEnabled()
    panel._on_step_clicked()
    assert panel.steps_list.item(0).text().startswith("✓ 1.")


def test_the_panel_paints_with_a_drift_and_a_procedure_run(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Also how docs/standards_*.png are made: CRUCIBLE_SCREENSHOTS=docs pytest -k paints."""
    import os

    panel, service, runtime, _security = setup
    runtime.store.apply({"SMF.O2_ENR_SP": good(74.0)})
    service.evaluate(NOW)
    service.evaluate(NOW + timedelta(seconds=301))
    service.notes.add("PSC2", "Tuyere 14 leaking: punch by hand every 30 min", "eng1", 8)
    panel.show()
    panel.refresh()
    out = Path(os.environ.get("CRUCIBLE_SCREENSHOTS") or tmp_path)
    pictures = {}
    for index, name in ((0, "cards"), (2, "sop_run")):
        if index == 2:
            panel.sop_box.setCurrentIndex(panel.sop_box.findData("blower-trip"))
            panel._on_start_clicked()
        panel.tabs.setCurrentIndex(index)
        picture = panel.grab()
        assert not picture.isNull() and picture.width() >= 1000
        picture.save(str(out / f"standards_{name}.png"))
        pictures[name] = picture
    assert (out / "standards_cards.png").stat().st_size > 10_000


def test_a_drift_shows_as_a_quiet_marker_on_the_faceplate(layout: PlantLayout, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.standards.service import StandardsService
    from widgets.main_window import MainWindow

    url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    upgrade(make_engine(url))
    runtime = Runtime(layout, db_url=url)
    runtime.store.apply({"CB.FEED_RATE": good(205.0), "SMF.O2_ENR_SP": good(74.0)})
    service = StandardsService(runtime, engine=runtime.db)
    runtime.services["standards"] = service
    window = MainWindow(runtime, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    faceplate = window.open_faceplate("SMF").faceplate
    faceplate._refresh()
    assert faceplate.standard_flags["SMF.O2_ENR_SP"].text() == ""  # outside, but within the grace time
    service.evaluate(NOW)
    service.evaluate(NOW + timedelta(seconds=301))
    faceplate._refresh()
    flag = faceplate.standard_flags["SMF.O2_ENR_SP"]
    assert flag.text() == "⚑" and flag.toolTip().startswith("Outside the approved card (62 … 70, normal) since")
    runtime.store.apply({"SMF.O2_ENR_SP": good(65.0)})
    service.evaluate(NOW + timedelta(seconds=302))
    faceplate._refresh()
    assert flag.text() == ""
