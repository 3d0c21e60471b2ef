"""An untrusted OPC UA server certificate, shown with its SHA-256 thumbprint for an
administrator to trust or reject. Nothing is accepted silently: "Decide later" keeps the
connection refused.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPushButton, QWidget

from app.security import permissions as perms
from app.security.session import PermissionDenied, Session
from app.security.trust import CertificateInfo, TrustStore, pretty_thumbprint
from widgets.login_dialog import _Form

THUMB_STYLE = "font-family: monospace; font-size: 11pt; background: #d8d8d8; border: 1px solid #9a9a9a; padding: 6px;"


class CertificateTrustDialog(_Form):
    """Trust / Reject / Decide later for one pending server certificate."""

    def __init__(self, trust: TrustStore, session: Session, cert: CertificateInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trust = trust
        self.session = session
        self.cert = cert
        self.decision = ""
        self.setWindowTitle(self.tr("Crucible - server certificate"))
        self.header.setText(self.tr("Untrusted OPC UA server certificate"))
        self.hint.setText(self.tr(
            "The server {endpoint} presented a certificate that is not trusted yet. Compare the thumbprint "
            "with the one the server's administrator gives you before trusting it.").format(endpoint=cert.endpoint or "-"))
        self.form.addRow(self.tr("Subject"), QLabel(cert.subject))
        thumb = QLabel(pretty_thumbprint(cert.thumbprint))
        thumb.setWordWrap(True)
        thumb.setStyleSheet(THUMB_STYLE)
        self.form.addRow(self.tr("SHA-256"), thumb)
        self.buttons.clear()
        self.trust_button = QPushButton(self.tr("Trust"))
        self.reject_button = QPushButton(self.tr("Reject"))
        self.later_button = QPushButton(self.tr("Decide later"))
        self.buttons.addButton(self.trust_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.reject_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.buttons.addButton(self.later_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.reject_button.clicked.connect(self._on_reject_clicked)
        self.later_button.setDefault(True)

    def decide(self, trusted: bool) -> bool:
        """Record the decision (needs the change-settings permission); False with a message if refused."""
        try:
            self.session.require(perms.CHANGE_SETTINGS, self.cert.subject)
        except PermissionDenied as exc:
            self.show_error(str(exc))
            return False
        self.trust.decide(self.cert.thumbprint, trusted, self.session.username)
        self.decision = "trusted" if trusted else "rejected"
        return True

    def attempt(self) -> bool:
        return self.decide(True)

    def _on_reject_clicked(self) -> None:
        if self.decide(False):
            self.accept()
