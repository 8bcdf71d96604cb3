"""Volunteer service certificates: issued free from confirmed hours only, numbered without reuse, a PDF with
the four blocks, a public verification page that says as little as it must, revocation with a reason."""

import datetime
import io
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from volunteers.models import Certificate, IssuingOffice, ServiceRecord
from volunteers.services import CertificateRefused, issue_certificate

from .conftest import add_visit, admin_url, sign_in

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
YEAR = timezone.localdate().year


@pytest.fixture
def office(community):
    return IssuingOffice.objects.create(
        subdistrict=community.subdistrict,
        community=community,
        name="环西社区志愿服务站",
        code="HX",
        person_in_charge="张主任",
        contact="0379-63211234",
    )


@pytest.fixture
def served(recipient, team, volunteer):
    """王建军: two home visits this year (90 and 60 minutes), confirmed as every visit's records are."""
    volunteer.volunteer_number = "41030219880001"
    volunteer.save()
    today = timezone.localdate()
    add_visit(recipient, team, [volunteer], today.replace(month=1, day=5), minutes=90)
    add_visit(recipient, team, [volunteer], today.replace(month=1, day=6), minutes=60)
    return volunteer


def issue_form(office, volunteer, **extra):
    return {
        "office": office.pk,
        "volunteer": volunteer.pk,
        "start": f"{YEAR}-01-01",
        "end": timezone.localdate().isoformat(),
        "handler": "李干事",
        "notes": "用于升学申请",
        **extra,
    }


def pdf_text(content: bytes) -> str:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"[\s\x00]+", "", text)


def test_staff_issue_a_certificate_and_its_pdf_holds_the_four_blocks(client, staff, office, served):
    sign_in(client, staff)
    client.cookies["django_language"] = "zh-hans"
    preview = client.post(
        reverse("admin:volunteers_certificate_issue"), {**issue_form(office, served), "preview": "1"}
    )
    assert preview.status_code == 200
    assert preview.context["draft"].hours == 2.5 and "上门服务 2次，2.5小时" in preview.content.decode()
    response = client.post(
        reverse("admin:volunteers_certificate_issue"), {**issue_form(office, served), "issue": "1"}
    )
    certificate = Certificate.objects.get()
    assert response.status_code == 302
    assert certificate.number == f"HX-{YEAR}-00001"
    assert (certificate.hours, certificate.services, certificate.issued_by) == (2.5, 2, staff)

    pdf = client.get(reverse("admin:volunteers_certificate_pdf", args=[certificate.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in pdf["Content-Disposition"]
    text = pdf_text(pdf.content)
    for expected in (
        "志愿服务记录证明",
        "王建军",
        "41030219880001",  # the volunteer number, never an ID-card number
        "2.5小时",
        "上门服务2次",
        "环西社区志愿服务站",
        "张主任",
        "李干事",
        "0379-63211234",
        f"HX-{YEAR}-00001",
        "用于升学申请",
        "虚线处加盖公章",  # no seal uploaded: the place for it is marked
    ):
        assert expected in text, expected
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "certificate.pdf").write_bytes(pdf.content)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-singlefile",
                str(ARTIFACTS / "certificate.pdf"),
                str(ARTIFACTS / "certificate"),
            ],
            check=True,
        )
        assert (ARTIFACTS / "certificate.png").stat().st_size > 10_000


def test_numbers_count_up_and_are_never_reused(client, staff, office, served):
    first = issue_certificate(office=office, volunteer=served, start=datetime.date(YEAR, 1, 1), end=timezone.localdate(), handler="李干事", by=staff)  # fmt: skip
    first.revoke(by=staff, reason="时长录入有误")
    second = issue_certificate(office=office, volunteer=served, start=datetime.date(YEAR, 1, 1), end=timezone.localdate(), handler="李干事", by=staff)  # fmt: skip
    assert (first.number, second.number) == (f"HX-{YEAR}-00001", f"HX-{YEAR}-00002")


def test_hours_waiting_for_confirmation_are_never_certified(client, staff, office, community, volunteer):
    ServiceRecord.objects.create(
        volunteer=volunteer,
        community=community,
        kind=ServiceRecord.Kind.OTHER,
        served_on=timezone.localdate(),
        minutes=120,
        recorded=ServiceRecord.Recorded.CHECK_IN,
    )
    sign_in(client, staff)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        reverse("admin:volunteers_certificate_issue"), {**issue_form(office, volunteer), "issue": "1"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "王建军在这段时间没有环西社区志愿服务站记录的已确认服务" in page
    assert "1条记录等待组织方确认" in page
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end": f"{YEAR - 1}-12-31"}, "结束日期早于开始日期"),
        ({"end": "2999-01-01"}, "不能结束于将来"),
        ({"handler": ""}, "这个字段是必填项"),
    ],
)
def test_a_wrong_issue_form_is_refused_in_chinese(client, staff, office, served, change, message):
    sign_in(client, staff)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        reverse("admin:volunteers_certificate_issue"), {**issue_form(office, served, **change), "issue": "1"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Certificate.objects.exists()


def test_the_verification_page_shows_only_what_it_must(client, staff, office, served):
    certificate = issue_certificate(office=office, volunteer=served, start=datetime.date(YEAR, 1, 1), end=timezone.localdate(), handler="李干事", by=staff)  # fmt: skip
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("certificate_verify", args=[certificate.number.lower()]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "有效" in page and "王*军" in page and "2.5" in page and "环西社区志愿服务站" in page
    assert "王建军" not in page and "41030219880001" not in page and "李干事" not in page
    assert 'name="robots" content="noindex"' in page


def test_a_revoked_and_an_unknown_number_answer_alike_in_cost(client, staff, office, served):
    certificate = issue_certificate(office=office, volunteer=served, start=datetime.date(YEAR, 1, 1), end=timezone.localdate(), handler="李干事", by=staff)  # fmt: skip
    sign_in(client, staff)
    client.cookies["django_language"] = "zh-hans"
    refused = client.post(
        reverse("admin:volunteers_certificate_revoke", args=[certificate.pk]), {"reason": ""}
    )
    assert "这个字段是必填项" in refused.content.decode()
    client.post(
        reverse("admin:volunteers_certificate_revoke", args=[certificate.pk]), {"reason": "时长录入有误"}
    )
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_by == staff
    again = client.get(reverse("admin:volunteers_certificate_revoke", args=[certificate.pk]))
    assert "已于" in again.content.decode()
    client.logout()
    client.cookies["django_language"] = "zh-hans"
    with CaptureQueriesContext(connection) as revoked_queries:
        revoked = client.get(reverse("certificate_verify", args=[certificate.number]))
    with CaptureQueriesContext(connection) as unknown_queries:
        unknown = client.get(reverse("certificate_verify", args=["HX-2018-99999"]))
    assert revoked.status_code == 200 and "已撤销" in revoked.content.decode()
    assert "时长录入有误" not in revoked.content.decode()
    assert unknown.status_code == 404 and "没有这个编号的证明" in unknown.content.decode()
    assert len(revoked_queries) == len(unknown_queries)


def test_the_register_has_no_delete_and_an_outsider_sees_nothing(client, staff, outsider, office, served):
    certificate = issue_certificate(office=office, volunteer=served, start=datetime.date(YEAR, 1, 1), end=timezone.localdate(), handler="李干事", by=staff)  # fmt: skip
    sign_in(client, staff)
    assert client.post(admin_url(Certificate, "delete", certificate.pk), {"post": "yes"}).status_code == 403
    sign_in(client, outsider)
    for url in (
        admin_url(Certificate, "change", certificate.pk),
        reverse("admin:volunteers_certificate_pdf", args=[certificate.pk]),
        reverse("admin:volunteers_certificate_revoke", args=[certificate.pk]),
        admin_url(IssuingOffice, "change", office.pk),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("admin:volunteers_certificate_revoke", args=[certificate.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    response = client.post(
        reverse("admin:volunteers_certificate_issue"), {**issue_form(office, served), "issue": "1"}
    )
    assert response.status_code == 200 and Certificate.objects.count() == 1
    assert set(response.context["form"].errors) == {"office", "volunteer"}


def png_bytes(**info) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (120, 120), (200, 0, 0, 255)).save(buffer, format="PNG", **info)
    return buffer.getvalue()


def office_form(community, **extra):
    return {
        "subdistrict": community.subdistrict.pk,
        "community": community.pk,
        "name": "环西社区志愿服务站",
        "code": "hx",
        "person_in_charge": "张主任",
        "contact": "0379-63211234",
        **extra,
    }


def test_a_seal_is_checked_and_re_encoded(client, staff, community, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    sign_in(client, staff)
    client.cookies["django_language"] = "zh-hans"
    disguised = SimpleUploadedFile("seal.png", b"<html><script>alert(1)</script></html>", "image/png")
    refused = client.post(admin_url(IssuingOffice, "add"), {**office_form(community), "seal": disguised})
    assert refused.status_code == 200 and "不是可读取的PNG或JPEG图片" in refused.content.decode()
    assert not IssuingOffice.objects.exists()

    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 34.6N 112.4E")
    seal = SimpleUploadedFile("公章.png", png_bytes(pnginfo=info) + b"appended", "image/png")
    response = client.post(admin_url(IssuingOffice, "add"), {**office_form(community), "seal": seal})
    assert response.status_code == 302
    office = IssuingOffice.objects.get()
    assert office.code == "HX"
    stored = Path(office.seal.path).read_bytes()
    assert b"GPS" not in stored and b"appended" not in stored
    assert Image.open(io.BytesIO(stored)).size == (120, 120)


def test_a_code_another_office_uses_is_refused(client, staff, office, community, other_community):
    sign_in(client, staff)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        admin_url(IssuingOffice, "change", office.pk), office_form(community, code="HX", name="改名")
    )
    assert response.status_code == 302  # its own code
    IssuingOffice.objects.create(
        subdistrict=other_community.subdistrict, community=other_community, name="金业路", code="JYL",
        person_in_charge="赵", contact="1",
    )  # fmt: skip
    response = client.post(admin_url(IssuingOffice, "change", office.pk), office_form(community, code="jyl"))
    assert response.status_code == 200 and "已存在" in response.content.decode()
    office.refresh_from_db()
    assert office.code == "HX"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_certificates_issued_at_once_get_two_numbers(staff, office, served):
    numbers, errors = [], []

    def issue():
        try:
            certificate = issue_certificate(
                office=office,
                volunteer=served,
                start=datetime.date(YEAR, 1, 1),
                end=timezone.localdate(),
                handler="李干事",
                by=staff,
            )
            numbers.append(certificate.number)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [f"HX-{YEAR}-{n:05d}" for n in range(1, 5)]


def test_the_service_refuses_without_confirmed_hours(staff, office, volunteer):
    with pytest.raises(CertificateRefused):
        issue_certificate(office=office, volunteer=volunteer, start=datetime.date(YEAR, 1, 1), end=timezone.localdate(), handler="李", by=staff)  # fmt: skip
