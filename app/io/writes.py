"""The one path every write takes: permission -> limits -> write -> read-back -> audit.

Screens, the CLI and scripts all call :meth:`WritePath.write`; nothing writes to a driver
directly. Each call returns a :class:`WriteResult` that says plainly what happened.

"Confirmed" is honest: the driver's immediate read-back may only echo what was written (a
server stores the value; the controller then clamps or reverts it on its next scan). So the
write path waits one device scan (:attr:`WritePath.confirm_delay_s`, longer for a slowly
sampled tag) and compares the newest value the device produced after the write — within the
tag's deadband — with what was asked; a clamped or reverted value is reported as
"not done: the device holds 33000".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from app.core.store import TagStore
from app.core.tags import DataType, TagDef, TagValue, utcnow

log = logging.getLogger(__name__)

class WriteDriver(Protocol):
    """What a driver offers the write path."""

    async def write_value(self, tag: TagDef, value: float | int | bool) -> float | int | bool | None:
        """Write and return the value read back from the device (None if it cannot read back)."""
        ...

@dataclass(frozen=True)
class WriteRequest:
    tag: str
    value: float | int | bool
    user: str = ""
    console: str = ""
    reason: str = ""
    second_user: str = ""  # the second person of a two-person (critical) write

@dataclass(frozen=True)
class WriteResult:
    ok: bool
    tag: str
    old: object
    new: object
    read_back: object = None
    message: str = ""
    when: datetime = field(default_factory=utcnow)

PermissionHook = Callable[[WriteRequest, TagDef], str | None]  # returns a refusal, or None
AuditHook = Callable[[WriteRequest, WriteResult], None]

class WriteError(Exception):
    """A driver-level failure of a write; the message is shown to the user."""

class WritePath:
    """Checks, performs and records writes; see the module docstring."""

    def __init__(
        self,
        store: TagStore,
        drivers: dict[str, WriteDriver],
        permission: PermissionHook | None = None,
        audit: AuditHook | None = None,
        read_back_timeout_s: float = 5.0,
        confirm_delay_s: float = 1.0,
    ) -> None:
        self.read_back_timeout_s = read_back_timeout_s
        self.confirm_delay_s = confirm_delay_s
        self.store = store
        self.drivers = drivers  # connection name -> driver
        self.permission = permission
        self.audit_hooks: list[AuditHook] = [audit] if audit else []

    def check(self, request: WriteRequest) -> tuple[TagDef | None, str]:
        """The tag and '' when the request may go ahead, else a message saying why not."""
        tag = self.store.definitions.get(request.tag)
        if tag is None:
            return None, f"{request.tag}: no such tag"
        if not tag.writable:
            return tag, f"{tag.name} is read-only"
        if tag.data_type is not DataType.BOOL:
            try:
                value = float(request.value)
            except (TypeError, ValueError):
                return tag, f"{tag.name}: {request.value!r} is not a number"
            low = tag.write_low if tag.write_low is not None else tag.eu_low
            high = tag.write_high if tag.write_high is not None else tag.eu_high
            if not low <= value <= high:
                return tag, (
                    f"{tag.name}: {value:g} {tag.eng_unit} is outside the allowed range "
                    f"{low:g} to {high:g} {tag.eng_unit}".replace("  ", " ")
                )
            if tag.max_step is not None:
                step_refusal = self._check_step(tag, value)
                if step_refusal:
                    return tag, step_refusal
        condition_refusal = self._check_condition(tag)
        if condition_refusal:
            return tag, condition_refusal
        if self.permission is not None:
            refusal = self.permission(request, tag)
            if refusal:
                return tag, refusal
        return tag, ""

    def _check_condition(self, tag: TagDef) -> str:
        """'' when the tag's ``write_when`` state holds (e.g. an output only in MANUAL)."""
        unmet = unmet_condition(tag, self.store)
        if unmet is None:
            return ""
        state_tag, state, shown = unmet
        now = f"it is {shown}" if shown else "its present state is not known"
        return f"{tag.name} may be written only while {state_tag} is {state}; {now}"

    def _check_step(self, tag: TagDef, value: float) -> str:
        """Rate-of-change: one write may move the tag by at most ``tag.max_step``."""
        current = self.store.get(tag.name)
        unit = f" {tag.eng_unit}" if tag.eng_unit else ""
        if current is None or not current.is_good or isinstance(current.value, str | None):
            return f"{tag.name}: the present value is not known, so a step of at most {tag.max_step:g}{unit} cannot be checked"
        step = abs(value - float(current.value))
        if tag.max_step is not None and step > tag.max_step:
            return (
                f"{tag.name}: {value:g}{unit} is {step:g}{unit} away from the present "
                f"{float(current.value):g}{unit}, more than the allowed step of {tag.max_step:g}{unit}"
            )
        return ""

    async def write(self, request: WriteRequest) -> WriteResult:
        old_value = self.store.get(request.tag)
        old = old_value.value if old_value else None
        tag, refusal = self.check(request)
        if tag is None or refusal:
            return self._finish(request, WriteResult(False, request.tag, old, request.value, message=refusal))
        connection = tag.address.split("://", 1)[1].split("/", 1)[0]
        driver = self.drivers.get(connection)
        if driver is None:
            return self._finish(
                request, WriteResult(False, tag.name, old, request.value, message=f"{tag.name}: connection {connection!r} is not available")
            )
        arrived: list[object] = []
        listening = [False]

        def on_batch(batch: Mapping[str, TagValue]) -> None:  # values the device produced after the write
            value = batch.get(tag.name)
            if listening[0] and value is not None and value.is_good and value.value is not None:
                arrived.append(value.value)

        task = asyncio.ensure_future(driver.write_value(tag, request.value))
        done, _ = await asyncio.wait({task}, timeout=self.read_back_timeout_s)
        if not done:
            task.cancel()
            with contextlib.suppress(BaseException):  # whatever the driver ends with: it is too late
                await task
            message = (
                f"{tag.name}: no read-back confirmation within {self.read_back_timeout_s:g} s; "
                "the write may or may not have reached the device - check the value"
            )
            return self._finish(request, WriteResult(False, tag.name, old, request.value, message=message))
        try:
            read_back = task.result()
        except WriteError as exc:
            return self._finish(request, WriteResult(False, tag.name, old, request.value, message=str(exc)))
        except Exception as exc:  # noqa: BLE001 - never a silent or unexplained failure
            log.exception("write of %s failed", tag.name)
            message = f"{tag.name}: the write failed ({type(exc).__name__}: {exc})"
            return self._finish(request, WriteResult(False, tag.name, old, request.value, message=message))
        if read_back is None:
            message = f"{tag.name}: written, but the device gave no read-back"
            return self._finish(request, WriteResult(False, tag.name, old, request.value, None, message))
        if not _same(read_back, request.value, tag.deadband):
            message = f"{tag.name}: wrote {request.value!r} but the device reads back {read_back!r}"
            return self._finish(request, WriteResult(False, tag.name, old, request.value, read_back, message))
        # Wait one device scan and take the newest value it produced since: an echo of the
        # write is not a confirmation if the controller reverts it on its next cycle.
        self.store.batch_applied.connect(on_batch)
        listening[0] = True
        try:
            await asyncio.sleep(max(self.confirm_delay_s, 2.0 * tag.sampling_ms / 1000.0))
        finally:
            self.store.batch_applied.disconnect(on_batch)
        held: Any = arrived[-1] if arrived else read_back
        if not _same(held, request.value, tag.deadband):
            shown = tag.format_value(held) if not isinstance(held, str) else held
            unit = f" {tag.eng_unit}" if tag.eng_unit else ""
            message = f"{tag.name}: not done: the device holds {shown}{unit} (asked for {tag.format_value(request.value)}{unit})"
            return self._finish(request, WriteResult(False, tag.name, old, request.value, held, message))
        read_back = held
        shown = tag.format_value(read_back)
        message = f"{tag.name} = {shown} {tag.eng_unit}".rstrip() + " (confirmed by read-back)"
        return self._finish(request, WriteResult(True, tag.name, old, request.value, read_back, message))

    def _finish(self, request: WriteRequest, result: WriteResult) -> WriteResult:
        log.info("write %s by %s: %s", request.tag, request.user or "?", result.message)
        for hook in self.audit_hooks:
            try:
                hook(request, result)
            except Exception:  # noqa: BLE001 - an audit failure is logged, never hides the result
                log.exception("audit hook failed for a write of %s", request.tag)
        return result

def unmet_condition(tag: TagDef, store: TagStore) -> tuple[str, str, str] | None:
    """None when ``tag`` may be written as far as its ``write_when`` goes; else (state tag,
    required state, present state or '' when not known)."""
    condition = tag.write_condition()
    if condition is None:
        return None
    state_tag, state = condition
    definition = store.definitions.get(state_tag)
    current = store.get(state_tag)
    shown = definition.format_value(current.value) if definition and current and current.is_good else ""
    return None if shown == state else (state_tag, state, shown)


def _same(a: object, b: object, deadband: float = 0.0) -> bool:
    """``a`` equals ``b`` within the tag's deadband (and float rounding)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    try:
        return abs(float(a) - float(b)) <= max(deadband, 1e-6 * max(1.0, abs(float(b))))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return a == b

