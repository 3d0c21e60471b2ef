"""Compatibility: the OS-keyring secrets live in :mod:`app.core.secrets` (the database layer
and the drivers need them, and they must not depend on the security module)."""

from __future__ import annotations

from app.core.secrets import (
    KNOWN_SECRETS,
    SERVICE,
    SecretsUnavailable,
    backend_name,
    delete_secret,
    get_secret,
    list_secrets,
    set_secret,
)

__all__ = ["KNOWN_SECRETS", "SERVICE", "SecretsUnavailable", "backend_name", "delete_secret", "get_secret", "list_secrets", "set_secret"]
