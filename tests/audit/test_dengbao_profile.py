"""The 等保 level-2 profile of docs/deploy.md passes Django's deployment checks; cookies sent over plain http
do not."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROFILE = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-like-key-" + "k3Jw9" * 10,
    "ALLOWED_HOSTS": "shequ.example.gov.cn",
    "PASSWORD_MAX_AGE_DAYS": "180",
    "AUDIT_LOG_RETENTION_DAYS": "180",
    "SESSION_ABSOLUTE_SECONDS": "36000",
    "SECURE_HSTS_SECONDS": "31536000",
    "EMAIL_HOST": "mail.internal",
    "DEFAULT_FROM_EMAIL": "noreply@shequ.example.gov.cn",
}


def deploy_check(tmp_path, **overrides):
    # The test run's own (the browser tests allow async-unsafe calls in the test process).
    skip = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(PROFILE, DATABASE_URL=f"sqlite:///{tmp_path / 'profile.sqlite3'}", **overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_profile_passes_the_deployment_checks(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_cookies_over_plain_http_are_flagged(tmp_path):
    result = deploy_check(tmp_path, SECURE_COOKIES="false")
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stderr + result.stdout
