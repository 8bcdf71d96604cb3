"""A real Celery worker for the benches (solo pool, on CELERY_BROKER_URL) and its peak memory."""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def empty_broker() -> None:
    import redis

    redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).flushdb()


def start_worker(name: str, log_level: str = "INFO", *, empty: bool = True) -> subprocess.Popen:
    """A worker named ``name``; ``empty``: the broker is emptied first (jobs of an earlier run)."""
    if empty:
        empty_broker()
    log_path = Path(f"/tmp/bench-{name}-worker.log")
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-l", log_level]
    with open(log_path, "wb") as log:
        worker = subprocess.Popen([*command, "-n", f"bench-{name}@%h"], cwd=ROOT, stdout=log, stderr=log)
    while b" ready." not in log_path.read_bytes():
        if worker.poll() is not None:
            sys.exit(log_path.read_text()[-2000:])
        time.sleep(0.2)
    worker.log_path = log_path
    return worker


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
