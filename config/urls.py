from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from audit.views import PasswordReset, PasswordResetComplete, PasswordResetConfirm, PasswordResetSent

from . import views

admin.site.site_header = _("Community services")
admin.site.site_title = _("Community services")
admin.site.index_title = _("Registers")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Staff's "forgotten password" (audit.views.PasswordReset), under the names the admin's sign-in page and
    # Django's email template link to.
    path("admin/password-reset/", PasswordReset.as_view(), name="admin_password_reset"),
    path("admin/password-reset/sent/", PasswordResetSent.as_view(), name="password_reset_done"),
    path(
        "admin/password-reset/<uidb64>/<token>/",
        PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/password-reset/done/",
        PasswordResetComplete.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("security/", include("audit.urls")),  # two-factor sign-in, personal-data requests (audit app)
    path("reports/", include("reports.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("activities/", include("activities.urls")),
    path("", include("venues.urls")),
]
