"""A volunteer service certificate (志愿服务记录证明) as an A4 PDF, with the four blocks of 民发〔2015〕149号:
the volunteer (name and national volunteer number, never an ID-card number), the service (period, hours,
what was done), the issuer (organisation, person in charge, handler, contact; the seal and two signature
lines) and the certificate itself (number, issue date, notes), with a QR code of its public verification page.

fpdf2 writes it (pure Python, embeds only the glyphs used: a certificate is about 60 KB); the Chinese font is
the system's Noto CJK (settings.CERTIFICATE_FONT, a .ttc collection or a .ttf/.otf file).
"""

import datetime

import qrcode
from django.conf import settings
from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from registers.fonts import add_pdf_font

RED = (190, 30, 30)
GREY = (110, 110, 110)


def _qr_image(url: str):
    code = qrcode.QRCode(border=1, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    return code.make_image().get_image()


def render(data: dict) -> bytes:
    """The certificate as PDF bytes. ``data`` is Certificate.pdf_data(): every text already in Chinese."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(data["title"])
    pdf.set_author(data["issuer"])
    pdf.set_creator("社区服务")
    pdf.set_auto_page_break(auto=False)
    add_pdf_font(pdf, "cjk", settings.CERTIFICATE_FONT)
    add_pdf_font(pdf, "cjk", settings.CERTIFICATE_FONT_BOLD, "B")
    pdf.add_page()
    pdf.set_margins(22, 20, 22)
    width = pdf.w - 44

    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    pdf.rect(12, 12, pdf.w - 24, pdf.h - 24)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, pdf.w - 28, pdf.h - 28)

    pdf.set_xy(22, 26)
    pdf.set_font("cjk", "B", 24)
    pdf.cell(width, 14, data["title"], align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("cjk", "", 10.5)
    pdf.set_text_color(*GREY)
    pdf.cell(
        width, 7, f"{data['number_label']}：{data['number']}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    pdf.set_font("cjk", "", 12.5)
    pdf.multi_cell(width, 7.5, data["statement"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)

    qr_size, qr_y = 24, None
    for heading, rows in data["blocks"]:
        qr_y = pdf.get_y() + 11  # the last block's (the certificate's own): its QR code beside it
        pdf.set_font("cjk", "B", 13)
        pdf.set_fill_color(248, 236, 236)
        pdf.cell(width, 8.5, heading, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("cjk", "", 11.5)
        for label, value in rows:
            pdf.set_x(26)
            pdf.cell(34, 6.8, f"{label}：")
            pdf.multi_cell(width - 38, 6.8, value or "—", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)

    # The foot of the page: signatures on the left; the issuer and the date on the right under the seal
    # (stamped over them, as Chinese certificates are); the verification line and QR code at the bottom.
    pdf.image(_qr_image(data["verify_url"]), x=pdf.w - 26 - qr_size, y=qr_y, w=qr_size)
    foot_top = pdf.h - 27
    top = max(pdf.get_y() + 4, foot_top - 50)
    pdf.set_font("cjk", "", 12)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_y(top)
    for label in data["signatures"]:
        pdf.set_x(26)
        pdf.cell(30, 10, f"{label}：")
        x = pdf.get_x()
        pdf.line(x, pdf.get_y() + 8.5, x + 36, pdf.get_y() + 8.5)
        pdf.ln(13)
    right = pdf.w - 26
    pdf.set_xy(right - 78, top + 4)
    pdf.cell(78, 9, data["stamp_label"], align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.cell(78, 9, data["issuer"], align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.cell(78, 9, data["issued_on"], align="R")

    seal_size = 38
    seal_x, seal_y = right - 48, top - 2
    if data.get("seal_path"):
        pdf.image(data["seal_path"], x=seal_x, y=seal_y, w=seal_size, h=seal_size)
    else:
        pdf.set_draw_color(*RED)
        pdf.set_dash_pattern(dash=1.6, gap=1.2)
        pdf.ellipse(seal_x, seal_y, seal_size, seal_size)
        pdf.set_dash_pattern()
        pdf.set_text_color(*RED)
        pdf.set_font("cjk", "", 8)
        pdf.set_xy(seal_x - 10, seal_y + seal_size + 0.5)
        pdf.cell(seal_size + 20, 4.5, data["seal_placeholder"], align="C")
        pdf.set_text_color(0, 0, 0)

    pdf.set_font("cjk", "", 8.5)
    pdf.set_text_color(*GREY)
    pdf.set_xy(22, max(foot_top, seal_y + seal_size + 6))
    pdf.multi_cell(width, 4.8, data["footer"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def certificate_data(certificate) -> dict:
    """The texts of ``certificate``'s PDF. Written in Chinese here, not through the catalogue: the certificate
    is an official document of a fixed Chinese form, the same whatever language the staff's pages use."""
    from django.urls import reverse

    office, volunteer = certificate.office, certificate.volunteer
    period = f"{chinese_date(certificate.period_start)}至{chinese_date(certificate.period_end)}"
    number_part = f"（志愿者编号：{volunteer.volunteer_number}）" if volunteer.volunteer_number else ""
    statement = (
        f"兹证明{volunteer.name}同志{number_part}于{period}期间参加{office.name}组织的志愿服务，"
        f"经组织方确认的服务时长累计{certificate.hours}小时。特此证明。"
    )
    hours = f"{certificate.hours} 小时"
    if certificate.backfilled_hours:
        hours += f"（其中补录 {certificate.backfilled_hours} 小时）"
    issued_on = chinese_date(timezone.localtime(certificate.issued_at).date())
    notes = certificate.notes or "本证明免费出具"
    if certificate.revoked_at:
        notes = f"本证明已于{chinese_date(timezone.localtime(certificate.revoked_at).date())}撤销：{certificate.revoke_reason}"
    verify_url = settings.SITE_URL.rstrip("/") + reverse("certificate_verify", args=[certificate.number])
    return {
        "title": "志愿服务记录证明",
        "number_label": "证明编号",
        "number": certificate.number,
        "statement": statement,
        "blocks": [
            (
                "一、志愿者信息",
                [("姓名", volunteer.name), ("志愿者编号", volunteer.volunteer_number or "未登记")],
            ),
            (
                "二、志愿服务情况",
                [
                    ("服务期间", period),
                    ("服务时长", hours),
                    ("服务次数", f"{certificate.services} 次"),
                    ("服务内容", certificate.content),
                ],
            ),
            (
                "三、出具组织",
                [
                    ("组织名称", office.name),
                    ("负责人", certificate.person_in_charge),
                    ("经办人", certificate.handler),
                    ("联系电话", certificate.contact),
                ],
            ),
            ("四、证明信息", [("证明编号", certificate.number), ("出具日期", issued_on), ("备注", notes)]),
        ],
        "signatures": ["负责人（签字）", "经办人（签字）"],
        "issuer": office.name,
        "stamp_label": "出具单位（盖章）",
        "issued_on": issued_on,
        "seal_path": office.seal.path if office.seal else "",
        "seal_placeholder": "虚线处加盖公章（尚未上传公章图片）",
        "verify_url": verify_url,
        "footer": (
            "本证明依据《志愿服务条例》和《志愿服务记录与证明出具办法（试行）》出具，不收取任何费用。"
            f"扫描证明信息旁的二维码或访问以下网址核验真伪："
            f"{verify_url}"
        ),
    }
