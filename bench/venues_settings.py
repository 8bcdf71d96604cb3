"""Settings for bench/venues_load.py: production settings, plus a trivial view (the floor) and no rate limits.

The load generator books from one address with many phone numbers; the rate limits would turn most of its
requests into 429 pages, which is not what the benchmark measures. Everything else is production as is
(DEBUG off, whitenoise, PostgreSQL with persistent connections); TLS is the proxy's job, so no redirect.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-bench")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ["SECURE_SSL_REDIRECT"] = "false"

from config.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.venues_urls"
RATE_LIMITS = {name: (10**9, 3600) for name in ("booking_ip", "booking_phone", "cancel_ip", "cancel_tries")}
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
