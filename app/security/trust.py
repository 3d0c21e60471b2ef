"""The OPC UA server-certificate trust list, shared through the database.

A server certificate seen for the first time is stored as *pending* with its SHA-256
thumbprint and is **not** accepted: an administrator trusts or rejects it (GUI or
``crucible certs trust/reject``). The I/O layer calls :meth:`TrustStore.require_trusted`
before it opens a secure channel.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session as DbSession

from app.core.tags import utcnow
from app.security import audit as au
from app.security.audit import AuditTrail
from app.security.models import TrustedCertificate

PENDING = "pending"
TRUSTED = "trusted"
REJECTED = "rejected"


class UntrustedCertificate(Exception):
    """A server certificate that is not (yet) trusted; the message shows its thumbprint."""

    def __init__(self, message: str, thumbprint: str, status: str) -> None:
        super().__init__(message)
        self.thumbprint = thumbprint
        self.status = status


def thumbprint(der: bytes) -> str:
    """SHA-256 of the DER certificate, lower-case hex (64 characters)."""
    return hashlib.sha256(der).hexdigest()


def pretty_thumbprint(value: str) -> str:
    """``AB:CD:...`` as certificate dialogs show it."""
    return ":".join(value[i:i + 2] for i in range(0, len(value), 2)).upper()


def subject_of(der: bytes) -> str:
    from cryptography import x509

    try:
        return x509.load_der_x509_certificate(der).subject.rfc4514_string()
    except ValueError:
        return "(unreadable certificate)"


@dataclass(frozen=True)
class CertificateInfo:
    thumbprint: str
    subject: str
    endpoint: str
    status: str
    first_seen: datetime
    decided_by: str


class TrustStore:
    """Trust decisions for OPC UA server certificates."""

    def __init__(self, engine: Engine, audit: AuditTrail) -> None:
        self.engine = engine
        self.audit = audit

    def status(self, der: bytes, endpoint: str = "") -> str:
        """trusted / rejected / pending; a new certificate is recorded as pending (audited)."""
        tp = thumbprint(der)
        with DbSession(self.engine) as db, db.begin():
            row = db.get(TrustedCertificate, tp)
            if row is not None:
                return row.status
            subject = subject_of(der)
            db.add(TrustedCertificate(thumbprint=tp, subject=subject, endpoint=endpoint, status=PENDING,
                                      der=der, first_seen=utcnow()))
        self.audit.record(au.CONFIG, "certificate_seen", au.REFUSED, target=endpoint or subject,
                          new=pretty_thumbprint(tp), detail=f"untrusted server certificate {subject}: waiting for an administrator")
        return PENDING

    def require_trusted(self, der: bytes, endpoint: str = "") -> None:
        """Return when trusted; else raise :class:`UntrustedCertificate` saying what to do."""
        state = self.status(der, endpoint)
        if state == TRUSTED:
            return
        tp = thumbprint(der)
        if state == REJECTED:
            message = f"{endpoint}: the server certificate (SHA-256 {pretty_thumbprint(tp)}) was rejected by an administrator"
        else:
            message = (f"{endpoint}: the server certificate {subject_of(der)} is not trusted yet "
                       f"(SHA-256 {pretty_thumbprint(tp)}); an administrator must check the thumbprint "
                       f"and trust it: crucible certs trust {tp[:16]}")
        raise UntrustedCertificate(message, tp, state)

    def decide(self, prefix: str, trusted: bool, actor: str = "") -> CertificateInfo:
        """Trust or reject the certificate whose thumbprint starts with ``prefix`` (audited)."""
        prefix = prefix.replace(":", "").lower()
        if len(prefix) < 8:
            raise ValueError("give at least 8 hex digits of the thumbprint")
        with DbSession(self.engine) as db, db.begin():
            rows = list(db.execute(select(TrustedCertificate).where(TrustedCertificate.thumbprint.startswith(prefix))).scalars())
            if len(rows) != 1:
                raise ValueError(f"{len(rows)} certificates match {prefix!r}; give more of the thumbprint")
            row = rows[0]
            old = row.status
            row.status = TRUSTED if trusted else REJECTED
            row.decided_by, row.decided_at = actor, utcnow()
            info = CertificateInfo(row.thumbprint, row.subject, row.endpoint, row.status, row.first_seen, actor)
        self.audit.record(au.CONFIG, "certificate_trust" if trusted else "certificate_reject", user=actor,
                          target=info.subject, old=old, new=pretty_thumbprint(info.thumbprint))
        return info

    def add_trusted(self, der: bytes, actor: str = "", endpoint: str = "") -> str:
        """Trust a certificate file an administrator brought (``crucible certs trust --file``)."""
        self.status(der, endpoint)
        return self.decide(thumbprint(der), True, actor).thumbprint

    def list(self, status: str | None = None) -> list[CertificateInfo]:
        query = select(TrustedCertificate).order_by(TrustedCertificate.first_seen)
        if status:
            query = query.where(TrustedCertificate.status == status)
        with DbSession(self.engine) as db:
            return [CertificateInfo(r.thumbprint, r.subject, r.endpoint, r.status, r.first_seen, r.decided_by)
                    for r in db.execute(query).scalars()]


def layout_security_warnings(connections: dict[str, object]) -> list[str]:
    """Warnings for ``crucible validate``: a secured OPC UA connection with no trust list.

    Such a connection refuses every server (deny by default) unless an administrator trusts
    the server's certificate in the plant trust list; say so before it surprises anyone.
    """
    warnings: list[str] = []
    for name, conn in connections.items():
        options = getattr(conn, "options", {}) or {}
        security = options.get("security") if isinstance(options, dict) else None
        if getattr(conn, "protocol", "") == "opcua" and isinstance(security, dict) and not security.get("trust_list"):
            warnings.append(
                f"warning: connection {name!r} is secured but has no trust_list: every server certificate is "
                "refused until an administrator trusts it (crucible certs trust), or add trust_list: <folder>"
            )
    return warnings
