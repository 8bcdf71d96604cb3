from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = _("security and personal data")

    def ready(self):
        from . import history, signals  # noqa: F401  (history registry, receivers)

        history.register_registers()
