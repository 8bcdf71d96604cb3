"""Targets a supervisor sets for the units under them, per year and figure (目标考核): the dashboard's ranking
shows each sub-unit's figure against its target."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from registers.units import unit_names

# The figures a target can be set for: those the ranking shows (reports.ranking.RANKED).
TARGETED = (
    ("activities", pgettext_lazy("report", "activities")),
    ("participants", pgettext_lazy("report", "participants (person-times)")),
    ("visits", pgettext_lazy("report", "home visits (person-times served)")),
)


class TargetQuerySet(models.QuerySet):
    def for_user(self, user):
        """Targets of the account's own unit and of the units inside it."""
        if user.is_superuser:
            return self
        return self.filter(unit__in=list(unit_names(user)))


class Target(models.Model):
    # A unit of any level, by its key ("community:5"): targets are set for districts, subdistricts and
    # communities alike.
    unit = models.CharField(_("unit"), max_length=40)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    figure = models.CharField(_("figure"), max_length=40, choices=TARGETED)
    value = models.DecimalField(
        _("target"), max_digits=12, decimal_places=1, validators=[MinValueValidator(0)]
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", editable=False, null=True,
        verbose_name=_("set by"),
    )  # fmt: skip
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["-year", "unit", "figure"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "figure"],
                name="target_once_per_unit_year_figure",
                violation_error_message=_("This unit already has a target for this figure in this year."),
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="target_not_negative"),
        ]

    def __str__(self):
        return f"{self.unit} {self.year} {self.get_figure_display()}"
