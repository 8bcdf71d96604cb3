"""Lighthouse scores and axe-core violations of the public pages, against gunicorn with production settings.

    .venv/bin/python bench/public_pages_quality.py [runs]

Installs lighthouse 12 and axe-core 4 from the npm registry into var/bench-npm/ (once), builds a SQLite
database of its own with the demo data, collects the static files, starts gunicorn (DEBUG off, plain http
on 127.0.0.1) and, with Debian's Chromium:
- runs Lighthouse (mobile and desktop presets) ``runs`` times (default 3) on the home page, the venue list,
  a venue page, its booking form and a confirmed booking's status page, and prints the median score of each
  category (mobile performance is noisy on a loaded 2-core machine, hence the median);
- runs axe-core (WCAG 2.1 A/AA rules) on the same pages at 375 px and on the booking form showing its errors
  (sent empty), and prints the violations.
A plain Lighthouse run cannot send a form: the form showing its errors is measured in Lighthouse's snapshot
mode (bench/lighthouse_form_errors.mjs, puppeteer-core sends it empty first), which has no performance score.
"""

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NPM_DIR = ROOT / "var" / "bench-npm"
CHROMIUM = "/usr/bin/chromium"
PORT = int(os.environ.get("BENCH_PORT", "8799"))
BASE = f"http://127.0.0.1:{PORT}"
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def npm_tools() -> tuple[Path, Path]:
    lighthouse = NPM_DIR / "node_modules" / ".bin" / "lighthouse"
    axe = NPM_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not (lighthouse.exists() and axe.exists()):
        NPM_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(NPM_DIR), "lighthouse@12", "axe-core@4"],
            check=True,
        )
    return lighthouse, axe


def server_env(database: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-quality-" + "k9Qz7" * 12,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{database}",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "CACHE_URL": f"filecache://{database.parent / 'cache'}",
        "CACHE_KEY_PREFIX": "bench-quality",
    }


def prepare(env) -> dict:
    """The database, the static files and a confirmed booking; returns the pages' addresses."""
    python = sys.executable

    def run(*args):
        subprocess.run([python, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)

    run("migrate", "--noinput")
    run("load_demo")
    run("collectstatic", "--noinput")
    code = (
        "import django; django.setup()\n"
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from venues.models import Booking, Venue\n"
        "from venues.services import booking_create, schedule\n"
        "venue = Venue.objects.filter(public_bookable=True).order_by('pk').first()\n"
        "slot = next(s for d in schedule(venue) for s in d.slots if s.free >= 2)\n"
        "b = booking_create(venue=venue, starts_at=slot.starts_at, offering=None, visitor_kind='resident',\n"
        "    organisation='', size=2, contact_name='王芳', phone='13812345678')\n"
        "Booking.objects.filter(pk=b.pk).update(status='confirmed')\n"
        "print(venue.slug, b.reference)\n"
    )
    slug, reference = subprocess.run(
        [python, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    return {
        "home": "/",
        "venue list": "/venues/",
        "venue page": f"/venues/{slug}/",
        "booking form": f"/venues/{slug}/book/",
        "status page": f"/bookings/{reference}/",
    }


def start_server(env):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{BASE}/healthz", timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def lighthouse_scores(lighthouse: Path, url: str, preset: str, runs: int) -> dict:
    results = {category: [] for category in CATEGORIES}
    for _ in range(runs):
        command = [
            str(lighthouse),
            url,
            "--output=json",
            "--quiet",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ]
        if preset == "desktop":
            command.append("--preset=desktop")
        with tempfile.NamedTemporaryFile(suffix=".json") as output:
            for _attempt in range(3):  # Chromium now and then fails to start on a busy machine
                done = subprocess.run(
                    [*command, f"--output-path={output.name}"],
                    capture_output=True,
                    text=True,
                    env={**os.environ, "CHROME_PATH": CHROMIUM},
                )
                if done.returncode == 0:
                    break
                print(f"  lighthouse failed ({done.stderr.strip()[-300:]}), again", file=sys.stderr)
            else:
                raise SystemExit(f"lighthouse kept failing on {url}")
            report = json.loads(Path(output.name).read_text())
        for category in CATEGORIES:
            results[category].append(round(100 * (report["categories"][category]["score"] or 0)))
    return {category: statistics.median(scores) for category, scores in results.items()}


def form_errors_scores(url: str, runs: int) -> dict:
    """Lighthouse's snapshot mode on the form after it was sent empty (bench/lighthouse_form_errors.mjs, run
    from the npm folder so that it finds lighthouse and puppeteer-core)."""
    script = NPM_DIR / "lighthouse_form_errors.mjs"
    shutil.copy(ROOT / "bench" / "lighthouse_form_errors.mjs", script)
    results = {category: [] for category in CATEGORIES[1:]}
    for _ in range(runs):
        done = subprocess.run(
            ["node", str(script), url, CHROMIUM], capture_output=True, text=True, check=True
        )
        scores = json.loads(done.stdout.strip().splitlines()[-1])
        for category in results:
            results[category].append(scores[category])
    return {category: statistics.median(values) for category, values in results.items()}


def axe_violations(axe: Path, pages: dict) -> dict:
    from playwright.sync_api import sync_playwright

    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        # axe is injected into the page: the site's CSP (no inline script) would refuse it otherwise.
        context = browser.new_context(viewport={"width": 375, "height": 812}, bypass_csp=True, locale="zh-CN")
        page = context.new_page()

        def check(name):
            page.add_script_tag(path=str(axe))
            result = page.evaluate(
                "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
            )
            found[name] = [(v["id"], len(v["nodes"])) for v in result["violations"]]

        for name, path in pages.items():
            page.goto(BASE + path)
            check(name)
        page.goto(BASE + pages["booking form"])
        page.locator("button[type=submit].primary").click()
        page.wait_for_selector("#error-summary")
        check("booking form with errors")
        browser.close()
    return found


def main():
    lighthouse, axe = npm_tools()
    folder = Path(tempfile.mkdtemp(prefix="bench-quality-"))
    env = server_env(folder / "db.sqlite3")
    pages = prepare(env)
    server = start_server(env)
    try:
        load = os.getloadavg()
        print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {RUNS} runs, medians")
        print(f"{'page':<26}{'preset':<9}" + "".join(f"{c:>16}" for c in CATEGORIES))
        for name, path in pages.items():
            for preset in ("mobile", "desktop"):
                scores = lighthouse_scores(lighthouse, BASE + path, preset, RUNS)
                print(f"{name:<26}{preset:<9}" + "".join(f"{scores[c]:>16}" for c in CATEGORIES), flush=True)
        scores = form_errors_scores(BASE + pages["booking form"], RUNS)
        print(
            f"{'booking form with errors':<26}{'snapshot':<9}{'-':>16}"
            + "".join(f"{scores[c]:>16}" for c in CATEGORIES[1:])
        )
        print("\naxe-core (WCAG 2.1 A/AA) at 375 px:")
        for name, violations in axe_violations(axe, pages).items():
            print(f"  {name:<26} {len(violations)} violations {violations if violations else ''}")
        load = os.getloadavg()
        print(f"load average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
