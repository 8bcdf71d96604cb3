"""The cache behind the public pages' rate limits: a file cache by default, Redis in production."""

import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import override_settings

from registers import ratelimit

ROOT = Path(__file__).resolve().parents[2]


def production_caches(**env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "CACHE_URL"}}
    env.update(DEBUG="false", SECRET_KEY="a-production-like-key-" + "x7Qp2" * 10, **env_overrides)
    code = (
        "import config.settings as s; print(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_the_default_cache_is_shared_by_the_worker_processes_of_one_machine():
    backend, location = production_caches()
    assert backend == "django.core.cache.backends.filebased.FileBasedCache"
    assert Path(location) == ROOT / "var" / "cache"  # this instance's own folder, not the machine's /tmp


LIST_PAGE_KEY = "venues:list:zh-hans:::1"  # the public venue list's cached body (venues.views)


def instance(database, code, **env_overrides):
    """Run ``code`` in a fresh process of this checkout with production settings on ``database``."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "CACHE_URL"}}
    env.update(
        DEBUG="false",
        SECRET_KEY="a-production-like-key-" + "x7Qp2" * 10,
        DATABASE_URL=database,
        DJANGO_SETTINGS_MODULE="config.settings",
        **env_overrides,
    )
    setup = "import django; django.setup(); from django.core.cache import cache; "
    result = subprocess.run(
        [sys.executable, "-c", setup + code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def cached_page_seen_across_instances(first_db, second_db, **env):
    marker = f"page-of-{time.time_ns()}"
    instance(first_db, f"cache.set({LIST_PAGE_KEY!r}, {marker!r}, 300)", **env)
    seen_by_second = instance(second_db, f"print(cache.get({LIST_PAGE_KEY!r}))", **env)
    seen_by_first = instance(first_db, f"print(cache.get({LIST_PAGE_KEY!r}))", **env)
    assert seen_by_first == marker  # the first instance's own page is cached all right
    return seen_by_second == marker


def test_two_instances_on_one_machine_never_see_each_others_cached_pages(tmp_path):
    first, second = f"sqlite:///{tmp_path / 'xiguan.sqlite3'}", f"sqlite:///{tmp_path / 'jianxi.sqlite3'}"
    assert not cached_page_seen_across_instances(first, second)
    # Two processes of the same instance (web servers, workers) do share it.
    assert cached_page_seen_across_instances(first, first)


def test_two_instances_sharing_one_redis_never_see_each_others_cached_pages(tmp_path, redis_url):
    first, second = f"sqlite:///{tmp_path / 'xiguan.sqlite3'}", f"sqlite:///{tmp_path / 'jianxi.sqlite3'}"
    assert not cached_page_seen_across_instances(
        first, second, CACHE_URL=redis_url.replace("redis://", "rediscache://")
    )


def test_a_key_prefix_from_the_environment_is_used(tmp_path):
    first, second = f"sqlite:///{tmp_path / 'a.sqlite3'}", f"sqlite:///{tmp_path / 'b.sqlite3'}"
    # The same prefix given to both: an operator's deliberate choice (one site behind two databases).
    assert cached_page_seen_across_instances(first, second, CACHE_KEY_PREFIX="xiguan")
    assert (
        instance(
            first,
            "from django.conf import settings; print(settings.CACHES['default']['KEY_PREFIX'])",
            CACHE_KEY_PREFIX="xiguan",
        )
        == "xiguan"
    )


def test_the_documented_redis_url_uses_djangos_redis_cache():
    backend, location = production_caches(CACHE_URL="rediscache://127.0.0.1:6379/1")
    assert backend == "django.core.cache.backends.redis.RedisCache"
    assert location == "redis://127.0.0.1:6379/1"


def test_counters_in_the_file_cache_are_seen_by_another_process(tmp_path):
    config = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    with override_settings(CACHES=config):
        caches["default"].set("shared", 41)
        code = (
            "import django; from django.conf import settings; "
            f"settings.configure(CACHES={config!r}); django.setup(); "
            "from django.core.cache import cache; print(cache.incr('shared'))"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        assert result.stdout.strip() == "42", result.stderr
        assert caches["default"].get("shared") == 42


@pytest.fixture
def redis_url():
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("no redis-server on this machine")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/1"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_booking_rate_limit_counts_in_redis(redis_url, settings):
    config = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    with override_settings(CACHES=config):
        caches["default"].clear()
        settings.RATE_LIMITS = {"booking_phone": (3, 3600)}
        results = [ratelimit.hit("booking_phone", "13812345678") for _ in range(4)]
        assert results == [False, False, False, True]
        assert ratelimit.hit("booking_phone", "13900000000") is False  # another number has its own count
        keys = caches["default"]._cache.get_client().keys("*")
        assert keys and not any(b"13812345678" in key for key in keys)  # never the number itself


@pytest.mark.django_db
def test_the_public_booking_form_says_clearly_when_redis_counted_too_many(
    client, redis_url, venue, slot_start, settings
):
    from tests.venues.test_booking import form_data

    config = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    with override_settings(CACHES=config, RATE_LIMITS={"booking_phone": (2, 3600)}):
        caches["default"].clear()
        # Three bookings at three times with one phone: the third is one too many.
        times = [slot_start + timedelta(hours=hours) for hours in range(3)]
        statuses = [client.post(f"/venues/{venue.slug}/book/", form_data(t)).status_code for t in times]
        assert statuses[:2] == [302, 302]
        assert statuses[2] == 429
        response = client.post(f"/venues/{venue.slug}/book/", form_data(times[2]))
        text = response.content.decode()
        assert response.status_code == 429 and 'role="alert"' in text and "<html" in text.lower()
