from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("reports")

    def ready(self):
        from django.db.models.signals import pre_save

        from registers.units import levels

        from . import exports  # noqa: F401  (declares the background exports)
        from .summaries.store import mark_moved_unit

        for level in levels():
            pre_save.connect(
                mark_moved_unit, sender=level.model, dispatch_uid=f"summaries_moved_{level.name}"
            )
