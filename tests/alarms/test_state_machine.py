"""The ISA-18.2 state machine against a reference transition table (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.alarms.engine import AlarmState as S
from tests.alarms.helpers import Clock, adef, engine, suppressed_by, tv

# (annunciation state, event) -> next state, for a visible (not hidden) alarm.
# Pairs not listed leave the state unchanged. "latch" rows replace the plain ones.
TABLE = {
    (S.NORMAL, "activate"): S.UNACK,
    (S.UNACK, "ack"): S.ACKED,
    (S.UNACK, "clear"): S.RTN_UNACK,
    (S.ACKED, "clear"): S.NORMAL,
    (S.RTN_UNACK, "ack"): S.NORMAL,
    (S.RTN_UNACK, "activate"): S.UNACK,
    (S.LATCHED, "ack"): S.NORMAL,
    (S.LATCHED, "activate"): S.UNACK,
}
LATCH_TABLE = {**TABLE, (S.UNACK, "clear"): S.LATCHED, (S.ACKED, "clear"): S.LATCHED}

EVENTS = ["activate", "clear", "ack", "shelve_timed", "shelve_oneshot", "unshelve", "expire",
          "suppress", "unsuppress", "oos", "in_service"]


class Reference:
    """The expected behaviour, written from ISA-18.2, independent of the engine's code."""

    def __init__(self, latch: bool) -> None:
        self.table = LATCH_TABLE if latch else TABLE
        self.ann, self.cond, self.shelve, self.sup, self.oos = S.NORMAL, False, "", False, False

    @property
    def hidden(self) -> bool:
        return bool(self.shelve) or self.sup or self.oos

    def state(self) -> S:
        if self.oos:
            return S.OUT_OF_SERVICE
        if self.sup:
            return S.SUPPRESSED
        if self.shelve:
            return S.SHELVED
        return self.ann

    def _hide(self, change) -> None:  # type: ignore[no-untyped-def]
        before = self.hidden
        change()
        if self.hidden and not before:
            self.ann = S.NORMAL
        elif before and not self.hidden:
            self.ann = S.UNACK if self.cond else S.NORMAL

    def step(self, ev: str) -> None:
        if ev in ("activate", "clear"):
            want = ev == "activate"
            if self.cond == want:
                return
            self.cond = want
            if self.hidden:
                if not want and self.shelve == "oneshot":
                    self._hide(lambda: setattr(self, "shelve", ""))
                return
            self.ann = self.table.get((self.ann, ev), self.ann)
        elif ev == "ack":
            if not self.hidden:
                nxt = self.table.get((self.ann, "ack"), self.ann)
                if self.ann is S.LATCHED and self.cond:
                    nxt = self.ann
                self.ann = nxt
        elif ev.startswith("shelve_"):
            if not (self.oos or self.sup):
                self._hide(lambda: setattr(self, "shelve", ev.removeprefix("shelve_")))
        elif ev == "unshelve" and self.shelve:
            self._hide(lambda: setattr(self, "shelve", ""))
        elif ev == "expire" and self.shelve == "timed":
            self._hide(lambda: setattr(self, "shelve", ""))
        elif ev in ("suppress", "unsuppress"):
            self._hide(lambda: setattr(self, "sup", ev == "suppress"))
        elif ev in ("oos", "in_service"):
            self._hide(lambda: setattr(self, "oos", ev == "oos"))


@settings(max_examples=150, deadline=None)
@given(st.booleans(), st.lists(st.sampled_from(EVENTS), max_size=30))
def test_engine_follows_the_reference_table(latch: bool, events: list[str]) -> None:
    clock = Clock()
    eng = engine([adef("PV", limit=10.0, latching=latch, suppression=suppressed_by("UNIT"))], clock)
    eng.evaluate({"PV": tv(0.0, clock.now), "UNIT": tv(2, clock.now)})
    rec = eng.records["PV.H"]
    ref = Reference(latch)
    for ev in events:
        clock.advance(1)
        if ev in ("activate", "clear"):
            eng.evaluate({"PV": tv(20.0 if ev == "activate" else 0.0, clock.now)})
        elif ev == "ack":
            eng.ack(["PV.H"], "op1")
        elif ev == "shelve_timed":
            eng.shelve("PV.H", "op1", "test", duration_s=600)
        elif ev == "shelve_oneshot":
            eng.shelve("PV.H", "op1", "test", duration_s=None)
        elif ev == "unshelve":
            eng.unshelve("PV.H", "op1")
        elif ev == "expire":
            if rec.shelve_until is not None:
                clock.now = rec.shelve_until
            eng.tick()
        elif ev in ("suppress", "unsuppress"):
            eng.evaluate({"UNIT": tv(0 if ev == "suppress" else 2, clock.now)})
        elif ev == "oos":
            eng.set_out_of_service("PV.H", "tech", "calibration", True)
        elif ev == "in_service":
            eng.set_out_of_service("PV.H", "tech", "done", False)
        ref.step(ev)
        assert rec.state is ref.state(), f"after {ev}: engine {rec.state}, reference {ref.state()}"
        assert rec.condition == ref.cond


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=80.0, max_value=120.0), min_size=1, max_size=40),
       st.sampled_from([0.0, 0.5, 5.0]), st.booleans())
def test_deadband_against_a_reference_hysteresis(values: list[float], deadband: float, high: bool) -> None:
    from app.alarms.definitions import AlarmType

    clock = Clock()
    kind = AlarmType.H if high else AlarmType.L
    eng = engine([adef("PV", kind, limit=100.0, deadband=deadband)], clock)
    rec = eng.records[f"PV.{kind.value}"]
    active = False
    for v in values:
        clock.advance(1)
        eng.evaluate({"PV": tv(v, clock.now)})
        x, limit = (v, 100.0) if high else (-v, -100.0)
        active = x > limit - deadband if active else x > limit
        assert rec.condition == active
