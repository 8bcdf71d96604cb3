"""System check: every field named in audit.personal_data exists, so none escapes erasure or retention."""

from django.core import checks
from django.core.exceptions import FieldDoesNotExist

from . import personal_data


def _missing(model, lookup: str) -> bool:
    current = model
    for part in lookup.split("__"):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return True
        if field.is_relation:
            current = field.related_model
    return False


@checks.register()
def personal_data_fields_exist(app_configs=None, **kwargs):
    errors = []
    tables = [
        (personal_data.MASKED_IN_HISTORY, lambda spec: spec),
        (personal_data.HIDDEN_IN_HISTORY, lambda spec: spec),
        (personal_data.RELATED_ERASURE, lambda spec: [spec[0], *spec[1]]),
        (personal_data.ERASURE_BY_PHONE, lambda spec: [spec[0], *spec[1]]),
        (personal_data.RETENTION, lambda spec: [spec[0], *spec[1]]),
    ]
    person = personal_data.get_model("communities.person")
    for field in personal_data.PERSON_ERASURE:
        if _missing(person, field):
            errors.append(
                checks.Error(f"communities.person.{field} (PERSON_ERASURE) does not exist", id="audit.E001")
            )
    for table, lookups in tables:
        for label, spec in table.items():
            model = personal_data.get_model(label)
            if model is None:
                continue
            for lookup in lookups(spec):
                if _missing(model, lookup):
                    errors.append(
                        checks.Error(
                            f"{label}.{lookup} named in audit.personal_data does not exist",
                            hint="Update the tables in audit/personal_data.py with the model.",
                            id="audit.E001",
                        )
                    )
    return errors
