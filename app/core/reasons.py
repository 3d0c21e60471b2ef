"""Reasons a service gives a user, translatable where they are shown.

Services (no Qt below ``widgets/``) raise :class:`Reason` errors with an English template and
its values: CLIs and logs print the English text; a panel translates the template
(``widgets/reasons.py``, Simplified Chinese in the translation files) and fills in the values.
"""

from __future__ import annotations


class Reason(ValueError):
    """An error whose message is ``template.format(**params)``; ``template`` is the English
    text translators see (the values keep their names: ``{n}``, ``{need}``). Without values the
    text is taken as it is (a message built from user input may hold braces)."""

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template.format(**params) if params else template)
