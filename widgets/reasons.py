"""Reasons from the services (:class:`app.core.reasons.Reason`) in the user's language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from widgets.i18n import QT_TRANSLATE_NOOP

CONTEXT = "Reasons"

# Every template the services raise (tests/widgets/test_reasons.py checks that none is missing
# here and that each has its Chinese translation).
TEMPLATES = (
    QT_TRANSLATE_NOOP("Reasons", "an I-MR chart needs at least 2 baseline points, got {n}"),
    QT_TRANSLATE_NOOP("Reasons", "the baseline points are all equal: sigma would be zero"),
    QT_TRANSLATE_NOOP("Reasons", "subgroup size {size} is not between 2 and 10"),
    QT_TRANSLATE_NOOP("Reasons", "an X̄-R chart needs at least 2 baseline subgroups, got {m}"),
    QT_TRANSLATE_NOOP("Reasons", "the baseline subgroups have no spread: sigma would be zero"),
    QT_TRANSLATE_NOOP("Reasons", "fewer points ({n}) than one subgroup of {subgroup}"),
    QT_TRANSLATE_NOOP("Reasons", "limits need a centre and a positive sigma, got {centre}, {sigma}"),
    QT_TRANSLATE_NOOP("Reasons", "a forecast needs at least {need} past days with energy and production, got {got}"),
)


def reason_text(error: BaseException | str) -> str:
    """One line for a status text: a service's reason translated with its values filled in,
    any other error's first line (its type's name when it has no message)."""
    if isinstance(error, str):
        return error
    template, params = getattr(error, "template", None), getattr(error, "params", None)
    if isinstance(template, str) and isinstance(params, dict):
        text = QCoreApplication.translate(CONTEXT, template)
        if not params:
            return text
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
            return str(error)
    text = str(error)
    return text.splitlines()[0] if text else type(error).__name__
