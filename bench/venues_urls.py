"""The project's URLs plus a trivial view: the floor the venue pages are compared to (bench/venues_load.py)."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), *project_urlpatterns]
