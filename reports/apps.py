from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("reports")

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate, pre_save

        from registers.units import levels

        from . import exports  # noqa: F401  (declares the background exports)
        from .summaries.store import mark_moved_unit
        from .summaries.triggers import drop_before_migrate, install_after_migrate

        pre_migrate.connect(drop_before_migrate, sender=self, dispatch_uid="summaries_triggers_drop")
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="summaries_triggers_install")

        for level in levels():
            pre_save.connect(
                mark_moved_unit, sender=level.model, dispatch_uid=f"summaries_moved_{level.name}"
            )
