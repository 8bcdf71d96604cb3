"""`make demo`'s server: the background-job worker (with the schedule) beside the development web server,
started and stopped together (Ctrl-C stops both)."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Runs the demo: the Celery worker with its schedule (log: var/worker.log) and the development server."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", help="address and port of the web server, e.g. 127.0.0.1:8000")

    def handle(self, addrport, **options):
        # runserver's auto-reloader runs this command again in a child process (RUN_MAIN): only the
        # outer process, the one Ctrl-C ends, owns the worker.
        if os.environ.get("RUN_MAIN") == "true":
            call_command("runserver", addrport)
            return
        folder = Path(settings.BASE_DIR) / "var"
        folder.mkdir(exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-B",
            "--pool=solo",
            "-l",
            "INFO",
        ]
        command += ["-n", "demo@%h", "-s", str(folder / "celerybeat-schedule")]
        with open(folder / "worker.log", "ab") as log:
            worker = subprocess.Popen(command, stdout=log, stderr=log, cwd=settings.BASE_DIR)
        self.stdout.write(f"后台任务进程已启动（日志：{folder / 'worker.log'}）")
        try:
            call_command("runserver", addrport)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
