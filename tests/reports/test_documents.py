"""The report to file: the dashboard, its bulletin and a chart as an A4 PDF (rendered with pdftoppm, read
with pdftotext) and as a Word document (read back with python-docx), for any unit and period."""

import io
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings
from docx import Document

from .conftest import PERIOD, fill
from .test_dashboard import URL

fonts = pytest.mark.skipif(
    not Path(settings.CERTIFICATE_FONT).is_file(), reason="no Chinese font (apt-get install fonts-noto-cjk)"
)


@pytest.fixture
def records_in_xiguan(community, other_community):
    fill(community, 2)
    fill(other_community, 1)


def download(client, user, output):
    client.force_login(user)
    response = client.get(URL, {**PERIOD, "format": output})
    assert response.status_code == 200, response.content[:500]
    return response


@fonts
def test_the_pdf_opens_renders_and_carries_the_figures(
    client, subdistrict_staff, records_in_xiguan, tmp_path
):
    response = download(client, subdistrict_staff, "pdf")
    assert response["Content-Type"] == "application/pdf"
    assert "西关办事处_2017年_工作报表.pdf" in unquote(response["Content-Disposition"])
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "工作报表" in text and "西关办事处" in text and "环西社区" in text and "金业路社区" in text
    assert "工作简报" in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True
    )
    rendered = list(tmp_path.glob("page*.png"))
    assert rendered and rendered[0].stat().st_size > 10_000
    artifacts = Path(settings.BASE_DIR) / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    shutil.copy(rendered[0], artifacts / "report-pdf-page1.png")


@fonts
def test_the_word_document_reads_back_with_the_tables_and_the_bulletin(
    client, subdistrict_staff, records_in_xiguan
):
    response = download(client, subdistrict_staff, "docx")
    assert "西关办事处_2017年_工作报表.docx" in unquote(response["Content-Disposition"])
    document = Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "工作报表" in text and "西关办事处" in text
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {"环西社区", "金业路社区"} <= cells
    assert document.inline_shapes, "the chart"


def test_another_units_report_is_refused(client, staff, far_community):
    client.force_login(staff)
    response = client.get(URL, {**PERIOD, "format": "pdf", "unit": f"community:{far_community.pk}"})
    assert response.status_code == 400
