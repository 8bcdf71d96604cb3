from django.urls import path

from . import views

app_name = "party"

urlpatterns = [
    path("overdue/", views.overdue_list, name="overdue"),
]
