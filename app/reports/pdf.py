"""The shift / day / month report as PDF bytes (reportlab), English or Chinese.

:func:`build_pdf` takes a :class:`~app.reports.shift_data.ReportData` and returns the bytes;
it runs headless (CLI, the service's worker thread, tests). Every piece of text — charts
included — is set in an embedded TrueType font (:mod:`app.reports.fonts`).
"""

from __future__ import annotations

import io
import threading
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from app.reports.fonts import fonts_for
from app.reports.shift_data import Gap, ReportData

# English, Chinese
TEXT: dict[str, tuple[str, str]] = {
    "shift_report": ("Shift report", "班报"),
    "day_report": ("Daily production report", "生产日报"),
    "month_report": ("Monthly production report", "生产月报"),
    "date": ("Production day", "生产日"),
    "month": ("Month", "月份"),
    "shift": ("Shift", "班次"),
    "crew": ("Crew", "班组"),
    "period": ("Period", "时段"),
    "outgoing": ("Outgoing shift lead", "交班值班长"),
    "incoming": ("Incoming shift lead", "接班值班长"),
    "manager": ("Production manager", "生产经理"),
    "generated": ("Generated", "生成时间"),
    "holiday": ("Holiday: no production plan", "节假日:无生产计划"),
    "partial": ("Period still running: figures up to", "时段尚未结束:数据截至"),
    "coverage": ("History", "历史数据"),
    "complete": ("complete for the whole period", "整个时段完整"),
    "no_data": ("no data", "无数据"),
    "production": ("Production against plan", "产量与计划对比"),
    "item": ("Item", "项目"),
    "actual": ("Actual", "实际"),
    "plan": ("Plan", "计划"),
    "pct_plan": ("% of plan", "完成率 %"),
    "notes": ("Notes", "备注"),
    "figures": ("Key process figures", "主要工艺指标"),
    "figure": ("Figure", "指标"),
    "unit": ("Unit", "单位"),
    "min": ("Min", "最小"),
    "avg": ("Avg", "平均"),
    "max": ("Max", "最大"),
    "converter_cycles": ("Converter cycles completed", "转炉完成炉次"),
    "permit": ("permit", "排放限值"),
    "min_over": ("min over permit", "分钟超限"),
    "energy": ("Energy", "能耗"),
    "area": ("Area", "区域"),
    "kwh": ("kWh", "千瓦时"),
    "kwh_t": ("kWh/t", "千瓦时/吨"),
    "per_t_of": ("per t of", "按产品"),
    "total": ("Plant total", "全厂合计"),
    "per_t_cathode": ("per t cathode", "每吨阴极铜"),
    "alarms": ("Alarms (EEMUA 191)", "报警统计(EEMUA 191)"),
    "annunciated": ("Alarms annunciated", "报警总数"),
    "per_10min": ("Average per 10 min", "平均每10分钟"),
    "max_10min": ("Most in 10 min", "10分钟内最多"),
    "by_priority": ("By priority", "按优先级"),
    "mix": ("{p} {n} ({pct} %, target {target} %)", "{p} {n}({pct}%,目标 {target}%)"),
    "high": ("high", "高"),
    "medium": ("medium", "中"),
    "low": ("low", "低"),
    "floods": ("Alarm floods", "报警泛滥"),
    "flood_line": ("{start}–{end}, peak {peak} per 10 min, {n} alarms", "{start}–{end},峰值每10分钟{peak}条,共{n}条"),
    "none": ("none", "无"),
    "top10": ("Most frequent alarms", "最频繁报警"),
    "alarm": ("Alarm", "报警"),
    "count": ("Count", "次数"),
    "standing": ("Standing alarms at the end", "期末仍在报警"),
    "since": ("Active since", "起始时间"),
    "no_journal": ("no alarm journal available", "无报警记录"),
    "equipment": ("Equipment events", "设备事件"),
    "time": ("Time", "时间"),
    "equipment_unit": ("Equipment", "设备"),
    "event": ("Event", "事件"),
    "trip": ("trip", "跳车"),
    "out_of_service": ("out of service", "停用"),
    "in_service": ("back in service", "恢复运行"),
    "handover": ("Handover notes", "交接班记录"),
    "author": ("Author", "记录人"),
    "signed": ("signed by", "签字"),
    "acknowledged": ("acknowledged by", "确认"),
    "signatures": ("Signatures", "签字"),
    "item_out_of_service": ("out of service", "停用"),
    "item_work_order": ("work order", "工单"),
    "item_standing_alarm": ("standing alarm", "持续报警"),
    "item_shelved_alarm": ("shelved alarm", "搁置报警"),
    "item_safety": ("safety", "安全"),
    "item_note": ("note", "备注"),
    "name": ("Name", "姓名"),
    "signature": ("Signature", "签名"),
    "page": ("Page {n} of {total}", "第{n}页 共{total}页"),
    "chart_plan": ("Production, % of plan", "产量完成率(%)"),
    "chart_so2": ("Tail-gas SO2, hourly average (mg/m³) and permit", "尾气SO2小时均值(mg/m³)与排放限值"),
    "chart_so2_day": ("Tail-gas SO2, daily average (mg/m³) and permit", "尾气SO2日均值(mg/m³)与排放限值"),
    "shifts_of_day": ("Shifts", "班次"),
    "no_target": ("no plan", "无计划"),
    "covered": ("covered {h}", "有数据 {h}"),
    # energy from the energy module: standard coal per tonne of each route against its benchmark
    "factors": ("Conversion to standard coal", "折标准煤系数"),
    "kgce": ("kgce", "千克标准煤"),
    "route": ("Route", "工序"),
    "product_t": ("Product t", "产品 吨"),
    "kgce_t": ("kgce/t", "千克标煤/吨"),
    "benchmark": ("Benchmark", "限额"),
    "within": ("within", "达标"),
    "over": ("OVER", "超限"),
    "batch": ("batch: see the day", "批次生产:按日考核"),
    "benchmark_source": ("Benchmark source", "限额依据"),
    "dc_line": ("Tankhouse DC energy {v} kWh/t cathode (limit {limit}: {source})",
                "电解直流电耗 {v} 千瓦时/吨阴极铜(限值 {limit}:{source})"),
    "missing_meters": ("Meters without data", "无数据的计量表"),
    # the copper and sulphur account from the materials module
    "account": ("Copper and sulphur account", "铜硫平衡"),
    "element": ("Element", "元素"),
    "fed": ("Fed t", "投入 吨"),
    "products": ("Products t", "产出 吨"),
    "losses": ("Losses t", "损失 吨"),
    "stock_change": ("Stock change t", "在制品变化 吨"),
    "unaccounted": ("Unacc. t", "未计量 吨"),
    "unaccounted_pct": ("Unacc. %", "未计量 %"),
    "closes": ("Closes", "平衡"),
    "closes_yes": ("yes (limit ±{a} %)", "是(限值 ±{a}%)"),
    "closes_no": ("NO (limit ±{a} %)", "否(限值 ±{a}%)"),
    "copper": ("Copper", "铜"),
    "sulphur": ("Sulphur", "硫"),
    "terms": ("Terms (t)", "平衡项(吨)"),
    "in": ("in", "投入"),
    "out": ("out", "产出"),
    "loss": ("loss", "损失"),
    "stocks_note": ("Stock change over the {n} in-process stocks of the account (converters, ladles, anode furnaces, "
                    "anode yard, anodes and cathodes in the cells ...)",
                    "在制品变化含平衡范围内 {n} 项在制品库存(转炉、粗铜包、阳极炉、阳极板库、槽内阳极与阴极铜等)"),
    # SPC and grading from the quality module
    "quality": ("Quality: SPC and cathode grading", "质量:统计过程控制与阴极铜分级"),
    "spc_violations": ("Out-of-control points (Western Electric rules)", "失控点(西方电气判异规则)"),
    "characteristic": ("Characteristic", "质量特性"),
    "rule": ("Rule", "规则"),
    "value": ("Value", "数值"),
    "lot": ("Lot", "批次"),
    "offgrade": ("Cathode lots below No. 1 (GB/T 467)", "低于1号标准铜的阴极铜批次(GB/T 467)"),
    "grade": ("Grade", "等级"),
    "impurities": ("Impurities %", "杂质总和 %"),
    "cu_ag": ("Cu+Ag %", "铜+银 %"),
    "more": ("… and {n} more", "……另有 {n} 条"),
    "unavailable": ("not available: {why}", "无法提供:{why}"),
}

# The kgce factors' carriers and bases in Chinese (the layout keeps English names)
CARRIERS_ZH = {"electricity": "电力", "natural_gas": "天然气", "oil": "燃油", "oxygen": "氧气", "steam": "蒸汽",
               "compressed_air": "压缩空气", "water": "水", "coal": "煤"}
BASES_ZH = {"calorific equivalent": "当量值", "equivalent value": "等价值"}
TERMS_ZH = {"concentrate": "铜精矿", "cathode": "阴极铜", "liberator": "脱铜槽铜", "acid": "硫酸", "flotation tailings": "渣选尾矿",
            "dust": "烟尘", "tail gas and stacks": "尾气及烟囱", "slimes": "阳极泥"}
GRADES_ZH = {"off-grade": "不合格", "incomplete": "化验不全"}
RULES_ZH = {1: "1点超出3σ", 2: "连续3点中2点超出2σ(同侧)", 3: "连续5点中4点超出1σ(同侧)", 4: "连续8点在中心线同侧"}


class _T:
    def __init__(self, language: str) -> None:
        self.zh = language.startswith("zh")

    def __call__(self, key: str, **kw: Any) -> str:
        en, zh = TEXT[key]
        return (zh if self.zh else en).format(**kw)

    def name(self, en: str, zh: str) -> str:
        return zh if self.zh and zh else en


def fmt(v: float | None, decimals: int = 1) -> str:
    """Numbers as printed: thousands separators, fixed decimals; None -> an em dash."""
    if v is None or v != v:
        return "—"
    return f"{v:,.{decimals}f}"


_build_lock = threading.Lock()


def build_pdf(data: ReportData, language: str = "en") -> bytes:
    """The report as PDF bytes (one build at a time: chart defaults are process-wide)."""
    from reportlab.graphics import shapes

    fs = fonts_for(language)
    with _build_lock:
        # chart labels take their font from these defaults when created: ours, never Helvetica
        shapes.STATE_DEFAULTS["fontName"] = fs.regular
        return _build(data, language)


def _build(data: ReportData, language: str) -> bytes:
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing, Line, String
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    t = _T(language)
    fs = fonts_for(language)
    base = ParagraphStyle("base", fontName=fs.regular, fontSize=9, leading=12, alignment=TA_LEFT,
                          wordWrap="CJK" if t.zh else None)
    small = ParagraphStyle("small", parent=base, fontSize=8, leading=10)
    h1 = ParagraphStyle("h1", parent=base, fontName=fs.bold, fontSize=17, leading=22, spaceAfter=2)
    h2 = ParagraphStyle("h2", parent=base, fontName=fs.bold, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4,
                        keepWithNext=1)
    h3 = ParagraphStyle("h3", parent=base, fontName=fs.bold, fontSize=9.5, leading=13, spaceBefore=6, spaceAfter=2,
                        keepWithNext=1)
    grey = colors.HexColor("#555555")

    def p(text: str, style: ParagraphStyle = base) -> Paragraph:
        return Paragraph(escape(text), style)

    def local(ts: datetime, with_date: bool = False) -> str:
        lt = data.local(ts)
        return lt.strftime("%m-%d %H:%M") if with_date else lt.strftime("%H:%M")

    multi_day = (data.end - data.start).total_seconds() > 86400

    def gap_text(gaps: list[Gap]) -> str:
        if not gaps:
            return ""
        long_period = multi_day
        parts = [f"{t('no_data')} {local(g.start, long_period)}–{local(g.end, long_period)}" for g in gaps[:4]]
        if len(gaps) > 4:
            parts.append(f"(+{len(gaps) - 4})")
        return "; ".join(parts)

    def table(rows: list[list[Any]], widths: list[float], num_cols: tuple[int, ...] = (), header: bool = True) -> Table:
        tbl = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
        style = [
            ("FONTNAME", (0, 0), (-1, -1), fs.regular),
            ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ("LEADING", (0, 0), (-1, -1), 11),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#BBBBBB")),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        if header:
            style.append(("FONTNAME", (0, 0), (-1, 0), fs.bold))
        for c in num_cols:
            style.append(("ALIGN", (c, 0), (c, -1), "RIGHT"))
        tbl.setStyle(TableStyle(style))
        return tbl

    def item_text(item: tuple[str, str] | str) -> str:
        """A structured handover item (kind, text) with its kind in the report's language."""
        if isinstance(item, str):
            return item
        kind, text = item
        key = f"item_{kind}"
        return f"{t(key) if key in TEXT else kind}: {text}"

    numbered = [0]

    def sec(key: str) -> str:
        """The next section's numbered title (sections a module does not supply are left out)."""
        numbered[0] += 1
        return f"{numbered[0]}  {t(key)}"

    story: list[Any] = []
    # --- cover -------------------------------------------------------------------------
    title_key = {"shift": "shift_report", "day": "day_report", "month": "month_report"}[data.kind]
    story.append(p(t.name(data.plant_en, data.plant_zh), ParagraphStyle("plant", parent=base, fontSize=10, textColor=grey)))
    story.append(p(t(title_key), h1))
    start_l, end_l = data.local(data.start), data.local(data.end)
    period = f"{start_l:%Y-%m-%d %H:%M} – {end_l:%Y-%m-%d %H:%M} ({data.tz_name})"
    cover: list[list[Any]] = []
    if data.kind == "month":
        cover.append([p(t("month")), p(data.label)])
    else:
        cover.append([p(t("date")), p(data.day.isoformat())])
    if data.kind == "shift":
        shift_name = t.name(data.shift_name_en, data.shift_name_zh)
        cover.append([p(t("shift")), p(f"{data.shift_number}" + (f" ({shift_name})" if shift_name else ""))])
        cover.append([p(t("crew")), p(data.crew)])
    elif data.kind == "day":
        cover.append([p(t("shifts_of_day")), p(", ".join(f"{s.number}: {t('crew')} {s.crew} "
                                                         f"{local(s.start)}–{local(s.end)}" for s in data.shifts))])
    cover.append([p(t("period")), p(period)])
    if data.kind == "shift":
        cover.append([p(t("outgoing")), p(data.leads[0] or "")])
        cover.append([p(t("incoming")), p(data.leads[1] or "")])
    gen = data.local(data.generated_at)
    cover.append([p(t("generated")), p(f"{gen:%Y-%m-%d %H:%M}")])
    cover.append([p(t("coverage")), p(gap_text(data.gaps) or t("complete"))])
    ctbl = Table(cover, colWidths=[40 * mm, 130 * mm])
    ctbl.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fs.regular), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("TOPPADDING", (0, 0), (-1, -1), 1),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                              ("LINEABOVE", (0, 0), (-1, 0), 1.2, colors.black),
                              ("LINEBELOW", (0, -1), (-1, -1), 1.2, colors.black)]))
    story.append(ctbl)
    if data.is_holiday or data.holiday_days:
        story.append(p(t("holiday") + ("" if data.is_holiday else ": " + ", ".join(d.isoformat() for d in data.holiday_days)), h3))
    if data.partial:
        story.append(p(f"{t('partial')} {data.local(data.generated_at):%H:%M}", h3))

    # --- production ----------------------------------------------------------------------
    story.append(p(sec("production"), h2))
    rows: list[list[Any]] = [[t("item"), t("unit"), t("actual"), t("plan"), t("pct_plan"), t("notes")]]
    for line in data.production:
        dec = 0 if line.item.unit == "pcs" else 1
        note = gap_text(line.gaps)
        if line.target is None:
            note = "; ".join(x for x in (t("no_target"), note) if x)
        unit = "块" if t.zh and line.item.unit == "pcs" else line.item.unit
        rows.append([p(t.name(line.item.name_en, line.item.name_zh)), unit, fmt(line.actual, dec),
                     fmt(line.target, dec), fmt(line.pct_of_plan, 1), p(note, small)])
    story.append(table(rows, [44 * mm, 12 * mm, 24 * mm, 24 * mm, 18 * mm, 48 * mm], (2, 3, 4)))
    bars = [(t.name(x.item.name_en, x.item.name_zh), x.pct_of_plan) for x in data.production if x.pct_of_plan is not None]
    if bars:
        d = Drawing(170 * mm, 14 + 11 * len(bars) + 24)
        chart = HorizontalBarChart()
        chart.x, chart.y = 45 * mm, 18
        chart.width, chart.height = 115 * mm, 11 * len(bars)
        chart.data = [[v for _, v in reversed(bars)]]
        chart.bars[0].fillColor = colors.HexColor("#6B7F99")
        chart.bars.strokeColor = None
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = max(120.0, max(v for _, v in bars) * 1.05)
        chart.valueAxis.valueStep = 20
        chart.valueAxis.labels.fontName = fs.regular
        chart.valueAxis.labels.fontSize = 7
        chart.categoryAxis.categoryNames = [n for n, _ in reversed(bars)]
        chart.categoryAxis.labels.fontName = fs.regular
        chart.categoryAxis.labels.fontSize = 7.5
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dx = -3
        d.add(chart)
        x100 = chart.x + chart.width * 100.0 / chart.valueAxis.valueMax
        d.add(Line(x100, chart.y - 2, x100, chart.y + chart.height + 2, strokeColor=colors.black, strokeWidth=0.8,
                   strokeDashArray=[2, 2]))
        d.add(String(0, chart.y + chart.height + 6, t("chart_plan"), fontName=fs.regular, fontSize=8))
        story.append(Spacer(1, 4))
        story.append(d)

    # --- key figures ---------------------------------------------------------------------
    story.append(p(sec("figures"), h2))
    rows = [[t("figure"), t("unit"), t("min"), t("avg"), t("max"), t("notes")]]
    for fl in data.figures:
        st = fl.stats
        notes = []
        if fl.limit is not None:
            notes.append(f"{t('permit')} {fmt(fl.limit, 0)}")
            if fl.over_limit_minutes:
                notes.append(f"{fl.over_limit_minutes} {t('min_over')}")
        g = gap_text(st.gaps)
        if g:
            notes.append(g)
        dec = fl.item.decimals
        rows.append([p(t.name(fl.item.name_en, fl.item.name_zh)), fl.item.unit, fmt(st.vmin, dec), fmt(st.avg, dec),
                     fmt(st.vmax, dec), p("; ".join(notes), small)])
    rows.append([p(t("converter_cycles")), "", "", fmt(data.converter_cycles, 0), "", ""])
    story.append(table(rows, [44 * mm, 16 * mm, 20 * mm, 20 * mm, 20 * mm, 50 * mm], (2, 3, 4)))
    so2 = data.hourly.get("tail_so2", [])
    if any(v is not None for v in so2):
        d = Drawing(170 * mm, 62 * mm)
        chart = HorizontalLineChart()
        chart.x, chart.y = 15 * mm, 10 * mm
        chart.width, chart.height = 150 * mm, 42 * mm
        chart.data = [[v if v is not None else None for v in so2]]  # type: ignore[misc]
        permit = data.permit_mg_m3
        top = max([v for v in so2 if v is not None] + ([permit] if permit else []))
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = top * 1.15
        chart.valueAxis.labels.fontName = fs.regular
        chart.valueAxis.labels.fontSize = 7
        step = max(1, len(so2) // 12)
        chart.categoryAxis.categoryNames = [data.local(s).strftime("%d" if data.kind == "month" else "%H")
                                            if i % step == 0 else "" for i, s in enumerate(data.hourly_starts)]
        chart.categoryAxis.labels.fontName = fs.regular
        chart.categoryAxis.labels.fontSize = 7
        chart.lines[0].strokeColor = colors.HexColor("#2F4F7F")
        chart.lines[0].strokeWidth = 1.4
        d.add(chart)
        if permit:
            y = chart.y + chart.height * permit / chart.valueAxis.valueMax
            d.add(Line(chart.x, y, chart.x + chart.width, y, strokeColor=colors.HexColor("#B22222"), strokeWidth=0.8,
                       strokeDashArray=[3, 2]))
            d.add(String(chart.x + chart.width - 2, y + 2, f"{t('permit')} {fmt(permit, 0)}", fontName=fs.regular,
                         fontSize=7, textAnchor="end", fillColor=colors.HexColor("#B22222")))
        d.add(String(0, chart.y + chart.height + 8, t("chart_so2_day" if data.kind == "month" else "chart_so2"),
                     fontName=fs.regular, fontSize=8))
        story.append(KeepTogether([Spacer(1, 4), d]))

    # --- energy ----------------------------------------------------------------------------
    mods = data.modules
    names = {x.item.key: t.name(x.item.name_en, x.item.name_zh) for x in data.production}
    if mods is not None and mods.energy is not None:
        story.extend(_energy_section(mods.energy, data, sec("energy"), t, p, table, gap_text, h2, h3, small, mm))
    else:
        rows = [[t("area"), t("kwh"), t("kwh_t"), t("per_t_of"), t("notes")]]
        for el in data.energy:
            rows.append([p(t.name(el.name_en, el.name_zh)), fmt(el.kwh, 0), fmt(el.per_t, 1),
                         p(names.get(el.per_t_of, ""), small), p(gap_text(el.gaps), small)])
        rows.append([p(t("total")), fmt(data.energy_total_kwh, 0), fmt(data.energy_per_t_cathode, 1), p(t("per_t_cathode"), small), ""])
        title = sec("energy")
        if mods is not None and "energy" in mods.problems:
            title += " — " + t("unavailable", why=mods.problems["energy"])
        story.append(KeepTogether([p(title, h2), table(rows, [44 * mm, 28 * mm, 22 * mm, 36 * mm, 40 * mm], (1, 2))]))

    # --- copper and sulphur account, quality (the materials and quality modules) ----------
    if mods is not None and (mods.materials is not None or "materials" in mods.problems):
        story.extend(_account_section(mods, sec("account"), t, p, table, h2, h3, small, mm, fs.bold))
    if mods is not None and (mods.quality or "quality" in mods.problems):
        story.extend(_quality_section(mods, data, sec("quality"), t, p, table, local, multi_day, h2, h3, small, mm))

    # --- alarms ----------------------------------------------------------------------------
    story.append(p(sec("alarms"), h2))
    k = data.alarms
    if k is None:
        story.append(p(t("no_journal")))
    else:
        mix = ", ".join(t("mix", p=t(c), n=k.priority_counts.get(c, 0), pct=f"{k.priority_pct.get(c, 0.0):.0f}",
                          target={"high": 5, "medium": 15, "low": 80}[c]) for c in ("high", "medium", "low"))
        summary = [[p(t("annunciated")), str(k.annunciated)], [p(t("per_10min")), f"{k.per_10min:.2f}"],
                   [p(t("max_10min")), str(k.max_per_10min)], [p(t("by_priority")), p(mix)]]
        story.append(table(summary, [60 * mm, 110 * mm], header=False))
        story.append(p(t("floods"), h3))
        if k.floods:
            for f in k.floods:
                story.append(p(t("flood_line", start=local(f.start, multi_day), end=local(f.end, multi_day),
                                 peak=f.peak_per_10min, n=f.alarms)))
        else:
            story.append(p(t("none")))
        top_rows: list[list[Any]] = [[t("alarm"), t("count")]] + [[p(a), str(n)] for a, n in k.top10]
        story.append(p(t("top10"), h3))
        story.append(table(top_rows, [120 * mm, 20 * mm], (1,)) if k.top10 else p(t("none")))
        story.append(p(t("standing"), h3))
        stand = [[t("alarm"), t("since")]] + [[p(a), local(s, True)] for a, s in k.standing[:20]]
        story.append(table(stand, [120 * mm, 40 * mm]) if k.standing else p(t("none")))

    # --- equipment -------------------------------------------------------------------------
    story.append(p(sec("equipment"), h2))
    if data.equipment:
        rows = [[t("time"), t("equipment_unit"), t("event"), t("notes")]]
        for e in data.equipment[:60]:
            rows.append([local(e.ts, multi_day or data.kind != "shift"), e.unit, t(e.event), p(e.detail, small)])
        story.append(table(rows, [28 * mm, 40 * mm, 35 * mm, 67 * mm]))
    else:
        story.append(p(t("none")))

    # --- handover --------------------------------------------------------------------------
    heading: list[Any] = [p(sec("handover"), h2)]
    if data.handover:
        for idx, n in enumerate(data.handover):
            head = f"{n.area} — {t('author')}: {n.author}"
            if n.signed_by:
                head += f"; {t('signed')} {n.signed_by}"
            if n.acknowledged_by:
                head += f"; {t('acknowledged')} {n.acknowledged_by}"
            block = [p(head, h3), p(n.text)] + [p(("– " if t.zh else "• ") + item_text(i), small) for i in n.items]
            story.append(KeepTogether((heading if idx == 0 else []) + block))  # the section title stays with a note
    else:
        story.append(KeepTogether(heading + [p(t("none"))]))

    # --- signatures ------------------------------------------------------------------------
    who = [t("outgoing"), t("incoming")] if data.kind == "shift" else [t("manager")]
    rows = [["", t("name"), t("signature"), t("time")]]
    for i, role in enumerate(who):
        name = data.leads[i] if data.kind == "shift" and i < 2 else ""
        rows.append([p(role), name, "", ""])
    sig = Table(rows, colWidths=[45 * mm, 40 * mm, 50 * mm, 35 * mm], rowHeights=[14] + [26] * len(who))
    sig.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), fs.regular), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                             ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(KeepTogether([p(t("signatures"), h2), sig]))

    # --- page furniture ----------------------------------------------------------------------
    footer_left = f"{t.name(data.plant_en, data.plant_zh)} · {t(title_key)} {data.label}"

    from reportlab.pdfgen.canvas import Canvas

    class _NumberedCanvas(Canvas):
        """Holds each page until the end so the footer can say "page n of total"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initialFontName"] = fs.regular  # never an unembedded Helvetica resource
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.saveState()
                self.setFont(fs.regular, 7.5)
                self.setFillColor(grey)
                self.drawString(18 * mm, 10 * mm, footer_left)
                self.drawRightString(A4[0] - 18 * mm, 10 * mm, t("page", n=self._pageNumber, total=total))
                self.restoreState()
                Canvas.showPage(self)
            Canvas.save(self)

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=15 * mm,
                            bottomMargin=18 * mm, title=f"{t(title_key)} {data.label}", author="Crucible",
                            subject=t.name(data.plant_en, data.plant_zh))
    doc.build(story, canvasmaker=_NumberedCanvas)
    return buf.getvalue()


def _factors_text(summary: dict[str, Any], t: _T) -> str:
    """The kgce factors used, in the report's language (the energy module's own text in English)."""
    factors = summary.get("factors") or {}
    if not factors:
        return str(summary.get("factors_text", ""))
    parts = []
    for name, f in factors.items():
        if t.zh:
            basis = BASES_ZH.get(f.get("basis", ""), f.get("basis", ""))
            parts.append(f"{CARRIERS_ZH.get(name, name)} {f['kgce_per_unit']:g} kgce/{f['unit']}" + (f"({basis})" if basis else ""))
        else:
            basis = f.get("basis", "")
            parts.append(f"{name.replace('_', ' ')} {f['kgce_per_unit']:g} kgce/{f['unit']}" + (f" ({basis})" if basis else ""))
    return ";".join(parts) if t.zh else "; ".join(parts)


def _energy_section(e: dict[str, Any], data: ReportData, title: str, t: _T, p: Any, table: Any, gap_text: Any,
                    h2: Any, h3: Any, small: Any, mm: float) -> list[Any]:
    """Energy per area (kWh, kgce) and kgce per tonne of each route against its benchmark line,
    the conversion factors printed above the figures (app.energy.report_data.energy_summary)."""
    from reportlab.lib import colors
    from reportlab.platypus import KeepTogether, Spacer

    out: list[Any] = []
    areas = e.get("areas", {})
    rows: list[list[Any]] = [[t("area"), t("kwh"), t("kgce"), t("notes")]]
    lines = {el.area: el for el in data.energy}
    order = [a for a in lines if a in areas] + [a for a in areas if a not in lines]
    total_kwh = 0.0
    for a in order:
        el = lines.get(a)
        name = t.name(el.name_en, el.name_zh) if el is not None else a
        kwh = areas[a].get("kwh")
        total_kwh += kwh or 0.0
        rows.append([p(name), fmt(kwh, 0), fmt(areas[a].get("kgce"), 0), p(gap_text(el.gaps) if el is not None else "", small)])
    rows.append([p(t("total")), fmt(total_kwh, 0), fmt(e.get("total_kgce"), 0), ""])
    factors = p(f"{t('factors')}: {_factors_text(e, t)}", small)
    out.append(KeepTogether([p(title, h2), factors, Spacer(1, 3), table(rows, [50 * mm, 32 * mm, 32 * mm, 56 * mm], (1, 2))]))
    routes = e.get("routes", [])
    if routes:
        rows = [[t("route"), t("product_t"), t("kgce_t"), t("benchmark"), ""]]
        over_rows = []
        for i, r in enumerate(routes, 1):
            within = r.get("within_benchmark")
            rows.append([p(t.name(r["name_en"], r["name_zh"])), fmt(r.get("tonnes"), 1), fmt(r.get("kgce_per_t"), 1),
                         f"≤ {fmt(r.get('benchmark'), 0)}",
                         t("batch") if r.get("batch_not_compared") else "" if within is None else t("within") if within else t("over")])
            if within is False:
                over_rows.append(i)
        tbl = table(rows, [62 * mm, 26 * mm, 26 * mm, 26 * mm, 30 * mm], (1, 2, 3))
        for i in over_rows:
            tbl.setStyle([("TEXTCOLOR", (2, i), (-1, i), colors.HexColor("#B22222"))])
        sources = sorted({str(r.get("benchmark_source", "")) for r in routes if r.get("benchmark_source")})
        block: list[Any] = [Spacer(1, 4), tbl]
        if sources:
            block.append(p(f"{t('benchmark_source')}: {'; '.join(sources)}", small))
        if e.get("dc_kwh_per_t") is not None:
            block.append(p(t("dc_line", v=fmt(e["dc_kwh_per_t"], 1), limit=f"≤ {fmt(e.get('dc_limit'), 0)}",
                             source=e.get("dc_source", "")), small))
        if e.get("missing_meters"):
            block.append(p(f"{t('missing_meters')}: {', '.join(e['missing_meters'])}", small))
        out.append(KeepTogether(block))
    return out


def _account_section(mods: Any, title: str, t: _T, p: Any, table: Any, h2: Any, h3: Any, small: Any, mm: float,
                     bold: str) -> list[Any]:
    """Fed = products + losses + change of in-process stock + unaccounted, copper and sulphur
    (app.materials.report_data.copper_account), with each term."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import KeepTogether, Spacer

    if mods.materials is None:
        return [p(title, h2), p(t("unavailable", why=mods.problems.get("materials", "")))]
    m = mods.materials
    head = ParagraphStyle("head", parent=small, fontName=bold)
    rows: list[list[Any]] = [[p(t(k), head) for k in ("element", "fed", "products", "losses", "stock_change", "unaccounted",
                                                       "unaccounted_pct", "closes")]]
    bad = []
    accounts = [(key, m[key]) for key in ("copper", "sulphur") if m.get(key)]
    for i, (key, a) in enumerate(accounts, 1):
        limit = a.get("alarm_pct")
        closes = a.get("closes")
        verdict = "" if closes is None else t("closes_yes" if closes else "closes_no", a=fmt(limit, 1))
        if closes is False:
            bad.append(i)
        rows.append([p(t(key)), fmt(a.get("fed_t"), 1), fmt(a.get("products_t"), 1), fmt(a.get("lost_t"), 1),
                     fmt(a.get("stock_change_t"), 1), fmt(a.get("unaccounted_t"), 1), fmt(a.get("unaccounted_pct"), 2),
                     p(verdict, small)])
    tbl = table(rows, [18 * mm, 20 * mm, 21 * mm, 18 * mm, 24 * mm, 22 * mm, 17 * mm, 30 * mm], (1, 2, 3, 4, 5, 6))
    for i in bad:
        tbl.setStyle([("TEXTCOLOR", (5, i), (6, i), colors.HexColor("#B22222"))])
    terms: list[list[Any]] = [[t("terms"), "", t("copper"), t("sulphur")]]
    cu, su = m.get("copper") or {}, m.get("sulphur") or {}
    for side, key in (("in", "in_t"), ("out", "out_t"), ("loss", "losses_t")):
        names = list(dict.fromkeys([*(cu.get(key) or {}), *(su.get(key) or {})]))
        for n in names:
            terms.append([p(t.name(n, TERMS_ZH.get(n, "")), small), t(side), fmt((cu.get(key) or {}).get(n), 1),
                          fmt((su.get(key) or {}).get(n), 1)])
    n_stocks = len(cu.get("stock_close_t") or {})
    ttbl = table(terms, [60 * mm, 20 * mm, 25 * mm, 25 * mm], (2, 3))
    return [KeepTogether([p(title, h2), tbl, Spacer(1, 3), p(t("stocks_note", n=n_stocks), small)]), Spacer(1, 4), ttbl]


def _quality_section(mods: Any, data: ReportData, title: str, t: _T, p: Any, table: Any, local: Any, multi_day: bool,
                     h2: Any, h3: Any, small: Any, mm: float) -> list[Any]:
    """Western Electric violations of the period and cathode lots below No. 1
    (app.quality.report_data.spc_violations / offgrade_lots)."""
    from datetime import datetime as _dt

    from reportlab.platypus import KeepTogether

    if not mods.quality:
        return [p(title, h2), p(t("unavailable", why=mods.problems.get("quality", "")))]
    out: list[Any] = [p(title, h2)]
    limit = 40
    viol = mods.spc_violations or []
    block: list[Any] = [p(t("spc_violations"), h3)]
    if viol:
        rows: list[list[Any]] = [[t("time"), t("characteristic"), t("rule"), t("value"), t("lot")]]
        for v in viol[:limit]:
            when = _dt.fromisoformat(v["timestamp"]) if isinstance(v.get("timestamp"), str) else v.get("timestamp")
            rule = int(v.get("rule", 0))
            rule_text = RULES_ZH.get(rule, "") if t.zh else str(v.get("rule_text", ""))
            rows.append([local(when, multi_day or data.kind != "shift") if when else "",
                         p(t.name(v.get("name_en", ""), v.get("name_zh", "")) or v.get("characteristic", ""), small),
                         p(f"{rule}: {rule_text}", small), fmt(v.get("value"), 4), p(str(v.get("lot_id") or ""), small)])
        block.append(table(rows, [26 * mm, 40 * mm, 58 * mm, 20 * mm, 26 * mm], (3,)))
        if len(viol) > limit:
            block.append(p(t("more", n=len(viol) - limit), small))
    else:
        block.append(p(t("none")))
    out.append(KeepTogether(block))
    lots = mods.offgrade_lots or []
    block = [p(t("offgrade"), h3)]
    if lots:
        rows = [[t("lot"), t("grade"), t("impurities"), t("cu_ag"), t("notes")]]
        for g in lots[:limit]:
            grade = str(g.get("grade", ""))
            rows.append([p(g["lot_id"], small), t.name(grade, GRADES_ZH.get(grade, "")), fmt(g.get("total_impurities_pct"), 4),
                         fmt(g.get("cu_ag_pct"), 3), p(str(g.get("reasons", "")), small)])
        block.append(table(rows, [30 * mm, 20 * mm, 24 * mm, 20 * mm, 76 * mm], (2, 3)))
        if len(lots) > limit:
            block.append(p(t("more", n=len(lots) - limit), small))
    else:
        block.append(p(t("none")))
    out.append(KeepTogether(block))
    return out
