"""The Celery app: background jobs and schedules (`celery -A config worker`, `celery -A config beat`).

Its settings are the CELERY_* names in config/settings.py; tasks live in each app's ``tasks.py``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
