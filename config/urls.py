from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from api.views import api as data_interface
from audit.views import PasswordReset, PasswordResetComplete, PasswordResetConfirm, PasswordResetSent
from registers.admin import labelled_autocomplete, view_on_site
from registers.attachments import attachment_view
from volunteers import views as volunteer_views

from . import views

admin.site.site_header = _("Community services")
admin.site.site_title = _("Community services")
admin.site.index_title = _("Registers")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("robots.txt", views.robots_txt),
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
    # Before the admin's own: "view on site" only for records inside the account's unit (registers.admin).
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="scoped_view_on_site",
    ),
    path("admin/attachments/<int:pk>/", attachment_view, name="attachment"),
    # Before the admin's own: pickers that tell people apart (name, community, birth year, last 4 digits).
    path("admin/autocomplete/", admin.site.admin_view(labelled_autocomplete), name="labelled_autocomplete"),
    path("admin/", admin.site.urls),
    path("security/", include("audit.urls")),  # two-factor sign-in, personal-data requests (audit app)
    path("reports/", include("reports.urls")),
    path("api/v1/", data_interface.urls),
    path("volunteers/", include("volunteers.urls")),
    path("volunteer/", include("volunteers.public_urls")),  # the volunteers' own pages, without an account
    path("certificates/<str:number>/", volunteer_views.certificate_verify, name="certificate_verify"),
    path("activities/", include("activities.urls")),
    path("", include("party.urls")),  # /party/overdue/ for staff, the public wish wall at /wishes/
    path("", include("venues.urls")),
]

# Error pages in the visitor's language (templates/40x.html, 500.html); 400 and 500 are Django's handlers
# with the project's templates.
handler404 = "config.views.page_not_found"
handler403 = "config.views.permission_denied"
