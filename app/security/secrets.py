"""Secrets live in the OS keyring, never in a file.

Every secret is stored under the keyring service ``crucible`` with a name such as
``db/<host>/<user>``, ``opcua/<connection>/password`` or ``opcua/<connection>/key-passphrase``.
When no usable keyring backend exists, :class:`SecretsUnavailable` says what to install —
Crucible never falls back to plaintext.
"""

from __future__ import annotations

import os

SERVICE = "crucible"
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
    keyring = _keyring()
    try:
        keyring.set_password(SERVICE, name, value)
    except keyring.errors.KeyringError as exc:
        raise SecretsUnavailable(f"{NO_BACKEND_HELP} ({exc})") from None
