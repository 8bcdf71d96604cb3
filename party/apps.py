from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "party"
    verbose_name = _("Party branch work")
