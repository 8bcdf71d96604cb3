"""The public pages and the admin work in a real browser under the Content Security Policy: no violations."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.e2e.conftest import browser_type_launch_args  # noqa: F401  (Debian's Chromium)
from tests.venues.conftest import make_venue
from venues.models import Offering

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_violations(page) -> list[str]:
    violations = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return violations


def test_public_pages_run_under_the_policy(live_server, page, community):
    venue = make_venue(community)
    Offering.objects.create(venue=venue, name="讲解参观", duration_minutes=45, max_group_size=10)
    violations = watch_violations(page)
    for path in ["/", "/venues/", f"/venues/{venue.slug}/"]:
        response = page.goto(live_server.url + path)
        assert response.ok and "content-security-policy" in response.headers
    page.locator(".slots a").first.click()  # the booking form and its script (book.js)
    page.wait_for_load_state("networkidle")
    assert page.locator("#id_size").is_visible()
    assert violations == []
    # the watch does see a violation: an inline script is refused
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1'; document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert violations and page.evaluate("() => window.x") is None


def signed_in_page(live_server, browser, user):
    client = Client()
    client.force_login(user)  # verified for the second factor by the project's conftest
    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def test_the_admin_runs_under_the_policy(live_server, browser, superuser, community):
    page = signed_in_page(live_server, browser, superuser)
    violations = watch_violations(page)
    venue = make_venue(community)
    for path in [
        reverse("admin:index"),
        reverse("admin:communities_person_changelist"),
        reverse("admin:communities_person_add"),
        reverse("admin:venues_venue_change", args=[venue.pk]),
        reverse("admin:venues_venue_history", args=[venue.pk]),
        reverse("audit:two_factor"),
        reverse("reports:dashboard"),
        reverse("volunteers:service_records"),
    ]:
        response = page.goto(live_server.url + path)
        assert response.ok, path
        page.wait_for_load_state("networkidle")
    # the admin's own scripts work: the inline formset's "add another" row appears
    page.goto(live_server.url + reverse("admin:venues_venue_change", args=[venue.pk]))
    add_links = page.locator(".add-row a")
    if add_links.count():
        before = page.locator("tr.form-row").count()
        add_links.first.click()
        assert page.locator("tr.form-row").count() > before
    assert violations == []


def test_the_due_visits_list_runs_under_the_policy(live_server, browser, superuser, community):
    page = signed_in_page(live_server, browser, superuser)
    violations = watch_violations(page)
    page.goto(live_server.url + reverse("volunteers:due"))
    page.wait_for_load_state("networkidle")
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    page.locator("[data-print]").click()
    page.wait_for_timeout(200)
    assert violations == []
    assert page.evaluate("() => window.printed") is True
