from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("Community services")
admin.site.site_title = _("Community services")
admin.site.index_title = _("Registers")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("security/", include("audit.urls")),  # two-factor sign-in, personal-data requests (audit app)
    path("reports/", include("reports.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("activities/", include("activities.urls")),
    path("", include("venues.urls")),
]
