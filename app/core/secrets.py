"""Secrets live in the OS keyring, never in a file.

Every secret is stored under the keyring service ``crucible`` with a name such as
``db/<host>/<user>``, ``opcua/<connection>/password`` or ``opcua/<connection>/key-passphrase``.
When no usable keyring backend exists, :class:`SecretsUnavailable` says what to install —
Crucible never falls back to plaintext.
"""

from __future__ import annotations

import json
import os

SERVICE = "crucible"
INDEX_NAME = "_names"  # the names (never the values) of the secrets Crucible stored
KNOWN_SECRETS: dict[str, str] = {
    "db/<host>/<user>": "password of the historian database user (PostgreSQL)",
    "opcua/<connection>/username": "OPC UA user name of a connection",
    "opcua/<connection>/password": "OPC UA password of a connection",
    "opcua/client/key-passphrase": "passphrase of the client certificate's private key",
}
NO_BACKEND_HELP = (
    "No usable OS keyring was found. Install and unlock one (GNOME Keyring / KWallet via the "
    "'secretstorage' or 'dbus-python' packages on Linux, Credential Manager on Windows), or, on a "
    "headless console, choose an encrypted file keyring: pip install keyrings.cryptfile and set "
    "PYTHON_KEYRING_BACKEND=keyrings.cryptfile.cryptfile.CryptFileKeyring."
)


class SecretsUnavailable(RuntimeError):
    """No keyring backend can store or return secrets here."""


def _keyring():  # type: ignore[no-untyped-def]
    """The keyring module, once we know its backend really keeps secrets safe."""
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        raise SecretsUnavailable(NO_BACKEND_HELP)
    # keyrings.alt's PlaintextKeyring writes secrets in clear text: only when chosen on purpose.
    if "Plaintext" in type(backend).__name__ and not os.environ.get("PYTHON_KEYRING_BACKEND"):
        raise SecretsUnavailable(
            f"The only keyring found ({type(backend).__module__}.{type(backend).__name__}) stores secrets "
            f"in plain text. {NO_BACKEND_HELP}"
        )
    return keyring


def get_secret(name: str) -> str | None:
    """The secret ``name``, or None when it was never set."""
    keyring = _keyring()
    try:
        return keyring.get_password(SERVICE, name)
    except keyring.errors.KeyringError as exc:
        raise SecretsUnavailable(f"{NO_BACKEND_HELP} ({exc})") from None


def set_secret(name: str, value: str) -> None:
    """Store ``value`` under ``name`` (and remember the name for ``crucible secrets list``)."""
    _check_name(name)
    keyring = _keyring()
    try:
        keyring.set_password(SERVICE, name, value)
        names = set(_names(keyring)) | {name}
        keyring.set_password(SERVICE, INDEX_NAME, json.dumps(sorted(names)))
    except keyring.errors.KeyringError as exc:
        raise SecretsUnavailable(f"{NO_BACKEND_HELP} ({exc})") from None


def delete_secret(name: str) -> bool:
    """Remove ``name``; False when it was not set."""
    _check_name(name)
    keyring = _keyring()
    try:
        try:
            keyring.delete_password(SERVICE, name)
            found = True
        except keyring.errors.PasswordDeleteError:
            found = False
        names = set(_names(keyring)) - {name}
        keyring.set_password(SERVICE, INDEX_NAME, json.dumps(sorted(names)))
    except keyring.errors.KeyringError as exc:
        raise SecretsUnavailable(f"{NO_BACKEND_HELP} ({exc})") from None
    return found


def list_secrets() -> list[tuple[str, bool]]:
    """The names Crucible stored, each with whether a value is still present (values never)."""
    keyring = _keyring()
    try:
        return [(name, keyring.get_password(SERVICE, name) is not None) for name in _names(keyring)]
    except keyring.errors.KeyringError as exc:
        raise SecretsUnavailable(f"{NO_BACKEND_HELP} ({exc})") from None


def backend_name() -> str:
    """Which keyring backend holds the secrets (for ``crucible secrets list``)."""
    backend = _keyring().get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def _names(keyring) -> list[str]:  # type: ignore[no-untyped-def]
    raw = keyring.get_password(SERVICE, INDEX_NAME)
    try:
        names = json.loads(raw) if raw else []
    except ValueError:
        names = []
    return [n for n in names if isinstance(n, str)]


def _check_name(name: str) -> None:
    if not name or name == INDEX_NAME or any(c.isspace() for c in name):
        raise ValueError(f"{name!r} is not a usable secret name (e.g. opcua/sim/password)")
