"""Render the login dialog, the two-person signature dialog and the Audit panel to docs/.

Run: xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tools/security_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    os.environ["CRUCIBLE_DATA_DIR"] = str(tmp / "data")
    os.environ["CRUCIBLE_CONFIG_DIR"] = str(tmp / "config")
    os.environ["CRUCIBLE_SCRYPT_N"] = "1024"
    from PySide6.QtWidgets import QApplication

    from app.core.layout import DEFAULT_LAYOUT, load_layout
    from app.core.settings import load_settings
    from app.security import audit as au
    from app.security.context import build_security
    from app.security.users import SecurityError
    from widgets.audit_panel import AuditPanel
    from widgets.login_dialog import LoginDialog
    from widgets.signature_dialog import SignatureDialog
    from widgets.theme import apply_theme

    app = QApplication(sys.argv)
    apply_theme(app)
    settings = load_settings()
    settings.console_name = "CR-01"
    sec = build_security(settings)
    users, session = sec.users, sec.session
    users.add_user("admin", "admin-pass-1", ["administrator"], "Plant administrator", "first-run")
    users.add_user("wang.li", "furnace-42", ["operator"], "Wang Li", "admin")
    users.add_user("chen.ming", "converter-7", ["shift_lead"], "Chen Ming", "admin")
    layout = load_layout(DEFAULT_LAYOUT)
    docs = ROOT / "docs"

    login = LoginDialog(session)
    login.user_field.setText("wang.li")
    login.password_field.setText("wrong")
    login.attempt()
    login.password_field.setText("xxxxxxxx")
    login.show()
    app.processEvents()
    login.grab().save(str(docs / "security_login.png"))
    login.close()

    session.login("wang.li", "furnace-42")
    tag = layout.tags["SMF.O2_ENR_SP"]
    sign = SignatureDialog(session, tag, 70.0, 65.0)
    sign.password_field.setText("furnace-42")
    sign.second_user_field.setText("chen.ming")
    sign.second_password_field.setText("xxxxxxxx")
    sign.reason_field.setText("Raise matte grade to 62 % per shift plan")
    sign.show()
    app.processEvents()
    sign.grab().save(str(docs / "security_two_person.png"))
    sign.close()

    # a plausible trail for the Audit panel
    sig = session.sign_critical("write_setpoint:SMF", tag.name, 70.0, "furnace-42", "chen.ming",
                                "converter-7", "Raise matte grade to 62 % per shift plan")
    sec.audit.record(au.WRITE, "setpoint_write", user="wang.li", target=tag.name, old=65.0, new=70.0,
                     second_user=sig.second_user, reason=sig.reason, detail=f"{tag.name} = 70.0 vol % (confirmed by read-back)")
    sec.audit.record(au.ALARM, "acknowledge", user="wang.li", target="SMF.T_PROC.HI", detail="Matte temperature high")
    sec.audit.record(au.ALARM, "shelve", user="wang.li", target="PSC2.P_HOOD.LO", reason="transmitter under repair",
                     detail="shelved 60 min")
    sec.audit.record(au.WRITE, "setpoint_write", au.FAILURE, user="wang.li", target="PSC2.BLAST_SP", old=33000, new=90000,
                     detail="PSC2.BLAST_SP: 90000 Nm³/h is outside the allowed range 20000 to 45000 Nm³/h")
    sec.audit.record(au.COMMAND, "command", user="wang.li", target="WT.P2.CMD", old=False, new=True,
                     detail="WT.P2.CMD = On (confirmed by read-back)")
    session.lock("inactivity")
    try:
        session.unlock("furnace-41")
    except SecurityError:
        pass
    session.unlock("furnace-42")
    session.switch_user("chen.ming", "converter-7")
    panel = AuditPanel(sec.audit, session)
    panel.resize(1500, 520)
    panel.show()
    panel.fit_columns()
    app.processEvents()
    panel.grab().save(str(docs / "security_audit_panel.png"))
    panel.teardown()
    sec.close()
    print("written:", *(p.name for p in sorted(docs.glob("security_*.png"))))


if __name__ == "__main__":
    main()
