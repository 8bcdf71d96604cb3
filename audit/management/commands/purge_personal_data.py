"""Daily: anonymise the personal data of bookings and visits past the retention period (counts stay)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from audit.personal_data import purge_expired


class Command(BaseCommand):
    help = (
        "Anonymise contact names, phones and notes of bookings, visit records and home visits older than "
        "PERSONAL_DATA_RETENTION_DAYS; the rows stay so every count is unchanged. Celery beat runs it daily "
        "(CELERY_BEAT_SCHEDULE); this command runs it by hand."
    )

    def handle(self, *args, **options):
        done = purge_expired()
        days = settings.PERSONAL_DATA_RETENTION_DAYS
        for label, count in done.items():
            self.stdout.write(f"{label}: {count} anonymised (older than {days} days)")
        self.stdout.write(self.style.SUCCESS(f"done: {sum(done.values())} records anonymised"))
