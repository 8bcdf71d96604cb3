from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
]
