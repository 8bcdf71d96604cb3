"""A scan of every admin page, export, autocomplete and report for personal data shown to staff without the
sensitive-data permission.

After the demo data (topped up so every register has a record in 环西社区, plus a care recipient and a home
visit with notes), community staff of 环西 open every registered admin's list, search, autocomplete and
export, the change and history pages of their records that hold sensitive values, the team leaders' pages
and the reports. No full phone number and no hidden value (health notes, visit notes, care categories) may
appear. The same walk by a personal-data officer of 环西 must show every one of them, so the scan can fail.
It is table-driven over ``admin.site._registry`` and the models' declarations: a new register or a newly
declared field is scanned without anyone adding it here.
"""

import html
import io

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from communities.models import Community
from registers.personal_data import HIDDEN, MASKED, declared
from registers.roles import COMMUNITY_STAFF, PERSONAL_DATA_OFFICERS
from registers.scoping import is_scoped
from tests.audit.test_scoping_scan import HOME, top_up
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

RECORDS_CHECKED_PER_MODEL = 3
TEAM_LEADER_PAGES = ["/volunteers/due/", "/volunteers/service-records/"]
# Pages that show the staff of the record's own community the full numbers they must call (logged).
CALLERS_PAGES = {"/volunteers/due/"}


def seed_hidden_values(home):
    """A care recipient with health notes and categories, and a visit to them with notes, in 环西."""
    from communities.models import Person
    from volunteers.models import CareCategory, CareRecipient, HomeVisit, VolunteerTeam

    person = Person.objects.create(name="扫描隐私老人", community=home, phone="13922223333")
    recipient = CareRecipient.objects.create(
        person=person,
        community=home,
        health_notes="扫描隐私健康备注：高血压",
        frequency=1,
        frequency_unit="month",
    )
    recipient.categories.set(CareCategory.objects.all()[:2])
    HomeVisit.objects.create(
        recipient=recipient,
        community=home,
        team=VolunteerTeam.objects.filter(community=home).first(),
        visited_on="2018-06-01",
        minutes=30,
        notes="扫描隐私走访备注：情绪低落",
    )


@pytest.fixture
def home(db):
    call_command("load_demo", stdout=io.StringIO())
    home = Community.objects.get(name=HOME)
    top_up(home)
    seed_hidden_values(home)
    return home


def sensitive_records(model, home):
    """Up to a few of 环西's records of ``model`` holding a value in each of its sensitive fields."""
    records = []
    for name, field in declared(model).items():
        if not field.sensitive:
            continue
        queryset = model.objects.for_unit(home).order_by("pk")
        if model._meta.get_field(name).many_to_many:
            queryset = queryset.filter(**{f"{name}__isnull": False}).distinct()
        else:
            queryset = queryset.exclude(**{name: ""}).exclude(**{f"{name}__isnull": True})
        records += [obj for obj in queryset[:RECORDS_CHECKED_PER_MODEL] if obj not in records]
    return records


def secrets_of(obj) -> dict[str, set[str]]:
    """{"everywhere": full phones and hidden texts, "own pages": hidden list labels, "phones": the full
    phones among them} of ``obj``."""
    found = {"everywhere": set(), "own pages": set(), "phones": set()}
    for name, field in declared(type(obj)).items():
        if field.shown not in (MASKED, HIDDEN):
            continue
        if type(obj)._meta.get_field(name).many_to_many:
            found["own pages"].update(str(item) for item in getattr(obj, name).all())
        elif getattr(obj, name):
            found["everywhere"].add(str(getattr(obj, name)))
            if field.shown == MASKED:
                found["phones"].add(str(getattr(obj, name)))
    return found


def url(model, view, *args):
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


def text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return html.unescape(body.decode("utf-8-sig", errors="replace"))


def walk(client, records_by_model):
    """(where, model or None, page text) for every page and file the scan opens."""
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        changelist = url(model, "changelist")
        yield f"{label} list", model, text_of(client.get(changelist))
        if model_admin.search_fields:
            yield f"{label} search", model, text_of(client.get(changelist, {SEARCH_VAR: "139"}))
        for field_name in getattr(model_admin, "autocomplete_fields", ()):
            query = {"app_label": model._meta.app_label, "model_name": model._meta.model_name}
            response = client.get(reverse("admin:autocomplete"), {**query, "field_name": field_name})
            yield f"{label}.{field_name} autocomplete", model, text_of(response)
        export_url = url(model, "export")
        if export_url and hasattr(model_admin, "get_export_resource_classes"):
            request = client.get(changelist).wsgi_request
            for index, resource_class in enumerate(model_admin.get_export_resource_classes(request)):
                prefix = resource_class.__name__.lower()
                data = {"format": "1", "resource": str(index)}  # CSV
                for name in resource_class().get_export_order():
                    data[f"{prefix}_{name}"] = "on"
                yield f"{label} export", model, text_of(client.post(export_url, data))
        for obj in records_by_model.get(model, []):
            for view in ("change", "history", "auditlog"):
                page = url(model, view, obj.pk)
                if page is not None:
                    yield f"{label} {view} of {obj.pk}", model, text_of(client.get(page))
    for page in TEAM_LEADER_PAGES:
        yield page, None, text_of(client.get(page, {"start": "2018-01-01", "end": "2018-12-31"}))
    for fmt in ("", "csv"):
        yield (
            f"report {fmt or 'html'}",
            None,
            text_of(client.get("/reports/", {"format": fmt} if fmt else {})),
        )


def scan(client, home, callers_see_phones=False):
    """(every secret looked for, {secret: where it was shown}); with ``callers_see_phones`` the full phones
    on the callers' pages (the due list of the staff's own community) are not counted as shown."""
    records_by_model, everywhere, own_pages, phones = {}, set(), {}, set()
    for model in admin.site._registry:
        if is_scoped(model) and any(field.sensitive for field in declared(model).values()):
            records = sensitive_records(model, home)
            assert records, f"{model._meta.label}: no record in {HOME} with sensitive values to look for"
            records_by_model[model] = records
            for obj in records:
                secrets = secrets_of(obj)
                everywhere |= secrets["everywhere"]
                phones |= secrets["phones"]
                own_pages.setdefault(model, set()).update(secrets["own pages"])
    shown = {}
    for where, model, text in walk(client, records_by_model):
        for secret in everywhere | own_pages.get(model, set()):
            if callers_see_phones and where in CALLERS_PAGES and secret in phones:
                continue
            if secret in text:
                shown.setdefault(secret, []).append(where)
    return everywhere | set().union(*own_pages.values()), shown


def test_staff_without_the_permission_see_no_full_phone_or_hidden_value_anywhere(client, home):
    client.force_login(make_staff("scan-huanxi", home, COMMUNITY_STAFF))
    secrets, shown = scan(client, home, callers_see_phones=True)
    assert len(secrets) >= 8
    assert not shown, "\n".join(f"{secret!r} shown on {where[:4]}" for secret, where in shown.items())


def test_a_personal_data_officer_sees_every_value_the_scan_looks_for(client, home):
    client.force_login(make_staff("scan-officer", home, COMMUNITY_STAFF, PERSONAL_DATA_OFFICERS))
    secrets, shown = scan(client, home)
    assert set(shown) == secrets
