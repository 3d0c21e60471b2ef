"""The client's OPC UA application instance certificate (``crucible certs create``).

RSA 2048 / SHA-256, with the application URI in subjectAltName as OPC UA Part 6 requires,
usable with the Basic256Sha256 and Aes128/Aes256 RSA-OAEP/PSS policies. The private key is
encrypted with a passphrase kept in the keyring (``opcua/client/key-passphrase``).
"""

from __future__ import annotations

import datetime as dt
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from app.security.trust import pretty_thumbprint, thumbprint

KEY_PASSPHRASE_SECRET = "opcua/client/key-passphrase"


@dataclass(frozen=True)
class CreatedCertificate:
    cert_path: Path
    key_path: Path
    thumbprint: str
    application_uri: str


def create_client_certificate(
    folder: Path,
    passphrase: str | None,
    application_uri: str | None = None,
    hostname: str | None = None,
    days: int = 825,
    overwrite: bool = False,
) -> CreatedCertificate:
    """Write ``client_cert.der`` and ``client_key.pem`` into ``folder``.

    ``passphrase`` encrypts the key (None only when the operator asked for no passphrase).
    """
    hostname = hostname or socket.gethostname()
    application_uri = application_uri or f"urn:{hostname}:crucible:client"
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "client_cert.der", folder / "client_key.pem"
    if not overwrite and (cert_path.exists() or key_path.exists()):
        raise FileExistsError(f"{cert_path} already exists; use --force to replace it (servers must then trust the new one)")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, f"Crucible HMI @ {hostname}"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Crucible"),
    ])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([
            x509.UniformResourceIdentifier(application_uri), x509.DNSName(hostname)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=True, data_encipherment=True,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False),
            critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    cert_path.write_bytes(der)
    key_path.touch(mode=0o600, exist_ok=True)
    key_path.chmod(0o600)
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    return CreatedCertificate(cert_path, key_path, thumbprint(der), application_uri)


def new_passphrase() -> str:
    return secrets.token_urlsafe(32)


def describe(created: CreatedCertificate) -> str:
    return (f"certificate {created.cert_path}\nprivate key {created.key_path}\n"
            f"application URI {created.application_uri}\nSHA-256 {pretty_thumbprint(created.thumbprint)}")
