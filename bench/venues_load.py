"""Requests per second of the public venue page and of booking, against gunicorn on PostgreSQL, beside a trivial
view on the same server (the floor: the venue page should serve at least a fifth of its rate).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ven .venv/bin/python bench/venues_load.py [seconds]

Needs wrk (apt-get install -y wrk). It drops and recreates the database named in DATABASE_URL (default
bench_ven), loads the demo units and venues (567 venues), adds a year of past bookings and a register row for
each at the 16 Jianxi bases plus bookings in the coming weeks (about 20,000 bookings), then starts gunicorn
(bench/venues_settings.py: production settings, a trivial view at /bench/trivial, no rate limits) and
drives it with wrk: the trivial view, /healthz (one query), the venue list, the venue page of 一拖农耕博物馆,
its booking form (plain, and with a slot chosen as the venue page links to it), and the booking POST (each
request a new resident with its own phone and idempotency token, on a random future slot; answers are the
success redirect or the "full" page). Prints requests/s and latency, and each page's share of the trivial
view's rate. The cache is a file cache of its own (CACHE_URL to change it), emptied after the rebuild.
"""

import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

from _database import recreate_database  # bench/ is the script's folder: on sys.path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_ven")
# A cache of its own, named after the database and emptied after the rebuild: the machine's default file cache
# is shared with other runs, whose pages carry the same venue ids and availability versions.
_DB_NAME = os.environ["DATABASE_URL"].rstrip("/").rsplit("/", 1)[-1]
os.environ.setdefault(
    "CACHE_URL", f"filecache://{Path(tempfile.gettempdir()) / f'community-services-{_DB_NAME}'}"
)
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.venues_settings"

SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
VENUE = "jianxi-base-01"
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))


def build_data():
    import io

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.utils import timezone

    from communities import demo as units
    from venues import demo
    from venues.models import Booking, Slot, Venue, VisitRecord
    from venues.services import new_reference, schedule

    cache.clear()
    call_command("migrate", verbosity=0)
    units.load(io.StringIO())
    demo.load(io.StringIO())
    rng = random.Random(7)
    bases = list(
        Venue.objects.filter(kind=Venue.Kind.ORGANISATIONAL_LIFE_BASE).prefetch_related("opening_hours")
    )
    tz = timezone.get_default_timezone()
    slots = []
    today = timezone.localdate()
    for base in bases:
        hours = list(base.opening_hours.all())
        for offset in range(-365, 0):
            day = today + timedelta(days=offset)
            for row in hours:
                if row.weekday == day.weekday():
                    start = datetime.combine(day, row.opens, tzinfo=tz)
                    slots.append(Slot(venue=base, starts_at=start, ends_at=start + timedelta(minutes=90),
                                      capacity=base.capacity, booked_places=0))  # fmt: skip
        # The coming weeks: every other slot already partly booked.
        for day_ in schedule(base, days=28):
            for i, view in enumerate(day_.slots):
                if i % 2 == 0:
                    slots.append(Slot(venue=base, starts_at=view.starts_at, ends_at=view.ends_at,
                                      capacity=base.capacity, booked_places=0))  # fmt: skip
    slots = Slot.objects.bulk_create(slots, batch_size=2000)
    bookings, records = [], []
    now = timezone.now()
    for slot in slots:
        size = rng.randint(10, 40)
        slot.booked_places = size
        past = slot.starts_at < now
        bookings.append(
            Booking(
                reference=new_reference(), venue=slot.venue, community_id=slot.venue.community_id, slot=slot,
                visitor_kind=Booking.VisitorKind.ENTERPRISE_BRANCH, organisation="洛阳某企业党支部", size=size,
                contact_name="联系人", phone=f"139{rng.randrange(10**8):08d}",
                status=Booking.Status.COMPLETED if past else Booking.Status.CONFIRMED,
            )
        )  # fmt: skip
    Slot.objects.bulk_update(slots, ["booked_places"], batch_size=2000)
    bookings = Booking.objects.bulk_create(bookings, batch_size=2000)
    for booking in bookings:
        if booking.status == Booking.Status.COMPLETED:
            records.append(
                VisitRecord(venue_id=booking.venue_id, community_id=booking.community_id, booking=booking,
                            visited_on=timezone.localtime(booking.slot.starts_at).date(), visitors=booking.size)
            )  # fmt: skip
    VisitRecord.objects.bulk_create(records, batch_size=2000)
    free = [
        view.value
        for day_ in schedule(Venue.objects.get(slug=VENUE), days=28)
        for view in day_.slots
        if view.free > 0
    ]
    return {
        "venues": Venue.objects.count(),
        "bookings": Booking.objects.count(),
        "register rows": VisitRecord.objects.count(),
        "free slots": free,
    }


def start_gunicorn():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", str(WORKERS),
         "-k", "gthread", "--threads", str(THREADS), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{BASE}/bench/trivial", timeout=1).read()
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    sys.exit("gunicorn did not start")


def csrf_pair():
    with urllib.request.urlopen(f"{BASE}/venues/{VENUE}/book/") as response:
        cookie = re.search(r"csrftoken=([^;]+)", response.headers.get("Set-Cookie", "")).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)
    return cookie, token


BOOKING_LUA = """
local slots = {%(slots)s}
local venues = {%(venues)s}
local cookie = "%(cookie)s"
local token = "%(token)s"
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) %% 100000)
local function hex(n)
  local s = ""
  for i = 1, n do s = s .. string.format("%%x", math.random(0, 15)) end
  return s
end
request = function()
  local uuid = hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-a" .. hex(3) .. "-" .. hex(12)
  local body = "csrfmiddlewaretoken=" .. token .. "&visitor_kind=resident&size=1&contact_name=bench"
    .. "&phone=139" .. string.format("%%08d", math.random(0, 99999999))
    .. "&slot=" .. slots[math.random(#slots)] .. "&token=" .. uuid
  return wrk.format("POST", "/venues/" .. venues[math.random(#venues)] .. "/book/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. cookie,
  }, body)
end
"""


def wrk(path, script=None):
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, BASE + path], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    p50 = re.search(r"\n\s+50%\s+(\S+)", output).group(1)
    p99 = re.search(r"\n\s+99%\s+(\S+)", output).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rps, p50, p99, int(errors.group(1)) if errors else 0, requests


def main():
    recreate_database()
    started = time.perf_counter()
    data = build_data()
    print(f"data: {data['venues']} venues, {data['bookings']} bookings, {data['register rows']} register rows "
          f"(built in {time.perf_counter() - started:.1f} s)")  # fmt: skip
    server = start_gunicorn()
    try:
        results = {}
        for name, path in [
            ("trivial view (floor)", "/bench/trivial"),
            ("/healthz (one query)", "/healthz"),
            ("venue list /venues/", "/venues/"),
            ("venue page /venues/<slug>/", f"/venues/{VENUE}/"),
            ("booking form GET", f"/venues/{VENUE}/book/"),
            (
                "booking form GET ?slot=",
                f"/venues/{VENUE}/book/?slot={data['free slots'][len(data['free slots']) // 2]}",
            ),
            ("trivial view, again", "/bench/trivial"),
        ]:
            urllib.request.urlopen(BASE + path).read()  # warm up
            results[name] = wrk(path)
        from django.db import connection

        from venues.models import Booking, Slot

        before = Booking.objects.count()
        made = {}
        cookie, token = csrf_pair()
        slots = ",".join(f'"{value}"' for value in data["free slots"])
        # The 16 bases share their opening hours, so the same slot values are valid at each of them.
        bases = [f"jianxi-base-{i:02d}" for i in range(1, 17)]
        for name, venues in [("booking POST, one venue", [VENUE]), ("booking POST, 16 venues", bases)]:
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
                names = ",".join(f'"{v}"' for v in venues)
                script.write(
                    BOOKING_LUA % {"slots": slots, "venues": names, "cookie": cookie, "token": token}
                )
            results[name] = wrk(f"/venues/{VENUE}/book/", script.name)
            os.unlink(script.name)
            made[name] = Booking.objects.count() - before
            before += made[name]
        overbooked = Slot.objects.filter(booked_places__gt=models_f("capacity")).count()
        connection.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    # The machine is shared: the floor is the mean of the trivial view measured before and after the pages.
    floor = (results["trivial view (floor)"][0] + results.pop("trivial view, again")[0]) / 2
    print(
        f"\ngunicorn {WORKERS} workers x {THREADS} threads, wrk 2 threads {CONNECTIONS} connections {SECONDS} s"
    )
    print(f"floor (mean of the trivial view before and after the pages): {floor:.1f} req/s")
    print(f"{'':32} {'req/s':>9} {'p50':>9} {'p99':>9} {'non-2xx/3xx':>12} {'of floor':>9}")
    for name, (rps, p50, p99, errors, _requests) in results.items():
        print(f"{name:32} {rps:9.1f} {p50:>9} {p99:>9} {errors:12d} {rps / floor:9.2f}")
    print()
    for name, count in made.items():
        # The other answers are the "full" page: the slots are drawn from those free when the run started.
        print(f"{name}: {results[name][4]} requests, {count} bookings made")
    print(f"slots over capacity: {overbooked}")
    form_ratio = results["booking form GET"][0] / floor
    post_ratio = results["booking POST, one venue"][0] / floor
    print(
        f"booking form GET / trivial view = {form_ratio:.2f}; booking POST / trivial view = {post_ratio:.2f}"
    )
    venue_ratio = results["venue page /venues/<slug>/"][0] / floor
    print(
        f"venue page / trivial view = {venue_ratio:.2f} (target >= 0.20): {'OK' if venue_ratio >= 0.2 else 'BELOW'}"
    )


def models_f(name):
    from django.db.models import F

    return F(name)


if __name__ == "__main__":
    main()
