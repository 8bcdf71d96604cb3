"""System checks of the personal-data declarations (registers.personal_data): every declared field exists,
and no field that looks personal is left undeclared — a new phone or notes field fails ``manage.py check``
(and so every test run and deploy) until its model says how it is shown, erased and kept."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist

from .personal_data import declared

# Field names that usually hold something about a person.
PERSONAL_LOOKING = re.compile(
    r"phone|mobile|(^|_)tel($|_)|(^|_)name$|address|id_?(number|card)|identity|birth|(^|_)age$|gender|"
    r"health|medical|notes?$|remark|comment|reason$|purpose|education|email|wechat",
)


def project_models(app_configs=None):
    """The models of this project's own apps (not Django's or a library's)."""
    root = Path(settings.BASE_DIR).resolve()
    configs = app_configs or apps.get_app_configs()
    for config in configs:
        path = Path(config.path).resolve()
        if root in path.parents and ".venv" not in path.parts and "site-packages" not in path.parts:
            yield from config.get_models()


def _path_exists(model, path: str) -> bool:
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if field.is_relation:
            model = field.related_model
    return True


def _fields(model):
    return [*model._meta.concrete_fields, *model._meta.many_to_many]


@checks.register(checks.Tags.models)
def personal_data_declared(app_configs=None, **kwargs):
    errors = []
    for model in project_models(app_configs):
        label = model._meta.label
        personal, not_personal = declared(model), set(getattr(model, "not_personal_data", ()))
        paths = [*personal, *not_personal]
        for attribute in ("personal_data_about", "personal_data_found_by_phone", "personal_data_expires"):
            if getattr(model, attribute, None):
                paths.append(getattr(model, attribute))
        for path in paths:
            if not _path_exists(model, path):
                errors.append(
                    checks.Error(
                        f"{label}: “{path}” is declared in its personal data but is not a field.",
                        hint="Update the declaration with the model (registers.personal_data).",
                        obj=model,
                        id="registers.E001",
                    )
                )
        for field in _fields(model):
            name = field.name
            if PERSONAL_LOOKING.search(name) and name not in personal and name not in not_personal:
                errors.append(
                    checks.Error(
                        f"{label}.{name} looks like personal data and is not declared.",
                        hint=(
                            "Add it to the model's personal_data (how it is shown, erased and kept: "
                            "registers.personal_data.PersonalField), or to not_personal_data if it is not."
                        ),
                        obj=model,
                        id="registers.E002",
                    )
                )
    return errors
