"""Phones, care categories and health notes: masked or hidden for plain staff, in full with the permission."""

import datetime

from django.urls import reverse

from volunteers.models import CareRecipient
from volunteers.resources import CareRecipientResource

from .conftest import (
    EXPORT_XLSX,
    HEALTH_NOTE,
    MASKED,
    PHONE,
    add_visit,
    admin_url,
    export,
    exported_rows,
    make_recipient,
    sign_in,
)

CATEGORY = "残疾人"  # "disabled" in Chinese, the default language


def test_plain_staff_see_a_masked_phone_and_no_categories_in_the_list(client, staff, recipient):
    sign_in(client, staff)
    page = client.get(admin_url(CareRecipient)).content.decode()
    assert "陈秀兰" in page
    assert MASKED in page
    assert PHONE not in page
    assert CATEGORY not in page


def test_sensitive_staff_see_the_full_phone_and_categories_in_the_list(client, sensitive_staff, recipient):
    sign_in(client, sensitive_staff)
    page = client.get(admin_url(CareRecipient)).content.decode()
    assert PHONE in page
    assert CATEGORY in page


def test_plain_staff_see_no_health_notes_or_categories_on_the_change_page(client, staff, recipient):
    sign_in(client, staff)
    response = client.get(admin_url(CareRecipient, "change", recipient.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert MASKED in page and PHONE not in page
    assert HEALTH_NOTE not in page
    assert "categories" not in response.context["adminform"].form.fields
    assert "health_notes" not in response.context["adminform"].form.fields


def test_saving_the_change_page_without_the_permission_keeps_the_hidden_data(client, staff, recipient):
    sign_in(client, staff)
    url = admin_url(CareRecipient, "change", recipient.pk)
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in ((n, form[n].value()) for n in form.fields)}
    data["usual_day"] = "9"
    assert client.post(url, data).status_code == 302
    recipient.refresh_from_db()
    assert recipient.usual_day == 9
    assert recipient.health_notes == HEALTH_NOTE
    assert recipient.categories.count() == 2


def test_sensitive_staff_see_health_notes_on_the_change_page(client, sensitive_staff, recipient):
    sign_in(client, sensitive_staff)
    page = client.get(admin_url(CareRecipient, "change", recipient.pk)).content.decode()
    assert HEALTH_NOTE in page
    assert PHONE in page


def test_the_export_masks_phones_and_empties_sensitive_columns_for_plain_staff(client, staff, recipient):
    sign_in(client, staff)
    client.cookies["django_language"] = "en"
    rows = exported_rows(export(client, CareRecipient, CareRecipientResource))
    header, row = rows[0], rows[1]
    record = dict(zip(header, row, strict=True))
    assert record["Name"] == "陈秀兰"
    assert record["Phone"] == MASKED
    assert record["Health notes"] == ""
    assert record["Care categories"] == ""
    assert PHONE not in str(rows)


def test_the_export_is_full_for_sensitive_staff(client, sensitive_staff, recipient):
    sign_in(client, sensitive_staff)
    client.cookies["django_language"] = "en"
    rows = exported_rows(export(client, CareRecipient, CareRecipientResource, EXPORT_XLSX))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Phone"] == PHONE
    assert record["Health notes"] == HEALTH_NOTE
    assert record["Care categories"] == "disabled、aged 80 or over"


def test_the_due_page_hides_categories_from_plain_staff_and_masks_phones_above_the_community(
    client, staff, subdistrict_staff, sensitive_staff, recipient, team, volunteer, community
):
    add_visit(recipient, team, [volunteer], datetime.date(2018, 1, 9))
    params = {"unit": f"community:{community.pk}", "month": "2018-03"}
    sign_in(client, subdistrict_staff)
    page = client.get(reverse("volunteers:due"), params).content.decode()
    assert MASKED in page and PHONE not in page and CATEGORY not in page
    # The community's own staff call the recipient (tests/volunteers/test_phone_reveal.py).
    sign_in(client, staff)
    page = client.get(reverse("volunteers:due"), params).content.decode()
    assert PHONE in page and CATEGORY not in page
    sign_in(client, sensitive_staff)
    page = client.get(reverse("volunteers:due"), params).content.decode()
    assert PHONE in page and CATEGORY in page


def test_what_sensitive_staff_see_in_full_is_in_the_access_log_without_the_values(
    client, staff, sensitive_staff, recipient, community
):
    from audit.models import AccessLog

    sign_in(client, staff)
    client.get(admin_url(CareRecipient, "change", recipient.pk))
    client.get(admin_url(CareRecipient))
    assert not AccessLog.objects.exists()

    sign_in(client, sensitive_staff)
    client.get(admin_url(CareRecipient, "change", recipient.pk))
    client.get(admin_url(CareRecipient))
    client.get(reverse("volunteers:due"), {"unit": f"community:{community.pk}", "month": "2018-03"})
    export(client, CareRecipient, CareRecipientResource)
    logs = list(AccessLog.objects.filter(user=sensitive_staff).values_list("object_id", "fields"))
    assert len(logs) == 4
    assert {object_id for object_id, _fields in logs} == {str(recipient.pk)}
    assert (str(recipient.pk), "categories, health_notes, phone") in logs
    assert not AccessLog.objects.filter(fields__contains=PHONE).exists()
    assert not AccessLog.objects.filter(fields__contains=HEALTH_NOTE).exists()


def test_visit_notes_are_shown_only_with_the_permission(
    client, staff, sensitive_staff, recipient, team, volunteer
):
    from volunteers.models import HomeVisit
    from volunteers.resources import HomeVisitResource

    visit = add_visit(recipient, team, [volunteer], datetime.date(2018, 2, 6))
    HomeVisit.objects.filter(pk=visit.pk).update(notes="血压偏高，已提醒复诊")
    url = admin_url(HomeVisit, "change", visit.pk)
    sign_in(client, staff)
    client.cookies["django_language"] = "en"
    assert "血压偏高" not in client.get(url).content.decode()
    assert "血压偏高" not in str(exported_rows(export(client, HomeVisit, HomeVisitResource)))
    sign_in(client, sensitive_staff)
    assert "血压偏高" in client.get(url).content.decode()
    assert "血压偏高" in str(exported_rows(export(client, HomeVisit, HomeVisitResource)))


def test_plain_staff_cannot_filter_by_sensitive_fields_in_the_querystring(
    client, staff, sensitive_staff, recipient
):
    from volunteers.models import HomeVisit

    sign_in(client, staff)
    for url in (
        admin_url(CareRecipient) + "?categories__code=disabled",
        admin_url(CareRecipient) + "?health_notes__contains=高血压",
        admin_url(HomeVisit) + "?notes__contains=血压",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "陈秀兰" not in response.content.decode()
    from volunteers.models import CareCategory

    disabled = CareCategory.objects.get(code="disabled")
    sign_in(client, staff)
    assert client.get(admin_url(CareRecipient) + f"?categories__id__exact={disabled.pk}").status_code == 400
    sign_in(client, sensitive_staff)
    response = client.get(admin_url(CareRecipient) + f"?categories__id__exact={disabled.pk}")
    assert response.status_code == 200
    assert [r.person.name for r in response.context["cl"].result_list] == ["陈秀兰"]


def test_the_access_log_names_only_what_a_record_showed(client, sensitive_staff, recipient, community, team):
    """A row with no phone and no categories showed nothing sensitive: not logged; a visit's notes are
    logged when the change page shows some, not when the visit has none."""
    from audit.models import AccessLog
    from volunteers.models import HomeVisit

    quiet = make_recipient(community, "王淑珍", phone="", team=team, categories=())
    sign_in(client, sensitive_staff)
    client.get(admin_url(CareRecipient))
    logged = dict(AccessLog.objects.values_list("object_id", "fields"))
    assert logged == {str(recipient.pk): "categories, phone"}, "not the quiet row"

    seen = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first()  # the log cannot be emptied
    visit = add_visit(recipient, team, [], datetime.date(2018, 2, 6))
    client.get(admin_url(HomeVisit, "change", visit.pk))
    assert not AccessLog.objects.filter(pk__gt=seen).exists(), "no notes, nothing shown"
    HomeVisit.objects.filter(pk=visit.pk).update(notes="血压偏高")
    client.get(admin_url(HomeVisit, "change", visit.pk))
    assert list(AccessLog.objects.filter(pk__gt=seen).values_list("object_id", "fields")) == [
        (str(visit.pk), "notes")
    ]
    client.get(admin_url(CareRecipient, "change", quiet.pk))
    assert AccessLog.objects.get(object_id=str(quiet.pk)).fields == "health_notes"
