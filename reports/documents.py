"""The work report to file: the dashboard's tables, its bulletin and a chart per breakdown, as an A4 PDF
(fpdf2, the Chinese font embedded as a subset) and as a Word document an office can edit (python-docx).

The charts are drawn here as PNG images (Pillow) so that both documents carry the same picture: bars for
the sub-units (never a line across them), one colour per measure as on the page.
"""

import io

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from fpdf import FPDF
from PIL import Image, ImageDraw

from registers.fonts import add_pdf_font, image_font
from registers.workbooks import file_name, period_label

from .figures import FIGURES
from .tables import Dashboard, Table

# The same colours as the page's charts (static/reports/dashboard.js).
COLOURS = {"activities": (84, 112, 198), "participants": (250, 200, 88), "visits": (145, 204, 117)}
# Columns of a wide table per printed part: each part repeats the unit names.
COLUMNS_PER_PART = 8
CHART_SIZE = (1600, 700)


def document_name(report: Dashboard, extension: str) -> str:
    return file_name(
        str(report.unit), period_label(report.start, report.end), _("work report"), extension=extension
    )


def title_of(report: Dashboard) -> str:
    return _("Work report: %(unit)s") % {"unit": report.unit}


def _parts(table: Table) -> list[tuple[list, list[list[str]]]]:
    """A table as printable parts: (headers, rows of text), the first column repeated in every part."""
    columns = table.columns
    rows = table.display_rows
    if len(columns) <= COLUMNS_PER_PART + 1:
        chunks = [list(range(len(columns)))]
    else:
        rest = list(range(1, len(columns)))
        chunks = [[0, *rest[i : i + COLUMNS_PER_PART]] for i in range(0, len(rest), COLUMNS_PER_PART)]
    parts = []
    for chunk in chunks:
        headers = [str(columns[i].label) for i in chunk]
        parts.append((headers, [[row["cells"][i]["value"] for i in chunk] for row in rows]))
    return parts


def _printed_tables(report: Dashboard) -> list[Table]:
    return [
        table for table in report.tables if table.rows and table.name in ("totals", "breakdown", "months")
    ]


def chart_png(report: Dashboard) -> bytes | None:
    """Bars of each sub-unit's activities, participants and home visits (None without sub-units)."""
    rows = report.breakdown
    if not rows:
        return None
    measures = [m for m in ("activities", "participants", "visits") if any(row.get(m) for row in rows)]
    if not measures:
        return None
    width, height = CHART_SIZE
    image = Image.new("RGB", CHART_SIZE, "white")
    draw = ImageDraw.Draw(image)
    font, small = image_font(settings.CERTIFICATE_FONT, 26), image_font(settings.CERTIFICATE_FONT, 20)
    left, right, top, bottom = 80, 40, 110, 170
    draw.text((width // 2, 20), pgettext("report", "by sub-unit"), fill="black", font=font, anchor="mt")
    labels = {figure.key: figure.label for figure in FIGURES}
    x = left
    for measure in measures:
        draw.rectangle((x, 60, x + 24, 80), fill=COLOURS[measure])
        draw.text((x + 32, 70), str(labels[measure]), fill="black", font=small, anchor="lm")
        x += 60 + int(small.getlength(str(labels[measure])))
    plot_width, plot_height = width - left - right, height - top - bottom
    draw.line((left, top + plot_height, width - right, top + plot_height), fill="black", width=2)
    group = plot_width / len(rows)
    bar = max(2, group * 0.8 / len(measures))
    for measure_index, measure in enumerate(measures):
        # Each measure on its own scale (counts and person-times differ by orders of magnitude).
        peak = max((row.get(measure) or 0) for row in rows) or 1
        for index, row in enumerate(rows):
            value = row.get(measure) or 0
            x0 = left + index * group + group * 0.1 + measure_index * bar
            y0 = top + plot_height - plot_height * 0.88 * value / peak  # (room for the number above)
            draw.rectangle((x0, y0, x0 + bar - 1, top + plot_height), fill=COLOURS[measure])
            if bar >= 28:  # each bar its number (the measures have no common axis)
                draw.text((x0 + bar / 2, y0 - 4), f"{value:g}", fill="black", font=small, anchor="mb")
    for index, row in enumerate(rows[:40]):
        x = left + index * group + group / 2
        name = str(row.get("unit", ""))[:8]
        draw.text((x, top + plot_height + 12), name, fill="black", font=small, anchor="mt")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def report_pdf(report: Dashboard, bulletin_text: str) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4", unit="mm")
    pdf.set_title(title_of(report))
    pdf.set_creator("社区服务")
    add_pdf_font(pdf, "cjk", settings.CERTIFICATE_FONT)
    add_pdf_font(pdf, "cjk", settings.CERTIFICATE_FONT_BOLD, "B")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("cjk", "B", 18)
    pdf.cell(0, 12, title_of(report), new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("cjk", "", 11)
    pdf.cell(0, 8, period_label(report.start, report.end), new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.ln(2)
    pdf.set_font("cjk", "B", 13)
    pdf.cell(0, 9, _("Work bulletin"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "", 11)
    pdf.multi_cell(0, 7, bulletin_text, new_x="LMARGIN", new_y="NEXT")
    chart = chart_png(report)
    if chart is not None:
        pdf.ln(3)
        pdf.image(io.BytesIO(chart), w=250)
    for table in _printed_tables(report):
        for number, (headers, rows) in enumerate(_parts(table), start=1):
            pdf.add_page()
            pdf.set_font("cjk", "B", 13)
            heading = str(table.title) if number == 1 else f"{table.title}（{number}）"
            pdf.cell(0, 9, heading, new_x="LMARGIN", new_y="NEXT")
            if table.note and number == 1:
                pdf.set_font("cjk", "", 9)
                pdf.multi_cell(0, 5, table.note, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1)
            pdf.set_font("cjk", "", 9)
            with pdf.table(repeat_headings=1, line_height=6, first_row_as_headings=True) as printed:
                printed.row(headers)
                for values in rows:
                    printed.row([str(value) for value in values])
    return bytes(pdf.output())


def report_docx(report: Dashboard, bulletin_text: str) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(1.8))
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "宋体", Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")  # Word picks Chinese glyphs by this attribute
    document.core_properties.title = title_of(report)
    document.add_heading(title_of(report), level=0)
    document.add_paragraph(period_label(report.start, report.end))
    document.add_heading(_("Work bulletin"), level=1)
    document.add_paragraph(bulletin_text)
    chart = chart_png(report)
    if chart is not None:
        document.add_picture(io.BytesIO(chart), width=Cm(24))
    for table in _printed_tables(report):
        for number, (headers, rows) in enumerate(_parts(table), start=1):
            document.add_heading(str(table.title) if number == 1 else f"{table.title}（{number}）", level=1)
            if table.note and number == 1:
                document.add_paragraph(table.note)
            grid = document.add_table(rows=1, cols=len(headers))
            grid.style = "Table Grid"
            for cell, header in zip(grid.rows[0].cells, headers, strict=True):
                cell.text = header
            for values in rows:
                for cell, value in zip(grid.add_row().cells, values, strict=True):
                    cell.text = str(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
