"""Settings for the test suite: production settings with a throwaway key and fast password hashing."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Jobs queued while no test worker runs go to a folder of this run's own, not the demo's var/celery.
if "CELERY_FILESYSTEM_FOLDER" not in os.environ:
    os.environ["CELERY_FILESYSTEM_FOLDER"] = tempfile.mkdtemp(prefix="community-test-queue-")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_AUTOREFRESH = True  # serve from the finders: tests do not run collectstatic
# Each test run keeps its own rate-limit counters (the default file cache is shared by the machine).
CACHES = {
    "default": env.cache("TEST_CACHE_URL", default="locmemcache://"),  # noqa: F405
    # Shared with the background-job tests' worker process (a file, not memory).
    "jobs": env.cache("TEST_JOBS_CACHE_URL", default=f"filecache://{BASE_DIR / 'var' / 'test-job-progress'}"),  # noqa: F405
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than memory: the background-job tests' worker process opens the same test database.
    _test_db = BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3"  # noqa: F405
    _test_db.parent.mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(_test_db)}  # noqa: F405
# Messages are sent at any hour in tests (the quiet hours have tests of their own).
MESSAGES_QUIET_HOURS = (0, 0)
# Each request thread of the browser tests' live server lives as long as Chromium keeps its keep-alive socket
# open, the whole session: a connection kept past the request (CONN_MAX_AGE) would stay open in every such
# thread and use up PostgreSQL's slots, which the concurrency tests need 60 of at once.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
