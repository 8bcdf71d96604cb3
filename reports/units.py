"""The units a report can be about: parsing ``district:12`` from the URL, what an account may choose, and
the lookup paths from a community-owned record to a unit and to the unit's sub-units."""

from django.db.models import Q
from django.utils.translation import pgettext_lazy

from communities.models import Community, District, Subdistrict
from registers.units import (
    COMMUNITY,
    DISTRICT,
    SUBDISTRICT,
    level_of,
    split_unit_key,
    unit_key,
    unit_of,
    visible_unit,
)

NEXT_LEVEL = {DISTRICT: SUBDISTRICT, SUBDISTRICT: COMMUNITY, COMMUNITY: COMMUNITY}
LEVEL_LABELS = {
    DISTRICT: pgettext_lazy("report", "district"),
    SUBDISTRICT: pgettext_lazy("report", "subdistrict"),
    COMMUNITY: pgettext_lazy("report", "community"),
}


class UnitError(ValueError):
    """The ``unit`` parameter names no unit the account may report on; the message says why."""


def home_unit(user):
    """The unit a report opens on: the account's own, or for a superuser without one the first district."""
    unit = unit_of(user)
    if unit is None and user.is_superuser:
        unit = District.objects.order_by("name").first()
    return unit


def parse_unit(value: str, user):
    """The unit named by ``value`` (``district:12``) if the account may report on it, else UnitError.

    A unit that does not exist and one outside the account's unit get the same answer, as everywhere in
    the project (a record that is not yours and one that does not exist look the same).
    """
    key = split_unit_key(value)
    if key is None:
        raise UnitError(
            pgettext_lazy(
                "report", "“%(value)s” is not a unit. Choose one from the list (e.g. subdistrict:12)."
            )
            % {"value": value}
        )
    level, pk = key
    unit = visible_unit(user, level, pk)
    if unit is None:
        home = unit_of(user)
        raise UnitError(
            pgettext_lazy("report", "There is no %(level)s number %(pk)s in your unit (%(home)s).")
            % {"level": LEVEL_LABELS[level], "pk": pk, "home": home or pgettext_lazy("report", "none")}
        )
    return unit


def units_within(unit) -> list[tuple[str, str]]:
    """(key, label) of the unit and every unit inside it, for the filter's choices (at most 2 queries)."""
    level = level_of(unit)
    choices = [(unit_key(unit), str(unit))]
    if level == DISTRICT:
        subs = list(Subdistrict.objects.filter(district=unit).order_by("name"))
        communities = Community.objects.filter(subdistrict__district=unit).order_by(
            "subdistrict__name", "name"
        )
        by_sub: dict[int, list] = {}
        for community in communities:
            by_sub.setdefault(community.subdistrict_id, []).append(community)
        for sub in subs:
            choices.append((unit_key(sub), f"— {sub}"))
            choices += [(unit_key(c), f"—— {c}") for c in by_sub.get(sub.pk, [])]
    elif level == SUBDISTRICT:
        choices += [
            (unit_key(c), f"— {c}") for c in Community.objects.filter(subdistrict=unit).order_by("name")
        ]
    return choices


def all_units_choices() -> list[tuple[str, str]]:
    """For a superuser: every district and the units inside it (3 queries)."""
    choices = []
    districts = list(District.objects.order_by("name"))
    subs = list(Subdistrict.objects.order_by("name"))
    communities = list(Community.objects.order_by("name").only("id", "name", "subdistrict_id"))
    subs_of: dict[int, list] = {}
    for sub in subs:
        subs_of.setdefault(sub.district_id, []).append(sub)
    comms_of: dict[int, list] = {}
    for community in communities:
        comms_of.setdefault(community.subdistrict_id, []).append(community)
    for district in districts:
        choices.append((unit_key(district), str(district)))
        for sub in subs_of.get(district.pk, []):
            choices.append((unit_key(sub), f"— {sub}"))
            choices += [(unit_key(c), f"—— {c}") for c in comms_of.get(sub.pk, [])]
    return choices


def path_to(level: str, prefix: str = "community") -> str:
    """Lookup from a record (whose community is at ``prefix``) to its unit at ``level``, as an id."""
    if not prefix:  # the Community model itself
        return {COMMUNITY: "pk", SUBDISTRICT: "subdistrict_id", DISTRICT: "subdistrict__district_id"}[level]
    return {
        COMMUNITY: f"{prefix}_id",
        SUBDISTRICT: f"{prefix}__subdistrict_id",
        DISTRICT: f"{prefix}__subdistrict__district_id",
    }[level]


def in_unit(unit, prefix: str = "community") -> Q:
    """Records whose community (at ``prefix``) lies inside ``unit``."""
    return Q(**{path_to(level_of(unit), prefix): unit.pk})


def subunit_path(unit, prefix: str = "community") -> str:
    """The id to group by for the breakdown one level down (a community's breakdown is itself)."""
    return path_to(NEXT_LEVEL[level_of(unit)], prefix)


def subunits(unit) -> list:
    """The sub-units of the breakdown, by name (1 query)."""
    level = level_of(unit)
    if level == DISTRICT:
        return list(Subdistrict.objects.filter(district=unit).order_by("name"))
    if level == SUBDISTRICT:
        return list(Community.objects.filter(subdistrict=unit).order_by("name"))
    return [unit]


def community_ids(unit) -> list[int]:
    """Ids of the communities inside ``unit`` (1 query; none for a community itself)."""
    if level_of(unit) == COMMUNITY:
        return [unit.pk]
    return list(Community.objects.filter(in_unit(unit, "")).values_list("pk", flat=True).order_by("pk"))
