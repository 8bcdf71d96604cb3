"""Project-wide test set-up owned by the audit app (tests/conftest.py holds the personas).

Two-factor sign-in is enforced on every session of an account that may see sensitive personal data
(audit.middleware.TwoFactorMiddleware). ``client.force_login(user)`` skips the password, so in tests it
also stands for the second factor: the session is marked verified with a test authenticator. Tests of the
two-factor requirement itself sign in through the login form, or mark themselves
``@pytest.mark.otp_unverified`` to keep force_login sessions unverified.
"""

import pytest


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(request):
    if request.node.get_closest_marker("otp_unverified"):
        yield
        return
    from django.contrib.auth.signals import user_logged_in

    from audit.testing import verify_forced_login

    user_logged_in.connect(verify_forced_login, dispatch_uid="audit.tests.verify_forced_login")
    try:
        yield
    finally:
        user_logged_in.disconnect(dispatch_uid="audit.tests.verify_forced_login")
