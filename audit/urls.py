from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/qr.svg", views.qr_code, name="qr_code"),
    path("two-factor/verify/", views.verify, name="verify"),
    path("two-factor/recovery-codes.txt", views.recovery_codes_file, name="recovery_codes_file"),
    path("people/<int:pk>/data.<str:fmt>", views.person_data_export, name="person_export"),
    path("people/<int:pk>/erase/", views.person_erase, name="person_erase"),
]
