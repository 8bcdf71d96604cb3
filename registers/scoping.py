"""Which records a staff account may see: the one rule, and every way of asking it.

Every scoped model declares ``scope_paths``: the lookup from the model to the unit it belongs to, built with
``scoped_to(level, path)`` (or ``community_scoped(path)`` …). The paths to the units above are derived from
the unit tree (registers.units), so a record of a community is inside its subdistrict, its district and
whatever lies above. From that one declaration come:

- ``Model.objects.for_user(user)`` / ``.for_unit(unit)``: the records inside the account's unit (superusers
  see everything, an account without a unit nothing); the admin, imports, exports and reports start here;
- ``scope_q(Model, unit, via=…)``: the same filter, for a query that starts elsewhere (a through table);
- ``scope_path(Model, level)``: what to group by for a breakdown by unit;
- ``in_scope(record, user)``: the same question for a record in memory (a form about to be saved);
- ``unit_id_of(record, level)``: the id of the record's unit, from what is loaded.

A staff account assigned to a unit finer than a record's level sees the record when it sits above the
account's unit (a community's staff see their own subdistrict and district, read-only by permission).
"""

from collections.abc import Mapping

from django.db import models
from django.db.models import Q

from . import units
from .units import COMMUNITY, DISTRICT, SUBDISTRICT, unit_of


def _join(*parts: str) -> str:
    return "__".join(part for part in parts if part)


class ScopePaths(Mapping):
    """{level: lookup} from a model to its unit at each level; computed when first read (the unit tree is
    known once the apps are loaded)."""

    def __init__(self, level: str, path: str, finer: dict[str, str] | None = None):
        self.level, self.path, self.finer = level, path, dict(finer or {})
        self._paths = None

    def _resolve(self) -> dict[str, str]:
        if self._paths is None:
            paths = dict(self.finer)
            for name in units.level_names():
                if name == self.level:
                    paths[name] = self.path or "pk"
                elif units.is_above(name, self.level):
                    paths[name] = _join(self.path, units.path_up(self.level, name))
            self._paths = paths
        return self._paths

    def __getitem__(self, level):
        return self._resolve()[level]

    def __iter__(self):
        return iter(self._resolve())

    def __len__(self):
        return len(self._resolve())

    def __repr__(self):
        return f"scoped_to({self.level!r}, {self.path!r})"


def scoped_to(level: str, path: str, **finer: str) -> ScopePaths:
    """Paths for a record that belongs to a unit at ``level`` through ``path`` ("" for the unit's own model);
    ``finer`` names an optional unit below it (``community="community"`` for a programme of a subdistrict
    that may belong to one of its communities)."""
    return ScopePaths(level, path, finer)


def community_scoped(path: str) -> ScopePaths:
    return scoped_to(COMMUNITY, path)


def subdistrict_scoped(path: str, **finer: str) -> ScopePaths:
    return scoped_to(SUBDISTRICT, path, **finer)


def district_scoped(path: str) -> ScopePaths:
    return scoped_to(DISTRICT, path)


def is_scoped(model) -> bool:
    return hasattr(model, "scope_paths")


def _target(model, unit) -> tuple[str, object]:
    """(path, unit) for the filter: the path at the unit's own level, or — for a record kept above the
    account's unit — the path to the finest level the record has and the account's ancestor there."""
    paths = model.scope_paths
    level = units.level_of(unit)
    if level in paths:
        return paths[level], unit
    coarser = [name for name in units.level_names() if name in paths and units.is_above(name, level)]
    return paths[coarser[-1]], units.ancestor(unit, coarser[-1])


def scope_q(model, unit, via: str = "") -> Q:
    """The filter that keeps ``model``'s records inside ``unit`` (or above it, for coarser records);
    ``via`` is the lookup from the queried model to ``model`` (``"homevisit"`` from the visits' volunteers)."""
    path, target = _target(model, unit)
    if target is None:  # a record kept above the unit, which has no parent there (a district without a city)
        return Q(**{f"{_join(via, 'pk')}__in": []})
    # By primary key: a path of "pk" (the unit's own model) does not accept a model instance.
    return Q(**{_join(via, path): target.pk})


def scope_path(model, level: str, via: str = "") -> str:
    """The lookup to group ``model``'s records by their unit at ``level`` (``values()`` gives the unit's id)."""
    return _join(via, model.scope_paths[level])


def subunit_group(model, unit) -> str:
    """The lookup to group ``model``'s records inside ``unit`` by its sub-units (a community is its own)."""
    return scope_path(model, units.next_level(units.level_of(unit)))


def _follow(instance, path: str):
    value = instance
    for part in path.split("__"):
        if value is None:
            return None
        value = getattr(value, part)
    return value


def unit_id_of(instance, level: str = COMMUNITY):
    """The id of the unit at ``level`` that ``instance`` belongs to, read through what is loaded (the last
    step reads the foreign key's id, so the unit itself is not fetched); None when it has none."""
    path = type(instance).scope_paths.get(level)
    if not path:
        return None
    if path == "pk":
        return instance.pk
    *related, last = path.split("__")
    holder = _follow(instance, "__".join(related)) if related else instance
    return getattr(holder, f"{last}_id", None) if holder is not None else None


def in_scope(instance, user) -> bool:
    """Whether a record (saved or not, as it stands in memory) is inside ``user``'s unit: the in-memory twin
    of ``for_user``."""
    if user.is_superuser:
        return True
    unit = unit_of(user)
    if unit is None:
        return False
    path, target = _target(type(instance), unit)
    if target is None:
        return False
    value = _follow(instance, path)
    return value is not None and getattr(value, "pk", value) == target.pk


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
