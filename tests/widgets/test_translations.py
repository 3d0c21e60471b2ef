"""Every visible string has a Chinese translation, and the .ts is up to date with the code."""

from __future__ import annotations

import shutil
from pathlib import Path

from widgets.i18n import TS_FILES, read_ts, run_lrelease, run_lupdate


def test_every_message_has_a_finished_chinese_translation() -> None:
    messages = read_ts(TS_FILES["zh_CN"])
    assert len(messages) > 50
    missing = [(context, source) for context, source, _text, done in messages if not done]
    assert missing == [], "run `make translations` and translate these in resources/translations/crucible_zh_CN.ts"


def test_the_ts_file_is_up_to_date_with_the_sources(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    shutil.copy(TS_FILES["zh_CN"], fresh)
    run_lupdate(fresh)
    in_code = {(c, s) for c, s, _t, _d in read_ts(fresh)}
    in_ts = {(c, s) for c, s, _t, _d in read_ts(TS_FILES["zh_CN"])}
    assert in_code - in_ts == set(), "new strings in the code: run `make translations` and translate them"
    assert in_ts - in_code == set(), "strings no longer in the code: run `make translations`"


def test_the_compiled_qm_matches_its_source(tmp_path: Path) -> None:
    ts = TS_FILES["zh_CN"]
    qm = ts.with_suffix(".qm")
    run_lrelease(ts, tmp_path / "fresh.qm")
    assert qm.exists() and qm.read_bytes() == (tmp_path / "fresh.qm").read_bytes(), "run `make translations`"
