"""The unit tree (city → district → subdistrict → community): its levels, a unit's ancestors and sub-units,
the units an account may choose, and how a unit is named in a URL (``district:3``).

A model is a level of the tree when it declares ``unit_parent``: the name of its foreign key to the level
above, or None at the top. The levels are found from the installed models, so a level added above the
district (a city) needs its model and nothing here. A nullable foreign key to the level above lets a unit
stand at the top without a parent (a district of a deployment that has no city): such units are ``tops()``
with those of the top level.
"""

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CITY, DISTRICT, SUBDISTRICT, COMMUNITY = "city", "district", "subdistrict", "community"


@dataclass(frozen=True)
class Level:
    name: str  # the model's name: "district"
    model: type
    parent_field: str | None  # the foreign key to the level above


@cache
def levels() -> tuple[Level, ...]:
    """The levels of the tree, the top first."""
    declared = [model for model in apps.get_models() if hasattr(model, "unit_parent")]
    by_parent = {}
    for model in declared:
        parent = model._meta.get_field(model.unit_parent).related_model if model.unit_parent else None
        by_parent[parent] = model
    chain, model = [], by_parent.get(None)
    while model is not None:
        chain.append(Level(model._meta.model_name, model, model.unit_parent))
        model = by_parent.get(model)
    return tuple(chain)


def level_names() -> tuple[str, ...]:
    return tuple(level.name for level in levels())


def level(name: str) -> Level:
    for candidate in levels():
        if candidate.name == name:
            return candidate
    raise LookupError(name)


def is_unit(obj) -> bool:
    return hasattr(type(obj), "unit_parent") and obj._meta.model_name in level_names()


def level_of(unit) -> str:
    return unit._meta.model_name


def depth(level_name: str) -> int:
    """0 for the top level, 1 below it …"""
    return level_names().index(level_name)


def is_above(upper: str, lower: str) -> bool:
    return depth(upper) < depth(lower)


def next_level(level_name: str) -> str:
    """The level one down (a community's breakdown is itself)."""
    names = level_names()
    return names[min(names.index(level_name) + 1, len(names) - 1)]


def path_up(from_level: str, to_level: str) -> str:
    """The lookup from a unit at ``from_level`` to its ancestor at ``to_level``: ``subdistrict__district``
    from a community to its district; "" when they are the same level."""
    names = level_names()
    parts = [
        level(name).parent_field for name in names[names.index(to_level) + 1 : names.index(from_level) + 1]
    ]
    return "__".join(reversed(parts))


def ancestor(unit, level_name: str):
    """``unit`` itself or its ancestor at ``level_name`` (through loaded or cached parents); None when the
    unit has no parent up to that level."""
    while unit is not None and level_of(unit) != level_name:
        unit = getattr(unit, level(level_of(unit)).parent_field)
    return unit


def ancestors(unit) -> list:
    """The units above ``unit``, the nearest first."""
    found = []
    while (parent_field := level(level_of(unit)).parent_field) is not None:
        unit = getattr(unit, parent_field)
        if unit is None:
            break
        found.append(unit)
    return found


def contains(outer, inner) -> bool:
    """Whether ``inner`` is ``outer`` or lies inside it."""
    if is_above(level_of(inner), level_of(outer)):
        return False
    found = ancestor(inner, level_of(outer))
    return found is not None and found.pk == outer.pk


def tops() -> list:
    """The units with nothing above them, by name: every unit of the top level, and the units of a lower
    level whose parent is left empty (one query per level whose parent may be empty)."""
    found = list(levels()[0].model._default_manager.order_by("name"))
    for candidate in levels()[1:]:
        if candidate.model._meta.get_field(candidate.parent_field).null:
            manager = candidate.model._default_manager
            found += list(manager.filter(**{f"{candidate.parent_field}__isnull": True}).order_by("name"))
    return found


def with_ancestors(queryset):
    """A query of units that reads their ancestors in the same query (their labels name them)."""
    name = queryset.model._meta.model_name
    return queryset.select_related(path_up(name, level_names()[0])) if depth(name) else queryset


def inside(unit, level_name: str):
    """The units at ``level_name`` inside ``unit`` (``unit`` itself at its own level), by name."""
    model = level(level_name).model
    path = path_up(level_name, level_of(unit))
    return model._default_manager.filter(**{path or "pk": unit.pk}).order_by("name")


def subunits(unit) -> list:
    """The units one level below ``unit``, by name; a community has none and is its own breakdown."""
    below = next_level(level_of(unit))
    return [unit] if below == level_of(unit) else list(inside(unit, below))


def community_ids(unit) -> list[int]:
    """Ids of the communities inside ``unit`` (1 query; none for a community itself)."""
    if level_of(unit) == COMMUNITY:
        return [unit.pk]
    return list(inside(unit, COMMUNITY).order_by("pk").values_list("pk", flat=True))


# --- the account's unit ----------------------------------------------------------------------------------


def unit_of(user):
    """The unit a staff account is assigned to (its StaffProfile), or None."""
    profile = getattr(user, "staff_profile", None)
    return profile.unit if profile is not None else None


def home_unit(user):
    """The unit a page opens on: the account's own, or for a superuser without one the first top unit."""
    unit = unit_of(user)
    if unit is None and user.is_superuser:
        unit = next(iter(tops()), None)
    return unit


# --- units in URLs ---------------------------------------------------------------------------------------


def unit_key(unit) -> str:
    """How a unit is named in URLs: ``district:3``, ``subdistrict:12``, ``community:40``."""
    return f"{level_of(unit)}:{unit.pk}"


def split_unit_key(value: str) -> tuple[str, int] | None:
    """``"subdistrict:12"`` → ("subdistrict", 12); None when it is not of that form."""
    name, _sep, pk = (value or "").partition(":")
    return (name, int(pk)) if name in level_names() and pk.isdigit() else None


def unit_by_key(value: str):
    """The unit ``value`` names (``district:3``) with its ancestors loaded, or None: no scope is checked."""
    key = split_unit_key(value)
    if key is None or key[1] > 2**63 - 1:
        return None
    return with_ancestors(level(key[0]).model._default_manager.filter(pk=key[1])).first()


def visible_unit(user, level_name: str, pk: int):
    """The unit at ``level_name`` with ``pk`` if the account may see it (its own unit or inside it), else None:
    a unit outside the account's unit and one that does not exist look the same."""
    model = level(level_name).model
    unit = with_ancestors(model._default_manager.filter(pk=pk)).first()
    if unit is None or user.is_superuser:
        return unit
    own = unit_of(user)
    return unit if own is not None and contains(own, unit) else None


LEVEL_LABELS = {
    CITY: pgettext_lazy("report", "city"),
    DISTRICT: pgettext_lazy("report", "district"),
    SUBDISTRICT: pgettext_lazy("report", "subdistrict"),
    COMMUNITY: pgettext_lazy("report", "community"),
}


class UnitError(ValueError):
    """The ``unit`` parameter names no unit the account may see; the message says why."""


def parse_unit(value: str, user):
    """The unit named by ``value`` (``district:12``) if the account may see it, else UnitError.

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
    level_name, pk = key
    unit = visible_unit(user, level_name, pk)
    if unit is None:
        raise UnitError(
            pgettext_lazy("report", "There is no %(level)s number %(pk)s in your unit (%(home)s).")
            % {
                "level": LEVEL_LABELS.get(level_name, level_name),
                "pk": pk,
                "home": unit_of(user) or pgettext_lazy("report", "none"),
            }
        )
    return unit


def can_see_unit(value: str, user) -> bool:
    """Whether ``value`` (``district:12``) names a unit the account may see (parse_unit without the why)."""
    try:
        parse_unit(value, user)
    except UnitError:
        return False
    return True


# --- the unit picker -------------------------------------------------------------------------------------


def unit_choices(user) -> list[tuple[str, str]]:
    """(key, label) of the units an account may choose: its own unit and every unit inside it, each under
    its parent and indented by its depth ("— 西关街道", "—— 环西社区"); for a superuser without a unit, the
    whole tree from its tops(). One query per level below the account's unit."""
    own = unit_of(user)
    if own is None and not user.is_superuser:
        return []
    roots = [own] if own is not None else tops()
    top_depth = min((depth(level_of(unit)) for unit in roots), default=0)
    children: dict[tuple[str, int], list] = {}
    names = level_names()
    start = top_depth + 1 if roots else len(names)
    for name in names[start:]:
        model = level(name).model
        queryset = model._default_manager.order_by("name")
        if own is not None:
            queryset = queryset.filter(**{path_up(name, level_of(own)): own.pk})
        parent_field = level(name).parent_field
        for unit in queryset.only("pk", "name", parent_field):
            parent_level = level(name).model._meta.get_field(parent_field).related_model._meta.model_name
            children.setdefault((parent_level, getattr(unit, f"{parent_field}_id")), []).append(unit)

    choices = []

    def add(unit, indent):
        choices.append((unit_key(unit), f"{'—' * indent} {unit}".strip()))
        for child in children.get((level_of(unit), unit.pk), []):
            add(child, indent + 1)

    for root in roots:
        add(root, 0)
    return choices


def nearby_unit_choices(user, unit) -> list[tuple[str, str]]:
    """(key, label) of the units a page about ``unit`` offers: from the account's own unit (or the top) down
    to ``unit``, then ``unit``'s sub-units — a few dozen choices however large the tree below, where
    unit_choices would list every community of a city; the others are one drill-down away."""
    own = unit_of(user)
    chain = [unit]
    for above in ancestors(unit):
        if own is not None and level_of(chain[-1]) == level_of(own):
            break
        chain.append(above)
    chain.reverse()
    choices = [(unit_key(u), f"{'—' * indent} {u}".strip()) for indent, u in enumerate(chain)]
    below = [sub for sub in subunits(unit) if sub != unit]
    return choices + [(unit_key(sub), f"{'—' * len(chain)} {sub}") for sub in below]


def unit_names(user) -> dict[str, str]:
    """{key: name} of the units an account may choose (unit_choices without the indentation)."""
    return {key: label.lstrip("— ").strip() for key, label in unit_choices(user)}


UNIT_HELP = _("Choose a unit from the list.")
