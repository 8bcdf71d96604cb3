"""Load the articles' units and records: ``manage.py load_demo`` (idempotent, a few seconds on SQLite)."""

import importlib
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each module has ``load(stdout)``; they run in this order, each in its own transaction.
LOADERS = ("communities.demo", "venues.demo", "volunteers.demo", "activities.demo", "party.demo")


class Command(BaseCommand):
    help = "Create the units, organisations and records of the articles (running it again changes nothing)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        for module_name in LOADERS:
            module = importlib.import_module(module_name)
            load = getattr(module, "load", None)
            if not callable(load):
                raise CommandError(f"{module_name} has no load(stdout) function.")
            self.stdout.write(f"{module_name} …")
            step = time.perf_counter()
            with transaction.atomic():
                load(self.stdout)
            self.stdout.write(f"{module_name}: done in {time.perf_counter() - step:.1f} s")
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {time.perf_counter() - started:.1f} s."))
