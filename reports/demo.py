"""Records the article figures need that the other apps' demo loaders do not create (``load(stdout)``).

* 宜阳县's 353 新时代"三新"讲习所 (lecture halls): "指导村级党组织依托党群服务中心建设新时代“三新”讲习所353个".
  venues.demo registers the villages' cultural service centres (353) but no lecture halls, so the
  dashboard's "lecture halls" figure for 宜阳县 would read 0. One hall per administrative village, housed
  in its service centre (same community), slug ``yiyang-lecture-hall-NNN`` in the villages' name order.

Run by ``manage.py load_demo`` after the other loaders (``reports.demo`` in its LOADERS); idempotent: the
slugs are unique and only missing halls are created, with one bulk_create.
"""

from communities import demo as units
from venues.models import Venue

YIYANG_LECTURE_HALLS = 353


def load(stdout) -> None:
    villages = list(
        units.yiyang_villages().select_related("subdistrict").order_by("subdistrict__name", "name", "pk")
    )
    wanted = [
        Venue(
            slug=f"yiyang-lecture-hall-{i + 1:03d}",
            kind=Venue.Kind.LECTURE_HALL,
            community=village,
            name=f"{village.name}新时代“三新”讲习所",
            address=f"洛阳市宜阳县 {village.subdistrict.name} {village.name}党群服务中心",
            capacity=40,
            public_bookable=False,
        )
        for i, village in enumerate(villages[:YIYANG_LECTURE_HALLS])
    ]
    existing = set(
        Venue.objects.filter(slug__startswith="yiyang-lecture-hall-").values_list("slug", flat=True)
    )
    created = Venue.objects.bulk_create([v for v in wanted if v.slug not in existing], batch_size=500)
    stdout.write(f"reports: 宜阳县 lecture halls +{len(created)} ({len(existing) + len(created)} in all)")
