from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("due/", views.due_list, name="due"),
    path("service-records/", views.service_records, name="service_records"),
]
