"""Which records a staff account may see: the one place that decides it.

Every scoped model declares ``scope_paths``: for each unit level, the lookup path from the model to the
District, Subdistrict or Community it belongs to. ``ScopedQuerySet.for_user(user)`` filters by the unit
the account is assigned to (its StaffProfile); superusers see everything, an account without a unit
sees nothing. The admin, imports, exports and reports all start from ``for_user``.

Build ``scope_paths`` with ``community_scoped("path__to__community")`` for records that belong to a
community, or ``subdistrict_scoped(...)`` / ``district_scoped(...)`` for records above that level.
A staff account assigned to a unit finer than a record's level sees the record when it sits above the
account's unit (a community's staff see their own subdistrict and district, read-only by permission).
"""

from django.db import models
from django.db.models import Q

DISTRICT, SUBDISTRICT, COMMUNITY = "district", "subdistrict", "community"
LEVELS = (DISTRICT, SUBDISTRICT, COMMUNITY)


def _join(path: str, tail: str) -> str:
    return f"{path}__{tail}" if path else tail


def community_scoped(path: str) -> dict[str, str]:
    """Paths for a record belonging to a community; ``path`` is "" for the Community model itself."""
    return {
        COMMUNITY: path or "pk",
        SUBDISTRICT: _join(path, "subdistrict"),
        DISTRICT: _join(path, "subdistrict__district"),
    }


def subdistrict_scoped(path: str) -> dict[str, str]:
    """Paths for a record belonging to a subdistrict; ``path`` is "" for the Subdistrict model itself."""
    return {SUBDISTRICT: path or "pk", DISTRICT: _join(path, "district")}


def district_scoped(path: str) -> dict[str, str]:
    return {DISTRICT: path or "pk"}


def unit_of(user):
    """The unit (District, Subdistrict or Community) a staff account is assigned to, or None."""
    profile = getattr(user, "staff_profile", None)
    return profile.unit if profile is not None else None


def unit_level(unit) -> str:
    return unit._meta.model_name


def unit_ancestor(unit, level: str):
    """The unit itself or the ancestor of ``unit`` at ``level``."""
    if unit_level(unit) == COMMUNITY and level != COMMUNITY:
        unit = unit.subdistrict
    if unit_level(unit) == SUBDISTRICT and level == DISTRICT:
        unit = unit.district
    return unit


def scope_q(model, unit) -> Q:
    """The filter that keeps ``model``'s records inside ``unit`` (or above it, for coarser records)."""
    paths = model.scope_paths
    level = unit_level(unit)
    if level in paths:
        # By primary key: a path of "pk" (the unit's own model) does not accept a model instance.
        return Q(**{paths[level]: unit.pk})
    # The record lives above the account's unit: visible when it is the account's own ancestor.
    for coarser in LEVELS:
        if coarser in paths and LEVELS.index(coarser) < LEVELS.index(level):
            finest = coarser
    return Q(**{paths[finest]: unit_ancestor(unit, finest).pk})


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        unit = unit_of(user)
        if unit is None:
            return self.none()
        return self.for_unit(unit)

    def for_unit(self, unit):
        return self.filter(scope_q(self.model, unit))


def is_scoped(model) -> bool:
    return hasattr(model, "scope_paths")


def unit_key(unit) -> str:
    """How a unit is named in URLs: ``district:3``, ``subdistrict:12``, ``community:40``."""
    return f"{unit_level(unit)}:{unit.pk}"


def contains(outer, inner) -> bool:
    """Whether ``inner`` is ``outer`` or lies inside it."""
    outer_level, inner_level = unit_level(outer), unit_level(inner)
    if LEVELS.index(inner_level) < LEVELS.index(outer_level):
        return False
    return unit_ancestor(inner, outer_level).pk == outer.pk


def split_unit_key(value: str) -> tuple[str, int] | None:
    """``"subdistrict:12"`` → ("subdistrict", 12); None when it is not of that form."""
    level, _sep, pk = (value or "").partition(":")
    return (level, int(pk)) if level in LEVELS and pk.isdigit() else None


def visible_unit(user, level: str, pk: int):
    """The unit at ``level`` with ``pk`` if the account may see it (its own unit or inside it), else None:
    a unit outside the account's unit and one that does not exist look the same."""
    from django.apps import apps

    model = apps.get_model("communities", level)
    ancestors = {COMMUNITY: ["subdistrict__district"], SUBDISTRICT: ["district"], DISTRICT: []}[level]
    unit = model.objects.select_related(*ancestors).filter(pk=pk).first()
    if unit is None or user.is_superuser:
        return unit
    own = unit_of(user)
    return unit if own is not None and contains(own, unit) else None
