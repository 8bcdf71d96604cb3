from django.urls import path

from . import public_views as views

app_name = "volunteer"

urlpatterns = [
    path("activities/", views.activity_list, name="activities"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/check/", views.check, name="check"),
    path("activities/<int:pk>/code/", views.organiser_code, name="organiser_code"),
    path("activities/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("code/", views.code, name="code"),
    path("me/", views.me, name="me"),
]
