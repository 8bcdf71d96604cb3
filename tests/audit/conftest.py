import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog
from django.db.models import F
from django.urls import reverse

from tests.venues.conftest import slot_start, venue  # noqa: F401  (fixtures for the tests here)

PASSWORD = "pw-for-tests-only"


def sign_in(client, username, password=PASSWORD, ip="10.0.0.1", next_url="/admin/"):
    """Sign in through the admin's login form, as a browser would."""
    return client.post(
        f"{reverse('admin:login')}?next={next_url}",
        {"username": username, "password": password, "next": next_url},
        REMOTE_ADDR=ip,
    )


def move_back(delta):
    """Pretend the recorded sign-in failures happened ``delta`` earlier."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)
    AccessAttemptExpiration.objects.update(expires_at=F("expires_at") - delta)
    AccessFailureLog.objects.update(attempt_time=F("attempt_time") - delta)


@pytest.fixture
def signin():
    return sign_in
