from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "volunteers"
    verbose_name = _("volunteers and home visits")

    def ready(self):
        from . import checks, exports  # noqa: F401  (the font check; declares the background exports)
