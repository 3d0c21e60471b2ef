"""The setpoint card in force for a unit, as a PDF (reportlab, fonts embedded, EN or ZH)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from app.standards.cards import Card

TEXT = {
    "title": ("Setpoint card", "工艺参数标准卡"),
    "unit": ("Unit", "设备"), "mode": ("Operating mode", "工况"), "version": ("Version", "版本"),
    "status": ("Status", "状态"), "proposed": ("Proposed by", "提出人"), "approved": ("Approved by", "批准人"),
    "reason": ("Reason", "原因"), "reference": ("Reference", "依据"),
    "setpoint": ("Setpoint", "设定值"), "description": ("Description", "说明"), "low": ("Low", "下限"),
    "target": ("Target", "目标"), "high": ("High", "上限"), "grace": ("Grace (s)", "宽限(秒)"),
}


def card_pdf(card: Card, tags: Mapping[str, Any], language: str = "en", plant: str = "") -> bytes:
    """PDF bytes of ``card`` (blocking: build off the GUI thread)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from app.reports.fonts import fonts_for

    zh = language.startswith("zh")
    fonts = fonts_for(language)

    def t(key: str) -> str:
        return TEXT[key][1 if zh else 0]

    body = ParagraphStyle("body", fontName=fonts.regular, fontSize=10, leading=13)
    head = ParagraphStyle("head", fontName=fonts.bold, fontSize=15, leading=19)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=f"{t('title')} {card.unit}/{card.mode} v{card.version}")
    decided = f"{card.decided_by} {card.decided_at.astimezone():%Y-%m-%d %H:%M}" if card.decided_at else card.decided_by
    facts = [[t("unit"), card.unit], [t("mode"), card.mode], [t("version"), f"v{card.version}"],
             [t("status"), card.status], [t("proposed"), f"{card.proposed_by} {card.proposed_at.astimezone():%Y-%m-%d %H:%M}"],
             [t("approved"), decided], [t("reason"), Paragraph(card.reason, body)],
             [t("reference"), Paragraph(card.reference, body)]]
    rows = [[t("setpoint"), t("description"), t("low"), t("target"), t("high"), t("grace")]]
    for item in card.items:
        tag = tags.get(item.tag)
        desc = tag.description("zh_CN" if zh else "en") if tag is not None else ""
        eu = f" {tag.eng_unit}" if tag is not None and tag.eng_unit else ""
        rows.append([item.tag, Paragraph(desc, body), f"{item.low:g}{eu}", f"{item.target:g}{eu}", f"{item.high:g}{eu}",
                     f"{item.grace_s:g}"])
    style = [("FONTNAME", (0, 0), (-1, -1), fonts.regular), ("FONTSIZE", (0, 0), (-1, -1), 9.5),
             ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    story = [Paragraph(f"{plant} — {t('title')}" if plant else t("title"), head), Spacer(1, 4 * mm),
             Table(facts, colWidths=[40 * mm, 130 * mm], style=TableStyle(style)), Spacer(1, 6 * mm),
             Table(rows, colWidths=[36 * mm, 58 * mm, 20 * mm, 20 * mm, 20 * mm, 16 * mm], repeatRows=1,
                   style=TableStyle([*style, ("FONTNAME", (0, 0), (-1, 0), fonts.bold),
                                     ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e4e4"))]))]
    doc.build(story)
    return out.getvalue()
