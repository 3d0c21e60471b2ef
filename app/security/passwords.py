"""Salted, memory-hard password hashing with scrypt (hashlib, OpenSSL).

A stored hash reads ``scrypt$<n>$<r>$<p>$<salt b64>$<key b64>``; its own parameters are
kept with it, so raising the cost later does not lock anyone out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

DEFAULT_N = 2**15  # 32 MiB with r=8: memory-hard, ~0.1 s on a console PC
R = 8
P = 1
KEY_BYTES = 32


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES,
        maxmem=128 * r * n + 16 * 1024 * 1024,
    )


def hash_password(password: str, n: int = DEFAULT_N) -> str:
    """A new salted scrypt hash of ``password`` (cost ``n``, a power of two)."""
    if n < 2 or n & (n - 1):
        raise ValueError(f"scrypt cost n={n} must be a power of two")
    salt = os.urandom(16)
    key = _scrypt(password, salt, n, R, P)
    b64 = base64.b64encode
    return f"scrypt${n}${R}${P}${b64(salt).decode()}${b64(key).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored`` (constant-time compare)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)
