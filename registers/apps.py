from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    """The base layer every register app stands on: units and scope, periods, personal data, the admin and
    spreadsheet bases. It imports no other app of the project."""

    name = "registers"
    verbose_name = _("registers")

    def ready(self):
        from . import checks, job_admin  # noqa: F401  (the personal-data checks, the jobs' admin)
